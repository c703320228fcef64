#include "keychainmemo.h"

#include <atomic>

namespace sluice {

namespace {

using Clock = std::chrono::steady_clock;

// Steady-clock time (ns since its epoch) of the last "unreachable", 0 when the keychain last answered.
std::atomic<Clock::rep> g_unavailableAt{0};
std::atomic<bool> g_noted{false};

} // namespace

bool KeychainMemo::shouldSkip(std::chrono::milliseconds window)
{
    const Clock::rep at = g_unavailableAt.load();
    if (window.count() <= 0 || at == 0)
        return false;
    return Clock::now() - Clock::time_point(Clock::duration(at)) < window;
}

bool KeychainMemo::markUnavailable()
{
    Clock::rep now = Clock::now().time_since_epoch().count();
    if (now == 0)
        now = 1;
    g_unavailableAt.store(now);
    return !g_noted.exchange(true);
}

void KeychainMemo::markAvailable()
{
    g_unavailableAt.store(0);
    g_noted.store(false);
}

void KeychainMemo::reset()
{
    markAvailable();
}

} // namespace sluice
