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

// "?, ?, ?" for n values.
QString placeholders(qsizetype n)
{
    QStringList marks(n, QStringLiteral("?"));
    return marks.join(QStringLiteral(", "));
}

QVariantList toVariants(const QList<qint64> &ids)
{
    QVariantList v;
    v.reserve(ids.size());
    for (qint64 id : ids)
        v.append(id);
    return v;
}

Error leaseLost(qint64 runId, qint64 fence)
{
    return Error::conflict(QStringLiteral("lease lost: run %1 no longer holds its locks with fence %2 (the lease expired "
                                          "or another run took the tasks over); stop and do not write anything more for it")
                               .arg(runId)
                               .arg(fence));
}

struct HeldLock
{
    qint64 lockId = 0;
    FreedLock lock;
};

// Deletes the given locks (already row-locked by the caller's transaction) and crashes their runs:
// runs still queued/running become `crashed`, and so do their queued/running task runs.
Result<void> freeExpired(Database &db, const QList<HeldLock> &held, qint64 nowMs, ExpiredLocks &out)
{
    QList<qint64> runIds;
    for (const HeldLock &h : held) {
        if (auto q = db.exec(QStringLiteral("DELETE FROM task_lock WHERE id = ?"), {h.lockId}); !q)
            return fail(q.error());
        out.locks.append(h.lock);
        if (!runIds.contains(h.lock.runId))
            runIds.append(h.lock.runId);
    }
    for (qint64 runId : std::as_const(runIds)) {
        const auto it = std::find_if(held.cbegin(), held.cend(), [runId](const HeldLock &h) { return h.lock.runId == runId; });
        const QString reason = QStringLiteral("the holder (%1) stopped renewing its lease; it expired at %2 by the database clock")
                                   .arg(it->lock.lockedBy, isoTime(it->lock.leaseExpiredAt));
        auto run = db.exec(QStringLiteral("UPDATE run SET status = 'crashed', status_reason = ?, finished_at = ? "
                                          "WHERE id = ? AND status IN ('queued', 'running')"),
                           {reason, nowMs, runId});
        if (!run)
            return fail(run.error());
        if (run->numRowsAffected() > 0)
            out.crashedRunIds.append(runId);
        auto tasks = db.exec(QStringLiteral("UPDATE task_run SET status = 'crashed', finished_at = COALESCE(finished_at, ?), "
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

    return m_db.write([&]() -> Result<LockGrant> {
        const QVariantList ids = toVariants(orgTaskIds);
        const QString nowExpr = m_db.dialect().nowMsExpr();
        const QVariant pipeline = pipelineId ? QVariant(*pipelineId) : QVariant(QMetaType(QMetaType::LongLong));
        const QVariant agent = holderAgentId ? QVariant(*holderAgentId) : QVariant(QMetaType(QMetaType::LongLong));

        // Row-lock each task's fence counter (ascending id order, one statement): competing acquirers of
        // the same tasks serialise here (and never deadlock), and the highest fence so far is read too.
        QStringList rowsSql(ids.size(), QStringLiteral("(?, 0)"));
        auto fences = m_db.fetch(QStringLiteral("INSERT INTO lock_fence (org_task_id, last_fence) VALUES %1 "
                                                "ON CONFLICT (org_task_id) DO UPDATE SET last_fence = lock_fence.last_fence "
                                                "RETURNING last_fence")
                                     .arg(rowsSql.join(QStringLiteral(", "))),
                                 ids);
        if (!fences)
            return fail(fences.error().kind == Error::Kind::Conflict
                            ? Error::notFound(QStringLiteral("one of the org tasks %1 does not exist")
                                                  .arg(QVariant(ids).toStringList().join(QStringLiteral(", "))))
                            : fences.error());
        qint64 lastFence = 0;
        for (const QVariantList &row : std::as_const(*fences))
            lastFence = std::max(lastFence, row.value(0).toLongLong());
        const qint64 fence = lastFence + 1;

        // The common case in one statement: none of the tasks has a lock row at all.
        QVariantList insertValues{runId, pipeline, lockedBy, agent, fence, leaseMs};
        insertValues << ids << ids;
        const QString marks = placeholders(ids.size());
        auto inserted = m_db.fetch(QStringLiteral("INSERT INTO task_lock (org_task_id, run_id, pipeline_id, locked_by, holder_agent_id, "
                                                  "fence, lease_expires_at, locked_at) "
                                                  "SELECT ot.id, ?, ?, ?, ?, ?, %1 + ?, %1 FROM org_task ot WHERE ot.id IN (%2) "
                                                  "AND NOT EXISTS (SELECT 1 FROM task_lock l WHERE l.org_task_id IN (%2)) "
                                                  "RETURNING lease_expires_at")
                                       .arg(nowExpr, marks),
                                   insertValues);
        if (!inserted)
            return fail(inserted.error());

        LockGrant grant{runId, fence, orgTaskIds, 0};
        if (!inserted->isEmpty()) {
            grant.leaseExpiresAt = inserted->first().value(0).toLongLong();
        } else {
            // Some task has a lock row: refuse (naming every live holder) or take expired ones over.
            auto now = m_db.serverNowMs();
            if (!now)
                return fail(now.error());
            QString sql = QStringLiteral("SELECT l.id, l.org_task_id, l.run_id, l.locked_by, l.fence, l.lease_expires_at, l.locked_at, "
                                         "r.uuid, COALESCE(p.name, r.pipeline_name), t.slug, ot.uuid "
                                         "FROM task_lock l JOIN run r ON r.id = l.run_id LEFT JOIN pipeline p ON p.id = l.pipeline_id "
                                         "JOIN org_task ot ON ot.id = l.org_task_id JOIN task t ON t.id = ot.task_id "
                                         "WHERE l.org_task_id IN (%1) ORDER BY l.org_task_id")
                              .arg(marks);
            if (!m_db.dialect().isSqlite())
                sql += QStringLiteral(" FOR UPDATE OF l");
            auto q = m_db.exec(sql, ids);
            if (!q)
                return fail(q.error());
            QList<HeldLock> expired;
            QStringList held;
            while (q->next()) {
                const qint64 expiresAt = q->value(5).toLongLong();
                if (expiresAt <= *now) {
                    expired.append({q->value(0).toLongLong(),
                                    {q->value(1).toLongLong(), q->value(2).toLongLong(), q->value(3).toString(),
                                     q->value(4).toLongLong(), expiresAt}});
                    continue;
                }
                const QString holder = q->value(8).isNull() ? QStringLiteral("a single-task run")
                                                            : QStringLiteral("pipeline \"%1\"").arg(q->value(8).toString());
                held.append(QStringLiteral("task %1 (%2) is locked by %3 for %4 (run %5) since %6")
                                .arg(q->value(9).toString(), q->value(10).toString(), q->value(3).toString(), holder,
                                     q->value(7).toString(), isoTime(q->value(6).toLongLong())));
            }
            if (!held.isEmpty())
                return fail(Error::conflict(QStringLiteral("%1; nothing was locked — wait for that run to finish or cancel it")
                                                .arg(held.join(QStringLiteral("; ")))));
            ExpiredLocks takenOver;
            if (auto f = freeExpired(m_db, expired, *now, takenOver); !f)
                return fail(f.error());
            grant.leaseExpiresAt = *now + leaseMs;
            for (qint64 id : std::as_const(orgTaskIds)) {
                auto ins = m_db.change(QStringLiteral("INSERT INTO task_lock (org_task_id, run_id, pipeline_id, locked_by, holder_agent_id, "
                                                      "fence, lease_expires_at, locked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
                                       {id, runId, pipeline, lockedBy, agent, fence, grant.leaseExpiresAt, *now});
                if (!ins)
                    return fail(ins.error());
            }
        }

        QVariantList fenceValues{fence};
        fenceValues.append(ids);
        if (auto u = m_db.change(QStringLiteral("UPDATE lock_fence SET last_fence = ? WHERE org_task_id IN (%1)").arg(marks), fenceValues);
            !u)
            return fail(u.error());
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
    auto n = m_db.change(QStringLiteral("DELETE FROM task_lock WHERE run_id = ? AND fence = ?"), {runId, fence});
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
        auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM task_lock WHERE lease_expires_at <= %1 LIMIT 1").arg(m_db.dialect().nowMsExpr()));
        if (!any)
            return fail(any.error());
        if (!any->isValid())
            return ExpiredLocks{};
    }
    return m_db.write([&]() -> Result<ExpiredLocks> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        QString sql = QStringLiteral("SELECT id, org_task_id, run_id, locked_by, fence, lease_expires_at FROM task_lock "
                                     "WHERE lease_expires_at <= ? ORDER BY id");
        if (!m_db.dialect().isSqlite())
            sql += QStringLiteral(" FOR UPDATE SKIP LOCKED");
        auto q = m_db.exec(sql, {*now});
        if (!q)
            return fail(q.error());
        QList<HeldLock> expired;
        while (q->next())
            expired.append({q->value(0).toLongLong(),
                            {q->value(1).toLongLong(), q->value(2).toLongLong(), q->value(3).toString(),
                             q->value(4).toLongLong(), q->value(5).toLongLong()}});
        ExpiredLocks out;
        if (auto f = freeExpired(m_db, expired, *now, out); !f)
            return fail(f.error());
        return out;
    });
}

Result<void> LockStore::checkFence(qint64 runId, qint64 fence)
{
    QString sql = QStringLiteral("SELECT id FROM task_lock WHERE run_id = ? AND fence = ? AND lease_expires_at > %1")
                      .arg(m_db.dialect().nowMsExpr());
    if (!m_db.dialect().isSqlite())
        sql += QStringLiteral(" FOR SHARE");
    auto rows = m_db.fetch(sql, {runId, fence});
    if (!rows)
        return fail(rows.error());
    if (rows->isEmpty())
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
    QString sql = QStringLiteral("SELECT l.org_task_id, ot.uuid, t.slug, ot.org_id, l.run_id, r.uuid, r.status, l.pipeline_id, "
                                 "COALESCE(p.name, r.pipeline_name), l.locked_by, l.holder_agent_id, l.fence, l.locked_at, "
                                 "l.lease_expires_at, %1 "
                                 "FROM task_lock l JOIN org_task ot ON ot.id = l.org_task_id JOIN task t ON t.id = ot.task_id "
                                 "JOIN run r ON r.id = l.run_id LEFT JOIN pipeline p ON p.id = l.pipeline_id")
                      .arg(m_db.dialect().nowMsExpr());
    QVariantList values;
    if (orgId) {
        sql += QStringLiteral(" WHERE ot.org_id = ?");
        values.append(*orgId);
    }
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
