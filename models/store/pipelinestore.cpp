#include "pipelinestore.h"

#include "core/clock.h"
#include "domain/retrypolicy.h"
#include "rules/taskrules.h"
#include "schedule/cronexpression.h"
#include "store/database.h"
#include "store/notificationstore.h"
#include "store/orgtaskstore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimeZone>
#include <QUuid>

namespace sluice {

namespace {

const QString kSelect = QStringLiteral(
    "SELECT p.id, p.uuid, p.org_id, o.slug, p.name, p.kind, p.is_active, p.cron, p.timezone, p.missed_policy, "
    "p.overlap_policy, p.continue_on_sync_failure, p.auto_deps, p.created_at, p.updated_at, p.agent_tag, p.retry_policy, p.notify_on "
    "FROM pipeline p JOIN org o ON o.id = p.org_id ");

// notify_on as stored: a JSON array of level names; anything else reads as the default.
QStringList notifyOnFromJson(const QString &text)
{
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8());
    if (!doc.isArray())
        return {QStringLiteral("failure")};
    QStringList levels;
    for (const QJsonValue &v : doc.array())
        levels << v.toString();
    return levels;
}

QString notifyOnToJson(const QStringList &levels)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(levels)).toJson(QJsonDocument::Compact));
}

// The outcomes a pipeline notifies on, checked as a channel's levels are, in a fixed order
// (failure, warning, success); no words at all: none.
Result<QStringList> normalizedNotifyOn(const QStringList &words)
{
    if (words.join(QString()).trimmed().isEmpty())
        return QStringList{};
    auto levels = NotificationLevels::parse(words);
    if (!levels)
        return fail(levels.error());
    return levels->names();
}

Pipeline readPipeline(const QSqlQuery &q)
{
    Pipeline p;
    p.id = q.value(0).toLongLong();
    p.uuid = q.value(1).toString();
    p.orgId = q.value(2).toLongLong();
    p.orgSlug = q.value(3).toString();
    p.name = q.value(4).toString();
    p.kind = q.value(5).toString();
    p.active = q.value(6).toBool();
    p.cron = q.value(7).toString();
    p.timezone = q.value(8).toString();
    p.missedPolicy = missedPolicyFromString(q.value(9).toString()).value_or(MissedPolicy::Once);
    p.overlapPolicy = overlapPolicyFromString(q.value(10).toString()).value_or(OverlapPolicy::Queue);
    p.continueOnSyncFailure = q.value(11).toBool();
    p.autoDeps = q.value(12).toBool();
    p.createdAt = q.value(13).toLongLong();
    p.updatedAt = q.value(14).toLongLong();
    p.agentTag = q.value(15).toString();
    p.retryPolicy = q.value(16).toString();
    if (p.retryPolicy.trimmed().isEmpty())
        p.retryPolicy = QStringLiteral("{}");
    p.notifyOn = notifyOnFromJson(q.value(17).toString());
    return p;
}

bool isUuid(const QString &s) { return !QUuid::fromString(s).isNull(); }

// An agent tag as saved: trimmed; empty = any agent. One word, as agents are given it (`--tag T`).
Result<QString> normalizedAgentTag(const QString &tag)
{
    const QString t = tag.trimmed();
    for (const QChar c : t) {
        if (c.isSpace() || c == QLatin1Char(','))
            return fail(Error::invalid(QStringLiteral("agent tag \"%1\" has a space or comma; a pipeline takes one tag such as has-dbt").arg(t)));
    }
    return t;
}

// A retry policy as saved: checked by RetryPolicy (a bad one is refused naming the key, e.g.
// retry_policy.default.retries), then stored as compact JSON; empty text is '{}'.
Result<QString> normalizedRetryPolicy(const QString &text)
{
    if (auto policy = RetryPolicy::fromJsonText(text); !policy)
        return fail(policy.error());
    if (text.trimmed().isEmpty())
        return QStringLiteral("{}");
    return QString::fromUtf8(QJsonDocument::fromJson(text.toUtf8()).toJson(QJsonDocument::Compact));
}

