// The scheduling agent (executors/agent/agent.h) in-process, with an injected clock, on each backend:
// missed slots after downtime (policies once / skip), overlap policies (queue / skip / replace) against
// a held lock, and agent tags — each run executed for real by the pipeline runner.
#include "storefixture.h"
#include "testhelpers.h"

#include "agent/agent.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runholder.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QDateTime>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kFive = 5 * kMinute;

} // namespace

class tst_Agent : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org = 0;
    qint64 m_now = 0;
    qint64 m_slot = 0;        // a 5-minute slot an hour ahead of the real clock: "now" is just after it

    OrgTask addShellTask(const QString &command)
    {
        OrgTaskDraft draft;
        draft.slug = QStringLiteral("shell");
        draft.command = command;
        auto t = OrgTaskStore(*m_db, QStringLiteral("tester")).create(m_org, draft);
        if (!t)
            qWarning() << "task:" << t.error().message;
        return t.value_or(OrgTask{});
    }

    Pipeline addPipeline(const QString &name, const QList<OrgTask> &tasks, const QString &cron, MissedPolicy missed,
                         OverlapPolicy overlap = OverlapPolicy::Queue)
    {
        PipelineDraft d;
        d.name = name;
        QStringList uuids;
        for (const OrgTask &t : tasks)
            uuids.append(t.uuid);
        d.taskUuids = uuids;
        if (!cron.isEmpty()) {
            d.cron = cron;
            d.timezone = QStringLiteral("UTC");
        }
        d.autoDeps = false;
        d.missedPolicy = missed;
        d.overlapPolicy = overlap;
        auto p = PipelineStore(*m_db, QStringLiteral("tester")).create(m_org, d);
        if (!p)
            qWarning() << "pipeline:" << p.error().message;
        return p.value_or(Pipeline{});
    }

    // Where planning resumes: a run already recorded for `slot` (as a skipped slot).
    void seedLastSlot(const Pipeline &p, qint64 slot)
    {
        auto seeded = RunStore(*m_db).recordSkippedSlot(m_org, p.id, p.name, slot, QStringLiteral("seeded by the test"), QStringLiteral("tester"));
        QVERIFY2(seeded.has_value(), qPrintable(why(seeded)));
    }

    AgentOptions options(const QStringList &tags = {})
    {
        AgentOptions o;
        o.tags = tags;
        o.leaseMs = 10'000;
        o.host = QStringLiteral("test-host");
        o.now = [this] { return m_now; };
        return o;
    }

    qint64 count(const QString &where, const QVariantList &values)
    {
        auto v = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE ") + where, values);
        return v ? v->toLongLong() : -1;
    }

    QString runColumn(qint64 runId, const QString &column)
    {
        auto v = m_db->scalar(QStringLiteral("SELECT %1 FROM run WHERE id = ?").arg(column), {runId});
        return v && !v->isNull() ? v->toString() : QString();   // NULL: empty on both backends
    }

    // A manual run of `holder` that holds the locks of its tasks, as another process would.
    qint64 holdLocks(const Pipeline &holder, qint64 &fence)
    {
        NewRun run;
        run.orgId = m_org;
        run.pipelineId = holder.id;
        run.pipelineName = holder.name;
        run.requestedBy = QStringLiteral("alice@laptop");
        QList<RunTaskPlan> plan;
        QList<qint64> ids;
        for (const PipelineStep &s : holder.steps) {
            plan.append({s.task.id, s.task.slug, s.seq});
            ids.append(s.task.id);
        }
        auto id = RunStore(*m_db).createRun(run, plan);
        if (!id)
            return 0;
        auto grant = LockStore(*m_db).acquire(*id, holder.id, ids, QStringLiteral("alice@laptop"), {}, 120'000);
        if (!grant)
            return 0;
        fence = grant->fence;
        if (!RunHolder(*m_db, *id, fence).markRunning())
            return 0;
        return *id;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), qPrintable(why(db)));
        m_db = std::move(*db);
        auto org = OrgStore(*m_db, QStringLiteral("tester")).create(QStringLiteral("acme"), QStringLiteral("Acme"));
        QVERIFY2(org.has_value(), qPrintable(why(org)));
        m_org = org->id;
        m_slot = (QDateTime::currentMSecsSinceEpoch() / kFive + 12) * kFive;
        m_now = m_slot;
    }

    void cleanup() { m_db.reset(); }

    void missedSlotsAfterDowntime_data()
    {
        QTest::addColumn<MissedPolicy>("policy");
        QTest::addColumn<int>("runs");
        QTest::addColumn<int>("skipped");
        // 8 h of a 5-minute schedule = 96 slots due; the latest one is 150 s late (missed, past the grace).
        QTest::newRow("once") << MissedPolicy::Once << 1 << 95;
        QTest::newRow("skip") << MissedPolicy::Skip << 0 << 96;
    }

    void missedSlotsAfterDowntime()
    {
        QFETCH(MissedPolicy, policy);
        QFETCH(int, runs);
        QFETCH(int, skipped);
        const OrgTask task = addShellTask(QStringLiteral("true"));
        const Pipeline p = addPipeline(QStringLiteral("every-5"), {task}, QStringLiteral("*/5 * * * *"), policy);
        QVERIFY(p.id > 0);
        const qint64 seed = m_slot - 8 * 60 * kMinute;
        seedLastSlot(p, seed);
        m_now = m_slot + 150'000;

        Agent agent(*m_db, options());
        { auto started = agent.start(); QVERIFY2(started.has_value(), qPrintable(why(started))); }
        QSignalSpy finished(&agent, &Agent::runFinished);
        auto pass = agent.runPass();
        QVERIFY2(pass.has_value(), qPrintable(why(pass)));
        QCOMPARE(pass->claimed, runs);
        QCOMPARE(pass->skippedRecorded, skipped);
        QTRY_VERIFY_WITH_TIMEOUT(agent.running().isEmpty(), 30'000);

        // Every due slot has exactly one run: the catch-up (if any) for the latest, skipped for the others.
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND scheduled_for > ?"), {p.id, seed}), qint64(96));
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND scheduled_for > ? AND status = 'skipped'"), {p.id, seed}), qint64(skipped));
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND status = 'successful' AND trigger_kind = 'scheduled'"), {p.id}), qint64(runs));
        QCOMPARE(finished.size(), runs);
        if (runs == 1) {
            const qint64 runId = finished.first().at(0).toLongLong();
            QCOMPARE(finished.first().at(1).value<RunStatus>(), RunStatus::Successful);
            QCOMPARE(runColumn(runId, QStringLiteral("scheduled_for")).toLongLong(), m_slot);
            QCOMPARE(runColumn(runId, QStringLiteral("agent_id")).toLongLong(), agent.agentId());
        }
        auto reasons = m_db->exec(QStringLiteral("SELECT DISTINCT status_reason FROM run WHERE pipeline_id = ? AND status = 'skipped' "
                                                 "AND scheduled_for > ?"),
                                  {p.id, seed});
        QVERIFY(reasons.has_value());
        QVERIFY(reasons->next());
        verifyMentions(reasons->value(0).toString(), {QStringLiteral("missed")});

        // The same instant again: nothing is due twice. The next slot, on time: one run.
        auto again = agent.runPass();
        QVERIFY(again.has_value());
        QCOMPARE(again->claimed + again->skippedRecorded, 0);
        QCOMPARE(agent.nextRuns(1).value(0).dueMs, m_slot + kFive);
        m_now = m_slot + kFive + 1000;
        auto onTime = agent.runPass();
        QVERIFY(onTime.has_value());
        QCOMPARE(onTime->claimed, 1);
        QCOMPARE(onTime->skippedRecorded, 0);
        QTRY_VERIFY_WITH_TIMEOUT(agent.running().isEmpty(), 30'000);
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND scheduled_for = ? AND status = 'successful'"), {p.id, m_slot + kFive}), qint64(1));
    }

    void overlapPolicies_data()
    {
        QTest::addColumn<OverlapPolicy>("policy");
        QTest::newRow("queue") << OverlapPolicy::Queue;
        QTest::newRow("skip") << OverlapPolicy::Skip;
        QTest::newRow("replace") << OverlapPolicy::Replace;
    }

    void overlapPolicies()
    {
        QFETCH(OverlapPolicy, policy);
        const OrgTask shared = addShellTask(QStringLiteral("true"));
        const Pipeline holder = addPipeline(QStringLiteral("manual-holder"), {shared}, QString(), MissedPolicy::Once);
        const Pipeline p = addPipeline(QStringLiteral("scheduled"), {shared}, QStringLiteral("*/5 * * * *"), MissedPolicy::Once, policy);
        QVERIFY(holder.id > 0 && p.id > 0);
        seedLastSlot(p, m_slot - kFive);
        qint64 fence = 0;
        const qint64 holderRun = holdLocks(holder, fence);
        QVERIFY(holderRun > 0);
        m_now = m_slot + 1000;

        Agent agent(*m_db, options());
        { auto started = agent.start(); QVERIFY2(started.has_value(), qPrintable(why(started))); }
        auto pass = agent.runPass();
        QVERIFY2(pass.has_value(), qPrintable(why(pass)));
        // The slot's run is never executed while the lock is held (a queued run may be claimed and
        // given back at once: the runner refuses it).
        QTRY_VERIFY_WITH_TIMEOUT(agent.running().isEmpty(), 30'000);
        auto slotRun = m_db->scalar(QStringLiteral("SELECT id FROM run WHERE pipeline_id = ? AND scheduled_for = ?"), {p.id, m_slot});
        QVERIFY(slotRun && slotRun->isValid());
        const qint64 runId = slotRun->toLongLong();

        if (policy == OverlapPolicy::Skip) {
            QCOMPARE(pass->skippedRecorded, 1);
            QCOMPARE(runColumn(runId, QStringLiteral("status")), QStringLiteral("skipped"));
            verifyMentions(runColumn(runId, QStringLiteral("status_reason")),
                           {QStringLiteral("overlap"), QStringLiteral("alice@laptop"), QStringLiteral("manual-holder")});
            QCOMPARE(runColumn(holderRun, QStringLiteral("status")), QStringLiteral("running"));
            QVERIFY(runColumn(holderRun, QStringLiteral("cancel_requested_at")).isEmpty());
            return;
        }

        QCOMPARE(pass->queued, 1);
        QCOMPARE(runColumn(runId, QStringLiteral("status")), QStringLiteral("queued"));
        QCOMPARE(runColumn(runId, QStringLiteral("dispatch")), QStringLiteral("agent"));
        QVERIFY(runColumn(runId, QStringLiteral("agent_id")).isEmpty());
        QCOMPARE(!runColumn(holderRun, QStringLiteral("cancel_requested_at")).isEmpty(), policy == OverlapPolicy::Replace);
        QCOMPARE(pass->cancelRequested, policy == OverlapPolicy::Replace ? 1 : 0);

        // While the lock is held, a pass claims the queued run, the runner is refused, and the run goes
        // back to the queue untouched.
        auto blocked = agent.runPass();
        QVERIFY(blocked.has_value());
        QTRY_VERIFY_WITH_TIMEOUT(agent.running().isEmpty(), 30'000);
        QCOMPARE(runColumn(runId, QStringLiteral("status")), QStringLiteral("queued"));
        QTRY_VERIFY_WITH_TIMEOUT(runColumn(runId, QStringLiteral("agent_id")).isEmpty(), 10'000);

        // The holder ends (as its process would after the cancel request): the queued run runs.
        QVERIFY(RunHolder(*m_db, holderRun, fence).finishRun(policy == OverlapPolicy::Replace ? RunStatus::Cancelled : RunStatus::Successful));
        QVERIFY(LockStore(*m_db).release(holderRun, fence));
        QSignalSpy finished(&agent, &Agent::runFinished);
        auto freed = agent.runPass();
        QVERIFY(freed.has_value());
        QCOMPARE(freed->claimed, 1);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30'000);
        QCOMPARE(finished.first().at(0).toLongLong(), runId);
        QCOMPARE(runColumn(runId, QStringLiteral("status")), QStringLiteral("successful"));
        QCOMPARE(runColumn(runId, QStringLiteral("agent_id")).toLongLong(), agent.agentId());
    }

    void agentTags()
    {
        const OrgTask task = addShellTask(QStringLiteral("true"));
        const OrgTask other = addShellTask(QStringLiteral("echo other"));
        const Pipeline p = addPipeline(QStringLiteral("needs-dbt"), {task}, QStringLiteral("*/5 * * * *"), MissedPolicy::Once);
        QVERIFY(m_db->exec(QStringLiteral("UPDATE pipeline SET agent_tag = 'has-dbt' WHERE id = ?"), {p.id}));
        const Pipeline manual = addPipeline(QStringLiteral("manual-tagged"), {other}, QString(), MissedPolicy::Once);
        QVERIFY(m_db->exec(QStringLiteral("UPDATE pipeline SET agent_tag = 'has-dbt' WHERE id = ?"), {manual.id}));
        seedLastSlot(p, m_slot - kFive);
        m_now = m_slot + 1000;
        // A run queued for agents (sluicectl pipeline run --queue) of a pipeline that needs the tag.
        NewRun queued;
        queued.orgId = m_org;
        queued.pipelineId = manual.id;
        queued.pipelineName = manual.name;
        queued.requestedBy = QStringLiteral("alice@laptop");
        queued.dispatch = QStringLiteral("agent");
        auto queuedId = RunStore(*m_db).createRun(queued, {{other.id, other.slug, 0}});
        QVERIFY2(queuedId.has_value(), qPrintable(why(queuedId)));

        Agent plain(*m_db, options({QStringLiteral("eu")}));
        { auto started = plain.start(); QVERIFY2(started.has_value(), qPrintable(why(started))); }
        auto none = plain.runPass();
        QVERIFY2(none.has_value(), qPrintable(why(none)));
        QCOMPARE(none->claimed, 0);
        QCOMPARE(none->skippedRecorded, 0);
        QVERIFY(plain.nextRuns(5).isEmpty());
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND scheduled_for = ?"), {p.id, m_slot}), qint64(0));
        QCOMPARE(runColumn(*queuedId, QStringLiteral("status")), QStringLiteral("queued"));

        Agent tagged(*m_db, options({QStringLiteral("eu"), QStringLiteral("has-dbt")}));
        { auto started = tagged.start(); QVERIFY2(started.has_value(), qPrintable(why(started))); }
        QSignalSpy finished(&tagged, &Agent::runFinished);
        auto both = tagged.runPass();
        QVERIFY2(both.has_value(), qPrintable(why(both)));
        QCOMPARE(both->claimed, 2);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 2, 30'000);
        QCOMPARE(count(QStringLiteral("pipeline_id = ? AND scheduled_for = ? AND status = 'successful'"), {p.id, m_slot}), qint64(1));
        QCOMPARE(runColumn(*queuedId, QStringLiteral("status")), QStringLiteral("successful"));
        QCOMPARE(runColumn(*queuedId, QStringLiteral("agent_id")).toLongLong(), tagged.agentId());
    }

    void stopMarksTheAgentStopped()
    {
        Agent agent(*m_db, options());
        { auto started = agent.start(); QVERIFY2(started.has_value(), qPrintable(why(started))); }
        QCoro::waitFor(agent.stop());
        auto stopped = m_db->scalar(QStringLiteral("SELECT stopped_at FROM agent WHERE id = ?"), {agent.agentId()});
        QVERIFY(stopped && !stopped->isNull());
    }
};

QTEST_GUILESS_MAIN(tst_Agent)
#include "tst_agent.moc"
