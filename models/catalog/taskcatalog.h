#pragma once

#include "core/error.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

enum class TaskType { Git, Dbt, Airbyte, Shell };

[[nodiscard]] QString toString(TaskType type);
[[nodiscard]] std::optional<TaskType> taskTypeFromString(const QString &text);

// One kind of work the app knows (a row of table `task`).
struct CatalogTask
{
    QString slug;
    TaskType type = TaskType::Shell;
    QString command;
    std::optional<int> transformOrder;   // position in the transform chain; none: not in the chain
    bool automatic = false;              // git pull, dbt clean, dbt deps: added to pipelines automatically
    bool hidden = false;                 // not offered in the pipeline editor
    bool longRunning = false;
    bool isDefault = false;              // pre-selected in new pipelines
    bool needsConnection = false;        // Airbyte tasks: a connection id is required
    bool requiresCommand = false;        // shell tasks: the user gives the command
    QStringList flags;                   // allowed --flag switches
    QStringList options;                 // allowed --option value pairs
    QString description;
};

// The task catalog shipped in resources/catalog/tasks.yaml.
class TaskCatalog
{
public:
    // Parses catalog YAML. Any malformed entry is an error naming the entry and the key.
    [[nodiscard]] static Result<TaskCatalog> fromYaml(const QByteArray &yaml);
    // The catalog built into this binary.
    [[nodiscard]] static const TaskCatalog &builtin();

    [[nodiscard]] const QList<CatalogTask> &tasks() const { return m_tasks; }
    [[nodiscard]] const CatalogTask *find(const QString &slug) const;

private:
    QList<CatalogTask> m_tasks;
};

} // namespace sluice
