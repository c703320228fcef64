#pragma once

#include "agent.h"
#include "store/dburl.h"

#include <QList>
#include <QMetaType>
#include <QObject>

#include <memory>

namespace sluice {

class Database;

// What a tray (or any window) shows of an agent: its next runs, the runs executing now, paused or not.
struct AgentSnapshot
{
    QList<Agent::NextRun> next;
    QList<Agent::RunningRun> running;
    bool paused = false;
};

// An Agent with a connection of its own, meant to live on a thread of its own (moveToThread), so that a
// slow or unreachable database never freezes the thread that shows it (the tray's GUI thread). Every
// slot is meant to be invoked through a queued connection; every answer is a signal.
// - start(): opens the store (it must exist and be current), registers and starts the agent: started(id)
//   and a first snapshot, or failed(message) naming the problem and the fix.
// - snapshot(...) whenever the next runs, the running runs or the paused state change; warning(text)
//   for what deserves a line (the database is away, a heartbeat refused).
// - setPaused(bool): stop or resume planning and claiming.
// - stop(): stops claiming, cancels the runs it executes (they end `cancelled` and free their locks),
//   unregisters, then stopped(). Also after a failed start (stopped() at once).
class AgentHost : public QObject
{
    Q_OBJECT
public:
    AgentHost(DbUrl url, AgentOptions options, QObject *parent = nullptr);
    ~AgentHost() override;

public Q_SLOTS:
    void start();
    void setPaused(bool paused);
    void stop();

Q_SIGNALS:
    void started(qint64 agentId);
    void failed(const QString &message);
    void snapshot(const sluice::AgentSnapshot &snapshot);
    void warning(const QString &message);
    void stopped();

private:
    void emitSnapshot();

    DbUrl m_url;
    AgentOptions m_options;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Agent> m_agent;
    bool m_stopping = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::AgentSnapshot)
