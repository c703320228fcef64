#include "database.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>

#include <QThread>

#include <malloc.h>
#include <mutex>
#include <random>

Q_LOGGING_CATEGORY(lcStore, "sluice.store")

namespace sluice {

namespace {

QString nextConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("sluice-%1").arg(counter.fetchAndAddRelaxed(1));
}

Result<void> checkSqliteFile(const DbUrl &url, const Database::Options &options)
{
    const bool createParentDir = options.createParentDir;
    const QFileInfo file(url.path);
    const QString dirPath = file.absolutePath();
    QFileInfo dir(dirPath);
    if (!dir.exists() && createParentDir) {
        if (!QDir().mkpath(dirPath))
            return fail(Error::database(QStringLiteral("cannot create the folder %1 for the database; check its permissions or pass another --db").arg(dirPath)));
        dir.refresh();
    }
    if (!dir.exists())
        return fail(Error::database(QStringLiteral("the folder %1 does not exist; create it or pass another --db").arg(dirPath)));
    if (!dir.isDir())
        return fail(Error::database(QStringLiteral("%1 is not a folder; pass another --db").arg(dirPath)));
    if (file.exists()) {
        if (file.isDir())
            return fail(Error::database(QStringLiteral("%1 is a folder, not a database file; pass another --db").arg(url.path)));
        if (!file.isReadable() || !file.isWritable())
            return fail(Error::database(QStringLiteral("the database file %1 is not writable; fix its permissions (chmod u+rw) or pass another --db").arg(url.path)));
    } else if (!options.createIfMissing) {
        return fail(Error::schema(QStringLiteral("there is no database at %1; create it with `sluicectl db init` or pass another --db").arg(url.path)));
    } else if (!dir.isWritable()) {
        return fail(Error::database(QStringLiteral("cannot create the database file %1: its folder is not writable; fix the permissions or pass another --db").arg(url.path)));
    }
    return {};
}

// The per-connection settings of a PostgreSQL session: run on every open and every reopen.
Result<void> setUpPostgresSession(const QSqlDatabase &db, const DbUrl &url)
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SET client_min_messages = warning")))
        return fail(Error::database(QStringLiteral("PostgreSQL at %1:%2 refused the session setup: %3")
                                        .arg(url.host).arg(url.port).arg(oneLine(q.lastError().text()))));
    return {};
}

// SQLite builds a statement's temporary b-trees (IN lists, RETURNING, subqueries) in a fresh ~90 KB
// page cache and frees it when the statement ends; with glibc's default trim threshold that memory goes
// back to the kernel each time and is faulted in again by the next statement — more than the statement
// itself costs. Keeping up to a few MiB of freed heap ends that. Process-wide, once, on the first open.
void keepFreedHeap()
{
    static std::once_flag once;
    std::call_once(once, [] {
#ifdef M_TRIM_THRESHOLD
        mallopt(M_TRIM_THRESHOLD, 4 * 1024 * 1024);
#endif
    });
}

} // namespace

// The idle statements of one connection's exec(), by SQL text; at most kCapacity of them.
struct StatementPool
{
    static constexpr qsizetype kCapacity = 256;
    QHash<QString, QSqlQuery> idle;
};

Query::Query(QSqlQuery &&query, std::weak_ptr<StatementPool> pool, QString sql)
    : QSqlQuery(std::move(query)), m_pool(std::move(pool)), m_sql(std::move(sql))
{
}

Query::~Query()
{
    giveBack();
}

Query &Query::operator=(Query &&other) noexcept
{
    if (this != &other) {
        giveBack();
        QSqlQuery::operator=(std::move(other));
        m_pool = std::move(other.m_pool);
        m_sql = std::move(other.m_sql);
    }
    return *this;
}

void Query::giveBack()
{
    // An empty m_pool also marks a moved-from Query (its QSqlQuery part is gone with it).
    auto pool = m_pool.lock();
    m_pool.reset();
    if (!pool)
        return;
    finish();   // SQLite: the statement is reset, its read snapshot ends; PostgreSQL: the result is freed
    if (pool->idle.size() < StatementPool::kCapacity && !pool->idle.contains(m_sql))
        pool->idle.insert(m_sql, QSqlQuery(std::move(static_cast<QSqlQuery &>(*this))));
}

