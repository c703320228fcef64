#include "benchsupport.h"

#include "store/database.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTextStream>

#include <algorithm>
#include <utility>

namespace sluice::bench {

void say(const QString &line)
{
    static QTextStream out(stdout);
    out << line << Qt::endl;
}

double percentile(QList<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min<qsizetype>(v.size() - 1, qsizetype(p * double(v.size())))];
}

QString formatTable(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> width(header.size(), 0);
    auto measure = [&](const QStringList &r) {
        for (qsizetype i = 0; i < r.size() && i < width.size(); ++i)
            width[i] = std::max(width[i], r[i].size());
    };
    measure(header);
    for (const QStringList &r : rows)
        measure(r);
    auto line = [&](const QStringList &r) {
        QString out;
        for (qsizetype i = 0; i < r.size() && i < width.size(); ++i) {
            if (i > 0)
                out += QStringLiteral("  ");
            out += i == 0 ? r[i].leftJustified(width[i]) : r[i].rightJustified(width[i]);
        }
        return out;
    };
    QStringList lines{line(header)};
    QString rule;
    for (qsizetype i = 0; i < width.size(); ++i)
        rule += (i > 0 ? QStringLiteral("  ") : QString()) + QString(width[i], QLatin1Char('-'));
    lines << rule;
    for (const QStringList &r : rows)
        lines << line(r);
    return lines.join(QLatin1Char('\n'));
}

namespace {
QString script() { return QStringLiteral(SLUICE_SOURCE_DIR "/tests/support/pg-server.sh"); }
} // namespace

Store::Store(DbUrl::Backend backend, const QString &pgUrl) : m_backend(backend)
{
    if (backend == DbUrl::Backend::Sqlite)
        return;
    QString url = pgUrl;
    if (url.isEmpty()) {
        say(QStringLiteral("starting a throwaway PostgreSQL: %1 start %2").arg(script(), m_dir.path()));
        m_throwaway = true;
        QFile f(m_dir.filePath(QStringLiteral("url")));
        if (pgServer(QStringLiteral("start")) == 0 && f.open(QIODevice::ReadOnly))
            url = QString::fromUtf8(f.readAll()).trimmed();
    }
    auto parsed = DbUrl::parse(url);
    if (!parsed) {
        stopThrowaway();
        throw Fatal{QStringLiteral("no PostgreSQL server (%1); pass --pg-url").arg(parsed.error().message)};
    }
    m_admin = *parsed;
}

Store::~Store()
{
    if (m_admin) {
        if (auto db = Database::open(*m_admin)) {
            for (const QString &name : std::as_const(m_created))
                (void)(*db)->exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
        }
    }
    stopThrowaway();
}

DbUrl Store::create(const QString &label)
{
    DbUrl url;
    if (m_backend == DbUrl::Backend::Sqlite) {
        url.path = m_dir.filePath(label + QStringLiteral(".db"));
        return url;
    }
    auto admin = orDie(Database::open(*m_admin), QStringLiteral("connecting to PostgreSQL"));
    const QString name = QStringLiteral("sluice_bench_%1_%2").arg(label).arg(QCoreApplication::applicationPid());
    orDie(admin->exec(QStringLiteral("CREATE DATABASE %1").arg(name)), QStringLiteral("CREATE DATABASE"));
    m_created << name;
    url = *m_admin;
    url.database = name;
    return url;
}

int Store::pgServer(const QString &command)
{
    return QProcess::execute(QStringLiteral("bash"), {script(), command, m_dir.path()});
}

void Store::stopThrowaway()
{
    if (std::exchange(m_throwaway, false))
        pgServer(QStringLiteral("stop"));
}

} // namespace sluice::bench
