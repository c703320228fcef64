#pragma once

#include "core/error.h"
#include "dbt/manifest.h"

#include <QByteArrayView>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

// Readers for the files dbt writes into target/. They follow dbt's published JSON Schemas: unknown
// fields are ignored, optional fields may be missing, and nulls read as "absent". A file that is not
// JSON, is truncated, or has a schema version outside the supported range is an Error whose message
// names the file and the version.

// One executed node of target/run_results.json.
struct DbtNodeResult {
    QString uniqueId;
    QString status;            // success | error | skipped | pass | fail | warn | runtime error | ...
    double executionTime = 0;  // seconds
    QString message;           // empty when dbt wrote null
    std::optional<qint64> failures; // failing rows of a test; absent when dbt wrote null
};

struct DbtRunResults {
    int schemaVersion = 0;     // run-results vN
    QString dbtVersion, generatedAt, invocationId;
    QString command;           // args.which: run | build | test | seed | ...; empty if not recorded
    double elapsedTime = 0;
    QList<DbtNodeResult> results;
};

// run_results.json schema v2 to v6 (dbt 0.19 to 1.11+; v4–v6 are the current ones).
inline constexpr int kMinRunResultsVersion = 2, kMaxRunResultsVersion = 6;
[[nodiscard]] Result<DbtRunResults> parseRunResults(QByteArrayView json, const QString &origin);
[[nodiscard]] Result<DbtRunResults> readRunResults(const QString &path);

// manifest.json schema v7 to v12 (dbt 1.3 to 1.11+). When the file has no parent_map/child_map
// (trimmed copies), they are derived from depends_on.
inline constexpr int kMinManifestVersion = 7, kMaxManifestVersion = 12;
[[nodiscard]] Result<DbtManifest> parseManifest(QByteArrayView json, const QString &origin);
[[nodiscard]] Result<DbtManifest> readManifest(const QString &path);

} // namespace sluice
