#pragma once

#include "core/error.h"

#include <QString>

namespace sluice {

// One agent per host and database: an exclusive flock(2) on a lock file whose name derives from a hash
// of the database URL, in $SLUICE_AGENT_LOCK_DIR if set (tests: one directory per agent process, to run
// several agents on one host), else the user's runtime directory ($XDG_RUNTIME_DIR/sluice), else the
// data directory. The lock belongs to the open file: it is released when the HostLock is destroyed or the
// process dies in any way (kill -9 included), so a crashed agent never blocks the next one.
class HostLock
{
public:
    HostLock() = default;
    ~HostLock();
    HostLock(const HostLock &) = delete;
    HostLock &operator=(const HostLock &) = delete;
    HostLock(HostLock &&other) noexcept;
    HostLock &operator=(HostLock &&other) noexcept;

    // Takes the lock for `databaseUrl` (the URL without a password; only its hash is used). Error::Conflict
    // naming the pid that holds it when another agent runs for the same database on this host.
    [[nodiscard]] static Result<HostLock> acquire(const QString &databaseUrl);

    // The lock file's path for a database URL (where acquire() would lock).
    [[nodiscard]] static QString pathFor(const QString &databaseUrl);

    [[nodiscard]] bool isHeld() const { return m_fd >= 0; }
    [[nodiscard]] const QString &path() const { return m_path; }
    void release();

private:
    int m_fd = -1;
    QString m_path;
};

} // namespace sluice
