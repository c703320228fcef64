// The agent registry (store/agentstore.h), on a real database of each backend.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/agentstore.h"

#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

class tst_AgentStore : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;

    qint64 column(qint64 id, const QString &name)
    {
        auto v = m_db->scalar(QStringLiteral("SELECT %1 FROM agent WHERE id = ?").arg(name), {id});
        return v && !v->isNull() ? v->toLongLong() : -1;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), qPrintable(why(db)));
        m_db = std::move(*db);
    }

    void cleanup() { m_db.reset(); }

    void registerStoresWhoAndWhenByTheDatabaseClock()
    {
        AgentStore store(*m_db);
        const qint64 before = *m_db->serverNowMs();
        auto a = store.registerAgent({{}, QStringLiteral("laptop"), 4242, QStringLiteral("0.4.0"),
                                      {QStringLiteral("has-dbt"), QStringLiteral("eu")}});
        QVERIFY2(a.has_value(), qPrintable(why(a)));
        const qint64 after = *m_db->serverNowMs();
        QVERIFY(a->id > 0);
        QCOMPARE(a->uuid.size(), 36);
        QCOMPARE(a->host, QStringLiteral("laptop"));
        QCOMPARE(a->pid, 4242);
        QCOMPARE(a->version, QStringLiteral("0.4.0"));
        QCOMPARE(a->tags, (QStringList{QStringLiteral("has-dbt"), QStringLiteral("eu")}));
        QVERIFY(a->startedAt >= before && a->startedAt <= after);
        QCOMPARE(a->heartbeatAt, a->startedAt);
        QVERIFY(a->alive);
        QCOMPARE(a->stoppedAt, 0);
        // Both clocks are this machine's: the measured skew is the round trip's noise, not seconds.
        QVERIFY2(qAbs(a->clockSkewMs) < 1000, qPrintable(QString::number(a->clockSkewMs)));

        auto b = store.registerAgent({QStringLiteral("fixed-uuid"), QStringLiteral("server"), 1, QStringLiteral("0.4.0"), {}});
        QVERIFY2(b.has_value(), qPrintable(why(b)));
        QCOMPARE(b->uuid, QStringLiteral("fixed-uuid"));
        QVERIFY(b->tags.isEmpty());
        // The same uuid twice is refused by the UNIQUE constraint.
        QVERIFY(!store.registerAgent({QStringLiteral("fixed-uuid"), QStringLiteral("server"), 2, QStringLiteral("0.4.0"), {}}));
        QVERIFY(!store.registerAgent({{}, QString(), 2, QStringLiteral("0.4.0"), {}}));
    }

    void heartbeatMovesTheBeatAndRecordsSkew()
    {
        AgentStore store(*m_db);
        auto a = store.registerAgent({{}, QStringLiteral("laptop"), 1, QStringLiteral("v"), {}});
        QVERIFY2(a.has_value(), qPrintable(why(a)));
        // Pretend the last beat was long ago, with a large skew: a heartbeat brings both back to now.
        QVERIFY(m_db->exec(QStringLiteral("UPDATE agent SET heartbeat_at = heartbeat_at - ?, clock_skew_ms = 99999 WHERE id = ?"),
                           {4 * kAgentHeartbeatMs, a->id}));
        auto stale = store.find(a->id);
        QVERIFY2(stale.has_value(), qPrintable(why(stale)));
        QVERIFY(!stale->alive);
        QVERIFY(stale->heartbeatAgeMs >= 4 * kAgentHeartbeatMs);

        auto beat = store.heartbeat(a->id);
        QVERIFY2(beat.has_value(), qPrintable(why(beat)));
        auto fresh = store.find(a->id);
        QVERIFY(fresh.has_value());
        QVERIFY(fresh->alive);
        QVERIFY(fresh->heartbeatAgeMs < 5000);
        QVERIFY(fresh->heartbeatAt >= a->heartbeatAt);
        QVERIFY2(qAbs(fresh->clockSkewMs) < 1000, qPrintable(QString::number(fresh->clockSkewMs)));

        QCOMPARE(store.heartbeat(a->id + 1000).error().kind, Error::Kind::NotFound);
    }

    void aliveMeansRecentBeatAndNotStopped_data()
    {
        QTest::addColumn<qint64>("ageMs");
        QTest::addColumn<bool>("stopped");
        QTest::addColumn<bool>("alive");
        QTest::newRow("fresh") << qint64(0) << false << true;
        QTest::newRow("two intervals old") << qint64(2 * kAgentHeartbeatMs) << false << true;
        QTest::newRow("four intervals old") << qint64(4 * kAgentHeartbeatMs) << false << false;
        QTest::newRow("fresh but stopped") << qint64(0) << true << false;
    }

    void aliveMeansRecentBeatAndNotStopped()
    {
        QFETCH(qint64, ageMs);
        QFETCH(bool, stopped);
        QFETCH(bool, alive);
        AgentStore store(*m_db);
        auto a = store.registerAgent({{}, QStringLiteral("h"), 1, QStringLiteral("v"), {}});
        QVERIFY2(a.has_value(), qPrintable(why(a)));
        QVERIFY(m_db->exec(QStringLiteral("UPDATE agent SET heartbeat_at = heartbeat_at - ? WHERE id = ?"), {ageMs, a->id}));
        if (stopped)
            QVERIFY(store.stop(a->id));
        auto rows = store.list();
        QVERIFY2(rows.has_value(), qPrintable(why(rows)));
        QCOMPARE(rows->size(), 1);
        QCOMPARE(rows->first().alive, alive);
        QCOMPARE(rows->first().stoppedAt > 0, stopped);
    }

    void stopIsFinalAndIdempotent()
    {
        AgentStore store(*m_db);
        auto a = store.registerAgent({{}, QStringLiteral("h"), 1, QStringLiteral("v"), {}});
        auto b = store.registerAgent({{}, QStringLiteral("h2"), 2, QStringLiteral("v"), {}});
        QVERIFY(a && b);
        QVERIFY(store.stop(a->id));
        const qint64 stoppedAt = column(a->id, QStringLiteral("stopped_at"));
        QVERIFY(stoppedAt > 0);
        QVERIFY(store.stop(a->id));
        QCOMPARE(column(a->id, QStringLiteral("stopped_at")), stoppedAt);
        // A stopped agent cannot heartbeat itself back to life.
        auto beat = store.heartbeat(a->id);
        QVERIFY(!beat);
        QCOMPARE(beat.error().kind, Error::Kind::Conflict);
        // The other agent is untouched; the list is newest first.
        auto rows = store.list();
        QVERIFY(rows.has_value());
        QCOMPARE(rows->size(), 2);
        QCOMPARE(rows->at(0).id, b->id);
        QVERIFY(rows->at(0).alive);
        QVERIFY(!rows->at(1).alive);
    }

    void claimsOfGoneAgentsGoBackToTheQueue()
    {
        AgentStore store(*m_db);
        auto live = store.registerAgent({{}, QStringLiteral("live"), 1, QStringLiteral("v"), {}});
        auto silent = store.registerAgent({{}, QStringLiteral("silent"), 2, QStringLiteral("v"), {}});
        auto stopped = store.registerAgent({{}, QStringLiteral("stopped"), 3, QStringLiteral("v"), {}});
        QVERIFY(live && silent && stopped);
        QVERIFY(store.stop(stopped->id));
        QVERIFY(m_db->exec(QStringLiteral("UPDATE agent SET heartbeat_at = heartbeat_at - ? WHERE id = ?"),
                           {4 * kAgentHeartbeatMs, silent->id}));
        auto org = m_db->scalar(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('o', 'O', 0, 0) RETURNING id"));
        QVERIFY(org.has_value());
        int n = 0;
        auto addRun = [&](qint64 agentId, const QString &status, const QString &dispatch) {
            return m_db->scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at, "
                                               "agent_id, dispatch) VALUES (?, ?, 'p', 'manual', 't', ?, 0, ?, ?) RETURNING id"),
                                {QStringLiteral("r%1").arg(++n), org->toLongLong(), status, agentId, dispatch})
                ->toLongLong();
        };
        const qint64 ofLive = addRun(live->id, QStringLiteral("queued"), QStringLiteral("agent"));
        const qint64 ofSilent = addRun(silent->id, QStringLiteral("queued"), QStringLiteral("agent"));
        const qint64 ofStopped = addRun(stopped->id, QStringLiteral("queued"), QStringLiteral("agent"));
        const qint64 running = addRun(silent->id, QStringLiteral("running"), QStringLiteral("agent"));
        const qint64 local = addRun(silent->id, QStringLiteral("queued"), QStringLiteral("local"));

        auto released = store.releaseClaimsOfGoneAgents();
        QVERIFY2(released.has_value(), qPrintable(why(released)));
        QCOMPARE(*released, 2);
        auto agentOf = [&](qint64 runId) {
            auto v = m_db->scalar(QStringLiteral("SELECT agent_id FROM run WHERE id = ?"), {runId});
            return v && !v->isNull() ? v->toLongLong() : 0;
        };
        QCOMPARE(agentOf(ofLive), live->id);
        QCOMPARE(agentOf(ofSilent), 0);
        QCOMPARE(agentOf(ofStopped), 0);
        QCOMPARE(agentOf(running), silent->id);     // a running run is the lease's business, not this
        QCOMPARE(agentOf(local), silent->id);
    }
};

QTEST_GUILESS_MAIN(tst_AgentStore)
#include "tst_agentstore.moc"
