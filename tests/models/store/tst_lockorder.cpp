// Lock order under concurrency, on a real database of each backend: an interleaving that used to
// deadlock on PostgreSQL, forced step by step; what a transaction that loses to another does; and a
// bounded hammer of the statements runs and agents make, from several connections at once.
//
// The forced interleaving: connections run on threads of their own, and the test moves on only once a
// connection is seen waiting for a lock (pg_stat_activity), so every run of the test takes the same
// path through the locks. On SQLite (one writer at a time) the same steps run; there is no row lock to
// wait for, and the outcome must be the same.
#include "storefixture.h"
#include "testhelpers.h"
#include "pipelineseed.h"

#include "store/agentstore.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/runholder.h"
#include "store/runstore.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <QThread>

#include <atomic>
#include <latch>
#include <mutex>
#include <thread>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

// A connection of its own on a thread of its own, running one job; `pid` is its server process
// (PostgreSQL; 0 on SQLite) once `ready` has counted down.
struct Stepper
{
    std::thread thread;
    std::atomic<qint64> pid{0};
    std::latch ready{1};
    std::atomic<quint64> retries{0};

    void start(const DbUrl &url, std::function<void(Database &)> job)
    {
        thread = std::thread([this, url, job = std::move(job)] {
            Database::Options options;
            options.busyTimeoutMs = 30'000;
            auto db = Database::open(url, options);
            if (!db) {
                qWarning() << "stepper:" << db.error().message;
                ready.count_down();
                return;
            }
            if (!(*db)->dialect().isSqlite())
                if (auto p = (*db)->scalar(QStringLiteral("SELECT pg_backend_pid()")); p)
                    pid = p->toLongLong();
            ready.count_down();
            job(**db);
            retries = (*db)->transientRetries();
        });
    }
    void join()
    {
        if (thread.joinable())
            thread.join();
    }
};

} // namespace

