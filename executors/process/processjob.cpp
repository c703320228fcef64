#include "processjob.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStandardPaths>
#include <QTimer>

#include <csignal>
#include <cstring>
#include <string_view>
#include <unistd.h>

namespace sluice {

Q_LOGGING_CATEGORY(lcProcess, "sluice.exec.process")

namespace {

// A line longer than this is delivered in pieces of this size, so that a child writing endless
// output without a newline cannot make Sluice buffer it all.
constexpr qsizetype MaxLineBytes = 8 * 1024 * 1024;

qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// QProcessEnvironment::systemEnvironment() parses every variable into a map on each call, a fair part
// of a short task's start. This returns the same value, rebuilt only when the process environment
// changed (setenv/putenv/unsetenv since the last call: detected by hashing `environ`, which costs a
// fraction of the parse). One cache per thread, so threads never share it.
QProcessEnvironment systemEnvironment()
{
    thread_local std::size_t cachedHash = 0;
    thread_local QProcessEnvironment cached;
    std::size_t h = 0;
    for (char **e = environ; e && *e; ++e)
        h = h * 1000003u ^ std::hash<std::string_view>{}(std::string_view(*e));
    if (h != cachedHash || cached.isEmpty()) {
        cached = QProcessEnvironment::systemEnvironment();
        cachedHash = h;
    }
    return cached;
}

QString seconds(std::chrono::milliseconds ms)
{
    if (ms.count() % 1000 == 0)
        return QStringLiteral("%1 s").arg(ms.count() / 1000);
    return QStringLiteral("%1 s").arg(double(ms.count()) / 1000.0, 0, 'f', 1);
}

QString signalName(int sig)
{
    const char *desc = ::strsignal(sig);
    return desc ? QStringLiteral("signal %1 (%2)").arg(sig).arg(QString::fromLocal8Bit(desc))
                : QStringLiteral("signal %1").arg(sig);
}

// The PATH the child will see: the spec's override, else ours (unless the spec unsets it).
QStringList searchPath(const ProcessSpec &spec)
{
    QString path;
    if (auto it = spec.environment.constFind(QStringLiteral("PATH")); it != spec.environment.cend())
        path = it.value();
    else if (!spec.unsetEnvironment.contains(QStringLiteral("PATH")))
        path = qEnvironmentVariable("PATH");
    QStringList dirs;
    for (const QString &d : path.split(QLatin1Char(':'), Qt::SkipEmptyParts))
        dirs << d;
    return dirs;
}

// Decides, before forking, the reasons a start would fail that can be named precisely.
// Returns the program to exec, or the plain-words reason in `why`.
QString resolveProgram(const ProcessSpec &spec, QString *why)
{
    if (spec.program.isEmpty()) {
        *why = QStringLiteral("no program given");
        return {};
    }
    if (!spec.workingDirectory.isEmpty()) {
        const QFileInfo wd(spec.workingDirectory);
        if (!wd.exists()) {
            *why = QStringLiteral("working directory '%1' does not exist").arg(spec.workingDirectory);
            return {};
        }
        if (!wd.isDir()) {
            *why = QStringLiteral("working directory '%1' is not a directory").arg(spec.workingDirectory);
            return {};
        }
        if (!wd.isExecutable()) {
            *why = QStringLiteral("working directory '%1' cannot be entered (permission denied)")
                       .arg(spec.workingDirectory);
            return {};
        }
    }
    QString program = spec.program;
    if (!program.contains(QLatin1Char('/'))) {
        const QStringList dirs = searchPath(spec);
        program = QStandardPaths::findExecutable(spec.program, dirs);
        if (program.isEmpty()) {
            // findExecutable only returns executable files; tell "missing" from "not executable".
            for (const QString &d : dirs) {
                const QFileInfo fi(QDir(d).filePath(spec.program));
                if (fi.isFile()) {
                    *why = QStringLiteral("'%1' is not executable; fix with: chmod +x %1").arg(fi.filePath());
                    return {};
                }
            }
            *why = QStringLiteral("program '%1' was not found on PATH; install it or give its full path")
                       .arg(spec.program);
            return {};
        }
        return program;
    }
    const QFileInfo fi(QDir::isAbsolutePath(program) || spec.workingDirectory.isEmpty()
                           ? program
                           : QDir(spec.workingDirectory).filePath(program));
    if (!fi.exists()) {
        *why = QStringLiteral("program '%1' does not exist").arg(program);
        return {};
    }
    if (fi.isDir()) {
        *why = QStringLiteral("program '%1' is a directory, not a program").arg(program);
        return {};
    }
    if (!fi.isExecutable()) {
        *why = QStringLiteral("'%1' is not executable; fix with: chmod +x %1").arg(program);
        return {};
    }
    return program;
}

// Why exec refused a file that passed the checks before the fork, in plain words.
QString explainExecFailure(const QString &program, const QString &systemText)
{
    QFile f(program);
    if (f.open(QIODevice::ReadOnly)) {
        const QByteArray head = f.read(256);
        if (head.startsWith("#!")) {
            const QByteArray line = head.mid(2, head.indexOf('\n') - 2).trimmed();
            const QString interpreter = QString::fromLocal8Bit(line.split(' ').value(0));
            if (!QFileInfo(interpreter).isExecutable())
                return QStringLiteral("its interpreter '%1' (named on its #! line) is missing or not executable")
                    .arg(interpreter);
        } else if (!head.isEmpty()) {
            return QStringLiteral("it is not a program this system can run (%1)").arg(systemText);
        }
    }
    return systemText;
}

} // namespace

ProcessJob::ProcessJob(ProcessSpec spec, QObject *parent)
    : QObject(parent)
    , m_spec(std::move(spec))
{
    static const bool registered = [] {
        qRegisterMetaType<sluice::OutputLine>();
        qRegisterMetaType<sluice::ProcessResult>();
        return true;
    }();
    Q_UNUSED(registered);
}

ProcessJob::~ProcessJob()
{
    if (!m_process)
        return;
    QObject::disconnect(m_process, nullptr, this, nullptr);
    if (m_process->state() == QProcess::NotRunning) {
        delete m_process;
        return;
    }
    // Never destroy a running QProcess (its destructor blocks in waitForFinished) and never wait
    // here: kill the whole group, and let the QProcess delete itself once the exit is reaped.
    killGroup();
    QProcess *orphan = m_process;
    m_process = nullptr;
    orphan->setParent(nullptr);
    QObject::connect(orphan, &QProcess::finished, orphan, &QObject::deleteLater);
    QObject::connect(orphan, &QProcess::errorOccurred, orphan, [orphan](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            orphan->deleteLater();
    });
}

bool ProcessJob::isRunning() const
{
    return m_state == State::Running || m_state == State::Stopping;
}

qint64 ProcessJob::pid() const
{
    return isRunning() ? m_pid : 0;
}

void ProcessJob::start()
{
    if (m_startCalled) {
        qCWarning(lcProcess) << "ProcessJob::start() called twice; ignored";
        return;
    }
    m_startCalled = true;
    m_startedAtMs = nowMs();

    if (m_cancelRequested) {
        finishLater(Outcome::Canceled, QStringLiteral("canceled before it started"));
        return;
    }

    QString why;
    const QString program = resolveProgram(m_spec, &why);
    if (program.isEmpty()) {
        finishLater(Outcome::FailedToStart, QStringLiteral("could not start: %1").arg(why));
        return;
    }

    m_process = new QProcess(this);
    m_process->setProgram(program);
    m_process->setArguments(m_spec.arguments);
    if (!m_spec.workingDirectory.isEmpty())
        m_process->setWorkingDirectory(m_spec.workingDirectory);
    if (!m_spec.environment.isEmpty() || !m_spec.unsetEnvironment.isEmpty()) {
        QProcessEnvironment env = systemEnvironment();
        for (const QString &name : m_spec.unsetEnvironment)
            env.remove(name);
        for (auto it = m_spec.environment.cbegin(); it != m_spec.environment.cend(); ++it)
            env.insert(it.key(), it.value());
        m_process->setProcessEnvironment(env);
    }
    // A child that reads stdin gets end-of-file at once instead of waiting forever.
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Its own process group, so that a signal to -pid reaches everything it spawns. Runs in the
    // child between fork and exec: only async-signal-safe calls here.
    m_process->setChildProcessModifier([] { ::setpgid(0, 0); });

    connect(m_process, &QProcess::started, this, &ProcessJob::handleStarted);
    connect(m_process, &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError e) { handleErrorOccurred(int(e)); });
    connect(m_process, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { handleFinished(code, int(status)); });
    connect(m_process, &QProcess::readyReadStandardOutput, this, [this] { handleReadyRead(false); });
    connect(m_process, &QProcess::readyReadStandardError, this, [this] { handleReadyRead(true); });