QString oneLine(QString text)
{
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    return text.simplified();
}

Database::Database(DbUrl url, QString connectionName)
    : m_url(std::move(url)), m_dialect(m_url.backend), m_connectionName(std::move(connectionName)),
      m_pool(std::make_shared<StatementPool>())
{
}

Database::~Database()
{
    m_prepared.clear();   // prepared statements go before their connection
    m_pool.reset();       // lent ones are freed by their Query
    if (m_handle.isOpen())
        m_handle.close();
    m_handle = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QSqlDatabase Database::handle() const
{
    return m_handle;
}

Result<std::unique_ptr<Database>> Database::open(const DbUrl &url, const Options &options)
{
    const Dialect dialect(url.backend);
    if (!QSqlDatabase::isDriverAvailable(dialect.driverName()))
        return fail(Error::database(QStringLiteral("the Qt %1 driver is not installed; install %2")
                                        .arg(dialect.displayName(),
                                             dialect.isSqlite() ? QStringLiteral("libqt6sql6-sqlite")
                                                                : QStringLiteral("libqt6sql6-psql"))));
    if (url.isSqlite()) {
        if (auto ok = checkSqliteFile(url, options); !ok)
            return fail(ok.error());
    }

    keepFreedHeap();
    std::unique_ptr<Database> database(new Database(url, nextConnectionName()));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(dialect.driverName(), database->m_connectionName);
        database->m_handle = db;
        if (url.isSqlite()) {
            db.setDatabaseName(url.path);
            db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(options.busyTimeoutMs));
        } else {
            db.setHostName(url.host);
            db.setPort(url.port);
            db.setDatabaseName(url.database);
            if (!url.user.isEmpty())
                db.setUserName(url.user);
            QStringList opts;
            if (!url.options.contains(QLatin1String("connect_timeout=")))
                opts << QStringLiteral("connect_timeout=%1").arg(options.connectTimeoutS);
            if (!url.options.isEmpty())
                opts << url.options;
            db.setConnectOptions(opts.join(QLatin1Char(';')));
        }
        if (!db.open()) {
            const QString why = oneLine(db.lastError().text());
            if (url.isSqlite())
                return fail(Error::database(QStringLiteral("cannot open the SQLite database %1: %2").arg(url.path, why)));
            return fail(Error::database(
                QStringLiteral("cannot connect to PostgreSQL at %1:%2 (database \"%3\"): %4 — check that the server is "
                               "running and reachable, and that the password is in PGPASSWORD or ~/.pgpass")
                    .arg(url.host).arg(url.port).arg(url.database, why)));
        }
    }

    if (url.isSqlite()) {
        // The first statements read the file header: a file that is not SQLite fails here, and is left as it is.
        for (const QString &pragma : {QStringLiteral("PRAGMA foreign_keys = ON"),
                                      QStringLiteral("PRAGMA journal_mode = WAL"),
                                      QStringLiteral("PRAGMA synchronous = NORMAL")}) {
            QSqlQuery q(database->handle());
            if (!q.exec(pragma)) {
                const QString why = oneLine(q.lastError().databaseText());
                if (why.contains(QLatin1String("not a database")) || why.contains(QLatin1String("malformed")))
                    return fail(Error::database(QStringLiteral("%1 is not a SQLite database or is damaged (%2); it was left "
                                                               "untouched — restore it from a backup or pass another --db")
                                                    .arg(url.path, why)));
                return fail(Error::database(QStringLiteral("cannot use the SQLite database %1: %2").arg(url.path, why)));
            }
        }
    } else if (auto s = setUpPostgresSession(database->handle(), url); !s) {
        return fail(s.error());
    }
    return database;
}

