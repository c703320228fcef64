#pragma once

#include "catalog/taskcatalog.h"
#include "domain/entities.h"
#include "store/auditlog.h"

namespace sluice {

class Database;

// What the runner needs of a pipeline to execute one of its runs.
struct PipelineRunSettings
{
    QString retryPolicy;            // JSON text (domain/retrypolicy.h); validated by the runner
    bool continueOnSyncFailure = false;
};

// Pipelines and their task lists. Every save validates the schedule (cron and IANA zone), the retry
// policy (RetryPolicy::fromJsonText; a bad one is refused naming the key) and the agent tag, resolves
// the user's tasks, adds the automatic transform chain unless turned off, orders the list by the
// rules in rules/taskrules.h and renumbers seq 0..n-1; the change and its audit rows commit together.
class PipelineStore
{
public:
    PipelineStore(Database &db, QString actor, const TaskCatalog &catalog = TaskCatalog::builtin());

    [[nodiscard]] Result<Pipeline> create(qint64 orgId, const PipelineDraft &draft);
    [[nodiscard]] Result<Pipeline> edit(const QString &uuid, const PipelineDraft &draft);
    // By uuid, or by name (refused when the name is used in several orgs: give the uuid then).
    [[nodiscard]] Result<Pipeline> find(const QString &uuidOrName);
    [[nodiscard]] Result<QList<Pipeline>> list(qint64 orgId);
    [[nodiscard]] Result<Pipeline> setActive(const QString &uuidOrName, bool active);
    // A new pipeline of the same org with the same tasks in the same order and every setting copied, named
    // `name` (empty: "<name> (copy)", "<name> (copy 2)", ... whichever is free). The copy is inactive
    // unless `active`: two active pipelines on one schedule would queue behind each other's locks.
    // Audited as a creation.
    [[nodiscard]] Result<Pipeline> duplicate(const QString &uuidOrName, const QString &name = {}, bool active = false);
    // Refused while a run of the pipeline is queued or running; finished runs keep their history.
    [[nodiscard]] Result<void> remove(const QString &uuidOrName);

    // The pipeline's notify_on (Pipeline::notifyOn); std::nullopt when there is no such pipeline.
    [[nodiscard]] Result<std::optional<QStringList>> notifyOn(qint64 pipelineId);
    // One row, no steps (a run reads it as it starts); std::nullopt when there is no such pipeline.
    [[nodiscard]] Result<std::optional<PipelineRunSettings>> runSettings(qint64 pipelineId);

    // Checks a schedule as it would be saved: a valid 5-field cron and a known IANA zone.
    [[nodiscard]] static Result<void> validateSchedule(const QString &cron, const QString &timezone);

private:
    Result<Pipeline> load(qint64 id);
    Result<QList<OrgTask>> resolveTasks(qint64 orgId, const QStringList &uuids);
    Result<void> saveSteps(const Pipeline &p, const QList<OrgTask> &userTasks);

    Database &m_db;
    QString m_actor;
    AuditLog m_audit;
    const TaskCatalog &m_catalog;
};

[[nodiscard]] QJsonObject toJson(const Pipeline &pipeline);

} // namespace sluice
