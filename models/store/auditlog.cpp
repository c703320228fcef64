#include "auditlog.h"

#include "core/clock.h"
#include "store/database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace sluice {

QString auditText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined: return {};
    case QJsonValue::String: return value.toString();
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    }
    return {};
}

AuditLog::AuditLog(Database &db, QString actor) : m_db(db), m_actor(std::move(actor)) {}

Result<void> AuditLog::insert(qint64 orgId, const QString &entity, const QString &entityId, const QString &action,
                              const QString &property, const QString &oldValue, const QString &newValue)
{
    auto q = m_db.exec(QStringLiteral("INSERT INTO audit_event (at, actor, org_id, entity, entity_id, action, property, old_value, new_value) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                       {nowMs(), m_actor, orgId > 0 ? QVariant(orgId) : QVariant(), entity, entityId, action,
                        property.isEmpty() ? QVariant() : QVariant(property),
                        oldValue.isNull() ? QVariant() : QVariant(oldValue),
                        newValue.isNull() ? QVariant() : QVariant(newValue)});
    if (!q)
        return fail(q.error());
    return {};
}

Result<void> AuditLog::created(qint64 orgId, const QString &entity, const QString &entityId, const QJsonObject &values)
{
    return insert(orgId, entity, entityId, QStringLiteral("create"), {}, {}, auditText(values));
}

Result<void> AuditLog::deleted(qint64 orgId, const QString &entity, const QString &entityId, const QJsonObject &values)
{
    return insert(orgId, entity, entityId, QStringLiteral("delete"), {}, auditText(values), {});
}

Result<void> AuditLog::changed(qint64 orgId, const QString &entity, const QString &entityId,
                               const QJsonObject &before, const QJsonObject &after)
{
    QStringList keys = before.keys() + after.keys();
    keys.removeDuplicates();
    keys.sort();
    for (const QString &key : keys) {
        const QJsonValue a = before.value(key);
        const QJsonValue b = after.value(key);
        if (a == b)
            continue;
        if (auto r = insert(orgId, entity, entityId, QStringLiteral("update"), key, auditText(a), auditText(b)); !r)
            return r;
    }
    return {};
}

Result<void> AuditLog::saved(qint64 orgId, const QString &entity, const QString &entityId,
                             const std::optional<QJsonObject> &before, const QJsonObject &after)
{
    return before ? changed(orgId, entity, entityId, *before, after) : created(orgId, entity, entityId, after);
}

Result<QList<AuditEvent>> AuditLog::history(const QString &entity, const QString &entityId)
{
    auto q = m_db.exec(QStringLiteral("SELECT id, at, actor, org_id, entity, entity_id, action, property, old_value, new_value "
                                      "FROM audit_event WHERE entity = ? AND entity_id = ? ORDER BY id"),
                       {entity, entityId});
    if (!q)
        return fail(q.error());
    QList<AuditEvent> events;
    while (q->next()) {
        events.append({q->value(0).toLongLong(), q->value(1).toLongLong(), q->value(2).toString(), q->value(3).toLongLong(),
                       q->value(4).toString(), q->value(5).toString(), q->value(6).toString(), q->value(7).toString(),
                       q->value(8).toString(), q->value(9).toString()});
    }
    return events;
}

} // namespace sluice
