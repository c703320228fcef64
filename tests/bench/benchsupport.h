#pragma once

// What the benchmark programs share: printing, failing, percentiles, and throwaway databases.

#include "core/error.h"
#include "store/dburl.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>

#include <optional>

namespace sluice::bench {

// Prints one line to stdout at once.
void say(const QString &line);

// A step that failed: main() reports it after the stack unwound (so a throwaway server is stopped).
struct Fatal { QString message; };

template<class T>
T orDie(Result<T> r, const QString &what)
{
    if (!r)
        throw Fatal{QStringLiteral("%1 failed: %2").arg(what, r.error().message)};
    if constexpr (!std::is_void_v<T>)
        return std::move(*r);
}

// Nearest rank: the value below which a share p of the samples lie. `v` must not be empty.
double percentile(QList<double> v, double p);

// A text table with right-aligned columns after the first, for the programs' reports.
QString formatTable(const QStringList &header, const QList<QStringList> &rows);

// The databases of one backend: SQLite files in a temporary folder, or PostgreSQL databases on the
// `pgUrl` server or on a throwaway one (tests/support/pg-server.sh). All are removed at the end.
class Store
{
public:
    Store(DbUrl::Backend backend, const QString &pgUrl);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    // A new, empty database (no schema).
    DbUrl create(const QString &label);

private:
    int pgServer(const QString &command);
    void stopThrowaway();

    DbUrl::Backend m_backend;
    QTemporaryDir m_dir;   // the SQLite files, or pg-server.sh's pointer folder
    std::optional<DbUrl> m_admin;
    QStringList m_created;
    bool m_throwaway = false;
};

} // namespace sluice::bench
