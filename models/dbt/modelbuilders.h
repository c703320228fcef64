#pragma once

#include "catalog/taskcatalog.h"
#include "dbt/nodeselection.h"
#include "domain/entities.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace sluice {

// One pipeline that builds a model: through which of its dbt tasks, and when it next runs.
struct ModelBuilder {
    QString pipelineUuid;
    QString pipelineName;
    bool active = false;
    QString taskLabel;                 // the org task's label, else its slug
    std::optional<qint64> nextRunMs;   // active and scheduled: the next fire time (UTC ms); else none
};

// For every node a pipeline's dbt tasks build (dbt run, build, seed, snapshot — test and compile
// build nothing), that pipeline, found by resolving each task's --select / --exclude against the
// manifest as dbt would; a pipeline is listed once per node, by its first task that builds it. The
// model-level schedule of DataChannel's design, computed from the pipelines' own schedules (no second
// scheduler). A task whose expression dbt would refuse builds nothing here (its runs fail).
// `lastResults` feeds `result:`; `projectDir` feeds `path:`.
[[nodiscard]] QHash<QString, QList<ModelBuilder>> pipelinesBuildingNodes(const DbtNodeSelector &selector, const QList<Pipeline> &pipelines,
                                                                         const TaskCatalog &catalog, qint64 nowMs,
                                                                         const QHash<QString, QString> &lastResults = {},
                                                                         const QString &projectDir = {});

// Whether more than one active pipeline builds it (they may run it twice, or at once).
[[nodiscard]] bool builtByTwoActivePipelines(const QList<ModelBuilder> &builders);

} // namespace sluice
