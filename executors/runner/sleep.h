#pragma once

#include <QCoro/QCoroTask>

#include <functional>

namespace sluice {

// An injectable wait: completes after `ms` milliseconds (or at once for ms <= 0). The runner waits
// through one of these for retry delays, so tests record the requested delays instead of sleeping.
using SleepFunction = std::function<QCoro::Task<void>(qint64 ms)>;

// Waits on a real timer of the calling thread's event loop.
[[nodiscard]] SleepFunction realSleep();

} // namespace sluice
