#include "runstore.h"

#include "store/database.h"
#include "store/lockstore.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

#include <algorithm>
#include <limits>

namespace sluice {

namespace {

const QStringList kRunStatuses = {
    QStringLiteral("queued"), QStringLiteral("running"), QStringLiteral("successful"), QStringLiteral("partial_success"),
    QStringLiteral("failed"), QStringLiteral("cancelled"), QStringLiteral("crashed"), QStringLiteral("skipped"),
};
const QStringList kFinalRunStatuses = {
    QStringLiteral("successful"), QStringLiteral("partial_success"), QStringLiteral("failed"),
    QStringLiteral("cancelled"), QStringLiteral("crashed"), QStringLiteral("skipped"),
};
const QStringList kFinalTaskRunStatuses = {
    QStringLiteral("successful"), QStringLiteral("warning"), QStringLiteral("failed"),
    QStringLiteral("cancelled"), QStringLiteral("skipped"), QStringLiteral("crashed"),
};
const QStringList kTriggers = {
    QStringLiteral("manual"), QStringLiteral("scheduled"), QStringLiteral("retry"), QStringLiteral("backfill"),
};

QVariant nullableId(std::optional<qint64> v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

// The columns of RunRecord, in the order readRun() reads them.
const QString kRunColumns = QStringLiteral(
    "r.id, r.uuid, r.pipeline_id, r.org_id, COALESCE(r.pipeline_name, p.name), r.trigger_kind, r.scheduled_for, r.status, "
    "r.queued_at, r.started_at, r.finished_at, r.org_task_id, o.slug, r.requested_by, r.dispatch, r.agent_id, "
    "r.status_reason, r.cancel_requested_at, r.cancel_requested_by "
    "FROM run r JOIN org o ON o.id = r.org_id LEFT JOIN pipeline p ON p.id = r.pipeline_id");

RunSummary readSummary(const QSqlQuery &q)
{
    RunSummary r;
    r.id = q.value(0).toLongLong();
    r.uuid = q.value(1).toString();
    r.pipelineId = q.value(2).toLongLong();
    r.orgId = q.value(3).toLongLong();
    r.pipelineName = q.value(4).toString();
    r.trigger = q.value(5).toString();
    r.scheduledFor = q.value(6).toLongLong();
    r.status = q.value(7).toString();
    r.queuedAt = q.value(8).toLongLong();
    r.startedAt = q.value(9).toLongLong();
    r.finishedAt = q.value(10).toLongLong();
    return r;
}

} // namespace

QList<TaskRunRecord> RunRecord::latestAttempts() const
{
    QList<TaskRunRecord> latest;
    for (const TaskRunRecord &t : tasks) {
        auto it = std::find_if(latest.begin(), latest.end(), [&t](const TaskRunRecord &l) { return l.seq == t.seq; });
        if (it == latest.end())
            latest.append(t);
        else if (t.attempt > it->attempt)
            *it = t;
    }
    std::stable_sort(latest.begin(), latest.end(), [](const TaskRunRecord &a, const TaskRunRecord &b) { return a.seq < b.seq; });
    return latest;
}

RunStore::RunStore(Database &db) : m_db(db) {}

Result<qint64> RunStore::insertRun(const NewRun &run, const QString &status, const QString &reason)
{
    if (run.pipelineId.has_value() == run.orgTaskId.has_value())
        return fail(Error::invalid(QStringLiteral("a run is of exactly one pipeline or one org task")));
    if (!kTriggers.contains(run.trigger))
        return fail(Error::invalid(QStringLiteral("unknown run trigger \"%1\" (manual, scheduled, retry or backfill)").arg(run.trigger)));
    if (run.dispatch != QLatin1String("local") && run.dispatch != QLatin1String("agent"))
        return fail(Error::invalid(QStringLiteral("unknown run dispatch \"%1\" (local or agent)").arg(run.dispatch)));
    if (run.requestedBy.isEmpty())
        return fail(Error::invalid(QStringLiteral("a run needs the name of who requested it")));

    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const bool finished = status != QLatin1String("queued");
    const QString now = m_db.dialect().nowMsExpr();
    // ON CONFLICT ... DO NOTHING rather than a failing INSERT: a lost slot race must not abort the
    // caller's transaction on PostgreSQL, and the winner's row is then visible to name it.
    auto id = m_db.scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, org_task_id, pipeline_name, trigger_kind, "
                                         "scheduled_for, requested_by, agent_id, status, status_reason, queued_at, finished_at, dispatch) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %1, %2, ?) "
                                         "ON CONFLICT (pipeline_id, scheduled_for) DO NOTHING RETURNING id")
                              .arg(now, finished ? now : QStringLiteral("NULL")),
                          {uuid, run.orgId, nullableId(run.pipelineId), nullableId(run.orgTaskId), nullableText(run.pipelineName),
                           run.trigger, nullableId(run.scheduledFor), run.requestedBy, nullableId(run.agentId), status,
                           nullableText(reason), run.dispatch});
    if (!id)
        return fail(id.error());
    if (id->isValid() && !id->isNull())
        return id->toLongLong();

