#pragma once

#include "core/error.h"
#include "domain/entities.h"
#include "domain/runs.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

class Database;

enum class RetryScope { WholeRun, FromFailure };

// What a retry of `source` runs. Every task of the source (its latest attempts, in seq order) is planned
// again, so that the retry locks what the source locked. FromFailure: the tasks before the first one that
// did not succeed (successful or warning) are recorded as skipped at once, naming the source run, and
// the run starts at that task. Refused: a run still queued or running (Error::Conflict), a run that ran
// no task, a task deleted since, FromFailure of a run whose tasks all succeeded (Error::Invalid).
struct RetryPlan
{
    QList<RunTaskPlan> tasks;
    int firstSeq = 0;                       // the seq the retry starts at; earlier ones are carried over
};
[[nodiscard]] Result<RetryPlan> planRetry(const RunRecord &source, RetryScope scope);

struct RunFilter
{
    std::optional<qint64> orgId;
    std::optional<qint64> pipelineId;
    std::optional<RunStatus> status;        // empty: any
    std::optional<QString> trigger;         // manual | scheduled | retry | backfill; empty: any
    std::optional<qint64> queuedSince;      // runs asked for at or after this instant (UTC ms)
    std::optional<qint64> queuedUntil;      // ... and before this one
    int limit = 50;
    qint64 beforeRunId = 0;                 // keyset: runs with id < this
};

// Runs and task runs (DESIGN.md §1 "Runs"): creating them, handing them to agents, reading them and
// asking them to cancel. What the holder of a run's locks writes about it goes through RunHolder
// (runholder.h). Synchronous statements on the caller's connection.
class RunStore
{
public:
    explicit RunStore(Database &db);

    // Creates the run (status queued) and one queued task run per plan entry, in one transaction.
    // A scheduled slot already taken (UNIQUE (pipeline_id, scheduled_for)) gives Error::Conflict: that
    // is how competing agents learn another one won the slot. Returns the run id.
    [[nodiscard]] Result<qint64> createRun(const NewRun &run, const QList<RunTaskPlan> &tasks);
    // A queued run of the pipeline, one task run per step: `request` gives trigger, slot, requester,
    // dispatch and agent; org, pipeline id and name come from the pipeline. No steps: Error::Invalid.
    [[nodiscard]] Result<qint64> createPipelineRun(const Pipeline &pipeline, NewRun request);
    // A queued manual run of one org task (its label, or its slug, names the run).
    [[nodiscard]] Result<qint64> createTaskRun(const OrgTask &task, NewRun request);
    // A retry of a finished run (runretry.cpp): a new queued run, trigger `retry`, retry_of the source,
    // of the same org tasks in the same order (so it takes the same locks), as planRetry() plans it.
    // `request` gives requester and dispatch. Refusals name the reason (see planRetry).
    [[nodiscard]] Result<qint64> createRetryRun(qint64 sourceRunId, RetryScope scope, NewRun request);

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
    // Deletes a run that never started (still queued, holding no lock), with its task runs: what a manual
    // request does with the run it created when the runner refused it (its locks were held), so that no
    // queued run is left behind. Error::Conflict when the run is no longer queued (it is left alone).
    [[nodiscard]] Result<void> discardQueued(qint64 runId);

    // Reads one run by id or uuid with all its task runs.
    [[nodiscard]] Result<RunRecord> run(qint64 runId);
    [[nodiscard]] Result<RunRecord> runByUuid(const QString &uuid);
    // Runs matching every set field of the filter, newest (highest id) first, at most filter.limit (<= 0: none).
    [[nodiscard]] Result<QList<RunSummary>> list(const RunFilter &filter);

    // Cancel requested by anyone. A queued run becomes `cancelled` at once (its task runs too) and true
    // is returned; a running run gets cancel_requested_at set (the process running it acts on it within
    // a second) and false is returned. A finished run is Error::Conflict naming its status.
    [[nodiscard]] Result<bool> requestCancel(qint64 runId, const QString &requestedBy);
    // Whether a cancel was requested for the run (cheap; polled by the runner).
    [[nodiscard]] Result<bool> cancelRequested(qint64 runId);

    // ---- reads for log viewers ----------------------------------------------------------------------
    // The number of log lines stored for a task run (first_line + line_count of its last chunk).
    [[nodiscard]] Result<qint64> logLineCount(qint64 taskRunId);
    [[nodiscard]] Result<QList<DbtNodeRecord>> nodeResults(qint64 taskRunId);
    // The most recent recorded result of every dbt node the org's runs have built or tested (for the
    // Models list and for `result:` selection), keyed by unique id.
    [[nodiscard]] Result<QHash<QString, LastNodeResult>> lastNodeResults(qint64 orgId);
    // The newest airbyte-sync task run of each of the org's connections (any task, pipeline or single
    // task run), keyed by connection id: its status, when, who asked ("scheduled" for the scheduler's
    // runs) and, from its summary, the Airbyte job, records and bytes.
    [[nodiscard]] Result<QHash<QString, ConnectionLastSync>> lastConnectionSyncs(qint64 orgId);

private:
    Result<qint64> insertRun(const NewRun &run, RunStatus status, const QString &reason);
    Result<RunRecord> readRun(const QString &where, const QVariant &key, const QString &name);

    Database &m_db;
};

// A run's status as stored (Error::NotFound for no such run).
[[nodiscard]] Result<RunStatus> storedRunStatus(Database &db, qint64 runId);

} // namespace sluice