// Applies the draft's agent tag, retry policy and notify-on outcomes to `p` (unset fields keep p's values).
Result<void> applyDispatchSettings(Pipeline &p, const PipelineDraft &draft)
{
    if (draft.agentTag) {
        auto tag = normalizedAgentTag(*draft.agentTag);
        if (!tag)
            return fail(tag.error());
        p.agentTag = *tag;
    }
    if (draft.retryPolicy) {
        auto policy = normalizedRetryPolicy(*draft.retryPolicy);
        if (!policy)
            return fail(policy.error());
        p.retryPolicy = *policy;
    }
    if (draft.notifyOn) {
        auto on = normalizedNotifyOn(*draft.notifyOn);
        if (!on)
            return fail(on.error());
        p.notifyOn = *on;
    }
    return {};
}

// The settings recorded in the audit trail (tasks as the list of their uuids in run order).
QJsonObject auditJson(const Pipeline &p)
{
    QJsonObject o = toJson(p);
    QJsonArray uuids;
    for (const PipelineStep &s : p.steps)
        uuids.append(s.task.uuid);
    o.insert(QStringLiteral("tasks"), uuids);
    o.remove(QStringLiteral("uuid"));
    o.remove(QStringLiteral("org"));
    return o;
}

} // namespace

QJsonObject toJson(const Pipeline &p)
{
    QJsonArray tasks;
    for (const PipelineStep &s : p.steps) {
        tasks.append(QJsonObject{{QStringLiteral("seq"), s.seq},
                                 {QStringLiteral("slug"), s.task.slug},
                                 {QStringLiteral("uuid"), s.task.uuid},
                                 {QStringLiteral("type"), toString(s.task.type)},
                                 {QStringLiteral("generated_by"), s.task.generatedBy},
                                 {QStringLiteral("connection_id"), s.task.connectionId.isEmpty() ? QJsonValue() : QJsonValue(s.task.connectionId)},
                                 {QStringLiteral("parameters"), s.task.parameters.toJson()}});
    }
    return {{QStringLiteral("uuid"), p.uuid},
            {QStringLiteral("org"), p.orgSlug},
            {QStringLiteral("name"), p.name},
            {QStringLiteral("kind"), p.kind},
            {QStringLiteral("active"), p.active},
            {QStringLiteral("cron"), p.cron.isEmpty() ? QJsonValue() : QJsonValue(p.cron)},
            {QStringLiteral("timezone"), p.timezone.isEmpty() ? QJsonValue() : QJsonValue(p.timezone)},
            {QStringLiteral("missed_policy"), toString(p.missedPolicy)},
            {QStringLiteral("overlap_policy"), toString(p.overlapPolicy)},
            {QStringLiteral("continue_on_sync_failure"), p.continueOnSyncFailure},
            {QStringLiteral("auto_deps"), p.autoDeps},
            {QStringLiteral("agent_tag"), p.agentTag.isEmpty() ? QJsonValue() : QJsonValue(p.agentTag)},
            {QStringLiteral("retry_policy"), QJsonDocument::fromJson(p.retryPolicy.toUtf8()).object()},
            {QStringLiteral("notify_on"), QJsonArray::fromStringList(p.notifyOn)},
            {QStringLiteral("tasks"), tasks}};
}

PipelineStore::PipelineStore(Database &db, QString actor, const TaskCatalog &catalog)
    : m_db(db), m_actor(actor), m_audit(db, std::move(actor)), m_catalog(catalog)
{
}

Result<std::optional<QStringList>> PipelineStore::notifyOn(qint64 pipelineId)
{
    auto text = m_db.scalar(QStringLiteral("SELECT notify_on FROM pipeline WHERE id = ?"), {pipelineId});
    if (!text)
        return fail(text.error());
    if (!text->isValid())
        return std::optional<QStringList>{};
    return std::optional<QStringList>{notifyOnFromJson(text->toString())};
}