    auto other = m_db.exec(QStringLiteral("SELECT uuid, status, requested_by FROM run WHERE pipeline_id = ? AND scheduled_for = ?"),
                           {nullableId(run.pipelineId), nullableId(run.scheduledFor)});
    if (!other)
        return fail(other.error());
    QString holder;
    if (other->next())
        holder = QStringLiteral(": run %1 (%2, requested by %3)")
                     .arg(other->value(0).toString(), other->value(1).toString(), other->value(2).toString());
    return fail(Error::conflict(QStringLiteral("the slot %1 of pipeline \"%2\" already has a run%3")
                                    .arg(isoTime(run.scheduledFor.value_or(0)), run.pipelineName, holder)));
}

Result<qint64> RunStore::createRun(const NewRun &run, const QList<RunTaskPlan> &tasks)
{
    return m_db.write([&]() -> Result<qint64> {
        auto id = insertRun(run, QStringLiteral("queued"), {});
        if (!id)
            return fail(id.error());
        for (const RunTaskPlan &t : tasks) {
            auto ins = m_db.exec(QStringLiteral("INSERT INTO task_run (run_id, org_task_id, task_slug, seq, attempt, status) "
                                                "VALUES (?, ?, ?, ?, 1, 'queued')"),
                                 {*id, t.orgTaskId > 0 ? QVariant(t.orgTaskId) : QVariant(QMetaType(QMetaType::LongLong)), t.slug, t.seq});
            if (!ins)
                return fail(ins.error());
        }
        return *id;
    });
}

Result<qint64> RunStore::recordSkippedSlot(qint64 orgId, qint64 pipelineId, const QString &pipelineName, qint64 scheduledFor,
                                           const QString &reason, const QString &requestedBy)
{
    NewRun run;
    run.orgId = orgId;
    run.pipelineId = pipelineId;
    run.pipelineName = pipelineName;
    run.trigger = QStringLiteral("scheduled");
    run.scheduledFor = scheduledFor;
    run.requestedBy = requestedBy;
    return m_db.write([&]() -> Result<qint64> { return insertRun(run, QStringLiteral("skipped"), reason); });
}

Result<qint64> RunStore::latestSlot(qint64 pipelineId)
{
    auto v = m_db.scalar(QStringLiteral("SELECT MAX(scheduled_for) FROM run WHERE pipeline_id = ?"), {pipelineId});
    if (!v)
        return fail(v.error());
    return v->isNull() ? 0 : v->toLongLong();
}

