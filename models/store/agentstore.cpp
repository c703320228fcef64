#include "agentstore.h"

#include "store/database.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace sluice {

namespace {

QString tagsToJson(const QStringList &tags)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(tags)).toJson(QJsonDocument::Compact));
}

QStringList tagsFromJson(const QString &text)
{
    QStringList tags;
    const QJsonArray a = QJsonDocument::fromJson(text.toUtf8()).array();
    for (const QJsonValue &v : a)
        tags.append(v.toString());
    return tags;
}

} // namespace

AgentStore::AgentStore(Database &db) : m_db(db) {}

Result<qint64> AgentStore::measureSkew()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    auto server = m_db.serverNowMs();
    if (!server)
        return fail(server.error());
    const qint64 after = QDateTime::currentMSecsSinceEpoch();
    return before + (after - before) / 2 - *server;
}

Result<AgentRecord> AgentStore::registerAgent(const AgentRegistration &registration)
{
    if (registration.host.isEmpty())
        return fail(Error::invalid(QStringLiteral("an agent needs a host name to register")));
    auto skew = measureSkew();
    if (!skew)
        return fail(skew.error());
    const QString uuid = registration.uuid.isEmpty() ? QUuid::createUuid().toString(QUuid::WithoutBraces) : registration.uuid;
    auto id = m_db.write([&]() -> Result<qint64> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        auto v = m_db.scalar(QStringLiteral("INSERT INTO agent (uuid, host, pid, version, tags, started_at, heartbeat_at, clock_skew_ms) "
                                            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                             {uuid, registration.host, registration.pid,
                              registration.version.isEmpty() ? QStringLiteral("unknown") : registration.version, tagsToJson(registration.tags),
                              *now, *now, *skew});
        if (!v)
            return fail(v.error());
        return v->toLongLong();
    });
    if (!id)
        return fail(id.error());
    return find(*id);
}

Result<void> AgentStore::heartbeat(qint64 agentId)
{
    auto skew = measureSkew();
    if (!skew)
        return fail(skew.error());
    return m_db.write([&]() -> Result<void> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        auto q = m_db.exec(QStringLiteral("UPDATE agent SET heartbeat_at = ?, clock_skew_ms = ? WHERE id = ? AND stopped_at IS NULL"),
                           {*now, *skew, agentId});
        if (!q)
            return fail(q.error());
        if (q->numRowsAffected() > 0)
            return {};
        auto stopped = m_db.scalar(QStringLiteral("SELECT stopped_at FROM agent WHERE id = ?"), {agentId});
        if (!stopped)
            return fail(stopped.error());
        if (!stopped->isValid())
            return fail(Error::notFound(QStringLiteral("agent %1 is not registered (its row was deleted); register again").arg(agentId)));
        return fail(Error::conflict(QStringLiteral("agent %1 was marked stopped; register again to heartbeat").arg(agentId)));
    });
}

Result<void> AgentStore::stop(qint64 agentId)
{
    return m_db.write([&]() -> Result<void> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        auto q = m_db.exec(QStringLiteral("UPDATE agent SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL"), {*now, agentId});
        if (!q)
            return fail(q.error());
        return {};
    });
}

Result<QList<AgentRecord>> AgentStore::list(qint64 heartbeatMs)
{
    return select(QString(), {}, heartbeatMs);
}

Result<AgentRecord> AgentStore::find(qint64 agentId, qint64 heartbeatMs)
{
    auto rows = select(QStringLiteral("WHERE id = ?"), {agentId}, heartbeatMs);
    if (!rows)
        return fail(rows.error());
    if (rows->isEmpty())
        return fail(Error::notFound(QStringLiteral("agent %1 is not registered").arg(agentId)));
    return rows->first();
}

Result<QList<ScheduledPipeline>> AgentStore::scheduledPipelines()
{
    auto q = m_db.exec(QStringLiteral("SELECT p.id, p.uuid, p.org_id, p.name, p.cron, p.timezone, p.missed_policy, p.overlap_policy, "
                                      "p.agent_tag, p.created_at, p.updated_at, pt.org_task_id, pt.seq, t.slug "
                                      "FROM pipeline p JOIN pipeline_task pt ON pt.pipeline_id = p.id "
                                      "JOIN org_task ot ON ot.id = pt.org_task_id JOIN task t ON t.id = ot.task_id "
                                      "WHERE p.is_active AND p.cron IS NOT NULL ORDER BY p.id, pt.seq"));
    if (!q)
        return fail(q.error());
    QList<ScheduledPipeline> out;
    while (q->next()) {
        const qint64 id = q->value(0).toLongLong();
        if (out.isEmpty() || out.last().id != id) {
            ScheduledPipeline p;
            p.id = id;
            p.uuid = q->value(1).toString();
            p.orgId = q->value(2).toLongLong();
            p.name = q->value(3).toString();
            p.cron = q->value(4).toString();
            p.timezone = q->value(5).toString();
            p.missedPolicy = missedPolicyFromString(q->value(6).toString()).value_or(MissedPolicy::Once);
            p.overlapPolicy = overlapPolicyFromString(q->value(7).toString()).value_or(OverlapPolicy::Queue);
            p.agentTag = q->value(8).toString();
            p.createdAt = q->value(9).toLongLong();
            p.updatedAt = q->value(10).toLongLong();
            out.append(p);
        }
        out.last().tasks.append({q->value(11).toLongLong(), q->value(13).toString(), q->value(12).toInt()});
    }
    return out;
}

