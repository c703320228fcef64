#pragma once

#include "catalog/taskcatalog.h"
#include "core/error.h"

namespace sluice {

class Database;

// Upserts the catalog into table `task` by slug (idempotent; run on every init/upgrade).
[[nodiscard]] Result<int> upsertCatalog(Database &db, const TaskCatalog &catalog);

// Reads the catalog as stored in the database.
[[nodiscard]] Result<QList<CatalogTask>> storedCatalog(Database &db);

// Brings a database to this build's schema and catalog: the work of `db init` / `db upgrade`.
// `requireInitialised`: refuse an empty database (upgrade) instead of creating the schema (init).
struct InitReport
{
    int fromVersion = 0;
    int toVersion = 0;
    QList<int> applied;
    int catalogTasks = 0;
};
[[nodiscard]] Result<InitReport> initialiseDatabase(Database &db, bool requireInitialised);

} // namespace sluice
