#include "orgtaskstore.h"

#include "core/clock.h"
#include "rules/taskrules.h"
#include "store/database.h"

#include <QUuid>

namespace sluice {

namespace {

const QString kSelect = QStringLiteral(
    "SELECT ot.id, ot.uuid, ot.org_id, t.slug, t.type, ot.connection_id, ot.parameters, ot.generated_by, ot.label, "
    "ot.created_at, ot.updated_at FROM org_task ot JOIN task t ON t.id = ot.task_id ");

OrgTask readTask(const QSqlQuery &q)
{
    OrgTask t;
    t.id = q.value(0).toLongLong();
    t.uuid = q.value(1).toString();
    t.orgId = q.value(2).toLongLong();
    t.slug = q.value(3).toString();
    t.type = taskTypeFromString(q.value(4).toString()).value_or(TaskType::Shell);
    t.connectionId = q.value(5).toString();
    t.parameters = TaskParameters::fromJsonText(q.value(6).toString());
    t.generatedBy = q.value(7).toString();
    t.label = q.value(8).toString();
    t.createdAt = q.value(9).toLongLong();
    t.updatedAt = q.value(10).toLongLong();
    return t;
}

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

} // namespace

QJsonObject toJson(const OrgTask &task)
{
    QJsonObject o{{QStringLiteral("uuid"), task.uuid},
                  {QStringLiteral("slug"), task.slug},
                  {QStringLiteral("type"), toString(task.type)},
                  {QStringLiteral("parameters"), task.parameters.toJson()},
                  {QStringLiteral("generated_by"), task.generatedBy}};
    o.insert(QStringLiteral("connection_id"), task.connectionId.isEmpty() ? QJsonValue() : QJsonValue(task.connectionId));
    o.insert(QStringLiteral("label"), task.label.isEmpty() ? QJsonValue() : QJsonValue(task.label));
    return o;
}

OrgTaskStore::OrgTaskStore(Database &db, QString actor, const TaskCatalog &catalog)
    : m_db(db), m_audit(db, std::move(actor)), m_catalog(catalog)
{
}

Result<OrgTask> OrgTaskStore::insert(qint64 orgId, const QString &slug, const QString &connectionId,
                                     const TaskParameters &params, const QString &generatedBy, const QString &label)
{
    const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
    const qint64 now = nowMs();
    auto q = m_db.exec(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, connection_id, parameters, generated_by, label, "
                                      "created_at, updated_at) SELECT ?, ?, id, ?, ?, ?, ?, ?, ? FROM task WHERE slug = ? RETURNING id"),
                       {uuid, orgId, nullIfEmpty(connectionId), params.toJsonText(), generatedBy, nullIfEmpty(label), now, now, slug});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::schema(QStringLiteral("the task catalog in the database lacks \"%1\"; run `sluicectl db upgrade`").arg(slug)));
    auto task = getById(q->value(0).toLongLong());
    if (!task)
        return task;
    if (auto a = m_audit.created(orgId, QStringLiteral("org_task"), task->uuid, toJson(*task)); !a)
        return fail(a.error());
    return task;
}

Result<OrgTask> OrgTaskStore::create(qint64 orgId, const OrgTaskDraft &draft)
{
    auto params = validateOrgTask(m_catalog, draft);
    if (!params)
        return fail(params.error());
    return m_db.write([&]() -> Result<OrgTask> {
        return insert(orgId, draft.slug, draft.connectionId.trimmed(), *params, QStringLiteral("client"), draft.label.trimmed());
    });
}

Result<QList<OrgTask>> OrgTaskStore::list(qint64 orgId)
{
    auto q = m_db.exec(kSelect + QStringLiteral("WHERE ot.org_id = ? ORDER BY ot.id"), {orgId});
    if (!q)
        return fail(q.error());
    QList<OrgTask> tasks;
    while (q->next())
        tasks.append(readTask(*q));
    return tasks;
}

Result<OrgTask> OrgTaskStore::get(const QString &uuid)
{
    auto q = m_db.exec(kSelect + QStringLiteral("WHERE ot.uuid = ?"), {uuid});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no task with uuid %1; see `sluicectl task list --org SLUG`").arg(uuid)));
    return readTask(*q);
}

