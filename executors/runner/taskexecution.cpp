#include "taskexecution.h"

#include <QDateTime>
#include <QTimer>

namespace sluice {

namespace {

QString statusOf(Outcome o)
{
    switch (o) {
    case Outcome::Success: return QStringLiteral("successful");
    case Outcome::Canceled: return QStringLiteral("cancelled");
    default: return QStringLiteral("failed");
    }
}

QString errorKindOf(Outcome o)
{
    switch (o) {
    case Outcome::Success: return {};
    case Outcome::Failed: return QStringLiteral("exit-code");
    case Outcome::Crashed: return QStringLiteral("crashed");
    case Outcome::TimedOut: return QStringLiteral("timeout");
    case Outcome::Canceled: return QStringLiteral("cancelled");
    case Outcome::FailedToStart: return QStringLiteral("start-failed");
    }
    return QStringLiteral("failed");
}

QString firstLine(const QString &text)
{
    const QString t = text.trimmed();
    const qsizetype nl = t.indexOf(QLatin1Char('\n'));
    return nl < 0 ? t : t.left(nl);
}

} // namespace

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
        o.result.status = QStringLiteral("cancelled");
        o.result.errorKind = QStringLiteral("cancelled");
        o.result.errorDetail = QStringLiteral("cancelled before it started");
        QTimer::singleShot(0, this, [this, o] { finish(o); });
        return;
    }
    if (m_launch.timeout.count() > 0)
        m_timeout->start(m_launch.timeout);

    switch (m_launch.kind) {
    case TaskLaunch::Kind::Shell:
        m_process = new ProcessJob(m_launch.process, this);
        connect(m_process, &ProcessJob::started, this, &TaskExecution::processStarted);
        connect(m_process, &ProcessJob::lineReceived, this, &TaskExecution::lineReceived);
        connect(m_process, &ProcessJob::finished, this, [this](const ProcessResult &r) { finish(fromProcess(r)); });
        m_process->start();
        break;
    case TaskLaunch::Kind::Dbt:
        m_dbt = new DbtOperation(m_launch.dbt, this);
        connect(m_dbt, &DbtOperation::started, this, &TaskExecution::processStarted);
        connect(m_dbt, &DbtOperation::logLine, this, &TaskExecution::lineReceived);
        connect(m_dbt, &DbtOperation::finished, this, [this](const DbtResult &r) { finish(fromDbt(r)); });
        m_dbt->start();
        break;
    case TaskLaunch::Kind::Git:
        m_git = new GitJob(m_launch.git, this);
        connect(m_git, &GitJob::finished, this, [this](const GitJobResult &r) { finish(fromGit(r)); });
        note(QStringLiteral("git: updating %1 (branch %2) in %3").arg(m_launch.git.url, m_launch.git.branch, m_launch.git.path));
        m_git->start();
        break;
    case TaskLaunch::Kind::AirbyteSync:
        m_sync = new AirbyteSync(m_launch.airbyte.data(), m_launch.connectionId, m_launch.airbyteOptions, this);
        connect(m_sync, &AirbyteSync::jobStarted, this, [this](qint64 jobId, bool attached) {
            note(attached ? QStringLiteral("Airbyte: a sync of connection %1 was already running; following job %2").arg(m_launch.connectionId).arg(jobId)
                          : QStringLiteral("Airbyte: started sync job %2 of connection %1").arg(m_launch.connectionId).arg(jobId));
        });
        connect(m_sync, &AirbyteSync::statusChanged, this, [this](const QString &status) { note(QStringLiteral("Airbyte: job %1").arg(status)); });
        connect(m_sync, &AirbyteSync::finished, this, [this](const AirbyteSyncResult &r) { finish(fromAirbyte(r)); });
        note(QStringLiteral("Airbyte: syncing connection %1").arg(m_launch.connectionId));
        m_sync->start();
        break;
    }
}

void TaskExecution::cancel()
{
    if (m_finished || m_cancelled)
        return;
    m_cancelled = true;
    if (m_process)
        m_process->cancel();
    if (m_dbt)
        m_dbt->cancel();
    if (m_git)
        m_git->cancel();
    if (m_sync)
        m_sync->cancel();
}

void TaskExecution::stopForTimeout()
{
    if (m_finished || m_cancelled)
        return;
    m_timedOut = true;
    note(QStringLiteral("Sluice: the task reached its time limit of %1 s; stopping it").arg(double(m_launch.timeout.count()) / 1000.0), true);
    if (m_process)
        m_process->cancel();
    if (m_dbt)
        m_dbt->cancel();
    if (m_git)
        m_git->cancel();
    if (m_sync)
        m_sync->cancel();
}