Result<std::optional<qint64>> RunStore::claimQueuedRun(qint64 agentId, const QStringList &agentTags)
{
    return m_db.write([&]() -> Result<std::optional<qint64>> {
        QString sql = QStringLiteral("SELECT r.id FROM run r LEFT JOIN pipeline p ON p.id = r.pipeline_id "
                                     "WHERE r.status = 'queued' AND r.dispatch = 'agent' AND r.agent_id IS NULL AND (p.agent_tag IS NULL");
        QVariantList values;
        if (!agentTags.isEmpty()) {
            QStringList marks(agentTags.size(), QStringLiteral("?"));
            sql += QStringLiteral(" OR p.agent_tag IN (%1)").arg(marks.join(QStringLiteral(", ")));
            for (const QString &t : agentTags)
                values.append(t);
        }
        sql += QStringLiteral(") ORDER BY r.id LIMIT 1");
        if (!m_db.dialect().isSqlite())
            sql += QStringLiteral(" FOR UPDATE OF r SKIP LOCKED");
        auto pick = m_db.scalar(sql, values);
        if (!pick)
            return fail(pick.error());
        if (!pick->isValid() || pick->isNull())
            return std::optional<qint64>{};
        const qint64 runId = pick->toLongLong();
        auto q = m_db.change(QStringLiteral("UPDATE run SET agent_id = ? WHERE id = ? AND status = 'queued' AND agent_id IS NULL"),
                           {agentId, runId});
        if (!q)
            return fail(q.error());
        if (*q <= 0)
            return std::optional<qint64>{};
        return std::optional<qint64>{runId};
    });
}

Result<void> RunStore::unclaim(qint64 runId, qint64 agentId)
{
    return m_db.write([&]() -> Result<void> {
        auto q = m_db.change(QStringLiteral("UPDATE run SET agent_id = NULL WHERE id = ? AND agent_id = ? AND status = 'queued'"),
                           {runId, agentId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        auto status = runStatus(runId);
        if (!status)
            return fail(status.error());
        return fail(Error::conflict(QStringLiteral("run %1 is %2 and not claimed by agent %3; it cannot be given back to the queue")
                                        .arg(runId)
                                        .arg(*status)
                                        .arg(agentId)));
    });
}

Result<QString> RunStore::runStatus(qint64 runId)
{
    auto v = m_db.scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runId});
    if (!v)
        return fail(v.error());
    if (!v->isValid() || v->isNull())
        return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
    return v->toString();
}

Result<RunRecord> RunStore::readRun(const QString &where, const QVariant &key, const QString &name)
{
    auto q = m_db.exec(QStringLiteral("SELECT %1 WHERE %2").arg(kRunColumns, where), {key});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("run %1 does not exist; `sluicectl run list` shows the runs").arg(name)));
    RunRecord rec;
    rec.run = readSummary(*q);
    rec.orgTaskId = q->value(11).toLongLong();
    rec.orgSlug = q->value(12).toString();
    rec.requestedBy = q->value(13).toString();
    rec.dispatch = q->value(14).toString();
    rec.agentId = q->value(15).toLongLong();
    rec.statusReason = q->value(16).toString();
    rec.cancelRequestedAt = q->value(17).toLongLong();
    rec.cancelRequestedBy = q->value(18).toString();

    auto t = m_db.exec(QStringLiteral("SELECT id, org_task_id, task_slug, seq, attempt, status, started_at, finished_at, exit_code, "
                                      "summary, error_kind, error_detail FROM task_run WHERE run_id = ? ORDER BY seq, attempt"),
                       {rec.run.id});
    if (!t)
        return fail(t.error());
    while (t->next()) {
        TaskRunRecord tr;
        tr.id = t->value(0).toLongLong();
        tr.orgTaskId = t->value(1).toLongLong();
        tr.slug = t->value(2).toString();
        tr.seq = t->value(3).toInt();
        tr.attempt = t->value(4).toInt();
        tr.status = t->value(5).toString();
        tr.startedAt = t->value(6).toLongLong();
        tr.finishedAt = t->value(7).toLongLong();
        if (!t->value(8).isNull())
            tr.exitCode = t->value(8).toInt();
        tr.summary = QJsonDocument::fromJson(t->value(9).toString().toUtf8()).object();
        tr.errorKind = t->value(10).toString();
        tr.errorDetail = t->value(11).toString();
        rec.tasks.append(std::move(tr));
    }
    return rec;
}

