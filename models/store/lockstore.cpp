#include "lockstore.h"

#include "store/database.h"

#include <QDateTime>

#include <algorithm>

namespace sluice {

namespace {

const QStringList kRunStatuses = {
    QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("successful"), QStringLiteral("partial_success"),
    QStringLiteral("failed"), QStringLiteral("cancelled"), QStringLiteral("crashed"), QStringLiteral("skipped"),
};
const QStringList kTaskRunStatuses = {
    QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("successful"), QStringLiteral("warning"),
    QStringLiteral("failed"), QStringLiteral("cancelled"), QStringLiteral("skipped"), QStringLiteral("crashed"),
};

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
    return Error::conflict(QStringLiteral("lease lost: run %1 no longer holds its locks with fence %2 (the lease expired "
                                          "or another run took the tasks over); stop and do not write anything more for it")
                               .arg(runId)
                               .arg(fence));
}

using HeldLock = FreedLock;   // a held lock about to be freed

// The columns that make a lock row free again (its fence stays: fences never go back).
const QString kFree = QStringLiteral("run_id = NULL, pipeline_id = NULL, locked_by = NULL, holder_agent_id = NULL, "
                                     "lease_expires_at = NULL, locked_at = NULL");

// Frees the given locks (already row-locked by the caller's transaction) and crashes their runs:
// runs still queued/running become `crashed`, and so do their queued/running task runs.
Result<void> freeExpired(Database &db, const QList<HeldLock> &held, qint64 nowMs, ExpiredLocks &out)
{
    QList<qint64> runIds;
    for (const HeldLock &h : held) {
        if (auto n = db.change(QStringLiteral("UPDATE task_lock SET %1 WHERE org_task_id = ? AND run_id = ? AND fence = ?").arg(kFree),
                               {h.orgTaskId, h.runId, h.fence});
            !n)
            return fail(n.error());
        out.locks.append(h);
        if (!runIds.contains(h.runId))
            runIds.append(h.runId);
    }
    for (qint64 runId : std::as_const(runIds)) {
        const auto it = std::find_if(held.cbegin(), held.cend(), [runId](const HeldLock &h) { return h.runId == runId; });
        const QString reason = QStringLiteral("the holder (%1) stopped renewing its lease; it expired at %2 by the database clock")
                                   .arg(it->lockedBy, isoTime(it->leaseExpiredAt));
        auto run = db.change(QStringLiteral("UPDATE run SET status = 'crashed', status_reason = ?, finished_at = ? "
                                            "WHERE id = ? AND status IN ('queued', 'running')"),
                             {reason, nowMs, runId});
        if (!run)
            return fail(run.error());
        if (*run > 0)
            out.crashedRunIds.append(runId);
        auto tasks = db.change(QStringLiteral("UPDATE task_run SET status = 'crashed', finished_at = COALESCE(finished_at, ?), "
                                              "error_kind = COALESCE(error_kind, 'crashed') "
                                              "WHERE run_id = ? AND status IN ('queued', 'running')"),
                               {nowMs, runId});
        if (!tasks)
            return fail(tasks.error());
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
    const QString nowExpr = m_db.dialect().nowMsExpr();
    const bool sqlite = m_db.dialect().isSqlite();
    const QVariant pipeline = pipelineId ? QVariant(*pipelineId) : QVariant(QMetaType(QMetaType::LongLong));
    const QVariant agent = holderAgentId ? QVariant(*holderAgentId) : QVariant(QMetaType(QMetaType::LongLong));
    LockGrant grant{runId, 0, orgTaskIds, 0};

    // The common case in one statement, atomic on its own: every task has its lock row and all are
    // free; all of them or none are taken. On PostgreSQL `cur` row-locks the rows in id order
    // (competing acquirers serialise there and never deadlock) and so reads their newest committed
    // versions; SQLite's single writer sees them current anyway.
    const QString idText = idList(orgTaskIds);
    QVariantList fastValues;
    QString fastSql;
    if (sqlite) {
        // SQLite's clock is this machine's clock: the time is bound rather than computed twice in SQL.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        fastValues << runId << pipeline << lockedBy << agent << now + leaseMs << now;
        fastSql = QStringLiteral("UPDATE task_lock SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, "
                                 "fence = (SELECT MAX(fence) FROM task_lock WHERE org_task_id IN (%1)) + 1, "
                                 "lease_expires_at = ?, locked_at = ? WHERE org_task_id IN (%1) "
                                 "AND (SELECT COUNT(*) FROM task_lock WHERE org_task_id IN (%1) AND run_id IS NULL) = %2 "
                                 "RETURNING fence, lease_expires_at")
                      .arg(idText)
                      .arg(count);
    } else {
        fastValues << runId << pipeline << lockedBy << agent << leaseMs;
        fastSql = QStringLiteral("WITH cur AS (SELECT org_task_id, run_id, fence FROM task_lock WHERE org_task_id IN (%2) "
                                 "ORDER BY org_task_id FOR UPDATE), "
                                 "took AS (UPDATE task_lock SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, "
                                 "fence = (SELECT MAX(fence) FROM cur) + 1, lease_expires_at = %1 + ?, locked_at = %1 "
                                 "WHERE org_task_id IN (SELECT org_task_id FROM cur) "
                                 "AND (SELECT COUNT(*) FROM cur WHERE run_id IS NULL) = %3 RETURNING fence, lease_expires_at) "
                                 "SELECT MAX(fence), MAX(lease_expires_at) FROM took HAVING COUNT(*) > 0")
                      .arg(nowExpr, idText)
                      .arg(count);
    }
    auto fast = m_db.fetch(fastSql, fastValues);
    if (!fast)
        return fail(fast.error());
    if (!fast->isEmpty()) {
        grant.fence = fast->first().value(0).toLongLong();
        grant.leaseExpiresAt = fast->first().value(1).toLongLong();
        return grant;
    }

    // Otherwise: a task without its row yet, or one held — refused naming every live holder — or one
    // whose lease expired, taken over (its run crashed).
    return m_db.write([&]() -> Result<LockGrant> {
        if (auto rows = m_db.change(QStringLiteral("INSERT INTO task_lock (org_task_id, fence) SELECT id, 0 FROM org_task WHERE id IN (%1) "
                                                   "ON CONFLICT (org_task_id) DO NOTHING")
                                        .arg(idText));
            !rows)
            return fail(rows.error());
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        QString sql = QStringLiteral("SELECT l.org_task_id, l.run_id, l.locked_by, l.fence, l.lease_expires_at, l.locked_at, "
                                     "r.uuid, COALESCE(p.name, r.pipeline_name), t.slug, ot.uuid "
                                     "FROM task_lock l JOIN org_task ot ON ot.id = l.org_task_id JOIN task t ON t.id = ot.task_id "
                                     "LEFT JOIN run r ON r.id = l.run_id LEFT JOIN pipeline p ON p.id = l.pipeline_id "
                                     "WHERE l.org_task_id IN (%1) ORDER BY l.org_task_id")
                          .arg(idText);
        if (!sqlite)
            sql += QStringLiteral(" FOR UPDATE OF l");
        auto q = m_db.exec(sql);
        if (!q)
            return fail(q.error());
        QList<HeldLock> expired;
        QStringList held;
        qint64 lastFence = 0;
        qsizetype found = 0;
        while (q->next()) {
            ++found;
            lastFence = std::max(lastFence, q->value(3).toLongLong());
            if (q->value(1).isNull())
                continue;   // free
            const qint64 expiresAt = q->value(4).toLongLong();
            if (expiresAt <= *now) {
                expired.append({q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(), q->value(3).toLongLong(), expiresAt});
                continue;
            }
            const QString holder = q->value(7).isNull() ? QStringLiteral("a single-task run")
                                                        : QStringLiteral("pipeline \"%1\"").arg(q->value(7).toString());
            held.append(QStringLiteral("task %1 (%2) is locked by %3 for %4 (run %5) since %6")
                            .arg(q->value(8).toString(), q->value(9).toString(), q->value(2).toString(), holder,
                                 q->value(6).toString(), isoTime(q->value(5).toLongLong())));
        }
        q = {};
        if (found < count)
            return fail(Error::notFound(QStringLiteral("one of the org tasks %1 does not exist").arg(idText)));
        if (!held.isEmpty())
            return fail(Error::conflict(QStringLiteral("%1; nothing was locked — wait for that run to finish or cancel it")
                                            .arg(held.join(QStringLiteral("; ")))));
        ExpiredLocks takenOver;
        if (auto f = freeExpired(m_db, expired, *now, takenOver); !f)
            return fail(f.error());
        grant.fence = lastFence + 1;
        auto taken = m_db.change(QStringLiteral("UPDATE task_lock SET run_id = ?, pipeline_id = ?, locked_by = ?, holder_agent_id = ?, "
                                                "fence = ?, lease_expires_at = ?, locked_at = ? WHERE org_task_id IN (%1) AND run_id IS NULL")
                                     .arg(idText),
                                 {runId, pipeline, lockedBy, agent, grant.fence, *now + leaseMs, *now});
        if (!taken)
            return fail(taken.error());
        if (*taken != count)
            return fail(Error::internal(QStringLiteral("took %1 of %2 locks of run %3 after checking them").arg(*taken).arg(count).arg(runId)));
        grant.leaseExpiresAt = *now + leaseMs;
        return grant;
    });
}

Result<qint64> LockStore::renew(qint64 runId, qint64 fence, qint64 leaseMs)
{
    if (leaseMs <= 0)
        return fail(Error::invalid(QStringLiteral("a lease must be longer than 0 ms (got %1)").arg(leaseMs)));
    // One statement, judged by the database clock: atomic on its own.
    const QString now = m_db.dialect().nowMsExpr();
    auto rows = m_db.fetch(QStringLiteral("UPDATE task_lock SET lease_expires_at = %1 + ? "
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
    auto n = m_db.change(QStringLiteral("UPDATE task_lock SET %1 WHERE run_id = ? AND fence = ?").arg(kFree), {runId, fence});
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
        auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM task_lock WHERE run_id IS NOT NULL AND lease_expires_at <= %1 LIMIT 1")
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
        QString sql = QStringLiteral("SELECT org_task_id, run_id, locked_by, fence, lease_expires_at FROM task_lock "
                                     "WHERE run_id IS NOT NULL AND lease_expires_at <= ? ORDER BY org_task_id");
        if (!m_db.dialect().isSqlite())
            sql += QStringLiteral(" FOR UPDATE SKIP LOCKED");
        auto q = m_db.exec(sql, {*now});
        if (!q)
            return fail(q.error());
        QList<HeldLock> expired;
        while (q->next())
            expired.append({q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(), q->value(3).toLongLong(),
                            q->value(4).toLongLong()});
        q = {};
        ExpiredLocks out;
        if (auto f = freeExpired(m_db, expired, *now, out); !f)
            return fail(f.error());
        return out;
    });
}

Result<void> LockStore::checkFence(qint64 runId, qint64 fence)
{
    // One row answers: a run's locks are taken, renewed and freed together. On PostgreSQL every lock of
    // the run is share-locked (so that no expirer frees any of them before the caller's transaction
    // ends) but only their count comes back; SQLite's writer already excludes every other writer.
    const QString live = QStringLiteral("SELECT 1 FROM task_lock WHERE run_id = ? AND fence = ? AND lease_expires_at > %1")
                             .arg(m_db.dialect().nowMsExpr());
    const QString sql = m_db.dialect().isSqlite() ? live + QStringLiteral(" LIMIT 1")
                                                  : QStringLiteral("SELECT COUNT(*) FROM (%1 FOR SHARE) held").arg(live);
    auto held = m_db.scalar(sql, {runId, fence});
    if (!held)
        return fail(held.error());
    if (held->toLongLong() <= 0)
        return fail(leaseLost(runId, fence));
    return {};
}

Result<int> LockStore::fencedUpdate(qint64 runId, qint64 fence, const QString &updateSql, QVariantList values)
{
    return m_db.write([&]() -> Result<int> {
        if (auto c = checkFence(runId, fence); !c)
            return fail(c.error());
        values << runId << fence;
        auto q = m_db.exec(updateSql + QStringLiteral(" AND EXISTS (SELECT 1 FROM task_lock WHERE run_id = ? AND fence = ?)"),
                           values);
        if (!q)
            return fail(q.error());
        return q->numRowsAffected();
    });
}

Result<void> LockStore::setRunStatus(qint64 runId, qint64 fence, const QString &status, const QString &reason)
{
    if (!kRunStatuses.contains(status))
        return fail(Error::invalid(QStringLiteral("unknown run status \"%1\"").arg(status)));
    const QString now = m_db.dialect().nowMsExpr();
    QString sets = QStringLiteral("status = ?, status_reason = ?");
    if (status == QLatin1String("running"))
        sets += QStringLiteral(", started_at = COALESCE(started_at, %1)").arg(now);
    else if (status != QLatin1String("queued"))
        sets += QStringLiteral(", finished_at = %1").arg(now);
    auto n = fencedUpdate(runId, fence, QStringLiteral("UPDATE run SET %1 WHERE id = ?").arg(sets),
                          {status, reason.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(reason), runId});
    if (!n)
        return fail(n.error());
    if (*n == 0)
        return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
    return {};
}

Result<void> LockStore::setTaskRunStatus(qint64 taskRunId, qint64 runId, qint64 fence, const QString &status)
{
    if (!kTaskRunStatuses.contains(status))
        return fail(Error::invalid(QStringLiteral("unknown task run status \"%1\"").arg(status)));
    const QString now = m_db.dialect().nowMsExpr();
    QString sets = QStringLiteral("status = ?");
    if (status == QLatin1String("running"))
        sets += QStringLiteral(", started_at = COALESCE(started_at, %1)").arg(now);
    else if (status != QLatin1String("queued"))
        sets += QStringLiteral(", finished_at = %1").arg(now);
    auto n = fencedUpdate(runId, fence, QStringLiteral("UPDATE task_run SET %1 WHERE id = ? AND run_id = ?").arg(sets),
                          {status, taskRunId, runId});
    if (!n)
        return fail(n.error());
    if (*n == 0)
        return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(runId)));
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
    const QString among = QStringLiteral("l.org_task_id IN (%1) AND l.lease_expires_at > %2").arg(idList(ids), m_db.dialect().nowMsExpr());
    auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM task_lock l WHERE l.run_id IS NOT NULL AND %1 LIMIT 1").arg(among));
    if (!any)
        return fail(any.error());
    if (!any->isValid())
        return QList<TaskLockStatus>{};
    return select(among, {}, std::nullopt);
}

Result<QList<TaskLockStatus>> LockStore::select(const QString &where, const QVariantList &values, std::optional<qint64> viewerPipelineId)
{
    QString sql = QStringLiteral("SELECT l.org_task_id, ot.uuid, t.slug, ot.org_id, l.run_id, r.uuid, r.status, l.pipeline_id, "
                                 "COALESCE(p.name, r.pipeline_name), l.locked_by, l.holder_agent_id, l.fence, l.locked_at, "
                                 "l.lease_expires_at, %1 "
                                 "FROM task_lock l JOIN org_task ot ON ot.id = l.org_task_id JOIN task t ON t.id = ot.task_id "
                                 "JOIN run r ON r.id = l.run_id LEFT JOIN pipeline p ON p.id = l.pipeline_id WHERE l.run_id IS NOT NULL")
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
        s.runStatus = q->value(6).toString();
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
        else if (s.runStatus == QLatin1String("queued"))
            s.state = TaskLockStatus::State::Queued;
        else if (s.runStatus == QLatin1String("running"))
            s.state = TaskLockStatus::State::Running;
        else
            s.state = TaskLockStatus::State::Locked;
        rows.append(s);
    }
    return rows;
}

} // namespace sluice
