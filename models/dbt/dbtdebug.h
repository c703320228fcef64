#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

// What `dbt debug` found, read from the lines a person reads (text output, or the `msg` of each
// --log-format json event; colour codes and the "HH:MM:SS  " prefix are ignored). dbt prints one line per
// check — "  profiles.yml file [OK found and valid]", " - git [OK found]", "  Connection test: [ERROR]" —
// then "All checks passed!" or "N check(s) failed:" followed by dbt's explanation (the adapter's error).
struct DbtDebugCheck {
    QString name;      // "profiles.yml file", "dbt_project.yml file", "git", "Connection test"
    bool ok = false;
    QString detail;    // what dbt said inside the brackets after OK/ERROR ("found and valid")
};

struct DbtDebugReport {
    // Why the warehouse (or dbt's setup) failed, as a person would name it.
    enum class Failure {
        None,                  // every check passed
        ConnectionRefused,     // nothing listens at host:port, or the server closed the connection
        HostNotFound,          // the host name does not resolve
        Timeout,               // the server did not answer in time
        AuthenticationFailed,  // wrong user, password, token or key
        UnknownDatabase,       // the database / project / catalog named does not exist (or is not granted)
        Ssl,                   // TLS was required or refused
        Profile,               // the profile (profiles.yml) was refused
        Project,               // dbt_project.yml is missing or invalid
        Git,                   // git is not installed
        Other,                 // a check failed for a reason not recognised: see errorText
        DidNotRun,             // dbt printed no check (it could not start, or crashed)
    };

    QList<DbtDebugCheck> checks;
    bool allPassed = false;     // dbt said "All checks passed!"
    QString failedCheck;        // the first check that failed ("Connection test"); empty when none did
    Failure failure = Failure::DidNotRun;
    QString errorText;          // dbt's explanation after "N check(s) failed:", lines joined with \n

    // One sentence naming what failed and how to fix it ("Connection refused: nothing answers at the
    // host and port. Check them, and that the server runs and accepts connections from this machine.").
    [[nodiscard]] QString summary() const;
    // The short name of `failure` ("connection refused", "authentication failed", …).
    [[nodiscard]] static QString failureName(Failure failure);
};

// Parses dbt debug's output lines. `exitCode` is dbt's: 0 with "All checks passed!" is a pass; a line
// may hold several lines of text (a json event's msg) and is split.
[[nodiscard]] DbtDebugReport parseDbtDebug(const QStringList &lines, int exitCode);

} // namespace sluice