Result<std::optional<PipelineRunSettings>> PipelineStore::runSettings(qint64 pipelineId)
{
    auto row = m_db.fetch(QStringLiteral("SELECT retry_policy, continue_on_sync_failure FROM pipeline WHERE id = ?"), {pipelineId});
    if (!row)
        return fail(row.error());
    if (row->isEmpty())
        return std::optional<PipelineRunSettings>{};
    return std::optional<PipelineRunSettings>{PipelineRunSettings{row->first().value(0).toString(), row->first().value(1).toBool()}};
}

Result<void> PipelineStore::validateSchedule(const QString &cron, const QString &timezone)
{
    if (auto c = CronExpression::parse(cron); !c)
        return fail(c.error());
    if (timezone.isEmpty() || !QTimeZone(timezone.toUtf8()).isValid())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a time zone Sluice knows; use an IANA name such as Europe/Berlin or UTC")
                                       .arg(timezone)));
    return {};
}

Result<Pipeline> PipelineStore::load(qint64 id)
{
    auto q = m_db.exec(kSelect + QStringLiteral("WHERE p.id = ?"), {id});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no pipeline with id %1").arg(id)));
    Pipeline p = readPipeline(*q);
    auto steps = m_db.exec(QStringLiteral("SELECT seq, org_task_id FROM pipeline_task WHERE pipeline_id = ? ORDER BY seq"), {id});
    if (!steps)
        return fail(steps.error());
    QList<std::pair<int, qint64>> rows;
    while (steps->next())
        rows.append({steps->value(0).toInt(), steps->value(1).toLongLong()});
    OrgTaskStore tasks(m_db, m_actor, m_catalog);
    for (const auto &[seq, taskId] : rows) {
        auto t = tasks.getById(taskId);
        if (!t)
            return fail(t.error());
        p.steps.append({seq, *t});
    }
    return p;
}

Result<QList<OrgTask>> PipelineStore::resolveTasks(qint64 orgId, const QStringList &uuids)
{
    OrgTaskStore store(m_db, m_actor, m_catalog);
    QList<OrgTask> tasks;
    for (const QString &uuid : uuids) {
        auto t = store.get(uuid);
        if (!t)
            return fail(t.error());
        if (t->orgId != orgId)
            return fail(Error::invalid(QStringLiteral("task %1 belongs to another org").arg(uuid)));
        tasks.append(*t);
    }
    return tasks;
}

Result<void> PipelineStore::saveSteps(const Pipeline &p, const QList<OrgTask> &userTasks)
{
    QList<OrgTask> all = userTasks;
    OrgTaskStore store(m_db, m_actor, m_catalog);
    for (const QString &slug : missingAutomaticSlugs(m_catalog, userTasks, p.autoDeps)) {
        auto t = store.findOrCreateSystem(p.orgId, slug);
        if (!t)
            return fail(t.error());
        all.append(*t);
    }
    auto ordered = orderPipelineTasks(m_catalog, all);
    if (!ordered)
        return fail(ordered.error());
    if (auto d = m_db.exec(QStringLiteral("DELETE FROM pipeline_task WHERE pipeline_id = ?"), {p.id}); !d)
        return fail(d.error());
    for (qsizetype seq = 0; seq < ordered->size(); ++seq) {
        auto q = m_db.exec(QStringLiteral("INSERT INTO pipeline_task (pipeline_id, org_task_id, seq) VALUES (?, ?, ?)"),
                           {p.id, ordered->at(seq).id, int(seq)});
        if (!q)
            return fail(q.error());
    }
    return {};
}

