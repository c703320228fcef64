#pragma once

#include "taskjob.h"

#include <QObject>

class QTimer;

namespace sluice {

// Runs one TaskLaunch through its TaskJob, with the attempt's time limit. Contract (a job object like
// its executors):
// - start() once; cancel() any time (before start: start() finishes cancelled without running).
// - lineReceived for every output line of the job, in order.
// - finished exactly once per start(), always from the event loop: success → successful (dbt with only
//   test failures/warnings → warning); the time limit → failed with errorKind timeout (the job is
//   cancelled: process group SIGTERM → SIGKILL, the Airbyte job cancelled on the server); cancel() →
//   cancelled; anything else → failed with the job's error kind.
class TaskExecution : public QObject
{
    Q_OBJECT
public:
    explicit TaskExecution(TaskLaunch launch, QObject *parent = nullptr);
    ~TaskExecution() override;

    void start();
    void cancel();

Q_SIGNALS:
    void processStarted(qint64 pid);
    void lineReceived(const sluice::OutputLine &line);
    void finished(const sluice::TaskOutcome &outcome);

private:
    void stopForTimeout();
    void finish(TaskOutcome outcome);
    void note(const QString &text, bool isStderr = false);

    TaskLaunch m_launch;
    TaskJob *m_job = nullptr;
    QTimer *m_timeout = nullptr;
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelled = false;
    bool m_timedOut = false;
};

} // namespace sluice
