#pragma once

#include "domain/status.h"
#include "notify/notifier.h"

#include <QCoro/QCoroTask>

#include <functional>

namespace sluice {

class Database;
class PipelineRunner;

// What executing a queued run here does after the runner, the same for the desktop app ("Run now"),
// `sluicectl pipeline|task run` and the agent.
struct ExecutionHooks
{
    // A run the runner refused (its locks are held, or it could not start) never ran: a manual request
    // deletes it again so that no queued run is left behind; the agent keeps it for its overlap policy.
    bool discardRefused = false;
    // Who tells the org's channels of a run's end (notify_on and the channels' levels decide); none:
    // nobody is told. `stillNotify` may withdraw it when the run ends (the app is quitting).
    Notifier *notifier = nullptr;
    std::function<bool()> stillNotify;
    // Called once the run has reached its final status, before the channels are told.
    std::function<void(RunStatus)> ended;
};

struct Execution
{
    Result<RunStatus> status;               // the runner's answer; an Error when it was refused
    QList<NotifyOutcome> notifications;     // every channel told (a failing one says why)
};

// Runs `runner` (PipelineRunner::run) to its end, then does what `hooks` say. Completes once the
// channels have been told.
[[nodiscard]] QCoro::Task<Execution> executeRun(PipelineRunner &runner, Database &db, ExecutionHooks hooks);

} // namespace sluice
