#include "taskjob.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>

namespace sluice {

namespace {

TaskRunStatus statusOf(Outcome o)
{
    switch (o) {
    case Outcome::Success: return TaskRunStatus::Successful;
    case Outcome::Canceled: return TaskRunStatus::Cancelled;
    default: return TaskRunStatus::Failed;
    }
}

TaskErrorKind errorKindOf(Outcome o)
{
    switch (o) {
    case Outcome::Success: return TaskErrorKind::None;
    case Outcome::Failed: return TaskErrorKind::ExitCode;
    case Outcome::Crashed: return TaskErrorKind::Crashed;
    case Outcome::TimedOut: return TaskErrorKind::Timeout;
    case Outcome::Canceled: return TaskErrorKind::Cancelled;
    case Outcome::FailedToStart: return TaskErrorKind::StartFailed;
    }
    return TaskErrorKind::Failed;
}

QString firstLine(const QString &text)
{
    const QString t = text.trimmed();
    const qsizetype nl = t.indexOf(QLatin1Char('\n'));
    return nl < 0 ? t : t.left(nl);
}

// A shell command.
class ShellTaskJob : public TaskJob
{
public:
    ShellTaskJob(const ProcessSpec &spec, QObject *parent) : TaskJob(parent), m_job(new ProcessJob(spec, this))
    {
        connect(m_job, &ProcessJob::started, this, &TaskJob::processStarted);
        connect(m_job, &ProcessJob::lineReceived, this, &TaskJob::lineReceived);
        connect(m_job, &ProcessJob::finished, this, [this](const ProcessResult &r) {
            TaskOutcome o;
            o.outcome = r.outcome;
            o.result.status = statusOf(r.outcome);
            if (r.outcome == Outcome::Success || r.outcome == Outcome::Failed)
                o.result.exitCode = r.exitCode;
            o.result.errorKind = errorKindOf(r.outcome);
            o.result.errorDetail = firstLine(r.errorText);
            o.retry = adviseAfter(r);
            Q_EMIT finished(o);
        });
    }
    void start() override { m_job->start(); }
    void cancel() override { m_job->cancel(); }

private:
    ProcessJob *m_job;
};

// dbt: its lines, its counts and per-node results.
class DbtTaskJob : public TaskJob
{
public:
    DbtTaskJob(const DbtSpec &spec, QObject *parent) : TaskJob(parent), m_op(new DbtOperation(spec, this))
    {
        connect(m_op, &DbtOperation::started, this, &TaskJob::processStarted);
        connect(m_op, &DbtOperation::logLine, this, &TaskJob::lineReceived);
        connect(m_op, &DbtOperation::finished, this, [this](const DbtResult &r) { Q_EMIT finished(outcomeOf(r)); });
    }
    void start() override { m_op->start(); }
    void cancel() override { m_op->cancel(); }

private:
    static TaskOutcome outcomeOf(const DbtResult &r)
    {
        TaskOutcome o;
        o.outcome = r.outcome;
        o.result.status = r.outcome == Outcome::Success && r.warning ? TaskRunStatus::Warning : statusOf(r.outcome);
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

    DbtOperation *m_op;
};

// A clone or pull of the workspace; its progress (objects, bytes, checkout) goes into the log as it
// moves — a line at most every second, and when a phase ends.
class GitTaskJob : public TaskJob
{
public:
    GitTaskJob(const GitJobSpec &spec, QObject *parent) : TaskJob(parent), m_spec(spec), m_job(new GitJob(spec, this))
    {
        connect(m_job, &GitJob::progress, this, [this](const GitProgress &p) { reportProgress(p); });
        connect(m_job, &GitJob::finished, this, [this](const GitJobResult &r) { Q_EMIT finished(outcomeOf(r)); });
    }
    void start() override
    {
        note(QStringLiteral("git: updating %1 (branch %2) in %3").arg(m_spec.url, m_spec.branch, m_spec.path));
        m_sinceLine.start();
        m_job->start();
    }
    void cancel() override { m_job->cancel(); }

private:
    void reportProgress(const GitProgress &p)
    {
        const bool transfer = p.phase == GitProgress::Phase::Transfer;
        const qint64 done = transfer ? p.receivedObjects : p.checkoutDone;
        const qint64 total = transfer ? p.totalObjects : p.checkoutTotal;
        const bool phaseEnded = total > 0 && done == total;
        if (total <= 0 || (!phaseEnded && m_sinceLine.elapsed() < 1000) || (phaseEnded && m_endedPhases.contains(int(p.phase))))
            return;
        if (phaseEnded)
            m_endedPhases.append(int(p.phase));
        m_sinceLine.restart();
        const int percent = int(done * 100 / total);
        note(transfer ? QStringLiteral("git: receiving objects %1% (%2/%3), %4")
                            .arg(percent).arg(done).arg(total).arg(QLocale::c().formattedDataSize(p.receivedBytes))
                      : QStringLiteral("git: checking out files %1% (%2/%3)").arg(percent).arg(done).arg(total));
    }

