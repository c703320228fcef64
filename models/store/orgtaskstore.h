#pragma once

#include "catalog/taskcatalog.h"
#include "domain/entities.h"
#include "store/auditlog.h"

namespace sluice {

class Database;

// Org tasks: configured instances of catalog tasks, validated against the catalog on every save.
class OrgTaskStore
{
public:
    OrgTaskStore(Database &db, QString actor, const TaskCatalog &catalog = TaskCatalog::builtin());

    [[nodiscard]] Result<OrgTask> create(qint64 orgId, const OrgTaskDraft &draft);
    [[nodiscard]] Result<QList<OrgTask>> list(qint64 orgId);
    [[nodiscard]] Result<OrgTask> get(const QString &uuid);
    [[nodiscard]] Result<OrgTask> getById(qint64 id);
    // Every task of `ids` that exists, in one query, in id order (a missing id is simply absent).
    [[nodiscard]] Result<QList<OrgTask>> getByIds(const QList<qint64> &ids);
    // The org's system-generated task for an automatic slug (git-pull, dbt-clean, dbt-deps), created
    // on first use with no flags or options.
    [[nodiscard]] Result<OrgTask> findOrCreateSystem(qint64 orgId, const QString &slug);
    // Replaces the task's flags, options, connection, command, environment and label with the
    // draft's, validated as for create(); the kind (slug) of a task never changes. Audited per
    // property that changed; saving what is stored already writes nothing.
    [[nodiscard]] Result<OrgTask> update(const QString &uuid, const OrgTaskDraft &draft);
    // Refused while a pipeline uses the task (the message names the pipelines).
    [[nodiscard]] Result<void> remove(const QString &uuid);

private:
    Result<OrgTask> insert(qint64 orgId, const QString &slug, const QString &connectionId, const TaskParameters &params,
                           const QString &generatedBy, const QString &label);

    Database &m_db;
    AuditLog m_audit;
    const TaskCatalog &m_catalog;
};

[[nodiscard]] QJsonObject toJson(const OrgTask &task);

} // namespace sluice
