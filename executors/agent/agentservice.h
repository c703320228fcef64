#pragma once

#include "agent.h"
#include "hostlock.h"

#include <QCoro/QCoroTask>
#include <QObject>

class QSocketNotifier;

namespace sluice {

// Turns SIGINT and SIGTERM into a Qt signal (self-pipe; the handler only writes one byte). One watcher
// per process: a second one gives isValid() false. The previous handlers come back when it is destroyed.
class TerminationWatcher : public QObject
{
    Q_OBJECT
public:
    explicit TerminationWatcher(QObject *parent = nullptr);
    ~TerminationWatcher() override;

    [[nodiscard]] bool isValid() const { return m_notifier != nullptr; }

Q_SIGNALS:
    // SIGINT or SIGTERM arrived (`count`: how many so far).
    void terminationRequested(int signal, int count);

private:
    void handleReadable();

    QSocketNotifier *m_notifier = nullptr;
    int m_count = 0;
};

struct AgentServiceOptions
{
    AgentOptions agent;
    bool once = false;      // one scheduling pass (plan, claim, run everything due), then exit
};

// The headless agent, as `sluice-agent --headless` and `sluicectl agent run` serve it: takes the host lock
// (one agent per host and database; Error::Conflict naming the pid holding it), registers, and serves until
// SIGINT/SIGTERM — the first stops claiming and lets the runs executing finish, a second cancels them —
// or, with `once`, until one pass has run everything due. Marks the agent stopped at the end. Progress
// and warnings go to `log` (one line each). Completes with what the passes did (`once`) or an empty report.
[[nodiscard]] QCoro::Task<Result<PassReport>> serveAgent(Database &db, AgentServiceOptions options,
                                                        std::function<void(const QString &)> log);

} // namespace sluice
