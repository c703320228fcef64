// RunService (executors/runner): what the desktop app asks of runs, served on a thread of its own with
// its own connection, on a real database of each backend with real shell processes. Its answers are
// collected in this thread through queued connections, as the window receives them. Tasks that must
// stay running wait for a flag file the test creates: nothing here waits on the clock.
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "services/runservice.h"
#include "store/catalogstore.h"
#include "store/lockstore.h"
#include "store/orgstore.h"

#include <QDir>
#include <QFile>
#include <QTest>
#include <QThread>

#include <memory>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;

namespace {

const QString kActor = QStringLiteral("alice@laptop");

// What the window would receive, in the order it arrived.
class Collector : public QObject
{
    Q_OBJECT
public:
    QList<TaskLogBatch> batches;
    QList<std::pair<qint64, bool>> requested;
    QStringList refused, problems, cancelAnswers;
    QHash<qint64, QString> finished;
    QHash<qint64, RunRecord> records;
    QList<RunSummary> listed;
    QList<qint64> watches;
    QList<std::pair<bool, TaskLogBatch>> sequence;   // (watchStarted marker, batch) in arrival order
    int drainedCount = 0;

    // What a viewer shows: the batches of the run after its latest watchStarted.
    QList<TaskLogBatch> shown(qint64 runId) const
    {
        QList<TaskLogBatch> out;
        for (const auto &[watch, b] : sequence) {
            if (watch)
                out.clear();
            else if (b.runId == runId)
                out << b;
        }
        return out;
    }

    // The watched run's lines as "o:text" / "e:text", in arrival order.
    QStringList lines(qint64 runId) const
    {
        QStringList out;
        for (const TaskLogBatch &b : batches)
            if (b.runId == runId)
                for (const LogLine &l : b.lines)
                    out << (l.isStderr ? QStringLiteral("e:") : QStringLiteral("o:")) + l.text;
        return out;
    }
    // Every (task run, line number) delivered, to check nothing comes twice or out of order.
    bool linesInOrderOnce(qint64 runId) const
    {
        QHash<qint64, qint64> next;
        for (const TaskLogBatch &b : batches) {
            if (b.runId != runId)
                continue;
            for (const LogLine &l : b.lines) {
                if (l.number != next.value(b.taskRunId, 0))
                    return false;
                next[b.taskRunId] = l.number + 1;
            }
        }
        return true;
    }
};

} // namespace

