#pragma once

#include "core/error.h"

#include <QString>

namespace sluice {

// The dbt a workspace runs, found as the runner finds it (DbtOperation::findDbt: the configured
// absolute path, or the configured name or "dbt" on PATH), for the window: when there is none, the
// message names the window's fixes (Install dbt…, Browse…) rather than sluicectl's.
[[nodiscard]] Result<QString> findDbtForWindow(const QString &configured);

} // namespace sluice
