#pragma once

#include "domain/entities.h"
#include "store/workspacestore.h"

#include <QStringList>

#include <optional>

namespace sluice {

// The command line an org task runs, as the runner builds it: the program first, then every argument
// as its own entry (no shell unless the command needs one). For a dbt task the profiles folder is a
// private folder made for each run, shown as kProfilesPlaceholder; secrets never appear, because the
// runner hands them over only through the child's environment. Git and Airbyte tasks run inside
// Sluice and are described in words ("git pull origin main in /path").
inline constexpr const char *kProfilesPlaceholder = "<private profiles folder>";
[[nodiscard]] QStringList taskCommandLine(const OrgTask &task, const std::optional<DbtWorkspace> &workspace);

} // namespace sluice
