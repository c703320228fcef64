#pragma once

#include "catalog/taskcatalog.h"
#include "core/error.h"
#include "dbt/dbtoperation.h"
#include "dbt/profileswriter.h"
#include "domain/entities.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

namespace sluice {

// The wiring shared by everything that runs dbt for an org (the runner, `sluicectl dbt exec`).

// The dbt project's directory: the workspace's checkout joined with its project dir.
[[nodiscard]] QString dbtProjectDir(const DbtWorkspace &workspace);

// The profile for the org's warehouse (profile and target names from the workspace, defaults
// "sluice"/"prod"); `secret` is the keychain's org/<slug>/warehouse value (empty for duckdb).
[[nodiscard]] ProfileRequest dbtProfileRequest(const DbtWorkspace &workspace, const Warehouse &warehouse, const QString &secret);

// Whether the warehouse type needs a secret from the keychain.
[[nodiscard]] bool warehouseNeedsSecret(const Warehouse &warehouse);

// The dbt argv of a catalog dbt task with an org task's parameters: the command's words, then
// `--flag` for each flag and `--option value` for each option (separate argv entries, no shell).
[[nodiscard]] QStringList dbtTaskArguments(const CatalogTask &task, const TaskParameters &parameters);

// The DbtSpec for `arguments` in the workspace, with a profile already written (writeProfiles).
// Error::NotFound when the project directory does not exist (with the command that fixes it).
[[nodiscard]] Result<DbtSpec> dbtSpecFor(const DbtWorkspace &workspace, const ProfileRequest &request,
                                         const WrittenProfile &profile, const QStringList &arguments,
                                         const QString &orgSlug);

} // namespace sluice