Result<Pipeline> PipelineStore::create(qint64 orgId, const PipelineDraft &draft)
{
    Pipeline p;
    p.orgId = orgId;
    p.uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    p.name = draft.name.value_or(QString()).trimmed();
    if (p.name.isEmpty())
        return fail(Error::invalid(QStringLiteral("a pipeline needs a name (--name NAME)")));
    p.cron = draft.cron.value_or(QString()).simplified();
    p.timezone = draft.timezone.value_or(QString()).trimmed();
    if (!p.cron.isEmpty() && p.timezone.isEmpty())
        p.timezone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
    if (p.cron.isEmpty() && !p.timezone.isEmpty())
        return fail(Error::invalid(QStringLiteral("a time zone (--tz) needs a schedule (--cron)")));
    if (!p.cron.isEmpty()) {
        if (auto ok = validateSchedule(p.cron, p.timezone); !ok)
            return fail(ok.error());
    }
    p.active = draft.active.value_or(true);
    p.autoDeps = draft.autoDeps.value_or(true);
    p.continueOnSyncFailure = draft.continueOnSyncFailure.value_or(false);
    p.missedPolicy = draft.missedPolicy.value_or(MissedPolicy::Once);
    p.overlapPolicy = draft.overlapPolicy.value_or(OverlapPolicy::Queue);
    p.kind = draft.kind.value_or(QStringLiteral("orchestrate"));
    if (auto d = applyDispatchSettings(p, draft); !d)
        return fail(d.error());

    return m_db.write([&]() -> Result<Pipeline> {
        auto clash = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline WHERE org_id = ? AND name = ?"), {orgId, p.name});
        if (!clash)
            return fail(clash.error());
        if (clash->toInt() > 0)
            return fail(Error::conflict(QStringLiteral("the org already has a pipeline named \"%1\"").arg(p.name)));
        auto userTasks = resolveTasks(orgId, draft.taskUuids.value_or(QStringList()));
        if (!userTasks)
            return fail(userTasks.error());
        const qint64 now = nowMs();
        auto q = m_db.exec(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, kind, is_active, cron, timezone, missed_policy, "
                                          "overlap_policy, continue_on_sync_failure, auto_deps, agent_tag, retry_policy, notify_on, created_at, updated_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                           {p.uuid, orgId, p.name, p.kind, p.active, p.cron.isEmpty() ? QVariant() : QVariant(p.cron),
                            p.timezone.isEmpty() ? QVariant() : QVariant(p.timezone), toString(p.missedPolicy),
                            toString(p.overlapPolicy), p.continueOnSyncFailure, p.autoDeps,
                            p.agentTag.isEmpty() ? QVariant() : QVariant(p.agentTag), p.retryPolicy, notifyOnToJson(p.notifyOn), now, now});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::internal(QStringLiteral("creating the pipeline returned no row")));
        p.id = q->value(0).toLongLong();
        if (auto s = saveSteps(p, *userTasks); !s)
            return fail(s.error());
        auto saved = load(p.id);
        if (!saved)
            return saved;
        if (auto a = m_audit.created(orgId, QStringLiteral("pipeline"), saved->uuid, auditJson(*saved)); !a)
            return fail(a.error());
        return saved;
    });
}

Result<Pipeline> PipelineStore::duplicate(const QString &uuidOrName, const QString &name, bool active)
{
    return m_db.write([&]() -> Result<Pipeline> {
        auto source = find(uuidOrName);
        if (!source)
            return source;
        QString copyName = name.trimmed();
        for (int n = 1; copyName.isEmpty(); ++n) {
            const QString candidate = n == 1 ? QStringLiteral("%1 (copy)").arg(source->name)
                                             : QStringLiteral("%1 (copy %2)").arg(source->name).arg(n);
            auto taken = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline WHERE org_id = ? AND name = ?"), {source->orgId, candidate});
            if (!taken)
                return fail(taken.error());
            if (taken->toInt() == 0)
                copyName = candidate;
        }
        PipelineDraft d;
        d.name = copyName;
        QStringList uuids;   // every step, the automatic ones too: the copy's list is the source's list
        for (const PipelineStep &step : std::as_const(source->steps))
            uuids.append(step.task.uuid);
        d.taskUuids = uuids;
        d.cron = source->cron;
        d.timezone = source->timezone;
        d.autoDeps = source->autoDeps;
        d.continueOnSyncFailure = source->continueOnSyncFailure;
        d.active = active;
        d.missedPolicy = source->missedPolicy;
        d.overlapPolicy = source->overlapPolicy;
        d.kind = source->kind;
        d.agentTag = source->agentTag;
        d.retryPolicy = source->retryPolicy;
        d.notifyOn = source->notifyOn;
        return create(source->orgId, d);
    });
}

