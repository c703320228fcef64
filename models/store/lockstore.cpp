#include "lockstore.h"

#include "store/database.h"

#include <QDateTime>
#include <QHash>

#include <algorithm>

namespace sluice {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// "1, 2, 3": ids written into a statement's text rather than bound. Numbers only, so nothing can be
// injected; the statement then stays one kept prepared statement per set of tasks (per pipeline), and
// binding costs Qt a string per value, more than the statement's own work on a 20-task pipeline.
QString idList(const QList<qint64> &ids)
{
    QString out;
    out.reserve(ids.size() * 8);
    for (qint64 id : ids) {
        if (!out.isEmpty())
            out += QLatin1String(", ");
        out += QString::number(id);
    }
    return out;
}

Error leaseLost(qint64 runId, qint64 fence)
{
    return Error::leaseLost(QStringLiteral("lease lost: run %1 no longer holds its locks with fence %2 (the lease expired "
                                          "or another run took the tasks over); stop and do not write anything more for it")
                               .arg(runId)
                               .arg(fence));
}

// A held lease whose time is up, about to be freed (held: it has a run; a deleted run's lease is free).
struct ExpiredLease
{
    qint64 leaseId = 0;
    qint64 runId = 0;
    QString lockedBy;
    qint64 fence = 0;
    qint64 expiredAt = 0;
};

// The lease a set of tasks was last taken with, per connection thread: lets acquire() take the same set
// again in one statement that returns nothing (it states the lease's fence it expects). A stale entry
// is harmless: that statement checks everything it assumes, and acquire() falls back when it changes
// no row. Keyed by database (address) and the set's id text; a handful of sets per process.
struct KnownLease
{
    qint64 leaseId = 0;
    qint64 fence = 0;
    QString takeSql;        // takes this lease again, stating the fence it expects (see acquire())
};
using KnownKey = std::pair<quintptr, QString>;
thread_local QHash<KnownKey, KnownLease> t_knownLeases;

// The tasks of a lease are exactly the requested ones: the first of them belongs to it, it holds as many
// as requested (a set only shrinks, and task_count says when it has), and all of them belong to it.
QString sameSetCondition(const QList<qint64> &orgTaskIds, const QString &idText, const QString &leaseId)
{
    QString sql = QStringLiteral("task_count = %1 AND (SELECT lease_id FROM lock_task WHERE org_task_id = %2) = %3")
                      .arg(orgTaskIds.size())
                      .arg(orgTaskIds.first())
                      .arg(leaseId);
    if (orgTaskIds.size() > 1)
        sql += QStringLiteral(" AND (SELECT COUNT(*) FROM lock_task WHERE org_task_id IN (%1) AND lease_id = %2) = %3")
                   .arg(idText, leaseId)
                   .arg(orgTaskIds.size());
    return sql;
}

// The lease's free: no expiry, or its run is gone.
const QString kLeaseFree = QStringLiteral("(lease_expires_at IS NULL OR run_id IS NULL)");

void remember(const Database &db, const QList<qint64> &orgTaskIds, const QString &idText, qint64 leaseId, qint64 fence)
{
    if (!db.dialect().clockIsLocal())
        return;   // the note saves the statement a round trip's worth of work only where the clock is local
    if (t_knownLeases.size() > 1000)
        t_knownLeases.clear();
    KnownLease &k = t_knownLeases[KnownKey{quintptr(&db), idText}];
    if (k.leaseId != leaseId || k.takeSql.isEmpty()) {
        k.leaseId = leaseId;
        k.takeSql = QStringLiteral("UPDATE lock_lease SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, fence = ?, "
                                   "lease_expires_at = ?, locked_at = ? WHERE id = %1 AND fence = ? AND %2 AND %3")
                        .arg(QString::number(leaseId), kLeaseFree, sameSetCondition(orgTaskIds, idText, QString::number(leaseId)));
    }
    k.fence = fence;
}

// Frees the given leases (already row-locked by the caller's transaction) and crashes their runs: runs
// still queued/running become `crashed`, and so do their queued/running task runs. Every task of a
// freed lease is reported in `out.locks`.
Result<void> freeExpired(Database &db, const QList<ExpiredLease> &expired, qint64 nowMs, ExpiredLocks &out)
{
    for (const ExpiredLease &e : expired) {
        auto n = db.change(QStringLiteral("UPDATE lock_lease SET lease_expires_at = NULL WHERE id = ? AND fence = ? "
                                          "AND lease_expires_at IS NOT NULL"),
                           {e.leaseId, e.fence});
        if (!n)
            return fail(n.error());
        if (*n == 0)
            continue;   // freed meanwhile
        auto tasks = db.exec(QStringLiteral("SELECT org_task_id FROM lock_task WHERE lease_id = ? ORDER BY org_task_id"), {e.leaseId});
        if (!tasks)
            return fail(tasks.error());
        while (tasks->next())
            out.locks.append({tasks->value(0).toLongLong(), e.runId, e.lockedBy, e.fence, e.expiredAt});
        tasks = {};
        const QString reason = QStringLiteral("the holder (%1) stopped renewing its lease; it expired at %2 by the database clock")
                                   .arg(e.lockedBy, isoTime(e.expiredAt));
        auto run = db.change(QStringLiteral("UPDATE run SET status = 'crashed', status_reason = ?, finished_at = ? "
                                            "WHERE id = ? AND status IN ('queued', 'running')"),
                             {reason, nowMs, e.runId});
        if (!run)
            return fail(run.error());
        if (*run > 0 && !out.crashedRunIds.contains(e.runId))
            out.crashedRunIds.append(e.runId);
        auto taskRuns = db.change(QStringLiteral("UPDATE task_run SET status = 'crashed', finished_at = COALESCE(finished_at, ?), "
                                                 "error_kind = COALESCE(error_kind, 'crashed') "
                                                 "WHERE run_id = ? AND status IN ('queued', 'running')"),
                                  {nowMs, e.runId});
        if (!taskRuns)
            return fail(taskRuns.error());
    }
    return {};
}

} // namespace

