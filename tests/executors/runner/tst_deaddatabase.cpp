// A PostgreSQL outage in the middle of a run (issue 4, "a dead database mid-run"): the server is
// stopped while a shell task prints, kept down, and started again on the same port. The runner keeps
// its lines and retries its writes; the Database reopens its connection; the run ends `successful` with
// every line stored once, in order. The outage is well under the lease (30 s), so the run is never
// recorded as crashed. The suite runs its own server (tests/support/pgserver.h): stopping the shared
// one would break the suites that use it at the same time.
#include "pgserver.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "runner/sleep.h"
#include "store/database.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <memory>

using namespace sluice;
using sluice::test::PgServer;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
constexpr int kLines = 40;
constexpr int kOutageMs = 2000;
}

class tst_DeadDatabase : public QObject
{
    Q_OBJECT

    PgServer m_server;
    std::unique_ptr<StoreFixture> m_fixture;
    std::unique_ptr<Database> m_db;

    qint64 backendPid()
    {
        auto pid = m_db->scalar(QStringLiteral("SELECT pg_backend_pid()"));
        return pid ? pid->toLongLong() : -1;
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_server.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("SLUICE_TEST_BACKEND", "postgres");
        qputenv("SLUICE_TEST_PG_URL_FILE", m_server.urlFile().toLocal8Bit());
        m_fixture = std::make_unique<StoreFixture>();
        QVERIFY2(m_fixture->unavailableReason().isEmpty(), qPrintable(m_fixture->unavailableReason()));
        qRegisterMetaType<LogLine>();
    }

    void cleanupTestCase()
    {
        m_db.reset();
        (void)m_server.command(QStringLiteral("up"));   // a failed test may have left it down
        m_fixture.reset();   // drops its databases while the server still runs
    }

    void outageMidRun()
    {
        auto db = m_fixture->openFresh();
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        auto org = OrgStore(*m_db, kActor).create(QStringLiteral("acme"), QStringLiteral("Acme"));
        QVERIFY2(org, qPrintable(why(org)));
        OrgTaskDraft td;
        td.slug = QStringLiteral("shell");
        td.command = QStringLiteral("sh -c 'for i in $(seq 1 %1); do echo line $i; sleep 0.1; done'").arg(kLines);
        auto task = OrgTaskStore(*m_db, kActor).create(org->id, td);
        QVERIFY2(task, qPrintable(why(task)));
        PipelineDraft pd;
        pd.name = QStringLiteral("through-an-outage");
        pd.taskUuids = QStringList{task->uuid};
        pd.autoDeps = false;
        auto pipeline = PipelineStore(*m_db, kActor).create(org->id, pd);
        QVERIFY2(pipeline, qPrintable(why(pipeline)));
        NewRun request;
        request.requestedBy = kActor;
        auto runId = RunStore(*m_db).createPipelineRun(*pipeline, request);
        QVERIFY2(runId, qPrintable(why(runId)));
        const qint64 pidBefore = backendPid();
        QVERIFY(pidBefore > 0);

        RunnerOptions o;
        o.lockedBy = kActor;
        o.leaseMs = 30'000;   // far longer than the outage: the run is never lost to it
        o.cancelPoll = std::chrono::milliseconds(200);
        o.secrets = std::nullopt;
        o.log.flushInterval = std::chrono::milliseconds(50);
        o.log.maxBackoff = std::chrono::milliseconds(400);
        // A real outage takes real time: real waits, capped so that the run resumes soon after it.
        o.dbRetrySleep = [sleep = realSleep()](qint64 ms) { return sleep(std::min<qint64>(ms, 400)); };
        PipelineRunner runner(*m_db, *runId, o);
        QSignalSpy finished(&runner, &PipelineRunner::runFinished);
        QSignalSpy lost(&runner, &PipelineRunner::leaseLost);

        // ~1 s into the task (its 10th line), the server stops; kOutageMs after it is down, it starts again.
        int emitted = 0;
        int emittedWhenDown = -1;
        bool downOk = false, upOk = false, upDone = false;
        QObject context;   // receives everything below: nothing fires after this function has returned
        connect(&runner, &PipelineRunner::lineAppended, &context, [&](qint64, const LogLine &) {
            if (++emitted != 10)
                return;
            QProcess *down = m_server.commandAsync(QStringLiteral("down"), this);
            connect(down, &QProcess::finished, &context, [&, down](int code, QProcess::ExitStatus status) {
                downOk = status == QProcess::NormalExit && code == 0;
                emittedWhenDown = emitted;
                if (!downOk)
                    qWarning() << "pg-server.sh down:" << down->readAllStandardError();
                QTimer::singleShot(kOutageMs, &context, [&] {
                    QProcess *up = m_server.commandAsync(QStringLiteral("up"), this);
                    connect(up, &QProcess::finished, &context, [&, up](int c, QProcess::ExitStatus s) {
                        upOk = s == QProcess::NormalExit && c == 0;
                        upDone = true;
                        if (!upOk)
                            qWarning() << "pg-server.sh up:" << up->readAllStandardError();
                    });
                });
            });
        });

        std::optional<Result<RunStatus>> result;
        QCoro::connect(runner.run(), &context, [&result](Result<RunStatus> r) { result = std::move(r); });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value() && upDone, 60'000);

        QVERIFY(downOk);
        QVERIFY(upOk);
        // The server was down while the task was still printing: lines waited for the database.
        QVERIFY2(emittedWhenDown >= 10 && emittedWhenDown < kLines,
                 qPrintable(QStringLiteral("%1 lines were out when the server was down").arg(emittedWhenDown)));
        QVERIFY2(*result, qPrintable(why(*result)));
        QCOMPARE(toSql(**result), QStringLiteral("successful"));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(lost.size(), 0);
        // The runner's connection was cut and reopened.
        const qint64 pidAfter = backendPid();
        QVERIFY(pidAfter > 0);
        QVERIFY(pidAfter != pidBefore);

        auto record = RunStore(*m_db).run(*runId);
        QVERIFY2(record, qPrintable(why(record)));
        QCOMPARE(toSql(record->run.status), QStringLiteral("successful"));
        QVERIFY(record->run.finishedAt >= record->run.startedAt);
        QCOMPARE(record->tasks.size(), 1);
        const TaskRunRecord &t = record->tasks.first();
        QCOMPARE(toSql(t.status), QStringLiteral("successful"));
        QCOMPARE(t.exitCode, std::optional<int>(0));
        QVERIFY(t.finishedAt > 0);

        // Every line stored exactly once, in order, numbered without a gap.
        auto page = RunHistory(*m_db).logPage(t.id, 0, 1000);
        QVERIFY2(page, qPrintable(why(page)));
        QCOMPARE(page->size(), kLines);
        for (int i = 0; i < kLines; ++i) {
            QCOMPARE(page->at(i).number, qint64(i));
            QCOMPARE(page->at(i).text, QStringLiteral("line %1").arg(i + 1));
        }
        auto stored = m_db->scalar(QStringLiteral("SELECT SUM(line_count) FROM task_run_log WHERE task_run_id = ?"), {t.id});
        QVERIFY2(stored, qPrintable(why(stored)));
        QCOMPARE(stored->toInt(), kLines);

        auto held = LockStore(*m_db).status(org->id);
        QVERIFY2(held, qPrintable(why(held)));
        QVERIFY(held->isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_DeadDatabase)
#include "tst_deaddatabase.moc"