Result<RunRecord> RunStore::run(qint64 runId)
{
    return readRun(QStringLiteral("r.id = ?"), runId, QString::number(runId));
}

Result<RunRecord> RunStore::runByUuid(const QString &uuid)
{
    return readRun(QStringLiteral("r.uuid = ?"), uuid, uuid);
}

Result<QList<RunSummary>> RunStore::list(const RunFilter &filter)
{
    QList<RunSummary> runs;
    if (!filter.status.isEmpty() && !kRunStatuses.contains(filter.status))
        return fail(Error::invalid(QStringLiteral("unknown run status \"%1\" (one of %2)")
                                       .arg(filter.status, kRunStatuses.join(QStringLiteral(", ")))));
    if (filter.limit <= 0)
        return runs;
    // A deferred join, as in RunHistory: the inner query picks the page's ids from an index
    // ((org_id, id), (pipeline_id, id) or (status, id)); the outer one reads just those rows.
    QString inner = QStringLiteral("SELECT id FROM run WHERE id < ?");
    QVariantList values{filter.beforeRunId > 0 ? filter.beforeRunId : std::numeric_limits<qint64>::max()};
    if (filter.orgId) {
        inner += QStringLiteral(" AND org_id = ?");
        values.append(*filter.orgId);
    }
    if (filter.pipelineId) {
        inner += QStringLiteral(" AND pipeline_id = ?");
        values.append(*filter.pipelineId);
    }
    if (!filter.status.isEmpty()) {
        inner += QStringLiteral(" AND status = ?");
        values.append(filter.status);
    }
    inner += QStringLiteral(" ORDER BY id DESC LIMIT ?");
    values.append(filter.limit);
    const QString sql = QStringLiteral("SELECT %1 WHERE r.id IN (%2) ORDER BY r.id DESC").arg(kRunColumns, inner);
    auto q = m_db.exec(sql, values);
    if (!q)
        return fail(q.error());
    while (q->next())
        runs.append(readSummary(*q));
    return runs;
}

Result<bool> RunStore::requestCancel(qint64 runId, const QString &requestedBy)
{
    return m_db.write([&]() -> Result<bool> {
        QString sql = QStringLiteral("SELECT status FROM run WHERE id = ?");
        // NO KEY: the run's key does not change, so the holder adding task runs (a key share of this row)
        // goes on meanwhile.
        if (!m_db.dialect().isSqlite())
            sql += QStringLiteral(" FOR NO KEY UPDATE");
        auto v = m_db.scalar(sql, {runId});
        if (!v)
            return fail(v.error());
        if (!v->isValid() || v->isNull())
            return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
        const QString status = v->toString();
        const QString now = m_db.dialect().nowMsExpr();
        if (status == QLatin1String("queued")) {
            auto r = m_db.exec(QStringLiteral("UPDATE run SET status = 'cancelled', status_reason = ?, finished_at = %1, "
                                              "cancel_requested_at = %1, cancel_requested_by = ? WHERE id = ?")
                                   .arg(now),
                               {QStringLiteral("cancelled by %1 before it started").arg(requestedBy), requestedBy, runId});
            if (!r)
                return fail(r.error());
            auto t = m_db.exec(QStringLiteral("UPDATE task_run SET status = 'cancelled', finished_at = %1, "
                                              "error_kind = COALESCE(error_kind, 'cancelled') WHERE run_id = ? AND status = 'queued'")
                                   .arg(now),
                               {runId});
            if (!t)
                return fail(t.error());
            return true;
        }
        if (status == QLatin1String("running")) {
            // The first request's time and author stay: the runner measures its grace period from it.
            auto r = m_db.exec(QStringLiteral("UPDATE run SET cancel_requested_at = %1, cancel_requested_by = ? "
                                              "WHERE id = ? AND cancel_requested_at IS NULL")
                                   .arg(now),
                               {requestedBy, runId});
            if (!r)
                return fail(r.error());
            return false;
        }
        return fail(Error::conflict(QStringLiteral("run %1 is already %2; only a queued or running run can be cancelled")
                                        .arg(runId)
                                        .arg(status)));
    });
}

