// RunStore::createRetryRun and planRetry: a new run that repeats a finished one, whole or from its
// first task that did not succeed.
#include "runstore.h"

#include "store/database.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace sluice {

namespace {

// The summary key of a task a retry carried over instead of running it: the run where it succeeded.
const QString kCarriedFrom = QStringLiteral("carried_from_run");

bool succeeded(const TaskRunRecord &t)
{
    if (t.status == TaskRunStatus::Successful || t.status == TaskRunStatus::Warning)
        return true;
    // A task an earlier retry carried over (skipped there, done in the run it names) counts as done.
    return t.status == TaskRunStatus::Skipped && t.summary.contains(kCarriedFrom);
}

} // namespace

Result<RetryPlan> planRetry(const RunRecord &source, RetryScope scope)
{
    const QString name = source.run.uuid;
    if (!isFinished(source.run.status))
        return fail(Error::conflict(QStringLiteral("run %1 is %2; a run can be retried once it has finished (cancel it first)")
                                        .arg(name, toSql(source.run.status))));
    const QList<TaskRunRecord> tasks = source.latestAttempts();
    if (tasks.isEmpty())
        return fail(Error::invalid(QStringLiteral("run %1 ran no task (%2%3); start its pipeline instead")
                                       .arg(name, toSql(source.run.status),
                                            source.statusReason.isEmpty() ? QString() : QStringLiteral(": ") + source.statusReason)));
    RetryPlan plan;
    for (const TaskRunRecord &t : tasks) {
        if (t.orgTaskId <= 0)
            return fail(Error::invalid(QStringLiteral("task %1 (step %2) of run %3 was deleted since; the run cannot be repeated as it was, "
                                                      "start its pipeline instead")
                                           .arg(t.slug).arg(t.seq + 1).arg(name)));
        plan.tasks.append(RunTaskPlan{t.orgTaskId, t.slug, t.seq});
    }
    plan.firstSeq = tasks.first().seq;
    if (scope == RetryScope::FromFailure) {
        auto firstFailed = std::find_if(tasks.begin(), tasks.end(), [](const TaskRunRecord &t) { return !succeeded(t); });
        if (firstFailed == tasks.end())
            return fail(Error::invalid(QStringLiteral("every task of run %1 succeeded, so there is no failure to start from; "
                                                      "retry the whole run instead").arg(name)));
        plan.firstSeq = firstFailed->seq;
    }
    return plan;
}

Result<qint64> RunStore::createRetryRun(qint64 sourceRunId, RetryScope scope, NewRun request)
{
    return m_db.write([&]() -> Result<qint64> {
        auto source = run(sourceRunId);
        if (!source)
            return fail(source.error());
        auto plan = planRetry(*source, scope);
        if (!plan)
            return fail(plan.error());
        request.orgId = source->run.orgId;
        request.pipelineName = source->run.pipelineName;
        request.pipelineId.reset();
        request.orgTaskId.reset();
        if (source->run.pipelineId > 0)
            request.pipelineId = source->run.pipelineId;
        else if (source->orgTaskId > 0)
            request.orgTaskId = source->orgTaskId;
        else
            return fail(Error::invalid(QStringLiteral("the pipeline of run %1 (%2) was deleted since; there is nothing to retry")
                                           .arg(source->run.uuid, source->run.pipelineName)));
        request.trigger = QStringLiteral("retry");
        request.scheduledFor.reset();
        request.retryOf = source->run.id;
        auto id = createRun(request, plan->tasks);
        if (!id)
            return fail(id.error());
        // The carried-over tasks: skipped here, naming the run where they succeeded (the run a task
        // carried over once already names stays the one named).
        for (const TaskRunRecord &t : source->latestAttempts()) {
            if (t.seq >= plan->firstSeq)
                break;
            const QString from = t.summary.value(kCarriedFrom).toString(source->run.uuid);
            const QString summary = QString::fromUtf8(QJsonDocument(QJsonObject{{kCarriedFrom, from}}).toJson(QJsonDocument::Compact));
            auto u = m_db.exec(QStringLiteral("UPDATE task_run SET status = 'skipped', summary = ?, error_detail = ?, finished_at = %1 "
                                              "WHERE run_id = ? AND seq = ?").arg(m_db.dialect().nowMsExpr()),
                               {summary, QStringLiteral("succeeded in run %1; not run again").arg(from), *id, t.seq});
            if (!u)
                return fail(u.error());
        }
        return *id;
    });
}

} // namespace sluice
