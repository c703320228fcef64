// PipelineRunner (executors/runner) on a real database of each backend, with real processes, the dbt
// double and the Airbyte double: order and failure rules, retries (delays through the injected sleep),
// cancel in every state, timeout, complete logs, scrubbing, lock conflicts and a lost lease.
#include "airbytedouble.h"
#include "gitrepos.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QCoro/QCoroSignal>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>
#include <QTemporaryDir>
#include <QTimeZone>

#include <cerrno>
#include <csignal>
#include <memory>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
const QString kCanary = QStringLiteral("Wh-s3cret-Canary-7731");
}

class tst_PipelineRunner : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;
    QList<qint64> m_delays;          // what the runner asked the injected sleep to wait
    bool m_blockSleep = false;       // the injected sleep waits for releaseSleep() instead of returning

Q_SIGNALS:
    void releaseSleep();

private:
    RunnerOptions options()
    {
        RunnerOptions o;
        o.lockedBy = kActor;
        o.leaseMs = 30'000;
        o.cancelPoll = std::chrono::milliseconds(100);
        o.killGrace = std::chrono::milliseconds(1000);
        o.sleep = [this](qint64 ms) -> QCoro::Task<void> {
            m_delays.append(ms);
            if (m_blockSleep)
                co_await qCoro(this, &tst_PipelineRunner::releaseSleep);
        };
        o.dbRetrySleep = [](qint64) -> QCoro::Task<void> { co_return; };
        o.jitter = [] { return 0.5; };
        o.log.flushInterval = std::chrono::milliseconds(50);
        o.airbyteSync.pollInterval = std::chrono::milliseconds(50);
        return o;
    }

    OrgTask shellTask(const QString &command, const QString &label = {})
    {
        OrgTaskDraft d;
        d.slug = QStringLiteral("shell");
        d.command = command;
        d.label = label;
        auto t = OrgTaskStore(*m_db, kActor).create(m_org.id, d);
        if (!t)
            qWarning() << "org task:" << t.error().message;
        return t.value_or(OrgTask{});
    }

    OrgTask task(const QString &slug, const QString &connectionId = {})
    {
        OrgTaskDraft d;
        d.slug = slug;
        d.connectionId = connectionId;
        auto t = OrgTaskStore(*m_db, kActor).create(m_org.id, d);
        if (!t)
            qWarning() << "org task:" << t.error().message;
        return t.value_or(OrgTask{});
    }

    // A connection on the double syncing public.users and public.orders (public.audit not synced).
    static QString shopConnection(test::AirbyteDouble &server)
    {
        const QString ws = server.addWorkspace(QStringLiteral("Acme"));
        const QString connection = server.addConnection(ws, server.addSource(ws, QStringLiteral("CRM")),
                                                        server.addDestination(ws, QStringLiteral("Warehouse")), QStringLiteral("crm"));
        server.setSyncCatalog(connection, test::AirbyteDouble::catalogOf(QStringLiteral("public"), {QStringLiteral("users"), QStringLiteral("orders")},
                                                                         {QStringLiteral("audit")}));
        return connection;
    }

    // Runs one task of `slug` on the connection (`streams` its option, when given) to its end.
    Result<RunStatus> runConnectionTask(test::AirbyteDouble &server, const QString &slug, const QString &connection, const QString &streams,
                                        qint64 &runId)
    {
        AirbyteClientOptions co;
        co.url = server.url();
        AirbyteClient client(co);
        OrgTaskDraft d;
        d.slug = slug;
        d.connectionId = connection;
        if (!streams.isEmpty())
            d.options.append({QStringLiteral("streams"), streams});
        auto made = OrgTaskStore(*m_db, kActor).create(m_org.id, d);
        if (!made)
            return fail(made.error());
        runId = queue(pipeline({*made}));
        RunnerOptions o = options();
        o.airbyte = &client;
        PipelineRunner runner(*m_db, runId, o);
        return runToEnd(runner);
    }

    Pipeline pipeline(const QList<OrgTask> &tasks, bool continueOnSyncFailure = false, const QString &retryPolicy = {})
    {
        static int n = 0;
        PipelineDraft d;
        d.name = QStringLiteral("pipeline-%1").arg(++n);
        QStringList uuids;
        for (const OrgTask &t : tasks)
            uuids.append(t.uuid);
        d.taskUuids = uuids;
        d.autoDeps = false;
        d.continueOnSyncFailure = continueOnSyncFailure;
        auto p = PipelineStore(*m_db, kActor).create(m_org.id, d);
        if (!p) {
            qWarning() << "pipeline:" << p.error().message;
            return {};
        }
        if (!retryPolicy.isEmpty())
            (void)m_db->change(QStringLiteral("UPDATE pipeline SET retry_policy = ? WHERE id = ?"), {retryPolicy, p->id});
        return *p;
    }

    qint64 queue(const Pipeline &p)
    {
        NewRun r;
        r.requestedBy = kActor;
        auto id = RunStore(*m_db).createPipelineRun(p, r);
        if (!id)
            qWarning() << "run:" << id.error().message;
        return id.value_or(0);
    }

    RunRecord record(qint64 runId) { return RunStore(*m_db).run(runId).value_or(RunRecord{}); }

    QStringList logTexts(qint64 taskRunId)
    {
        QStringList texts;
        for (qint64 first = 0;; first += 1000) {
            auto page = RunHistory(*m_db).logPage(taskRunId, first, 1000);
            if (!page || page->isEmpty())
                break;
            for (const LogLine &l : *page)
                texts.append(l.text);
        }
        return texts;
    }

    // Starts run() without waiting; the result lands in the returned slot.
    using Slot = std::shared_ptr<std::optional<Result<RunStatus>>>;
    Slot start(PipelineRunner &runner)
    {
        auto slot = std::make_shared<std::optional<Result<RunStatus>>>();
        QCoro::connect(runner.run(), this, [slot](Result<RunStatus> r) { *slot = std::move(r); });
        return slot;
    }

    Result<RunStatus> runToEnd(PipelineRunner &runner)
    {
        Slot slot = start(runner);
        if (!QTest::qWaitFor([&] { return slot->has_value(); }, 60'000))
            return fail(Error::internal(QStringLiteral("the run did not end within 60 s")));
        return **slot;
    }

    void setUpDbt(const QString &scenario)
    {
        const QString checkout = m_fixture.tempDir().filePath(QStringLiteral("checkout"));
        QVERIFY(QDir().mkpath(checkout + QStringLiteral("/jaffle")));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://git.example/acme/jaffle.git");
        ws.projectDir = QStringLiteral("jaffle");
        ws.checkoutPath = checkout;
        ws.dbtExecutable = QStringLiteral(DBTDOUBLE_PATH);
        auto w = WorkspaceStore(*m_db, kActor).set(m_org.id, ws);
        QVERIFY2(w, qPrintable(why(w)));
        Warehouse wh;
        wh.type = QStringLiteral("duckdb");
        wh.settings = QJsonObject{{QStringLiteral("path"), m_fixture.tempDir().filePath(QStringLiteral("w.duckdb"))}};
        auto h = WarehouseStore(*m_db, kActor).set(m_org.id, wh);
        QVERIFY2(h, qPrintable(why(h)));
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", scenario.toUtf8());
    }

    static bool processGone(qint64 pid) { return ::kill(pid_t(pid), 0) == -1 && errno == ESRCH; }

    qint64 readPid(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return 0;
        return f.readAll().trimmed().toLongLong();
    }

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        qRegisterMetaType<LogLine>();
    }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_delays.clear();
        m_blockSleep = false;
    }

    void cleanup()
    {
        Q_EMIT releaseSleep();   // a retry wait the runner abandoned
        m_db.reset();
    }

    void success()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo one")), shellTask(QStringLiteral("sh -c 'echo two; echo err >&2'"))});
        const qint64 runId = queue(p);
        QVERIFY(runId);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        QSignalSpy started(&runner, &PipelineRunner::taskStarted);
        QSignalSpy taskDone(&runner, &PipelineRunner::taskFinished);
        QSignalSpy lines(&runner, &PipelineRunner::lineAppended);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(1).value<RunStatus>(), RunStatus::Successful);
        QCOMPARE(started.size(), 2);
        QCOMPARE(taskDone.size(), 2);
        QCOMPARE(lines.size(), 3);

        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("successful"));
        QVERIFY(rec.run.startedAt > 0 && rec.run.finishedAt >= rec.run.startedAt);
        QCOMPARE(rec.tasks.size(), 2);
        for (const TaskRunRecord &t : rec.tasks) {
            QCOMPARE(toSql(t.status), QStringLiteral("successful"));
            QCOMPARE(t.exitCode, std::optional<int>(0));
        }
        QCOMPARE(logTexts(rec.tasks.at(0).id), QStringList{QStringLiteral("one")});
        QStringList second = logTexts(rec.tasks.at(1).id);
        second.sort();
        QCOMPARE(second, (QStringList{QStringLiteral("err"), QStringLiteral("two")}));
        // The locks are free again.
        auto held = LockStore(*m_db).status(m_org.id);
        QVERIFY2(held, qPrintable(why(held)));
        QVERIFY(held->isEmpty());
    }

    void failureStopsAndSkipsTheRest()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo first")), shellTask(QStringLiteral("sh -c 'echo broken >&2; exit 3'")),
                                     shellTask(QStringLiteral("echo never"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        QCOMPARE(finished.size(), 1);
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("failed"));
        verifyMentions(rec.statusReason, {QStringLiteral("task 1"), QStringLiteral("shell")});
        QCOMPARE(rec.tasks.size(), 3);
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("successful"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("failed"));
        QCOMPARE(rec.tasks.at(1).exitCode, std::optional<int>(3));
        QCOMPARE(toSql(rec.tasks.at(1).errorKind), QStringLiteral("exit-code"));
        QCOMPARE(toSql(rec.tasks.at(2).status), QStringLiteral("skipped"));
        QCOMPARE(logTexts(rec.tasks.at(2).id), QStringList());
    }

    void dbtTestWarningIsPartialSuccess()
    {
        setUpDbt(QStringLiteral("failing_test"));
        const Pipeline p = pipeline({task(QStringLiteral("dbt-run")), task(QStringLiteral("dbt-test")), shellTask(QStringLiteral("echo after"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("partial_success"));
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("partial_success"));
        QCOMPARE(rec.tasks.size(), 3);
        QCOMPARE(rec.tasks.at(0).slug, QStringLiteral("dbt-run"));
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("successful"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("warning"));
        QCOMPARE(rec.tasks.at(1).exitCode, std::optional<int>(1));
        QCOMPARE(toSql(rec.tasks.at(2).status), QStringLiteral("successful"));   // the pipeline went on
        const QJsonObject summary = rec.tasks.at(1).summary;
        QVERIFY2(summary.value(QStringLiteral("error")).toInt() + summary.value(QStringLiteral("warn")).toInt() > 0,
                 QJsonDocument(summary).toJson().constData());
        QVERIFY(summary.value(QStringLiteral("total")).toInt() > 0);
        auto nodes = RunStore(*m_db).nodeResults(rec.tasks.at(1).id);
        QVERIFY2(nodes, qPrintable(why(nodes)));
        QVERIFY(!nodes->isEmpty());
        const bool anyFailed = std::any_of(nodes->begin(), nodes->end(), [](const DbtNodeRecord &n) {
            return n.status == QLatin1String("fail") || n.status == QLatin1String("warn");
        });
        QVERIFY(anyFailed);
        QVERIFY(!logTexts(rec.tasks.at(1).id).isEmpty());
    }

    void continueOnSyncFailure()
    {
        test::AirbyteDouble server;
        QVERIFY(server.listen());
        const QString ws = server.addWorkspace(QStringLiteral("Acme"));
        const QString dest = server.addDestination(ws, QStringLiteral("Warehouse"));
        const QString bad = server.addConnection(ws, server.addSource(ws, QStringLiteral("CRM")), dest, QStringLiteral("crm"));
        const QString good = server.addConnection(ws, server.addSource(ws, QStringLiteral("Shop")), dest, QStringLiteral("shop"));
        test::AirbyteDouble::JobPlan failing;
        failing.attempts = {QStringLiteral("failed")};
        failing.attemptDuration = std::chrono::milliseconds(50);
        failing.pendingFor = std::chrono::milliseconds(10);
        server.setJobPlan(bad, failing);
        test::AirbyteDouble::JobPlan ok = failing;
        ok.attempts = {QStringLiteral("succeeded")};
        server.setJobPlan(good, ok);
        AirbyteClientOptions co;
        co.url = server.url();
        AirbyteClient client(co);

        const Pipeline p = pipeline({task(QStringLiteral("airbyte-sync"), bad), task(QStringLiteral("airbyte-sync"), good),
                                     shellTask(QStringLiteral("echo transform"))},
                                    true);
        const qint64 runId = queue(p);
        RunnerOptions o = options();
        o.airbyte = &client;
        PipelineRunner runner(*m_db, runId, o);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        // The built-in rule: a failed sync is retried once, after 120 s.
        QCOMPARE(m_delays, QList<qint64>{120'000});
        const RunRecord rec = record(runId);
        verifyMentions(rec.statusReason, {QStringLiteral("before the transforms")});
        const QList<TaskRunRecord> latest = rec.latestAttempts();
        QCOMPARE(latest.size(), 3);
        QCOMPARE(toSql(latest.at(0).status), QStringLiteral("failed"));
        QCOMPARE(latest.at(0).attempt, 2);
        QCOMPARE(toSql(latest.at(1).status), QStringLiteral("successful"));   // attempted although the first failed
        QCOMPARE(latest.at(1).summary.value(QStringLiteral("records_synced")).toInteger(), 1000);
        QVERIFY(latest.at(1).summary.value(QStringLiteral("job_id")).toInteger() > 0);
        QCOMPARE(toSql(latest.at(2).status), QStringLiteral("skipped"));
        QCOMPARE(server.count(QStringLiteral("connections/sync")), 3);
    }

    void gitPullSummary()
    {
        test::GitRepos repos(m_fixture.tempDir().filePath(QStringLiteral("git")));
        QString error;
        QVERIFY2(repos.create(QStringLiteral("jaffle"), &error), qPrintable(error));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("file://") + repos.barePath(QStringLiteral("jaffle"));
        ws.checkoutPath = m_fixture.tempDir().filePath(QStringLiteral("checkout-git"));
        auto w = WorkspaceStore(*m_db, kActor).set(m_org.id, ws);
        QVERIFY2(w, qPrintable(why(w)));
        const Pipeline p = pipeline({task(QStringLiteral("git-pull"))});

        PipelineRunner first(*m_db, queue(p), options());
        auto r = runToEnd(first);
        QVERIFY2(r && *r == RunStatus::Successful, qPrintable(r ? toSql(*r) + record(first.runId()).statusReason : why(r)));
        const TaskRunRecord cloned = record(first.runId()).tasks.at(0);
        QCOMPARE(cloned.summary.value(QStringLiteral("cloned")).toBool(), true);
        const QString before = cloned.summary.value(QStringLiteral("new_commit")).toString();
        QCOMPARE(before.size(), 40);

        const QString sha = repos.commitAndPush(QStringLiteral("jaffle"), QStringLiteral("models/b.sql"), "select 2", QStringLiteral("b"), &error);
        QVERIFY2(!sha.isEmpty(), qPrintable(error));
        PipelineRunner second(*m_db, queue(p), options());
        r = runToEnd(second);
        QVERIFY2(r && *r == RunStatus::Successful, qPrintable(r ? toSql(*r) + record(second.runId()).statusReason : why(r)));
        const TaskRunRecord pulled = record(second.runId()).tasks.at(0);
        QCOMPARE(pulled.summary.value(QStringLiteral("old_commit")).toString(), before);
        QCOMPARE(pulled.summary.value(QStringLiteral("new_commit")).toString(), sha);
        QCOMPARE(pulled.summary.value(QStringLiteral("fast_forwarded")).toBool(), true);
        QVERIFY(!logTexts(pulled.id).isEmpty());
        // The transfer's progress is in the run's log (and so live in the window), once per phase at least.
        const QStringList cloneLog = logTexts(cloned.id);
        const auto has = [&](const QString &prefix) {
            return std::any_of(cloneLog.cbegin(), cloneLog.cend(), [&](const QString &l) { return l.startsWith(prefix); });
        };
        QVERIFY2(has(QStringLiteral("git: receiving objects 100% (")), qPrintable(cloneLog.join(QLatin1Char('\n'))));
        QVERIFY2(has(QStringLiteral("git: checking out files 100% (")), qPrintable(cloneLog.join(QLatin1Char('\n'))));
    }

    void airbyteResetAndClearRun_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QString>("streams");         // the task's streams option; empty: none
        QTest::addColumn<QString>("missingRoute");    // a route the server answers 404 (an older server)
        QTest::addColumn<QStringList>("calls");       // the connection endpoints the runner asked, in order
        QTest::addColumn<QString>("operation");
        QTest::addColumn<QStringList>("dropped");     // the streams the server's job dropped
        const QStringList both{QStringLiteral("public.users"), QStringLiteral("public.orders")};
        const QString users = QStringLiteral(R"([{"name":"users","namespace":"public"}])");
        QTest::newRow("reset") << QStringLiteral("airbyte-reset") << QString() << QString() << QStringList{QStringLiteral("connections/reset")}
                               << QStringLiteral("reset") << both;
        QTest::newRow("clear") << QStringLiteral("airbyte-clear") << QString() << QString() << QStringList{QStringLiteral("connections/clear")}
                               << QStringLiteral("clear") << both;
        QTest::newRow("clear on a server without it")
            << QStringLiteral("airbyte-clear") << QString() << QStringLiteral("connections/clear")
            << QStringList{QStringLiteral("connections/clear"), QStringLiteral("connections/reset")} << QStringLiteral("clear") << both;
        QTest::newRow("reset one stream") << QStringLiteral("airbyte-reset") << users << QString()
                                          << QStringList{QStringLiteral("connections/reset/stream")} << QStringLiteral("reset")
                                          << QStringList{QStringLiteral("public.users")};
        QTest::newRow("clear two streams") << QStringLiteral("airbyte-clear")
                                           << QStringLiteral(R"([{"name":"orders","namespace":"public"},{"name":"users","namespace":"public"}])")
                                           << QString() << QStringList{QStringLiteral("connections/clear/stream")} << QStringLiteral("clear")
                                           << QStringList{QStringLiteral("public.orders"), QStringLiteral("public.users")};
        QTest::newRow("clear one stream on a server without it")
            << QStringLiteral("airbyte-clear") << users << QStringLiteral("connections/clear/stream")
            << QStringList{QStringLiteral("connections/clear/stream"), QStringLiteral("connections/reset/stream")} << QStringLiteral("clear")
            << QStringList{QStringLiteral("public.users")};
    }

    void airbyteResetAndClearRun()
    {
        QFETCH(QString, slug);
        QFETCH(QString, streams);
        QFETCH(QString, missingRoute);
        QFETCH(QStringList, calls);
        QFETCH(QString, operation);
        QFETCH(QStringList, dropped);
        test::AirbyteDouble server;
        QVERIFY(server.listen());
        const QString connection = shopConnection(server);
        test::AirbyteDouble::JobPlan quick;
        quick.pendingFor = std::chrono::milliseconds(10);
        quick.attemptDuration = std::chrono::milliseconds(50);
        server.setJobPlan(connection, quick);
        if (!missingRoute.isEmpty()) {
            test::AirbyteDouble::Fault old;
            old.endpoint = missingRoute;
            old.count = -1;
            old.status = 404;
            server.addFault(old);
        }
        qint64 runId = 0;
        const auto r = runConnectionTask(server, slug, connection, streams, runId);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        QStringList asked;
        for (const auto &req : server.requests())
            if (req.endpoint.startsWith(QLatin1String("connections/")) && req.endpoint != QLatin1String("connections/get"))
                asked.append(req.endpoint);
        QCOMPARE(asked, calls);
        const TaskRunRecord t = record(runId).tasks.first();
        QCOMPARE(t.summary.value(QStringLiteral("operation")).toString(), operation);
        const qint64 jobId = t.summary.value(QStringLiteral("job_id")).toInteger();
        QVERIFY(jobId > 0);
        QCOMPARE(t.summary.value(QStringLiteral("job_status")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(server.jobStreams(jobId), dropped);
        if (!streams.isEmpty()) {
            const QStringList log = logTexts(t.id);
            QVERIFY2(std::any_of(log.cbegin(), log.cend(), [&](const QString &l) { return l.contains(dropped.join(QStringLiteral(", "))); }),
                     qPrintable(log.join(QLatin1Char('\n'))));
        }
    }

    // A stream chosen when the task was made but no longer synced by the connection (a schema refresh,
    // an edit in Airbyte) fails the task before anything is dropped, naming the stream and the fix.
    void airbyteClearOfAStreamNoLongerSynced()
    {
        test::AirbyteDouble server;
        QVERIFY(server.listen());
        const QString connection = shopConnection(server);
        qint64 runId = 0;
        const auto r = runConnectionTask(server, QStringLiteral("airbyte-clear"), connection,
                                         QStringLiteral(R"([{"name":"audit","namespace":"public"}])"), runId);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        QCOMPARE(server.count(QStringLiteral("connections/clear/stream")) + server.count(QStringLiteral("connections/reset/stream"))
                     + server.count(QStringLiteral("connections/clear")) + server.count(QStringLiteral("connections/reset")),
                 0);
        const TaskRunRecord t = record(runId).tasks.first();
        QVERIFY2(t.errorDetail.contains(QStringLiteral("public.audit")) && t.errorDetail.contains(QStringLiteral("public.users, public.orders"))
                     && t.errorDetail.contains(QStringLiteral("choose the streams again")),
                 qPrintable(t.errorDetail));
    }

    void retriesWithDelays_data()
    {
        QTest::addColumn<QString>("policy");
        QTest::addColumn<QList<qint64>>("delays");
        QTest::newRow("list") << QStringLiteral(R"({"tasks": {"shell": {"retries": 3, "delays_s": [5, 30]}}})")
                              << QList<qint64>{5000, 30000, 30000};
        QTest::newRow("backoff") << QStringLiteral(R"({"default": {"retries": 3, "backoff": {"base_s": 10, "max_s": 25}}})")
                                 << QList<qint64>{10000, 20000, 25000};
        QTest::newRow("jitter") << QStringLiteral(R"({"default": {"retries": 2, "backoff": {"base_s": 8, "max_s": 60, "jitter": true}}})")
                                << QList<qint64>{6000, 12000};   // jitter 0.5 → 3/4 of the wait
    }

    void retriesWithDelays()
    {
        QFETCH(QString, policy);
        QFETCH(QList<qint64>, delays);
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'echo trying; exit 1'")), shellTask(QStringLiteral("echo never"))}, false, policy);
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy started(&runner, &PipelineRunner::taskStarted);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        QCOMPARE(m_delays, delays);
        const RunRecord rec = record(runId);
        QCOMPARE(rec.tasks.size(), delays.size() + 2);     // every attempt of seq 0, and seq 1
        for (int i = 0; i <= delays.size(); ++i) {
            const TaskRunRecord &t = rec.tasks.at(i);
            QCOMPARE(t.seq, 0);
            QCOMPARE(t.attempt, i + 1);
            QCOMPARE(toSql(t.status), QStringLiteral("failed"));
            const QStringList log = logTexts(t.id);             // each attempt has its own log
            QCOMPARE(log.count(QStringLiteral("trying")), 1);
            // Attempts after the first say which they are; each failed attempt with a retry left says it is tried again.
            const bool retried = i < delays.size();
            QCOMPARE(log.size(), 1 + (i > 0 ? 1 : 0) + (retried ? 1 : 0));
            if (retried)
                QVERIFY2(log.last().startsWith(QStringLiteral("Sluice: the command exited with code 1, which may pass on its own: trying again in")),
                         qPrintable(log.last()));
        }
        QCOMPARE(toSql(rec.tasks.last().status), QStringLiteral("skipped"));
        QCOMPARE(started.size(), delays.size() + 1);
    }

    void retrySucceeds()
    {
        const QString marker = m_fixture.tempDir().filePath(QStringLiteral("marker"));
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'test -f %1 && exit 0; touch %1; exit 1'").arg(marker))}, false,
                                    QStringLiteral(R"({"default": {"retries": 2}})"));
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        QCOMPARE(m_delays, QList<qint64>{0});
        const RunRecord rec = record(runId);
        QCOMPARE(rec.tasks.size(), 2);
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("failed"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("successful"));
        QCOMPARE(rec.tasks.at(1).attempt, 2);
    }

    void onlyWhatMayPassIsRetried_data()
    {
        // A failure caused by the setup fails the same way every time: not retried, whatever the policy.
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("attempts");
        QTest::addColumn<QString>("because");
        QTest::newRow("no Airbyte server") << QStringLiteral("airbyte") << 1 << QStringLiteral("the task's setup is missing or wrong");
        QTest::newRow("missing executable") << QStringLiteral("missing") << 1 << QStringLiteral("the command could not be started");
        QTest::newRow("dbt SQL error") << QStringLiteral("broken_sql") << 1 << QStringLiteral("the project's models or tests failed");
        QTest::newRow("dbt Jinja error") << QStringLiteral("broken_jinja") << 1 << QStringLiteral("dbt could not run the project");
        // What may pass on its own is tried again.
        QTest::newRow("dbt cannot reach the warehouse") << QStringLiteral("bad_conn") << 2 << QStringLiteral("dbt could not reach the warehouse");
        QTest::newRow("command exits 1") << QStringLiteral("exit") << 2 << QStringLiteral("the command exited with code 1");
    }

    void onlyWhatMayPassIsRetried()
    {
        QFETCH(QString, kind);
        QFETCH(int, attempts);
        QFETCH(QString, because);
        OrgTask t;
        if (kind == QLatin1String("airbyte")) {
            t = task(QStringLiteral("airbyte-sync"), QStringLiteral("00000000-0000-4000-8000-000000000001"));
        } else if (kind == QLatin1String("missing")) {
            t = shellTask(QStringLiteral("/nonexistent/sluice-no-such-command --flag"));
        } else if (kind == QLatin1String("exit")) {
            t = shellTask(QStringLiteral("sh -c 'echo no; exit 1'"));
        } else {
            setUpDbt(kind);
            t = task(QStringLiteral("dbt-run"));
        }
        QVERIFY(!t.uuid.isEmpty());
        const Pipeline p = pipeline({t}, false, QStringLiteral(R"({"default": {"retries": 2, "delays_s": [1]}})"));
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        const RunRecord rec = record(runId);
        QCOMPARE(int(rec.tasks.size()), attempts == 1 ? 1 : 3);   // retried: every attempt of the policy is made
        const QStringList firstLog = logTexts(rec.tasks.first().id);
        if (attempts == 1) {
            QCOMPARE(m_delays, QList<qint64>{});
            const QString note = QStringLiteral("Sluice: not tried again: %1").arg(because);
            QVERIFY2(firstLog.last().startsWith(note), qPrintable(firstLog.join(QLatin1Char('\n'))));
            verifyMentions(firstLog.last(), {QStringLiteral("fix that and run it again")});
            verifyMentions(rec.tasks.first().summary.value(QStringLiteral("not_retried")).toString(), {because});
        } else {
            QCOMPARE(m_delays, (QList<qint64>{1000, 1000}));
            QVERIFY2(firstLog.last().startsWith(QStringLiteral("Sluice: %1").arg(because)), qPrintable(firstLog.join(QLatin1Char('\n'))));
            QVERIFY(!rec.tasks.first().summary.contains(QStringLiteral("not_retried")));
        }
    }

    // Shell tasks see the run's context in their environment: run uuid, trigger, slot, pipeline, seq and
    // the attempt (a retry sees 2).
    void runContextInTheEnvironment()
    {
        const QString marker = m_fixture.tempDir().filePath(QStringLiteral("context-marker"));
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo first")),
                                     shellTask(QStringLiteral("sh -c 'echo $SLUICE_RUN_ID $SLUICE_TASK_SEQ $SLUICE_ATTEMPT; "
                                                              "echo \"$SLUICE_RUN_TRIGGER|$SLUICE_SCHEDULED_FOR|$SLUICE_PIPELINE\"; "
                                                              "test -f %1 && exit 0; touch %1; exit 1'").arg(marker))},
                                    false, QStringLiteral(R"({"default": {"retries": 1}})"));
        NewRun request;
        request.requestedBy = kActor;
        request.trigger = QStringLiteral("scheduled");
        request.scheduledFor = QDateTime(QDate(2026, 3, 29), QTime(1, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        auto runId = RunStore(*m_db).createPipelineRun(p, request);
        QVERIFY2(runId, qPrintable(why(runId)));
        PipelineRunner runner(*m_db, *runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        const RunRecord rec = record(*runId);
        QVERIFY(!rec.run.uuid.isEmpty());
        QCOMPARE(rec.tasks.size(), 3);
        const QString context = QStringLiteral("scheduled|2026-03-29T01:00:00Z|%1").arg(p.name);
        QCOMPARE(logTexts(rec.tasks.at(1).id), (QStringList{QStringLiteral("%1 1 1").arg(rec.run.uuid), context,
                                                             QStringLiteral("Sluice: the command exited with code 1, which may pass on its own: "
                                                                            "trying again in 0 s (attempt 2 of 2)")}));
        QCOMPARE(rec.tasks.at(2).attempt, 2);
        QCOMPARE(logTexts(rec.tasks.at(2).id),
                 (QStringList{QStringLiteral("Sluice: attempt 2 of 2"), QStringLiteral("%1 1 2").arg(rec.run.uuid), context}));

        // A manual run: no slot.
        const qint64 manual = queue(p);
        PipelineRunner again(*m_db, manual, options());
        const auto r2 = runToEnd(again);
        QVERIFY2(r2, qPrintable(why(r2)));
        const RunRecord rec2 = record(manual);
        QCOMPARE(logTexts(rec2.tasks.at(1).id).value(1), QStringLiteral("manual||%1").arg(p.name));
    }

    // A shell task runs in its working directory with its own variables; the run's SLUICE_* variables
    // are Sluice's (a task cannot set them: the rules refuse the name).
    void shellTaskWorkingDirectoryAndEnvironment()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        OrgTaskDraft d;
        d.slug = QStringLiteral("shell");
        d.command = QStringLiteral("sh -c 'pwd; echo \"$GREETING|$SECOND\"'");
        d.options = {{QStringLiteral("working-dir"), dir.path()}};
        d.env = {{QStringLiteral("GREETING"), QStringLiteral("hello world")}, {QStringLiteral("SECOND"), QStringLiteral("2")}};
        auto t = OrgTaskStore(*m_db, kActor).create(m_org.id, d);
        QVERIFY2(t, qPrintable(why(t)));
        QCOMPARE(t->parameters.env.value(QStringLiteral("GREETING")), QStringLiteral("hello world"));
        const Pipeline p = pipeline({*t});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        const RunRecord rec = record(runId);
        QCOMPARE(logTexts(rec.tasks.at(0).id), (QStringList{QFileInfo(dir.path()).canonicalFilePath(), QStringLiteral("hello world|2")}));
    }

    void badRetryPolicyFailsTheRun()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo x"))}, false, QStringLiteral(R"({"default": {"retrys": 2}})"));
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        const RunRecord rec = record(runId);
        verifyMentions(rec.statusReason, {QStringLiteral("retry_policy.default.retrys")});
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("skipped"));
    }

    void cancelQueued()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo never"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        QSignalSpy started(&runner, &PipelineRunner::taskStarted);
        runner.cancel();
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("cancelled"));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(started.size(), 0);
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("cancelled"));
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("cancelled"));
    }

    void cancelledInTheStoreWhileQueued()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("echo never"))});
        const qint64 runId = queue(p);
        auto c = RunStore(*m_db).requestCancel(runId, QStringLiteral("bob@desk"));
        QVERIFY2(c && *c, qPrintable(why(c)));
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("cancelled"));
        QCOMPARE(finished.size(), 1);
    }

    void cancelRunning_data()
    {
        QTest::addColumn<bool>("throughStore");
        QTest::newRow("cancel()") << false;
        QTest::newRow("requestCancel from elsewhere") << true;
    }

    void cancelRunning()
    {
        QFETCH(bool, throughStore);
        const QString pidFile = m_fixture.tempDir().filePath(QStringLiteral("pid-%1").arg(throughStore));
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'echo $$ > %1; exec sleep 30'").arg(pidFile)), shellTask(QStringLiteral("echo never"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        Slot slot = start(runner);
        QTRY_VERIFY_WITH_TIMEOUT(readPid(pidFile) > 0, 10'000);
        const qint64 pid = readPid(pidFile);
        QVERIFY(!processGone(pid));
        QCOMPARE(toSql(record(runId).run.status), QStringLiteral("running"));
        if (throughStore) {
            auto c = RunStore(*m_db).requestCancel(runId, QStringLiteral("bob@desk"));
            QVERIFY2(c, qPrintable(why(c)));
            QVERIFY(!*c);   // running: the holder acts on it
        } else {
            runner.cancel();
        }
        QTRY_VERIFY_WITH_TIMEOUT(slot->has_value(), 10'000);
        QVERIFY2(**slot, qPrintable(why(**slot)));
        QCOMPARE(toSql(***slot), QStringLiteral("cancelled"));
        QCOMPARE(finished.size(), 1);
        QVERIFY(processGone(pid));
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("cancelled"));
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("cancelled"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("cancelled"));
    }

    void cancelDuringRetryWait()
    {
        m_blockSleep = true;
        const Pipeline p = pipeline({shellTask(QStringLiteral("false"))}, false, QStringLiteral(R"({"default": {"retries": 3, "delays_s": [3600]}})"));
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        Slot slot = start(runner);
        QTRY_COMPARE_WITH_TIMEOUT(m_delays.size(), 1, 10'000);
        QCOMPARE(m_delays.first(), 3'600'000);
        QVERIFY(!slot->has_value());    // waiting for the retry
        runner.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(slot->has_value(), 5'000);
        QCOMPARE(toSql(***slot), QStringLiteral("cancelled"));
        QCOMPARE(finished.size(), 1);
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("cancelled"));
        QCOMPARE(rec.tasks.size(), 2);
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("failed"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("cancelled"));   // the attempt that never ran
        QCOMPARE(m_delays.size(), 1);
    }

    void timeout()
    {
        const QString pidFile = m_fixture.tempDir().filePath(QStringLiteral("pid-timeout"));
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'echo $$ > %1; exec sleep 30'").arg(pidFile))}, false,
                                    QStringLiteral(R"({"tasks": {"shell": {"timeout_s": 0.5}}})"));
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("failed"));
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("failed"));
        QCOMPARE(toSql(rec.tasks.at(0).errorKind), QStringLiteral("timeout"));
        QVERIFY(rec.tasks.at(0).finishedAt - rec.tasks.at(0).startedAt < 20'000);
        QVERIFY(processGone(readPid(pidFile)));
    }

    void logsCompleteAndOrdered()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("seq 1 20000"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy lines(&runner, &PipelineRunner::lineAppended);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(toSql(*r), QStringLiteral("successful"));
        QCOMPARE(lines.size(), 20000);
        const qint64 taskRunId = record(runId).tasks.at(0).id;
        QCOMPARE(RunStore(*m_db).logLineCount(taskRunId).value_or(-1), 20000);
        const QStringList texts = logTexts(taskRunId);
        QCOMPARE(texts.size(), 20000);
        for (int i = 0; i < texts.size(); ++i)
            QCOMPARE(texts.at(i), QString::number(i + 1));
        for (int i = 0; i < lines.size(); i += 997)
            QCOMPARE(lines.at(i).at(1).value<LogLine>().number, i);
    }

    void secretScrubbedFromTheLog()
    {
        auto set = QCoro::waitFor(SecretStore().set(SecretStore::warehouseKey(QStringLiteral("acme")), kCanary));
        QVERIFY2(set, qPrintable(why(set)));
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'echo password=%1; echo %1 >&2; exit 4'").arg(kCanary))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy lines(&runner, &PipelineRunner::lineAppended);
        const auto r = runToEnd(runner);
        QVERIFY2(r, qPrintable(why(r)));
        const RunRecord rec = record(runId);
        QStringList stored = logTexts(rec.tasks.at(0).id);
        stored.sort();
        QCOMPARE(stored, (QStringList{QStringLiteral("****"), QStringLiteral("password=****")}));
        for (const QList<QVariant> &l : lines)
            QVERIFY(!l.at(1).value<LogLine>().text.contains(kCanary));
        auto dump = m_db->fetch(QStringLiteral("SELECT body FROM task_run_log"));
        QVERIFY2(dump, qPrintable(why(dump)));
        for (const QVariantList &row : *dump)
            QVERIFY(!row.first().toString().contains(kCanary));
        (void)QCoro::waitFor(SecretStore().remove(SecretStore::warehouseKey(QStringLiteral("acme"))));
    }

    void manualRunRefusedWhileAnotherRunHoldsTheTask()
    {
        const OrgTask shared = shellTask(QStringLiteral("sleep 30"), QStringLiteral("slow"));
        const Pipeline p = pipeline({shared});
        const qint64 runId = queue(p);
        PipelineRunner holder(*m_db, runId, options());
        QSignalSpy holderStarted(&holder, &PipelineRunner::taskStarted);
        Slot holderSlot = start(holder);
        QTRY_COMPARE_WITH_TIMEOUT(holderStarted.size(), 1, 10'000);

        NewRun manual;
        manual.requestedBy = QStringLiteral("bob@desk");
        auto taskRunId = RunStore(*m_db).createTaskRun(shared, manual);
        QVERIFY2(taskRunId, qPrintable(why(taskRunId)));
        RunnerOptions o = options();
        o.lockedBy = QStringLiteral("bob@desk");
        PipelineRunner refused(*m_db, *taskRunId, o);
        QSignalSpy refusedFinished(&refused, &PipelineRunner::runFinished);
        const auto r = runToEnd(refused);
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::Conflict);
        verifyMentions(r.error().message, {kActor});
        QCOMPARE(refusedFinished.size(), 0);
        QCOMPARE(toSql(record(*taskRunId).run.status), QStringLiteral("queued"));   // left to the caller's policy

        holder.cancel();
        QTRY_VERIFY_WITH_TIMEOUT(holderSlot->has_value(), 10'000);
        QCOMPARE(toSql(***holderSlot), QStringLiteral("cancelled"));
    }

    void leaseLostStopsWriting()
    {
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'i=0; while :; do echo $i; i=$((i+1)); sleep 0.01; done'")),
                                     shellTask(QStringLiteral("echo never"))});
        const qint64 runId = queue(p);
        RunnerOptions o = options();
        o.leaseMs = 1500;
        PipelineRunner runner(*m_db, runId, o);
        QSignalSpy lost(&runner, &PipelineRunner::leaseLost);
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        Slot slot = start(runner);
        const qint64 taskRunId = record(runId).tasks.at(0).id;
        QTRY_VERIFY_WITH_TIMEOUT(RunStore(*m_db).logLineCount(taskRunId).value_or(0) > 20, 10'000);

        // Another agent judges the lease expired (as if this holder had paused) and crashes the run.
        QVERIFY(m_db->change(QStringLiteral("UPDATE lock_lease SET lease_expires_at = 0 WHERE run_id = ?"), {runId}));
        auto expired = LockStore(*m_db).expireStale();
        QVERIFY2(expired, qPrintable(why(expired)));
        QCOMPARE(expired->crashedRunIds, QList<qint64>{runId});

        QTRY_VERIFY_WITH_TIMEOUT(slot->has_value(), 10'000);
        QCOMPARE(toSql(***slot), QStringLiteral("crashed"));
        QCOMPARE(lost.size(), 1);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().at(1).value<RunStatus>(), RunStatus::Crashed);
        const qint64 stored = RunStore(*m_db).logLineCount(taskRunId).value_or(-1);
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("crashed"));
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("crashed"));
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("crashed"));
        QTest::qWait(300);   // nothing is written after the end (the writer's flush interval is 50 ms)
        QCOMPARE(RunStore(*m_db).logLineCount(taskRunId).value_or(-1), stored);
    }

    void aRefusedWriteIsNotALostLease()
    {
        // The store refuses to finish a task run that is already final (someone else wrote it): that is a
        // conflict about one row, not a lost lease. The run keeps its locks, goes on and ends as its tasks
        // did — never `crashed` — and gives its locks back.
        const QString marker = m_fixture.tempDir().filePath(QStringLiteral("started"));
        const Pipeline p = pipeline({shellTask(QStringLiteral("sh -c 'touch %1; sleep 1'").arg(marker)), shellTask(QStringLiteral("echo two"))});
        const qint64 runId = queue(p);
        PipelineRunner runner(*m_db, runId, options());
        QSignalSpy lost(&runner, &PipelineRunner::leaseLost);
        Slot slot = start(runner);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 10'000);
        const qint64 first = record(runId).tasks.at(0).id;
        QVERIFY(m_db->change(QStringLiteral("UPDATE task_run SET status = 'cancelled', finished_at = 1 WHERE id = ?"), {first}));

        QTRY_VERIFY_WITH_TIMEOUT(slot->has_value(), 20'000);
        QVERIFY2(slot->value(), qPrintable(why(slot->value())));
        QCOMPARE(toSql(***slot), QStringLiteral("successful"));
        QCOMPARE(lost.size(), 0);
        const RunRecord rec = record(runId);
        QCOMPARE(toSql(rec.run.status), QStringLiteral("successful"));
        QCOMPARE(toSql(rec.tasks.at(0).status), QStringLiteral("cancelled"));   // the other writer's word stands
        QCOMPARE(toSql(rec.tasks.at(1).status), QStringLiteral("successful"));
        QCOMPARE(LockStore(*m_db).status(m_org.id)->size(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_PipelineRunner)
#include "tst_pipelinerunner.moc"
