#pragma once

#include "catalog/taskcatalog.h"
#include "domain/entities.h"

namespace sluice {

// One thing wrong with an org task request, and the part of it at fault: "slug", "flag:NAME",
// "option:NAME", "connection", "command" or "env" (so a dialog can mark the field).
struct TaskProblem {
    QString field;
    QString message;
};

// Every problem of an org task request against its catalog entry, in the order of the request's
// parts: an unknown task, a flag or option the task does not take, a repeated flag or option, an
// empty option value, malformed dbt --vars (YAML, a dictionary), a --select / --exclude that dbt's
// grammar refuses, a missing connection id for an Airbyte task (or one given to another task), an
// empty shell command (or a command given to a non-shell task), environment variables given to a
// non-shell task, a malformed, repeated or reserved (SLUICE_*) variable name, or one that names a
// secret (secrets live in the keychain, never in the store). Empty: the request is valid.
[[nodiscard]] QList<TaskProblem> checkOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft);

// The parameters to store for a valid request; the first problem of checkOrgTask() otherwise.
[[nodiscard]] Result<TaskParameters> validateOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft);

// The draft that reproduces a stored task (for editing it).
[[nodiscard]] OrgTaskDraft draftOf(const OrgTask &task);

// The automatic tasks (git pull, dbt clean, dbt deps) a pipeline needs besides the user's tasks:
// none unless auto deps are on and the user chose a dbt task; never one the user already has.
[[nodiscard]] QStringList missingAutomaticSlugs(const TaskCatalog &catalog, const QList<OrgTask> &userTasks, bool autoDeps);

// Puts a pipeline's tasks in run order (DESIGN.md §1): Airbyte tasks first in the given order, then
// the transform chain's automatic tasks by transform order, then every other task in the given
// order. Refused: the same org task twice, two tasks of one automatic kind, a task of another org.
[[nodiscard]] Result<QList<OrgTask>> orderPipelineTasks(const TaskCatalog &catalog, const QList<OrgTask> &tasks);

} // namespace sluice
