#pragma once

// Private to executors/dbt: what the artifact readers (dbtartifacts.cpp, dbtmanifest.cpp) share.

#include "core/error.h"

#include <QString>

#include <simdjson.h>

namespace sluice::detail {

// A one-line reason for a simdjson error, for "cannot read FILE as …: <reason>".
[[nodiscard]] QString describeJsonError(simdjson::error_code code);

// Checks metadata.dbt_schema_version ("https://schemas.getdbt.com/dbt/<kind>/vN.json") against the
// expected kind and version range; returns N, or an Error naming the file, the version and the range.
[[nodiscard]] Result<int> checkSchema(const QString &url, const QString &dbtVersion, const QString &origin,
                                      const QString &kind, int minVersion, int maxVersion);

// The whole file with simdjson's padding, or an Error naming the file.
[[nodiscard]] Result<simdjson::padded_string> loadFile(const QString &path);

} // namespace sluice::detail
