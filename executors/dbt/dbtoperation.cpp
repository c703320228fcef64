#include "dbtoperation.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

namespace sluice {

Q_LOGGING_CATEGORY(lcDbt, "sluice.exec.dbt")

namespace {

constexpr qsizetype kStderrTailLines = 20;

bool isErrorStatus(const QString &s)
{
    return s == QLatin1String("error") || s == QLatin1String("runtime error") || s == QLatin1String("partial success");
}

bool isTestProblem(const QString &s)
{
    return s == QLatin1String("fail") || s == QLatin1String("warn");
}

} // namespace

QString DbtResult::status() const
{
    if (outcome == Outcome::Success)
        return warning ? QStringLiteral("warning") : QStringLiteral("success");
    switch (outcome) {
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::Crashed: return QStringLiteral("crashed");
    case Outcome::TimedOut: return QStringLiteral("timed out");
    case Outcome::Canceled: return QStringLiteral("canceled");
    case Outcome::FailedToStart: return QStringLiteral("failed to start");
    case Outcome::Success: break;
    }
    return QStringLiteral("failed");
}

DbtOperation::DbtOperation(DbtSpec spec, QObject *parent) : QObject(parent), m_spec(std::move(spec))
{
    qRegisterMetaType<sluice::DbtEvent>();
    qRegisterMetaType<sluice::DbtProgress>();
    qRegisterMetaType<sluice::DbtResult>();
}

DbtOperation::~DbtOperation() = default;

Result<QString> DbtOperation::findDbt(const QString &configured, const QMap<QString, QString> &environment)
{
    if (!configured.isEmpty()) {
        const QFileInfo fi(configured);
        if (fi.isAbsolute()) {
            if (fi.isFile() && fi.isExecutable())
                return fi.absoluteFilePath();
            return fail(Error::notFound(QStringLiteral("the workspace's dbt executable %1 does not exist or is not executable; "
                                                       "fix it with `sluicectl workspace set --org SLUG --dbt PATH`").arg(configured)));
        }
    }
    const QString name = configured.isEmpty() ? QStringLiteral("dbt") : configured;
    const QString path = environment.contains(QStringLiteral("PATH")) ? environment.value(QStringLiteral("PATH"))
                                                                       : QProcessEnvironment::systemEnvironment().value(QStringLiteral("PATH"));
    const QString found = QStandardPaths::findExecutable(name, path.split(QLatin1Char(':'), Qt::SkipEmptyParts));
    if (found.isEmpty())
        return fail(Error::notFound(QStringLiteral("%1 was not found on PATH; install dbt-core with your warehouse's adapter "
                                                   "(e.g. `pip install dbt-postgres`) or set the workspace's dbt with "
                                                   "`sluicectl workspace set --org SLUG --dbt PATH`").arg(name)));
    return found;
}

QStringList DbtOperation::buildArguments(const DbtSpec &spec)
{
    // The command words ("run", "docs generate") come first, then the log settings, then the user's
    // flags and options, then where the project and profile are. Every value is its own argv entry.
    QStringList args;
    qsizetype i = 0;
    while (i < spec.arguments.size() && !spec.arguments.at(i).startsWith(QLatin1Char('-')))
        args.append(spec.arguments.at(i++));
    args << QStringLiteral("--log-format") << QStringLiteral("json") << QStringLiteral("--no-use-colors");
    args += spec.arguments.mid(i);
    if (!spec.projectDir.isEmpty())
        args << QStringLiteral("--project-dir") << spec.projectDir;
    if (!spec.profilesDir.isEmpty())
        args << QStringLiteral("--profiles-dir") << spec.profilesDir;
    if (!spec.profile.isEmpty())
        args << QStringLiteral("--profile") << spec.profile;
    if (!spec.target.isEmpty())
        args << QStringLiteral("--target") << spec.target;
    return args;
}

void DbtOperation::start()
{
    if (m_startCalled)
        return;
    m_startCalled = true;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_cancelRequested) {
        DbtResult r;
        r.outcome = Outcome::Canceled;
        r.errorText = QStringLiteral("canceled before dbt started");
        r.startedAtMs = r.finishedAtMs = now;
        QTimer::singleShot(0, this, [this, r] { finishWith(r); });
        return;
    }
    auto dbt = findDbt(m_spec.dbtExecutable, m_spec.environment);
    if (!dbt) {
        DbtResult r;
        r.outcome = Outcome::FailedToStart;
        r.errorText = dbt.error().message;
        r.startedAtMs = r.finishedAtMs = now;
        QTimer::singleShot(0, this, [this, r] { finishWith(r); });
        return;
    }

    ProcessSpec ps;
    ps.program = *dbt;
    ps.arguments = buildArguments(m_spec);
    ps.workingDirectory = m_spec.workingDirectory.isEmpty() ? m_spec.projectDir : m_spec.workingDirectory;
    ps.environment = m_spec.environment;
    ps.environment.insert(QStringLiteral("DBT_USE_COLORS"), QStringLiteral("false"));
    // Settings that would change what dbt prints on stdout are ours to decide.
    ps.unsetEnvironment = {QStringLiteral("DBT_LOG_FORMAT"), QStringLiteral("DBT_QUIET"), QStringLiteral("DBT_PRINTER_WIDTH")};
    ps.timeout = m_spec.timeout;
    ps.killGrace = m_spec.killGrace;
    qCDebug(lcDbt) << "running" << ps.program << ps.arguments;

