// AirbyteSync (sync-and-poll) against the Airbyte double: success with counts, retries (`incomplete`),
// failed and cancelled jobs, 409 → attach, inactive connections, the overall timeout and cancel().
#include "airbyte/airbyteclient.h"
#include "airbyte/airbytesync.h"
#include "airbytedouble.h"

#include <QCoro/QCoroTask>
#include <QSignalSpy>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTimer>
#include <QTest>

using namespace sluice;
using sluice::test::AirbyteDouble;
using namespace std::chrono_literals;

class TestAirbyteSync : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<AirbyteDouble> m_server;
    std::unique_ptr<AirbyteClient> m_client;
    QString m_connection;

    AirbyteDouble::JobPlan plan(QStringList attempts, std::chrono::milliseconds duration = 200ms)
    {
        AirbyteDouble::JobPlan p;
        p.attempts = std::move(attempts);
        p.pendingFor = 60ms;
        p.attemptDuration = duration;
        p.recordsPerAttempt = 1500;
        p.bytesPerAttempt = 96000;
        return p;
    }

    // Runs a sync to its end; returns the result and checks finished fired exactly once.
    AirbyteSyncResult run(AirbyteSync &sync, QStringList *statuses = nullptr)
    {
        QSignalSpy finished(&sync, &AirbyteSync::finished);
        if (statuses)
            connect(&sync, &AirbyteSync::statusChanged, this, [statuses](const QString &s) { statuses->append(s); });
        sync.start();
        sync.start();   // ignored
        [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000); }();
        QTest::qWait(100);   // nothing more arrives
        [&] { QCOMPARE(finished.count(), 1); }();
        return finished.isEmpty() ? AirbyteSyncResult{} : finished.first().first().value<AirbyteSyncResult>();
    }

    static AirbyteSyncOptions fast(std::chrono::milliseconds timeout = 10s)
    {
        return {30ms, timeout, AirbyteSyncOptions::Operation::Sync, {}};
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<AirbyteDouble>();
        QVERIFY(m_server->listen() != 0);
        const QString ws = m_server->addWorkspace(QStringLiteral("Acme"));
        m_connection = m_server->addConnection(ws, m_server->addSource(ws, QStringLiteral("CRM")),
                                               m_server->addDestination(ws, QStringLiteral("DWH")), QStringLiteral("CRM to DWH"));
        AirbyteClientOptions o;
        o.url = m_server->url();
        o.transferTimeout = 2000ms;
        o.retryDelay = 10ms;
        m_client = std::make_unique<AirbyteClient>(o);
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void succeedsWithCounts()
    {
        m_server->setJobPlan(m_connection, plan({QStringLiteral("succeeded")}));
        AirbyteSync sync(m_client.get(), m_connection, fast());
        QSignalSpy started(&sync, &AirbyteSync::jobStarted);
        QSignalSpy progress(&sync, &AirbyteSync::progress);
        QStringList statuses;
        const AirbyteSyncResult r = run(sync, &statuses);
        QCOMPARE(toString(r.outcome), toString(Outcome::Success));
        QCOMPARE(r.jobStatus, QStringLiteral("succeeded"));
        QCOMPARE(r.recordsSynced, 1500);
        QCOMPARE(r.bytesSynced, 96000);
        QVERIFY(!r.attached);
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.first().at(0).toLongLong(), r.jobId);
        QVERIFY(statuses.contains(QStringLiteral("running")));
        QCOMPARE(statuses.last(), QStringLiteral("succeeded"));
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toLongLong(), 1500);
        QCOMPARE(m_server->count(QStringLiteral("connections/get")), 1);   // checked active first
        QCOMPARE(m_server->count(QStringLiteral("connections/sync")), 1);
        QVERIFY(m_server->count(QStringLiteral("jobs/get")) >= 2);
        QCOMPARE(m_server->count(QStringLiteral("jobs/cancel")), 0);
    }

    void incompleteKeepsWaiting()
    {
        // First attempt fails, Airbyte retries: the job is `incomplete` in between, then succeeds.
        m_server->setJobPlan(m_connection, plan({QStringLiteral("failed"), QStringLiteral("succeeded")}, 400ms));
        AirbyteSync sync(m_client.get(), m_connection, fast());
        QStringList statuses;
        const AirbyteSyncResult r = run(sync, &statuses);
        QVERIFY2(statuses.contains(QStringLiteral("incomplete")), qPrintable(statuses.join(QLatin1Char(','))));
        QCOMPARE(toString(r.outcome), toString(Outcome::Success));
        QCOMPARE(r.recordsSynced, 3000);   // summed over both attempts
        QCOMPARE(r.bytesSynced, 192000);
    }

    void failedJob()
    {
        m_server->setJobPlan(m_connection, plan({QStringLiteral("failed"), QStringLiteral("failed")}));
        AirbyteSync sync(m_client.get(), m_connection, fast());
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::Failed));
        QCOMPARE(r.jobStatus, QStringLiteral("failed"));
        QVERIFY2(r.errorText.contains(QLatin1String("failed after 2 attempt(s): Source could not connect")), qPrintable(r.errorText));
    }

    void cancelledOnTheServer()
    {
        // Someone cancels the job in Airbyte's UI: the sync ends Failed (not by our hand) and says so.
        m_server->setJobPlan(m_connection, plan({QStringLiteral("succeeded")}, 60s));
        AirbyteSync sync(m_client.get(), m_connection, fast());
        qint64 id = -1;
        connect(&sync, &AirbyteSync::jobStarted, this, [&](qint64 jobId) { id = jobId; });
        connect(&sync, &AirbyteSync::statusChanged, this, [&](const QString &s) {
            if (s == QLatin1String("running"))
                m_server->cancelJob(id);
        });
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::Failed));
        QCOMPARE(r.jobStatus, QStringLiteral("cancelled"));
        QVERIFY2(r.errorText.contains(QLatin1String("was cancelled")), qPrintable(r.errorText));
    }

    void attachesToRunningSync()
    {
        m_server->setJobPlan(m_connection, plan({QStringLiteral("succeeded")}, 300ms));
        const qint64 theirs = m_server->startJob(m_connection);   // another client started it
        AirbyteSync sync(m_client.get(), m_connection, fast());
        QSignalSpy started(&sync, &AirbyteSync::jobStarted);
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::Success));
        QVERIFY(r.attached);
        QCOMPARE(r.jobId, theirs);
        QCOMPARE(started.count(), 1);
        QCOMPARE(started.first().at(1).toBool(), true);
        QCOMPARE(r.recordsSynced, 1500);
        QCOMPARE(m_server->count(QStringLiteral("connections/sync")), 1);   // answered 409
        QCOMPARE(m_server->count(QStringLiteral("jobs/list")), 1);
        // Only one job exists: none was started next to the running one.
        QCOMPARE(m_server->jobStatus(theirs + 1), QString());
    }

    void inactiveConnection()
    {
        m_server->setConnectionStatus(m_connection, QStringLiteral("inactive"));
        AirbyteSync sync(m_client.get(), m_connection, fast());
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::FailedToStart));
        QVERIFY2(r.errorText.contains(QLatin1String("is inactive, not active; enable it in Airbyte")), qPrintable(r.errorText));
        QCOMPARE(r.jobId, -1);
        QCOMPARE(m_server->count(QStringLiteral("connections/sync")), 0);
    }

    void unknownConnection()
    {
        AirbyteSync sync(m_client.get(), QStringLiteral("00000000-0000-0000-0000-000000000000"), fast());
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::FailedToStart));
        QVERIFY2(r.errorText.contains(QLatin1String("Could not find connection")), qPrintable(r.errorText));
    }

    void timeoutCancelsTheJob()
    {
        m_server->setJobPlan(m_connection, plan({QStringLiteral("succeeded")}, 60s));
        AirbyteSync sync(m_client.get(), m_connection, fast(400ms));
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::TimedOut));
        QVERIFY2(r.errorText.contains(QLatin1String("did not finish within 0.4 s")), qPrintable(r.errorText));
        QVERIFY(m_server->jobCancelled(r.jobId));
        QCOMPARE(m_server->count(QStringLiteral("jobs/cancel")), 1);
        QCOMPARE(r.jobStatus, QStringLiteral("cancelled"));
    }

    void cancelByUser()
    {
        m_server->setJobPlan(m_connection, plan({QStringLiteral("succeeded")}, 60s));
        AirbyteSyncOptions o = fast();
        o.pollInterval = 10s;   // cancel() must wake the wait, not the next poll
        AirbyteSync sync(m_client.get(), m_connection, o);
        connect(&sync, &AirbyteSync::jobStarted, &sync, [&] { QTimer::singleShot(100, &sync, &AirbyteSync::cancel); });
        QElapsedTimer clock;
        clock.start();
        const AirbyteSyncResult r = run(sync);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(toString(r.outcome), toString(Outcome::Canceled));
        QVERIFY(m_server->jobCancelled(r.jobId));
        QCOMPARE(r.jobStatus, QStringLiteral("cancelled"));
    }

    void cancelBeforeStart()
    {
        AirbyteSync sync(m_client.get(), m_connection, fast());
        sync.cancel();
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::Canceled));
        QCOMPARE(m_server->count(QStringLiteral("connections/sync")), 0);
    }

    void serverDown()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        AirbyteClientOptions o;
        o.url = QUrl(QStringLiteral("http://127.0.0.1:%1").arg(probe.serverPort()));
        o.maxAttempts = 2;
        o.retryDelay = 10ms;
        probe.close();
        AirbyteClient client(o);
        AirbyteSync sync(&client, m_connection, fast());
        const AirbyteSyncResult r = run(sync);
        QCOMPARE(toString(r.outcome), toString(Outcome::FailedToStart));
        QVERIFY2(r.errorText.contains(QLatin1String("could not be reached")), qPrintable(r.errorText));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteSync)
#include "tst_airbytesync.moc"