Error Database::errorFrom(const QSqlError &error, const QString &sql) const
{
    const QString why = oneLine(error.databaseText().isEmpty() ? error.text() : error.databaseText());
    switch (m_dialect.classify(error)) {
    case Dialect::Violation::Unique:
        return Error::conflict(QStringLiteral("that would duplicate an existing entry (%1)").arg(why));
    case Dialect::Violation::ForeignKey:
        return Error::conflict(QStringLiteral("that refers to something missing, or something else still refers to it (%1)").arg(why));
    case Dialect::Violation::Check:
    case Dialect::Violation::NotNull:
        return Error::invalid(QStringLiteral("a value breaks a rule of the store (%1)").arg(why));
    case Dialect::Violation::None:
        break;
    }
    qCWarning(lcStore) << "statement failed:" << why << "in" << sql.simplified().left(200);
    return Error::database(QStringLiteral("%1 error: %2").arg(m_dialect.displayName(), why));
}

QString Database::serverName() const
{
    return QStringLiteral("PostgreSQL at %1:%2 (database \"%3\")").arg(m_url.host).arg(m_url.port).arg(m_url.database);
}

bool Database::isConnectionLost(const QSqlError &error) const
{
    if (m_dialect.isSqlite())
        return false;
    if (error.type() == QSqlError::ConnectionError)
        return true;
    // SQLSTATE class 08 (connection exception); 57P01-57P03: the server shuts down or is starting.
    const QString code = error.nativeErrorCode();
    if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") || code == QLatin1String("57P02")
        || code == QLatin1String("57P03"))
        return true;
    const QString text = error.text();
    for (const char *lost : {"server closed the connection unexpectedly", "terminating connection", "no connection to the server",
                             "could not receive data from server", "could not send data to server", "connection pointer is NULL",
                             "the database system is shutting down", "the database system is starting up"}) {
        if (text.contains(QLatin1String(lost), Qt::CaseInsensitive))
            return true;
    }
    return !handle().isOpen();
}

Error Database::failure(const QSqlError &error, const QString &sql)
{
    if (m_depth > 0 && !m_dialect.isSqlite() && !m_aborted) {
        // The server aborted the transaction: everything until its end fails, and it commits nothing.
        m_aborted = true;
        m_abortedTransient = m_dialect.isTransientFailure(error);
    }
    Error e = failureError(error, sql);
    if (m_depth > 0 && m_aborted) {
        if (m_failuresInTransaction++ == 0)
            m_abortError = e;
    }
    return e;
}

Error Database::failureError(const QSqlError &error, const QString &sql)
{
    if (!isConnectionLost(error))
        return errorFrom(error, sql);
    const QString why = oneLine(error.databaseText().isEmpty() ? error.text() : error.databaseText());
    const bool first = !m_lost;
    m_lost = true;
    if (first)
        qCWarning(lcStore).noquote() << QStringLiteral("lost the connection to %1: %2; reopening it, retried at most every "
                                                       "%3 ms (a failed statement is not replayed: its caller retries)")
                                            .arg(serverName(), why)
                                            .arg(kReconnectIntervalMs);
    if (m_depth == 0)
        (void)reconnect();   // its own failure is logged; this call fails with the statement's error
    return Error::database(QStringLiteral("lost the connection to %1 (%2); the statement may not have completed — "
                                          "retry it, the connection is reopened (check that the server is running)")
                               .arg(serverName(), why));
}

Result<void> Database::ensureConnected()
{
    if (m_dialect.isSqlite() || (!m_lost && handle().isOpen()))
        return {};
    m_lost = true;
    if (m_depth > 0)
        return fail(Error::database(QStringLiteral("the connection to %1 was lost inside a transaction; the transaction "
                                                   "is rolled back and the next one reopens the connection")
                                        .arg(serverName())));
    return reconnect();
}

