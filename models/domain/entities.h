#pragma once

#include "catalog/taskcatalog.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

struct Org
{
    qint64 id = 0;
    QString slug;
    QString name;
    QString airbyteWorkspaceId;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// An org task's parameters, stored as JSON:
// {"flags": ["full-refresh"], "options": {"select": "tag:daily"}, "command": "..."}.
// `command` is used by shell tasks only.
struct TaskParameters
{
    QStringList flags;
    QMap<QString, QString> options;
    QString command;
    QMap<QString, QString> env;        // shell tasks: added to (overriding) the inherited environment

    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] QString toJsonText() const;
    [[nodiscard]] static TaskParameters fromJson(const QJsonObject &json);
    [[nodiscard]] static TaskParameters fromJsonText(const QString &text);
    bool operator==(const TaskParameters &) const = default;
};

// One configured instance of a catalog task for one org.
struct OrgTask
{
    qint64 id = 0;
    QString uuid;
    qint64 orgId = 0;
    QString slug;
    TaskType type = TaskType::Shell;
    QString connectionId;
    TaskParameters parameters;
    QString generatedBy = QStringLiteral("client");   // system | client
    QString label;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
};

// What a user asks for when creating an org task; validated against the catalog.
struct OrgTaskDraft
{
    QString slug;
    QStringList flags;
    QList<std::pair<QString, QString>> options;
    QString connectionId;
    QString command;
    QString label;
    QList<std::pair<QString, QString>> env = {};   // shell tasks: NAME=value pairs for the child's environment
};

enum class MissedPolicy { Once, Skip, All };
enum class OverlapPolicy { Queue, Skip, Replace };

[[nodiscard]] QString toString(MissedPolicy p);
[[nodiscard]] QString toString(OverlapPolicy p);
[[nodiscard]] std::optional<MissedPolicy> missedPolicyFromString(const QString &s);
[[nodiscard]] std::optional<OverlapPolicy> overlapPolicyFromString(const QString &s);

struct PipelineStep
{
    int seq = 0;
    OrgTask task;
};

struct Pipeline
{
    qint64 id = 0;
    QString uuid;
    qint64 orgId = 0;
    QString orgSlug;
    QString name;
    QString kind = QStringLiteral("orchestrate");   // orchestrate | manual
    bool active = true;
    QString cron;                                   // empty: manual only
    QString timezone;                               // IANA id, set when cron is
    MissedPolicy missedPolicy = MissedPolicy::Once;
    OverlapPolicy overlapPolicy = OverlapPolicy::Queue;
    bool continueOnSyncFailure = false;
    bool autoDeps = true;
    QString agentTag;                               // empty: any agent may run it
    QString retryPolicy = QStringLiteral("{}");     // JSON text, see domain/retrypolicy.h
    // The run outcomes worth telling the org's channels about (failure, warning, success; empty: none).
    // A channel is notified when the outcome is here and among the channel's own levels.
    QStringList notifyOn{QStringLiteral("failure")};
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    QList<PipelineStep> steps;                      // in run order, seq 0..n-1
};

// What a user asks for when creating or editing a pipeline. Unset fields keep their current value on
// edit (and their default on create).
struct PipelineDraft
{
    std::optional<QString> name;
    std::optional<QStringList> taskUuids;           // the user's tasks, in the user's order
    std::optional<QString> cron;                    // empty string: no schedule
    std::optional<QString> timezone;
    std::optional<bool> autoDeps;
    std::optional<bool> continueOnSyncFailure;
    std::optional<bool> active;
    std::optional<MissedPolicy> missedPolicy;
    std::optional<OverlapPolicy> overlapPolicy;
    std::optional<QString> kind;
    std::optional<QString> agentTag;                // empty string: any agent
    std::optional<QString> retryPolicy;             // JSON text; empty string: '{}' (the defaults)
    std::optional<QStringList> notifyOn;            // failure/warning/success; empty list: never notify
};

} // namespace sluice
