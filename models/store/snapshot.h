#pragma once

#include "domain/entities.h"
#include "store/dburl.h"

namespace sluice {

// What the GUI shows at start: the store it uses and what is in it. Built off the GUI thread by
// loadSnapshot(), which opens (and closes) its own connection in the calling thread.
struct StoreSnapshot
{
    QString databaseUrl;
    QString backend;
    int schemaVersion = 0;
    QList<Org> orgs;
    QList<Pipeline> pipelines;
    int taskCount = 0;
};

// Opens the store at `url`. `embeddedDefault`: the app's own SQLite file — created, migrated and
// seeded with the demo workspace when new; any other store must already be initialised and current.
[[nodiscard]] Result<StoreSnapshot> loadSnapshot(const DbUrl &url, bool embeddedDefault);

// Adds the demo workspace (org "demo" with a sync, dbt run and test, and a nightly pipeline) to a
// store that has no org yet. Does nothing otherwise.
[[nodiscard]] Result<bool> seedDemoWorkspace(class Database &db, const QString &actor);

} // namespace sluice