class tst_LockOrder : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org = 0;

    bool isPostgres() const { return !m_db->dialect().isSqlite(); }

    // Whether the server process `pid` waits for a lock now (always true on SQLite: nothing to see).
    bool waitsForLock(qint64 pid)
    {
        if (!isPostgres())
            return true;
        auto v = m_db->scalar(QStringLiteral("SELECT wait_event_type FROM pg_stat_activity WHERE pid = ?"), {pid});
        return v && v->toString() == QLatin1String("Lock");
    }

    qint64 newRun(const OrgTask &task)
    {
        NewRun r;
        r.orgId = m_org;
        r.orgTaskId = task.id;
        r.pipelineName = QStringLiteral("single");
        r.requestedBy = QStringLiteral("tester");
        auto id = RunStore(*m_db).createRun(r, {{task.id, task.slug, 0}});
        if (!id)
            qWarning() << "run:" << id.error().message;
        return id.value_or(0);
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
    }

    void cleanup() { m_db.reset(); }

    void aTakeThatWaitedAndFailedHoldsNothing()
    {
        // t0's lease L was taken and given back before. Then, in this order:
        //   Y takes L (one statement) inside a transaction it keeps open;
        //   X, starting a run of t0 (take + mark running, one transaction), waits for L behind Y;
        //   Z, starting a run of {t0, t1} (a new combination: the slow path), locks t0 and t1, then waits for L;
        //   Y commits.
        // X's take then finds L held and takes nothing. PostgreSQL had left X holding L's row all the same
        // (READ COMMITTED rechecks under a lock), and X went on to lock t0 — held by Z, who waits for L: a
        // deadlock, one of them aborted after a second. Now X's failed take holds nothing: both are refused,
        // naming Y's run, without a deadlock or a retry.
        const QString actor = QStringLiteral("tester");
        const OrgTask t0 = test::seedShellTask(*m_db, m_org, QStringLiteral("true"), actor);
        const OrgTask t1 = test::seedShellTask(*m_db, m_org, QStringLiteral("true"), actor);
        QVERIFY(t0.id > 0 && t1.id > 0);
        {
            LockStore locks(*m_db);
            const qint64 before = newRun(t0);
            auto g = locks.acquire(before, std::nullopt, {t0.id}, QStringLiteral("earlier"));
            QVERIFY2(g.has_value(), qPrintable(why(g)));
            QVERIFY(locks.release(before, g->fence).has_value());
        }
        const qint64 runY = newRun(t0), runX = newRun(t0), runZ = newRun(t0);
        const DbUrl url = m_db->url();

        std::latch yHolds(1), yMayCommit(1);
        Result<LockGrant> y = fail(Error::internal(QStringLiteral("not run")));
        Result<void> x = fail(Error::internal(QStringLiteral("not run")));
        Result<LockGrant> z = fail(Error::internal(QStringLiteral("not run")));
        Stepper Y, X, Z;
        Y.start(url, [&](Database &db) {
            y = db.write([&]() -> Result<LockGrant> {
                auto g = LockStore(db).acquire(runY, std::nullopt, {t0.id}, QStringLiteral("holder-y"));
                yHolds.count_down();
                yMayCommit.wait();
                return g;
            });
        });
        yHolds.wait();
        X.start(url, [&](Database &db) {
            x = db.write([&]() -> Result<void> {
                auto g = LockStore(db).acquire(runX, std::nullopt, {t0.id}, QStringLiteral("holder-x"));
                if (!g)
                    return fail(g.error());
                return RunHolder(db, runX, g->fence).markRunning();
            });
        });
        X.ready.wait();
        QTRY_VERIFY_WITH_TIMEOUT(waitsForLock(X.pid), 10'000);
        Z.start(url, [&](Database &db) {
            z = db.write([&]() -> Result<LockGrant> {
                return LockStore(db).acquire(runZ, std::nullopt, {t0.id, t1.id}, QStringLiteral("holder-z"));
            });
        });
        Z.ready.wait();
        QTRY_VERIFY_WITH_TIMEOUT(waitsForLock(Z.pid), 10'000);
        yMayCommit.count_down();
        Y.join();
        X.join();
        Z.join();

        QVERIFY2(y.has_value(), qPrintable(why(y)));
        QVERIFY2(!x.has_value() && x.error().kind == Error::Kind::Conflict, qPrintable(x ? QStringLiteral("X took the locks") : x.error().message));
        QVERIFY2(!z.has_value() && z.error().kind == Error::Kind::Conflict, qPrintable(z ? QStringLiteral("Z took the locks") : z.error().message));
        test::verifyMentions(x.error().message, {QStringLiteral("holder-y")});
        test::verifyMentions(z.error().message, {QStringLiteral("holder-y")});
        QCOMPARE(X.retries.load(), quint64(0));
        QCOMPARE(Z.retries.load(), quint64(0));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runX})->toString(), QStringLiteral("queued"));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id = ?"), {runY})->toLongLong(), 1);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id IN (?, ?)"), {runX, runZ})->toLongLong(), 0);
    }

    void aTransactionThatLostADeadlockRunsAgain()
    {
        // Two transactions update two rows in opposite orders, each pausing after its first row until the
        // other has locked its own: on PostgreSQL one of them is chosen to fail (deadlock detected), and
        // write() runs it again from the start; both end committed, each change made exactly once.
        QVERIFY(m_db->exec(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('b', 'B', 0, 0)")).has_value());
        const qint64 a = m_org;
        const qint64 b = m_db->scalar(QStringLiteral("SELECT id FROM org WHERE slug = 'b'"))->toLongLong();
        const auto stamp = [&](qint64 id) { return m_db->scalar(QStringLiteral("SELECT updated_at FROM org WHERE id = ?"), {id})->toLongLong(); };
        const qint64 aBefore = stamp(a), bBefore = stamp(b);
        const DbUrl url = m_db->url();
        // PostgreSQL: each pauses after its first row until both hold one. SQLite: one writer at a time,
        // so the second waits for the first to commit — nothing to pause for, nothing deadlocks.
        const bool meet = isPostgres();
        std::latch firstRows(2);
        std::atomic<int> bodies{0};
        Result<void> results[2] = {fail(Error::internal(QStringLiteral("not run"))), fail(Error::internal(QStringLiteral("not run")))};
        Stepper one, two;
        auto job = [&](int who, qint64 first, qint64 second) {
            return [&, who, first, second](Database &db) {
                bool paused = false;
                results[who] = db.write([&]() -> Result<void> {
                    ++bodies;
                    const QString bump = QStringLiteral("UPDATE org SET updated_at = updated_at + 1 WHERE id = ?");
                    if (auto r = db.exec(bump, {first}); !r)
                        return fail(r.error());
                    if (meet && !std::exchange(paused, true))
                        firstRows.arrive_and_wait();
                    if (auto r = db.exec(bump, {second}); !r)
                        return fail(r.error());
                    return {};
                });
            };
        };
        one.start(url, job(0, a, b));
        if (!meet)
            one.join();
        two.start(url, job(1, b, a));
        one.join();
        two.join();
        QVERIFY2(results[0].has_value(), qPrintable(why(results[0])));
        QVERIFY2(results[1].has_value(), qPrintable(why(results[1])));
        // PostgreSQL: at least one deadlock, each lost try run again. Under load the loser's retry can take
        // its first row again before the winner's backend wakes for it, and the two meet once more (seen in
        // CI: try 3 of 5): the number of retries is the scheduler's, that every retry ran the body once
        // more and every change landed exactly once is the contract.
        const quint64 retries = one.retries.load() + two.retries.load();
        if (meet)
            QVERIFY2(retries >= 1, "the deadlock was lost by one transaction and run again");
        else
            QCOMPARE(retries, quint64(0));
        QCOMPARE(quint64(bodies.load()), 2 + retries);
        QCOMPARE(stamp(a), aBefore + 2);
        QCOMPARE(stamp(b), bBefore + 2);
    }

    void anAbortedTransactionNeverCommits()
    {
        // A body that goes on after a failed statement (here: a duplicate slug) and returns a value. On
        // PostgreSQL the server has aborted the transaction: write() says so with the first failure and
        // nothing of it is kept. SQLite keeps its transaction after a failed statement: the rest commits.
        const QString insert = QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES (?, ?, 0, 0)");
        auto r = m_db->write([&]() -> Result<int> {
            [[maybe_unused]] auto dup = m_db->exec(insert, {QStringLiteral("acme"), QStringLiteral("again")});
            [[maybe_unused]] auto other = m_db->exec(insert, {QStringLiteral("fresh"), QStringLiteral("Fresh")});
            return 7;
        });
        const qint64 fresh = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM org WHERE slug = 'fresh'"))->toLongLong();
        if (isPostgres()) {
            QVERIFY2(!r.has_value(), "an aborted transaction was reported committed");
            QCOMPARE(r.error().kind, Error::Kind::Conflict);   // the first failure: the duplicate
            QCOMPARE(fresh, 0);
        } else {
            QVERIFY2(r.has_value(), qPrintable(why(r)));
            QCOMPARE(*r, 7);
            QCOMPARE(fresh, 1);
        }
        // The connection is usable at once.
        QVERIFY(m_db->write([&]() -> Result<void> {
            if (auto q = m_db->exec(insert, {QStringLiteral("next"), QStringLiteral("Next")}); !q)
                return fail(q.error());
            return {};
        }).has_value());
    }

    void hammer()
    {
        // Six connections act as agents for kSeconds: claim a slot or a queued run, take its locks and mark
        // it running, write task runs and log lines under the fence, now and then stall past the lease, then
        // finish and give the locks back; every pass sweeps expired leases. Pipelines share tasks (so locks
        // move between leases) and single-task runs cut across them. No transaction may deadlock (none is
        // retried), no statement may fail but for the refusals of held locks and lost leases, and every run
        // ends in a final status.
        const int seconds = qEnvironmentVariableIntValue("SLUICE_HAMMER_S") > 0 ? qEnvironmentVariableIntValue("SLUICE_HAMMER_S") : 10;
        const QString actor = QStringLiteral("tester");
        QList<OrgTask> tasks;
        for (int i = 0; i < 4; ++i)
            tasks.append(test::seedShellTask(*m_db, m_org, QStringLiteral("true"), actor));
        const QList<Pipeline> pipes = {
            test::seedPipeline(*m_db, m_org, QStringLiteral("p0"), {tasks[0]}, actor),
            test::seedPipeline(*m_db, m_org, QStringLiteral("p1"), {tasks[0], tasks[1]}, actor),
            test::seedPipeline(*m_db, m_org, QStringLiteral("p2"), {tasks[1], tasks[2]}, actor),
            test::seedPipeline(*m_db, m_org, QStringLiteral("p3"), {tasks[2], tasks[3]}, actor),
        };
        for (const Pipeline &p : pipes)
            QVERIFY(!p.uuid.isEmpty());
        constexpr qint64 kLeaseMs = 300;
        const DbUrl url = m_db->url();
        std::atomic<int> finished{0};
        std::atomic<qint64> slot{1};
        std::mutex problemsMutex;
        QStringList problems;
        std::vector<std::unique_ptr<Stepper>> workers;
        for (int w = 0; w < 6; ++w) {
            workers.push_back(std::make_unique<Stepper>());
            workers.back()->start(url, [&, w](Database &db) {
                const auto problem = [&](const Error &e, const char *where) {
                    std::lock_guard lock(problemsMutex);
                    problems.append(QStringLiteral("%1: %2").arg(QLatin1String(where), e.message));
                };
                // Refusals the code expects: a lock held by another run, a lease lost (or a slot taken).
                const auto expected = [](const Error &e) { return e.kind == Error::Kind::Conflict || e.kind == Error::Kind::LeaseLost; };
                AgentStore agents(db);
                auto me = agents.registerAgent({{}, QStringLiteral("host-%1").arg(w), w + 1, QStringLiteral("1"), {}});
                if (!me)
                    return problem(me.error(), "register");
                RunStore runs(db);
                LockStore locks(db);
                auto *rng = QRandomGenerator::global();
                QElapsedTimer clock;
                clock.start();
                while (clock.elapsed() < seconds * 1000) {
                    if (auto e = locks.expireStale(); !e)
                        problem(e.error(), "expire");
                    NewRun nr;
                    nr.orgId = m_org;
                    nr.requestedBy = QStringLiteral("scheduler@host-%1").arg(w);
                    nr.dispatch = QStringLiteral("agent");
                    QList<RunTaskPlan> plan;
                    if (rng->bounded(5) == 0) {
                        const OrgTask &t = tasks[rng->bounded(int(tasks.size()))];
                        nr.orgTaskId = t.id;
                        nr.pipelineName = t.slug;
                        plan.append({t.id, t.slug, 0});
                    } else {
                        const Pipeline &p = pipes[rng->bounded(int(pipes.size()))];
                        nr.pipelineId = p.id;
                        nr.pipelineName = p.name;
                        nr.trigger = QStringLiteral("scheduled");
                        nr.scheduledFor = slot++ / 3 * 60'000;   // about three agents per slot: the slot key decides
                        for (const PipelineStep &s : p.steps)
                            plan.append({s.task.id, s.task.slug, s.seq});
                    }
                    qint64 runId = 0;
                    if (rng->bounded(3) == 0) {
                        if (auto c = runs.createRun(nr, plan); !c && !expected(c.error()))
                            problem(c.error(), "queue");
                        auto claimed = runs.claimQueuedRun(me->id, {});
                        if (!claimed) {
                            problem(claimed.error(), "claim");
                            continue;
                        }
                        if (!claimed->has_value())
                            continue;
                        runId = **claimed;
                    } else {
                        nr.agentId = me->id;
                        auto c = runs.createRun(nr, plan);
                        if (!c) {
                            if (!expected(c.error()))
                                problem(c.error(), "claim slot");
                            continue;
                        }
                        runId = *c;
                    }
                    auto record = runs.run(runId);
                    if (!record) {
                        problem(record.error(), "read");
                        continue;
                    }
                    QList<qint64> ids;
                    for (const TaskRunRecord &t : record->tasks)
                        ids.append(t.orgTaskId);
                    const std::optional<qint64> pipelineId = record->run.pipelineId > 0 ? std::optional(record->run.pipelineId) : std::nullopt;
                    Result<LockGrant> grant = fail(Error::internal(QStringLiteral("no locks")));
                    auto running = db.write([&]() -> Result<void> {
                        grant = locks.acquire(runId, pipelineId, ids, nr.requestedBy, me->id, kLeaseMs);
                        if (!grant)
                            return fail(grant.error());
                        return RunHolder(db, runId, grant->fence).markRunning(me->id);
                    });
                    if (!running) {
                        if (!expected(running.error()))
                            problem(running.error(), "take locks");
                        if (auto u = runs.unclaim(runId, me->id); !u && !expected(u.error()))
                            problem(u.error(), "give back");
                        continue;
                    }
                    RunHolder holder(db, runId, grant->fence);
                    const qint64 fence = grant->fence;
                    bool lost = false;
                    const auto step = [&](Result<void> r, const char *where) {
                        if (!r) {
                            if (r.error().kind != Error::Kind::LeaseLost)
                                problem(r.error(), where);
                            lost = true;
                        }
                        return !lost;
                    };
                    for (const TaskRunRecord &t : record->tasks) {
                        if (!step(holder.startTaskRun(t.id), "start task"))
                            break;
                        for (int line = 0; line < 3 && !lost; ++line) {
                            step(holder.appendLog(t.id, line, {QStringLiteral("line %1").arg(line)}), "log");
                            if (rng->bounded(4) == 0)
                                if (auto r = locks.renew(runId, fence, kLeaseMs); !r && r.error().kind != Error::Kind::LeaseLost)
                                    problem(r.error(), "renew");
                            if (rng->bounded(40) == 0)
                                QThread::msleep(rng->bounded(2 * int(kLeaseMs)));   // a stall, sometimes past the lease
                        }
                        TaskRunResult done;
                        done.status = TaskRunStatus::Successful;
                        if (!lost && !step(holder.finishTaskRun(t.id, done), "finish task"))
                            break;
                    }
                    if (lost)
                        continue;   // whoever expired the lease has crashed the run
                    auto end = db.write([&]() -> Result<void> {
                        if (auto f = holder.finishRun(RunStatus::Successful); !f)
                            return f;
                        return locks.release(runId, fence);
                    });
                    if (end)
                        ++finished;
                    else if (end.error().kind != Error::Kind::LeaseLost)
                        problem(end.error(), "finish");
                }
            });
        }
        quint64 retries = 0;
        for (auto &w : workers) {
            w->join();
            retries += w->retries.load();
        }
        // Leases left by stalled holders expire; queued runs nobody claimed are cancelled.
        QTRY_VERIFY_WITH_TIMEOUT(LockStore(*m_db).expireStale().has_value()
                                     && m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE status = 'running'"))->toLongLong() == 0,
                                 10'000);
        qInfo() << finished.load() << "runs finished in" << seconds << "s by 6 connections;" << retries << "transactions retried";
        QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 10).join(QLatin1Char('\n'))));
        QCOMPARE(retries, quint64(0));
        QVERIFY(finished.load() > 0);
        // Every task run of a finished run is final too.
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_run t JOIN run r ON r.id = t.run_id "
                                             "WHERE r.status NOT IN ('queued', 'running') AND t.status IN ('queued', 'running')"))->toLongLong(),
                 0);
    }
};

QTEST_GUILESS_MAIN(tst_LockOrder)
#include "tst_lockorder.moc"
