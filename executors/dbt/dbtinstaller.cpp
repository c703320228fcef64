#include "dbtinstaller.h"

#include <QCoro/QCoroSignal>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace sluice {

namespace {

// Lines kept per stream and step, for error messages (a real dbt install prints about a hundred).
constexpr qsizetype kKeptLines = 200;

// Progress at the start of each step, and where pip's resolving lines may take it.
constexpr int kVenvPercent = 5;
constexpr int kInstallPercent = 30;
constexpr int kResolvedCeiling = 75;   // approached, never reached, by Collecting/Downloading lines
constexpr int kInstallingPercent = 80; // "Installing collected packages"
constexpr int kInstalledPercent = 95;  // "Successfully installed"
constexpr int kVerifyPercent = 96;

const QString kVenvPackage = QStringLiteral("python3-venv");

// The program's last meaningful stderr lines, for a message.
QString tail(const QStringList &lines, int count = 3)
{
    QStringList kept;
    for (qsizetype i = lines.size() - 1; i >= 0 && kept.size() < count; --i) {
        const QString line = lines.at(i).trimmed();
        if (!line.isEmpty())
            kept.prepend(line);
    }
    return kept.join(QStringLiteral(" | "));
}

bool mentions(const QStringList &lines, QLatin1StringView needle)
{
    return std::any_of(lines.cbegin(), lines.cend(), [&](const QString &l) { return l.contains(needle); });
}

// The last line that mentions needle, trimmed; empty if none does.
QString lastMention(const QStringList &lines, QLatin1StringView needle)
{
    for (qsizetype i = lines.size() - 1; i >= 0; --i) {
        if (lines.at(i).contains(needle))
            return lines.at(i).trimmed();
    }
    return {};
}

} // namespace

QString toString(DbtInstallStep step)
{
    switch (step) {
    case DbtInstallStep::CheckingPython: return QStringLiteral("checking python");
    case DbtInstallStep::CreatingVenv: return QStringLiteral("creating virtualenv");
    case DbtInstallStep::Installing: return QStringLiteral("installing dbt");
    case DbtInstallStep::Verifying: return QStringLiteral("verifying dbt");
    case DbtInstallStep::Done: return QStringLiteral("done");
    }
    return {};
}

DbtInstaller::DbtInstaller(DbtInstallSpec spec, QObject *parent)
    : QObject(parent), m_spec(std::move(spec))
{
    qRegisterMetaType<sluice::DbtInstallStep>();
    qRegisterMetaType<sluice::DbtInstallProgress>();
    qRegisterMetaType<sluice::DbtInstallResult>();
    qRegisterMetaType<sluice::OutputLine>();
}

// A running step's ProcessJob is a child: its destructor kills the process group.
DbtInstaller::~DbtInstaller() = default;

QStringList DbtInstaller::knownAdapters()
{
    return {QStringLiteral("postgres"), QStringLiteral("bigquery"), QStringLiteral("snowflake"),
            QStringLiteral("redshift"), QStringLiteral("duckdb"), QStringLiteral("databricks")};
}

Result<void> DbtInstaller::validate(const DbtInstallSpec &spec)
{
    if (!knownAdapters().contains(spec.adapter))
        return fail(Error::invalid(QStringLiteral("unknown dbt adapter '%1': use one of %2")
                                       .arg(spec.adapter, knownAdapters().join(QStringLiteral(", ")))));
    // A PEP 440 release such as 1.8.2, 1.9.0b1 or 1.8.0rc2: never a second requirement or an option.
    static const QRegularExpression version(QStringLiteral("^[0-9]+(\\.[0-9]+)*((a|b|rc)[0-9]+)?(\\.post[0-9]+)?(\\.dev[0-9]+)?$"));
    if (!version.match(spec.dbtVersion).hasMatch())
        return fail(Error::invalid(QStringLiteral("invalid dbt version '%1': give a release such as 1.8.2").arg(spec.dbtVersion)));
    if (spec.venvDir.isEmpty())
        return fail(Error::invalid(QStringLiteral("no virtualenv directory given: set the workspace's dbt virtualenv path")));
    if (spec.noIndex && spec.findLinks.isEmpty())
        return fail(Error::invalid(QStringLiteral("--no-index needs a wheel directory (find-links) to install from")));
    return {};
}