QString TaskLockStatus::stateName(State s)
{
    switch (s) {
    case State::Queued:
        return QStringLiteral("queued");
    case State::Running:
        return QStringLiteral("running");
    case State::Locked:
        break;
    }
    return QStringLiteral("locked");
}

LockStore::LockStore(Database &db) : m_db(db) {}

Result<LockGrant> LockStore::acquire(qint64 runId, std::optional<qint64> pipelineId, QList<qint64> orgTaskIds,
                                     const QString &lockedBy, std::optional<qint64> holderAgentId, qint64 leaseMs)
{
    std::sort(orgTaskIds.begin(), orgTaskIds.end());
    orgTaskIds.erase(std::unique(orgTaskIds.begin(), orgTaskIds.end()), orgTaskIds.end());
    if (orgTaskIds.isEmpty())
        return fail(Error::invalid(QStringLiteral("run %1 has no org tasks to lock").arg(runId)));
    if (leaseMs <= 0)
        return fail(Error::invalid(QStringLiteral("a lease must be longer than 0 ms (got %1)").arg(leaseMs)));
    if (lockedBy.isEmpty())
        return fail(Error::invalid(QStringLiteral("a lock needs a holder name (locked_by)")));

    const qsizetype count = orgTaskIds.size();
    const bool localClock = m_db.dialect().clockIsLocal();
    const QVariant pipeline = pipelineId ? QVariant(*pipelineId) : QVariant(QMetaType(QMetaType::LongLong));
    const QVariant agent = holderAgentId ? QVariant(*holderAgentId) : QVariant(QMetaType(QMetaType::LongLong));
    const QString idText = idList(orgTaskIds);
    LockGrant grant{runId, 0, orgTaskIds, 0};

    // The common case, one statement, atomic on its own: the tasks are locked together as last time,
    // so they all belong to one free lease that holds no other task; taking it writes that one row.
    // Expiry and lock time: the database clock (SQLite's is this machine's: bound, not computed twice).
    const qint64 clientNow = QDateTime::currentMSecsSinceEpoch();
    // SQLite, taken before by this thread: its fence is known, so nothing needs to come back (on
    // PostgreSQL the expiry is the server's: it comes back from the next statement anyway).
    if (localClock) {
        const auto known = t_knownLeases.find(KnownKey{quintptr(&m_db), idText});
        if (known != t_knownLeases.end()) {
            const qint64 fence = known->fence;
            auto took = m_db.change(known->takeSql, {runId, pipeline, lockedBy, agent, fence + 1, clientNow + leaseMs, clientNow, fence});
            if (!took)
                return fail(took.error());
            if (*took == 1) {
                grant.fence = fence + 1;
                grant.leaseExpiresAt = clientNow + leaseMs;
                // Remembered before the caller's transaction (if any) commits: after a rollback the entry
                // is stale, and the next take spends one statement that changes nothing, then goes on.
                known->fence = grant.fence;
                return grant;
            }
        }
    }
    const QString times = localClock ? QStringLiteral("lease_expires_at = ?, locked_at = ?")
                                 : QStringLiteral("lease_expires_at = %1 + ?, locked_at = %1").arg(m_db.dialect().nowMsExpr());
    QVariantList values{runId, pipeline, lockedBy, agent};
    if (localClock)
        values << clientNow + leaseMs << clientNow;
    else
        values << leaseMs;
    const QString first = QStringLiteral("(SELECT lease_id FROM lock_task WHERE org_task_id = %1)").arg(orgTaskIds.first());
    // Row locks (PostgreSQL): an UPDATE that waited for a concurrent change of its row and then found
    // that it no longer matches keeps the row locked (READ COMMITTED rechecks the newest version under a
    // lock) until the transaction ends. Inside the caller's transaction, a failed take would thus hold
    // the lease while the slow path below locks its tasks: leases before tasks, the reverse of the slow
    // path's order, and a deadlock with another acquirer. So a take inside a transaction runs in a
    // savepoint, rolled back with its locks when it took nothing.
    const bool savepoint = m_db.dialect().hasRowLocks() && m_db.inTransaction();
    if (savepoint) {
        if (auto s = m_db.exec(QStringLiteral("SAVEPOINT lease_take")); !s)
            return fail(s.error());
    }
    auto fast = m_db.fetch(QStringLiteral("UPDATE lock_lease SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, "
                                          "fence = fence + 1, %1 WHERE id = %2 AND %3 AND %4 RETURNING id, fence, lease_expires_at")
                               .arg(times, first, kLeaseFree, sameSetCondition(orgTaskIds, idText, QStringLiteral("lock_lease.id"))),
                           values);
    if (!fast)
        return fail(fast.error());
    if (savepoint && fast->isEmpty()) {
        if (auto s = m_db.exec(QStringLiteral("ROLLBACK TO SAVEPOINT lease_take")); !s)
            return fail(s.error());
    }
    if (!fast->isEmpty()) {
        grant.fence = fast->first().value(1).toLongLong();
        grant.leaseExpiresAt = fast->first().value(2).toLongLong();
        remember(m_db, orgTaskIds, idText, fast->first().value(0).toLongLong(), grant.fence);
        return grant;
    }

    // Otherwise: a task never locked yet, tasks locked in another combination before, one held —
    // refused naming every live holder — or one whose lease expired, taken over (its run crashed).
    return m_db.write([&]() -> Result<LockGrant> {
        if (auto rows = m_db.change(QStringLiteral("INSERT INTO lock_task (org_task_id, fence) SELECT id, 0 FROM org_task WHERE id IN (%1) "
                                                   "ON CONFLICT (org_task_id) DO NOTHING")
                                        .arg(idText));
            !rows)
            return fail(rows.error());
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        // The tasks first (row-locked in id order on PostgreSQL: competing acquirers serialise here),
        // then their leases, read again under a lock so that what is judged is current.
        QString sql = QStringLiteral("SELECT l.org_task_id, l.lease_id, l.fence, t.slug, ot.uuid FROM lock_task l "
                                     "JOIN org_task ot ON ot.id = l.org_task_id JOIN task t ON t.id = ot.task_id "
                                     "WHERE l.org_task_id IN (%1) ORDER BY l.org_task_id")
                          .arg(idText)
                      + m_db.dialect().rowLock(Dialect::RowLock::Update, QStringLiteral("l"));
        struct Member
        {
            qint64 orgTaskId = 0, leaseId = 0, fence = 0;
            QString slug, uuid;
        };
        QList<Member> members;
        {
            auto q = m_db.exec(sql);
            if (!q)
                return fail(q.error());
            while (q->next())
                members.append({q->value(0).toLongLong(), q->value(1).isNull() ? 0 : q->value(1).toLongLong(),
                                q->value(2).toLongLong(), q->value(3).toString(), q->value(4).toString()});
        }
        if (members.size() < count)
            return fail(Error::notFound(QStringLiteral("one of the org tasks %1 does not exist").arg(idText)));
        QList<qint64> leaseIds;
        for (const Member &m : std::as_const(members))
            if (m.leaseId && !leaseIds.contains(m.leaseId))
                leaseIds.append(m.leaseId);
        std::sort(leaseIds.begin(), leaseIds.end());
        struct Lease
        {
            qint64 runId = 0, fence = 0, expiresAt = 0, lockedAt = 0, taskCount = 0;
            bool held = false;
            QString lockedBy, runUuid, holder;
        };
        QHash<qint64, Lease> leases;
        if (!leaseIds.isEmpty()) {
            QString leaseSql = QStringLiteral("SELECT s.id, s.run_id, s.fence, s.lease_expires_at, s.locked_at, s.task_count, s.locked_by, "
                                              "r.uuid, COALESCE(p.name, r.pipeline_name) "
                                              "FROM lock_lease s LEFT JOIN run r ON r.id = s.run_id LEFT JOIN pipeline p ON p.id = s.pipeline_id "
                                              "WHERE s.id IN (%1) ORDER BY s.id")
                                   .arg(idList(leaseIds))
                                 + m_db.dialect().rowLock(Dialect::RowLock::Update, QStringLiteral("s"));
            auto q = m_db.exec(leaseSql);
            if (!q)
                return fail(q.error());
            while (q->next()) {
                Lease l;
                l.runId = q->value(1).isNull() ? 0 : q->value(1).toLongLong();
                l.fence = q->value(2).toLongLong();
                l.held = !q->value(3).isNull() && l.runId != 0;
                l.expiresAt = q->value(3).toLongLong();
                l.lockedAt = q->value(4).toLongLong();
                l.taskCount = q->value(5).toLongLong();
                l.lockedBy = q->value(6).toString();
                l.runUuid = q->value(7).toString();
                l.holder = q->value(8).isNull() ? QStringLiteral("a single-task run") : QStringLiteral("pipeline \"%1\"").arg(q->value(8).toString());
                leases.insert(q->value(0).toLongLong(), l);
            }
        }
        QStringList held;
        QList<ExpiredLease> expired;
        qint64 lastFence = 0;
        for (const Member &m : std::as_const(members)) {
            lastFence = std::max(lastFence, m.fence);
            const auto it = leases.constFind(m.leaseId);
            if (it == leases.cend())
                continue;
            lastFence = std::max(lastFence, it->fence);
            if (!it->held)
                continue;
            if (it->expiresAt <= *now) {
                if (std::none_of(expired.cbegin(), expired.cend(), [&](const ExpiredLease &e) { return e.leaseId == m.leaseId; }))
                    expired.append({m.leaseId, it->runId, it->lockedBy, it->fence, it->expiresAt});
                continue;
            }
            held.append(QStringLiteral("task %1 (%2) is locked by %3 for %4 (run %5) since %6")
                            .arg(m.slug, m.uuid, it->lockedBy, it->holder, it->runUuid, isoTime(it->lockedAt)));
        }
        if (!held.isEmpty())
            return fail(Error::conflict(QStringLiteral("%1; nothing was locked — wait for that run to finish or cancel it")
                                            .arg(held.join(QStringLiteral("; ")))));
        ExpiredLocks takenOver;
        if (auto f = freeExpired(m_db, expired, *now, takenOver); !f)
            return fail(f.error());
        grant.fence = lastFence + 1;
        grant.leaseExpiresAt = *now + leaseMs;
        const QVariantList holderValues{runId, pipeline, lockedBy, agent, grant.fence, grant.leaseExpiresAt, *now};
        // All of them in one lease that holds no other task: take it. Else a new lease for the set.
        const qint64 only = members.first().leaseId;
        const bool oneLease = only != 0 && leases.value(only).taskCount == count
            && std::all_of(members.cbegin(), members.cend(), [only](const Member &m) { return m.leaseId == only; });
        qint64 leaseId = only;
        if (oneLease) {
            auto taken = m_db.change(QStringLiteral("UPDATE lock_lease SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, "
                                                    "fence = ?, lease_expires_at = ?, locked_at = ? WHERE id = ?"),
                                     QVariantList(holderValues) << only);
            if (!taken)
                return fail(taken.error());
        } else {
            auto made = m_db.scalar(QStringLiteral("INSERT INTO lock_lease (run_id, pipeline_id, locked_by, holder_agent_id, fence, "
                                                   "lease_expires_at, locked_at, task_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                                    QVariantList(holderValues) << count);
            if (!made)
                return fail(made.error());
            leaseId = made->toLongLong();
            if (auto moved = m_db.change(QStringLiteral("UPDATE lock_task SET lease_id = ?, fence = ? WHERE org_task_id IN (%1)").arg(idText),
                                         {leaseId, grant.fence});
                !moved)
                return fail(moved.error());
            // The leases the tasks came from hold fewer tasks now; one left with none is gone.
            if (!leaseIds.isEmpty()) {
                const QString old = idList(leaseIds);
                if (auto recount = m_db.change(QStringLiteral("UPDATE lock_lease SET task_count = (SELECT COUNT(*) FROM lock_task "
                                                              "WHERE lock_task.lease_id = lock_lease.id) WHERE id IN (%1)")
                                                   .arg(old));
                    !recount)
                    return fail(recount.error());
                if (auto gone = m_db.change(QStringLiteral("DELETE FROM lock_lease WHERE id IN (%1) AND task_count = 0").arg(old)); !gone)
                    return fail(gone.error());
            }
        }
        remember(m_db, orgTaskIds, idText, leaseId, grant.fence);
        return grant;
    });
}

Result<qint64> LockStore::renew(qint64 runId, qint64 fence, qint64 leaseMs)
{
    if (leaseMs <= 0)
        return fail(Error::invalid(QStringLiteral("a lease must be longer than 0 ms (got %1)").arg(leaseMs)));
    // One statement, judged by the database clock: atomic on its own.
    const QString now = m_db.dialect().nowMsExpr();
    auto rows = m_db.fetch(QStringLiteral("UPDATE lock_lease SET lease_expires_at = %1 + ? "
                                          "WHERE run_id = ? AND fence = ? AND lease_expires_at > %1 RETURNING lease_expires_at")
                               .arg(now),
                           {leaseMs, runId, fence});
    if (!rows)
        return fail(rows.error());
    if (rows->isEmpty())
        return fail(leaseLost(runId, fence));
    return rows->first().value(0).toLongLong();
}

Result<void> LockStore::release(qint64 runId, qint64 fence)
{
    // One statement: atomic on its own, so no transaction of its own (it joins the caller's, if any).
    // The lease keeps its last holder (and fence); without an expiry it is free.
    auto n = m_db.change(QStringLiteral("UPDATE lock_lease SET lease_expires_at = NULL WHERE run_id = ? AND fence = ? "
                                        "AND lease_expires_at IS NOT NULL"),
                         {runId, fence});
    if (!n)
        return fail(n.error());
    if (*n <= 0)
        return fail(leaseLost(runId, fence));
    return {};
}

Result<ExpiredLocks> LockStore::expireStale()
{
    // The common case — no lease has expired — is one read, without taking the write lock.
    if (!m_db.inTransaction()) {
        auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM lock_lease WHERE lease_expires_at <= %1 AND run_id IS NOT NULL LIMIT 1")
                                   .arg(m_db.dialect().nowMsExpr()));
        if (!any)
            return fail(any.error());
        if (!any->isValid())
            return ExpiredLocks{};
    }
    return m_db.write([&]() -> Result<ExpiredLocks> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        QString sql = QStringLiteral("SELECT id, run_id, locked_by, fence, lease_expires_at FROM lock_lease "
                                     "WHERE lease_expires_at <= ? AND run_id IS NOT NULL ORDER BY id")
                      + m_db.dialect().rowLock(Dialect::RowLock::UpdateSkipLocked);
        QList<ExpiredLease> expired;
        {
            auto q = m_db.exec(sql, {*now});
            if (!q)
                return fail(q.error());
            while (q->next())
                expired.append({q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(), q->value(3).toLongLong(),
                                q->value(4).toLongLong()});
        }
        ExpiredLocks out;
        if (auto f = freeExpired(m_db, expired, *now, out); !f)
            return fail(f.error());
        return out;
    });
}