    m_state = State::Running;
    m_inStart = true;
    m_process->start(QIODevice::ReadOnly);
    m_inStart = false;

    if (m_state != State::Running)
        return; // failed inside QProcess::start(); finished is already queued

    m_pid = m_process->processId();
    // Also set the group from the parent: closes the window in which the child has not run
    // setpgid yet and a cancel would miss it. Fails harmlessly (EACCES) once the child has exec'd.
    if (m_pid > 0)
        ::setpgid(pid_t(m_pid), pid_t(m_pid));

    if (m_spec.timeout.count() > 0) {
        m_timeoutTimer = new QTimer(this);
        m_timeoutTimer->setSingleShot(true);
        connect(m_timeoutTimer, &QTimer::timeout, this, &ProcessJob::handleTimeout);
        m_timeoutTimer->start(m_spec.timeout);
    }
}

void ProcessJob::cancel()
{
    if (m_state == State::Done)
        return;
    if (!m_startCalled) {
        m_cancelRequested = true; // start() will finish as Canceled without running anything
        return;
    }
    if (m_state == State::Running)
        stopGroup(StopReason::Canceled);
}

void ProcessJob::handleStarted()
{
    if (m_state == State::Done)
        return;
    if (m_pid <= 0)
        m_pid = m_process->processId(); // QProcess may report the start from inside start()
    Q_EMIT started(m_pid);
}