Result<void> Database::reconnect()
{
    if (m_lastReconnect.isValid() && m_lastReconnect.elapsed() < kReconnectIntervalMs)
        return fail(Error::database(QStringLiteral("the connection to %1 is lost; reopening it is retried in %2 ms "
                                                   "(check that the server is running)")
                                        .arg(serverName())
                                        .arg(kReconnectIntervalMs - m_lastReconnect.elapsed())));
    m_lastReconnect.start();
    // The new connection is a clone of the old (same driver, URL and options) under a new name. The old
    // one goes with its driver before its kept statements do: a statement whose driver is gone is freed
    // without a DEALLOCATE, which on a dead connection would only fail, with a warning for each.
    QHash<QString, QSqlQuery> stale;
    stale.swap(m_prepared);
    std::shared_ptr<StatementPool> stalePool = std::exchange(m_pool, std::make_shared<StatementPool>());
    const QString previous = m_connectionName;
    m_connectionName = nextConnectionName();
    {
        QSqlDatabase old = std::exchange(m_handle, QSqlDatabase());
        m_handle = QSqlDatabase::cloneDatabase(old, m_connectionName);
        old.close();
    }
    QSqlDatabase::removeDatabase(previous);
    stale.clear();
    stalePool.reset();
    QSqlDatabase db = handle();
    if (!db.open()) {
        const QString why = oneLine(db.lastError().text());
        qCWarning(lcStore).noquote() << QStringLiteral("cannot reconnect to %1: %2; retrying on later use, at most every %3 ms")
                                            .arg(serverName(), why)
                                            .arg(kReconnectIntervalMs);
        return fail(Error::database(QStringLiteral("cannot reconnect to %1: %2 — it is retried on the next call; check "
                                                   "that the server is running and reachable")
                                        .arg(serverName(), why)));
    }
    if (auto s = setUpPostgresSession(db, m_url); !s) {
        db.close();
        qCWarning(lcStore).noquote() << s.error().message;
        return fail(s.error());
    }
    m_lost = false;
    qCInfo(lcStore).noquote() << QStringLiteral("reconnected to %1").arg(serverName());
    return {};
}

Result<Query> Database::exec(const QString &sql, const QVariantList &values)
{
    if (auto c = ensureConnected(); !c)
        return fail(c.error());
    if (values.isEmpty() && !m_dialect.isSqlite()) {
        QSqlQuery query(handle());
        query.setForwardOnly(false);   // see below
        if (!query.exec(sql))
            return fail(failure(query.lastError(), sql));
        return Query(std::move(query), {}, {});
    }
    QSqlQuery query;
    if (auto idle = m_pool->idle.find(sql); idle != m_pool->idle.end()) {
        query = std::move(*idle);
        m_pool->idle.erase(idle);
    } else {
        query = QSqlQuery(handle());
        // QPSQL streams a forward-only result row by row and loses it when the connection runs another
        // statement before it is read to the end; a query inside a loop over another's rows is common
        // here, so PostgreSQL results are fetched whole. SQLite steps its statements independently.
        query.setForwardOnly(m_dialect.isSqlite());
        if (!query.prepare(sql))
            return fail(failure(query.lastError(), sql));
    }
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec())
        return fail(failure(query.lastError(), sql));   // not pooled; outlives a reconnect's driver: freed quietly
    return Query(std::move(query), m_pool, sql);
}

int Database::idleStatements(const QString &sql) const
{
    return m_pool->idle.contains(sql) ? 1 : 0;
}

Result<QSqlQuery *> Database::runPrepared(const QString &sql, const QVariantList &values)
{
    if (auto c = ensureConnected(); !c)
        return fail(c.error());
    auto it = m_prepared.find(sql);
    if (it == m_prepared.end()) {
        if (m_prepared.size() >= kKeptStatements)
            m_prepared.clear();   // texts that vary (ids written into them) never pile up; none is in use here
        QSqlQuery query(handle());
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            return fail(failure(query.lastError(), sql));
        it = m_prepared.insert(sql, std::move(query));
    }
    QSqlQuery &query = *it;
    for (qsizetype i = 0; i < values.size(); ++i)
        query.bindValue(int(i), values[i]);
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        // A failed statement is prepared afresh next time; when the connection is lost, reconnect()
        // drops every statement of it (quietly, see there).
        if (!isConnectionLost(error))
            m_prepared.erase(it);
        return fail(failure(error, sql));
    }
    return &query;
}