Result<void> LockStore::checkFence(qint64 runId, qint64 fence)
{
    // One row answers: a run's locks are one lease. On PostgreSQL it is share-locked, so that no
    // expirer frees it before the caller's transaction ends; SQLite's writer already excludes every other.
    const QString live = QStringLiteral("SELECT 1 FROM lock_lease WHERE run_id = ? AND fence = ? AND lease_expires_at > %1")
                             .arg(m_db.dialect().nowMsExpr());
    const QString sql = live + QStringLiteral(" LIMIT 1") + m_db.dialect().rowLock(Dialect::RowLock::Share);
    auto held = m_db.scalar(sql, {runId, fence});
    if (!held)
        return fail(held.error());
    if (!held->isValid() || held->toLongLong() <= 0)
        return fail(leaseLost(runId, fence));
    return {};
}

Result<QList<TaskLockStatus>> LockStore::status(std::optional<qint64> orgId, std::optional<qint64> viewerPipelineId)
{
    if (orgId)
        return select(QStringLiteral("ot.org_id = ?"), {*orgId}, viewerPipelineId);
    return select({}, {}, viewerPipelineId);
}

Result<QList<TaskLockStatus>> LockStore::liveHolders(const QList<qint64> &orgTaskIds)
{
    if (orgTaskIds.isEmpty())
        return QList<TaskLockStatus>{};
    QList<qint64> ids = orgTaskIds;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    // The common case, nothing held, is one look at the lock rows without the joins.
    const QString among = QStringLiteral("l.org_task_id IN (%1) AND s.lease_expires_at > %2").arg(idList(ids), m_db.dialect().nowMsExpr());
    auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM lock_task l JOIN lock_lease s ON s.id = l.lease_id "
                                          "WHERE s.run_id IS NOT NULL AND %1 LIMIT 1").arg(among));
    if (!any)
        return fail(any.error());
    if (!any->isValid())
        return QList<TaskLockStatus>{};
    return select(among, {}, std::nullopt);
}