Result<bool> RunStore::cancelRequested(qint64 runId)
{
    auto q = m_db.exec(QStringLiteral("SELECT cancel_requested_at FROM run WHERE id = ?"), {runId});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
    return !q->value(0).isNull();
}

Result<void> RunStore::markRunning(qint64 runId, qint64 fence, std::optional<qint64> agentId)
{
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto q = m_db.change(QStringLiteral("UPDATE run SET status = 'running', started_at = COALESCE(started_at, %1), "
                                          "agent_id = COALESCE(?, agent_id) WHERE id = ? AND status = 'queued'")
                               .arg(m_db.dialect().nowMsExpr()),
                           {nullableId(agentId), runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        auto status = runStatus(runId);
        if (!status)
            return fail(status.error());
        return fail(Error::conflict(QStringLiteral("run %1 is %2, not queued: it cannot start").arg(runId).arg(*status)));
    });
}

Result<void> RunStore::finishRun(qint64 runId, qint64 fence, const QString &status, const QString &reason)
{
    if (!kFinalRunStatuses.contains(status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final run status").arg(status)));
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto q = m_db.change(QStringLiteral("UPDATE run SET status = ?, status_reason = ?, finished_at = %1 "
                                          "WHERE id = ? AND status IN ('queued', 'running')")
                               .arg(m_db.dialect().nowMsExpr()),
                           {status, nullableText(reason), runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        auto current = runStatus(runId);
        if (!current)
            return fail(current.error());
        return fail(Error::conflict(QStringLiteral("run %1 is already %2; it cannot become %3").arg(runId).arg(*current, status)));
    });
}

Result<void> RunStore::taskRunConflict(qint64 taskRunId, qint64 runId, const QString &what)
{
    auto v = m_db.scalar(QStringLiteral("SELECT status FROM task_run WHERE id = ? AND run_id = ?"), {taskRunId, runId});
    if (!v)
        return fail(v.error());
    if (!v->isValid() || v->isNull())
        return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(runId)));
    return fail(Error::conflict(QStringLiteral("task run %1 is %2; it cannot %3").arg(taskRunId).arg(v->toString(), what)));
}

Result<void> RunStore::startTaskRun(qint64 taskRunId, qint64 runId, qint64 fence)
{
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto q = m_db.change(QStringLiteral("UPDATE task_run SET status = 'running', started_at = %1 "
                                          "WHERE id = ? AND run_id = ? AND status = 'queued'")
                               .arg(m_db.dialect().nowMsExpr()),
                           {taskRunId, runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        return taskRunConflict(taskRunId, runId, QStringLiteral("start"));
    });
}

