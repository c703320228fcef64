#pragma once

#include "catalog/taskcatalog.h"
#include "domain/entities.h"

namespace sluice {

// Checks an org task request against its catalog entry and returns the parameters to store.
// Refused, each with a message naming the problem: an unknown task, a flag or option the task does
// not take, a repeated flag or option, an empty option value, malformed dbt --vars, a missing
// connection id for an Airbyte task (or one given to another task), an empty shell command (or a
// command given to a non-shell task).
[[nodiscard]] Result<TaskParameters> validateOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft);

// The automatic tasks (git pull, dbt clean, dbt deps) a pipeline needs besides the user's tasks:
// none unless auto deps are on and the user chose a dbt task; never one the user already has.
[[nodiscard]] QStringList missingAutomaticSlugs(const TaskCatalog &catalog, const QList<OrgTask> &userTasks, bool autoDeps);

// Puts a pipeline's tasks in run order (DESIGN.md §1): Airbyte tasks first in the given order, then
// the transform chain's automatic tasks by transform order, then every other task in the given
// order. Refused: the same org task twice, two tasks of one automatic kind, a task of another org.
[[nodiscard]] Result<QList<OrgTask>> orderPipelineTasks(const TaskCatalog &catalog, const QList<OrgTask> &tasks);

} // namespace sluice
