#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QStringView>

#include <optional>

namespace sluice {

// The statuses of runs and task runs, and the kinds of a task run's failure (DESIGN.md §1 "Runs"). Each
// has one spelling in SQL (toSql / …FromSql, the words the schema's CHECKs and sluicectl's --json use)
// and one in words for people (toWords, translated), and nothing else spells them.

enum class RunStatus { Queued, Running, Successful, PartialSuccess, Failed, Cancelled, Crashed, Skipped };
enum class TaskRunStatus { Queued, Running, Successful, Warning, Failed, Cancelled, Skipped, Crashed };

// Why a task run attempt failed (task_run.error_kind); None for one that did not.
enum class TaskErrorKind {
    None,
    ExitCode,     // the command or dbt exited non-zero
    Crashed,      // killed by a signal it did not ask for, or its holder died
    Timeout,      // stopped at its time limit
    Cancelled,    // stopped at a user's request
    StartFailed,  // the program could not be started
    Setup,        // the task could not be prepared (nothing set up, a secret missing, a bad option)
    Store,        // the database refused to record it
    LeaseLost,    // its run lost its locks
    Git,          // git failed (credentials, network, a branch that cannot fast-forward)
    Airbyte,      // the Airbyte job or server failed
    Failed,       // anything else
};

[[nodiscard]] QString toSql(RunStatus s);
[[nodiscard]] QString toSql(TaskRunStatus s);
[[nodiscard]] QString toSql(TaskErrorKind k);   // empty for None
[[nodiscard]] std::optional<RunStatus> runStatusFromSql(QStringView s);
[[nodiscard]] std::optional<TaskRunStatus> taskRunStatusFromSql(QStringView s);
[[nodiscard]] TaskErrorKind taskErrorKindFromSql(QStringView s);   // unknown or empty: None / Failed

// "Partial success", "Cancelled"… (the user's language).
[[nodiscard]] QString toWords(RunStatus s);
[[nodiscard]] QString toWords(TaskRunStatus s);

// Every status's SQL word, in declaration order: for messages that list what is accepted.
[[nodiscard]] QStringList runStatusWords();

// How a status looks, for views to map to colours of the palette (so dark mode works): models give it
// as a role, never a colour.
enum class StatusTone { Neutral, Active, Good, Warning, Bad };
[[nodiscard]] StatusTone toneOf(RunStatus s);
[[nodiscard]] StatusTone toneOf(TaskRunStatus s);

// Whether a run with this status has ended (anything but queued and running): it will not change any
// more, and every line of its log is stored.
[[nodiscard]] constexpr bool isFinished(RunStatus s) { return s != RunStatus::Queued && s != RunStatus::Running; }
[[nodiscard]] constexpr bool isFinished(TaskRunStatus s) { return s != TaskRunStatus::Queued && s != TaskRunStatus::Running; }

} // namespace sluice

Q_DECLARE_METATYPE(sluice::RunStatus)
Q_DECLARE_METATYPE(sluice::TaskRunStatus)
