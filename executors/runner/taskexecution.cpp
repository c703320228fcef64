#include "taskexecution.h"

#include <QDateTime>
#include <QTimer>

namespace sluice {

TaskExecution::TaskExecution(TaskLaunch launch, QObject *parent)
    : QObject(parent)
    , m_launch(std::move(launch))
    , m_timeout(new QTimer(this))
{
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, &TaskExecution::stopForTimeout);
}

TaskExecution::~TaskExecution() = default;

void TaskExecution::note(const QString &text, bool isStderr)
{
    Q_EMIT lineReceived(OutputLine{QDateTime::currentMSecsSinceEpoch(), isStderr, text});
}

void TaskExecution::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_cancelled) {
        TaskOutcome o;
        o.outcome = Outcome::Canceled;
        o.result.status = TaskRunStatus::Cancelled;
        o.result.errorKind = TaskErrorKind::Cancelled;
        o.result.errorDetail = QStringLiteral("cancelled before it started");
        QTimer::singleShot(0, this, [this, o] { finish(o); });
        return;
    }
    if (m_launch.timeout.count() > 0)
        m_timeout->start(m_launch.timeout);
    m_job = TaskJob::create(m_launch, this);
    connect(m_job, &TaskJob::processStarted, this, &TaskExecution::processStarted);
    connect(m_job, &TaskJob::lineReceived, this, &TaskExecution::lineReceived);
    connect(m_job, &TaskJob::finished, this, &TaskExecution::finish);
    m_job->start();
}

void TaskExecution::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    if (m_job)
        m_job->cancel();
}

void TaskExecution::stopForTimeout()
{
    if (m_finished || m_cancelled || !m_job)
        return;
    m_timedOut = true;
    note(QStringLiteral("Sluice: the task reached its time limit of %1 s; stopping it").arg(double(m_launch.timeout.count()) / 1000.0), true);
    m_job->cancel();
}

void TaskExecution::finish(TaskOutcome outcome)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout->stop();
    if (m_timedOut && !m_cancelled && outcome.outcome != Outcome::Success) {
        outcome.outcome = Outcome::TimedOut;
        outcome.result.status = TaskRunStatus::Failed;
        outcome.result.errorKind = TaskErrorKind::Timeout;
        outcome.result.errorDetail = QStringLiteral("stopped after its time limit of %1 s").arg(double(m_launch.timeout.count()) / 1000.0);
        outcome.retry = RetryAdvice::transient(QStringLiteral("it ran out of time"));
    }
    Q_EMIT finished(outcome);
}

} // namespace sluice
