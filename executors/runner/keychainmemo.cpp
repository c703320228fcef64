#include "keychainmemo.h"

namespace sluice {

bool KeychainMemo::shouldSkip(std::chrono::milliseconds window) const
{
    const Clock::rep at = m_unavailableAt.load();
    if (window.count() <= 0 || at == 0)
        return false;
    return Clock::now() - Clock::time_point(Clock::duration(at)) < window;
}

bool KeychainMemo::markUnavailable()
{
    Clock::rep now = Clock::now().time_since_epoch().count();
    if (now == 0)
        now = 1;
    m_unavailableAt.store(now);
    return !m_noted.exchange(true);
}

void KeychainMemo::markAvailable()
{
    m_unavailableAt.store(0);
    m_noted.store(false);
}

} // namespace sluice
