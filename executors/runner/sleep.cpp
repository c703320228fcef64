#include "sleep.h"

#include <QCoro/QCoroTimer>

namespace sluice {

SleepFunction realSleep()
{
    return [](qint64 ms) -> QCoro::Task<void> {
        if (ms > 0)
            co_await QCoro::sleepFor(std::chrono::milliseconds(ms));
    };
}

} // namespace sluice
