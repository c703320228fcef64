#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sluice {

class Database;

// One recorded change: who changed which property of what, from what to what.
struct AuditEvent
{
    qint64 id = 0;
    qint64 at = 0;
    QString actor;
    qint64 orgId = 0;
    QString entity;      // pipeline | org_task | org | warehouse | dbt_workspace | airbyte_server | ...
    QString entityId;    // the entity's uuid or slug
    QString action;      // create | update | delete
    QString property;    // empty for create and delete
    QString oldValue;
    QString newValue;
};

// Writes the history of changes. Called inside the transaction that makes the change, so a change
// and its record commit together. Values are compared as JSON; callers never pass secrets.
class AuditLog
{
public:
    AuditLog(Database &db, QString actor);

    [[nodiscard]] Result<void> created(qint64 orgId, const QString &entity, const QString &entityId, const QJsonObject &values);
    [[nodiscard]] Result<void> deleted(qint64 orgId, const QString &entity, const QString &entityId, const QJsonObject &values);
    // One row per property whose value differs between `before` and `after`.
    [[nodiscard]] Result<void> changed(qint64 orgId, const QString &entity, const QString &entityId,
                                       const QJsonObject &before, const QJsonObject &after);

    // created() when there was nothing before, else changed(): for settings saved as a whole.
    [[nodiscard]] Result<void> saved(qint64 orgId, const QString &entity, const QString &entityId,
                                     const std::optional<QJsonObject> &before, const QJsonObject &after);

    [[nodiscard]] Result<QList<AuditEvent>> history(const QString &entity, const QString &entityId);

    [[nodiscard]] const QString &actor() const { return m_actor; }

private:
    Result<void> insert(qint64 orgId, const QString &entity, const QString &entityId, const QString &action,
                        const QString &property, const QString &oldValue, const QString &newValue);

    Database &m_db;
    QString m_actor;
};

// A JSON value as stored in audit_event (strings unquoted, everything else as compact JSON).
[[nodiscard]] QString auditText(const QJsonValue &value);

} // namespace sluice
