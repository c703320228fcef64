#pragma once

#include "core/error.h"
#include "domain/entities.h"
#include "store/runstore.h"

namespace sluice {

class Database;

// Creating the queued run a PipelineRunner executes.

// One RunTaskPlan per step of the pipeline, in seq order.
[[nodiscard]] QList<RunTaskPlan> runPlan(const Pipeline &pipeline);

// A queued run of the pipeline: `request` gives trigger, slot, requester, dispatch and agent; org,
// pipeline id and name are taken from the pipeline. A pipeline without steps is Error::Invalid.
[[nodiscard]] Result<qint64> createPipelineRun(Database &db, const Pipeline &pipeline, NewRun request);

// A queued manual run of one org task (its label, or its slug, names the run).
[[nodiscard]] Result<qint64> createTaskRun(Database &db, const OrgTask &task, NewRun request);

// Deletes a run that never started (still queued, holding no lock), with its task runs: what a manual
// request does with the run it created when the runner refused it (its locks were held), so that no
// queued run is left behind. Error::Conflict when the run is no longer queued (it is left alone).
[[nodiscard]] Result<void> discardQueuedRun(Database &db, qint64 runId);

} // namespace sluice
