#pragma once

#include <QString>

namespace sluice::bench {

// Writes a synthetic dbt manifest.json shaped like a real one: every node is a copy of a real node of
// `templatePath` (its first model, generic test and source; all its macros, docs and metadata) with
// new ids, names, paths, fqn, refs and depends_on. The project has `models` models in a DAG (each model
// reads one to three earlier models, the first tenth read sources), one test per model, one source per
// ten models, and parent_map/child_map that match depends_on. Returns the bytes written, or -1 with
// *error set.
qint64 generateManifest(const QString &templatePath, int models, const QString &outPath, QString *error);

} // namespace sluice::bench
