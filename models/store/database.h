#pragma once

#include "core/error.h"
#include "store/dburl.h"
#include "store/dialect.h"

#include <QElapsedTimer>
#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <memory>

namespace sluice {

struct StatementPool;

// What Database::exec() returns: a QSqlQuery positioned before the first row, whose prepared statement
// is lent by its connection. When the Query is destroyed the statement is finished and handed back, so
// the next exec() of the same SQL text skips the prepare (on SQLite the parse and plan of a statement
// cost more than running it). Move-only: a copy would share a statement that goes back to the pool.
// A Query may outlive its Database (the statement is then simply freed); it never crosses threads.
class Query : public QSqlQuery
{
public:
    Query() = default;
    ~Query();
    Query(Query &&other) noexcept = default;
    Query &operator=(Query &&other) noexcept;
    Query(const Query &) = delete;
    Query &operator=(const Query &) = delete;

private:
    friend class Database;
    Query(QSqlQuery &&query, std::weak_ptr<StatementPool> pool, QString sql);
    void giveBack();

    std::weak_ptr<StatementPool> m_pool;   // empty: not pooled (a failed or unpreparable statement)
    QString m_sql;
};

// One open connection to the store, owned by the thread that opened it (Qt SQL connections must not
// cross threads: each thread opens its own Database). Not copyable; closing happens in the destructor.
//
// A lost PostgreSQL connection (the server restarted, or went away) is reopened: the call that finds it
// lost fails with an Error::Database naming the server (nothing is replayed: the caller retries), and
// the connection is closed and opened again with the same URL and session settings — at once when no
// transaction is open, else after write() has rolled back, at the start of the next call. Attempts are
// at most one per kReconnectIntervalMs; while the server stays unreachable every call fails with an
// Error::Database saying it is retried. SQLite connections are never reopened.
class Database
{
public:
    struct Options
    {
        bool createParentDir = false;   // SQLite: create the file's directory (the embedded default)
        bool createIfMissing = true;    // SQLite: a missing file is created (else: an error naming `db init`)
        int busyTimeoutMs = 5000;       // SQLite: how long a writer waits for another
        int connectTimeoutS = 10;       // PostgreSQL
    };

    // Opens and checks the connection: a SQLite file must be writable and really a SQLite database,
    // a PostgreSQL server must answer. Nothing is created in the database here.
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DbUrl &url, const Options &options);
    [[nodiscard]] static Result<std::unique_ptr<Database>> open(const DbUrl &url) { return open(url, Options{}); }
    // A store that must already exist (a service's own connection beside the app's): never created here.
    [[nodiscard]] static Result<std::unique_ptr<Database>> openExisting(const DbUrl &url)
    {
        Options options;
        options.createIfMissing = false;
        return open(url, options);
    }

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    [[nodiscard]] const DbUrl &url() const { return m_url; }
    [[nodiscard]] const Dialect &dialect() const { return m_dialect; }
    [[nodiscard]] QSqlDatabase handle() const;

    // Prepares and runs one statement with positional `?` values. The returned query is positioned
    // before the first row. A failure becomes an Error naming the broken constraint where there is one.
    // Prepared statements are reused (see Query); on PostgreSQL a statement without values is sent
    // unprepared, since not every statement can be prepared there (SHOW, for one).
    [[nodiscard]] Result<Query> exec(const QString &sql, const QVariantList &values = {});
    // How many exec() statements of `sql` wait in the pool now (0 or 1): for tests and diagnostics.
    [[nodiscard]] int idleStatements(const QString &sql) const;

    // The hot path: the statement is prepared once per connection and kept (on PostgreSQL a prepared
    // statement saves two round trips per call), so use it for statements run again and again (locks,
    // log chunks, status writes). change() runs a data-changing statement and returns the number of rows
    // it changed; fetch() reads every row the statement returns (e.g. RETURNING) and frees the result,
    // so nothing of the kept statement escapes to the caller.
    [[nodiscard]] Result<int> change(const QString &sql, const QVariantList &values = {});
    [[nodiscard]] Result<QList<QVariantList>> fetch(const QString &sql, const QVariantList &values = {});

    // Runs a statement and returns the first column of its first row (an invalid QVariant for no row).
    // With values it is a kept prepared statement, like change()/fetch().
    [[nodiscard]] Result<QVariant> scalar(const QString &sql, const QVariantList &values = {});

