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

// Adds the demo workspace to a store that has no org yet (does nothing otherwise, so a store seeded by an
// older demo stays as the user has it): org "demo" with
// - "Demo: shell steps", two shell tasks that succeed on any machine, streaming a few lines each: what
//   Run now shows at once, with a live log and a run in the history;
// - "ELT: Airbyte sync, then dbt", manual (no schedule): an airbyte-sync, dbt run and dbt test whose
//   labels say what they need; run before that is set up, it fails at once naming the fix.
[[nodiscard]] Result<bool> seedDemoWorkspace(class Database &db, const QString &actor);

} // namespace sluice
