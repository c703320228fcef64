#pragma once

#include <QString>

namespace sluice {

// How any operation (a process, an HTTP call, a git transfer) ended: one vocabulary for every executor.
enum class Outcome {
    Success,        // finished and did what was asked
    Failed,         // finished and reported failure (non-zero exit code, error reply)
    Crashed,        // ended abnormally (killed by a signal it did not ask for)
    TimedOut,       // stopped by Sluice after its time limit
    Canceled,       // stopped by Sluice at a user's request
    FailedToStart,  // never started (missing binary, no permission, unreachable server)
};

[[nodiscard]] QString toString(Outcome outcome);

} // namespace sluice