void TaskExecution::finish(TaskOutcome outcome)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout->stop();
    if (m_timedOut && !m_cancelled && outcome.outcome != Outcome::Success) {
        outcome.outcome = Outcome::TimedOut;
        outcome.result.status = QStringLiteral("failed");
        outcome.result.errorKind = QStringLiteral("timeout");
        outcome.result.errorDetail = QStringLiteral("stopped after its time limit of %1 s").arg(double(m_launch.timeout.count()) / 1000.0);
        outcome.retry = RetryAdvice::transient(QStringLiteral("it ran out of time"));
    }
    Q_EMIT finished(outcome);
}

TaskOutcome TaskExecution::fromProcess(const ProcessResult &r)
{
    TaskOutcome o;
    o.outcome = r.outcome;
    o.result.status = statusOf(r.outcome);
    if (r.outcome == Outcome::Success || r.outcome == Outcome::Failed)
        o.result.exitCode = r.exitCode;
    o.result.errorKind = errorKindOf(r.outcome);
    o.result.errorDetail = firstLine(r.errorText);
    o.retry = adviseAfter(r);
    return o;
}

TaskOutcome TaskExecution::fromDbt(const DbtResult &r)
{
    TaskOutcome o;
    o.outcome = r.outcome;
    o.result.status = r.outcome == Outcome::Success && r.warning ? QStringLiteral("warning") : statusOf(r.outcome);
    if (r.exitCode >= 0 && (r.outcome == Outcome::Success || r.outcome == Outcome::Failed))
        o.result.exitCode = r.exitCode;
    o.result.errorKind = errorKindOf(r.outcome);
    o.result.errorDetail = firstLine(r.errorText);
    DbtStats stats = r.stats;
    if (!r.hasStats) {
        for (const DbtNodeResult &n : r.nodes) {
            const QString s = n.status;
            if (s == QLatin1String("success") || s == QLatin1String("pass"))
                ++stats.pass;
            else if (s == QLatin1String("warn"))
                ++stats.warn;
            else if (s == QLatin1String("skipped"))
                ++stats.skip;
            else
                ++stats.error;
            ++stats.total;
        }
    }
    o.result.summary = QJsonObject{{QStringLiteral("pass"), stats.pass},
                                   {QStringLiteral("warn"), stats.warn},
                                   {QStringLiteral("error"), stats.error},
                                   {QStringLiteral("skip"), stats.skip},
                                   {QStringLiteral("total"), stats.total}};
    if (!r.invocationId.isEmpty())
        o.result.summary.insert(QStringLiteral("invocation_id"), r.invocationId);
    if (!r.runResultsNote.isEmpty())
        o.result.summary.insert(QStringLiteral("run_results_note"), r.runResultsNote);
    for (const DbtNodeResult &n : r.nodes)
        o.nodes.append(DbtNodeRecord{n.uniqueId, n.status, n.executionTime, n.message, n.failures});
    o.retry = adviseAfter(r);
    return o;
}

TaskOutcome TaskExecution::fromGit(const GitJobResult &r)
{
    TaskOutcome o;
    o.outcome = r.outcome;
    o.result.status = statusOf(r.outcome);
    o.result.errorKind = r.outcome == Outcome::Failed ? QStringLiteral("git") : errorKindOf(r.outcome);
    o.result.errorDetail = firstLine(r.errorText);
    o.retry = adviseAfter(r);
    o.result.summary = QJsonObject{{QStringLiteral("old_commit"), r.before.sha},
                                   {QStringLiteral("new_commit"), r.after.sha},
                                   {QStringLiteral("cloned"), r.cloned},
                                   {QStringLiteral("fast_forwarded"), r.fastForwarded}};
    if (r.outcome == Outcome::Success)
        note(r.cloned ? QStringLiteral("git: cloned at %1 %2").arg(r.after.sha.left(12), r.after.summary)
                      : QStringLiteral("git: %1 → %2 %3").arg(r.before.sha.left(12), r.after.sha.left(12), r.after.summary));
    else
        note(QStringLiteral("git: %1").arg(r.errorText), true);
    return o;
}

TaskOutcome TaskExecution::fromAirbyte(const AirbyteSyncResult &r)
{
    TaskOutcome o;
    o.outcome = r.outcome;
    o.result.status = statusOf(r.outcome);
    o.result.errorKind = r.outcome == Outcome::Failed ? QStringLiteral("airbyte") : errorKindOf(r.outcome);
    o.result.errorDetail = firstLine(r.errorText);
    o.retry = adviseAfter(r);
    o.result.summary = QJsonObject{{QStringLiteral("job_id"), r.jobId},
                                   {QStringLiteral("job_status"), r.jobStatus},
                                   {QStringLiteral("attached"), r.attached},
                                   {QStringLiteral("records_synced"), r.recordsSynced},
                                   {QStringLiteral("bytes_synced"), r.bytesSynced}};
    note(QStringLiteral("Airbyte: job %1 %2, %3 records, %4 bytes").arg(r.jobId).arg(r.jobStatus.isEmpty() ? toString(r.outcome) : r.jobStatus)
             .arg(r.recordsSynced).arg(r.bytesSynced),
         r.outcome != Outcome::Success);
    return o;
}

} // namespace sluice
