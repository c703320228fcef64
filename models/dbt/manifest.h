#pragma once

// dbt's project graph as Sluice reads it from target/manifest.json (schemas v7–v12, dbt 1.3–1.11):
// every resource node selection can reach, with the attributes dbt's selector methods look at. The
// reader is executors/dbt (simdjson); the types live here so that node selection, item models and the
// pipeline/model cross-reference can use them without executors.

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

// Which top-level object of manifest.json a resource came from; dbt's selector methods iterate them
// separately (fqn: skips sources, config: looks only at nodes and sources, ...).
enum class DbtSection { Node, Source, Exposure, Metric, SemanticModel, SavedQuery, UnitTest };

struct DbtColumn {
    QString name, description, dataType;
};

struct DbtManifestNode {
    DbtSection section = DbtSection::Node;
    QString uniqueId, name, resourceType, packageName;
    QString path;              // relative to its resource folder ("staging/stg_orders.sql")
    QString originalFilePath;  // relative to its package ("models/staging/stg_orders.sql")
    QString patchPath;         // the YAML file that describes it, without "pkg://"; empty if none
    QString materialization;   // config.materialized
    QStringList fqn;
    QStringList tags;
    QStringList dependsOn;     // depends_on.nodes: unique ids of models, sources, seeds, ...
    QJsonObject config;        // the whole config object, for config.<key> selection
    QString sourceName;        // sources: source_name
    QString access;            // models: private | protected | public (empty before dbt 1.5)
    QString group;             // config.group or group
    QString version, latestVersion; // versioned models (dbt 1.5+); empty when unversioned
    bool enabled = true;       // config.enabled
    bool empty = false;        // no code (raw_code is blank); seeds never are
    bool hasFreshness = false; // sources: a warn_after or error_after with both count and period
    bool genericTest = false;  // tests: has test_metadata (a generic test) rather than a singular test
    QString testName;          // generic tests: test_metadata.name ("unique", "not_null", ...)
    QString description;
    QList<DbtColumn> columns;
    QString database, schema, alias, relationName;

    [[nodiscard]] bool isVersioned() const { return !version.isEmpty(); }
};

struct DbtManifest {
    int schemaVersion = 0;     // manifest vN
    QString dbtVersion, projectName, adapterType, invocationId, generatedAt;
    QList<DbtManifestNode> nodes;            // the "nodes" object, in file order
    QList<DbtManifestNode> otherResources;   // sources, exposures, metrics, semantic models, saved queries, unit tests
    QHash<QString, QStringList> parentMap;   // unique id → its parents
    QHash<QString, QStringList> childMap;    // unique id → its children

    [[nodiscard]] QList<DbtManifestNode> models() const; // nodes with resource_type "model"
};

} // namespace sluice
