#include "migrator.h"

#include "core/clock.h"
#include "store/database.h"
#include "store/sqlscript.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

namespace sluice {

namespace {

const QString kVersionTable = QStringLiteral("schema_version");

QList<Migration> loadBundled()
{
    QList<Migration> list;
    static const QRegularExpression namePattern(QStringLiteral("^(\\d{4})_([a-z0-9_]+)\\.sql$"));
    const QDir dir(QStringLiteral(":/sql/migrations"));
    for (const QString &file : dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name)) {
        const auto m = namePattern.match(file);
        Q_ASSERT_X(m.hasMatch(), "Migrator", "migration files are named NNNN_name.sql");
        QFile f(dir.filePath(file));
        if (!m.hasMatch() || !f.open(QIODevice::ReadOnly))
            continue;
        list.append({m.captured(1).toInt(), m.captured(2), QString::fromUtf8(f.readAll())});
    }
    for (qsizetype i = 0; i < list.size(); ++i)
        Q_ASSERT_X(list[i].version == i + 1, "Migrator", "migration versions are 1..n without gaps");
    return list;
}

} // namespace

Migrator::Migrator(Database &db) : m_db(db) {}

const QList<Migration> &Migrator::bundled()
{
    static const QList<Migration> list = loadBundled();
    return list;
}

int Migrator::latestVersion()
{
    return int(bundled().size());
}

Result<SchemaState> Migrator::state()
{
    SchemaState s;
    s.latest = latestVersion();
    const QStringList tables = m_db.tables();
    if (!tables.contains(kVersionTable)) {
        s.foreign = !tables.isEmpty();
        return s;
    }
    auto v = m_db.scalar(QStringLiteral("SELECT MAX(version) FROM schema_version"));
    if (!v)
        return fail(v.error());
    s.current = v->isNull() ? 0 : v->toInt();
    return s;
}

Result<QList<int>> Migrator::migrate(int target)
{
    if (target < 0)
        target = latestVersion();
    auto st = state();
    if (!st)
        return fail(st.error());
    if (st->foreign)
        return fail(Error::schema(QStringLiteral("%1 already holds tables that are not Sluice's; it was left untouched — "
                                                 "use an empty database for Sluice")
                                      .arg(m_db.url().toString())));
    if (st->isNewer())
        return fail(Error::schema(QStringLiteral("the database's schema (version %1) is newer than this Sluice knows "
                                                 "(version %2); it is never downgraded — install a newer Sluice")
                                      .arg(st->current).arg(st->latest)));

    QList<int> applied;
    for (const Migration &m : bundled()) {
        if (m.version > target)
            break;
        auto r = m_db.write([&]() -> Result<bool> {
            if (const QString lock = m_db.dialect().migrationLockSql(); !lock.isEmpty()) {
                if (auto q = m_db.exec(lock); !q)
                    return fail(q.error());
            }
            // Re-read inside the transaction: another process may have migrated meanwhile.
            if (!m_db.tables().contains(kVersionTable)) {
                auto q = m_db.exec(QStringLiteral("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                                                  "name TEXT NOT NULL, applied_at BIGINT NOT NULL, app_version TEXT NOT NULL)"));
                if (!q)
                    return fail(q.error());
            }
            auto done = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version WHERE version = ?"), {m.version});
            if (!done)
                return fail(done.error());
            if (done->toInt() > 0)
                return false;
            for (const QString &statement : splitSqlScript(m_db.dialect().expandDdl(m.sql))) {
                if (auto q = m_db.exec(statement); !q)
                    return fail(Error::schema(QStringLiteral("migration %1 (%2) failed: %3")
                                                  .arg(m.version).arg(m.name, q.error().message)));
            }
            auto rec = m_db.exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at, app_version) "
                                                "VALUES (?, ?, ?, ?)"),
                                 {m.version, m.name, nowMs(), QStringLiteral(SLUICE_VERSION)});
            if (!rec)
                return fail(rec.error());
            return true;
        });
        if (!r)
            return fail(r.error());
        if (*r)
            applied << m.version;
    }
    return applied;
}

Result<void> Migrator::requireCurrent()
{
    auto st = state();
    if (!st)
        return fail(st.error());
    const QString where = m_db.url().toString();
    if (st->foreign)
        return fail(Error::schema(QStringLiteral("%1 is not a Sluice database (it holds other tables); pass another --db").arg(where)));
    if (st->isEmpty())
        return fail(Error::schema(QStringLiteral("%1 is not initialised; run `sluicectl db init`").arg(where)));
    if (st->isNewer())
        return fail(Error::schema(QStringLiteral("the database's schema (version %1) is newer than this Sluice knows "
                                                 "(version %2); install a newer Sluice")
                                      .arg(st->current).arg(st->latest)));
    if (st->current < st->latest)
        return fail(Error::schema(QStringLiteral("the database's schema is at version %1 and this Sluice needs version %2; "
                                                 "run `sluicectl db upgrade`")
                                      .arg(st->current).arg(st->latest)));
    return {};
}

} // namespace sluice
