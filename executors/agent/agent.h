#pragma once

#include "schedule/slotplanner.h"
#include "latch.h"
#include "runner/keychainmemo.h"
#include "store/agentstore.h"
#include "store/lockstore.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace sluice {

class Database;

class Notifier;
class PipelineRunner;
class SleepWatcher;
class WallTimer;

struct AgentOptions
{
    QStringList tags;                               // this agent's tags (pipelines with an agent_tag need it)
    qint64 leaseMs = kDefaultLeaseMs;               // lease of the locks of the runs it executes
    qint64 heartbeatMs = kAgentHeartbeatMs;
    qint64 graceMs = SlotPlanner::kDefaultGraceMs;  // a slot later than this is "missed" (policy applies)
    int catchUpCap = SlotPlanner::kDefaultCatchUpCap;
    QString host;                                   // empty: this machine's host name
    QString version;                                // empty: the application's version
    // The clock, UTC epoch ms. Empty: the system clock, and the agent wakes itself (a wall-clock timer
    // aimed at the earliest due instant, never longer than 60 s). Set (tests): nothing wakes the agent
    // by itself; the caller drives it with runPass().
    std::function<qint64()> now;
    bool notify = true;                             // notify the org's channels after each finished run
    bool wakeItself = true;                         // with the system clock: wake for passes by itself (false: `--once`)
    bool watchSleep = true;                         // with the system clock: follow logind's suspend/resume
};

// What one scheduling pass did (for tests, logs and `--once`).
struct PassReport
{
    int claimed = 0;            // runs this agent took to execute (new slots and queued runs); a run refused for
                                // held locks goes back to the queue and may be claimed again by a later pass
    int finished = 0;           // runUntilIdle(): runs executed to a final status
    int skippedRecorded = 0;    // slots recorded as skipped (missed, or overlap policy skip)
    int queued = 0;             // slot runs left queued behind a held lock (overlap queue / replace)
    int lostToOthers = 0;       // slots another agent had already taken
    int crashedByExpiry = 0;    // runs of dead holders this pass marked crashed
    int cancelRequested = 0;    // holders asked to stop (overlap replace)
};

// The scheduling agent (DESIGN.md §1 "Schedules" and "Agents"): registers itself, heartbeats, plans each
// scheduled pipeline's due slots (SlotPlanner, resuming after RunStore::latestSlot), records every slot it
// will not run as a skipped run with the reason, claims due slots by creating their run (the UNIQUE slot
// key decides among agents), claims queued runs dispatched to agents (honouring agent tags), and executes
// what it claimed with PipelineRunner. When a pipeline's locks are held by another run, its overlap
// policy decides: queue (the run waits, queued, for any agent), skip (a skipped run naming the holder),
// replace (the holder is asked to cancel, then queue). Every pass first frees the locks of dead holders
// (LockStore::expireStale), so their runs become `crashed` within a lease plus a wake-up.
//
// It never polls: between passes it sleeps until the earliest of the next due slot, the earliest lease
// expiry of a lock held by another process (at most lease/3 away while any is held), the next heartbeat
// (done by the pass itself, so an idle agent wakes once a minute), and 60 s. A database that fails is logged and retried with backoff; runs already executing go on
// (the runner retries its own writes).
//
// Uses the given Database (the calling thread's) for everything, runs included; it must outlive the agent.
class Agent : public QObject
{
    Q_OBJECT
public:
    struct RunningRun
    {
        qint64 runId = 0;
        QString pipelineName;
        qint64 scheduledFor = 0;
        qint64 startedAtMs = 0;         // the agent's clock
    };
    struct NextRun
    {
        qint64 pipelineId = 0;
        QString pipelineName;
        qint64 dueMs = 0;
    };

    Agent(Database &db, AgentOptions options, QObject *parent = nullptr);
    ~Agent() override;

    // Registers the agent and loads the scheduled pipelines; with the system clock it also starts waking
    // itself (the first pass runs at once from the event loop). An error leaves nothing registered.
    [[nodiscard]] Result<void> start();
    // Stops claiming and planning, lets the runs it executes finish (or, with cancelRuns, asks them to
    // cancel), then marks the agent stopped. Completes once no run is executing and the agent is stopped.
    [[nodiscard]] QCoro::Task<void> stop(bool cancelRuns = false);
    // Asks every run this agent executes to cancel (they end `cancelled` and free their locks).
    void cancelRuns();

    // One scheduling pass now: expire stale locks, reload pipelines if they changed, plan, record
    // skipped slots, claim and start due runs and claimable queued runs. Runs it starts go on after
    // it returns. An Error (the database failed) means the pass stopped where it failed; a later pass
    // resumes (nothing is lost: slots are planned again from the store).
    [[nodiscard]] Result<PassReport> runPass();
    // Passes until a pass starts nothing and no run is executing: the work of `--once`.
    [[nodiscard]] QCoro::Task<Result<PassReport>> runUntilIdle();