Result<void> RunStore::finishTaskRun(qint64 taskRunId, qint64 runId, qint64 fence, const TaskRunResult &result)
{
    if (!kFinalTaskRunStatuses.contains(result.status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final task run status").arg(result.status)));
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        const QString summary = QString::fromUtf8(QJsonDocument(result.summary).toJson(QJsonDocument::Compact));
        auto q = m_db.change(QStringLiteral("UPDATE task_run SET status = ?, finished_at = %1, exit_code = ?, summary = ?, "
                                          "error_kind = ?, error_detail = ? WHERE id = ? AND run_id = ? AND status IN ('queued', 'running')")
                               .arg(m_db.dialect().nowMsExpr()),
                           {result.status, result.exitCode ? QVariant(*result.exitCode) : QVariant(QMetaType(QMetaType::Int)),
                            summary, nullableText(result.errorKind), nullableText(result.errorDetail), taskRunId, runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        return taskRunConflict(taskRunId, runId, QStringLiteral("become %1").arg(result.status));
    });
}

Result<qint64> RunStore::addAttempt(qint64 taskRunId, qint64 runId, qint64 fence)
{
    return m_db.write([&]() -> Result<qint64> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto q = m_db.exec(QStringLiteral("SELECT t.org_task_id, t.task_slug, t.seq, "
                                          "(SELECT MAX(a.attempt) FROM task_run a WHERE a.run_id = t.run_id AND a.seq = t.seq) "
                                          "FROM task_run t WHERE t.id = ? AND t.run_id = ?"),
                           {taskRunId, runId});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(runId)));
        const QVariant orgTask = q->value(0);
        auto id = m_db.scalar(QStringLiteral("INSERT INTO task_run (run_id, org_task_id, task_slug, seq, attempt, status) "
                                             "VALUES (?, ?, ?, ?, ?, 'queued') RETURNING id"),
                              {runId, orgTask.isNull() ? QVariant(QMetaType(QMetaType::LongLong)) : orgTask, q->value(1).toString(),
                               q->value(2).toInt(), q->value(3).toInt() + 1});
        if (!id)
            return fail(id.error());
        return id->toLongLong();
    });
}

Result<int> RunStore::settleQueuedTasks(qint64 runId, qint64 fence, const QString &status)
{
    if (!kFinalTaskRunStatuses.contains(status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final task run status").arg(status)));
    return m_db.write([&]() -> Result<int> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto q = m_db.change(QStringLiteral("UPDATE task_run SET status = ?, finished_at = %1 WHERE run_id = ? AND status = 'queued'")
                               .arg(m_db.dialect().nowMsExpr()),
                           {status, runId});
        if (!q)
            return fail(q.error());
        return *q;
    });
}

Result<void> RunStore::appendLog(qint64 taskRunId, qint64 runId, qint64 fence, qint64 firstLine, const QStringList &lines)
{
    if (lines.isEmpty() || lines.size() > kMaxLogChunkLines)
        return fail(Error::invalid(QStringLiteral("a log chunk holds 1 to %1 lines (got %2)").arg(kMaxLogChunkLines).arg(lines.size())));
    if (firstLine < 0)
        return fail(Error::invalid(QStringLiteral("log lines are numbered from 0 (got %1)").arg(firstLine)));
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        // One statement checks that the task run is the run's and reads where its log ends.
        auto endValue = m_db.scalar(QStringLiteral("SELECT COALESCE((SELECT l.first_line + l.line_count FROM task_run_log l "
                                                   "WHERE l.task_run_id = t.id ORDER BY l.first_line DESC LIMIT 1), 0) "
                                                   "FROM task_run t WHERE t.id = ? AND t.run_id = ?"),
                                    {taskRunId, runId});
        if (!endValue)
            return fail(endValue.error());
        if (!endValue->isValid() || endValue->isNull())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(runId)));
        const qint64 end = endValue->toLongLong();
        QStringList tail = lines;
        qint64 tailFirst = firstLine;
        if (firstLine < end) {
            // A retry after a lost commit acknowledgement: the chunks stored from firstLine on hold the
            // first lines already (the retry may carry more lines than the lost try); only the rest is new.
            auto covered = storedFrom(taskRunId, firstLine, firstLine + lines.size());
            if (!covered)
                return fail(covered.error());
            if (*covered >= firstLine + lines.size())
                return {};
            tail = lines.mid(*covered - firstLine);
            tailFirst = *covered;
        }
        // firstLine > end leaves a gap (a chunk the writer gave up on): allowed, readers skip missing lines.
        auto q = m_db.exec(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) "
                                          "VALUES (?, ?, ?, ?, %1)")
                               .arg(m_db.dialect().nowMsExpr()),
                           {taskRunId, tailFirst, int(tail.size()), tail.join(QLatin1Char('\n'))});
        if (!q)
            return fail(q.error());
        return {};
    });
}