QString DbtInstaller::requirement(const DbtInstallSpec &spec)
{
    return QStringLiteral("dbt-%1==%2").arg(spec.adapter, spec.dbtVersion);
}

QString DbtInstaller::venvPython(const QString &venvDir)
{
    return QDir(QFileInfo(venvDir).absoluteFilePath()).filePath(QStringLiteral("bin/python"));
}

QString DbtInstaller::venvDbt(const QString &venvDir)
{
    return QDir(QFileInfo(venvDir).absoluteFilePath()).filePath(QStringLiteral("bin/dbt"));
}

bool DbtInstaller::isUsableVenv(const QString &venvDir)
{
    const QDir dir(QFileInfo(venvDir).absoluteFilePath());
    const QFileInfo python(venvPython(venvDir)); // follows the symlink: a removed interpreter does not count
    return dir.exists(QStringLiteral("pyvenv.cfg")) && python.exists() && python.isExecutable();
}

QString DbtInstaller::parseDbtVersion(const QStringList &versionOutput)
{
    static const QRegularExpression installed(QStringLiteral("^\\s*-\\s*installed:\\s*(\\S+)"));
    for (const QString &line : versionOutput) {
        if (auto m = installed.match(line); m.hasMatch())
            return m.captured(1);
    }
    return {};
}

void DbtInstaller::start()
{
    if (m_startCalled)
        return;
    m_startCalled = true;
    m_clock.start();
    // From the event loop, so that finished never fires from inside start().
    QTimer::singleShot(0, this, [this] { run(); });
}

void DbtInstaller::cancel()
{
    if (m_finished || m_cancelRequested)
        return;
    m_cancelRequested = true;
    if (m_job)
        m_job->cancel();
}

QCoro::Task<> DbtInstaller::run()
{
    DbtInstallResult result = co_await flow();
    m_finished = true;
    Q_EMIT finished(result);
}

QCoro::Task<DbtInstallResult> DbtInstaller::flow()
{
    const auto refuse = [](DbtInstallStep step, Outcome outcome, QString why) {
        DbtInstallResult r;
        r.step = step;
        r.outcome = outcome;
        r.errorText = std::move(why);
        return r;
    };
    if (m_cancelRequested)
        co_return refuse(DbtInstallStep::CheckingPython, Outcome::Canceled, QStringLiteral("canceled before the install started"));
    if (auto valid = validate(m_spec); !valid)
        co_return refuse(DbtInstallStep::CheckingPython, Outcome::FailedToStart, valid.error().message);

    const QString python = m_spec.python.isEmpty() ? QStringLiteral("python3") : m_spec.python;
    const QString venvDir = QFileInfo(m_spec.venvDir).absoluteFilePath();

    // 1. The interpreter runs and can make a virtualenv with pip in it (Debian splits ensurepip out).
    enterStep(DbtInstallStep::CheckingPython, 0);
    // (Argument lists are named locals: g++ 12 cannot put a braced list inside a co_await expression.)
    const QStringList checkArgs{QStringLiteral("-c"), QStringLiteral("import sys, venv, ensurepip; print(sys.version.split()[0])")};
    StepRun check = co_await runStep(DbtInstallStep::CheckingPython, python, checkArgs);
    if (auto failure = stepFailure(DbtInstallStep::CheckingPython, check))
        co_return *failure;

    // 2. The virtualenv. One that exists (its python resolves) is reused with the packages in it:
    //    installing another dbt version then costs only the pip step.
    enterStep(DbtInstallStep::CreatingVenv, kVenvPercent);
    if (isUsableVenv(venvDir)) {
        setProgress(kVenvPercent, QStringLiteral("reusing the virtualenv in %1").arg(venvDir));
    } else {
        const QStringList venvArgs{QStringLiteral("-m"), QStringLiteral("venv"), venvDir};
        StepRun venv = co_await runStep(DbtInstallStep::CreatingVenv, python, venvArgs);
        if (auto failure = stepFailure(DbtInstallStep::CreatingVenv, venv))
            co_return *failure;
    }

    // 3. pip install. The index URL goes through the environment: it may hold credentials.
    enterStep(DbtInstallStep::Installing, kInstallPercent);
    QStringList pipArgs{QStringLiteral("-m"), QStringLiteral("pip"), QStringLiteral("install"),
                        QStringLiteral("--disable-pip-version-check")};
    QMap<QString, QString> pipEnv{{QStringLiteral("PIP_PROGRESS_BAR"), QStringLiteral("off")}};
    if (m_spec.noIndex)
        pipArgs << QStringLiteral("--no-index");
    else if (!m_spec.indexUrl.isEmpty())
        pipEnv.insert(QStringLiteral("PIP_INDEX_URL"), m_spec.indexUrl);
    if (!m_spec.findLinks.isEmpty())
        pipArgs << QStringLiteral("--find-links") << m_spec.findLinks;
    pipArgs << requirement(m_spec);
    StepRun pip = co_await runStep(DbtInstallStep::Installing, venvPython(venvDir), pipArgs, pipEnv);
    if (auto failure = stepFailure(DbtInstallStep::Installing, pip))
        co_return *failure;

    // 4. The installed dbt answers.
    enterStep(DbtInstallStep::Verifying, kVerifyPercent);
    const QString dbt = venvDbt(venvDir);
    const QStringList verifyArgs{QStringLiteral("--version")};
    StepRun verify = co_await runStep(DbtInstallStep::Verifying, dbt, verifyArgs);
    if (auto failure = stepFailure(DbtInstallStep::Verifying, verify))
        co_return *failure;

    enterStep(DbtInstallStep::Done, 100);
    DbtInstallResult done;
    done.outcome = Outcome::Success;
    done.step = DbtInstallStep::Done;
    done.dbtExecutable = dbt;
    done.dbtVersion = parseDbtVersion(verify.stdoutLines);
    co_return done;
}