Result<OrgTask> OrgTaskStore::getById(qint64 id)
{
    auto q = m_db.exec(kSelect + QStringLiteral("WHERE ot.id = ?"), {id});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no task with id %1").arg(id)));
    return readTask(*q);
}

Result<QList<OrgTask>> OrgTaskStore::getByIds(const QList<qint64> &ids)
{
    QList<OrgTask> tasks;
    if (ids.isEmpty())
        return tasks;
    QVariantList values;
    for (qint64 id : ids)
        values.append(id);
    QStringList marks(ids.size(), QStringLiteral("?"));
    auto q = m_db.exec(kSelect + QStringLiteral("WHERE ot.id IN (%1) ORDER BY ot.id").arg(marks.join(QStringLiteral(", "))), values);
    if (!q)
        return fail(q.error());
    while (q->next())
        tasks.append(readTask(*q));
    return tasks;
}

Result<OrgTask> OrgTaskStore::findOrCreateSystem(qint64 orgId, const QString &slug)
{
    return m_db.write([&]() -> Result<OrgTask> {
        auto q = m_db.exec(kSelect + QStringLiteral("WHERE ot.org_id = ? AND t.slug = ? AND ot.generated_by = 'system' "
                                                    "ORDER BY ot.id LIMIT 1"),
                           {orgId, slug});
        if (!q)
            return fail(q.error());
        if (q->next())
            return readTask(*q);
        return insert(orgId, slug, {}, {}, QStringLiteral("system"), {});
    });
}

Result<OrgTask> OrgTaskStore::update(const QString &uuid, const OrgTaskDraft &draft)
{
    return m_db.write([&]() -> Result<OrgTask> {
        auto before = get(uuid);
        if (!before)
            return before;
        if (draft.slug != before->slug)
            return fail(Error::invalid(QStringLiteral("task %1 is a %2 task; its kind cannot change to %3 (create a new task instead)")
                                           .arg(uuid, before->slug, draft.slug)));
        auto params = validateOrgTask(m_catalog, draft);
        if (!params)
            return fail(params.error());
        const QString connection = draft.connectionId.trimmed();
        const QString label = draft.label.trimmed();
        if (*params == before->parameters && connection == before->connectionId && label == before->label)
            return before;
        auto q = m_db.exec(QStringLiteral("UPDATE org_task SET connection_id = ?, parameters = ?, label = ?, updated_at = ? WHERE id = ?"),
                           {nullIfEmpty(connection), params->toJsonText(), nullIfEmpty(label), nowMs(), before->id});
        if (!q)
            return fail(q.error());
        auto after = getById(before->id);
        if (!after)
            return after;
        if (auto a = m_audit.changed(after->orgId, QStringLiteral("org_task"), uuid, toJson(*before), toJson(*after)); !a)
            return fail(a.error());
        return after;
    });
}

Result<void> OrgTaskStore::remove(const QString &uuid)
{
    return m_db.write([&]() -> Result<void> {
        auto task = get(uuid);
        if (!task)
            return fail(task.error());
        auto users = m_db.exec(QStringLiteral("SELECT DISTINCT p.name FROM pipeline_task pt JOIN pipeline p ON p.id = pt.pipeline_id "
                                              "WHERE pt.org_task_id = ? ORDER BY p.name"),
                               {task->id});
        if (!users)
            return fail(users.error());
        QStringList names;
        while (users->next())
            names << QLatin1Char('"') + users->value(0).toString() + QLatin1Char('"');
        if (!names.isEmpty())
            return fail(Error::conflict(QStringLiteral("task %1 is used by pipeline %2; remove it from the pipeline first")
                                            .arg(uuid, names.join(QStringLiteral(", ")))));
        if (auto q = m_db.exec(QStringLiteral("DELETE FROM org_task WHERE id = ?"), {task->id}); !q)
            return fail(q.error());
        return m_audit.deleted(task->orgId, QStringLiteral("org_task"), uuid, toJson(*task));
    });
}

} // namespace sluice
