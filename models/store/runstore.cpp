#include "runstore.h"

#include "store/database.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUuid>

#include <limits>

namespace sluice {

namespace {

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
    "r.status_reason, r.cancel_requested_at, r.cancel_requested_by, r.retry_of "
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
    r.status = runStatusFromSql(q.value(7).toString()).value_or(RunStatus::Crashed);   // the schema's CHECK keeps it known
    r.queuedAt = q.value(8).toLongLong();
    r.startedAt = q.value(9).toLongLong();
    r.finishedAt = q.value(10).toLongLong();
    return r;
}

} // namespace

Result<RunStatus> storedRunStatus(Database &db, qint64 runId)
{
    auto v = db.scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runId});
    if (!v)
        return fail(v.error());
    if (!v->isValid() || v->isNull())
        return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
    return runStatusFromSql(v->toString()).value_or(RunStatus::Crashed);
}

RunStore::RunStore(Database &db) : m_db(db) {}

Result<qint64> RunStore::insertRun(const NewRun &run, RunStatus status, const QString &reason)
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
    const bool finished = isFinished(status);
    const QString now = m_db.dialect().nowMsExpr();
    // ON CONFLICT ... DO NOTHING rather than a failing INSERT: a lost slot race must not abort the
    // caller's transaction on PostgreSQL, and the winner's row is then visible to name it.
    auto id = m_db.scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, org_task_id, pipeline_name, trigger_kind, "
                                         "scheduled_for, requested_by, agent_id, status, status_reason, queued_at, finished_at, dispatch, retry_of) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, %1, %2, ?, ?) "
                                         "ON CONFLICT (pipeline_id, scheduled_for) DO NOTHING RETURNING id")
                              .arg(now, finished ? now : QStringLiteral("NULL")),
                          {uuid, run.orgId, nullableId(run.pipelineId), nullableId(run.orgTaskId), nullableText(run.pipelineName),
                           run.trigger, nullableId(run.scheduledFor), run.requestedBy, nullableId(run.agentId), toSql(status),
                           nullableText(reason), run.dispatch, nullableId(run.retryOf)});
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
        auto id = insertRun(run, RunStatus::Queued, {});
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

Result<qint64> RunStore::createPipelineRun(const Pipeline &pipeline, NewRun request)
{
    if (pipeline.steps.isEmpty())
        return fail(Error::invalid(QStringLiteral("pipeline %1 has no tasks; add some with `sluicectl pipeline edit`").arg(pipeline.name)));
    request.orgId = pipeline.orgId;
    request.pipelineId = pipeline.id;
    request.orgTaskId.reset();
    request.pipelineName = pipeline.name;
    QList<RunTaskPlan> plan;
    for (const PipelineStep &step : pipeline.steps)
        plan.append(RunTaskPlan{step.task.id, step.task.slug, step.seq});
    return createRun(request, plan);
}

Result<qint64> RunStore::createTaskRun(const OrgTask &task, NewRun request)
{
    request.orgId = task.orgId;
    request.pipelineId.reset();
    request.orgTaskId = task.id;
    request.pipelineName = task.label.isEmpty() ? task.slug : task.label;
    return createRun(request, {RunTaskPlan{task.id, task.slug, 0}});
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
    return m_db.write([&]() -> Result<qint64> { return insertRun(run, RunStatus::Skipped, reason); });
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
        sql += QStringLiteral(") ORDER BY r.id LIMIT 1") + m_db.dialect().rowLock(Dialect::RowLock::UpdateSkipLocked, QStringLiteral("r"));
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
        auto status = storedRunStatus(m_db, runId);
        if (!status)
            return fail(status.error());
        return fail(Error::conflict(QStringLiteral("run %1 is %2 and not claimed by agent %3; it cannot be given back to the queue")
                                        .arg(runId)
                                        .arg(toSql(*status))
                                        .arg(agentId)));
    });
}

