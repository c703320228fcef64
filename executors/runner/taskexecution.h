#pragma once

#include "airbyte/airbyteclient.h"
#include "airbyte/airbytesync.h"
#include "dbt/dbtoperation.h"
#include "git/gitjob.h"
#include "process/processjob.h"
#include "retryadvice.h"
#include "store/runstore.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>

#include <chrono>
#include <optional>

class QTimer;

namespace sluice {

class AirbyteClient;

// One task attempt, ready to run: exactly one of the executors is filled in (see PipelineRunner,
// which builds it from the org task, the catalog and the org's workspace/warehouse/secrets).
struct TaskLaunch
{
    enum class Kind { Shell, Dbt, Git, AirbyteSync };
    Kind kind = Kind::Shell;
    ProcessSpec process;                    // Shell
    DbtSpec dbt;                            // Dbt
    GitJobSpec git;                         // Git
    QPointer<AirbyteClient> airbyte;        // AirbyteSync
    QString connectionId;
    AirbyteSyncOptions airbyteOptions;
    std::chrono::milliseconds timeout{0};   // the attempt's time limit; 0: none
};

// How one attempt ended, in task_run terms.
struct TaskOutcome
{
    Outcome outcome = Outcome::FailedToStart;
    TaskRunResult result;                   // status successful|warning|failed|cancelled, exit code, summary, error
    QList<DbtNodeRecord> nodes;             // dbt's per-node results, if any
    RetryAdvice retry;                      // for a failure: whether another attempt may pass
};

// Runs one TaskLaunch. Contract (a job object like its executors):
// - start() once; cancel() any time (before start: start() finishes cancelled without running).
// - lineReceived for every output line of the executor (and a few lines Sluice writes about an Airbyte
//   job or a git operation), in order.
// - finished exactly once per start(), always from the event loop: success → successful (dbt with only
//   test failures/warnings → warning); a time limit → failed with errorKind "timeout" (the executor is
//   cancelled: process group SIGTERM → SIGKILL, the Airbyte job cancelled on the server); cancel() →
//   cancelled; anything else → failed with errorKind exit-code | crashed | start-failed | failed.
class TaskExecution : public QObject
{
    Q_OBJECT
public:
    explicit TaskExecution(TaskLaunch launch, QObject *parent = nullptr);
    ~TaskExecution() override;

    void start();
    void cancel();

Q_SIGNALS:
    // A shell or dbt task's process is running (not emitted for git and Airbyte tasks, which run in-process).
    void processStarted(qint64 pid);
    void lineReceived(const sluice::OutputLine &line);
    void finished(const sluice::TaskOutcome &outcome);

private:
    void stopForTimeout();
    void finish(TaskOutcome outcome);
    void note(const QString &text, bool isStderr = false);
    TaskOutcome fromProcess(const ProcessResult &r);
    TaskOutcome fromDbt(const DbtResult &r);
    TaskOutcome fromGit(const GitJobResult &r);
    TaskOutcome fromAirbyte(const AirbyteSyncResult &r);

    TaskLaunch m_launch;
    ProcessJob *m_process = nullptr;
    DbtOperation *m_dbt = nullptr;
    GitJob *m_git = nullptr;
    AirbyteSync *m_sync = nullptr;
    QTimer *m_timeout = nullptr;
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelled = false;
    bool m_timedOut = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::TaskOutcome)
