// Migrations on SQLite and PostgreSQL: from empty, re-run, upgraded from every earlier version,
// and the databases they must refuse (newer schema, someone else's tables).
#include "storefixture.h"

#include "store/catalogstore.h"
#include "store/lockstore.h"
#include "store/migrator.h"

#include <QDateTime>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

class tst_Migrator : public QObject
{
    Q_OBJECT

    static bool execLogged(Database &db, const QString &sql)
    {
        auto q = db.exec(sql);
        if (!q)
            qWarning() << q.error().message;
        return bool(q);
    }

    // Org 1 with org tasks 1, 2 and 3 (of catalog task 1), written by hand at an old version.
    static bool seedThreeOrgTasks(Database &db)
    {
        bool ok = execLogged(db, QStringLiteral("INSERT INTO org (id, slug, name, created_at, updated_at) VALUES (1, 'o', 'O', 1, 1)"))
            && execLogged(db, QStringLiteral("INSERT INTO task (id, slug, type, command) VALUES (1, 'shell', 'shell', 'x')"));
        for (int id : {1, 2, 3})
            ok = ok && execLogged(db, QStringLiteral("INSERT INTO org_task (id, uuid, org_id, task_id, created_at, updated_at) "
                                                     "VALUES (%1, 'ot-%1', 1, 1, 1, 1)").arg(id));
        return ok;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void fromEmpty()
    {
        auto db = m_fixture.openFresh(false);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        Migrator m(**db);
        auto before = m.state();
        QVERIFY(before);
        QVERIFY(before->isEmpty());
        auto applied = m.migrate();
        QVERIFY2(applied, qPrintable(applied ? QString() : applied.error().message));
        QList<int> all;
        for (int v = 1; v <= Migrator::latestVersion(); ++v)
            all << v;
        QCOMPARE(*applied, all);
        QVERIFY(m.state()->isCurrent());

        const QStringList tables = (*db)->tables();
        for (const char *t : {"org", "warehouse", "dbt_workspace", "airbyte_server", "task", "org_task", "pipeline",
                              "pipeline_task", "lock_lease", "lock_task", "run", "task_run", "task_run_log", "dbt_node_result",
                              "dbt_model", "agent", "audit_event", "notification_channel", "schema_version"})
            QVERIFY2(tables.contains(QLatin1String(t)), t);
    }

    void rerunIsIdempotent()
    {
        auto db = m_fixture.openFresh(true);
        QVERIFY(db);
        auto again = initialiseDatabase(**db, false);
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QVERIFY(again->applied.isEmpty());
        QCOMPARE(again->fromVersion, Migrator::latestVersion());
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT COUNT(*) FROM task"))->toInt(), 15);
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT COUNT(*) FROM schema_version"))->toInt(), Migrator::latestVersion());
    }

    void catalogUpsertRestoresChangedRows()
    {
        auto db = m_fixture.openFresh(true);
        QVERIFY(db);
        QVERIFY((*db)->exec(QStringLiteral("UPDATE task SET command = 'tampered', flags = '[]' WHERE slug = 'dbt-run'")));
        const qint64 idBefore = (*db)->scalar(QStringLiteral("SELECT id FROM task WHERE slug = 'dbt-run'"))->toLongLong();
        QVERIFY(initialiseDatabase(**db, false));
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT command FROM task WHERE slug = 'dbt-run'"))->toString(), QStringLiteral("run"));
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT flags FROM task WHERE slug = 'dbt-run'"))->toString(), QStringLiteral("[\"full-refresh\"]"));
        // Upserted in place: org tasks keep pointing at the same row.
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT id FROM task WHERE slug = 'dbt-run'"))->toLongLong(), idBefore);
    }

    void upgradeFromEachVersion_data()
    {
        QTest::addColumn<int>("from");
        for (int v = 1; v < Migrator::latestVersion(); ++v)
            QTest::addRow("from v%d", v) << v;
    }

