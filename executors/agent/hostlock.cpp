#include "hostlock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace sluice {

namespace {

QString lockDirectory()
{
    const QString overridden = qEnvironmentVariable("SLUICE_AGENT_LOCK_DIR");
    if (!overridden.isEmpty())
        return overridden;
    // $XDG_RUNTIME_DIR itself (QStandardPaths would invent a /tmp folder, with a warning, without it).
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QFileInfo(runtime).isDir())
        return runtime + QStringLiteral("/sluice");
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
}

QString readHolder(int fd)
{
    char buffer[64] = {};
    const ssize_t n = ::pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return QString();
    return QString::fromLatin1(buffer, int(n)).trimmed();
}

} // namespace

HostLock::~HostLock()
{
    release();
}

HostLock::HostLock(HostLock &&other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path))
{
    other.m_fd = -1;
}

HostLock &HostLock::operator=(HostLock &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        m_path = std::move(other.m_path);
        other.m_fd = -1;
    }
    return *this;
}

QString HostLock::pathFor(const QString &databaseUrl)
{
    const QByteArray hash = QCryptographicHash::hash(databaseUrl.toUtf8(), QCryptographicHash::Sha256).toHex().left(16);
    return lockDirectory() + QStringLiteral("/agent-%1.lock").arg(QString::fromLatin1(hash));
}

Result<HostLock> HostLock::acquire(const QString &databaseUrl)
{
    const QString path = pathFor(databaseUrl);
    const QString dir = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(dir))
        return fail(Error::internal(QStringLiteral("cannot create the agent lock folder %1; set SLUICE_AGENT_LOCK_DIR to a writable folder").arg(dir)));
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(Error::internal(QStringLiteral("cannot open the agent lock file %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        const QString holder = readHolder(fd);
        ::close(fd);
        if (err == EWOULDBLOCK)
            return fail(Error::conflict(QStringLiteral("another sluice-agent (pid %1) already runs for database %2 on this host "
                                                       "(lock file %3); stop it first — one agent per host and database")
                                            .arg(holder.isEmpty() ? QStringLiteral("unknown") : holder, databaseUrl, path)));
        return fail(Error::internal(QStringLiteral("cannot lock %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(err)))));
    }
    const QByteArray pid = QByteArray::number(qint64(::getpid())) + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, pid.constData(), size_t(pid.size()), 0) != pid.size()) {
        ::close(fd);
        return fail(Error::internal(QStringLiteral("cannot write the agent lock file %1").arg(path)));
    }
    HostLock lock;
    lock.m_fd = fd;
    lock.m_path = path;
    return lock;
}

void HostLock::release()
{
    if (m_fd < 0)
        return;
    // Emptied before unlocking: a reader that sees a pid sees the live holder's.
    [[maybe_unused]] const int truncated = ::ftruncate(m_fd, 0);
    ::flock(m_fd, LOCK_UN);
    ::close(m_fd);
    m_fd = -1;
}

} // namespace sluice