QCoro::Task<DbtInstaller::StepRun> DbtInstaller::runStep(DbtInstallStep step, QString program, QStringList arguments,
                                                         QMap<QString, QString> extraEnvironment)
{
    StepRun run;
    if (m_cancelRequested) {
        run.process.outcome = Outcome::Canceled;
        run.process.errorText = QStringLiteral("canceled");
        co_return run;
    }
    std::chrono::milliseconds timeout{0};
    if (m_spec.timeout.count() > 0) {
        timeout = m_spec.timeout - std::chrono::milliseconds(m_clock.elapsed());
        if (timeout.count() <= 0) {
            run.process.outcome = Outcome::TimedOut;
            run.process.errorText = QStringLiteral("time limit reached");
            co_return run;
        }
    }

    ProcessSpec ps;
    ps.program = std::move(program);
    ps.arguments = std::move(arguments);
    ps.timeout = timeout;
    ps.killGrace = m_spec.killGrace;
    ps.unsetEnvironment = m_spec.unsetEnvironment;
    ps.unsetEnvironment << QStringLiteral("PYTHONHOME") << QStringLiteral("VIRTUAL_ENV");
    ps.environment = m_spec.environment;
    // Python buffers a pipe: without this, progress would arrive in one lump at the end.
    ps.environment.insert(QStringLiteral("PYTHONUNBUFFERED"), QStringLiteral("1"));
    // pip must never wait for a password on a terminal nobody sees.
    ps.environment.insert(QStringLiteral("PIP_NO_INPUT"), QStringLiteral("1"));
    ps.environment.insert(extraEnvironment);

    auto *job = new ProcessJob(std::move(ps), this);
    m_job = job;
    connect(job, &ProcessJob::lineReceived, this, [this, step, &run](const OutputLine &line) {
        QStringList &kept = line.isStderr ? run.stderrLines : run.stdoutLines;
        kept << line.text;
        if (kept.size() > kKeptLines)
            kept.removeFirst();
        Q_EMIT logLine(line);
        if (step == DbtInstallStep::Installing)
            handlePipLine(line.text);
    });
    job->start();
    run.process = co_await qCoro(job, &ProcessJob::finished);
    m_job.clear();
    job->deleteLater();
    co_return run;
}