Result<Pipeline> PipelineStore::edit(const QString &uuid, const PipelineDraft &draft)
{
    return m_db.write([&]() -> Result<Pipeline> {
        auto before = find(uuid);
        if (!before)
            return before;
        Pipeline p = *before;
        if (draft.name) {
            p.name = draft.name->trimmed();
            if (p.name.isEmpty())
                return fail(Error::invalid(QStringLiteral("a pipeline's name cannot be empty")));
            if (p.name != before->name) {
                auto clash = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline WHERE org_id = ? AND name = ? AND id <> ?"),
                                         {p.orgId, p.name, p.id});
                if (!clash)
                    return fail(clash.error());
                if (clash->toInt() > 0)
                    return fail(Error::conflict(QStringLiteral("the org already has a pipeline named \"%1\"").arg(p.name)));
            }
        }
        if (draft.cron) {
            p.cron = draft.cron->simplified();
            if (p.cron.isEmpty())
                p.timezone.clear();
            else if (p.timezone.isEmpty() && !draft.timezone)
                p.timezone = QString::fromUtf8(QTimeZone::systemTimeZoneId());
        }
        if (draft.timezone) {
            if (p.cron.isEmpty() && !draft.timezone->trimmed().isEmpty())
                return fail(Error::invalid(QStringLiteral("a time zone (--tz) needs a schedule (--cron)")));
            p.timezone = draft.timezone->trimmed();
        }
        if (!p.cron.isEmpty()) {
            if (auto ok = validateSchedule(p.cron, p.timezone); !ok)
                return fail(ok.error());
        }
        p.active = draft.active.value_or(p.active);
        p.autoDeps = draft.autoDeps.value_or(p.autoDeps);
        p.continueOnSyncFailure = draft.continueOnSyncFailure.value_or(p.continueOnSyncFailure);
        p.missedPolicy = draft.missedPolicy.value_or(p.missedPolicy);
        p.overlapPolicy = draft.overlapPolicy.value_or(p.overlapPolicy);
        p.kind = draft.kind.value_or(p.kind);
        if (auto d = applyDispatchSettings(p, draft); !d)
            return fail(d.error());

        QList<OrgTask> userTasks;
        if (draft.taskUuids) {
            auto resolved = resolveTasks(p.orgId, *draft.taskUuids);
            if (!resolved)
                return fail(resolved.error());
            userTasks = *resolved;
        } else {
            // Keep the user's tasks; the automatic ones the system added are recomputed.
            for (const PipelineStep &s : before->steps) {
                const CatalogTask *c = m_catalog.find(s.task.slug);
                if (!(s.task.generatedBy == QLatin1String("system") && c && c->automatic))
                    userTasks.append(s.task);
            }
        }
        p.updatedAt = nowMs();
        auto q = m_db.exec(QStringLiteral("UPDATE pipeline SET name = ?, kind = ?, is_active = ?, cron = ?, timezone = ?, "
                                          "missed_policy = ?, overlap_policy = ?, continue_on_sync_failure = ?, auto_deps = ?, "
                                          "agent_tag = ?, retry_policy = ?, notify_on = ?, updated_at = ? WHERE id = ?"),
                           {p.name, p.kind, p.active, p.cron.isEmpty() ? QVariant() : QVariant(p.cron),
                            p.timezone.isEmpty() ? QVariant() : QVariant(p.timezone), toString(p.missedPolicy),
                            toString(p.overlapPolicy), p.continueOnSyncFailure, p.autoDeps,
                            p.agentTag.isEmpty() ? QVariant() : QVariant(p.agentTag), p.retryPolicy, notifyOnToJson(p.notifyOn),
                            p.updatedAt, p.id});
        if (!q)
            return fail(q.error());
        if (auto s = saveSteps(p, userTasks); !s)
            return fail(s.error());
        auto after = load(p.id);
        if (!after)
            return after;
        if (auto a = m_audit.changed(p.orgId, QStringLiteral("pipeline"), p.uuid, auditJson(*before), auditJson(*after)); !a)
            return fail(a.error());
        return after;
    });
}

