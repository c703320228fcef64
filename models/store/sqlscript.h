#pragma once

#include <QStringList>

namespace sluice {

// Splits a SQL script into statements at top-level semicolons, skipping `--` comments and keeping
// semicolons inside quoted strings, identifiers and PostgreSQL dollar-quoted bodies ($$ … $$,
// $fn$ … $fn$). Empty statements are dropped.
[[nodiscard]] QStringList splitSqlScript(const QString &script);

} // namespace sluice
