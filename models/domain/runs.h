#pragma once

#include "domain/status.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

#include <optional>

namespace sluice {

// The value types of runs that the stores return and the GUI, the CLI and the notifier show
// (DESIGN.md §1 "Runs"). Times are UTC epoch ms, 0 where the column is NULL.

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
    std::optional<qint64> retryOf;          // a retry run: the run it repeats
};

// One task of a new run, in run order. Task runs are created with attempt 1, status queued.
struct RunTaskPlan
{
    qint64 orgTaskId = 0;
    QString slug;
    int seq = 0;
};

// One run as lists show it. pipelineId is 0 for a manual run of a single org task, or when the pipeline
// was deleted since (pipelineName still names it then).
struct RunSummary
{
    qint64 id = 0;
    QString uuid;
    qint64 pipelineId = 0;
    qint64 orgId = 0;
    QString pipelineName;
    QString trigger;        // manual | scheduled | retry | backfill (column trigger_kind)
    qint64 scheduledFor = 0;
    RunStatus status = RunStatus::Queued;
    qint64 queuedAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
};

// One attempt of one task of a run.
struct TaskRunRecord
{
    qint64 id = 0;
    qint64 orgTaskId = 0;                   // 0 when the org task was deleted since
    QString slug;
    int seq = 0;
    int attempt = 1;
    TaskRunStatus status = TaskRunStatus::Queued;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    std::optional<int> exitCode;
    QJsonObject summary;                    // dbt counts, Airbyte job/records/bytes, git old/new commit
    TaskErrorKind errorKind = TaskErrorKind::None;
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
    qint64 retryOf = 0;                     // a retry run: the run it repeats (0: none, or deleted since)
    QList<TaskRunRecord> tasks;

    // The latest attempt of each seq, in seq order.
    [[nodiscard]] QList<TaskRunRecord> latestAttempts() const;
};

// One dbt node's result in a task run (table dbt_node_result).
struct DbtNodeRecord
{
    QString uniqueId;
    QString status;                         // dbt's own word: success | error | skipped | pass | fail | warn | ...
    std::optional<double> executionTime;
    QString message;
    std::optional<qint64> failures;
};

// The latest result of one dbt node across an org's runs.
struct LastNodeResult
{
    QString status;                         // dbt's word, as in DbtNodeRecord
    std::optional<double> executionTime;
    qint64 finishedAt = 0;                  // when its task run ended (ms since the epoch; 0 if unknown)
    qint64 runId = 0;
};

// The final state of one task run attempt, written under the holder's fence.
struct TaskRunResult
{
    TaskRunStatus status = TaskRunStatus::Failed;   // a final status
    std::optional<int> exitCode;
    QJsonObject summary;
    TaskErrorKind errorKind = TaskErrorKind::None;
    QString errorDetail;                    // one line, already scrubbed of secrets
};

// One output line of a task run. Lines are numbered from 0 in the order the task wrote them.
struct LogLine
{
    qint64 number = 0;
    qint64 atMs = 0;        // when the line was read, UTC epoch ms
    bool isStderr = false;
    QString text;

    friend bool operator==(const LogLine &, const LogLine &) = default;
};

// A batch of one task run's log lines for a viewer, in line order, with the task they belong to.
struct TaskLogBatch
{
    qint64 runId = 0;
    qint64 taskRunId = 0;
    int seq = 0;
    int attempt = 1;
    QString slug;
    QList<LogLine> lines;
};

// The newest Airbyte sync Sluice ran of a connection, from its own run records (task_run of an
// airbyte-sync task), or the newest job the server lists when Sluice never ran one.
struct ConnectionLastSync {
    QString status;             // successful | failed | cancelled | running | queued | crashed (Sluice's words)
    qint64 atMs = 0;            // when it finished, else when it started
    QString by;                 // who asked ("alice@laptop", "scheduled", "Airbyte" for a job started elsewhere)
    qint64 records = -1;        // -1: not known
    qint64 bytes = -1;
    qint64 jobId = -1;
    qint64 runId = 0;           // Sluice's run, 0 for a job started elsewhere
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::RunSummary)
Q_DECLARE_METATYPE(sluice::RunRecord)
Q_DECLARE_METATYPE(sluice::TaskLogBatch)
Q_DECLARE_METATYPE(sluice::LogLine)
