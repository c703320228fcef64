#pragma once

#include "core/error.h"
#include "process/processjob.h"

#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <chrono>
#include <optional>

namespace sluice {

// What to install, and where. Nothing here is secret except possibly the index URL (it may carry
// credentials): it reaches pip through the child's environment (PIP_INDEX_URL), never argv or a log.
struct DbtInstallSpec {
    QString venvDir;                 // the workspace's virtualenv; created if missing, reused if usable
    QString adapter;                 // postgres | bigquery | snowflake | redshift | duckdb | databricks
    QString dbtVersion;              // the adapter's version: dbt-<adapter>==<dbtVersion>
    QString python;                  // empty: "python3" found on PATH
    QString indexUrl;                // empty: pip's own configuration decides
    QString findLinks;               // a directory (or URL) of wheels, passed as --find-links
    bool noIndex = false;            // --no-index: only findLinks is looked at
    QMap<QString, QString> environment; // added to every step's environment
    QStringList unsetEnvironment;    // removed from every step's environment
    std::chrono::milliseconds timeout{std::chrono::minutes(20)}; // the whole install; 0: none
    std::chrono::milliseconds killGrace{5000};
};

// Where an install is, for progress and for the step that failed.
enum class DbtInstallStep {
    CheckingPython,   // python3 runs and has the venv and ensurepip modules
    CreatingVenv,     // python3 -m venv DIR (skipped, with a progress note, if DIR is a usable virtualenv)
    Installing,       // DIR/bin/python -m pip install dbt-<adapter>==<version>
    Verifying,        // DIR/bin/dbt --version
    Done,
};
[[nodiscard]] QString toString(DbtInstallStep step); // "checking python", "creating virtualenv", ...

struct DbtInstallProgress {
    DbtInstallStep step = DbtInstallStep::CheckingPython;
    int percent = 0;                 // 0..100, never decreases during one install
    QString detail;                  // what is happening, in pip's words when pip said it
};

struct DbtInstallResult {
    Outcome outcome = Outcome::FailedToStart;
    DbtInstallStep step = DbtInstallStep::CheckingPython; // the step that ended the install (Done on success)
    QString dbtExecutable;           // absolute path of DIR/bin/dbt; set on Success only
    QString dbtVersion;              // dbt-core's version, from `dbt --version` ("installed: X")
    QString errorText;               // for every outcome but Success: what went wrong and the fix
};

// Creates (or reuses) a per-workspace virtualenv and installs dbt-<adapter>==<version> into it with
// pip, then checks that DIR/bin/dbt runs. Each step is a ProcessJob; nothing blocks the caller.
// Contract:
// - start() once; later calls are ignored. An invalid spec (unknown adapter, malformed version,
//   no venv dir) ends as FailedToStart before any process runs.
// - stepStarted fires as each step begins; progressChanged with a percent that never goes down
//   (pip's "Collecting"/"Processing", "Downloading", "Installing collected packages" and
//   "Successfully installed" lines move it); logLine for every output line of every step.
// - finished fires exactly once per start(), always from the event loop, for every way it ends:
//   Success (dbtExecutable set), Failed (a step exited non-zero: pip's ERROR lines in errorText),
//   FailedToStart (invalid spec, no python, or python without venv/ensurepip: names the Debian
//   package), TimedOut (the overall timeout), Canceled (cancel(): the running step's process group
//   is terminated before finished), Crashed.
// - cancel() before start() makes start() finish as Canceled without running anything; after
//   finished it does nothing.
// - Destroying the installer while a step runs kills that step's process group (see ProcessJob);
//   finished is not emitted then.
class DbtInstaller : public QObject {
    Q_OBJECT
public:
    explicit DbtInstaller(DbtInstallSpec spec, QObject *parent = nullptr);
    ~DbtInstaller() override;

    void start();
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_startCalled && !m_finished; }

    // The adapters Sluice knows how to install (and write profiles for).
    [[nodiscard]] static QStringList knownAdapters();
    // Checks the spec without running anything; the Error names the field and the fix.
    [[nodiscard]] static Result<void> validate(const DbtInstallSpec &spec);
    // "dbt-postgres==1.8.2"
    [[nodiscard]] static QString requirement(const DbtInstallSpec &spec);
    // DIR/bin/python, DIR/bin/dbt
    [[nodiscard]] static QString venvPython(const QString &venvDir);
    [[nodiscard]] static QString venvDbt(const QString &venvDir);
    // A virtualenv is there (pyvenv.cfg, and bin/python resolves to an executable): start() reuses it.
    [[nodiscard]] static bool isUsableVenv(const QString &venvDir);
    // The core version in `dbt --version` output ("  - installed: 1.8.9"); empty if absent.
    [[nodiscard]] static QString parseDbtVersion(const QStringList &versionOutput);

    [[nodiscard]] const DbtInstallProgress &progress() const { return m_progress; }
    [[nodiscard]] const DbtInstallSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void stepStarted(sluice::DbtInstallStep step, const QString &name);
    void progressChanged(const sluice::DbtInstallProgress &progress);
    void logLine(const sluice::OutputLine &line);
    void finished(const sluice::DbtInstallResult &result); // exactly once per start()

private:
    struct StepRun {
        ProcessResult process;
        QStringList stdoutLines, stderrLines;
    };

    QCoro::Task<> run();
    QCoro::Task<DbtInstallResult> flow();
    // Runs one step's process to its end; lines are forwarded as logLine (and to pip progress).
    QCoro::Task<StepRun> runStep(DbtInstallStep step, QString program, QStringList arguments,
                                 QMap<QString, QString> extraEnvironment = {});
    // The result for a step that did not succeed, or nullopt if it did.
    std::optional<DbtInstallResult> stepFailure(DbtInstallStep step, const StepRun &run) const;
    void enterStep(DbtInstallStep step, int percent);
    void setProgress(int percent, const QString &detail);
    void handlePipLine(const QString &text);

    DbtInstallSpec m_spec;
    DbtInstallProgress m_progress;
    QPointer<ProcessJob> m_job;      // the running step, a child of this
    QElapsedTimer m_clock;           // since start(), for the overall timeout
    int m_collected = 0;             // pip "Collecting"/"Processing"/"Downloading" lines seen
    bool m_startCalled = false;
    bool m_cancelRequested = false;
    bool m_finished = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::DbtInstallStep)
Q_DECLARE_METATYPE(sluice::DbtInstallProgress)
Q_DECLARE_METATYPE(sluice::DbtInstallResult)
