// AgentHost (executors/agent/agenthost.h): the agent on a thread of its own, as the tray runs it, on a
// real store of each backend. It starts, shows its next runs, pauses, stops; it says why when the store
// cannot be opened; and while the database keeps the agent waiting (another connection holds a lock it
// needs), the thread that shows it — here the test's, in the tray the GUI thread — keeps turning.
#include "storefixture.h"
#include "testhelpers.h"
#include "pipelineseed.h"

#include "agent/agenthost.h"
#include "store/pipelinestore.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

class tst_AgentHost : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;

    struct Hosted
    {
        QThread thread;
        AgentHost *host = nullptr;
        ~Hosted()
        {
            thread.quit();
            thread.wait();
        }
    };
    void host(Hosted &h, const DbUrl &url)
    {
        AgentOptions options;
        options.watchSleep = false;
        h.host = new AgentHost(url, options);
        h.host->moveToThread(&h.thread);
        QObject::connect(&h.thread, &QThread::finished, h.host, &QObject::deleteLater);
        h.thread.start();
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void startsShowsPausesStops()
    {
        auto fresh = m_fixture.openFreshWithOrg(QStringLiteral("tester"));
        QVERIFY2(fresh, qPrintable(why(fresh)));
        Database &db = *fresh->db;
        const OrgTask t = test::seedShellTask(db, fresh->org.id, QStringLiteral("true"), QStringLiteral("tester"));
        PipelineDraft d;
        d.name = QStringLiteral("Hourly");
        d.taskUuids = QStringList{t.uuid};
        d.cron = QStringLiteral("0 * * * *");
        d.timezone = QStringLiteral("UTC");
        d.autoDeps = false;
        QVERIFY(PipelineStore(db, QStringLiteral("tester")).create(fresh->org.id, d));

        Hosted h;
        host(h, db.url());
        QSignalSpy started(h.host, &AgentHost::started);
        QSignalSpy snapshots(h.host, &AgentHost::snapshot);
        QSignalSpy stopped(h.host, &AgentHost::stopped);
        QMetaObject::invokeMethod(h.host, &AgentHost::start, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(!snapshots.isEmpty() && !snapshots.last().first().value<AgentSnapshot>().next.isEmpty(), 15'000);
        const AgentSnapshot first = snapshots.last().first().value<AgentSnapshot>();
        QCOMPARE(first.next.first().pipelineName, QStringLiteral("Hourly"));
        QVERIFY(!first.paused);
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM agent WHERE stopped_at IS NULL"))->toLongLong(), 1);

        QMetaObject::invokeMethod(h.host, [host = h.host] { host->setPaused(true); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(snapshots.last().first().value<AgentSnapshot>().paused, 15'000);
        QMetaObject::invokeMethod(h.host, &AgentHost::stop, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 15'000);
        QCOMPARE(db.scalar(QStringLiteral("SELECT COUNT(*) FROM agent WHERE stopped_at IS NULL"))->toLongLong(), 0);
    }

    void aStoreThatCannotBeOpenedIsSaid()
    {
        Hosted h;
        host(h, *DbUrl::parse(QStringLiteral("sqlite://") + m_fixture.tempDir().filePath(QStringLiteral("nowhere/none.db"))));
        QSignalSpy failed(h.host, &AgentHost::failed);
        QMetaObject::invokeMethod(h.host, &AgentHost::start, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 15'000);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("does not exist")), qPrintable(failed.first().first().toString()));
    }

    void aStallingDatabaseDoesNotStallTheShowingThread()
    {
        auto fresh = m_fixture.openFreshWithOrg(QStringLiteral("tester"));
        QVERIFY2(fresh, qPrintable(why(fresh)));
        Database &db = *fresh->db;
        // Another connection holds the write lock (SQLite) or a lock on the agent table (PostgreSQL) that
        // registering needs: the agent's start waits on it.
        auto blocker = Database::open(db.url());
        QVERIFY(blocker);
        const QString hold = db.dialect().isSqlite() ? QStringLiteral("BEGIN IMMEDIATE") : QStringLiteral("BEGIN");
        QVERIFY((*blocker)->exec(hold));
        if (!db.dialect().isSqlite())
            QVERIFY((*blocker)->exec(QStringLiteral("LOCK TABLE agent IN ACCESS EXCLUSIVE MODE")));

        Hosted h;
        host(h, db.url());
        QSignalSpy started(h.host, &AgentHost::started);
        QMetaObject::invokeMethod(h.host, &AgentHost::start, Qt::QueuedConnection);
        // While the agent waits, this thread's timers fire on time: the longest gap stays far below a second.
        QElapsedTimer clock, gap;
        clock.start();
        gap.start();
        qint64 longest = 0;
        QTimer tick;
        QObject::connect(&tick, &QTimer::timeout, &tick, [&] {
            longest = std::max(longest, gap.restart());
        });
        tick.start(10);
        while (clock.elapsed() < 1500)
            QTest::qWait(20);
        QVERIFY2(started.isEmpty(), "the agent was not held up by the lock");
        QVERIFY2(longest < 250, qPrintable(QStringLiteral("the showing thread stalled %1 ms").arg(longest)));
        QVERIFY((*blocker)->exec(QStringLiteral("ROLLBACK")));
        QTRY_COMPARE_WITH_TIMEOUT(started.size(), 1, 15'000);
        QMetaObject::invokeMethod(h.host, &AgentHost::stop, Qt::QueuedConnection);
        QSignalSpy stopped(h.host, &AgentHost::stopped);
        QTRY_COMPARE_WITH_TIMEOUT(stopped.size(), 1, 15'000);
    }
};

QTEST_GUILESS_MAIN(tst_AgentHost)
#include "tst_agenthost.moc"