void ProcessJob::handleErrorOccurred(int error)
{
    // Crashes arrive through finished(); read and write errors end in finished() too.
    if (error != QProcess::FailedToStart || m_state == State::Done)
        return;
    Outcome outcome = Outcome::FailedToStart;
    QString text = QStringLiteral("could not start '%1': %2")
                       .arg(m_spec.program, explainExecFailure(m_process->program(), m_process->errorString()));
    if (m_stopReason == StopReason::Canceled) {
        outcome = Outcome::Canceled;
        text = QStringLiteral("canceled before it started");
    }
    if (m_inStart) {
        finishLater(outcome, text);
        return;
    }
    ProcessResult r;
    r.outcome = outcome;
    r.errorText = text;
    finish(std::move(r));
}

void ProcessJob::handleReadyRead(bool isStderr)
{
    if (m_state == State::Done)
        return;
    emitLines(isStderr, false);
}

void ProcessJob::emitLines(bool isStderr, bool flush)
{
    QByteArray &pending = m_pending[isStderr ? 1 : 0];
    const QByteArray chunk = isStderr ? m_process->readAllStandardError() : m_process->readAllStandardOutput();
    if (pending.isEmpty())
        pending = chunk;
    else
        pending.append(chunk);

    const qint64 at = nowMs();
    qsizetype from = 0;
    const qsizetype size = pending.size();
    const char *data = pending.constData();
    auto emitLine = [&](qsizetype begin, qsizetype end) {
        if (end > begin && data[end - 1] == '\r')
            --end;
        OutputLine line;
        line.atMs = at;
        line.isStderr = isStderr;
        line.text = QString::fromUtf8(data + begin, end - begin); // invalid bytes become U+FFFD
        Q_EMIT lineReceived(line);
    };
    while (from < size) {
        const void *nl = std::memchr(data + from, '\n', size_t(size - from));
        if (!nl)
            break;
        const qsizetype end = static_cast<const char *>(nl) - data;
        emitLine(from, end);
        from = end + 1;
    }
    // An over-long partial line goes out in pieces, cut at a UTF-8 character boundary.
    while (size - from > MaxLineBytes) {
        qsizetype cut = from + MaxLineBytes;
        while (cut > from && (uchar(data[cut]) & 0xC0) == 0x80)
            --cut;
        if (cut == from)
            cut = from + MaxLineBytes;
        OutputLine line;
        line.atMs = at;
        line.isStderr = isStderr;
        line.text = QString::fromUtf8(data + from, cut - from);
        Q_EMIT lineReceived(line);
        from = cut;
    }
    if (flush && from < size) {
        emitLine(from, size);
        from = size;
    }
    if (from == size)
        pending.clear();
    else if (from > 0)
        pending.remove(0, from);
}

