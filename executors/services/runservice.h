#pragma once

#include <functional>

#include "runner/pipelinerunner.h"
#include "store/dburl.h"
#include "store/runstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <memory>

class QTimer;

namespace sluice {

class Database;
class Notifier;

struct RunServiceOptions
{
    QString actor;                                  // who asks ("alice@laptop"): requester, lock holder, canceller
    std::chrono::milliseconds pollInterval{1000};   // a watched run (executed anywhere) is read again this often
    std::chrono::milliseconds listInterval{2000};   // the run list is read again this often
    std::chrono::milliseconds liveFlush{50};        // live lines of a run executed here are sent in batches this often
    int listLimit = 200;                            // newest runs listed
    RunnerOptions runner;                           // for runs executed here (lockedBy and actor become `actor`)
    bool notify = true;                             // a run executed here notifies the org's channels when it ends
};

// What the desktop app asks of runs, served on a thread of its own: it owns its own connection to the
// store (opened by start(), in the thread the service lives in), so nothing here ever blocks the GUI.
// Every slot is meant to be invoked through a queued connection; every answer is a signal.
//
// - requestPipelineRun(uuid, queue): queue = false creates a `local` manual run and executes it here
//   (PipelineRunner), as `sluicectl pipeline run` does: runRequested(runId, false) once its locks are
//   taken; a run refused because its tasks are locked gives runRefused(message naming the holder) and
//   is deleted again (no queued run is left behind); runFinished when it ends, after which the org's
//   channels are notified. queue = true creates an `agent` run for any agent: runRequested(runId, true).
// - requestTaskRun(orgTaskUuid): the same for one org task alone (the runner's single-task run, with
//   its lock), executed here, as `sluicectl task run` does.
// - watchRun(runId): watchStarted(runId) first — every answer about an earlier watch was emitted before
//   it, so a viewer that starts over there never shows a line twice — then runChanged(record) now and whenever the run is read again (every pollInterval while
//   it is queued or running; once when it is finished), and every log line of the run exactly once, in
//   order per task run, as logLinesAppended batches: first what is stored (a long log in steps of at
//   most 20,000 lines, 50 ms apart), then what arrives — live from the runner when the run executes
//   here (a live line that follows lines not stored yet waits for the next poll to bring those), else as
//   other processes store it. A run whose lease expired without its holder is swept (crashed) as any
//   agent would. watchRun(0) stops watching.
// - cancelRun(runId): a run executed here is cancelled at once; any other gets a cancel request in the
//   store (a queued one is cancelled at once). cancelAnswered says which, or why not.
// - refreshRuns(): runsListed with the newest runs of every org (also every listInterval after start()).
// - shutdown(): stops the timers, cancels the runs executed here, and emits drained() once every one of
//   them has ended (their notifications included); at once when none is in progress.
// A store that cannot be read or written gives problem(message), once until it works again; nothing is
// lost, and the next poll tries again.
class RunService : public QObject
{
    Q_OBJECT
public:
    RunService(DbUrl url, RunServiceOptions options, QObject *parent = nullptr);
    ~RunService() override;

    [[nodiscard]] int localRunCount() const { return int(m_runners.size()); }

public Q_SLOTS:
    void start();
    void refreshRuns();
    void requestPipelineRun(const QString &pipelineUuid, bool queue);
    void requestTaskRun(const QString &orgTaskUuid);
    void watchRun(qint64 runId);
    void cancelRun(qint64 runId);
    void shutdown();

Q_SIGNALS:
    void ready();
    void watchStarted(qint64 runId);
    void problem(const QString &message);
    void runsListed(const QList<sluice::RunSummary> &runs, qint64 nowMs);
    void runRequested(qint64 runId, bool queued);
    void runRefused(const QString &message);
    void runChanged(const sluice::RunRecord &run, qint64 nowMs);
    void logLinesAppended(const sluice::TaskLogBatch &batch);
    void runFinished(qint64 runId, sluice::RunStatus status);
    void cancelAnswered(qint64 runId, const QString &message);
    void localRunsChanged(int count);
    void drained();

private:
    struct TaskInfo
    {
        int seq = 0;
        int attempt = 1;
        QString slug;
    };

    void startRun(bool queue, const std::function<Result<qint64>(const NewRun &)> &create);
    QCoro::Task<void> execute(qint64 runId);
    void pollWatched();
    void handleLiveLine(qint64 runId, qint64 taskRunId, const LogLine &line);
    void flushLive();
    // Sends the lines that continue what was sent of the task run; returns those past a gap.
    QList<LogLine> sendLines(qint64 taskRunId, QList<LogLine> lines);
    void say(const Error &error, const QString &doing);

    DbUrl m_url;
    RunServiceOptions m_options;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Notifier> m_notifier;
    std::shared_ptr<KeychainMemo> m_keychain = std::make_shared<KeychainMemo>();   // shared by the runs executed here
    QTimer *m_listTimer = nullptr;
    QTimer *m_pollTimer = nullptr;
    QTimer *m_flushTimer = nullptr;
    QHash<qint64, QPointer<PipelineRunner>> m_runners;   // runs executed here, by run id
    qint64 m_watched = 0;
    QHash<qint64, qint64> m_sent;                        // watched run: task run id -> next line number to send
    QHash<qint64, TaskInfo> m_tasks;                     // watched run: task run id -> what it is
    QHash<qint64, QList<LogLine>> m_live;                // watched run: live lines not sent yet
    int m_inFlight = 0;                                  // execute() coroutines not finished yet
    bool m_stopping = false;
    bool m_pollFailing = false;                          // the last poll failed (said once)
};

} // namespace sluice