std::optional<DbtInstallResult> DbtInstaller::stepFailure(DbtInstallStep step, const StepRun &run) const
{
    const ProcessResult &p = run.process;
    if (p.outcome == Outcome::Success && !m_cancelRequested)
        return std::nullopt;

    DbtInstallResult r;
    r.step = step;
    r.outcome = p.outcome == Outcome::Success ? Outcome::Canceled : p.outcome;
    const QString program = m_spec.python.isEmpty() ? QStringLiteral("python3") : m_spec.python;
    const QString stderrTail = tail(run.stderrLines);
    const QString what = requirement(m_spec);

    if (r.outcome == Outcome::Canceled) {
        r.errorText = QStringLiteral("installing %1 was canceled while %2").arg(what, toString(step));
    } else if (r.outcome == Outcome::TimedOut) {
        r.errorText = QStringLiteral("installing %1 timed out after %2 s while %3: raise the install timeout or check the package index")
                          .arg(what).arg(m_spec.timeout.count() / 1000).arg(toString(step));
    } else if (step == DbtInstallStep::CheckingPython) {
        r.outcome = Outcome::FailedToStart;
        if (p.outcome == Outcome::FailedToStart)
            r.errorText = QStringLiteral("Python not found ('%1': %2): install the Debian packages python3 and %3, or set the Python executable")
                              .arg(program, p.errorText, kVenvPackage);
        else if (const QString missing = lastMention(run.stderrLines, QLatin1StringView("No module named")); !missing.isEmpty())
            r.errorText = QStringLiteral("'%1' cannot create virtualenvs (%2): install the Debian package %3")
                              .arg(program, missing, kVenvPackage);
        else
            r.errorText = QStringLiteral("'%1' does not work (%2): install the Debian package python3 or set the Python executable")
                              .arg(program, stderrTail.isEmpty() ? p.errorText : stderrTail);
    } else if (step == DbtInstallStep::CreatingVenv) {
        if (mentions(run.stderrLines, QLatin1StringView("ensurepip")) || mentions(run.stdoutLines, QLatin1StringView("ensurepip"))) {
            r.outcome = Outcome::FailedToStart;
            r.errorText = QStringLiteral("'%1' has no ensurepip, so the virtualenv has no pip: install the Debian package %2")
                              .arg(program, kVenvPackage);
        } else {
            r.errorText = QStringLiteral("creating the virtualenv in %1 failed (%2): %3")
                              .arg(m_spec.venvDir, p.errorText, stderrTail.isEmpty() ? tail(run.stdoutLines) : stderrTail);
        }
    } else if (step == DbtInstallStep::Installing) {
        QStringList errors;
        for (const QString &line : run.stderrLines) {
            if (line.startsWith(QLatin1StringView("ERROR:")))
                errors << line.mid(6).trimmed();
        }
        const QString why = errors.isEmpty() ? (stderrTail.isEmpty() ? p.errorText : stderrTail) : errors.join(QStringLiteral(" | "));
        r.errorText = QStringLiteral("pip could not install %1: %2").arg(what, why);
    } else {
        r.errorText = QStringLiteral("%1 was installed but '%2 --version' failed (%3): %4")
                          .arg(what, venvDbt(m_spec.venvDir), p.errorText, stderrTail);
    }
    return r;
}

void DbtInstaller::enterStep(DbtInstallStep step, int percent)
{
    m_progress.step = step;
    Q_EMIT stepStarted(step, toString(step));
    setProgress(percent, toString(step));
}

void DbtInstaller::setProgress(int percent, const QString &detail)
{
    m_progress.percent = std::clamp(std::max(percent, m_progress.percent), 0, 100);
    m_progress.detail = detail;
    Q_EMIT progressChanged(m_progress);
}

// pip's phases, as it prints them (pip 23–24): resolving ("Collecting", "Processing" for local
// files, "Downloading"), then "Installing collected packages", then "Successfully installed".
// The number of dependencies is not known up front, so resolving approaches kResolvedCeiling.
void DbtInstaller::handlePipLine(const QString &text)
{
    const QString line = text.trimmed();
    if (line.startsWith(QLatin1StringView("Collecting ")) || line.startsWith(QLatin1StringView("Processing "))
        || line.startsWith(QLatin1StringView("Downloading "))) {
        ++m_collected;
        const double share = 1.0 - std::pow(0.85, m_collected);
        setProgress(kInstallPercent + int(std::floor((kResolvedCeiling - kInstallPercent) * share)), line);
    } else if (line.startsWith(QLatin1StringView("Installing collected packages"))) {
        setProgress(kInstallingPercent, line);
    } else if (line.startsWith(QLatin1StringView("Successfully installed"))) {
        setProgress(kInstalledPercent, line);
    }
}

} // namespace sluice
