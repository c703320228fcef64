#pragma once

#include "core/error.h"
#include "domain/entities.h"
#include "store/runstore.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

class Database;

// What an agent says about itself when it registers (table `agent`, DESIGN.md §1 "Agents").
struct AgentRegistration
{
    QString uuid;                   // empty: a new one is made
    QString host;
    qint64 pid = 0;
    QString version;
    QStringList tags;               // e.g. "has-dbt"; a pipeline with an agent_tag only runs on agents carrying it
};

struct AgentRecord
{
    qint64 id = 0;
    QString uuid;
    QString host;
    qint64 pid = 0;
    QString version;
    QStringList tags;
    qint64 startedAt = 0;           // database clock, UTC epoch ms
    qint64 heartbeatAt = 0;         // database clock
    qint64 clockSkewMs = 0;         // the agent's clock minus the database's (positive: the agent is ahead)
    qint64 stoppedAt = 0;           // 0 while running
    qint64 heartbeatAgeMs = 0;      // database now - heartbeat_at, when listed
    bool alive = false;             // not stopped, and a heartbeat within kAgentAliveIntervals intervals
};

// An active pipeline with a schedule, as an agent plans it.
struct ScheduledPipeline
{
    qint64 id = 0;
    QString uuid;
    qint64 orgId = 0;
    QString name;
    QString cron;
    QString timezone;
    MissedPolicy missedPolicy = MissedPolicy::Once;
    OverlapPolicy overlapPolicy = OverlapPolicy::Queue;
    QString agentTag;               // empty: any agent may run it
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QList<RunTaskPlan> tasks;       // in seq order
};

// A cheap fingerprint of the pipeline table: it changes when a pipeline is added, removed or edited.
struct PipelinesVersion
{
    qint64 count = 0;
    qint64 maxUpdatedAt = 0;
    friend bool operator==(const PipelinesVersion &, const PipelinesVersion &) = default;
};

// How often a running agent heartbeats, and how many missed beats make it count as gone. An agent
// heartbeats on its scheduling wake-ups, which come at least every 60 s: an idle agent wakes once a minute.
inline constexpr qint64 kAgentHeartbeatMs = 60'000;
inline constexpr int kAgentAliveIntervals = 3;

// The registry of agents. Times are the database's clock; the clock skew is measured around one
// round trip to the database (local clock at the midpoint minus the database's answer), so that a
// machine with a wrong clock is visible in `sluicectl agent list`. Synchronous statements on the
// caller's connection.
class AgentStore
{
public:
    explicit AgentStore(Database &db);

    // Inserts the agent (started_at = heartbeat_at = database now) and returns it with its id.
    [[nodiscard]] Result<AgentRecord> registerAgent(const AgentRegistration &registration);
    // Updates heartbeat_at (database now) and the clock skew. Error::NotFound when the agent row is gone,
    // Error::Conflict when it was marked stopped.
    [[nodiscard]] Result<void> heartbeat(qint64 agentId);
    // Marks the agent stopped (stopped_at = database now). Stopping twice is a no-op success.
    [[nodiscard]] Result<void> stop(qint64 agentId);
    // Every registered agent, newest first; `alive` judged with `heartbeatMs` as the interval.
    [[nodiscard]] Result<QList<AgentRecord>> list(qint64 heartbeatMs = kAgentHeartbeatMs);
    [[nodiscard]] Result<AgentRecord> find(qint64 agentId, qint64 heartbeatMs = kAgentHeartbeatMs);

    // Every active pipeline with a schedule and at least one task, with its task plan (ordered by id).
    [[nodiscard]] Result<QList<ScheduledPipeline>> scheduledPipelines();
    [[nodiscard]] Result<PipelinesVersion> pipelinesVersion();

    // Ends a run this agent claimed but will not execute (the overlap policy `skip` met a lock taken
    // between the agent's check and its acquire): queued -> skipped with the reason, its queued task
    // runs skipped. No lock is held, so there is no fence; only a still queued run claimed by `agentId`
    // changes. Error::Conflict when it is no longer such a run.
    [[nodiscard]] Result<void> skipClaimedRun(qint64 runId, qint64 agentId, const QString &reason);

    // Queued runs claimed by an agent that is gone (stopped, or silent for kAgentAliveIntervals heartbeats
    // of `heartbeatMs`) go back to the queue (agent_id NULL), so that a live agent claims them. A claimed
    // run that is still queued holds no lock, so nothing else would ever free it. Returns how many.
    [[nodiscard]] Result<int> releaseClaimsOfGoneAgents(qint64 heartbeatMs = kAgentHeartbeatMs);

    // The local clock minus the database clock, in ms, measured around one serverNowMs() round trip.
    [[nodiscard]] Result<qint64> measureSkew();

private:
    Result<QList<AgentRecord>> select(const QString &where, const QVariantList &values, qint64 heartbeatMs);

    Database &m_db;
};

} // namespace sluice