Result<void> RunStore::discardQueued(qint64 runId)
{
    return m_db.write([&]() -> Result<void> {
        auto status = m_db.scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runId});
        if (!status)
            return fail(status.error());
        if (!status->isValid())
            return {};
        if (status->toString() != toSql(RunStatus::Queued))
            return fail(Error::conflict(QStringLiteral("run %1 is %2, not queued; it is kept").arg(runId).arg(status->toString())));
        auto held = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id = ?"), {runId});
        if (!held)
            return fail(held.error());
        if (held->toLongLong() > 0)
            return fail(Error::conflict(QStringLiteral("run %1 holds locks; it is kept").arg(runId)));
        if (auto t = m_db.change(QStringLiteral("DELETE FROM task_run WHERE run_id = ?"), {runId}); !t)
            return fail(t.error());
        if (auto r = m_db.change(QStringLiteral("DELETE FROM run WHERE id = ? AND status = 'queued'"), {runId}); !r)
            return fail(r.error());
        return {};
    });
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
    rec.retryOf = q->value(19).toLongLong();

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
        tr.status = taskRunStatusFromSql(t->value(5).toString()).value_or(TaskRunStatus::Crashed);
        tr.startedAt = t->value(6).toLongLong();
        tr.finishedAt = t->value(7).toLongLong();
        if (!t->value(8).isNull())
            tr.exitCode = t->value(8).toInt();
        tr.summary = QJsonDocument::fromJson(t->value(9).toString().toUtf8()).object();
        tr.errorKind = taskErrorKindFromSql(t->value(10).toString());
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
    if (filter.status) {
        inner += QStringLiteral(" AND status = ?");
        values.append(toSql(*filter.status));
    }
    if (filter.trigger) {
        inner += QStringLiteral(" AND trigger_kind = ?");
        values.append(*filter.trigger);
    }
    if (filter.queuedSince) {
        inner += QStringLiteral(" AND queued_at >= ?");
        values.append(*filter.queuedSince);
    }
    if (filter.queuedUntil) {
        inner += QStringLiteral(" AND queued_at < ?");
        values.append(*filter.queuedUntil);
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
        // NO KEY: the run's key does not change, so the holder adding task runs (a key share of this row)
        // goes on meanwhile.
        auto v = m_db.scalar(QStringLiteral("SELECT status FROM run WHERE id = ?") + m_db.dialect().rowLock(Dialect::RowLock::NoKeyUpdate),
                             {runId});
        if (!v)
            return fail(v.error());
        if (!v->isValid() || v->isNull())
            return fail(Error::notFound(QStringLiteral("run %1 does not exist").arg(runId)));
        const std::optional<RunStatus> status = runStatusFromSql(v->toString());
        const QString now = m_db.dialect().nowMsExpr();
        if (status == RunStatus::Queued) {
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
        if (status == RunStatus::Running) {
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
                                        .arg(v->toString())));
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

Result<QHash<QString, LastNodeResult>> RunStore::lastNodeResults(qint64 orgId)
{
    auto q = m_db.exec(QStringLiteral("SELECT r.unique_id, r.status, r.execution_time, t.finished_at, t.run_id FROM dbt_node_result r "
                                      "JOIN task_run t ON t.id = r.task_run_id "
                                      "WHERE r.id IN (SELECT MAX(r2.id) FROM dbt_node_result r2 "
                                      "JOIN task_run t2 ON t2.id = r2.task_run_id JOIN run u ON u.id = t2.run_id "
                                      "WHERE u.org_id = ? GROUP BY r2.unique_id)"),
                       {orgId});
    if (!q)
        return fail(q.error());
    QHash<QString, LastNodeResult> out;
    while (q->next()) {
        LastNodeResult n;
        n.status = q->value(1).toString();
        if (!q->value(2).isNull())
            n.executionTime = q->value(2).toDouble();
        n.finishedAt = q->value(3).toLongLong();
        n.runId = q->value(4).toLongLong();
        out.insert(q->value(0).toString(), std::move(n));
    }
    return out;
}

Result<QHash<QString, ConnectionLastSync>> RunStore::lastConnectionSyncs(qint64 orgId)
{
    auto q = m_db.exec(QStringLiteral("SELECT o.connection_id, t.status, t.started_at, t.finished_at, t.summary, r.requested_by, r.trigger_kind, r.id "
                                      "FROM task_run t JOIN org_task o ON o.id = t.org_task_id JOIN run r ON r.id = t.run_id "
                                      "WHERE t.id IN (SELECT MAX(t2.id) FROM task_run t2 JOIN org_task o2 ON o2.id = t2.org_task_id "
                                      "WHERE o2.org_id = ? AND t2.task_slug = 'airbyte-sync' AND o2.connection_id IS NOT NULL "
                                      "GROUP BY o2.connection_id)"),
                       {orgId});
    if (!q)
        return fail(q.error());
    QHash<QString, ConnectionLastSync> out;
    while (q->next()) {
        ConnectionLastSync s;
        s.status = q->value(1).toString();
        s.atMs = q->value(3).isNull() ? q->value(2).toLongLong() : q->value(3).toLongLong();
        s.by = q->value(6).toString() == QLatin1String("scheduled") ? QStringLiteral("scheduled") : q->value(5).toString();
        const QJsonObject summary = QJsonDocument::fromJson(q->value(4).toString().toUtf8()).object();
        s.records = summary.value(QLatin1String("records_synced")).toInteger(-1);
        s.bytes = summary.value(QLatin1String("bytes_synced")).toInteger(-1);
        s.jobId = summary.value(QLatin1String("job_id")).toInteger(-1);
        s.runId = q->value(7).toLongLong();
        out.insert(q->value(0).toString(), std::move(s));
    }
    return out;
}

} // namespace sluice