Result<qint64> RunStore::storedFrom(qint64 taskRunId, qint64 firstLine, qint64 endLine)
{
    const auto overlap = [&] {
        return Error::conflict(QStringLiteral("log lines %1 to %2 of task run %3 overlap stored lines without starting where a stored "
                                              "chunk starts; lines are appended in order, each once")
                                   .arg(firstLine)
                                   .arg(endLine - 1)
                                   .arg(taskRunId));
    };
    auto before = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM task_run_log WHERE task_run_id = ? AND first_line < ? "
                                             "AND first_line > ? AND first_line + line_count > ?"),
                              {taskRunId, firstLine, firstLine - kMaxLogChunkLines, firstLine});
    if (!before)
        return fail(before.error());
    if (before->toLongLong() > 0)
        return fail(overlap());
    auto q = m_db.exec(QStringLiteral("SELECT first_line, line_count FROM task_run_log WHERE task_run_id = ? AND first_line >= ? "
                                      "AND first_line < ? ORDER BY first_line"),
                       {taskRunId, firstLine, endLine});
    if (!q)
        return fail(q.error());
    qint64 covered = firstLine;
    while (q->next()) {
        if (q->value(0).toLongLong() != covered)
            return fail(overlap());
        covered += q->value(1).toLongLong();
    }
    return covered;
}

Result<void> RunStore::storeNodeResults(qint64 taskRunId, qint64 runId, qint64 fence, const QList<DbtNodeRecord> &nodes)
{
    return m_db.write([&]() -> Result<void> {
        if (auto c = LockStore(m_db).checkFence(runId, fence); !c)
            return fail(c.error());
        auto own = m_db.scalar(QStringLiteral("SELECT id FROM task_run WHERE id = ? AND run_id = ?"), {taskRunId, runId});
        if (!own)
            return fail(own.error());
        if (!own->isValid() || own->isNull())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(runId)));
        for (const DbtNodeRecord &n : nodes) {
            auto q = m_db.exec(QStringLiteral("INSERT INTO dbt_node_result (task_run_id, unique_id, status, execution_time, message, failures) "
                                              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (task_run_id, unique_id) DO UPDATE SET "
                                              "status = excluded.status, execution_time = excluded.execution_time, "
                                              "message = excluded.message, failures = excluded.failures"),
                               {taskRunId, n.uniqueId, n.status,
                                n.executionTime ? QVariant(*n.executionTime) : QVariant(QMetaType(QMetaType::Double)),
                                nullableText(n.message), nullableId(n.failures)});
            if (!q)
                return fail(q.error());
        }
        return {};
    });
}

Result<qint64> RunStore::logLineCount(qint64 taskRunId)
{
    auto v = m_db.scalar(QStringLiteral("SELECT first_line + line_count FROM task_run_log WHERE task_run_id = ? "
                                        "ORDER BY first_line DESC LIMIT 1"),
                         {taskRunId});
    if (!v)
        return fail(v.error());
    return v->isValid() && !v->isNull() ? v->toLongLong() : 0;
}

Result<QList<DbtNodeRecord>> RunStore::nodeResults(qint64 taskRunId)
{
    auto q = m_db.exec(QStringLiteral("SELECT unique_id, status, execution_time, message, failures FROM dbt_node_result "
                                      "WHERE task_run_id = ? ORDER BY id"),
                       {taskRunId});
    if (!q)
        return fail(q.error());
    QList<DbtNodeRecord> nodes;
    while (q->next()) {
        DbtNodeRecord n;
        n.uniqueId = q->value(0).toString();
        n.status = q->value(1).toString();
        if (!q->value(2).isNull())
            n.executionTime = q->value(2).toDouble();
        n.message = q->value(3).toString();
        if (!q->value(4).isNull())
            n.failures = q->value(4).toLongLong();
        nodes.append(std::move(n));
    }
    return nodes;
}

} // namespace sluice
