#pragma once

#include "store/dburl.h"

#include <QSqlError>
#include <QString>

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
