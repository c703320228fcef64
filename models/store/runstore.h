#pragma once

#include "core/error.h"
#include "store/runhistory.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

class Database;

// What a new run is for. Exactly one of pipelineId / orgTaskId is set (a pipeline run, or a manual run
// of one org task). A scheduled run carries its slot (`scheduledFor`, UTC epoch ms).
struct NewRun
{
    qint64 orgId = 0;
    std::optional<qint64> pipelineId;
    std::optional<qint64> orgTaskId;
    QString pipelineName;                   // kept on the run for history; the task's label/slug for a task run
    QString trigger = QStringLiteral("manual");   // manual | scheduled | retry | backfill
    std::optional<qint64> scheduledFor;
    QString requestedBy;                    // a user ("alice@laptop") or "scheduler@<host>"
    QString dispatch = QStringLiteral("local");   // local: the requester runs it; agent: any agent may claim it
    std::optional<qint64> agentId;          // set when an agent creates (and so claims) the run
};

// One task of the run, in run order. Task runs are created with attempt 1, status queued.
struct RunTaskPlan
{
    qint64 orgTaskId = 0;
    QString slug;
    int seq = 0;
};

struct TaskRunRecord
{
    qint64 id = 0;
    qint64 orgTaskId = 0;                   // 0 when the org task was deleted since
    QString slug;
    int seq = 0;
    int attempt = 1;
    QString status;                         // queued running successful warning failed cancelled skipped crashed
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    std::optional<int> exitCode;
    QJsonObject summary;
    QString errorKind;
    QString errorDetail;
};

// A run with its task runs (every attempt, ordered by seq then attempt).
struct RunRecord
{
    RunSummary run;
    qint64 orgTaskId = 0;                   // a single-task run's org task
    QString orgSlug;
    QString requestedBy;
    QString dispatch;
    qint64 agentId = 0;
    QString statusReason;
    qint64 cancelRequestedAt = 0;
    QString cancelRequestedBy;              // empty when no cancel was requested
    QList<TaskRunRecord> tasks;

    // The latest attempt of each seq, in seq order.
    [[nodiscard]] QList<TaskRunRecord> latestAttempts() const;
};

struct RunFilter
{
    std::optional<qint64> orgId;
    std::optional<qint64> pipelineId;
    QString status;                         // empty: any
    int limit = 50;
    qint64 beforeRunId = 0;                 // keyset: runs with id < this
};

// One dbt node's result in a task run (table dbt_node_result).
struct DbtNodeRecord
{
    QString uniqueId;
    QString status;
    std::optional<double> executionTime;
    QString message;
    std::optional<qint64> failures;
};

// The final state of one task run attempt, written under the holder's fence.
struct TaskRunResult
{
    QString status;                         // successful warning failed cancelled skipped crashed
    std::optional<int> exitCode;
    QJsonObject summary;
    QString errorKind;                      // e.g. "exit-code", "timeout", "cancelled", "start-failed"
    QString errorDetail;                    // one line, already scrubbed of secrets
};

// The write and read side of runs and task runs (DESIGN.md §1 "Runs"). Every write a run's holder makes
// after taking its locks goes through the (runId, fence) methods: they succeed only while the run holds
// an unexpired lease with that fence (LockStore::checkFence in the same transaction) and otherwise give
// Error::LeaseLost and change nothing. Synchronous statements on the caller's connection.
class RunStore
{
public:
    explicit RunStore(Database &db);

    // Creates the run (status queued) and one queued task run per plan entry, in one transaction.
    // A scheduled slot already taken (UNIQUE (pipeline_id, scheduled_for)) gives Error::Conflict: that
    // is how competing agents learn another one won the slot. Returns the run id.
    [[nodiscard]] Result<qint64> createRun(const NewRun &run, const QList<RunTaskPlan> &tasks);

    // Records a slot that will not run: a run with status `skipped`, finished at once, with the reason
    // (missed while down, overlap policy skip, ...). Error::Conflict when the slot already has a run.
    [[nodiscard]] Result<qint64> recordSkippedSlot(qint64 orgId, qint64 pipelineId, const QString &pipelineName,
                                                   qint64 scheduledFor, const QString &reason, const QString &requestedBy);

    // The latest scheduled_for of any run of the pipeline (0 when none): where slot planning resumes.
    [[nodiscard]] Result<qint64> latestSlot(qint64 pipelineId);

