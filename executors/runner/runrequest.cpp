#include "runrequest.h"

#include "store/database.h"

namespace sluice {

QList<RunTaskPlan> runPlan(const Pipeline &pipeline)
{
    QList<RunTaskPlan> plan;
    for (const PipelineStep &step : pipeline.steps)
        plan.append(RunTaskPlan{step.task.id, step.task.slug, step.seq});
    return plan;
}

Result<qint64> createPipelineRun(Database &db, const Pipeline &pipeline, NewRun request)
{
    if (pipeline.steps.isEmpty())
        return fail(Error::invalid(QStringLiteral("pipeline %1 has no tasks; add some with `sluicectl pipeline edit`").arg(pipeline.name)));
    request.orgId = pipeline.orgId;
    request.pipelineId = pipeline.id;
    request.orgTaskId.reset();
    request.pipelineName = pipeline.name;
    return RunStore(db).createRun(request, runPlan(pipeline));
}

Result<qint64> createTaskRun(Database &db, const OrgTask &task, NewRun request)
{
    request.orgId = task.orgId;
    request.pipelineId.reset();
    request.orgTaskId = task.id;
    request.pipelineName = task.label.isEmpty() ? task.slug : task.label;
    return RunStore(db).createRun(request, {RunTaskPlan{task.id, task.slug, 0}});
}

Result<void> discardQueuedRun(Database &db, qint64 runId)
{
    return db.write([&]() -> Result<void> {
        auto status = db.scalar(QStringLiteral("SELECT status FROM run WHERE id = ?"), {runId});
        if (!status)
            return fail(status.error());
        if (!status->isValid())
            return {};
        if (status->toString() != QLatin1String("queued"))
            return fail(Error::conflict(QStringLiteral("run %1 is %2, not queued; it is kept").arg(runId).arg(status->toString())));
        auto held = db.scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id = ?"), {runId});
        if (!held)
            return fail(held.error());
        if (held->toLongLong() > 0)
            return fail(Error::conflict(QStringLiteral("run %1 holds locks; it is kept").arg(runId)));
        if (auto t = db.change(QStringLiteral("DELETE FROM task_run WHERE run_id = ?"), {runId}); !t)
            return fail(t.error());
        if (auto r = db.change(QStringLiteral("DELETE FROM run WHERE id = ? AND status = 'queued'"), {runId}); !r)
            return fail(r.error());
        return {};
    });
}

} // namespace sluice