Result<QList<TaskLockStatus>> LockStore::select(const QString &where, const QVariantList &values, std::optional<qint64> viewerPipelineId)
{
    QString sql = QStringLiteral("SELECT l.org_task_id, ot.uuid, t.slug, ot.org_id, s.run_id, r.uuid, r.status, s.pipeline_id, "
                                 "COALESCE(p.name, r.pipeline_name), s.locked_by, s.holder_agent_id, s.fence, s.locked_at, "
                                 "s.lease_expires_at, %1 "
                                 "FROM lock_task l JOIN lock_lease s ON s.id = l.lease_id JOIN org_task ot ON ot.id = l.org_task_id "
                                 "JOIN task t ON t.id = ot.task_id JOIN run r ON r.id = s.run_id LEFT JOIN pipeline p ON p.id = s.pipeline_id "
                                 "WHERE s.lease_expires_at IS NOT NULL")
                      .arg(m_db.dialect().nowMsExpr());
    if (!where.isEmpty())
        sql += QStringLiteral(" AND ") + where;
    sql += QStringLiteral(" ORDER BY ot.org_id, l.org_task_id");
    auto q = m_db.exec(sql, values);
    if (!q)
        return fail(q.error());
    QList<TaskLockStatus> rows;
    while (q->next()) {
        TaskLockStatus s;
        s.orgTaskId = q->value(0).toLongLong();
        s.orgTaskUuid = q->value(1).toString();
        s.taskSlug = q->value(2).toString();
        s.orgId = q->value(3).toLongLong();
        s.runId = q->value(4).toLongLong();
        s.runUuid = q->value(5).toString();
        s.runStatus = runStatusFromSql(q->value(6).toString()).value_or(RunStatus::Crashed);
        s.pipelineId = q->value(7).isNull() ? 0 : q->value(7).toLongLong();
        s.pipelineName = q->value(8).toString();
        s.lockedBy = q->value(9).toString();
        s.holderAgentId = q->value(10).isNull() ? 0 : q->value(10).toLongLong();
        s.fence = q->value(11).toLongLong();
        s.lockedAt = q->value(12).toLongLong();
        s.leaseExpiresAt = q->value(13).toLongLong();
        s.leaseRemainingMs = s.leaseExpiresAt - q->value(14).toLongLong();
        if (viewerPipelineId && s.pipelineId != *viewerPipelineId)
            s.state = TaskLockStatus::State::Locked;
        else if (s.runStatus == RunStatus::Queued)
            s.state = TaskLockStatus::State::Queued;
        else if (s.runStatus == RunStatus::Running)
            s.state = TaskLockStatus::State::Running;
        else
            s.state = TaskLockStatus::State::Locked;
        rows.append(s);
    }
    return rows;
}

} // namespace sluice
