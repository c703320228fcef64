#pragma once

#include <functional>

class QSocketNotifier;

namespace sluice::cli {

// While alive, SIGINT and SIGTERM call `onFirst` from the event loop instead of ending the process
// (the handler only writes the signal number to a pipe; the child processes this process starts get
// the default dispositions back at exec). A second SIGINT/SIGTERM ends the process at once with the
// default action. One guard at a time; the previous dispositions are restored when it goes.
class InterruptGuard
{
public:
    explicit InterruptGuard(std::function<void(int signal)> onFirst);
    ~InterruptGuard();
    InterruptGuard(const InterruptGuard &) = delete;
    InterruptGuard &operator=(const InterruptGuard &) = delete;

    [[nodiscard]] bool isActive() const { return m_notifier != nullptr; }

private:
    std::function<void(int)> m_onFirst;
    QSocketNotifier *m_notifier = nullptr;
    int m_received = 0;
};

} // namespace sluice::cli
