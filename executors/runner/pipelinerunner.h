#pragma once

#include "airbyte/airbytesync.h"
#include "domain/entities.h"
#include "keychainmemo.h"
#include "logwriter.h"
#include "orgsetup.h"
#include "secrets/secretscrubber.h"
#include "secrets/secretstore.h"
#include "sleep.h"
#include "store/lockstore.h"
#include "store/runholder.h"
#include "store/runstore.h"
#include "taskexecution.h"

#include <QCoro/QCoroTask>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTemporaryDir>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace sluice {

class AirbyteClient;
class Database;
class LeaseKeeper;
struct RetryRule;

struct RunnerOptions
{
    QString lockedBy;                               // the locks' holder: a user ("alice@laptop") or "scheduler@<host>"
    std::optional<qint64> holderAgentId;            // the agent executing the run, if any
    qint64 leaseMs = kDefaultLeaseMs;               // renewed every leaseMs/3
    std::chrono::milliseconds cancelPoll{1000};     // how often a cancel requested elsewhere is looked for
    std::chrono::milliseconds killGrace{5000};      // SIGTERM → SIGKILL for processes
    SleepFunction sleep;                            // waits before a retry; empty: realSleep()
    SleepFunction dbRetrySleep;                     // waits between tries of a failed database write; empty: realSleep()
    std::function<double()> jitter;                 // a number in [0, 1) for backoff jitter; empty: random
    LogWriterOptions log;
    std::optional<SecretStore> secrets = SecretStore(); // the keychain; nullopt: never asked (no task then gets a secret)
    // Once the keychain is found unreachable (SecretStore::isUnavailable), runs sharing `keychain` skip
    // the per-run lookup of the org's secrets (for masking) for this long, and the problem is logged
    // once, not per run, until the keychain answers again. A secret a task needs is still asked for;
    // when that succeeds the org's secrets are loaded for masking at once. 0: ask every run and log
    // every failure.
    std::chrono::milliseconds unavailableKeychainRecheck{60000};
    // Shared by the runners of one owner (the agent, the runs service); empty: this runner's own.
    std::shared_ptr<KeychainMemo> keychain;
    QPointer<AirbyteClient> airbyte;                // for Airbyte tasks; null: built from the (only) Airbyte server in the store
    AirbyteSyncOptions airbyteSync;
    QString actor = QStringLiteral("sluice");       // for the stores the runner reads
};

// Executes one run that is queued in the store (RunStore::createRun; a pipeline run or a manual run of
// one org task — the same path), on the calling thread's event loop and database connection.
//
// run() contract:
// - The run must be queued. It takes ALL the run's org task locks in one LockStore::acquire. When any
//   is held, run() returns that Error::Conflict (its message names the holder and since when) and
//   changes nothing: the run row stays queued and its fate is the caller's policy (a manual run: the
//   caller deletes or records it; the agent: the pipeline's overlap policy). No signal fires then.
// - Otherwise the run becomes running and its tasks run in seq order: stop at the first failure (the
//   rest become skipped; run `failed`); a dbt run where only tests failed or warned is a `warning` and
//   the run ends `partial_success`; with continue-on-sync-failure every airbyte-sync is attempted and
//   the run stops before the first other task if any failed; a failed attempt is retried per the
//   pipeline's retry policy (domain/retrypolicy.h), each retry a new task run (RunStore::addAttempt)
//   with its own log, after a wait through options.sleep; the rule's timeout_s limits each attempt.
// - Shell and dbt task processes get the run's context in their environment (never a secret):
//   SLUICE_RUN_ID (the run's uuid), SLUICE_RUN_TRIGGER (manual | scheduled | ...), SLUICE_SCHEDULED_FOR
//   (the slot, ISO-8601 UTC; empty when not scheduled), SLUICE_PIPELINE (its name; empty for a single
//   task run), SLUICE_TASK_SEQ and SLUICE_ATTEMPT (1 for the first attempt).
// - Every output line is scrubbed of the org's secrets, emitted (lineAppended) and stored (LogWriter).
// - cancel() (or a cancel requested in the store by another process, polled every cancelPoll) stops
//   the current task (process group SIGTERM → SIGKILL, the Airbyte job cancelled on the server), ends a
//   retry wait at once, and the run ends `cancelled` with the remaining tasks cancelled.
// - run() completes with the final status: successful | partial_success | failed | cancelled, or
//   `crashed` when the lease was lost (then the runner writes nothing more: whoever expired the lease
//   has recorded the run as crashed). Database writes that fail (database unreachable) are retried
//   with backoff until they succeed or the lease is lost; the locks are released at the end.
// - runFinished fires exactly once for every run() that did not return an Error, right before it
//   completes (also for a run found already cancelled, or cancelled before its locks were taken).
class PipelineRunner : public QObject
{
    Q_OBJECT
public:
    PipelineRunner(Database &db, qint64 runId, RunnerOptions options, QObject *parent = nullptr);
    ~PipelineRunner() override;

