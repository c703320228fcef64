#pragma once

#include "store/dburl.h"

#include <QSqlError>
#include <QString>
#include <QStringList>

namespace sluice {

// The one place that knows how SQLite and PostgreSQL differ. Everything else writes portable SQL:
// positional `?` values, INSERT ... RETURNING, ON CONFLICT ... DO UPDATE, BIGINT epoch-ms times.
class Dialect
{
public:
    enum class Violation { None, Unique, ForeignKey, Check, NotNull };

    explicit Dialect(DbUrl::Backend backend) : m_backend(backend) {}

    [[nodiscard]] DbUrl::Backend backend() const { return m_backend; }
    [[nodiscard]] bool isSqlite() const { return m_backend == DbUrl::Backend::Sqlite; }
    [[nodiscard]] QString driverName() const;
    [[nodiscard]] QString displayName() const;

    // Expands the dialect tokens of a migration script (%ID%: auto-increment primary key; %KEY%: a
    // 64-bit primary key given by the rows, on SQLite the rowid).
    [[nodiscard]] QString expandDdl(QString sql) const;

    // SQL expression for the database's clock, as UTC epoch milliseconds. Lease expiry is judged by it.
    [[nodiscard]] QString nowMsExpr() const;

    // Starts a transaction that will write. SQLite takes the write lock up front (BEGIN IMMEDIATE) so
    // that two writers wait on the busy timeout instead of failing when a read lock is upgraded.
    [[nodiscard]] QString beginWriteSql() const;

    // Statement run inside a migration transaction so that two processes never migrate at once
    // (empty for SQLite, where BEGIN IMMEDIATE already serialises writers).
    [[nodiscard]] QString migrationLockSql() const;

    // The clause a SELECT ends with to lock the rows it returns for the rest of the transaction (empty on
    // SQLite, whose one writer at a time holds the whole database): FOR UPDATE, FOR NO KEY UPDATE (the
    // row's key does not change: inserting rows that refer to it goes on meanwhile), FOR SHARE, and
    // FOR UPDATE SKIP LOCKED (rows another transaction locked are left out). `of` names the table of a
    // join whose rows are locked.
    enum class RowLock { Update, NoKeyUpdate, Share, UpdateSkipLocked };
    [[nodiscard]] QString rowLock(RowLock lock, const QString &of = {}) const;

    // Whether the database clock is this machine's own (SQLite, a file here): a time can then be taken
    // here once and bound, instead of asked of the server in every statement.
    [[nodiscard]] bool clockIsLocal() const { return isSqlite(); }

    // Session statements that keep a SQLite database quick for a long-lived writer (the agent): the
    // write-ahead log copied back into the database when idle rather than in the middle of a slot's
    // dispatch. Empty for PostgreSQL.
    [[nodiscard]] QStringList longLivedWriterSetup() const;
    // Copies the write-ahead log back into the database (SQLite) while nothing runs; its row says
    // (busy, log frames, copied frames). Empty for PostgreSQL.
    [[nodiscard]] QString idleCheckpointSql() const;

    // Whether statements lock rows for the rest of their transaction (PostgreSQL), so that the order in
    // which a transaction locks rows matters; SQLite's one writer at a time locks the whole database.
    [[nodiscard]] bool hasRowLocks() const { return !isSqlite(); }

    // Which constraint a failed statement broke.
    [[nodiscard]] Violation classify(const QSqlError &error) const;

    // Whether a failed statement lost to a concurrent transaction (PostgreSQL: deadlock detected 40P01,
    // serialization failure 40001), so that its whole transaction may well succeed when run again.
    [[nodiscard]] bool isTransientFailure(const QSqlError &error) const;

private:
    DbUrl::Backend m_backend;
};

} // namespace sluice
