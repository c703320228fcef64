#pragma once

#include "core/error.h"
#include "domain/status.h"

#include <QList>
#include <QString>
#include <QVariantList>

#include <optional>

namespace sluice {

class Database;

// The default lease of a lock: a holder renews every lease/3.
inline constexpr qint64 kDefaultLeaseMs = 30'000;

// What acquire() hands the holder: one fence number for all the run's locks. The fence is larger
// than any fence ever handed out for any of those org tasks, across release and re-acquire.
struct LockGrant
{
    qint64 runId = 0;
    qint64 fence = 0;
    QList<qint64> orgTaskIds;       // ascending
    qint64 leaseExpiresAt = 0;      // database clock, UTC epoch ms
};

// One lock freed by expireStale() (or taken over by acquire() because its lease had expired).
struct FreedLock
{
    qint64 orgTaskId = 0;
    qint64 runId = 0;
    QString lockedBy;
    qint64 fence = 0;
    qint64 leaseExpiredAt = 0;
};

struct ExpiredLocks
{
    QList<FreedLock> locks;
    QList<qint64> crashedRunIds;    // runs this call moved from queued/running to crashed
};

// The derived status of one org task that is held (never stored). Tasks nobody holds are not listed.
struct TaskLockStatus
{
    enum class State { Queued, Running, Locked };

    qint64 orgTaskId = 0;
    QString orgTaskUuid;
    QString taskSlug;
    qint64 orgId = 0;
    State state = State::Locked;
    qint64 runId = 0;
    QString runUuid;
    RunStatus runStatus = RunStatus::Queued;
    qint64 pipelineId = 0;          // 0: a single-task run, or the pipeline was deleted
    QString pipelineName;
    QString lockedBy;
    qint64 holderAgentId = 0;
    qint64 fence = 0;
    qint64 lockedAt = 0;            // since when, UTC epoch ms
    qint64 leaseExpiresAt = 0;
    qint64 leaseRemainingMs = 0;    // lease_expires_at - database now; <= 0 once expired

    [[nodiscard]] static QString stateName(State s);
};

// The lease locks of runs on org tasks (DESIGN.md §1 "Locks"), with fencing. Every lease is judged by
// the database's clock, never the caller's. All methods are synchronous statements on the caller's
// connection; every method that writes runs as one write transaction (joining the caller's, if one is open).
// Storage (migration 7): the tasks a run locks together share one lock_lease row (holder, fence, expiry);
// each task's lock_task row points to its lease; the view task_lock shows one lock row per org task.
// Taking the locks of a set locked the same way as last time writes only the lease row (one statement),
// giving them back clears its expiry (one statement); tasks move to a new lease when they are locked in
// another combination (the slow path, one transaction).
// Safe to use from several processes / connections on one database at once: on PostgreSQL the common
// path updates the one lease row (a concurrent change of its set changes that row too, so the update
// re-checks it), the slow path row-locks the tasks in org task id order and then their leases, and
// expireStale() uses FOR UPDATE SKIP LOCKED; on SQLite one writer at a time.
// Row locks (PostgreSQL) are taken in one order by every transaction, so that no two can wait for each
// other: lock_task rows (by org task id), then lock_lease rows (by id), then run rows, then task_run
// rows. A take that fails inside the caller's transaction gives back the lease row it may have locked
// (a savepoint) before the slow path locks tasks. A transaction that loses a deadlock all the same is
// run again by Database::write().
// The invariant that makes the one-statement path safe: no statement adds a task to an existing lease
// (a set that changes gets a new lease), and every statement that takes a task out of a lease rewrites
// that lease's row (task_count) — so a concurrent take of the old set re-checks the row and fails.
class LockStore
{
public:
    explicit LockStore(Database &db);

    // Locks every org task in `orgTaskIds` for `runId`, all or none. A task held by an unexpired lease
    // gives Error::Conflict naming the holder (locked_by, pipeline, run) and since when, and nothing is
    // locked. A task whose lease has expired is taken over: its run is marked crashed first, exactly
    // as expireStale() would. An empty list, or leaseMs <= 0, is Error::Invalid.
    [[nodiscard]] Result<LockGrant> acquire(qint64 runId, std::optional<qint64> pipelineId, QList<qint64> orgTaskIds,
                                            const QString &lockedBy, std::optional<qint64> holderAgentId = {},
                                            qint64 leaseMs = kDefaultLeaseMs);

    // Extends all the run's locks to database now + leaseMs and returns the new expiry. Error::LeaseLost
    // ("lease lost") when the run holds no unexpired lock with this fence any more.
    [[nodiscard]] Result<qint64> renew(qint64 runId, qint64 fence, qint64 leaseMs = kDefaultLeaseMs);

    // Frees the run's locks with this fence. Error::LeaseLost when there is none (lost, or already released).
    [[nodiscard]] Result<void> release(qint64 runId, qint64 fence);

    // Frees every lock whose lease has expired by the database clock: the holder's run (if still queued
    // or running) becomes `crashed` with a status_reason saying the holder stopped renewing, and its
    // queued/running task runs become `crashed`. Locks another caller is freeing at that moment are left
    // to it (PostgreSQL: SKIP LOCKED), so concurrent callers never free a lock twice.
    [[nodiscard]] Result<ExpiredLocks> expireStale();

    // Succeeds only while the run holds an unexpired lease with this fence; else Error::LeaseLost
    // ("lease lost"). Inside the caller's transaction it also keeps the lock from being expired by
    // others until that transaction ends (PostgreSQL: FOR SHARE; SQLite: the write lock).
    [[nodiscard]] Result<void> checkFence(qint64 runId, qint64 fence);

    // The derived status of every held org task (of one org, or of all), ordered by org then org task
    // id: `queued` when the holding run is queued, `running` when it is running; `locked` when
    // `viewerPipelineId` is given and the holder is another pipeline's run (or a single-task run), or
    // the holder's run is no longer queued/running but still holds the lock.
    [[nodiscard]] Result<QList<TaskLockStatus>> status(std::optional<qint64> orgId = {},
                                                       std::optional<qint64> viewerPipelineId = {});
    // The status of those of `orgTaskIds` held under a lease that has not expired (an expired one is
    // free to take over), ordered by org task id; empty when none is held.
    [[nodiscard]] Result<QList<TaskLockStatus>> liveHolders(const QList<qint64> &orgTaskIds);

private:
    Result<QList<TaskLockStatus>> select(const QString &where, const QVariantList &values, std::optional<qint64> viewerPipelineId);

    Database &m_db;
};

} // namespace sluice