    [[nodiscard]] QCoro::Task<Result<RunStatus>> run();
    // Any time; a second call does nothing. Before run(): run() cancels the queued run at once.
    void cancel();

    [[nodiscard]] qint64 runId() const { return m_runId; }
    [[nodiscard]] qint64 fence() const { return m_fence; }
    [[nodiscard]] QString statusReason() const { return m_reason; }

Q_SIGNALS:
    void runStarted(qint64 runId);
    void taskStarted(qint64 runId, qint64 taskRunId, int seq, int attempt, const QString &slug);
    void lineAppended(qint64 taskRunId, const sluice::LogLine &line);
    // The task's process is running (shell and dbt tasks; git and Airbyte work runs in this process).
    void taskProcessStarted(qint64 runId, qint64 taskRunId, qint64 pid);
    void taskFinished(qint64 runId, qint64 taskRunId, sluice::TaskRunStatus status);
    void runFinished(qint64 runId, sluice::RunStatus status);
    void leaseLost(qint64 runId, const QString &why);
    // Internal: wakes a retry wait (its sleep ended, or cancel / lease lost).
    void wakeUp();

private:
    struct PipelineSettings;

    QCoro::Task<RunStatus> execute(const RunRecord &record);
    QCoro::Task<TaskOutcome> runTask(const TaskRunRecord &task, const RetryRule &rule);
    QCoro::Task<Result<TaskLaunch>> prepare(const TaskRunRecord &task, int attempt, const RetryRule &rule);
    [[nodiscard]] QMap<QString, QString> runEnvironment(const TaskRunRecord &task, int attempt) const;
    // The run's org tasks, read once per run (each is configured as it was when its first step ran).
    Result<OrgTask> orgTask(qint64 id);
    QCoro::Task<void> loadSecrets();
    // A secret of the keychain (remembered for masking): std::nullopt when it is not set (or the runner
    // has no keychain), the keychain's error when it could not be read.
    QCoro::Task<Result<std::optional<QString>>> secret(const QString &key);
    // secret(), for the shared setup of dbt and git (orgsetup.h).
    SecretLookup secretLookup();
    struct ClientRef { AirbyteClient *client = nullptr; };
    QCoro::Task<Result<ClientRef>> airbyteClient();
    QCoro::Task<void> waitForRetry(qint64 ms);
    QCoro::Task<bool> persist(std::function<Result<void>()> write);
    QCoro::Task<std::optional<qint64>> persistId(std::function<Result<qint64>()> write);
    void handleLeaseLost(const QString &why);
    RunStatus finishStatus(RunStatus status);

    Database &m_db;
    qint64 m_runId = 0;
    RunnerOptions m_options;
    RunStore m_runs;
    LockStore m_locks;
    std::optional<RunHolder> m_holder;              // once the locks are taken: the run's fenced writes
    SecretScrubber m_scrubber;
    std::unique_ptr<PipelineSettings> m_settings;
    QHash<qint64, OrgTask> m_orgTasks;
    LeaseKeeper *m_keeper = nullptr;
    QPointer<TaskExecution> m_current;
    AirbyteClient *m_ownAirbyte = nullptr;
    std::unique_ptr<QTemporaryDir> m_privateDir;    // the dbt profile, 0700, removed with the runner
    RunSummary m_run;                               // the run as loaded by run(): uuid, trigger, slot, pipeline name
    QString m_orgSlug;
    qint64 m_orgId = 0;
    qint64 m_fence = 0;
    QString m_reason;
    bool m_started = false;
    bool m_cancelRequested = false;
    bool m_leaseLost = false;
    bool m_waitDone = false;
    bool m_secretsSkipped = false;                  // loadSecrets() did not read the org's secrets
    quint64 m_waitGeneration = 0;
};

} // namespace sluice
