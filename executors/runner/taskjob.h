#pragma once

#include "airbyte/airbyteclient.h"
#include "airbyte/airbytesync.h"
#include "dbt/dbtoperation.h"
#include "domain/runs.h"
#include "git/gitjob.h"
#include "process/processjob.h"
#include "retryadvice.h"

#include <QObject>
#include <QPointer>

#include <chrono>
#include <memory>

namespace sluice {

// One task attempt, ready to run: exactly one of the executors is filled in (see PipelineRunner,
// which builds it from the org task, the catalog and the org's workspace/warehouse/secrets).
struct TaskLaunch
{
    enum class Kind { Shell, Dbt, Git, Airbyte };
    Kind kind = Kind::Shell;
    ProcessSpec process;                    // Shell
    DbtSpec dbt;                            // Dbt
    GitJobSpec git;                         // Git
    QPointer<AirbyteClient> airbyte;        // Airbyte: sync, reset or clear (airbyteOptions.operation)
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

// One attempt's work, whichever executor does it — a process, dbt, a git transfer, an Airbyte job — as
// one job object: start() once, cancel() any time, every output line in order (the executor's own, and
// a few lines Sluice writes about a git transfer or an Airbyte job), and exactly one finished() with
// the attempt's outcome, always from the event loop.
class TaskJob : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    virtual void start() = 0;
    virtual void cancel() = 0;

    // The job for `launch`, as a child of `parent`.
    [[nodiscard]] static TaskJob *create(const TaskLaunch &launch, QObject *parent);

Q_SIGNALS:
    // A shell or dbt task's process is running (git and Airbyte work runs in this process).
    void processStarted(qint64 pid);
    void lineReceived(const sluice::OutputLine &line);
    void finished(const sluice::TaskOutcome &outcome);

protected:
    void note(const QString &text, bool isStderr = false);
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::TaskOutcome)
