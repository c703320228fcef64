#pragma once

#include <atomic>
#include <chrono>

namespace sluice {

// What one owner of runs — an agent, the desktop app's runs service, a `sluicectl` command — last
// learned about the keychain's reachability, shared by the runners it starts (RunnerOptions::keychain;
// thread-safe). A process without a keychain (an agent on a server) then skips the per-run lookup of
// the org's secrets for a while and logs the problem once instead of once per run.
class KeychainMemo
{
public:
    // Whether a lookup now should be skipped: the keychain was found unreachable less than `window`
    // ago. Always false for a window of 0.
    [[nodiscard]] bool shouldSkip(std::chrono::milliseconds window) const;

    // Records an unreachable keychain (now). True only for the first call since the memo was made or
    // since the keychain last answered: the caller logs the problem then, and stays quiet otherwise.
    [[nodiscard]] bool markUnavailable();

    // Records that the keychain answered: lookups resume and a later outage is logged again.
    void markAvailable();

private:
    using Clock = std::chrono::steady_clock;
    // Steady-clock time (ns since its epoch) of the last "unreachable", 0 when the keychain last answered.
    std::atomic<Clock::rep> m_unavailableAt{0};
    std::atomic<bool> m_noted{false};
};

} // namespace sluice