Result<Pipeline> PipelineStore::find(const QString &uuidOrName)
{
    const bool byUuid = isUuid(uuidOrName);
    auto q = m_db.exec(kSelect + (byUuid ? QStringLiteral("WHERE p.uuid = ?") : QStringLiteral("WHERE p.name = ? ORDER BY o.slug")),
                       {byUuid ? QUuid::fromString(uuidOrName).toString(QUuid::WithoutBraces) : uuidOrName});
    if (!q)
        return fail(q.error());
    QList<std::pair<qint64, QString>> matches;
    while (q->next())
        matches.append({q->value(0).toLongLong(), q->value(3).toString()});
    if (matches.isEmpty())
        return fail(Error::notFound(QStringLiteral("no pipeline %1 \"%2\"; see `sluicectl pipeline list --org SLUG`")
                                        .arg(byUuid ? QStringLiteral("with uuid") : QStringLiteral("named"), uuidOrName)));
    if (matches.size() > 1) {
        QStringList orgs;
        for (const auto &m : matches)
            orgs << m.second;
        return fail(Error::conflict(QStringLiteral("several orgs have a pipeline named \"%1\" (%2); give its uuid instead")
                                        .arg(uuidOrName, orgs.join(QStringLiteral(", ")))));
    }
    return load(matches.first().first);
}

Result<QList<Pipeline>> PipelineStore::list(qint64 orgId)
{
    auto q = m_db.exec(QStringLiteral("SELECT id FROM pipeline WHERE org_id = ? ORDER BY name"), {orgId});
    if (!q)
        return fail(q.error());
    QList<qint64> ids;
    while (q->next())
        ids << q->value(0).toLongLong();
    QList<Pipeline> pipelines;
    for (qint64 id : ids) {
        auto p = load(id);
        if (!p)
            return fail(p.error());
        pipelines.append(*p);
    }
    return pipelines;
}

Result<Pipeline> PipelineStore::setActive(const QString &uuidOrName, bool active)
{
    PipelineDraft d;
    d.active = active;
    auto p = find(uuidOrName);
    if (!p)
        return p;
    return edit(p->uuid, d);
}

Result<void> PipelineStore::remove(const QString &uuidOrName)
{
    return m_db.write([&]() -> Result<void> {
        auto p = find(uuidOrName);
        if (!p)
            return fail(p.error());
        auto live = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE pipeline_id = ? AND status IN ('queued', 'running')"), {p->id});
        if (!live)
            return fail(live.error());
        if (live->toInt() > 0)
            return fail(Error::conflict(QStringLiteral("pipeline \"%1\" has a queued or running run; cancel it first").arg(p->name)));
        if (auto q = m_db.exec(QStringLiteral("UPDATE run SET pipeline_name = COALESCE(pipeline_name, ?) WHERE pipeline_id = ?"), {p->name, p->id}); !q)
            return fail(q.error());
        if (auto q = m_db.exec(QStringLiteral("DELETE FROM pipeline WHERE id = ?"), {p->id}); !q)
            return fail(q.error());
        return m_audit.deleted(p->orgId, QStringLiteral("pipeline"), p->uuid, auditJson(*p));
    });
}

} // namespace sluice
