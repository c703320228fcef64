#pragma once

#include "core/error.h"

#include <QString>

namespace sluice {

// Where the store lives, as given by --db or SLUICE_DB:
//   sqlite:///absolute/path/to/file.db
//   postgresql://user@host:port/dbname[?sslmode=require&connect_timeout=5]   (postgres:// also accepted)
// A password is never part of a URL (it would end up in settings, shell history and argv): libpq
// takes it from PGPASSWORD or ~/.pgpass, and later from the keychain.
struct DbUrl
{
    enum class Backend { Sqlite, Postgres };

    Backend backend = Backend::Sqlite;
    QString path;       // SQLite: absolute file path
    QString user;       // PostgreSQL
    QString host;
    int port = 5432;
    QString database;
    QString options;    // PostgreSQL connect options, "key=value;key=value" for QSqlDatabase

    [[nodiscard]] static Result<DbUrl> parse(const QString &text);

    // The URL in canonical form; safe to print and store (it never holds a secret).
    [[nodiscard]] QString toString() const;
    [[nodiscard]] bool isSqlite() const { return backend == Backend::Sqlite; }
};

// The embedded default: a SQLite file in the user's data directory (AppDataLocation).
[[nodiscard]] DbUrl defaultDbUrl();

// The store an executable uses: `given` (its --db), else $SLUICE_DB, else the embedded default.
struct ResolvedDbUrl
{
    DbUrl url;
    bool isDefault = false;
};
[[nodiscard]] Result<ResolvedDbUrl> resolveDbUrl(const QString &given);

} // namespace sluice
