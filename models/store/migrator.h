#pragma once

#include "core/error.h"

#include <QList>
#include <QString>

namespace sluice {

class Database;

// A numbered schema change shipped in resources/sql/migrations (NNNN_name.sql).
struct Migration
{
    int version = 0;
    QString name;
    QString sql;
};

// Where a database stands against this build's migrations.
struct SchemaState
{
    int current = 0;            // 0: empty database
    int latest = 0;             // the newest migration this build knows
    bool foreign = false;       // tables exist, but not Sluice's
    [[nodiscard]] bool isEmpty() const { return current == 0 && !foreign; }
    [[nodiscard]] bool isCurrent() const { return current == latest && !foreign; }
    [[nodiscard]] bool isNewer() const { return current > latest; }
};

// Applies migrations in order, one transaction each, recording them in `schema_version`.
// Never downgrades: a database newer than this build is refused. Never touches a database that has
// tables but no `schema_version` (it is someone else's).
class Migrator
{
public:
    explicit Migrator(Database &db);

    [[nodiscard]] static const QList<Migration> &bundled();
    [[nodiscard]] static int latestVersion();

    [[nodiscard]] Result<SchemaState> state();

    // Brings the schema to `target` (default: the latest). Returns the versions applied.
    [[nodiscard]] Result<QList<int>> migrate(int target = -1);

    // The error to show when an ordinary command meets a database that is not exactly current.
    [[nodiscard]] Result<void> requireCurrent();

private:
    Database &m_db;
};

} // namespace sluice