    TaskOutcome outcomeOf(const GitJobResult &r)
    {
        TaskOutcome o;
        o.outcome = r.outcome;
        o.result.status = statusOf(r.outcome);
        o.result.errorKind = r.outcome == Outcome::Failed ? TaskErrorKind::Git : errorKindOf(r.outcome);
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

    GitJobSpec m_spec;
    GitJob *m_job;
    QElapsedTimer m_sinceLine;
    QList<int> m_endedPhases;
};

// An Airbyte job on a connection: a sync, a reset or a clear.
class AirbyteTaskJob : public TaskJob
{
public:
    AirbyteTaskJob(const TaskLaunch &launch, QObject *parent)
        : TaskJob(parent), m_connectionId(launch.connectionId), m_operation(launch.airbyteOptions.operation),
          m_streams(launch.airbyteOptions.streams),
          m_sync(new AirbyteSync(launch.airbyte.data(), launch.connectionId, launch.airbyteOptions, this))
    {
        connect(m_sync, &AirbyteSync::jobStarted, this, [this](qint64 jobId, bool attached) {
            note(attached ? QStringLiteral("Airbyte: a %1 of connection %2 was already running; following job %3").arg(what(), m_connectionId).arg(jobId)
                          : QStringLiteral("Airbyte: started %1 job %2 of connection %3").arg(what()).arg(jobId).arg(m_connectionId));
        });
        connect(m_sync, &AirbyteSync::statusChanged, this, [this](const QString &status) { note(QStringLiteral("Airbyte: job %1").arg(status)); });
        connect(m_sync, &AirbyteSync::finished, this, [this](const AirbyteSyncResult &r) { Q_EMIT finished(outcomeOf(r)); });
    }
    void start() override
    {
        const QString doing = m_operation == AirbyteSyncOptions::Operation::Sync    ? QStringLiteral("syncing")
                              : m_operation == AirbyteSyncOptions::Operation::Reset ? QStringLiteral("resetting")
                                                                                    : QStringLiteral("clearing");
        if (m_streams.isEmpty() || m_operation == AirbyteSyncOptions::Operation::Sync)
            note(QStringLiteral("Airbyte: %1 connection %2").arg(doing, m_connectionId));
        else
            note(QStringLiteral("Airbyte: %1 the streams %2 of connection %3").arg(doing, streamRefsWords(m_streams), m_connectionId));
        m_sync->start();
    }
    void cancel() override { m_sync->cancel(); }

private:
    QString what() const
    {
        switch (m_operation) {
        case AirbyteSyncOptions::Operation::Sync: return QStringLiteral("sync");
        case AirbyteSyncOptions::Operation::Reset: return QStringLiteral("reset");
        case AirbyteSyncOptions::Operation::Clear: return QStringLiteral("clear");
        }
        return {};
    }

    TaskOutcome outcomeOf(const AirbyteSyncResult &r)
    {
        TaskOutcome o;
        o.outcome = r.outcome;
        o.result.status = statusOf(r.outcome);
        o.result.errorKind = r.outcome == Outcome::Failed ? TaskErrorKind::Airbyte : errorKindOf(r.outcome);
        o.result.errorDetail = firstLine(r.errorText);
        o.retry = adviseAfter(r);
        o.result.summary = QJsonObject{{QStringLiteral("job_id"), r.jobId},
                                       {QStringLiteral("job_status"), r.jobStatus},
                                       {QStringLiteral("attached"), r.attached},
                                       {QStringLiteral("records_synced"), r.recordsSynced},
                                       {QStringLiteral("bytes_synced"), r.bytesSynced}};
        if (m_operation != AirbyteSyncOptions::Operation::Sync)
            o.result.summary.insert(QStringLiteral("operation"), what());
        note(QStringLiteral("Airbyte: job %1 %2, %3 records, %4 bytes").arg(r.jobId).arg(r.jobStatus.isEmpty() ? toString(r.outcome) : r.jobStatus)
                 .arg(r.recordsSynced).arg(r.bytesSynced),
             r.outcome != Outcome::Success);
        return o;
    }

    QString m_connectionId;
    AirbyteSyncOptions::Operation m_operation;
    QList<StreamRef> m_streams;
    AirbyteSync *m_sync;
};

} // namespace

void TaskJob::note(const QString &text, bool isStderr)
{
    Q_EMIT lineReceived(OutputLine{QDateTime::currentMSecsSinceEpoch(), isStderr, text});
}

TaskJob *TaskJob::create(const TaskLaunch &launch, QObject *parent)
{
    switch (launch.kind) {
    case TaskLaunch::Kind::Shell: return new ShellTaskJob(launch.process, parent);
    case TaskLaunch::Kind::Dbt: return new DbtTaskJob(launch.dbt, parent);
    case TaskLaunch::Kind::Git: return new GitTaskJob(launch.git, parent);
    case TaskLaunch::Kind::Airbyte: return new AirbyteTaskJob(launch, parent);
    }
    return nullptr;
}

} // namespace sluice
