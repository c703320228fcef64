#pragma once

#include <chrono>

namespace sluice {

// What this process last learned about the keychain's reachability, shared by every PipelineRunner
// (thread-safe). A process without a keychain (an agent on a server) then skips the per-run lookup
// of the org's secrets for a while and logs the problem once instead of once per run.
class KeychainMemo
{
public:
    // Whether a lookup now should be skipped: the keychain was found unreachable less than `window`
    // ago. Always false for a window of 0.
    [[nodiscard]] static bool shouldSkip(std::chrono::milliseconds window);

    // Records an unreachable keychain (now). True only for the first call since the process started
    // or since the keychain last answered: the caller logs the problem then, and stays quiet otherwise.
    [[nodiscard]] static bool markUnavailable();

    // Records that the keychain answered: lookups resume and a later outage is logged again.
    static void markAvailable();

    // For tests: forgets everything.
    static void reset();
};

} // namespace sluice
