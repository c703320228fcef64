#pragma once

#include "core/error.h"
#include "domain/runs.h"

#include <QStringList>

#include <optional>

namespace sluice {

class Database;

// What the holder of a run's locks writes about that run: its status, its task runs, their log lines
// and dbt node results. Each write is one transaction that first checks that the run still holds an
// unexpired lease with `fence` (LockStore::checkFence, which also keeps the lease from being expired by
// others until the write commits) — one mechanism for all of them. A holder that lost its lease gets
// Error::LeaseLost and changes nothing; a write the store refuses for another reason (a task run that is
// already final) is Error::Conflict, or Error::NotFound for a task run that is not the run's.
// Synchronous statements on the caller's connection.
class RunHolder
{
public:
    RunHolder(Database &db, qint64 runId, qint64 fence);

    [[nodiscard]] qint64 runId() const { return m_runId; }
    [[nodiscard]] qint64 fence() const { return m_fence; }

    // queued -> running (only from queued: a run cancelled meanwhile gives Error::Conflict).
    [[nodiscard]] Result<void> markRunning(std::optional<qint64> agentId = {});
    // Final run status with its reason; sets finished_at. Only from queued or running (else Conflict).
    [[nodiscard]] Result<void> finishRun(RunStatus status, const QString &reason = {});
    // queued -> running (sets started_at); finish: queued/running -> a final status (sets finished_at).
    [[nodiscard]] Result<void> startTaskRun(qint64 taskRunId);
    [[nodiscard]] Result<void> finishTaskRun(qint64 taskRunId, const TaskRunResult &result);
    // A new queued attempt (attempt + 1) of the same seq; returns the new task run id.
    [[nodiscard]] Result<qint64> addAttempt(qint64 taskRunId);
    // Every still queued task run of the run becomes `status` (skipped after a failure, cancelled).
    [[nodiscard]] Result<int> settleQueuedTasks(TaskRunStatus status);
    // Appends log lines firstLine .. firstLine + lines.size() - 1 (already formatted by formatLogLine,
    // at most kMaxLogChunkLines) as one task_run_log chunk. Lines already stored are never stored twice:
    // re-appending from the same firstLine (a retry after a lost commit acknowledgement) stores only
    // the lines past those the chunks stored from firstLine hold (none: a no-op success), so a retry may
    // carry more lines than the lost try. A chunk starting inside a stored chunk, or running into a
    // stored chunk it does not line up with, is Error::Conflict. A chunk starting past the end (a gap:
    // lines the writer gave up on) is stored; readers skip the missing lines.
    [[nodiscard]] Result<void> appendLog(qint64 taskRunId, qint64 firstLine, const QStringList &lines);
    [[nodiscard]] Result<void> storeNodeResults(qint64 taskRunId, const QList<DbtNodeRecord> &nodes);

private:
    // `body` inside one write transaction, after the fence check.
    template<class F>
    auto fenced(F &&body) -> decltype(body());
    // The error for a task run update that changed nothing: NotFound or Conflict naming its status.
    Result<void> taskRunRefusal(qint64 taskRunId, const QString &what);
    // How far the chunks stored from `firstLine` on (up to endLine) reach without a gap; Conflict when
    // stored lines overlap [firstLine, endLine) without lining up with chunk starts.
    Result<qint64> storedFrom(qint64 taskRunId, qint64 firstLine, qint64 endLine);

    Database &m_db;
    qint64 m_runId;
    qint64 m_fence;
};

} // namespace sluice
