#include "interrupt.h"

#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace sluice::cli {

namespace {

int g_pipe[2] = {-1, -1};
struct sigaction g_previous[2];
constexpr int kSignals[2] = {SIGINT, SIGTERM};

extern "C" void onSignal(int sig)
{
    const int saved = errno;
    const char byte = char(sig);
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &byte, 1);   // async-signal-safe; a full pipe drops it
    errno = saved;
}

} // namespace

InterruptGuard::InterruptGuard(std::function<void(int)> onFirst) : m_onFirst(std::move(onFirst))
{
    if (g_pipe[0] >= 0 || ::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return;   // another guard is active, or no pipe: signals keep their default action
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    for (int i = 0; i < 2; ++i)
        ::sigaction(kSignals[i], &sa, &g_previous[i]);
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read);
    QObject::connect(m_notifier, &QSocketNotifier::activated, m_notifier, [this] {
        char byte = 0;
        while (::read(g_pipe[0], &byte, 1) == 1) {
            const int sig = static_cast<unsigned char>(byte);
            if (++m_received > 1) {
                ::signal(sig, SIG_DFL);   // asked twice: stop now, the default way
                ::raise(sig);
                return;
            }
            if (m_onFirst)
                m_onFirst(sig);
        }
    });
}

InterruptGuard::~InterruptGuard()
{
    if (!m_notifier)
        return;
    for (int i = 0; i < 2; ++i)
        ::sigaction(kSignals[i], &g_previous[i], nullptr);
    delete m_notifier;
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
}

} // namespace sluice::cli
