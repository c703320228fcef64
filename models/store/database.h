#pragma once

#include "core/error.h"
#include "store/dburl.h"
#include "store/dialect.h"

#include <QHash>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>

#include <memory>

namespace sluice {

// One open connection to the store, owned by the thread that opened it (Qt SQL connections must not
// cross threads: each thread opens its own Database). Not copyable; closing happens in the destructor.
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

    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    [[nodiscard]] const DbUrl &url() const { return m_url; }
    [[nodiscard]] const Dialect &dialect() const { return m_dialect; }
    [[nodiscard]] QSqlDatabase handle() const;

    // Prepares and runs one statement with positional `?` values. The returned query is positioned
    // before the first row. A failure becomes an Error naming the broken constraint where there is one.
    [[nodiscard]] Result<QSqlQuery> exec(const QString &sql, const QVariantList &values = {});

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
    template<class F>
    auto write(F &&body) -> decltype(body())
    {
        if (m_depth > 0) {
            ++m_depth;
            auto r = body();
            --m_depth;
            return r;
        }
        if (auto b = begin(); !b)
            return fail(b.error());
        ++m_depth;
        auto r = body();
        --m_depth;
        if (!r) {
            rollback();
            return r;
        }
        if (auto c = commit(); !c)
            return fail(c.error());
        return r;
    }

    [[nodiscard]] bool inTransaction() const { return m_depth > 0; }

    // The names of the tables that exist (user tables only).
    [[nodiscard]] QStringList tables() const;

    // The database server's clock, UTC epoch ms.
    [[nodiscard]] Result<qint64> serverNowMs();

private:
    Database(DbUrl url, QString connectionName);
    Result<void> begin();
    Result<void> commit();
    void rollback();
    Error errorFrom(const QSqlError &error, const QString &sql) const;
    Result<QSqlQuery *> runPrepared(const QString &sql, const QVariantList &values);

    DbUrl m_url;
    Dialect m_dialect;
    QString m_connectionName;
    int m_depth = 0;
    QHash<QString, QSqlQuery> m_prepared;   // change()/fetch() statements, by SQL text
};

// Collapses a driver's multi-line message into one line.
[[nodiscard]] QString oneLine(QString text);

} // namespace sluice