    void upgradeFromEachVersion()
    {
        QFETCH(int, from);
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        Migrator m(**db);
        QVERIFY(m.migrate(from));
        QCOMPARE(m.state()->current, from);
        auto outdated = m.requireCurrent();
        QVERIFY(!outdated);
        QVERIFY2(outdated.error().message.contains(QLatin1String("db upgrade")), qPrintable(outdated.error().message));

        // Data written at the older version survives the upgrade.
        QVERIFY((*db)->exec(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('old', 'Old org', 1, 1)")));
        QVERIFY((*db)->exec(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, cron, timezone, created_at, updated_at) "
                                           "SELECT 'p-old', id, 'legacy', '0 2 * * *', 'UTC', 1, 1 FROM org WHERE slug = 'old'")));
        auto report = initialiseDatabase(**db, true);
        QVERIFY2(report, qPrintable(report ? QString() : report.error().message));
        QCOMPARE(report->fromVersion, from);
        QCOMPARE(report->applied.first(), from + 1);
        QCOMPARE(report->applied.last(), Migrator::latestVersion());
        QVERIFY(m.requireCurrent());
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT name FROM org WHERE slug = 'old'"))->toString(), QStringLiteral("Old org"));
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT cron FROM pipeline WHERE uuid = 'p-old'"))->toString(), QStringLiteral("0 2 * * *"));
        // A column added by a later migration gets its default on the old rows.
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT notify_on FROM pipeline WHERE uuid = 'p-old'"))->toString(), QStringLiteral("[\"failure\"]"));
    }

    void lockRowsKeepHoldersAndFencesAcrossVersion6()
    {
        // At version 5 a lock is a task_lock row that comes and goes, and lock_fence keeps the last
        // fence per task; version 6 keeps one row per task holding both.
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        Migrator m(**db);
        QVERIFY(m.migrate(5));
        auto exec = [&](const QString &sql) { return execLogged(**db, sql); };
        QVERIFY(seedThreeOrgTasks(**db));
        QVERIFY(exec(QStringLiteral("INSERT INTO run (id, uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at) "
                                    "VALUES (7, 'r-7', 1, 'p', 'manual', 'me', 'running', 1)")));
        // Task 1: held by run 7 with fence 4 (its counter says 4). Task 2: released, last fence 9. Task 3: never locked.
        QVERIFY(exec(QStringLiteral("INSERT INTO lock_fence (org_task_id, last_fence) VALUES (1, 4), (2, 9)")));
        QVERIFY(exec(QStringLiteral("INSERT INTO task_lock (org_task_id, run_id, locked_by, fence, lease_expires_at, locked_at) "
                                    "VALUES (1, 7, 'me@host', 4, 99000, 1000)")));
        QVERIFY(m.migrate());
        QVERIFY(!(*db)->tables().contains(QStringLiteral("lock_fence")));
        auto rows = (*db)->fetch(QStringLiteral("SELECT org_task_id, run_id, locked_by, fence, lease_expires_at, locked_at FROM task_lock "
                                                "ORDER BY org_task_id"));
        QVERIFY2(rows, qPrintable(rows ? QString() : rows.error().message));
        QCOMPARE(rows->size(), 2);
        QCOMPARE(rows->at(0).at(1).toLongLong(), 7);
        QCOMPARE(rows->at(0).at(2).toString(), QStringLiteral("me@host"));
        QCOMPARE(rows->at(0).at(3).toLongLong(), 4);
        QCOMPARE(rows->at(0).at(4).toLongLong(), 99000);
        QCOMPARE(rows->at(0).at(5).toLongLong(), 1000);
        QCOMPARE(rows->at(1).at(0).toLongLong(), 2);
        QVERIFY(rows->at(1).at(1).isNull());
        QCOMPARE(rows->at(1).at(3).toLongLong(), 9);
        // A free row still belongs to its task: deleting the task takes it along.
        QVERIFY(exec(QStringLiteral("DELETE FROM org_task WHERE id = 2")));
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock"))->toLongLong(), 1);
    }

    void leasesKeepHoldersAndFencesAcrossVersion7()
    {
        // At version 6 every org task has its own lock row; version 7 groups the tasks a run holds into
        // one lease and keeps every fence.
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        Migrator m(**db);
        QVERIFY(m.migrate(6));
        auto exec = [&](const QString &sql) { return execLogged(**db, sql); };
        QVERIFY(seedThreeOrgTasks(**db));
        for (int id : {7, 8, 9})
            QVERIFY(exec(QStringLiteral("INSERT INTO run (id, uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at) "
                                        "VALUES (%1, 'r-%1', 1, 'p', 'manual', 'me', 'running', 1)").arg(id)));
        // Tasks 1 and 2: held by run 7 with fence 4. Task 3: free, last fence 9.
        const qint64 far = QDateTime::currentMSecsSinceEpoch() + 3'600'000;
        QVERIFY(exec(QStringLiteral("INSERT INTO task_lock (org_task_id, run_id, locked_by, fence, lease_expires_at, locked_at) "
                                    "VALUES (1, 7, 'me@host', 4, %1, 1000), (2, 7, 'me@host', 4, %1, 1000)").arg(far)));
        QVERIFY(exec(QStringLiteral("INSERT INTO task_lock (org_task_id, fence) VALUES (3, 9)")));
        QVERIFY(m.migrate());
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT COUNT(*) FROM lock_lease"))->toLongLong(), 1);
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT task_count FROM lock_lease WHERE run_id = 7"))->toLongLong(), 2);
        auto rows = (*db)->fetch(QStringLiteral("SELECT org_task_id, run_id, locked_by, fence, lease_expires_at FROM task_lock ORDER BY org_task_id"));
        QVERIFY(rows);
        QCOMPARE(rows->size(), 3);
        QCOMPARE(rows->at(1).at(1).toLongLong(), 7);
        QCOMPARE(rows->at(1).at(2).toString(), QStringLiteral("me@host"));
        QCOMPARE(rows->at(1).at(4).toLongLong(), far);
        QVERIFY(rows->at(2).at(1).isNull());
        QCOMPARE(rows->at(2).at(3).toLongLong(), 9);
        // The store goes on from there: the holder is named, releases, and fences only grow.
        LockStore locks(**db);
        auto refused = locks.acquire(8, std::nullopt, {2}, QStringLiteral("other@host"));
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("me@host")), qPrintable(refused.error().message));
        QVERIFY(locks.release(7, 4));
        auto again = locks.acquire(8, std::nullopt, {1, 2}, QStringLiteral("other@host"));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(again->fence, 5);
        auto third = locks.acquire(9, std::nullopt, {3}, QStringLiteral("other@host"));
        QVERIFY(third);
        QCOMPARE(third->fence, 10);
    }

    void upgradeRefusesEmptyDatabase()
    {
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        auto r = initialiseDatabase(**db, true);
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::Schema);
        QVERIFY2(r.error().message.contains(QLatin1String("db init")), qPrintable(r.error().message));
        QVERIFY((*db)->tables().isEmpty());
    }

    void newerSchemaIsNeverDowngraded()
    {
        auto db = m_fixture.openFresh(true);
        QVERIFY(db);
        const int future = Migrator::latestVersion() + 1;
        QVERIFY((*db)->exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at, app_version) VALUES (?, 'future', 1, '9.9')"),
                            {future}));
        Migrator m(**db);
        auto r = m.migrate();
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::Schema);
        QVERIFY2(r.error().message.contains(QLatin1String("newer")), qPrintable(r.error().message));
        QVERIFY(!m.requireCurrent());
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT MAX(version) FROM schema_version"))->toInt(), future);
    }

    void foreignDatabaseIsLeftAlone()
    {
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        QVERIFY((*db)->exec(QStringLiteral("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")));
        QVERIFY((*db)->exec(QStringLiteral("INSERT INTO customers (id, name) VALUES (1, 'kept')")));
        auto r = initialiseDatabase(**db, false);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QLatin1String("not Sluice's")), qPrintable(r.error().message));
        QCOMPARE((*db)->tables(), QStringList{QStringLiteral("customers")});
        QCOMPARE((*db)->scalar(QStringLiteral("SELECT name FROM customers WHERE id = 1"))->toString(), QStringLiteral("kept"));
    }

    void failedMigrationRollsBack()
    {
        // A failing statement inside a migration leaves no half-applied version behind.
        auto db = m_fixture.openFresh(false);
        QVERIFY(db);
        Migrator m(**db);
        QVERIFY(m.migrate(1));
        // Occupy a name migration 2 creates, so that it fails midway.
        QVERIFY((*db)->exec(QStringLiteral("CREATE TABLE task_run_log (x INTEGER)")));
        auto r = m.migrate();
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QLatin1String("migration 2")), qPrintable(r.error().message));
        QCOMPARE(m.state()->current, 1);
        QVERIFY(!(*db)->tables().contains(QStringLiteral("agent")));
    }

private:
    StoreFixture m_fixture;
};

QTEST_GUILESS_MAIN(tst_Migrator)
#include "tst_migrator.moc"
