#include "dburl.h"

#include <QDir>
#include <QProcessEnvironment>
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

// What messages quote: from the first ':' after the scheme to the last '@' is masked, which also hides
// a password QUrl cannot delimit (one holding a '/') and the pieces of it QUrl would take for host,
// port or path.
QString maskedForMessage(const QString &url)
{
    const qsizetype scheme = url.indexOf(QLatin1String("://"));
    const qsizetype at = url.lastIndexOf(QLatin1Char('@'));
    if (scheme < 0 || at < scheme)
        return url;
    const qsizetype colon = url.indexOf(QLatin1Char(':'), scheme + 3);
    if (colon < 0 || colon > at)
        return url;
    return url.left(colon + 1) + QStringLiteral("****") + url.mid(at);
}

} // namespace

Result<DbUrl> DbUrl::parse(const QString &text)
{
    // Messages quote the URL; a password typed into it must not travel further.
    static const QRegularExpression credentials(QStringLiteral("(://[^/@:]*):[^@/]*@"));
    const QString trimmed = text.trimmed().replace(credentials, QStringLiteral("\\1:****@"));
    const bool hadPassword = trimmed != text.trimmed();
    const QString shown = maskedForMessage(trimmed);
    if (trimmed.isEmpty())
        return fail(Error::invalid(QStringLiteral("the database URL is empty: ") + kUrlHelp));

    DbUrl url;
    if (trimmed.startsWith(QLatin1String("sqlite:"))) {
        if (!trimmed.startsWith(QLatin1String("sqlite:///")))
            return fail(Error::invalid(QStringLiteral("\"%1\" is not a SQLite URL with an absolute path: %2")
                                           .arg(shown, kUrlHelp)));
        url.backend = Backend::Sqlite;
        url.path = QUrl::fromPercentEncoding(trimmed.mid(int(qstrlen("sqlite://"))).toUtf8());
        const QString name = url.path.section(QLatin1Char('/'), -1);   // "." and ".." name directories
        if (url.path.size() < 2 || name.isEmpty() || name == QLatin1String(".") || name == QLatin1String(".."))
            return fail(Error::invalid(QStringLiteral("\"%1\" names no database file: %2").arg(shown, kUrlHelp)));
        url.path = QDir::cleanPath(url.path);
        return url;
    }

    if (!trimmed.startsWith(QLatin1String("postgresql://")) && !trimmed.startsWith(QLatin1String("postgres://")))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a database URL Sluice knows: %2").arg(shown, kUrlHelp)));

    const QUrl qurl(trimmed, QUrl::StrictMode);
    if (hadPassword || !qurl.password().isEmpty())
        return fail(Error::invalid(QStringLiteral(
            "the database URL holds a password; remove it and supply the password through PGPASSWORD or ~/.pgpass")));
    // QUrl's message goes on to quote the URL and the parts it found: only its first clause is kept.
    if (!qurl.isValid())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a valid URL (%2): %3")
                                       .arg(shown, qurl.errorString().section(QLatin1String("; source was"), 0, 0), kUrlHelp)));
    url.backend = Backend::Postgres;
    url.user = qurl.userName();
    url.host = qurl.host();
    if (url.host.isEmpty())
        return fail(Error::invalid(QStringLiteral("\"%1\" names no host: %2").arg(shown, kUrlHelp)));
    url.port = qurl.port(5432);
    if (url.port <= 0 || url.port > 65535)
        return fail(Error::invalid(QStringLiteral("\"%1\" has an invalid port: %2").arg(shown, kUrlHelp)));
    url.database = qurl.path().mid(1);
    if (url.database.isEmpty() || url.database.contains(QLatin1Char('/')))
        return fail(Error::invalid(QStringLiteral("\"%1\" names no database: %2").arg(shown, kUrlHelp)));

    QStringList options;
    const QUrlQuery query(qurl);
    for (const auto &[key, value] : query.queryItems(QUrl::FullyDecoded)) {
        if (!isAllowedPgOption(key))
            return fail(Error::invalid(QStringLiteral("the database URL option \"%1\" is not supported%2")
                                           .arg(key, key == QLatin1String("password")
                                                         ? QStringLiteral("; supply the password through PGPASSWORD or ~/.pgpass")
                                                         : QString())));
        // QPSQL turns ';' into a blank and splices the options into a libpq connection string, where a
        // blank, quote or backslash in a value would start another parameter, one the list above refuses.
        static const QRegularExpression unsafe(QStringLiteral("[\\s;'\\\\]"));
        if (value.contains(unsafe))
            return fail(Error::invalid(QStringLiteral("the database URL option \"%1\" has a blank, ';', quote or backslash in its "
                                                      "value, which the PostgreSQL driver cannot pass on").arg(key)));
        options << key + QLatin1Char('=') + value;
    }
    url.options = options.join(QLatin1Char(';'));
    return url;
}

QString DbUrl::toString() const
{
    if (backend == Backend::Sqlite)   // parse() percent-decodes the path, so a literal '%' is encoded
        return QStringLiteral("sqlite://") + QString(path).replace(QLatin1Char('%'), QLatin1String("%25"));
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
    return u.toString(QUrl::FullyEncoded);   // parse() is strict: a blank in a name must stay %20
}

DbUrl defaultDbUrl()
{
    DbUrl url;
    url.backend = DbUrl::Backend::Sqlite;
    url.path = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/sluice.db");
    return url;
}

Result<ResolvedDbUrl> resolveDbUrl(const QString &given)
{
    QString text = given;
    if (text.isEmpty())
        text = QProcessEnvironment::systemEnvironment().value(QStringLiteral("SLUICE_DB"));
    if (text.isEmpty())
        return ResolvedDbUrl{defaultDbUrl(), true};
    auto url = DbUrl::parse(text);
    if (!url)
        return fail(url.error());
    return ResolvedDbUrl{*url, false};
}

} // namespace sluice
