#include "agenthost.h"

#include "store/database.h"
#include "store/migrator.h"

#include <QCoro/QCoroTask>

namespace sluice {

AgentHost::AgentHost(DbUrl url, AgentOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    qRegisterMetaType<sluice::AgentSnapshot>();
}

AgentHost::~AgentHost()
{
    m_agent.reset();   // before the connection it uses
    m_db.reset();
}

void AgentHost::start()
{
    if (m_db || m_stopping)
        return;
    Database::Options options;
    options.createIfMissing = false;
    auto db = Database::open(m_url, options);
    if (!db) {
        Q_EMIT failed(db.error().message);
        return;
    }
    if (auto ok = Migrator(**db).requireCurrent(); !ok) {
        Q_EMIT failed(ok.error().message);
        return;
    }
    m_db = std::move(*db);
    m_agent = std::make_unique<Agent>(*m_db, m_options);
    connect(m_agent.get(), &Agent::stateChanged, this, &AgentHost::emitSnapshot);
    connect(m_agent.get(), &Agent::warning, this, &AgentHost::warning);
    if (auto started = m_agent->start(); !started) {
        m_agent.reset();
        Q_EMIT failed(started.error().message);
        return;
    }
    Q_EMIT started(m_agent->agentId());
    emitSnapshot();
}

void AgentHost::emitSnapshot()
{
    if (m_agent)
        Q_EMIT snapshot(AgentSnapshot{m_agent->nextRuns(8), m_agent->running(), m_agent->isPaused()});
}

void AgentHost::setPaused(bool paused)
{
    if (m_agent)
        m_agent->setPaused(paused);
}

void AgentHost::stop()
{
    if (std::exchange(m_stopping, true))
        return;
    if (!m_agent) {
        Q_EMIT stopped();
        return;
    }
    // Stop claiming, hand back what runs (cancel), unregister; then say so.
    auto done = m_agent->stop(true);
    std::move(done).then([this] { Q_EMIT stopped(); });
}

} // namespace sluice
