#include "dburl.h"

#include <QDir>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

namespace sluice {

namespace {

const QString kUrlHelp = QStringLiteral(
    "use sqlite:///absolute/path.db or postgresql://user@host:port/dbname");

// libpq connection parameters that may be given in the query string. Anything else (and above all
// `password`) is refused rather than passed on blindly.
bool isAllowedPgOption(const QString &key)
{
    static const QStringList allowed = {
        QStringLiteral("sslmode"), QStringLiteral("sslrootcert"), QStringLiteral("sslcert"),
        QStringLiteral("sslkey"), QStringLiteral("connect_timeout"), QStringLiteral("application_name"),
        QStringLiteral("target_session_attrs"), QStringLiteral("options"),
    };
    return allowed.contains(key);
}

} // namespace

Result<DbUrl> DbUrl::parse(const QString &text)
{
    // Messages quote the URL; a password typed into it must not travel further.
    static const QRegularExpression credentials(QStringLiteral("(://[^/@:]*):[^@/]*@"));
    const QString trimmed = text.trimmed().replace(credentials, QStringLiteral("\\1:****@"));
    const bool hadPassword = trimmed != text.trimmed();
    if (trimmed.isEmpty())
        return fail(Error::invalid(QStringLiteral("the database URL is empty: ") + kUrlHelp));

    DbUrl url;
    if (trimmed.startsWith(QLatin1String("sqlite:"))) {
        if (!trimmed.startsWith(QLatin1String("sqlite:///")))
            return fail(Error::invalid(QStringLiteral("\"%1\" is not a SQLite URL with an absolute path: %2")
                                           .arg(trimmed, kUrlHelp)));
        url.backend = Backend::Sqlite;
        url.path = QUrl::fromPercentEncoding(trimmed.mid(int(qstrlen("sqlite://"))).toUtf8());
        if (url.path.size() < 2 || url.path.endsWith(QLatin1Char('/')))
            return fail(Error::invalid(QStringLiteral("\"%1\" names no database file: %2").arg(trimmed, kUrlHelp)));
        url.path = QDir::cleanPath(url.path);
        return url;
    }

    if (!trimmed.startsWith(QLatin1String("postgresql://")) && !trimmed.startsWith(QLatin1String("postgres://")))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a database URL Sluice knows: %2").arg(trimmed, kUrlHelp)));

    const QUrl qurl(trimmed, QUrl::StrictMode);
    if (hadPassword || !qurl.password().isEmpty())
        return fail(Error::invalid(QStringLiteral(
            "the database URL holds a password; remove it and supply the password through PGPASSWORD or ~/.pgpass")));
    if (!qurl.isValid())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a valid URL (%2): %3")
                                       .arg(trimmed, qurl.errorString(), kUrlHelp)));
    url.backend = Backend::Postgres;
    url.user = qurl.userName();
    url.host = qurl.host();
    if (url.host.isEmpty())
        return fail(Error::invalid(QStringLiteral("\"%1\" names no host: %2").arg(trimmed, kUrlHelp)));
    url.port = qurl.port(5432);
    if (url.port <= 0 || url.port > 65535)
        return fail(Error::invalid(QStringLiteral("\"%1\" has an invalid port: %2").arg(trimmed, kUrlHelp)));
    url.database = qurl.path().mid(1);
    if (url.database.isEmpty() || url.database.contains(QLatin1Char('/')))
        return fail(Error::invalid(QStringLiteral("\"%1\" names no database: %2").arg(trimmed, kUrlHelp)));

    QStringList options;
    const QUrlQuery query(qurl);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!isAllowedPgOption(key))
            return fail(Error::invalid(QStringLiteral("the database URL option \"%1\" is not supported%2")
                                           .arg(key, key == QLatin1String("password")
                                                         ? QStringLiteral("; supply the password through PGPASSWORD or ~/.pgpass")
                                                         : QString())));
        options << key + QLatin1Char('=') + value;
    }
    url.options = options.join(QLatin1Char(';'));
    return url;
}

QString DbUrl::toString() const
{
    if (backend == Backend::Sqlite)
        return QStringLiteral("sqlite://") + path;
    QUrl u;
    u.setScheme(QStringLiteral("postgresql"));
    u.setUserName(user);
    u.setHost(host);
    u.setPort(port);
    u.setPath(QLatin1Char('/') + database);
    if (!options.isEmpty()) {
        QUrlQuery q;
        for (const QString &kv : options.split(QLatin1Char(';'))) {
            const qsizetype eq = kv.indexOf(QLatin1Char('='));
            q.addQueryItem(kv.left(eq), kv.mid(eq + 1));
        }
        u.setQuery(q);
    }
    return u.toString();
}

DbUrl defaultDbUrl()
{
    DbUrl url;
    url.backend = DbUrl::Backend::Sqlite;
    url.path = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sluice.db");
    return url;
}

} // namespace sluice