    // Runs `body` inside one write transaction: committed when it returns a value, rolled back when it
    // returns an error. Nested calls join the outer transaction.
    // PostgreSQL aborts a transaction at its first failed statement: such a transaction is rolled back
    // even when `body` went on and returned a value (the first failure is returned then), so that no
    // write is reported done that was not. One aborted by a deadlock or a serialization failure
    // (40P01, 40001: another transaction won) is run again from the start, up to kTransientAttempts
    // times in all, so `body` must do nothing outside the database that cannot be done twice.
    template<class F>
    auto write(F &&body) -> decltype(body())
    {
        if (m_depth > 0) {
            ++m_depth;
            auto r = body();
            --m_depth;
            return r;
        }
        for (int attempt = 1;; ++attempt) {
            if (auto b = begin(); !b)
                return fail(b.error());
            ++m_depth;
            auto r = body();
            --m_depth;
            if (r && !m_aborted) {
                if (auto c = commit(); !c)
                    return fail(c.error());
                return r;
            }
            Error first;
            switch (endFailedTransaction(attempt, r.has_value(), first)) {
            case AfterFailure::Retry:
                continue;
            case AfterFailure::ReturnFirst:
                return fail(first);
            case AfterFailure::ReturnBody:
                return r;
            }
        }
    }

    [[nodiscard]] bool inTransaction() const { return m_depth > 0; }

    // How many times write() tries a transaction that a deadlock or serialization failure aborted.
    static constexpr int kTransientAttempts = 5;
    // How many transactions this connection has run again after such a failure (for tests and diagnostics).
    [[nodiscard]] quint64 transientRetries() const { return m_transientRetries; }

    // At most this many statements are kept for change()/fetch(); past it they are prepared afresh.
    static constexpr qsizetype kKeptStatements = 512;

    // The least time between two attempts to reopen a lost PostgreSQL connection.
    static constexpr qint64 kReconnectIntervalMs = 500;

    // The names of the tables that exist (user tables only).
    [[nodiscard]] QStringList tables() const;

    // The database server's clock, UTC epoch ms.
    [[nodiscard]] Result<qint64> serverNowMs();

private:
    Database(DbUrl url, QString connectionName);
    Result<void> begin();
    Result<void> commit();
    void rollback();
    enum class AfterFailure { Retry, ReturnFirst, ReturnBody };
    // After a body that failed or ran into a failed statement: rolls back and says what write() does:
    // run it again (a transient failure), return the transaction's first failure (the body went on after
    // it, or failed again only because the transaction was aborted), or return what the body returned.
    AfterFailure endFailedTransaction(int attempt, bool bodySucceeded, Error &first);
    Error failureError(const QSqlError &error, const QString &sql);
    Error errorFrom(const QSqlError &error, const QString &sql) const;
    // errorFrom(), and when the error means the PostgreSQL connection is lost: marks it lost and, outside
    // a transaction, reopens it (rate-limited). Returns the error of the failed statement either way.
    Error failure(const QSqlError &error, const QString &sql);
    [[nodiscard]] bool isConnectionLost(const QSqlError &error) const;
    // Before a statement: a lost connection is reopened (outside a transaction, rate-limited), or the
    // call fails without touching the server.
    Result<void> ensureConnected();
    Result<void> reconnect();
    [[nodiscard]] QString serverName() const;
    Result<QSqlQuery *> runPrepared(const QString &sql, const QVariantList &values);

    DbUrl m_url;
    Dialect m_dialect;
    QString m_connectionName;
    int m_depth = 0;
    QSqlDatabase m_handle;                  // the open connection (QSqlDatabase::database() locks a global registry)
    QHash<QString, QSqlQuery> m_prepared;   // change()/fetch() statements, by SQL text
    std::shared_ptr<StatementPool> m_pool;  // exec() statements not lent out, by SQL text (renewed on reconnect)
    bool m_lost = false;                    // PostgreSQL: the connection is lost and not yet reopened
    QElapsedTimer m_lastReconnect;          // since the last attempt to reopen it
    bool m_aborted = false;                 // PostgreSQL: a statement of the open transaction failed
    bool m_abortedTransient = false;        // ... and its failure was a deadlock or serialization failure
    Error m_abortError;                     // the first failure of the open transaction
    int m_failuresInTransaction = 0;        // statements of the open transaction that failed
    quint64 m_transientRetries = 0;
};

// Collapses a driver's multi-line message into one line.
[[nodiscard]] QString oneLine(QString text);

} // namespace sluice
