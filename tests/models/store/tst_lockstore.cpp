// Lease locks with fencing (store/lockstore.h), on a real database of each backend.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/lockstore.h"
#include "store/runholder.h"

#include <QTest>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <functional>
#include <thread>
#include <vector>

using namespace sluice;
using sluice::test::why;
using sluice::test::StoreFixture;

class tst_LockStore : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org = 0, m_otherOrg = 0;
    qint64 m_taskId = 0;
    int m_counter = 0;

    qint64 insertId(const QString &sql, const QVariantList &values)
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
        return insertId(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) "
                                       "VALUES (?, ?, ?, 0, 0) RETURNING id"),
                        {QStringLiteral("ot-%1").arg(m_counter), orgId, m_taskId});
    }

    qint64 addPipeline(qint64 orgId, const QString &name)
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, created_at, updated_at) "
                                       "VALUES (?, ?, ?, 0, 0) RETURNING id"),
                        {QStringLiteral("pipe-%1").arg(m_counter), orgId, name});
    }

    // A run of `pipelineId` (0: a single-task run) named "run-N", in `status`.
    qint64 addRun(qint64 orgId, qint64 pipelineId, const QString &status = QStringLiteral("running"))
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, pipeline_name, trigger_kind, requested_by, "
                                       "status, queued_at) VALUES (?, ?, ?, ?, 'manual', 'tester', ?, 0) RETURNING id"),
                        {QStringLiteral("run-%1").arg(m_counter), orgId,
                         pipelineId > 0 ? QVariant(pipelineId) : QVariant(QMetaType(QMetaType::LongLong)),
                         pipelineId > 0 ? QVariant(QStringLiteral("pipe name %1").arg(pipelineId)) : QVariant(QMetaType(QMetaType::QString)),
                         status});
    }

    qint64 addTaskRun(qint64 runId, int seq, const QString &status)
    {
        return insertId(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, status) VALUES (?, 'shell', ?, ?) RETURNING id"),
                        {runId, seq, status});
    }

    QString runUuid(qint64 runId) { return m_db->scalar(QStringLiteral("SELECT uuid FROM run WHERE id = ?"), {runId})->toString(); }
    QString runStatus(qint64 runId) { return m_db->scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runId})->toString(); }
    QString taskRunStatus(qint64 id) { return m_db->scalar(QStringLiteral("SELECT status FROM task_run WHERE id = ?"), {id})->toString(); }
    qint64 locksOf(qint64 runId)
    {
        return m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id = ?"), {runId})->toLongLong();
    }
    qint64 allLocks() { return m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id IS NOT NULL"))->toLongLong(); }

    // True once the database clock has passed `ms` (lease expiry is judged by it, not by ours).
    bool dbClockPast(qint64 ms)
    {
        auto now = m_db->serverNowMs();
        return now && *now > ms;
    }

    // Two connections of their own (one thread each, one run each) take locks in step: in every round
    // both ask for setOf(who, round) at once; with `release`, a winner gives its locks back once both have
    // tried. Wins are counted per round; any answer but a grant or a Conflict is unexpected.
    struct Race
    {
        QList<int> wins;
        QStringList unexpected;
    };
    Race runRace(int rounds, const std::function<QList<qint64>(int who, int round)> &setOf, bool release)
    {
        const qint64 runs[2] = {addRun(m_org, 0), addRun(m_org, 0)};
        const DbUrl url = m_db->url();
        std::vector<std::atomic<int>> wins(rounds);
        QStringList unexpected[2];
        std::barrier sync(2);
        auto racer = [&](int who) {
            Database::Options options;
            options.busyTimeoutMs = 20'000;
            auto db = Database::open(url, options);
            if (!db)
                unexpected[who].append(db.error().message);
            for (int i = 0; i < rounds; ++i) {
                sync.arrive_and_wait();
                std::optional<LockGrant> won;
                if (db) {
                    auto g = LockStore(**db).acquire(runs[who], std::nullopt, setOf(who, i), QStringLiteral("racer-%1").arg(who));
                    if (g) {
                        ++wins[i];
                        won = *g;
                    } else if (g.error().kind != Error::Kind::Conflict) {
                        unexpected[who].append(g.error().message);
                    }
                }
                sync.arrive_and_wait();   // both have tried
                if (release && won)
                    if (auto r = LockStore(**db).release(runs[who], won->fence); !r)
                        unexpected[who].append(r.error().message);
            }
        };
        std::thread a(racer, 0), b(racer, 1);
        a.join();
        b.join();
        Race out;
        for (const auto &w : wins)
            out.wins.append(w.load());
        out.unexpected = unexpected[0] + unexpected[1];
        return out;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), db ? "" : qPrintable(db.error().message));
        m_db = std::move(*db);
        m_org = insertId(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', 0, 0) RETURNING id"), {});
        m_otherOrg = insertId(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('other', 'Other', 0, 0) RETURNING id"), {});
        auto task = m_db->scalar(QStringLiteral("SELECT MIN(id) FROM task"));
        QVERIFY(task && !task->isNull());
        m_taskId = task->toLongLong();
        QVERIFY(m_org > 0 && m_otherOrg > 0);
    }

    void cleanup() { m_db.reset(); }

    void acquireIsAllOrNothing()
    {
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org), t3 = addOrgTask(m_org);
        const qint64 p1 = addPipeline(m_org, QStringLiteral("nightly")), p2 = addPipeline(m_org, QStringLiteral("hourly"));
        const qint64 r1 = addRun(m_org, p1), r2 = addRun(m_org, p2);
        LockStore locks(*m_db);

        auto a = locks.acquire(r1, p1, {t2, t1}, QStringLiteral("alice"));
        QVERIFY2(a.has_value(), a ? "" : qPrintable(a.error().message));
        QCOMPARE(a->orgTaskIds, (QList<qint64>{t1, t2}));
        QVERIFY(a->fence > 0);
        QCOMPARE(locksOf(r1), 2);

        auto b = locks.acquire(r2, p2, {t3, t2}, QStringLiteral("bob"));
        QVERIFY(!b.has_value());
        QCOMPARE(b.error().kind, Error::Kind::Conflict);
        const QString msg = b.error().message;
        QVERIFY2(msg.contains(QLatin1String("alice")), qPrintable(msg));
        QVERIFY2(msg.contains(QLatin1String("nightly")), qPrintable(msg));
        QVERIFY2(msg.contains(runUuid(r1)), qPrintable(msg));
        QVERIFY2(msg.contains(QLatin1String("since ")), qPrintable(msg));
        QVERIFY2(msg.contains(QLatin1String("ot-")), qPrintable(msg));
        // Nothing partially locked: t3 stays free, r1 still holds exactly its two.
        QCOMPARE(locksOf(r2), 0);
        QCOMPARE(locksOf(r1), 2);

        auto c = locks.acquire(r2, p2, {t3}, QStringLiteral("bob"));
        QVERIFY2(c.has_value(), c ? "" : qPrintable(c.error().message));
        QCOMPARE(locksOf(r2), 1);

        QCOMPARE(locks.acquire(r2, p2, {}, QStringLiteral("bob")).error().kind, Error::Kind::Invalid);
        QCOMPARE(locks.acquire(r2, p2, {t3 + 1000}, QStringLiteral("bob")).error().kind, Error::Kind::NotFound);
    }

    void renewAndRelease()
    {
        const qint64 t1 = addOrgTask(m_org);
        const qint64 r1 = addRun(m_org, 0);
        LockStore locks(*m_db);
        auto a = locks.acquire(r1, std::nullopt, {t1}, QStringLiteral("alice"), std::nullopt, 10'000);
        QVERIFY(a.has_value());

        auto renewed = locks.renew(r1, a->fence, 60'000);
        QVERIFY2(renewed.has_value(), renewed ? "" : qPrintable(renewed.error().message));
        QVERIFY(*renewed >= a->leaseExpiresAt + 50'000);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT lease_expires_at FROM task_lock WHERE run_id = ?"), {r1})->toLongLong(), *renewed);

        auto wrong = locks.renew(r1, a->fence + 1);
        QVERIFY(!wrong.has_value());
        QCOMPARE(wrong.error().kind, Error::Kind::LeaseLost);
        QVERIFY(wrong.error().message.contains(QLatin1String("lease lost")));
        QCOMPARE(locks.release(r1, a->fence + 1).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(locksOf(r1), 1);

        QVERIFY(locks.release(r1, a->fence).has_value());
        QCOMPARE(locksOf(r1), 0);
        QCOMPARE(locks.release(r1, a->fence).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(locks.renew(r1, a->fence).error().kind, Error::Kind::LeaseLost);
    }

    void fenceIsMonotonicAcrossReacquire()
    {
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org);
        const qint64 r1 = addRun(m_org, 0), r2 = addRun(m_org, 0), r3 = addRun(m_org, 0);
        LockStore locks(*m_db);

        auto a = locks.acquire(r1, std::nullopt, {t1}, QStringLiteral("a"));
        QVERIFY(a.has_value());
        QVERIFY(locks.release(r1, a->fence).has_value());
        auto b = locks.acquire(r2, std::nullopt, {t1, t2}, QStringLiteral("b"));
        QVERIFY(b.has_value());
        QVERIFY(b->fence > a->fence);
        QVERIFY(locks.release(r2, b->fence).has_value());
        // t2 was only ever locked once, but its fence went up with t1's.
        auto c = locks.acquire(r3, std::nullopt, {t2}, QStringLiteral("c"));
        QVERIFY(c.has_value());
        QVERIFY(c->fence > b->fence);
        // The same run re-acquiring after a release gets a new fence too; its old one is dead.
        QVERIFY(locks.release(r3, c->fence).has_value());
        auto d = locks.acquire(r3, std::nullopt, {t2}, QStringLiteral("c"));
        QVERIFY(d.has_value());
        QVERIFY(d->fence > c->fence);
        QCOMPARE(locks.renew(r3, c->fence).error().kind, Error::Kind::LeaseLost);
        QVERIFY(locks.renew(r3, d->fence).has_value());
    }

    void tasksLockedInOtherCombinations()
    {
        // A pipeline's set is taken and given back as one lease; a single-task run, or the pipeline
        // changed, locks the tasks in another combination: they move to a new lease, and a lease never
        // holds a task it was not asked for.
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org), t3 = addOrgTask(m_org);
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        LockStore locks(*m_db);
        QList<qint64> fences;
        QHash<qint64, qint64> lastFence;   // per task: fences only grow, whatever lease the task is in
        auto cycle = [&](const QList<qint64> &tasks, qint64 pipeline) -> qint64 {
            const qint64 run = addRun(m_org, pipeline);
            auto g = locks.acquire(run, pipeline > 0 ? std::optional<qint64>(pipeline) : std::nullopt, tasks, QStringLiteral("me"));
            if (!g) {
                qWarning() << g.error().message;
                return 0;
            }
            fences << g->fence;
            for (qint64 t : tasks) {
                if (g->fence <= lastFence.value(t, 0))
                    return -2;
                lastFence[t] = g->fence;
            }
            if (locksOf(run) != tasks.size())
                return -1;
            return run;
        };
        const qint64 a = cycle({t1, t2}, p);
        QVERIFY(a > 0);
        QVERIFY(locks.release(a, fences.last()));
        const qint64 b = cycle({t1, t2}, p);           // the same set again: the same lease
        QVERIFY(b > 0);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM lock_lease"))->toLongLong(), 1);
        QVERIFY(locks.release(b, fences.last()));
        const qint64 single = cycle({t1}, 0);          // t1 alone: a lease of its own
        QVERIFY(single > 0);
        // While t1 is held alone, t2 is free and the pair is not: nothing of it is taken.
        const qint64 other = addRun(m_org, p);
        auto pair = locks.acquire(other, p, {t1, t2}, QStringLiteral("you"));
        QVERIFY(!pair);
        QCOMPARE(pair.error().kind, Error::Kind::Conflict);
        QCOMPARE(locksOf(other), 0);
        const qint64 lone2 = cycle({t2}, 0);
        QVERIFY(lone2 > 0);
        QVERIFY(locks.release(lone2, fences.last()));
        QVERIFY(locks.release(single, fences.at(fences.size() - 2)));
        // The pipeline gains a task: all three move to a new lease; the pair's old lease is gone.
        const qint64 c = cycle({t1, t2, t3}, p);
        QVERIFY(c > 0);
        QVERIFY(locks.release(c, fences.last()));
        const qint64 d = cycle({t1, t2, t3}, p);
        QVERIFY(d > 0);
        QVERIFY(locks.release(d, fences.last()));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM lock_lease WHERE task_count > 0"))->toLongLong(), 1);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM lock_lease WHERE task_count = 0"))->toLongLong(), 0);
        auto taskFences = m_db->fetch(QStringLiteral("SELECT fence FROM task_lock WHERE org_task_id IN (?, ?, ?)"), {t1, t2, t3});
        QVERIFY(taskFences);
        for (const QVariantList &row : *taskFences)
            QCOMPARE(row.value(0).toLongLong(), fences.last());

        // Another connection takes and gives back the same set: the fence this connection remembers of
        // the set's lease is stale, and its next take must still get a larger fence than theirs.
        auto second = Database::open(m_db->url());
        QVERIFY(second);
        LockStore theirs(**second);
        const qint64 e = addRun(m_org, p);
        auto same = theirs.acquire(e, p, {t1, t2, t3}, QStringLiteral("them"));
        QVERIFY(same);
        QCOMPARE(locksOf(e), 3);
        QVERIFY(same->fence > lastFence.value(t1));
        for (qint64 t : {t1, t2, t3})
            lastFence[t] = same->fence;
        QVERIFY(theirs.release(e, same->fence));
        const qint64 f0 = cycle({t1, t2, t3}, p);
        QVERIFY2(f0 > 0, "the set taken again after another connection took it: fence must grow");
        QVERIFY(locks.release(f0, fences.last()));
        // Another connection moves t1 elsewhere: the set's lease no longer holds exactly the set.
        const qint64 g0 = addRun(m_org, 0);
        auto g = theirs.acquire(g0, std::nullopt, {t1}, QStringLiteral("them"));
        QVERIFY(g);
        QCOMPARE(locksOf(g0), 1);
        QVERIFY(g->fence > lastFence.value(t1));
        lastFence[t1] = g->fence;
        QVERIFY(theirs.release(g0, g->fence));
        second->reset();
        const qint64 f = cycle({t1, t2, t3}, p);
        QVERIFY(f > 0);
        const qint64 intruder = addRun(m_org, 0);
        QVERIFY(!locks.acquire(intruder, std::nullopt, {t1}, QStringLiteral("them")));
        QVERIFY(!locks.acquire(intruder, std::nullopt, {t3}, QStringLiteral("them")));
    }

    void aDeletedRunsLeaseIsFree()
    {
        // A run deleted while it holds its lease (the FK sets the lease's run NULL): its tasks are free,
        // listed nowhere as held, and the next run takes them.
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org);
        const qint64 p = addPipeline(m_org, QStringLiteral("nightly"));
        LockStore locks(*m_db);
        const qint64 gone = addRun(m_org, p);
        auto g = locks.acquire(gone, p, {t1, t2}, QStringLiteral("me"));
        QVERIFY(g);
        QCOMPARE(locksOf(gone), 2);
        QVERIFY(m_db->change(QStringLiteral("DELETE FROM run WHERE id = ?"), {gone}));
        QCOMPARE(allLocks(), 0);
        auto status = locks.status(m_org);
        QVERIFY(status);
        QVERIFY(status->isEmpty());
        auto live = locks.liveHolders({t1, t2});
        QVERIFY(live);
        QVERIFY(live->isEmpty());
        auto swept = locks.expireStale();
        QVERIFY(swept);
        QVERIFY(swept->locks.isEmpty());
        const qint64 next = addRun(m_org, p);
        auto again = locks.acquire(next, p, {t1, t2}, QStringLiteral("me"));
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QVERIFY(again->fence > g->fence);
        QCOMPARE(locksOf(next), 2);
        // Released, the view shows the tasks free with their fence kept.
        QVERIFY(locks.release(next, again->fence));
        auto rows = m_db->fetch(QStringLiteral("SELECT run_id, locked_by, lease_expires_at, fence FROM task_lock WHERE org_task_id = ?"), {t1});
        QVERIFY(rows && rows->size() == 1);
        QVERIFY(rows->first().value(0).isNull());
        QVERIFY(rows->first().value(1).isNull());
        QVERIFY(rows->first().value(2).isNull());
        QCOMPARE(rows->first().value(3).toLongLong(), again->fence);
    }

    void racesOverLeasesThatMove()
    {
        // Two connections race for t1 every round, one of them alternating between the pair {t1, t2}
        // and t1 alone, so the fast path of one meets the other moving the tasks between leases:
        // exactly one wins each round, and nobody ever holds a task twice.
        constexpr int kRounds = 24;
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org);
        const Race race = runRace(kRounds, [&](int who, int round) {
            return who == 1 && round % 2 == 0 ? QList<qint64>{t1} : QList<qint64>{t1, t2};
        }, true);
        QVERIFY2(race.unexpected.isEmpty(), qPrintable(race.unexpected.join(QLatin1Char('\n'))));
        for (int i = 0; i < kRounds; ++i)
            QVERIFY2(race.wins[i] == 1, qPrintable(QStringLiteral("round %1: %2 winners").arg(i).arg(race.wins[i])));
        QCOMPARE(allLocks(), 0);
    }

    void expiryIsJudgedByTheDatabaseClock()
    {
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org);
        const qint64 p1 = addPipeline(m_org, QStringLiteral("nightly"));
        const qint64 r1 = addRun(m_org, p1);
        const qint64 done = addTaskRun(r1, 0, QStringLiteral("successful"));
        const qint64 running = addTaskRun(r1, 1, QStringLiteral("running"));
        const qint64 queued = addTaskRun(r1, 2, QStringLiteral("queued"));
        LockStore locks(*m_db);

        auto a = locks.acquire(r1, p1, {t1, t2}, QStringLiteral("scheduler@host-a"), std::nullopt, 300);
        QVERIFY(a.has_value());
        // Before the lease runs out (by the database clock) nothing is stale.
        auto early = locks.expireStale();
        QVERIFY(early.has_value());
        if (!dbClockPast(a->leaseExpiresAt)) {
            QVERIFY(early->locks.isEmpty());
            QCOMPARE(allLocks(), 2);
        }

        QTRY_VERIFY_WITH_TIMEOUT(dbClockPast(a->leaseExpiresAt), 5000);
        // Expired but not swept: the holder can neither renew nor write.
        QCOMPARE(locks.renew(r1, a->fence).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(RunHolder(*m_db, r1, a->fence).finishRun(RunStatus::Successful).error().kind, Error::Kind::LeaseLost);

        auto freed = locks.expireStale();
        QVERIFY2(freed.has_value(), freed ? "" : qPrintable(freed.error().message));
        QCOMPARE(freed->locks.size(), 2);
        QCOMPARE(freed->crashedRunIds, QList<qint64>{r1});
        QCOMPARE(freed->locks.first().lockedBy, QStringLiteral("scheduler@host-a"));
        QCOMPARE(freed->locks.first().fence, a->fence);
        QCOMPARE(allLocks(), 0);
        QCOMPARE(runStatus(r1), QStringLiteral("crashed"));
        const QString reason = m_db->scalar(QStringLiteral("SELECT status_reason FROM run WHERE id = ?"), {r1})->toString();
        QVERIFY2(reason.contains(QLatin1String("stopped renewing")) && reason.contains(QLatin1String("scheduler@host-a")),
                 qPrintable(reason));
        QVERIFY(!m_db->scalar(QStringLiteral("SELECT finished_at FROM run WHERE id = ?"), {r1})->isNull());
        QCOMPARE(taskRunStatus(done), QStringLiteral("successful"));
        QCOMPARE(taskRunStatus(running), QStringLiteral("crashed"));
        QCOMPARE(taskRunStatus(queued), QStringLiteral("crashed"));

        // A second sweep finds nothing.
        auto again = locks.expireStale();
        QVERIFY(again.has_value());
        QVERIFY(again->locks.isEmpty());
        QVERIFY(again->crashedRunIds.isEmpty());
    }

    void staleHolderIsFencedOut()
    {
        const qint64 t1 = addOrgTask(m_org);
        const qint64 p1 = addPipeline(m_org, QStringLiteral("nightly")), p2 = addPipeline(m_org, QStringLiteral("hourly"));
        const qint64 r1 = addRun(m_org, p1, QStringLiteral("queued")), r2 = addRun(m_org, p2);
        const qint64 tr1 = addTaskRun(r1, 0, QStringLiteral("queued"));
        LockStore locks(*m_db);

        auto a = locks.acquire(r1, p1, {t1}, QStringLiteral("alice"), std::nullopt, 300);
        QVERIFY(a.has_value());
        RunHolder holder(*m_db, r1, a->fence);
        QVERIFY(holder.markRunning().has_value());
        QVERIFY(holder.startTaskRun(tr1).has_value());
        QCOMPARE(runStatus(r1), QStringLiteral("running"));
        QVERIFY(!m_db->scalar(QStringLiteral("SELECT started_at FROM run WHERE id = ?"), {r1})->isNull());
        QCOMPARE(taskRunStatus(tr1), QStringLiteral("running"));
        // A task run of another run is not this holder's to change.
        const qint64 foreign = addTaskRun(r2, 0, QStringLiteral("queued"));
        QCOMPARE(holder.finishTaskRun(foreign, TaskRunResult{TaskRunStatus::Failed, {}, {}, {}, {}}).error().kind, Error::Kind::NotFound);

        // While r1's lease is live, r2 is refused; once it expired, r2 takes the task over.
        QCOMPARE(locks.acquire(r2, p2, {t1}, QStringLiteral("bob")).error().kind, Error::Kind::Conflict);
        QTRY_VERIFY_WITH_TIMEOUT(dbClockPast(a->leaseExpiresAt), 5000);
        auto b = locks.acquire(r2, p2, {t1}, QStringLiteral("bob"));
        QVERIFY2(b.has_value(), b ? "" : qPrintable(b.error().message));
        QVERIFY(b->fence > a->fence);
        QCOMPARE(runStatus(r1), QStringLiteral("crashed"));
        QCOMPARE(taskRunStatus(tr1), QStringLiteral("crashed"));

        // The paused holder wakes up: every write it tries is rejected and changes nothing.
        auto late = holder.finishRun(RunStatus::Successful);
        QVERIFY(!late.has_value());
        QCOMPARE(late.error().kind, Error::Kind::LeaseLost);
        QVERIFY(late.error().message.contains(QLatin1String("lease lost")));
        QCOMPARE(holder.finishTaskRun(tr1, TaskRunResult{TaskRunStatus::Successful, 0, {}, {}, {}}).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(holder.appendLog(tr1, 0, {QStringLiteral("late")}).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(holder.addAttempt(tr1).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(locks.renew(r1, a->fence).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(locks.release(r1, a->fence).error().kind, Error::Kind::LeaseLost);
        QCOMPARE(runStatus(r1), QStringLiteral("crashed"));
        QCOMPARE(taskRunStatus(tr1), QStringLiteral("crashed"));
        QCOMPARE(locksOf(r2), 1);

        // The new holder's fenced writes go through.
        QVERIFY(RunHolder(*m_db, r2, b->fence).finishRun(RunStatus::Successful).has_value());
        QCOMPARE(runStatus(r2), QStringLiteral("successful"));
    }

    void twoConnectionsRaceExactlyOneWins()
    {
        constexpr int kRounds = 15;
        QList<qint64> tasks;
        for (int i = 0; i < kRounds; ++i)
            tasks.append(addOrgTask(m_org));
        const Race race = runRace(kRounds, [&](int, int round) { return QList<qint64>{tasks[round]}; }, false);
        QVERIFY2(race.unexpected.isEmpty(), qPrintable(race.unexpected.join(QLatin1Char('\n'))));
        for (int i = 0; i < kRounds; ++i)
            QVERIFY2(race.wins[i] == 1, qPrintable(QStringLiteral("round %1: %2 winners").arg(i).arg(race.wins[i])));
        QCOMPARE(allLocks(), kRounds);
    }

    void concurrentSweepsFreeEachLockOnce()
    {
        constexpr int kRuns = 12;
        LockStore locks(*m_db);
        QList<qint64> runIds;
        qint64 lastExpiry = 0;
        for (int i = 0; i < kRuns; ++i) {
            runIds.append(addRun(m_org, 0));
            auto g = locks.acquire(runIds.last(), std::nullopt, {addOrgTask(m_org), addOrgTask(m_org)},
                                   QStringLiteral("holder-%1").arg(i), std::nullopt, 200);
            QVERIFY(g.has_value());
            lastExpiry = std::max(lastExpiry, g->leaseExpiresAt);
        }
        QTRY_VERIFY_WITH_TIMEOUT(dbClockPast(lastExpiry), 5000);

        const DbUrl url = m_db->url();
        ExpiredLocks results[2];
        QString failures[2];
        std::barrier sync(2);
        auto sweeper = [&](int who) {
            Database::Options options;
            options.busyTimeoutMs = 20'000;
            auto db = Database::open(url, options);
            sync.arrive_and_wait();
            if (!db) {
                failures[who] = db.error().message;
                return;
            }
            auto r = LockStore(**db).expireStale();
            if (r)
                results[who] = *r;
            else
                failures[who] = r.error().message;
        };
        std::thread first(sweeper, 0), second(sweeper, 1);
        first.join();
        second.join();
        QVERIFY2(failures[0].isEmpty() && failures[1].isEmpty(), qPrintable(failures[0] + QLatin1Char(' ') + failures[1]));
        QCOMPARE(results[0].locks.size() + results[1].locks.size(), 2 * kRuns);
        QList<qint64> crashed = results[0].crashedRunIds + results[1].crashedRunIds;
        std::sort(crashed.begin(), crashed.end());
        QCOMPARE(crashed, runIds);   // every run crashed exactly once
        QCOMPARE(allLocks(), 0);
        for (qint64 r : std::as_const(runIds))
            QCOMPARE(runStatus(r), QStringLiteral("crashed"));
    }

    void liveHoldersAreTheUnexpiredLocksAmongTheTasks()
    {
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org), t3 = addOrgTask(m_org), t4 = addOrgTask(m_org);
        const qint64 p1 = addPipeline(m_org, QStringLiteral("nightly")), p2 = addPipeline(m_org, QStringLiteral("hourly"));
        const qint64 r1 = addRun(m_org, p1), r2 = addRun(m_org, p2), r3 = addRun(m_org, p2);
        LockStore locks(*m_db);
        QVERIFY(locks.acquire(r1, p1, {t1}, QStringLiteral("alice")).has_value());
        auto shortLease = locks.acquire(r2, p2, {t2}, QStringLiteral("bob"), std::nullopt, 50);
        QVERIFY2(shortLease.has_value(), qPrintable(why(shortLease)));
        auto released = locks.acquire(r3, p2, {t4}, QStringLiteral("carol"));
        QVERIFY2(released.has_value(), qPrintable(why(released)));
        QVERIFY(locks.release(r3, released->fence).has_value());
        QTRY_VERIFY_WITH_TIMEOUT(dbClockPast(shortLease->leaseExpiresAt), 5000);

        auto held = locks.liveHolders({t4, t3, t2, t1, t1});
        QVERIFY2(held.has_value(), qPrintable(why(held)));
        QCOMPARE(held->size(), 1);   // t2's lease ran out, t3 was never locked, t4 was given back
        QCOMPARE(held->first().orgTaskId, t1);
        QCOMPARE(held->first().runId, r1);
        QCOMPARE(held->first().lockedBy, QStringLiteral("alice"));
        QCOMPARE(held->first().pipelineName, QStringLiteral("nightly"));
        QVERIFY(held->first().leaseRemainingMs > 0);
        auto none = locks.liveHolders({t3, t4});
        QVERIFY2(none.has_value(), qPrintable(why(none)));
        QVERIFY(none->isEmpty());
        QVERIFY(locks.liveHolders({})->isEmpty());

        // A given-back lock keeps its row (free, with its last fence): the next holder's fence is higher.
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT fence FROM task_lock WHERE org_task_id = ? AND run_id IS NULL"), {t4})->toLongLong(),
                 released->fence);
        auto again = locks.acquire(r3, p2, {t4}, QStringLiteral("carol"));
        QVERIFY2(again.has_value(), qPrintable(why(again)));
        QVERIFY(again->fence > released->fence);
    }

    void statusIsDerived()
    {
        const qint64 t1 = addOrgTask(m_org), t2 = addOrgTask(m_org), t3 = addOrgTask(m_org), free = addOrgTask(m_org);
        const qint64 t4 = addOrgTask(m_otherOrg);
        const qint64 p1 = addPipeline(m_org, QStringLiteral("nightly")), p2 = addPipeline(m_org, QStringLiteral("hourly"));
        const qint64 p3 = addPipeline(m_otherOrg, QStringLiteral("elsewhere"));
        const qint64 r1 = addRun(m_org, p1, QStringLiteral("queued")), r2 = addRun(m_org, p2, QStringLiteral("running"));
        const qint64 r3 = addRun(m_org, 0, QStringLiteral("running")), r4 = addRun(m_otherOrg, p3, QStringLiteral("running"));
        LockStore locks(*m_db);
        QVERIFY(locks.acquire(r1, p1, {t1}, QStringLiteral("scheduler@a")).has_value());
        QVERIFY(locks.acquire(r2, p2, {t2}, QStringLiteral("bob")).has_value());
        QVERIFY(locks.acquire(r3, std::nullopt, {t3}, QStringLiteral("carol")).has_value());
        QVERIFY(locks.acquire(r4, p3, {t4}, QStringLiteral("dave")).has_value());

        auto all = locks.status(m_org);
        QVERIFY(all.has_value());
        QCOMPARE(all->size(), 3);   // `free` and the other org's task are not listed
        using S = TaskLockStatus::State;
        QCOMPARE(all->at(0).orgTaskId, t1);
        QCOMPARE(all->at(0).state, S::Queued);
        QCOMPARE(all->at(0).lockedBy, QStringLiteral("scheduler@a"));
        QCOMPARE(all->at(0).pipelineName, QStringLiteral("nightly"));
        QCOMPARE(all->at(0).runUuid, runUuid(r1));
        QVERIFY(all->at(0).lockedAt > 0);
        QVERIFY(all->at(0).leaseRemainingMs > 0 && all->at(0).leaseRemainingMs <= kDefaultLeaseMs);
        QCOMPARE(all->at(1).orgTaskId, t2);
        QCOMPARE(all->at(1).state, S::Running);
        QCOMPARE(all->at(2).orgTaskId, t3);
        QCOMPARE(all->at(2).state, S::Running);
        QCOMPARE(all->at(2).pipelineId, 0);
        for (const TaskLockStatus &s : *all)
            QVERIFY(s.orgTaskId != free);

        // Seen from pipeline p1: its own queued run stays queued, the others' locks show as `locked`.
        auto fromP1 = locks.status(m_org, p1);
        QVERIFY(fromP1.has_value());
        QCOMPARE(fromP1->at(0).state, S::Queued);
        QCOMPARE(fromP1->at(1).state, S::Locked);
        QCOMPARE(fromP1->at(1).lockedBy, QStringLiteral("bob"));
        QCOMPARE(fromP1->at(2).state, S::Locked);
        QCOMPARE(TaskLockStatus::stateName(S::Locked), QStringLiteral("locked"));

        // A lock whose run already ended (holder has not released yet) is `locked`, not running.
        QVERIFY(m_db->exec(QStringLiteral("UPDATE run SET status = 'successful' WHERE id = ?"), {r2}).has_value());
        auto ended = locks.status(m_org);
        QCOMPARE(ended->at(1).state, S::Locked);

        auto everyOrg = locks.status();
        QVERIFY(everyOrg.has_value());
        QCOMPARE(everyOrg->size(), 4);
        QCOMPARE(everyOrg->last().orgTaskId, t4);
    }
};

QTEST_GUILESS_MAIN(tst_LockStore)
#include "tst_lockstore.moc"