    m_job = new ProcessJob(std::move(ps), this);
    connect(m_job, &ProcessJob::started, this, &DbtOperation::started);
    connect(m_job, &ProcessJob::lineReceived, this, &DbtOperation::handleLine);
    connect(m_job, &ProcessJob::finished, this, &DbtOperation::handleFinished);
    m_job->start();
}

void DbtOperation::cancel()
{
    m_cancelRequested = true;
    if (m_job)
        m_job->cancel();
}

void DbtOperation::handleLine(const OutputLine &line)
{
    if (line.isStderr) {
        m_stderrTail.append(line.text);
        if (m_stderrTail.size() > kStderrTailLines)
            m_stderrTail.removeFirst();
        Q_EMIT logLine(line);
        return;
    }
    const DbtEvent event = m_parser.parse(line.text);
    if (event.isJson()) {
        Q_EMIT eventReceived(event);
        if (event.isNodeResult() && !event.node.uniqueId.isEmpty())
            m_eventStatus.insert(event.node.uniqueId, event.node.nodeStatus.isEmpty() ? event.status : event.node.nodeStatus);
        if (m_progress.add(event))
            Q_EMIT progressChanged(m_progress);
        if (event.msg.isEmpty())
            return; // dbt's blank "Formatting" lines
        m_lastMessage = event.msg;
        if (event.level == QLatin1String("error"))
            m_lastErrorMessage = event.msg;
        OutputLine shown = line;
        shown.text = event.msg;
        Q_EMIT logLine(shown);
        return;
    }
    Q_EMIT logLine(line);
}

void DbtOperation::handleFinished(const ProcessResult &pr)
{
    DbtResult r;
    r.outcome = pr.outcome;
    r.exitCode = pr.exitCode;
    r.errorText = pr.errorText;
    r.startedAtMs = pr.startedAtMs;
    r.finishedAtMs = pr.finishedAtMs;
    r.invocationId = m_progress.invocationId();
    r.hasStats = m_progress.hasStats();
    r.stats = m_progress.stats();

    const bool ran = pr.outcome == Outcome::Success || pr.outcome == Outcome::Failed;
    if (ran) {
        const QString path = QDir(m_spec.projectDir.isEmpty() ? m_spec.workingDirectory : m_spec.projectDir)
                                 .absoluteFilePath(QStringLiteral("target/run_results.json"));
        if (!QFileInfo::exists(path)) {
            r.runResultsNote = QStringLiteral("dbt wrote no %1").arg(path);
        } else if (auto results = readRunResults(path); !results) {
            r.runResultsNote = results.error().message;
        } else if (!r.invocationId.isEmpty() ? results->invocationId != r.invocationId
                                             : QFileInfo(path).lastModified().toMSecsSinceEpoch() < pr.startedAtMs) {
            // dbt stopped before writing results: the file is from an earlier invocation.
            r.runResultsNote = QStringLiteral("%1 is from an earlier dbt invocation (%2); this one wrote none")
                                   .arg(path, results->invocationId);
        } else {
            r.nodes = results->results;
        }
    }

    if (ran) {
        switch (pr.exitCode) {
        case 0:
            r.outcome = Outcome::Success;
            r.errorText.clear();
            break;
        case 1: {
            // Statuses of this invocation's nodes: run_results when we have it, else the events.
            QStringList statuses;
            QStringList failedNodes;
            if (!r.nodes.isEmpty()) {
                for (const DbtNodeResult &n : std::as_const(r.nodes)) {
                    statuses.append(n.status);
                    if (isErrorStatus(n.status) || n.status == QLatin1String("fail"))
                        failedNodes.append(n.message.isEmpty() ? QStringLiteral("%1 (%2)").arg(n.uniqueId, n.status)
                                                               : QStringLiteral("%1: %2").arg(n.uniqueId, n.message.simplified()));
                }
            } else {
                for (auto it = m_eventStatus.cbegin(); it != m_eventStatus.cend(); ++it) {
                    statuses.append(it.value());
                    if (isErrorStatus(it.value()) || it.value() == QLatin1String("fail"))
                        failedNodes.append(QStringLiteral("%1 (%2)").arg(it.key(), it.value()));
                }
            }
            const bool anyError = std::any_of(statuses.cbegin(), statuses.cend(), isErrorStatus);
            const bool anyTestProblem = std::any_of(statuses.cbegin(), statuses.cend(), isTestProblem);
            if (!anyError && anyTestProblem && m_progress.errorText().isEmpty()) {
                r.outcome = Outcome::Success;
                r.warning = true;
                r.errorText = QStringLiteral("dbt finished; tests failed or warned: %1").arg(failedNodes.join(QStringLiteral("; ")));
            } else {
                r.outcome = Outcome::Failed;
                if (!m_progress.errorText().isEmpty())
                    r.errorText = m_progress.errorText();
                else if (!failedNodes.isEmpty())
                    r.errorText = QStringLiteral("dbt finished with failures: %1").arg(failedNodes.join(QStringLiteral("; ")));
                else
                    r.errorText = QStringLiteral("dbt exited with code 1: %1")
                                      .arg((m_lastErrorMessage.isEmpty() ? m_lastMessage : m_lastErrorMessage).trimmed());
            }
            break;
        }
        default:
            r.outcome = Outcome::Failed;
            if (!m_progress.errorText().isEmpty())
                r.errorText = m_progress.errorText();
            else if (!m_stderrTail.isEmpty())
                r.errorText = m_stderrTail.join(QLatin1Char('\n')).trimmed();
            else
                r.errorText = QStringLiteral("dbt exited with code %1").arg(pr.exitCode);
            break;
        }
    }
    finishWith(std::move(r));
}

void DbtOperation::finishWith(DbtResult result)
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished(result);
}

} // namespace sluice
