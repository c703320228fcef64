#pragma once

#include "dbt/dbtartifacts.h"
#include "dbt/dbtevent.h"
#include "process/processjob.h"

#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <chrono>

namespace sluice {

// One dbt invocation.
struct DbtSpec {
    QString dbtExecutable;          // the workspace's dbt; empty: "dbt" found on PATH
    QStringList arguments;          // the dbt command and its flags/options: {"run", "--select", "tag:daily"}
    QString projectDir;             // passed as --project-dir; target/ is read from here
    QString profilesDir;            // passed as --profiles-dir (see profileswriter.h); empty: dbt's default
    QString target;                 // --target; empty: the profile's default
    QString profile;                // --profile; empty: dbt_project.yml's
    QMap<QString, QString> environment; // added to the child's environment (secrets, numbers)
    QString workingDirectory;       // empty: projectDir
    std::chrono::milliseconds timeout{0};
    std::chrono::milliseconds killGrace{5000};
};

// How a dbt invocation ended. outcome uses the common vocabulary; `warning` refines Success:
//   exit 0                                   → Success
//   exit 1, only tests failed or warned      → Success with warning = true (a partial success)
//   exit 1 otherwise                         → Failed, errorText summarises the failed nodes
//   exit 2 (dbt could not run, usage error)  → Failed, errorText = MainEncounteredError's text (or dbt's stderr)
//   other outcomes (crash, timeout, cancel, missing dbt) as the process ended.
struct DbtResult {
    Outcome outcome = Outcome::FailedToStart;
    bool warning = false;
    int exitCode = -1;
    QString errorText;
    QString invocationId;           // from the events; empty if dbt printed none
    bool hasStats = false;
    DbtStats stats;                 // StatsLine's counts, when dbt printed one
    QList<DbtNodeResult> nodes;     // from this invocation's target/run_results.json; empty if none
    QString runResultsNote;         // why nodes is empty although dbt ran (no file, stale file, unreadable)
    qint64 startedAtMs = 0, finishedAtMs = 0;

    [[nodiscard]] QString status() const; // success | warning | failed | crashed | timed out | canceled | failed to start
};

// Runs dbt with `--log-format json --no-use-colors` on top of ProcessJob. Contract:
// - start() once; cancel() any time (before start: start() finishes as Canceled without running).
// - started(pid) when dbt runs. For each stdout line: eventReceived for a JSON event (with progressChanged
//   when it moves progress), and logLine for what a person reads (an event's msg, or the plain line);
//   every stderr line is a logLine with isStderr set.
// - finished fires exactly once per start(), always from the event loop, for every way the run ends,
//   including dbt not being found (FailedToStart, with the fix in errorText). target/run_results.json is
//   read only if it belongs to this invocation (same invocation_id as the events).
class DbtOperation : public QObject {
    Q_OBJECT
public:
    explicit DbtOperation(DbtSpec spec, QObject *parent = nullptr);
    ~DbtOperation() override;

    void start();
    void cancel();

    // Where dbt is: the configured executable (checked), else "dbt" on the PATH of `environment`
    // (or of this process). An Error names the fix.
    [[nodiscard]] static Result<QString> findDbt(const QString &configured, const QMap<QString, QString> &environment = {});
    // The argv dbt receives (without the program).
    [[nodiscard]] static QStringList buildArguments(const DbtSpec &spec);

    [[nodiscard]] const DbtProgress &progress() const { return m_progress; }
    [[nodiscard]] const DbtSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void started(qint64 pid);
    void eventReceived(const sluice::DbtEvent &event);
    void progressChanged(const sluice::DbtProgress &progress);
    void logLine(const sluice::OutputLine &line);
    void finished(const sluice::DbtResult &result); // exactly once per start()

private:
    void handleLine(const OutputLine &line);
    void handleFinished(const ProcessResult &result);
    void finishWith(DbtResult result);

    DbtSpec m_spec;
    ProcessJob *m_job = nullptr; // child QObject
    DbtEventParser m_parser;
    DbtProgress m_progress;
    QStringList m_stderrTail;    // the last stderr lines, for an error without MainEncounteredError
    QString m_lastMessage, m_lastErrorMessage; // of the JSON events, for an exit 1 without failed nodes
    QMap<QString, QString> m_eventStatus; // unique id → final node status seen in events
    bool m_startCalled = false;
    bool m_cancelRequested = false;
    bool m_finished = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::DbtEvent)
Q_DECLARE_METATYPE(sluice::DbtProgress)
Q_DECLARE_METATYPE(sluice::DbtResult)
