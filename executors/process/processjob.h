#pragma once

#include "outcome.h"

#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

#include <chrono>
#include <memory>

class QProcess;
class QTimer;

namespace sluice {

// What to run. The program is started directly with its argv (never through a shell), in a new
// process group of its own, so that a cancel or a timeout reaches everything it spawned.
struct ProcessSpec {
    QString program;                       // resolved via PATH if not absolute
    QStringList arguments;                 // argv, never through a shell
    QString workingDirectory;              // empty: inherit
    QMap<QString, QString> environment;    // added to (overriding) the inherited environment
    QStringList unsetEnvironment;          // names removed from the inherited environment
    std::chrono::milliseconds timeout{0};  // 0: none
    std::chrono::milliseconds killGrace{5000}; // SIGTERM to the group, then SIGKILL after this
};

// One complete line of output. atMs is milliseconds since the epoch when the line was read.
// Invalid UTF-8 is replaced by U+FFFD; a trailing "\r" of a "\r\n" line ending is removed.
struct OutputLine { qint64 atMs = 0; bool isStderr = false; QString text; }; // text without the newline

struct ProcessResult {
    Outcome outcome = Outcome::FailedToStart; // vocabulary in outcome.h
    int exitCode = -1;                     // valid for Success/Failed
    QString errorText;                     // why, in plain words, for every outcome but Success
    qint64 startedAtMs = 0, finishedAtMs = 0;
};

// Runs one process. Contract:
// - start() may be called once; later calls are ignored.
// - started(pid) fires once the process is running; lineReceived fires for every complete line,
//   in order per stream, with a final unterminated line flushed before finished.
// - finished fires exactly once per start(), always from the event loop (never from inside start()
//   or cancel()), for every way the run can end, including a failure to start.
// - cancel() before start() makes the later start() finish as Canceled without running anything;
//   cancel() after finished does nothing.
// - The child's stdin is /dev/null (a program that reads it sees end-of-file, never hangs).
// - cancel() and the timeout send SIGTERM to the whole group and SIGKILL after killGrace; when the
//   group leader exits during that time, whatever is left of its group is sent SIGKILL at once, so
//   nothing of a stopped run outlives its finished. A normal exit leaves background children alone.
// - Outcomes: exit code 0 → Success; other exit code → Failed; killed by a signal Sluice did not
//   send → Crashed; time limit reached → TimedOut; cancel() → Canceled; could not exec (missing
//   binary, not executable, bad working directory) → FailedToStart.
class ProcessJob : public QObject {
    Q_OBJECT
public:
    explicit ProcessJob(ProcessSpec spec, QObject *parent = nullptr);
    // Never waits: if the process is still running, its whole group is sent SIGKILL and the
    // QProcess is handed to a reaper that deletes it once the kernel reports the exit (so no
    // zombie is left and no running QProcess is destroyed). finished is not emitted then.
    ~ProcessJob() override;

    void start();            // once; emits finished(FailedToStart) asynchronously if the program cannot start
    void cancel();           // SIGTERM to the whole process group, SIGKILL after killGrace; ends as Canceled
    bool isRunning() const;
    qint64 pid() const;      // 0 when not running

    const ProcessSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void started(qint64 pid);
    void lineReceived(const sluice::OutputLine &line); // every complete line, in order per stream; a final unterminated line is flushed at exit
    void finished(const sluice::ProcessResult &result); // exactly once per start()

private:
    enum class State { Idle, Running, Stopping, Done };
    enum class StopReason { None, Canceled, TimedOut };

    void handleStarted();
    void handleErrorOccurred(int error);
    void handleFinished(int exitCode, int exitStatus);
    void handleReadyRead(bool isStderr);
    void handleTimeout();
    void stopGroup(StopReason reason);
    void killGroup();
    void emitLines(bool isStderr, bool flush);
    void finish(ProcessResult result);        // emits now, unless already done
    void finishLater(Outcome outcome, QString errorText); // marks done, emits from the event loop
    void deliver(ProcessResult result);

    ProcessSpec m_spec;
    QProcess *m_process = nullptr; // owned; see the destructor
    QTimer *m_timeoutTimer = nullptr;
    QTimer *m_killTimer = nullptr;
    State m_state = State::Idle;
    StopReason m_stopReason = StopReason::None;
    bool m_startCalled = false;
    bool m_cancelRequested = false;
    bool m_inStart = false;          // inside QProcess::start(): finished must be queued
    bool m_killedAfterGrace = false; // SIGKILL was needed after SIGTERM
    qint64 m_pid = 0;
    qint64 m_startedAtMs = 0;
    QByteArray m_pending[2]; // partial line per stream: [0] stdout, [1] stderr
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::OutputLine)
Q_DECLARE_METATYPE(sluice::ProcessResult)