    // Pausing stops planning and claiming (runs executing go on; stale locks are still expired).
    // Resuming plans at once; slots missed while paused follow the missed-run policy.
    void setPaused(bool paused);
    [[nodiscard]] bool isPaused() const { return m_paused; }

    // The machine is about to sleep: stop claiming (returns true when nothing runs, so the caller can
    // let its delay inhibitor go at once; otherwise drained() tells when). resumed(): plan again now.
    bool prepareForSleep();
    void handleResumed();
    // The wall clock jumped: plan again now.
    void handleClockChanged();

    [[nodiscard]] qint64 agentId() const { return m_agentId; }
    [[nodiscard]] QList<RunningRun> running() const { return m_running.values(); }
    [[nodiscard]] QList<NextRun> nextRuns(int count) const;
    [[nodiscard]] qint64 nowMs() const;
    // When the agent will next wake by itself (its clock), 0 when it does not wake itself.
    [[nodiscard]] qint64 nextWakeMs() const { return m_nextWakeMs; }
    // How many times the agent woke by itself for a pass (timer, clock change, resume, a finished run).
    [[nodiscard]] quint64 wakeUps() const { return m_wakeUps; }

Q_SIGNALS:
    // A run this agent executes took its locks and is running.
    void runStarted(qint64 runId, const QString &pipelineName);
    // A task process of a run this agent executes is running (forwarded from PipelineRunner).
    void taskProcessStarted(qint64 runId, qint64 taskRunId, qint64 pid);
    // A run this agent executed reached its final status (not for a run refused for held locks).
    void runFinished(qint64 runId, sluice::RunStatus status);
    // The next runs, the running runs or the paused state changed (the tray refreshes).
    void stateChanged();
    // A problem worth a log line (database down, a heartbeat refused); the agent keeps going.
    void warning(const QString &message);
    // No run is executing any more after stop() or prepareForSleep() asked to drain.
    void drained();
    // A run this agent took is no longer executing (finished, or refused for held locks).
    void runSettled();

private:
    struct PipelineState
    {
        ScheduledPipeline pipeline;
        std::optional<SlotPlanner> planner;
        qint64 resumeAfterMs = 0;       // the last slot this agent handled (0: ask the store)
    };

    Result<void> reloadPipelines(bool force);
    Result<void> planPipeline(PipelineState &state, qint64 now, PassReport &report);
    Result<void> claimSlot(PipelineState &state, qint64 slot, QList<qint64> &planRuns, PassReport &report);
    Result<void> claimQueued(PassReport &report);
    Result<QList<TaskLockStatus>> holdersOf(const PipelineState &state);
    void handleBlocked(qint64 runId, std::optional<qint64> pipelineId, bool fromSlot, const Error &error);
    void giveBack(qint64 runId);
    void launch(qint64 runId, const QString &pipelineName, qint64 scheduledFor, std::optional<qint64> pipelineId, bool fromSlot);
    QCoro::Task<void> execute(qint64 runId, QString pipelineName, qint64 scheduledFor, std::optional<qint64> pipelineId, bool fromSlot);
    void heartbeat();
    void checkpointWhileIdle();
    void wake();
    void arm(qint64 foreignExpiryMs);
    void passSoon();
    QString requestedBy() const;

    Database &m_db;
    AgentOptions m_options;
    AgentStore m_agents;
    RunStore m_runs;
    LockStore m_locks;
    std::unique_ptr<Notifier> m_notifier;
    std::shared_ptr<KeychainMemo> m_keychain = std::make_shared<KeychainMemo>();   // shared by this agent's runs
    qint64 m_agentId = 0;
    QHash<qint64, std::shared_ptr<PipelineState>> m_pipelines;
    ScheduleQueue m_queue;
    std::optional<PipelinesVersion> m_version;
    QHash<qint64, RunningRun> m_running;
    Latch m_idle{this};                 // open while no run is executing
    QHash<qint64, QPointer<PipelineRunner>> m_runners;
    QList<qint64> m_blockedClaims;      // queued runs claimed this pass whose locks were held
    QTimer *m_wakeTimer = nullptr;      // "pass soon", and the fallback when no timerfd is available
    WallTimer *m_wallTimer = nullptr;   // with the system clock: sleeps until the next wake (<= 60 s)
    SleepWatcher *m_sleepWatcher = nullptr;
    quint64 m_wakeUps = 0;
    qint64 m_lastHeartbeatMs = 0;       // the agent's clock; passes heartbeat when heartbeatMs has passed
    qint64 m_nextWakeMs = 0;
    qint64 m_backoffMs = 0;
    bool m_started = false;
    bool m_paused = false;
    bool m_stopping = false;
    bool m_asleep = false;
    bool m_replanAll = true;
    bool m_inPass = false;
    bool m_followUp = false;            // the last pass saw other agents at work: look again within lease/3
    int m_finishedCount = 0;           // runs that ran to a final status (not refused for a held lock)
    MissedCause m_cause = MissedCause::NoAgent;
};

} // namespace sluice
