#pragma once

// DesktopServices tuned for tests of the window: quick polls and flushes, the runner without the
// keychain (the suites that need it set up their own), every write done as `actor`.
#include "desktopservices.h"

#include <chrono>

namespace sluice::test {

inline DesktopServicesOptions desktopTestOptions(const QString &actor)
{
    DesktopServicesOptions d;
    d.catalog.actor = actor;
    d.runs.actor = actor;
    d.runs.pollInterval = std::chrono::milliseconds(100);
    d.runs.listInterval = std::chrono::milliseconds(200);
    d.runs.liveFlush = std::chrono::milliseconds(20);
    d.runs.runner.secrets = std::nullopt;
    d.runs.runner.log.flushInterval = std::chrono::milliseconds(50);
    return d;
}

} // namespace sluice::test