void ProcessJob::handleTimeout()
{
    if (m_state != State::Running)
        return;
    qCInfo(lcProcess) << "timed out after" << m_spec.timeout.count() << "ms:" << m_spec.program;
    stopGroup(StopReason::TimedOut);
}

void ProcessJob::stopGroup(StopReason reason)
{
    m_state = State::Stopping;
    m_stopReason = reason;
    if (m_timeoutTimer)
        m_timeoutTimer->stop();
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGTERM);
    m_killTimer = new QTimer(this);
    m_killTimer->setSingleShot(true);
    connect(m_killTimer, &QTimer::timeout, this, [this] {
        if (m_state != State::Stopping)
            return;
        qCInfo(lcProcess) << "still running after the grace period; SIGKILL to group" << m_pid;
        m_killedAfterGrace = true;
        killGroup();
    });
    m_killTimer->start(m_spec.killGrace);
}

void ProcessJob::killGroup()
{
    // Only ever the group: after the leader has been reaped its pid may belong to someone else,
    // while the group id stays reserved as long as any member lives.
    if (m_pid > 0)
        ::kill(-pid_t(m_pid), SIGKILL);
}

void ProcessJob::handleFinished(int exitCode, int exitStatus)
{
    if (m_state == State::Done)
        return;
    // Drain what the pipes still hold, then flush the unterminated last lines.
    emitLines(false, true);
    emitLines(true, true);

    ProcessResult r;
    if (m_stopReason != StopReason::None) {
        // The group leader is gone; whatever of its group survived SIGTERM goes now, so that no
        // orphan of a canceled run outlives it.
        killGroup();
        const QString how = m_killedAfterGrace
            ? QStringLiteral("; it ignored SIGTERM and was killed (SIGKILL) after the %1 grace period")
                  .arg(seconds(m_spec.killGrace))
            : QString();
        if (m_stopReason == StopReason::Canceled) {
            r.outcome = Outcome::Canceled;
            r.errorText = QStringLiteral("canceled%1").arg(how);
        } else {
            r.outcome = Outcome::TimedOut;
            r.errorText = QStringLiteral("timed out after %1 and was stopped%2").arg(seconds(m_spec.timeout), how);
        }
    } else if (exitStatus == QProcess::CrashExit) {
        // On Unix, QProcess reports the terminating signal's number as the exit code of a crash.
        r.outcome = Outcome::Crashed;
        r.errorText = QStringLiteral("'%1' crashed: it was killed by %2")
                          .arg(QFileInfo(m_spec.program).fileName(), signalName(exitCode));
    } else if (exitCode == 0) {
        r.outcome = Outcome::Success;
        r.exitCode = 0;
    } else {
        r.outcome = Outcome::Failed;
        r.exitCode = exitCode;
        r.errorText = QStringLiteral("'%1' failed with exit code %2")
                          .arg(QFileInfo(m_spec.program).fileName()).arg(exitCode);
    }
    finish(std::move(r));
}

void ProcessJob::finishLater(Outcome outcome, QString errorText)
{
    m_state = State::Done;
    QMetaObject::invokeMethod(
        this,
        [this, outcome, errorText = std::move(errorText)] {
            ProcessResult r;
            r.outcome = outcome;
            r.errorText = errorText;
            deliver(std::move(r));
        },
        Qt::QueuedConnection);
}

void ProcessJob::finish(ProcessResult result)
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    deliver(std::move(result));
}

void ProcessJob::deliver(ProcessResult result)
{
    if (m_timeoutTimer)
        m_timeoutTimer->stop();
    if (m_killTimer)
        m_killTimer->stop();
    result.startedAtMs = m_startedAtMs;
    result.finishedAtMs = nowMs();
    Q_EMIT finished(result);
}

} // namespace sluice