Result<int> Database::change(const QString &sql, const QVariantList &values)
{
    auto q = runPrepared(sql, values);
    if (!q)
        return fail(q.error());
    const int rows = (*q)->numRowsAffected();
    (*q)->finish();
    return rows;
}

Result<QList<QVariantList>> Database::fetch(const QString &sql, const QVariantList &values)
{
    auto q = runPrepared(sql, values);
    if (!q)
        return fail(q.error());
    QList<QVariantList> rows;
    const int columns = (*q)->record().count();
    while ((*q)->next()) {
        QVariantList row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c)
            row.append((*q)->value(c));
        rows.append(std::move(row));
    }
    (*q)->finish();
    return rows;
}

Result<QVariant> Database::scalar(const QString &sql, const QVariantList &values)
{
    if (values.isEmpty()) {
        // Not prepared: PostgreSQL cannot PREPARE every statement (SHOW, for one).
        auto q = exec(sql);
        if (!q)
            return fail(q.error());
        return q->next() ? q->value(0) : QVariant();
    }
    // The result never leaves this function, so the statement can be a kept one.
    auto q = runPrepared(sql, values);
    if (!q)
        return fail(q.error());
    QVariant value = (*q)->next() ? (*q)->value(0) : QVariant();
    (*q)->finish();
    return value;
}

Database::AfterFailure Database::endFailedTransaction(int attempt, bool bodySucceeded, Error &first)
{
    const bool aborted = m_aborted;
    const bool transient = m_aborted && m_abortedTransient;
    const bool onlyOneFailure = m_failuresInTransaction <= 1;
    first = m_abortError;
    rollback();
    if (transient && attempt < kTransientAttempts) {
        ++m_transientRetries;
        qCInfo(lcStore).noquote() << QStringLiteral("a transaction lost to a concurrent one (%1); running it again (try %2 of %3)")
                                         .arg(first.message)
                                         .arg(attempt + 1)
                                         .arg(kTransientAttempts);
        // The winner goes on as soon as this one has rolled back; a short, growing, random pause keeps
        // two retrying losers from meeting again in step.
        thread_local std::minstd_rand jitter{std::random_device{}()};
        QThread::usleep(std::uniform_int_distribution<unsigned long>(0, 2000UL * unsigned(attempt))(jitter));
        return AfterFailure::Retry;
    }
    if (!aborted)
        return AfterFailure::ReturnBody;
    // The body's own error says best what failed when it is about the one statement that failed; a body
    // that went on (ignoring it) or failed later because the transaction was aborted gets the first.
    return bodySucceeded || !onlyOneFailure ? AfterFailure::ReturnFirst : AfterFailure::ReturnBody;
}

Result<void> Database::begin()
{
    if (auto q = exec(m_dialect.beginWriteSql()); !q)
        return fail(q.error());
    return {};
}

Result<void> Database::commit()
{
    if (auto q = exec(QStringLiteral("COMMIT")); !q) {
        rollback();
        return fail(q.error());
    }
    return {};
}

void Database::rollback()
{
    m_aborted = false;
    m_abortedTransient = false;
    m_failuresInTransaction = 0;
    m_abortError = {};
    if (m_lost)
        return;   // the server rolled the transaction back with the connection; the next call reopens it
    QSqlQuery q(handle());
    if (!q.exec(QStringLiteral("ROLLBACK"))) {
        qCWarning(lcStore) << "rollback failed:" << q.lastError().text();
        if (isConnectionLost(q.lastError()))
            m_lost = true;   // the server rolled back with the connection; the next call reopens it
    }
}

QStringList Database::tables() const
{
    return handle().tables(QSql::Tables);
}

Result<qint64> Database::serverNowMs()
{
    auto v = scalar(QStringLiteral("SELECT ") + m_dialect.nowMsExpr());
    if (!v)
        return fail(v.error());
    return v->toLongLong();
}

} // namespace sluice
