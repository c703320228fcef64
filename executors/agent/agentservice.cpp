#include "agentservice.h"

#include "store/database.h"

#include <QDateTime>
#include <QSocketNotifier>

#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <unistd.h>

namespace sluice {

namespace {

int g_pipe[2] = {-1, -1};
std::atomic<bool> g_installed{false};
struct sigaction g_oldInt, g_oldTerm;

void onSignal(int signal)
{
    const char byte = char(signal);
    [[maybe_unused]] const ssize_t n = ::write(g_pipe[1], &byte, 1);
}

} // namespace

TerminationWatcher::TerminationWatcher(QObject *parent) : QObject(parent)
{
    if (g_installed.exchange(true))
        return;
    if (::pipe2(g_pipe, O_CLOEXEC | O_NONBLOCK) != 0) {
        g_installed = false;
        return;
    }
    struct sigaction sa = {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &sa, &g_oldInt);
    ::sigaction(SIGTERM, &sa, &g_oldTerm);
    m_notifier = new QSocketNotifier(g_pipe[0], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &TerminationWatcher::handleReadable);
}

TerminationWatcher::~TerminationWatcher()
{
    if (!m_notifier)
        return;
    ::sigaction(SIGINT, &g_oldInt, nullptr);
    ::sigaction(SIGTERM, &g_oldTerm, nullptr);
    delete m_notifier;
    ::close(g_pipe[0]);
    ::close(g_pipe[1]);
    g_pipe[0] = g_pipe[1] = -1;
    g_installed = false;
}

void TerminationWatcher::handleReadable()
{
    char byte = 0;
    while (::read(g_pipe[0], &byte, 1) == 1)
        Q_EMIT terminationRequested(int(byte), ++m_count);
}

QCoro::Task<Result<PassReport>> serveAgent(Database &db, AgentServiceOptions options, std::function<void(const QString &)> log)
{
    const QString url = db.url().toString();
    auto lock = HostLock::acquire(url);
    if (!lock)
        co_return fail(lock.error());

    TerminationWatcher termination;
    if (options.once)
        options.agent.wakeItself = false;
    Agent agent(db, options.agent);
    QObject::connect(&agent, &Agent::warning, &agent, [&log](const QString &w) { log(QStringLiteral("warning: ") + w); });
    QObject::connect(&agent, &Agent::runStarted, &agent, [&log](qint64 id, const QString &name) {
        log(QStringLiteral("run %1 of %2 started").arg(id).arg(name));
    });
    QObject::connect(&agent, &Agent::runFinished, &agent, [&log](qint64 id, RunStatus status) {
        log(QStringLiteral("run %1 ended %2").arg(id).arg(toSql(status)));
    });
    if (auto started = agent.start(); !started)
        co_return fail(started.error());
    log(QStringLiteral("agent %1 serving %2 (host lock %3)").arg(agent.agentId()).arg(url, lock->path()));

    Latch stopRequested(&agent);
    bool cancelRuns = false;
    QObject::connect(&termination, &TerminationWatcher::terminationRequested, &agent, [&](int, int count) {
        stopRequested.open();
        if (count == 1) {
            log(QStringLiteral("stopping: no new work is claimed; waiting for %1 running run(s) to finish (signal again to cancel them)")
                    .arg(agent.running().size()));
        } else {
            log(QStringLiteral("cancelling the running runs"));
            cancelRuns = true;
            agent.cancelRuns();
        }
    });

    PassReport report;
    if (options.once) {
        auto done = co_await agent.runUntilIdle();
        if (!done) {
            co_await agent.stop(true);
            co_return fail(done.error());
        }
        report = *done;
    } else {
        co_await stopRequested;
    }
    co_await agent.stop(cancelRuns);
    log(QStringLiteral("agent %1 stopped").arg(agent.agentId()));
    co_return report;
}

} // namespace sluice
