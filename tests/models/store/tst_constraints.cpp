// Every constraint that carries a rule, proven by trying to break it with plain SQL, on both backends.
#include "storefixture.h"

#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

class tst_Constraints : public QObject
{
    Q_OBJECT

    std::unique_ptr<Database> m_db;
    StoreFixture m_fixture;

    // Runs SQL that must succeed.
    bool ok(const QString &sql, const QVariantList &values = {})
    {
        auto q = m_db->exec(sql, values);
        if (!q)
            qWarning() << "unexpected failure:" << q.error().message;
        return q.has_value();
    }

    // Runs SQL that must be refused with the given kind of error.
    bool refused(const QString &sql, Error::Kind kind, const QVariantList &values = {})
    {
        auto q = m_db->exec(sql, values);
        if (q) {
            qWarning() << "accepted:" << sql;
            return false;
        }
        if (q.error().kind != kind)
            qWarning() << "wrong kind:" << int(q.error().kind) << q.error().message;
        return q.error().kind == kind;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh(true);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(*db);
        QVERIFY(ok(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('a', 'A', 0, 0)")));
        QVERIFY(ok(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) "
                                  "SELECT 'ot-1', 1, id, 0, 0 FROM task WHERE slug = 'dbt-run'")));
        QVERIFY(ok(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) "
                                  "SELECT 'ot-2', 1, id, 0, 0 FROM task WHERE slug = 'dbt-test'")));
        QVERIFY(ok(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, created_at, updated_at) VALUES ('p-1', 1, 'nightly', 0, 0)")));
        // Fresh database per test: the rows above get ids 1 (org, pipeline, run) and 1, 2 (org tasks).
        QVERIFY(ok(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, trigger_kind, requested_by, queued_at) "
                                  "VALUES ('r-1', 1, 1, 'manual', 'me', 0)")));
    }

    void cleanup() { m_db.reset(); }

    void taskSlugIsUnique()
    {
        QVERIFY(refused(QStringLiteral("INSERT INTO task (slug, type, command) VALUES ('dbt-run', 'dbt', 'run')"), Error::Kind::Conflict));
    }

    void orgSlugIsUnique()
    {
        QVERIFY(refused(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('a', 'again', 0, 0)"), Error::Kind::Conflict));
    }

    void orgTaskUuidIsUnique()
    {
        QVERIFY(refused(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) "
                                       "SELECT 'ot-1', 1, id, 0, 0 FROM task WHERE slug = 'dbt-seed'"),
                        Error::Kind::Conflict));
    }

    void pipelineSeqIsUnique()
    {
        QVERIFY(ok(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (1, 1, 0)")));
        QVERIFY(refused(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (1, 2, 0)"), Error::Kind::Conflict));
        QVERIFY(refused(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (1, 2, -1)"), Error::Kind::Invalid));
        QVERIFY(ok(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (1, 2, 1)")));
    }

    void oneLockRowPerOrgTask()
    {
        QVERIFY(ok(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, trigger_kind, requested_by, queued_at) "
                                  "VALUES ('r-2', 1, 1, 'manual', 'you', 0)")));
        QVERIFY(ok(QStringLiteral("INSERT INTO lock_lease (id, run_id, locked_by, fence, lease_expires_at, locked_at, task_count) "
                                  "VALUES (1, 1, 'me', 1, 100, 0, 1)")));
        // A held lease says who holds it and since when; a task belongs to one lease at a time.
        QVERIFY(refused(QStringLiteral("INSERT INTO lock_lease (id, run_id, fence, lease_expires_at, task_count) VALUES (2, 2, 2, 100, 1)"),
                        Error::Kind::Invalid));
        QVERIFY(ok(QStringLiteral("INSERT INTO lock_lease (id, run_id, locked_by, fence, lease_expires_at, locked_at, task_count) "
                                  "VALUES (2, 2, 'you', 2, 100, 0, 1)")));
        QVERIFY(ok(QStringLiteral("INSERT INTO lock_task (org_task_id, lease_id, fence) VALUES (1, 1, 1)")));
        QVERIFY(refused(QStringLiteral("INSERT INTO lock_task (org_task_id, lease_id, fence) VALUES (1, 2, 2)"), Error::Kind::Conflict));
        QVERIFY(ok(QStringLiteral("INSERT INTO lock_task (org_task_id, lease_id, fence) VALUES (2, 2, 2)")));
        QVERIFY(refused(QStringLiteral("INSERT INTO lock_task (org_task_id, lease_id, fence) VALUES (3, 2, -1)"), Error::Kind::Invalid));
        // The view keeps one lock row per org task.
        auto rows = m_db->fetch(QStringLiteral("SELECT org_task_id, run_id, locked_by, fence FROM task_lock ORDER BY org_task_id"));
        QVERIFY(rows);
        QCOMPARE(rows->size(), 2);
        QCOMPARE(rows->at(1).value(1).toLongLong(), 2);
        QCOMPARE(rows->at(1).value(2).toString(), QStringLiteral("you"));
    }

    void scheduledSlotRunsOnce()
    {
        const QString slot = QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, trigger_kind, scheduled_for, requested_by, queued_at) "
                                            "VALUES (?, 1, 1, 'scheduled', 1700000000000, ?, 0)");
        QVERIFY(ok(slot, {QStringLiteral("s-1"), QStringLiteral("scheduler@a")}));
        QVERIFY(refused(slot, Error::Kind::Conflict, {QStringLiteral("s-2"), QStringLiteral("scheduler@b")}));
        // Manual runs have no slot: any number of them may exist.
        const QString manual = QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, trigger_kind, requested_by, queued_at) "
                                              "VALUES (?, 1, 1, 'manual', 'me', 0)");
        QVERIFY(ok(manual, {QStringLiteral("m-1")}));
        QVERIFY(ok(manual, {QStringLiteral("m-2")}));
    }

    void foreignKeysAreEnforced()
    {
        QVERIFY(refused(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) "
                                       "SELECT 'ot-x', 99, id, 0, 0 FROM task WHERE slug = 'dbt-run'"),
                        Error::Kind::Conflict));
        // An org task used by a pipeline cannot be deleted under it.
        QVERIFY(ok(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (1, 1, 0)")));
        QVERIFY(refused(QStringLiteral("DELETE FROM org_task WHERE id = 1"), Error::Kind::Conflict));
        // Deleting a pipeline keeps its runs (history), unlinked.
        QVERIFY(ok(QStringLiteral("DELETE FROM pipeline WHERE id = 1")));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE id = 1 AND pipeline_id IS NULL"))->toInt(), 1);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline_task"))->toInt(), 0);
    }

    void vocabulariesAreChecked_data()
    {
        QTest::addColumn<QString>("sql");
        QTest::newRow("run status") << QStringLiteral("UPDATE run SET status = 'done' WHERE id = 1");
        QTest::newRow("run trigger") << QStringLiteral("UPDATE run SET trigger_kind = 'cron' WHERE id = 1");
        QTest::newRow("task type") << QStringLiteral("INSERT INTO task (slug, type, command) VALUES ('x', 'python', 'x')");
        QTest::newRow("generated_by") << QStringLiteral("UPDATE org_task SET generated_by = 'robot' WHERE id = 1");
        QTest::newRow("warehouse type") << QStringLiteral("INSERT INTO warehouse (org_id, type, updated_at) VALUES (1, 'oracle', 0)");
        QTest::newRow("missed policy") << QStringLiteral("UPDATE pipeline SET missed_policy = 'sometimes' WHERE id = 1");
        QTest::newRow("overlap policy") << QStringLiteral("UPDATE pipeline SET overlap_policy = 'both' WHERE id = 1");
        QTest::newRow("cron without zone") << QStringLiteral("UPDATE pipeline SET cron = '0 2 * * *' WHERE id = 1");
        QTest::newRow("empty org slug") << QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('', 'x', 0, 0)");
        QTest::newRow("task run attempt") << QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, attempt) VALUES (1, 'dbt-run', 0, 0)");
        QTest::newRow("oversized log chunk") << QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) "
                                                               "SELECT id, 0, 1001, 'x', 0 FROM task_run");
        QTest::newRow("notification kind") << QStringLiteral("INSERT INTO notification_channel (uuid, org_id, name, kind, created_at, updated_at) "
                                                             "VALUES ('n', 1, 'n', 'pager', 0, 0)");
    }

    void vocabulariesAreChecked()
    {
        QFETCH(QString, sql);
        // The chunk test needs a task run to exist.
        QVERIFY(ok(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq) VALUES (1, 'dbt-run', 0)")));
        QVERIFY(refused(sql, Error::Kind::Invalid));
    }

    void taskRunAttemptsAreDistinct()
    {
        QVERIFY(ok(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, attempt) VALUES (1, 'dbt-run', 0, 1)")));
        QVERIFY(ok(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, attempt) VALUES (1, 'dbt-run', 0, 2)")));
        QVERIFY(refused(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, attempt) VALUES (1, 'dbt-run', 0, 2)"), Error::Kind::Conflict));
    }

    void logChunksDoNotOverlapAtTheirStart()
    {
        QVERIFY(ok(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq) VALUES (1, 'dbt-run', 0)")));
        QVERIFY(ok(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) VALUES (1, 0, 2, 'a\nb', 0)")));
        QVERIFY(refused(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) VALUES (1, 0, 1, 'c', 0)"),
                        Error::Kind::Conflict));
    }

    void sessionSettings()
    {
        if (StoreFixture::isPostgres()) {
            QCOMPARE(m_db->scalar(QStringLiteral("SHOW client_min_messages"))->toString(), QStringLiteral("warning"));
            return;
        }
        QCOMPARE(m_db->scalar(QStringLiteral("PRAGMA journal_mode"))->toString(), QStringLiteral("wal"));
        QCOMPARE(m_db->scalar(QStringLiteral("PRAGMA foreign_keys"))->toInt(), 1);
        QVERIFY(m_db->scalar(QStringLiteral("PRAGMA busy_timeout"))->toInt() >= 1000);
    }

    void databaseClockIsEpochMilliseconds()
    {
        auto now = m_db->serverNowMs();
        QVERIFY(now);
        QVERIFY(qAbs(*now - QDateTime::currentMSecsSinceEpoch()) < 5000);
    }
};

QTEST_GUILESS_MAIN(tst_Constraints)
#include "tst_constraints.moc"