    // Claims the oldest (lowest id) queued run dispatched to agents that no agent holds yet and whose pipeline's
    // agent_tag (if any) is in `agentTags`: sets its agent_id. PostgreSQL: SELECT ... FOR UPDATE SKIP
    // LOCKED, so concurrent agents never claim the same run. std::nullopt when there is nothing to claim.
    [[nodiscard]] Result<std::optional<qint64>> claimQueuedRun(qint64 agentId, const QStringList &agentTags);
    // Gives a claimed, still queued run back to the queue (its locks were held by another run).
    [[nodiscard]] Result<void> unclaim(qint64 runId, qint64 agentId);

    // Reads one run by id or uuid with all its task runs.
    [[nodiscard]] Result<RunRecord> run(qint64 runId);
    [[nodiscard]] Result<RunRecord> runByUuid(const QString &uuid);
    // Runs matching every set field of the filter, newest (highest id) first, at most filter.limit
    // (<= 0: none). An unknown status is Error::Invalid.
    [[nodiscard]] Result<QList<RunSummary>> list(const RunFilter &filter);

    // Cancel requested by anyone. A queued run becomes `cancelled` at once (its task runs too) and true
    // is returned; a running run gets cancel_requested_at set (the process running it acts on it within
    // a second) and false is returned. A finished run is Error::Conflict naming its status.
    [[nodiscard]] Result<bool> requestCancel(qint64 runId, const QString &requestedBy);
    // Whether a cancel was requested for the run (cheap; polled by the runner).
    [[nodiscard]] Result<bool> cancelRequested(qint64 runId);

    // ---- fenced writes of the holder ----------------------------------------------------------------
    // queued -> running (only from queued: a run cancelled meanwhile gives Error::Conflict).
    [[nodiscard]] Result<void> markRunning(qint64 runId, qint64 fence, std::optional<qint64> agentId = {});
    // Final run status with its reason; sets finished_at. Only from queued or running (else Conflict).
    [[nodiscard]] Result<void> finishRun(qint64 runId, qint64 fence, const QString &status, const QString &reason = {});
    // queued -> running (sets started_at); finish: queued/running -> a final status (sets finished_at).
    // A task run not of this run is Error::NotFound; one in another state is Error::Conflict.
    [[nodiscard]] Result<void> startTaskRun(qint64 taskRunId, qint64 runId, qint64 fence);
    [[nodiscard]] Result<void> finishTaskRun(qint64 taskRunId, qint64 runId, qint64 fence, const TaskRunResult &result);
    // A new queued attempt (attempt + 1) of the same seq; returns the new task run id.
    [[nodiscard]] Result<qint64> addAttempt(qint64 taskRunId, qint64 runId, qint64 fence);
    // Every still queued task run of the run becomes `status` (skipped after a failure, cancelled).
    [[nodiscard]] Result<int> settleQueuedTasks(qint64 runId, qint64 fence, const QString &status);
    // Appends log lines firstLine .. firstLine + lines.size() - 1 (already formatted by formatLogLine,
    // at most kMaxLogChunkLines) as one task_run_log chunk. Lines already stored are never stored twice:
    // re-appending from the same firstLine (a retry after a lost commit acknowledgement) stores only
    // the lines past those the chunks stored from firstLine hold (none: a no-op success), so a retry may
    // carry more lines than the lost try. A chunk starting inside a stored chunk, or running into a
    // stored chunk it does not line up with, is Error::Conflict. A chunk starting past the end (a gap:
    // lines the writer gave up on) is stored; readers skip the missing lines.
    [[nodiscard]] Result<void> appendLog(qint64 taskRunId, qint64 runId, qint64 fence, qint64 firstLine,
                                         const QStringList &lines);
    [[nodiscard]] Result<void> storeNodeResults(qint64 taskRunId, qint64 runId, qint64 fence,
                                                const QList<DbtNodeRecord> &nodes);

    // ---- reads for log viewers ----------------------------------------------------------------------
    // The number of log lines stored for a task run (first_line + line_count of its last chunk).
    [[nodiscard]] Result<qint64> logLineCount(qint64 taskRunId);
    [[nodiscard]] Result<QList<DbtNodeRecord>> nodeResults(qint64 taskRunId);

private:
    Result<qint64> insertRun(const NewRun &run, const QString &status, const QString &reason);
    Result<QString> runStatus(qint64 runId);
    // How far the chunks stored from `firstLine` on (up to endLine) reach without a gap; Conflict when
    // stored lines overlap [firstLine, endLine) without lining up with chunk starts.
    Result<qint64> storedFrom(qint64 taskRunId, qint64 firstLine, qint64 endLine);
    Result<RunRecord> readRun(const QString &where, const QVariant &key, const QString &name);
    // The error for a task run update that changed nothing: NotFound or Conflict naming its status.
    Result<void> taskRunConflict(qint64 taskRunId, qint64 runId, const QString &what);

    Database &m_db;
};

} // namespace sluice