Result<PipelinesVersion> AgentStore::pipelinesVersion()
{
    auto q = m_db.exec(QStringLiteral("SELECT COUNT(*), COALESCE(MAX(updated_at), 0), "
                                      "(SELECT COUNT(*) FROM pipeline_task) FROM pipeline"));
    if (!q)
        return fail(q.error());
    if (!q->next())
        return PipelinesVersion{};
    // Task lists count too: a step added without touching updated_at still changes the fingerprint.
    return PipelinesVersion{q->value(0).toLongLong() * 1'000'003 + q->value(2).toLongLong(), q->value(1).toLongLong()};
}

Result<void> AgentStore::skipClaimedRun(qint64 runId, qint64 agentId, const QString &reason)
{
    return m_db.write([&]() -> Result<void> {
        auto now = m_db.serverNowMs();
        if (!now)
            return fail(now.error());
        auto q = m_db.exec(QStringLiteral("UPDATE run SET status = 'skipped', status_reason = ?, finished_at = ? "
                                          "WHERE id = ? AND status = 'queued' AND agent_id = ?"),
                           {reason, *now, runId, agentId});
        if (!q)
            return fail(q.error());
        if (q->numRowsAffected() == 0)
            return fail(Error::conflict(QStringLiteral("run %1 is no longer a queued run claimed by agent %2").arg(runId).arg(agentId)));
        auto t = m_db.exec(QStringLiteral("UPDATE task_run SET status = 'skipped' WHERE run_id = ? AND status = 'queued'"), {runId});
        if (!t)
            return fail(t.error());
        return {};
    });
}

Result<int> AgentStore::releaseClaimsOfGoneAgents(qint64 heartbeatMs)
{
    // One statement (atomic on its own, no transaction of its own), judged by the database clock. The
    // common case — nothing to release — is a read first (an index lookup on run (status, dispatch,
    // id)), so that it takes no write lock.
    const QString gone = QStringLiteral("status = 'queued' AND dispatch = 'agent' AND agent_id IN "
                                        "(SELECT id FROM agent WHERE stopped_at IS NOT NULL OR heartbeat_at < %1 - ?)")
                             .arg(m_db.dialect().nowMsExpr());
    const QVariantList values{kAgentAliveIntervals * heartbeatMs};
    if (!m_db.inTransaction()) {
        auto any = m_db.scalar(QStringLiteral("SELECT 1 FROM run WHERE %1 LIMIT 1").arg(gone), values);
        if (!any)
            return fail(any.error());
        if (!any->isValid())
            return 0;
    }
    return m_db.change(QStringLiteral("UPDATE run SET agent_id = NULL WHERE %1").arg(gone), values);
}

Result<QList<AgentRecord>> AgentStore::select(const QString &where, const QVariantList &values, qint64 heartbeatMs)
{
    auto now = m_db.serverNowMs();
    if (!now)
        return fail(now.error());
    auto q = m_db.exec(QStringLiteral("SELECT id, uuid, host, pid, version, tags, started_at, heartbeat_at, clock_skew_ms, stopped_at "
                                      "FROM agent %1 ORDER BY id DESC")
                           .arg(where),
                       values);
    if (!q)
        return fail(q.error());
    QList<AgentRecord> out;
    while (q->next()) {
        AgentRecord a;
        a.id = q->value(0).toLongLong();
        a.uuid = q->value(1).toString();
        a.host = q->value(2).toString();
        a.pid = q->value(3).toLongLong();
        a.version = q->value(4).toString();
        a.tags = tagsFromJson(q->value(5).toString());
        a.startedAt = q->value(6).toLongLong();
        a.heartbeatAt = q->value(7).toLongLong();
        a.clockSkewMs = q->value(8).toLongLong();
        a.stoppedAt = q->value(9).isNull() ? 0 : q->value(9).toLongLong();
        a.heartbeatAgeMs = *now - a.heartbeatAt;
        a.alive = a.stoppedAt == 0 && a.heartbeatAgeMs <= kAgentAliveIntervals * heartbeatMs;
        out.append(a);
    }
    return out;
}

} // namespace sluice