class tst_RunService : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    DbUrl m_url;
    std::unique_ptr<Database> m_db;     // the test's own connection
    Org m_org;
    QThread m_thread;
    RunService *m_service = nullptr;
    std::unique_ptr<Collector> m_got;

    // Per test function: the fixture's folder is shared by the whole suite.
    QString flagPath(const QString &name) const
    {
        return m_fixture.tempDir().filePath(QStringLiteral("%1-%2").arg(QLatin1String(QTest::currentTestFunction()), name));
    }

    OrgTask shellTask(const QString &command) { return test::seedShellTask(*m_db, m_org.id, command, kActor); }
    Pipeline pipeline(const QString &name, const QList<OrgTask> &tasks) { return test::seedPipeline(*m_db, m_org.id, name, tasks, kActor); }

    // A task that says nothing until the first flag, then `line`, then waits for the second flag.
    OrgTask gatedTask(const QString &speak, const QString &line, const QString &end)
    {
        return shellTask(QStringLiteral("sh -c 'while [ ! -e \"%1\" ]; do sleep 0.02; done; echo %2; "
                                        "while [ ! -e \"%3\" ]; do sleep 0.02; done'")
                             .arg(flagPath(speak), line, flagPath(end)));
    }

    // A task that prints `before`, waits for the flag file, then prints `after`.
    OrgTask waitingTask(const QString &flag, const QString &before = QStringLiteral("first"),
                        const QString &after = QStringLiteral("second"))
    {
        return shellTask(QStringLiteral("sh -c 'echo %1; while [ ! -e \"%2\" ]; do sleep 0.02; done; echo %3'")
                             .arg(before, flagPath(flag), after));
    }

    void touch(const QString &flag)
    {
        QFile f(flagPath(flag));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }

    void invoke(auto method, auto... args)
    {
        QMetaObject::invokeMethod(m_service, [s = m_service, method, args...] { (s->*method)(args...); }, Qt::QueuedConnection);
    }

    std::chrono::milliseconds m_pollInterval{100};

    RunServiceOptions serviceOptions()
    {
        RunServiceOptions o;
        o.actor = kActor;
        o.pollInterval = m_pollInterval;
        o.listInterval = std::chrono::milliseconds(200);
        o.liveFlush = std::chrono::milliseconds(20);
        o.runner.secrets = std::nullopt;   // no keychain asked: these tasks need no secret
        o.runner.cancelPoll = std::chrono::milliseconds(100);
        o.runner.killGrace = std::chrono::milliseconds(1000);
        o.runner.log.flushInterval = std::chrono::milliseconds(50);
        return o;
    }

    void startService(const DbUrl &url)
    {
        m_got = std::make_unique<Collector>();
        m_service = new RunService(url, serviceOptions());
        m_service->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);
        Collector *c = m_got.get();
        connect(m_service, &RunService::logLinesAppended, c, [c](const TaskLogBatch &b) {
            c->batches << b;
            c->sequence << std::pair{false, b};
        });
        connect(m_service, &RunService::watchStarted, c, [c](qint64 id) {
            c->watches << id;
            c->sequence << std::pair{true, TaskLogBatch{id, 0, 0, 1, {}, {}}};
        });
        connect(m_service, &RunService::runRequested, c, [c](qint64 id, bool queued) { c->requested << std::pair{id, queued}; });
        connect(m_service, &RunService::runRefused, c, [c](const QString &m) { c->refused << m; });
        connect(m_service, &RunService::problem, c, [c](const QString &m) { c->problems << m; });
        connect(m_service, &RunService::cancelAnswered, c, [c](qint64, const QString &m) { c->cancelAnswers << m; });
        connect(m_service, &RunService::runFinished, c, [c](qint64 id, RunStatus s) { c->finished.insert(id, toSql(s)); });
        connect(m_service, &RunService::runChanged, c, [c](const RunRecord &r, qint64) { c->records.insert(r.run.id, r); });
        connect(m_service, &RunService::runsListed, c, [c](const QList<RunSummary> &runs, qint64) { c->listed = runs; });
        connect(m_service, &RunService::drained, c, [c] { ++c->drainedCount; });
        m_thread.start();
        invoke(&RunService::start);
    }

    void stopServiceNow()
    {
        invoke(&RunService::shutdown);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->drainedCount, 1, 15'000);
        stopService();
    }

    void stopService()
    {
        m_thread.quit();
        QVERIFY(m_thread.wait(30'000));
        m_service = nullptr;
    }

    // Requests a local run and waits until its locks are taken; 0 on failure.
    qint64 runHere(const Pipeline &p)
    {
        const qsizetype before = m_got->requested.size();
        invoke(&RunService::requestPipelineRun, p.uuid, false);
        if (!QTest::qWaitFor([&] { return m_got->requested.size() > before || !m_got->refused.isEmpty(); }, 15'000))
            return 0;
        return m_got->requested.size() > before ? m_got->requested.last().first : 0;
    }

    QString status(qint64 runId) { return toSql(RunStore(*m_db).run(runId).value_or(RunRecord{}).run.status); }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_url = m_db->url();
        startService(m_url);
    }

    void cleanup()
    {
        m_pollInterval = std::chrono::milliseconds(100);
        if (m_service) {
            invoke(&RunService::shutdown);
            QTRY_COMPARE_WITH_TIMEOUT(m_got->drainedCount, 1, 15'000);
            stopService();
        }
        m_db.reset();
    }

    void liveLinesArriveWithoutPolling()
    {
        // No poll within the test: a line can only come live from the runner.
        stopServiceNow();
        m_pollInterval = std::chrono::hours(1);
        startService(m_url);
        const Pipeline p = pipeline(QStringLiteral("Live"), {gatedTask(QStringLiteral("speak"), QStringLiteral("hello"), QStringLiteral("end"))});
        const qint64 runId = runHere(p);
        QVERIFY(runId > 0);
        invoke(&RunService::watchRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->watches, QList<qint64>{runId}, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(runId).run.status), QStringLiteral("running"), 5000);
        QVERIFY(m_got->lines(runId).isEmpty());
        touch(QStringLiteral("speak"));
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(runId), QStringList{QStringLiteral("o:hello")}, 10'000);
        QVERIFY(!m_got->finished.contains(runId));
        touch(QStringLiteral("end"));
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runId), QStringLiteral("successful"), 15'000);
        QCOMPARE(m_got->lines(runId), QStringList{QStringLiteral("o:hello")});
    }

    void localRunStreamsItsLogWhileItRuns()
    {
        const Pipeline p = pipeline(QStringLiteral("Nightly"),
                                    {shellTask(QStringLiteral("sh -c 'echo one; echo oops >&2; echo two'")), waitingTask(QStringLiteral("go"))});
        // stdout and stderr are two pipes: their lines keep their order within each, not across them.
        const auto stdoutOnly = [this](qint64 id) {
            QStringList out = m_got->lines(id);
            out.removeIf([](const QString &l) { return l.startsWith(QLatin1String("e:")); });
            return out;
        };
        const qint64 runId = runHere(p);
        QVERIFY2(runId > 0, qPrintable(m_got->refused.join(QLatin1Char('\n'))));
        QCOMPARE(m_got->requested.last().second, false);
        invoke(&RunService::watchRun, runId);
        // Live: the second task's first line arrives while it still waits, the run not finished.
        QTRY_VERIFY_WITH_TIMEOUT(m_got->lines(runId).contains(QStringLiteral("o:first")), 15'000);
        QVERIFY(!m_got->finished.contains(runId));
        QCOMPARE(status(runId), QStringLiteral("running"));
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(runId).run.status), QStringLiteral("running"), 5000);
        touch(QStringLiteral("go"));
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runId), QStringLiteral("successful"), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(runId).size(), 5, 5000);
        QCOMPARE(stdoutOnly(runId), (QStringList{QStringLiteral("o:one"), QStringLiteral("o:two"), QStringLiteral("o:first"),
                                                 QStringLiteral("o:second")}));
        QCOMPARE(m_got->lines(runId).count(QStringLiteral("e:oops")), 1);
        QVERIFY(m_got->lines(runId).indexOf(QStringLiteral("e:oops")) < m_got->lines(runId).indexOf(QStringLiteral("o:first")));
        QVERIFY(m_got->linesInOrderOnce(runId));
        // Headers need the task: every batch names its seq and slug.
        for (const TaskLogBatch &b : std::as_const(m_got->batches))
            QCOMPARE(b.slug, QStringLiteral("shell"));
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(runId).run.status), QStringLiteral("successful"), 5000);
        QCOMPARE(m_got->records.value(runId).tasks.size(), 2);
        // The run list shows it, finished; the run is the requester's, executed here.
        QTRY_VERIFY_WITH_TIMEOUT(!m_got->listed.isEmpty() && m_got->listed.first().status == RunStatus::Successful, 5000);
        QCOMPARE(m_got->listed.first().id, runId);
        const RunRecord stored = RunStore(*m_db).run(runId).value_or(RunRecord{});
        QCOMPARE(stored.requestedBy, kActor);
        QCOMPARE(stored.dispatch, QStringLiteral("local"));
        QVERIFY2(m_got->problems.isEmpty(), qPrintable(m_got->problems.join(QLatin1Char('\n'))));
    }

    void watchingAFinishedRunGivesItsWholeLogOnce()
    {
        QString script = QStringLiteral("sh -c 'i=0; while [ $i -lt 2500 ]; do echo line $i; i=$((i+1)); done'");
        const Pipeline p = pipeline(QStringLiteral("Long log"), {shellTask(script), shellTask(QStringLiteral("echo tail"))});
        const qint64 runId = runHere(p);
        QVERIFY(runId > 0);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runId), QStringLiteral("successful"), 30'000);
        // Watched only now: everything comes from the store, in pages, once.
        invoke(&RunService::watchRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(runId).size(), 2501, 15'000);
        QCOMPARE(m_got->lines(runId).first(), QStringLiteral("o:line 0"));
        QCOMPARE(m_got->lines(runId).at(2499), QStringLiteral("o:line 2499"));
        QCOMPARE(m_got->lines(runId).last(), QStringLiteral("o:tail"));
        QVERIFY(m_got->linesInOrderOnce(runId));
        // Watching it again starts over: the viewer cleared itself.
        m_got->batches.clear();
        invoke(&RunService::watchRun, qint64(0));
        invoke(&RunService::watchRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(runId).size(), 2501, 15'000);
        QVERIFY(m_got->linesInOrderOnce(runId));
        QTest::qWait(300);   // a few polls: a finished run sends nothing more
        QCOMPARE(m_got->lines(runId).size(), 2501);
    }

    void aRunExecutedElsewhereIsFollowedFromTheStore()
    {
        const Pipeline p = pipeline(QStringLiteral("Agent's"), {waitingTask(QStringLiteral("go"), QStringLiteral("early"), QStringLiteral("late"))});
        NewRun request;
        request.requestedBy = QStringLiteral("scheduler@other-host");
        request.dispatch = QStringLiteral("agent");
        auto runId = RunStore(*m_db).createPipelineRun(p, request);
        QVERIFY(runId);
        // Another executor (here: a runner on the test's own connection, as an agent would be).
        RunnerOptions o = serviceOptions().runner;
        o.lockedBy = QStringLiteral("scheduler@other-host");
        PipelineRunner runner(*m_db, *runId, o);
        auto task = runner.run();
        invoke(&RunService::watchRun, *runId);
        QTRY_VERIFY_WITH_TIMEOUT(m_got->lines(*runId).contains(QStringLiteral("o:early")), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(*runId).run.status), QStringLiteral("running"), 5000);
        touch(QStringLiteral("go"));
        QTRY_VERIFY_WITH_TIMEOUT(task.isReady(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(*runId).run.status), QStringLiteral("successful"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(*runId), (QStringList{QStringLiteral("o:early"), QStringLiteral("o:late")}), 5000);
        QVERIFY(m_got->linesInOrderOnce(*runId));
        QVERIFY(!m_got->finished.contains(*runId));   // not executed by the service
    }

    void anAbandonedRunIsSweptWhileWatched()
    {
        // A holder that took the locks, marked the run running and died: watching the run marks it
        // crashed once the lease has expired, as any agent would, so a viewer is not left waiting.
        const Pipeline p = pipeline(QStringLiteral("Orphaned"), {shellTask(QStringLiteral("echo never"))});
        NewRun request;
        request.requestedBy = QStringLiteral("scheduler@gone");
        request.dispatch = QStringLiteral("agent");
        auto runId = RunStore(*m_db).createPipelineRun(p, request);
        QVERIFY(runId);
        LockStore locks(*m_db);
        auto grant = locks.acquire(*runId, p.id, {p.steps.first().task.id}, QStringLiteral("scheduler@gone"), std::nullopt, 1500);
        QVERIFY2(grant, qPrintable(sluice::test::why(grant)));
        QVERIFY(RunHolder(*m_db, *runId, grant->fence).markRunning());
        invoke(&RunService::watchRun, *runId);
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(*runId).run.status), QStringLiteral("running"), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(toSql(m_got->records.value(*runId).run.status), QStringLiteral("crashed"), 10'000);
        verifyMentions(m_got->records.value(*runId).statusReason, {QStringLiteral("scheduler@gone"), QStringLiteral("stopped renewing")});
        QCOMPARE(status(*runId), QStringLiteral("crashed"));
    }

    void aRunWhoseTasksAreLockedIsRefusedAndLeavesNothing()
    {
        const OrgTask shared = waitingTask(QStringLiteral("go"));
        const Pipeline first = pipeline(QStringLiteral("Holder"), {shared});
        const Pipeline second = pipeline(QStringLiteral("Latecomer"), {shared, shellTask(QStringLiteral("echo never"))});
        const qint64 runId = runHere(first);
        QVERIFY(runId > 0);
        invoke(&RunService::requestPipelineRun, second.uuid, false);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->refused.size(), 1, 15'000);
        verifyMentions(m_got->refused.first(), {kActor, QStringLiteral("Holder")});
        // The refused run was deleted again: only the holder's run exists.
        auto runs = RunStore(*m_db).list(RunFilter{});
        QVERIFY(runs);
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->first().id, runId);
        // Cancelling the holder here stops its process at once.
        invoke(&RunService::cancelRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runId), QStringLiteral("cancelled"), 15'000);
        QCOMPARE(m_got->cancelAnswers.size(), 1);
        verifyMentions(m_got->cancelAnswers.first(), {QStringLiteral("Cancelling run")});
        QCOMPARE(status(runId), QStringLiteral("cancelled"));
    }

    void switchingRunsShowsEachLineOnce()
    {
        const Pipeline a = pipeline(QStringLiteral("A"), {shellTask(QStringLiteral("sh -c 'for i in 1 2 3; do echo a$i; done'"))});
        const Pipeline b = pipeline(QStringLiteral("B"), {shellTask(QStringLiteral("echo b1"))});
        const qint64 runA = runHere(a);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runA), QStringLiteral("successful"), 15'000);
        const qint64 runB = runHere(b);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runB), QStringLiteral("successful"), 15'000);
        // A, B, A again in a row: answers of the first watch of A may still be on their way.
        invoke(&RunService::watchRun, runA);
        invoke(&RunService::watchRun, runB);
        invoke(&RunService::watchRun, runA);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->watches, (QList<qint64>{runA, runB, runA}), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->shown(runA).size(), 1, 5000);
        QTest::qWait(300);   // a few polls more: nothing else comes for a finished run
        QCOMPARE(m_got->shown(runA).size(), 1);
        QCOMPARE(m_got->shown(runA).first().lines.size(), 3);
        QCOMPARE(m_got->shown(runA).first().lines.last().text, QStringLiteral("a3"));
    }

    void aGapInTheStoredLogIsSkipped()
    {
        const Pipeline p = pipeline(QStringLiteral("Gappy"), {shellTask(QStringLiteral("sh -c 'echo l0; echo l1'"))});
        const qint64 runId = runHere(p);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->finished.value(runId), QStringLiteral("successful"), 15'000);
        const qint64 taskRunId = RunStore(*m_db).run(runId).value_or(RunRecord{}).tasks.value(0).id;
        QVERIFY(taskRunId > 0);
        // Lines 2..9 never stored (a writer that gave up on them), then two more: readers skip the gap.
        const QString body = formatLogLine(1000, false, QStringLiteral("l10")) + QLatin1Char('\n') + formatLogLine(1000, false, QStringLiteral("l11"));
        QVERIFY(m_db->change(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) VALUES (?, 10, 2, ?, 0)"),
                             {taskRunId, body}));
        invoke(&RunService::watchRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->lines(runId), (QStringList{QStringLiteral("o:l0"), QStringLiteral("o:l1"), QStringLiteral("o:l10"),
                                                                    QStringLiteral("o:l11")}), 10'000);
        // The service still answers (no endless catch-up loop).
        m_got->listed.clear();
        invoke(&RunService::refreshRuns);
        QTRY_VERIFY_WITH_TIMEOUT(!m_got->listed.isEmpty(), 5000);
    }

    void aQueuedRunIsLeftToAgentsAndCanBeCancelled()
    {
        const Pipeline p = pipeline(QStringLiteral("Queued"), {shellTask(QStringLiteral("echo hi"))});
        invoke(&RunService::requestPipelineRun, p.uuid, true);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->requested.size(), 1, 15'000);
        const auto [runId, queued] = m_got->requested.first();
        QVERIFY(queued);
        const RunRecord r = RunStore(*m_db).run(runId).value_or(RunRecord{});
        QCOMPARE(toSql(r.run.status), QStringLiteral("queued"));
        QCOMPARE(r.dispatch, QStringLiteral("agent"));
        QCOMPARE(r.requestedBy, kActor);
        invoke(&RunService::cancelRun, runId);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->cancelAnswers.size(), 1, 15'000);
        verifyMentions(m_got->cancelAnswers.first(), {QStringLiteral("queued and is now cancelled")});
        QCOMPARE(status(runId), QStringLiteral("cancelled"));
    }

    void shutdownCancelsTheRunsExecutedHere()
    {
        const Pipeline p = pipeline(QStringLiteral("Long"), {waitingTask(QStringLiteral("never"))});
        const qint64 runId = runHere(p);
        QVERIFY(runId > 0);
        invoke(&RunService::shutdown);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->drainedCount, 1, 15'000);
        QCOMPARE(m_got->finished.value(runId), QStringLiteral("cancelled"));
        QCOMPARE(status(runId), QStringLiteral("cancelled"));
        stopService();
    }

    void unknownPipelineAndMissingStoreAreSaid()
    {
        invoke(&RunService::requestPipelineRun, QStringLiteral("no-such-pipeline"), false);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->refused.size(), 1, 15'000);
        verifyMentions(m_got->refused.first(), {QStringLiteral("no-such-pipeline")});
        invoke(&RunService::shutdown);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->drainedCount, 1, 15'000);
        stopService();
        if (StoreFixture::isPostgres())
            return;   // a missing file is SQLite's case; a dead server is tst_deaddatabase's
        auto missing = DbUrl::parse(QStringLiteral("sqlite://") + m_fixture.tempDir().filePath(QStringLiteral("missing/none.db")));
        QVERIFY(missing);
        startService(*missing);
        QTRY_COMPARE_WITH_TIMEOUT(m_got->problems.size(), 1, 15'000);
        verifyMentions(m_got->problems.first(), {QStringLiteral("missing"), QStringLiteral("does not exist")});
    }
};

QTEST_GUILESS_MAIN(tst_RunService)
#include "tst_runservice.moc"
