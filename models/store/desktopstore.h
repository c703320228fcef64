#pragma once

#include "core/error.h"
#include "store/dburl.h"

#include <memory>

namespace sluice {

class Database;

// Opens the store the desktop app works on, in the calling thread. `embeddedDefault`: the app's own
// SQLite file — created, migrated and seeded with the demo workspace when new; any other store must
// already be initialised and current (the error names `sluicectl db init` / `db upgrade`).
[[nodiscard]] Result<std::unique_ptr<Database>> openDesktopStore(const DbUrl &url, bool embeddedDefault, const QString &actor);

// Adds the demo workspace to a store that has no org yet (does nothing otherwise, so a store seeded by an
// older demo stays as the user has it): org "demo" with
// - "Demo: shell steps", two shell tasks that succeed on any machine, streaming a few lines each: what
//   Run now shows at once, with a live log and a run in the history;
// - "ELT: Airbyte sync, then dbt", manual (no schedule): an airbyte-sync, dbt run and dbt test whose
//   labels say what they need; run before that is set up, it fails at once naming the fix.
[[nodiscard]] Result<bool> seedDemoWorkspace(Database &db, const QString &actor);

} // namespace sluice
