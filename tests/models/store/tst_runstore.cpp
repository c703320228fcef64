// Runs, task runs, log chunks and node results (store/runstore.h), on a real database of each backend.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/lockstore.h"
#include "store/runholder.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QJsonArray>
#include <QSqlRecord>
#include <QTest>

#include <algorithm>
#include <barrier>
#include <mutex>
#include <thread>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

class tst_RunStore : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org = 0, m_otherOrg = 0;
    qint64 m_taskId = 0;
    int m_counter = 0;

    qint64 insertId(const QString &sql, const QVariantList &values = {})
    {
        auto v = m_db->scalar(sql, values);
        if (!v) {
            qWarning() << "insert failed:" << v.error().message;
            return 0;
        }
        return v->toLongLong();
    }
    qint64 addOrgTask(qint64 orgId)
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id"),
                        {QStringLiteral("ot-%1").arg(m_counter), orgId, m_taskId});
    }
    qint64 addPipeline(qint64 orgId, const QString &name, const QString &agentTag = {})
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, agent_tag, created_at, updated_at) "
                                       "VALUES (?, ?, ?, ?, 0, 0) RETURNING id"),
                        {QStringLiteral("pipe-%1").arg(m_counter), orgId, name,
                         agentTag.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(agentTag)});
    }
    qint64 addAgent()
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO agent (uuid, host, pid, version, started_at, heartbeat_at) "
                                       "VALUES (?, 'host', 1, '1', 0, 0) RETURNING id"),
                        {QStringLiteral("agent-%1").arg(m_counter)});
    }
    qint64 count(const QString &sql, const QVariantList &values = {}) { return m_db->scalar(sql, values)->toLongLong(); }
    QVariant value(const QString &sql, const QVariantList &values = {}) { return *m_db->scalar(sql, values); }

    NewRun pipelineRun(qint64 pipelineId, const QString &name, qint64 orgId = 0)
    {
        NewRun r;
        r.orgId = orgId ? orgId : m_org;
        r.pipelineId = pipelineId;
        r.pipelineName = name;
        r.requestedBy = QStringLiteral("alice@laptop");
        return r;
    }

    // A pipeline run of `n` fresh org tasks (seq 0..n-1), created through the store.
    struct Seeded
    {
        qint64 runId = 0;
        QList<qint64> orgTasks;
        QList<qint64> taskRuns;     // by seq
    };
    Seeded seedRun(qint64 pipelineId, int n, const NewRun *custom = nullptr)
    {
        Seeded s;
        QList<RunTaskPlan> plan;
        for (int i = 0; i < n; ++i) {
            s.orgTasks.append(addOrgTask(m_org));
            plan.append({s.orgTasks.last(), QStringLiteral("task-%1").arg(i), i});
        }
        auto id = RunStore(*m_db).createRun(custom ? *custom : pipelineRun(pipelineId, QStringLiteral("nightly")), plan);
        if (!id) {
            qWarning() << "createRun failed:" << id.error().message;
            return s;
        }
        s.runId = *id;
        auto q = m_db->exec(QStringLiteral("SELECT id FROM task_run WHERE run_id = ? ORDER BY seq"), {s.runId});
        while (q->next())
            s.taskRuns.append(q->value(0).toLongLong());
        return s;
    }

    // Everything stored about runs, as text: compared before and after writes that must change nothing.
    QStringList dump()
    {
        QStringList rows;
        const QStringList queries = {
            QStringLiteral("SELECT id, status, status_reason, started_at, finished_at, agent_id FROM run ORDER BY id"),
            QStringLiteral("SELECT id, status, attempt, started_at, finished_at, exit_code, summary, error_kind FROM task_run ORDER BY id"),
            QStringLiteral("SELECT task_run_id, first_line, line_count, body FROM task_run_log ORDER BY id"),
            QStringLiteral("SELECT task_run_id, unique_id, status FROM dbt_node_result ORDER BY id"),
        };
        for (const QString &sql : queries) {
            auto q = m_db->exec(sql);
            while (q->next()) {
                QStringList cols;
                for (int i = 0; i < q->record().count(); ++i)
                    cols.append(q->value(i).isNull() ? QStringLiteral("NULL") : q->value(i).toString());
                rows.append(cols.join(QLatin1Char('|')));
            }
        }
        return rows;
    }

    bool dbClockPast(qint64 ms)
    {
        auto now = m_db->serverNowMs();
        return now && *now > ms;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), qPrintable(why(db)));
        m_db = std::move(*db);
        m_org = insertId(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', 0, 0) RETURNING id"));
        m_otherOrg = insertId(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('other', 'Other', 0, 0) RETURNING id"));
        auto task = m_db->scalar(QStringLiteral("SELECT MIN(id) FROM task"));
        QVERIFY(task && !task->isNull());
        m_taskId = task->toLongLong();
        QVERIFY(m_org > 0 && m_otherOrg > 0);
    }

    void cleanup() { m_db.reset(); }

    void createAndRead()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        auto before = m_db->serverNowMs();
        QVERIFY(before.has_value());
        const Seeded s = seedRun(p, 3);
        QVERIFY(s.runId > 0);
        RunStore store(*m_db);
        auto rec = store.run(s.runId);
        QVERIFY2(rec.has_value(), qPrintable(why(rec)));
        QCOMPARE(rec->run.id, s.runId);
        QCOMPARE(rec->run.pipelineId, p);
        QCOMPARE(rec->run.orgId, m_org);
        QCOMPARE(rec->run.pipelineName, QStringLiteral("nightly"));
        QCOMPARE(rec->run.trigger, QStringLiteral("manual"));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("queued"));
        QCOMPARE(rec->run.scheduledFor, 0);
        QVERIFY(rec->run.queuedAt >= *before - 1000);
        QCOMPARE(rec->run.startedAt, 0);
        QCOMPARE(rec->run.finishedAt, 0);
        QCOMPARE(rec->orgSlug, QStringLiteral("acme"));
        QCOMPARE(rec->requestedBy, QStringLiteral("alice@laptop"));
        QCOMPARE(rec->dispatch, QStringLiteral("local"));
        QCOMPARE(rec->agentId, 0);
        QCOMPARE(rec->run.uuid.size(), 36);
        QCOMPARE(rec->tasks.size(), 3);
        for (int i = 0; i < 3; ++i) {
            const TaskRunRecord &t = rec->tasks.at(i);
            QCOMPARE(t.id, s.taskRuns.at(i));
            QCOMPARE(t.seq, i);
            QCOMPARE(t.attempt, 1);
            QCOMPARE(toSql(t.status), QStringLiteral("queued"));
            QCOMPARE(t.orgTaskId, s.orgTasks.at(i));
            QCOMPARE(t.slug, QStringLiteral("task-%1").arg(i));
            QVERIFY(!t.exitCode.has_value());
        }
        auto byUuid = store.runByUuid(rec->run.uuid);
        QVERIFY2(byUuid.has_value(), qPrintable(why(byUuid)));
        QCOMPARE(byUuid->run.id, s.runId);

        QCOMPARE(store.run(s.runId + 100).error().kind, Error::Kind::NotFound);
        QCOMPARE(store.runByUuid(QStringLiteral("no-such-uuid")).error().kind, Error::Kind::NotFound);

        // A single-task run; a run of neither or both is refused.
        NewRun single;
        single.orgId = m_org;
        single.orgTaskId = s.orgTasks.first();
        single.pipelineName = QStringLiteral("task-0");
        single.requestedBy = QStringLiteral("bob");
        single.dispatch = QStringLiteral("agent");
        auto sid = store.createRun(single, {{s.orgTasks.first(), QStringLiteral("task-0"), 0}});
        QVERIFY2(sid.has_value(), qPrintable(why(sid)));
        auto srec = store.run(*sid);
        QCOMPARE(srec->orgTaskId, s.orgTasks.first());
        QCOMPARE(srec->run.pipelineId, 0);
        QCOMPARE(srec->dispatch, QStringLiteral("agent"));
        single.pipelineId = p;
        QCOMPARE(store.createRun(single, {}).error().kind, Error::Kind::Invalid);
        NewRun bad = pipelineRun(p, QStringLiteral("nightly"));
        bad.trigger = QStringLiteral("whenever");
        QCOMPARE(store.createRun(bad, {}).error().kind, Error::Kind::Invalid);
    }

    void slotConflictAndSkippedSlots()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("hourly")), other = addPipeline(m_org, QStringLiteral("daily"));
        RunStore store(*m_db);
        QCOMPARE(*store.latestSlot(p), 0);
        const qint64 slot = 1'767'225'600'000;   // 2026-01-01T00:00:00Z
        NewRun r = pipelineRun(p, QStringLiteral("hourly"));
        r.trigger = QStringLiteral("scheduled");
        r.scheduledFor = slot;
        r.requestedBy = QStringLiteral("scheduler@a");
        auto first = store.createRun(r, {{addOrgTask(m_org), QStringLiteral("t"), 0}});
        QVERIFY2(first.has_value(), qPrintable(why(first)));
        const QString firstUuid = store.run(*first)->run.uuid;

        r.requestedBy = QStringLiteral("scheduler@b");
        auto second = store.createRun(r, {{addOrgTask(m_org), QStringLiteral("t"), 0}});
        QVERIFY(!second.has_value());
        QCOMPARE(second.error().kind, Error::Kind::Conflict);
        verifyMentions(second.error().message, {QStringLiteral("already has a run"), firstUuid, QStringLiteral("hourly"),
                                                QStringLiteral("2026-01-01T00:00:00")});
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM run")), 1);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM task_run")), 1);   // the loser's task runs are not left behind

        auto skippedTaken = store.recordSkippedSlot(m_org, p, QStringLiteral("hourly"), slot, QStringLiteral("missed"), QStringLiteral("s"));
        QCOMPARE(skippedTaken.error().kind, Error::Kind::Conflict);

        // The same instant of another pipeline is another slot; a manual run has no slot.
        NewRun o = r;
        o.pipelineId = other;
        QVERIFY(store.createRun(o, {}).has_value());
        QVERIFY(store.createRun(pipelineRun(p, QStringLiteral("hourly")), {}).has_value());
        QVERIFY(store.createRun(pipelineRun(p, QStringLiteral("hourly")), {}).has_value());

        auto skipped = store.recordSkippedSlot(m_org, p, QStringLiteral("hourly"), slot + 3'600'000,
                                               QStringLiteral("missed while the agent was down"), QStringLiteral("scheduler@a"));
        QVERIFY2(skipped.has_value(), qPrintable(why(skipped)));
        auto rec = store.run(*skipped);
        QCOMPARE(toSql(rec->run.status), QStringLiteral("skipped"));
        QCOMPARE(rec->run.trigger, QStringLiteral("scheduled"));
        QCOMPARE(rec->run.scheduledFor, slot + 3'600'000);
        QVERIFY(rec->run.finishedAt > 0);
        QCOMPARE(rec->statusReason, QStringLiteral("missed while the agent was down"));
        QVERIFY(rec->tasks.isEmpty());
        QCOMPARE(*store.latestSlot(p), slot + 3'600'000);
        QCOMPARE(*store.latestSlot(other), slot);
    }

    void claimFollowsDispatchAndTags()
    {
        const qint64 plain = addPipeline(m_org, QStringLiteral("plain")), gpu = addPipeline(m_org, QStringLiteral("gpu"), QStringLiteral("gpu"));
        const qint64 agentA = addAgent(), agentB = addAgent();
        RunStore store(*m_db);
        auto make = [&](qint64 pipeline, const QString &dispatch) {
            NewRun r = pipelineRun(pipeline, QStringLiteral("x"));
            r.dispatch = dispatch;
            return *store.createRun(r, {});
        };
        const qint64 local = make(plain, QStringLiteral("local"));
        const qint64 gpuRun = make(gpu, QStringLiteral("agent"));
        const qint64 plainRun = make(plain, QStringLiteral("agent"));
        const qint64 plainRun2 = make(plain, QStringLiteral("agent"));
        QVERIFY(local > 0 && gpuRun > 0 && plainRun > 0);

        // Without the tag, the gpu run (older) is passed over.
        auto c1 = store.claimQueuedRun(agentA, {QStringLiteral("other")});
        QVERIFY2(c1.has_value(), qPrintable(why(c1)));
        QCOMPARE(c1->value_or(0), plainRun);
        QCOMPARE(store.run(plainRun)->agentId, agentA);
        auto c2 = store.claimQueuedRun(agentB, {QStringLiteral("gpu")});
        QCOMPARE(c2->value_or(0), gpuRun);
        auto c3 = store.claimQueuedRun(agentB, {});
        QCOMPARE(c3->value_or(0), plainRun2);
        auto none = store.claimQueuedRun(agentB, {QStringLiteral("gpu")});
        QVERIFY(none.has_value());
        QVERIFY(!none->has_value());   // the local run is never claimed
        QCOMPARE(store.run(local)->agentId, 0);

        // Given back, it is claimable again; only its claimer may give it back.
        QCOMPARE(store.unclaim(plainRun, agentB).error().kind, Error::Kind::Conflict);
        QVERIFY(store.unclaim(plainRun, agentA).has_value());
        QCOMPARE(store.claimQueuedRun(agentB, {})->value_or(0), plainRun);
        QCOMPARE(store.unclaim(plainRun + 1000, agentB).error().kind, Error::Kind::NotFound);
        // A cancelled run is not claimable.
        const qint64 cancelled = make(plain, QStringLiteral("agent"));
        QVERIFY(*store.requestCancel(cancelled, QStringLiteral("bob")));
        QVERIFY(!store.claimQueuedRun(agentA, {})->has_value());
    }

    void concurrentClaimsTakeEachRunOnce()
    {
        constexpr int kRuns = 30, kClaimers = 3;
        const qint64 p = addPipeline(m_org, QStringLiteral("queue"));
        RunStore store(*m_db);
        QList<qint64> runIds, agents;
        for (int i = 0; i < kRuns; ++i) {
            NewRun r = pipelineRun(p, QStringLiteral("queue"));
            r.dispatch = QStringLiteral("agent");
            runIds.append(*store.createRun(r, {}));
        }
        for (int i = 0; i < kClaimers; ++i)
            agents.append(addAgent());
        const DbUrl url = m_db->url();
        std::mutex mutex;
        QList<qint64> claimed[kClaimers];
        QStringList failures;
        std::barrier sync(kClaimers);
        auto claimer = [&](int who) {
            Database::Options options;
            options.busyTimeoutMs = 20'000;
            auto db = Database::open(url, options);
            sync.arrive_and_wait();
            if (!db) {
                std::lock_guard lock(mutex);
                failures.append(db.error().message);
                return;
            }
            RunStore mine(**db);
            for (;;) {
                auto c = mine.claimQueuedRun(agents[who], {});
                if (!c) {
                    std::lock_guard lock(mutex);
                    failures.append(c.error().message);
                    return;
                }
                if (!c->has_value())
                    return;
                claimed[who].append(**c);
            }
        };
        std::vector<std::thread> threads;
        for (int i = 0; i < kClaimers; ++i)
            threads.emplace_back(claimer, i);
        for (auto &t : threads)
            t.join();
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join(QLatin1Char('\n'))));
        QList<qint64> all;
        for (int i = 0; i < kClaimers; ++i) {
            all += claimed[i];
            for (qint64 id : std::as_const(claimed[i]))
                QCOMPARE(count(QStringLiteral("SELECT agent_id FROM run WHERE id = ?"), {id}), agents[i]);
        }
        std::sort(all.begin(), all.end());
        QCOMPARE(all, runIds);   // every run claimed, none twice
    }

    void cancelByState()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        LockStore locks(*m_db);

        const Seeded queued = seedRun(p, 2);
        auto c = store.requestCancel(queued.runId, QStringLiteral("bob@cli"));
        QVERIFY2(c.has_value(), qPrintable(why(c)));
        QVERIFY(*c);
        auto rec = store.run(queued.runId);
        QCOMPARE(toSql(rec->run.status), QStringLiteral("cancelled"));
        QVERIFY(rec->run.finishedAt > 0);
        QVERIFY(rec->cancelRequestedAt > 0);
        QCOMPARE(rec->cancelRequestedBy, QStringLiteral("bob@cli"));
        QVERIFY(rec->statusReason.contains(QLatin1String("bob@cli")));
        for (const TaskRunRecord &t : rec->tasks) {
            QCOMPARE(toSql(t.status), QStringLiteral("cancelled"));
            QVERIFY(t.finishedAt > 0);
        }
        QVERIFY(*store.cancelRequested(queued.runId));
        // Its holder, if it had one, may not start it now.
        auto g = locks.acquire(queued.runId, p, queued.orgTasks, QStringLiteral("alice"));
        QVERIFY2(g.has_value(), qPrintable(why(g)));
        auto start = RunHolder(*m_db, queued.runId, g->fence).markRunning();
        QCOMPARE(start.error().kind, Error::Kind::Conflict);
        verifyMentions(start.error().message, {QStringLiteral("cancelled")});

        const Seeded running = seedRun(p, 1);
        auto g2 = locks.acquire(running.runId, p, running.orgTasks, QStringLiteral("alice"));
        QVERIFY(g2.has_value());
        QVERIFY(RunHolder(*m_db, running.runId, g2->fence).markRunning().has_value());
        QVERIFY(!*store.cancelRequested(running.runId));
        auto c2 = store.requestCancel(running.runId, QStringLiteral("carol"));
        QVERIFY2(c2.has_value(), qPrintable(why(c2)));
        QVERIFY(!*c2);
        QVERIFY(*store.cancelRequested(running.runId));
        rec = store.run(running.runId);
        QCOMPARE(toSql(rec->run.status), QStringLiteral("running"));
        QCOMPARE(rec->cancelRequestedBy, QStringLiteral("carol"));
        const qint64 firstRequest = rec->cancelRequestedAt;
        QVERIFY(store.requestCancel(running.runId, QStringLiteral("dave")).has_value());   // again: the first request stays
        QCOMPARE(store.run(running.runId)->cancelRequestedAt, firstRequest);
        QCOMPARE(store.run(running.runId)->cancelRequestedBy, QStringLiteral("carol"));

        QVERIFY(RunHolder(*m_db, running.runId, g2->fence).finishRun(RunStatus::Cancelled, QStringLiteral("cancelled by carol")).has_value());
        auto c3 = store.requestCancel(running.runId, QStringLiteral("carol"));
        QCOMPARE(c3.error().kind, Error::Kind::Conflict);
        verifyMentions(c3.error().message, {QStringLiteral("already cancelled")});
        auto c4 = store.requestCancel(queued.runId, QStringLiteral("carol"));
        QCOMPARE(c4.error().kind, Error::Kind::Conflict);
        QCOMPARE(store.requestCancel(running.runId + 1000, QStringLiteral("x")).error().kind, Error::Kind::NotFound);
        QCOMPARE(store.cancelRequested(running.runId + 1000).error().kind, Error::Kind::NotFound);
    }

    void holderWritesRoundTrip()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        const qint64 agent = addAgent();
        RunStore store(*m_db);
        const Seeded s = seedRun(p, 3);
        auto g = LockStore(*m_db).acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        QVERIFY(g.has_value());
        const qint64 fence = g->fence;

        QVERIFY2(RunHolder(*m_db, s.runId, fence).markRunning(agent).has_value(), "markRunning");
        QCOMPARE(RunHolder(*m_db, s.runId, fence).markRunning().error().kind, Error::Kind::Conflict);   // only from queued
        QVERIFY(RunHolder(*m_db, s.runId, fence).startTaskRun(s.taskRuns[0]).has_value());
        QCOMPARE(RunHolder(*m_db, s.runId, fence).startTaskRun(s.taskRuns[0]).error().kind, Error::Kind::Conflict);
        TaskRunResult ok{TaskRunStatus::Successful, 0, QJsonObject{{QStringLiteral("rows"), 42}}, {}, {}};
        QVERIFY(RunHolder(*m_db, s.runId, fence).finishTaskRun(s.taskRuns[0], ok).has_value());

        // seq 1 fails, is retried, then fails again; seq 2 is skipped.
        QVERIFY(RunHolder(*m_db, s.runId, fence).startTaskRun(s.taskRuns[1]).has_value());
        TaskRunResult failed{TaskRunStatus::Failed, 3, QJsonObject{{QStringLiteral("nodes"), QJsonArray{1, 2}}},
                             TaskErrorKind::ExitCode, QStringLiteral("exited with code 3")};
        QVERIFY(RunHolder(*m_db, s.runId, fence).finishTaskRun(s.taskRuns[1], failed).has_value());
        auto retry = RunHolder(*m_db, s.runId, fence).addAttempt(s.taskRuns[1]);
        QVERIFY2(retry.has_value(), qPrintable(why(retry)));
        auto retry2 = RunHolder(*m_db, s.runId, fence).addAttempt(s.taskRuns[1]);   // attempt 3 (numbered past the highest)
        QVERIFY(retry2.has_value());
        QVERIFY(RunHolder(*m_db, s.runId, fence).startTaskRun(*retry).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, fence).finishTaskRun(*retry, failed).has_value());
        QCOMPARE(RunHolder(*m_db, s.runId + 1, fence).addAttempt(s.taskRuns[1]).error().kind, Error::Kind::LeaseLost);   // not its lease
        auto settled = RunHolder(*m_db, s.runId, fence).settleQueuedTasks(TaskRunStatus::Skipped);
        QVERIFY2(settled.has_value(), qPrintable(why(settled)));
        QCOMPARE(*settled, 2);   // seq 2 and the third attempt of seq 1
        QCOMPARE(RunHolder(*m_db, s.runId, fence).settleQueuedTasks(TaskRunStatus::Running).error().kind, Error::Kind::Invalid);
        QCOMPARE(RunHolder(*m_db, s.runId, fence).finishTaskRun(s.taskRuns[2], ok).error().kind, Error::Kind::Conflict);   // already skipped
        QCOMPARE(RunHolder(*m_db, s.runId, fence).finishTaskRun(s.taskRuns[2] + 1000, ok).error().kind, Error::Kind::NotFound);
        QVERIFY(RunHolder(*m_db, s.runId, fence).finishRun(RunStatus::Failed, QStringLiteral("task-1 failed")).has_value());
        QCOMPARE(RunHolder(*m_db, s.runId, fence).finishRun(RunStatus::Successful).error().kind, Error::Kind::Conflict);
        QCOMPARE(RunHolder(*m_db, s.runId, fence).finishRun(RunStatus::Running).error().kind, Error::Kind::Invalid);

        auto rec = store.run(s.runId);
        QVERIFY(rec.has_value());
        QCOMPARE(toSql(rec->run.status), QStringLiteral("failed"));
        QCOMPARE(rec->statusReason, QStringLiteral("task-1 failed"));
        QCOMPARE(rec->agentId, agent);
        QVERIFY(rec->run.startedAt > 0 && rec->run.finishedAt >= rec->run.startedAt);
        QCOMPARE(rec->tasks.size(), 5);
        QList<QPair<int, int>> order;
        for (const TaskRunRecord &t : rec->tasks)
            order.append({t.seq, t.attempt});
        QCOMPARE(order, (QList<QPair<int, int>>{{0, 1}, {1, 1}, {1, 2}, {1, 3}, {2, 1}}));
        const QList<TaskRunRecord> latest = rec->latestAttempts();
        QCOMPARE(latest.size(), 3);
        QCOMPARE(toSql(latest[0].status), QStringLiteral("successful"));
        QCOMPARE(latest[0].summary.value(QStringLiteral("rows")).toInt(), 42);
        QCOMPARE(latest[0].exitCode, std::optional<int>(0));
        QVERIFY(latest[0].startedAt > 0 && latest[0].finishedAt >= latest[0].startedAt);
        QCOMPARE(latest[1].attempt, 3);
        QCOMPARE(toSql(latest[1].status), QStringLiteral("skipped"));
        QCOMPARE(toSql(rec->tasks[2].status), QStringLiteral("failed"));
        QCOMPARE(rec->tasks[2].exitCode, std::optional<int>(3));
        QCOMPARE(rec->tasks[2].errorKind, TaskErrorKind::ExitCode);
        QCOMPARE(rec->tasks[2].errorDetail, QStringLiteral("exited with code 3"));
        QCOMPARE(rec->tasks[2].summary.value(QStringLiteral("nodes")).toArray(), (QJsonArray{1, 2}));
        QCOMPARE(toSql(latest[2].status), QStringLiteral("skipped"));
        QCOMPARE(latest[2].startedAt, 0);
    }

    void logChunksAreIdempotent()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        const Seeded s = seedRun(p, 2);
        const Seeded other = seedRun(p, 1);
        auto g = LockStore(*m_db).acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        QVERIFY(g.has_value());
        const qint64 tr = s.taskRuns[0];
        auto lines = [](int from, int n) {
            QStringList out;
            for (int i = from; i < from + n; ++i)
                out.append(formatLogLine(1'000 + i, i % 2 == 1, QStringLiteral("line %1").arg(i)));
            return out;
        };
        QCOMPARE(*store.logLineCount(tr), 0);
        QVERIFY2(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 0, lines(0, 3)).has_value(), "first chunk");
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 0, lines(0, 3)).has_value());   // retried: no-op
        QCOMPARE(*store.logLineCount(tr), 3);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM task_run_log WHERE task_run_id = ?"), {tr}), 1);
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 0, lines(0, 2)).has_value());   // lines already there: no-op
        QCOMPARE(*store.logLineCount(tr), 3);
        // A retry that carries more lines than the lost try: only the new ones are stored.
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 0, lines(0, 5)).has_value());
        QCOMPARE(*store.logLineCount(tr), 5);
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM task_run_log WHERE task_run_id = ?"), {tr}), 2);
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 3, lines(3, 2)).has_value());
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM task_run_log WHERE task_run_id = ?"), {tr}), 2);
        // Starting inside a stored chunk is a numbering error, never a duplicate.
        auto inside = RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 1, lines(1, 4));
        QCOMPARE(inside.error().kind, Error::Kind::Conflict);
        verifyMentions(inside.error().message, {QStringLiteral("overlap")});
        // A gap (lines the writer gave up on) is kept as a gap; a chunk that runs into stored lines
        // without lining up with them is refused.
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(s.taskRuns[1], 0, lines(0, 2)).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(s.taskRuns[1], 6, lines(6, 2)).has_value());
        QCOMPARE(*store.logLineCount(s.taskRuns[1]), 8);
        QCOMPARE(RunHolder(*m_db, s.runId, g->fence).appendLog(s.taskRuns[1], 0, lines(0, 7)).error().kind, Error::Kind::Conflict);
        QCOMPARE(RunHistory(*m_db).logPage(s.taskRuns[1], 0, 10)->size(), 4);
        QCOMPARE(*store.logLineCount(tr), 5);
        QCOMPARE(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 5, {}).error().kind, Error::Kind::Invalid);
        QCOMPARE(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 5, lines(5, kMaxLogChunkLines + 1)).error().kind, Error::Kind::Invalid);
        QCOMPARE(RunHolder(*m_db, s.runId, g->fence).appendLog(other.taskRuns[0], 0, lines(0, 1)).error().kind, Error::Kind::NotFound);
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).appendLog(tr, 5, lines(5, kMaxLogChunkLines)).has_value());
        QCOMPARE(*store.logLineCount(tr), 5 + kMaxLogChunkLines);

        auto page = RunHistory(*m_db).logPage(tr, 0, 10);
        QVERIFY(page.has_value());
        QCOMPARE(page->size(), 10);
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(page->at(i).number, i);
            QCOMPARE(page->at(i).text, QStringLiteral("line %1").arg(i));
            QCOMPARE(page->at(i).isStderr, i % 2 == 1);
            QCOMPARE(page->at(i).atMs, 1'000 + i);
        }
    }

    void nodeResultsRoundTrip()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        const Seeded s = seedRun(p, 1);
        auto g = LockStore(*m_db).acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        QVERIFY(g.has_value());
        const QList<DbtNodeRecord> nodes = {
            {QStringLiteral("model.shop.orders"), QStringLiteral("success"), 1.25, QStringLiteral("SELECT 10"), std::nullopt},
            {QStringLiteral("test.shop.not_null"), QStringLiteral("warn"), std::nullopt, {}, 3},
        };
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).storeNodeResults(s.taskRuns[0], nodes).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, g->fence).storeNodeResults(s.taskRuns[0], nodes).has_value());   // again: replaced, not doubled
        auto back = store.nodeResults(s.taskRuns[0]);
        QVERIFY2(back.has_value(), qPrintable(why(back)));
        QCOMPARE(back->size(), 2);
        QCOMPARE(back->at(0).uniqueId, QStringLiteral("model.shop.orders"));
        QCOMPARE(back->at(0).status, QStringLiteral("success"));
        QCOMPARE(back->at(0).executionTime, std::optional<double>(1.25));
        QCOMPARE(back->at(0).message, QStringLiteral("SELECT 10"));
        QVERIFY(!back->at(0).failures.has_value());
        QCOMPARE(back->at(1).status, QStringLiteral("warn"));
        QVERIFY(!back->at(1).executionTime.has_value());
        QCOMPARE(back->at(1).failures, std::optional<qint64>(3));
        QCOMPARE(RunHolder(*m_db, s.runId, g->fence).storeNodeResults(s.taskRuns[0] + 1000, nodes).error().kind, Error::Kind::NotFound);
        QVERIFY(store.nodeResults(s.taskRuns[0] + 1000)->isEmpty());
        // The latest result per node across the org's runs: a later run's result replaces an earlier one.
        const Seeded later = seedRun(p, 1);
        auto g2 = LockStore(*m_db).acquire(later.runId, p, later.orgTasks, QStringLiteral("alice"));
        QVERIFY(g2.has_value());
        QVERIFY(RunHolder(*m_db, later.runId, g2->fence)
                    .storeNodeResults(later.taskRuns[0], {{QStringLiteral("model.shop.orders"), QStringLiteral("error"), 0.5, {}, std::nullopt}})
                    .has_value());
        auto last = store.lastNodeResults(m_org);
        QVERIFY2(last.has_value(), qPrintable(why(last)));
        QCOMPARE(last->size(), 2);
        QCOMPARE(last->value(QStringLiteral("model.shop.orders")).status, QStringLiteral("error"));
        QCOMPARE(last->value(QStringLiteral("model.shop.orders")).runId, later.runId);
        QCOMPARE(last->value(QStringLiteral("model.shop.orders")).executionTime, std::optional<double>(0.5));
        QCOMPARE(last->value(QStringLiteral("test.shop.not_null")).status, QStringLiteral("warn"));
        QCOMPARE(last->value(QStringLiteral("test.shop.not_null")).runId, s.runId);
        QVERIFY(store.lastNodeResults(m_otherOrg)->isEmpty());
    }

    void fencedWritesAfterLeaseLost_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("expired") << QStringLiteral("expired");
        QTest::newRow("swept") << QStringLiteral("swept");
        QTest::newRow("taken over") << QStringLiteral("taken over");
        QTest::newRow("re-acquired") << QStringLiteral("re-acquired");
    }

    void fencedWritesAfterLeaseLost()
    {
        QFETCH(QString, how);
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        LockStore locks(*m_db);
        const Seeded s = seedRun(p, 2);
        auto g = locks.acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        QVERIFY(g.has_value());
        const qint64 fence = g->fence;
        QVERIFY(RunHolder(*m_db, s.runId, fence).markRunning().has_value());
        QVERIFY(RunHolder(*m_db, s.runId, fence).startTaskRun(s.taskRuns[0]).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, fence).appendLog(s.taskRuns[0], 0, {formatLogLine(1, false, QStringLiteral("hi"))}).has_value());

        if (how != QLatin1String("re-acquired")) {
            // The holder's last renewal gives it 1 ms: its lease is over as soon as the database clock moves on.
            auto expiry = locks.renew(s.runId, fence, 1);
            QVERIFY2(expiry.has_value(), qPrintable(why(expiry)));
            QTRY_VERIFY_WITH_TIMEOUT(dbClockPast(*expiry), 10'000);
        }
        if (how == QLatin1String("swept")) {
            auto e = locks.expireStale();
            QVERIFY(e.has_value());
            QCOMPARE(e->crashedRunIds, QList<qint64>{s.runId});
        } else if (how == QLatin1String("taken over")) {
            const qint64 thief = *store.createRun(pipelineRun(p, QStringLiteral("nightly")), {});
            QVERIFY(locks.acquire(thief, p, s.orgTasks, QStringLiteral("bob")).has_value());
        } else if (how == QLatin1String("re-acquired")) {
            QVERIFY(locks.release(s.runId, fence).has_value());
            auto again = locks.acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
            QVERIFY(again.has_value());
            QVERIFY(again->fence > fence);
        }

        const QStringList before = dump();
        const TaskRunResult done{TaskRunStatus::Successful, 0, {}, {}, {}};
        auto expectLost = [&](const Error &e, const char *what) {
            QVERIFY2(e.kind == Error::Kind::LeaseLost, what);
            QVERIFY2(e.message.contains(QLatin1String("lease lost")), qPrintable(QStringLiteral("%1: %2").arg(QLatin1String(what), e.message)));
        };
        expectLost(RunHolder(*m_db, s.runId, fence).markRunning().error(), "markRunning");
        expectLost(RunHolder(*m_db, s.runId, fence).finishRun(RunStatus::Successful).error(), "finishRun");
        expectLost(RunHolder(*m_db, s.runId, fence).startTaskRun(s.taskRuns[1]).error(), "startTaskRun");
        expectLost(RunHolder(*m_db, s.runId, fence).finishTaskRun(s.taskRuns[0], done).error(), "finishTaskRun");
        expectLost(RunHolder(*m_db, s.runId, fence).addAttempt(s.taskRuns[0]).error(), "addAttempt");
        expectLost(RunHolder(*m_db, s.runId, fence).settleQueuedTasks(TaskRunStatus::Skipped).error(), "settleQueuedTasks");
        expectLost(RunHolder(*m_db, s.runId, fence).appendLog(s.taskRuns[0], 1, {formatLogLine(2, false, QStringLiteral("late"))}).error(), "appendLog");
        expectLost(RunHolder(*m_db, s.runId, fence).storeNodeResults(s.taskRuns[0], {{QStringLiteral("m"), QStringLiteral("success"), {}, {}, {}}}).error(),
                   "storeNodeResults");
        QCOMPARE(dump(), before);
    }

    void listFiltersAndKeyset()
    {
        const qint64 p1 = addPipeline(m_org, QStringLiteral("one")), p2 = addPipeline(m_org, QStringLiteral("two"));
        const qint64 p3 = addPipeline(m_otherOrg, QStringLiteral("three"));
        RunStore store(*m_db);
        QList<qint64> ofP1, ofOrg, cancelled;
        for (int i = 0; i < 7; ++i) {
            const qint64 a = *store.createRun(pipelineRun(p1, QStringLiteral("one")), {});
            const qint64 b = *store.createRun(pipelineRun(p2, QStringLiteral("two")), {});
            QVERIFY(store.createRun(pipelineRun(p3, QStringLiteral("three"), m_otherOrg), {}).has_value());
            ofP1.prepend(a);
            ofOrg.prepend(a);
            ofOrg.prepend(b);
            if (i % 3 == 0) {
                QVERIFY(store.requestCancel(b, QStringLiteral("x")).has_value());
                cancelled.prepend(b);
            }
        }
        auto ids = [](const QList<RunSummary> &runs) {
            QList<qint64> out;
            for (const RunSummary &r : runs)
                out.append(r.id);
            return out;
        };
        RunFilter f;
        f.orgId = m_org;
        f.limit = 100;
        QCOMPARE(ids(*store.list(f)), ofOrg);
        f.pipelineId = p1;
        auto onlyP1 = store.list(f);
        QCOMPARE(ids(*onlyP1), ofP1);
        QCOMPARE(onlyP1->first().pipelineName, QStringLiteral("one"));
        QCOMPARE(toSql(onlyP1->first().status), QStringLiteral("queued"));
        f.pipelineId.reset();
        f.status = RunStatus::Cancelled;
        QCOMPARE(ids(*store.list(f)), cancelled);
        QVERIFY(!runStatusFromSql(u"nonsense"));   // what a caller (run list --status) refuses before asking

        RunFilter all;
        all.limit = 4;
        QList<qint64> paged;
        for (int guard = 0; guard < 20; ++guard) {
            auto page = store.list(all);
            QVERIFY(page.has_value());
            QVERIFY(page->size() <= 4);
            if (page->isEmpty())
                break;
            paged += ids(*page);
            all.beforeRunId = page->last().id;
        }
        QCOMPARE(paged.size(), 21);
        QVERIFY(std::is_sorted(paged.rbegin(), paged.rend()));
        QCOMPARE(std::adjacent_find(paged.begin(), paged.end()), paged.end());
        all.limit = 0;
        QVERIFY(store.list(all)->isEmpty());
    }

    // Retry: the same org tasks in the same order; from failure, the tasks before the first one that did not
    // succeed are carried over (skipped, naming the run where they succeeded) and the run starts there.
    void retryRunsWholeOrFromFailure()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        const Seeded s = seedRun(p, 4);
        QCOMPARE(store.createRetryRun(s.runId, RetryScope::WholeRun, pipelineRun(p, QStringLiteral("nightly"))).error().kind,
                 Error::Kind::Conflict);   // still queued
        auto g = LockStore(*m_db).acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        QVERIFY(g.has_value());
        RunHolder h(*m_db, s.runId, g->fence);
        QVERIFY(h.markRunning().has_value());
        auto running = store.createRetryRun(s.runId, RetryScope::WholeRun, pipelineRun(p, QStringLiteral("nightly")));
        QCOMPARE(running.error().kind, Error::Kind::Conflict);
        verifyMentions(running.error().message, {QStringLiteral("running")});
        const TaskRunResult ok{TaskRunStatus::Successful, 0, {}, {}, {}};
        const TaskRunResult warned{TaskRunStatus::Warning, 1, {}, {}, {}};
        const TaskRunResult failed{TaskRunStatus::Failed, 2, {}, TaskErrorKind::ExitCode, QStringLiteral("exited with code 2")};
        QVERIFY(h.finishTaskRun(s.taskRuns[0], ok).has_value());
        QVERIFY(h.finishTaskRun(s.taskRuns[1], warned).has_value());
        QVERIFY(h.finishTaskRun(s.taskRuns[2], failed).has_value());
        QVERIFY(h.settleQueuedTasks(TaskRunStatus::Skipped).has_value());
        QVERIFY(h.finishRun(RunStatus::Failed, QStringLiteral("task-2 failed")).has_value());
        QVERIFY(LockStore(*m_db).release(s.runId, g->fence).has_value());
        const QString sourceUuid = store.run(s.runId)->run.uuid;

        NewRun request;
        request.requestedBy = QStringLiteral("bob@desk");
        request.dispatch = QStringLiteral("agent");
        auto whole = store.createRetryRun(s.runId, RetryScope::WholeRun, request);
        QVERIFY2(whole.has_value(), qPrintable(why(whole)));
        auto w = store.run(*whole);
        QVERIFY(w.has_value());
        QCOMPARE(w->run.trigger, QStringLiteral("retry"));
        QCOMPARE(w->retryOf, s.runId);
        QCOMPARE(w->run.pipelineId, p);
        QCOMPARE(w->run.pipelineName, QStringLiteral("nightly"));
        QCOMPARE(w->requestedBy, QStringLiteral("bob@desk"));
        QCOMPARE(w->dispatch, QStringLiteral("agent"));
        QCOMPARE(w->run.scheduledFor, 0);
        QCOMPARE(w->tasks.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(w->tasks[i].orgTaskId, s.orgTasks[i]);
            QCOMPARE(w->tasks[i].seq, i);
            QCOMPARE(toSql(w->tasks[i].status), QStringLiteral("queued"));
        }

        auto from = store.createRetryRun(s.runId, RetryScope::FromFailure, request);
        QVERIFY2(from.has_value(), qPrintable(why(from)));
        auto f = store.run(*from);
        QCOMPARE(f->tasks.size(), 4);
        QStringList statuses;
        for (const TaskRunRecord &t : f->tasks)
            statuses.append(toSql(t.status));
        // seq 0 succeeded and seq 1 only warned (dbt tests): both done; the failed seq 2 and the skipped seq 3 run again.
        QCOMPARE(statuses, (QStringList{QStringLiteral("skipped"), QStringLiteral("skipped"), QStringLiteral("queued"), QStringLiteral("queued")}));
        QCOMPARE(f->tasks[0].summary.value(QStringLiteral("carried_from_run")).toString(), sourceUuid);
        verifyMentions(f->tasks[1].errorDetail, {sourceUuid});
        QVERIFY(f->tasks[0].finishedAt > 0);
        // The retry locks what the source locked: every org task, the carried ones too.
        auto g2 = LockStore(*m_db).acquire(*from, p, {f->tasks[0].orgTaskId, f->tasks[1].orgTaskId, f->tasks[2].orgTaskId, f->tasks[3].orgTaskId},
                                           QStringLiteral("bob"));
        QVERIFY2(g2.has_value(), qPrintable(why(g2)));
        RunHolder h2(*m_db, *from, g2->fence);
        QVERIFY(h2.markRunning().has_value());
        QVERIFY(h2.finishTaskRun(f->tasks[2].id, ok).has_value());
        QVERIFY(h2.finishTaskRun(f->tasks[3].id, failed).has_value());
        QVERIFY(h2.finishRun(RunStatus::Failed).has_value());
        QVERIFY(LockStore(*m_db).release(*from, g2->fence).has_value());

        // A retry of the retry starts at seq 3; the tasks carried twice still name the run where they succeeded.
        auto again = store.createRetryRun(*from, RetryScope::FromFailure, request);
        QVERIFY2(again.has_value(), qPrintable(why(again)));
        auto a = store.run(*again);
        QCOMPARE(a->retryOf, *from);
        QCOMPARE(toSql(a->tasks[2].status), QStringLiteral("skipped"));
        QCOMPARE(toSql(a->tasks[3].status), QStringLiteral("queued"));
        QCOMPARE(a->tasks[0].summary.value(QStringLiteral("carried_from_run")).toString(), sourceUuid);
        QCOMPARE(a->tasks[2].summary.value(QStringLiteral("carried_from_run")).toString(), f->run.uuid);

        // Filtering by trigger and by when the run was asked for.
        RunFilter byTrigger;
        byTrigger.orgId = m_org;
        byTrigger.trigger = QStringLiteral("retry");
        QCOMPARE(store.list(byTrigger)->size(), 3);
        byTrigger.trigger = QStringLiteral("manual");
        QCOMPARE(store.list(byTrigger)->size(), 1);
        QCOMPARE(store.list(byTrigger)->first().id, s.runId);
        QVERIFY(m_db->exec(QStringLiteral("UPDATE run SET queued_at = 1000 WHERE id = ?"), {s.runId}).has_value());
        QVERIFY(m_db->exec(QStringLiteral("UPDATE run SET queued_at = 2000 WHERE id = ?"), {*whole}).has_value());
        RunFilter byTime;
        byTime.queuedSince = 1000;
        byTime.queuedUntil = 2000;   // exclusive
        auto early = store.list(byTime);
        QCOMPARE(early->size(), 1);
        QCOMPARE(early->first().id, s.runId);
        byTime.queuedUntil.reset();
        byTime.queuedSince = 1001;
        QCOMPARE(store.list(byTime)->size(), 3);   // the whole retry and the two later ones
    }

    void retryRefusals()
    {
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        RunStore store(*m_db);
        const Seeded s = seedRun(p, 2);
        auto g = LockStore(*m_db).acquire(s.runId, p, s.orgTasks, QStringLiteral("alice"));
        RunHolder h(*m_db, s.runId, g->fence);
        QVERIFY(h.markRunning().has_value());
        const TaskRunResult ok{TaskRunStatus::Successful, 0, {}, {}, {}};
        QVERIFY(h.finishTaskRun(s.taskRuns[0], ok).has_value());
        QVERIFY(h.finishTaskRun(s.taskRuns[1], ok).has_value());
        QVERIFY(h.finishRun(RunStatus::Successful).has_value());
        QVERIFY(LockStore(*m_db).release(s.runId, g->fence).has_value());
        NewRun request;
        request.requestedBy = QStringLiteral("bob@desk");
        auto nothingFailed = store.createRetryRun(s.runId, RetryScope::FromFailure, request);
        QCOMPARE(nothingFailed.error().kind, Error::Kind::Invalid);
        verifyMentions(nothingFailed.error().message, {QStringLiteral("succeeded"), QStringLiteral("whole run")});
        QVERIFY(store.createRetryRun(s.runId, RetryScope::WholeRun, request).has_value());

        // A skipped slot ran no task.
        auto skipped = store.recordSkippedSlot(m_org, p, QStringLiteral("nightly"), 60'000, QStringLiteral("missed while down"), QStringLiteral("scheduler@h"));
        QVERIFY(skipped.has_value());
        auto none = store.createRetryRun(*skipped, RetryScope::WholeRun, request);
        QCOMPARE(none.error().kind, Error::Kind::Invalid);
        verifyMentions(none.error().message, {QStringLiteral("no task"), QStringLiteral("missed while down")});

        // A task deleted since cannot be run again as it was.
        QVERIFY(m_db->exec(QStringLiteral("DELETE FROM org_task WHERE id = ?"), {s.orgTasks[1]}).has_value());
        auto deleted = store.createRetryRun(s.runId, RetryScope::WholeRun, request);
        QCOMPARE(deleted.error().kind, Error::Kind::Invalid);
        verifyMentions(deleted.error().message, {QStringLiteral("task-1"), QStringLiteral("deleted")});
        QCOMPARE(store.createRetryRun(s.runId + 1000, RetryScope::WholeRun, request).error().kind, Error::Kind::NotFound);
        const qint64 before = count(QStringLiteral("SELECT COUNT(*) FROM run"));
        QVERIFY(!store.createRetryRun(s.runId, RetryScope::FromFailure, request).has_value());
        QCOMPARE(count(QStringLiteral("SELECT COUNT(*) FROM run")), before);   // a refusal leaves nothing behind
    }
};

QTEST_GUILESS_MAIN(tst_RunStore)
#include "tst_runstore.moc"
