#include "fakelogind.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace sluice::test {

FakeLogind::~FakeLogind()
{
    if (!m_connectionName.isEmpty())
        QDBusConnection::disconnectFromBus(m_connectionName);
    for (int fd : m_readEnds)
        ::close(fd);
}

QString FakeLogind::registerOn(const QString &address)
{
    m_connectionName = QStringLiteral("fake-logind-%1").arg(quintptr(this));
    QDBusConnection bus = QDBusConnection::connectToBus(address, m_connectionName);
    if (!bus.isConnected())
        return QStringLiteral("cannot connect to %1: %2").arg(address, bus.lastError().message());
    if (!bus.registerObject(QStringLiteral("/org/freedesktop/login1"), this, QDBusConnection::ExportAllSlots))
        return QStringLiteral("cannot register /org/freedesktop/login1");
    if (!bus.registerService(QStringLiteral("org.freedesktop.login1")))
        return QStringLiteral("cannot own org.freedesktop.login1: %1").arg(bus.lastError().message());
    return {};
}

void FakeLogind::emitPrepareForSleep(bool start)
{
    QDBusMessage signal = QDBusMessage::createSignal(QStringLiteral("/org/freedesktop/login1"),
                                                     QStringLiteral("org.freedesktop.login1.Manager"),
                                                     QStringLiteral("PrepareForSleep"));
    signal << start;
    QDBusConnection(m_connectionName).send(signal);
}

QDBusUnixFileDescriptor FakeLogind::Inhibit(const QString &what, const QString &who, const QString &why, const QString &mode)
{
    m_calls << QStringList{what, who, why, mode}.join(QLatin1Char('|'));
    int fds[2] = {-1, -1};
    if (::pipe2(fds, O_CLOEXEC) != 0)
        qFatal("pipe2 failed");
    m_readEnds.push_back(fds[0]);
    QDBusUnixFileDescriptor out(fds[1]);   // a duplicate, closed when the reply is gone
    ::close(fds[1]);
    return out;
}

bool FakeLogind::lockHeld(int i) const
{
    if (i < 0 || size_t(i) >= m_readEnds.size())
        return false;
    // The read end of a pipe reports POLLHUP once every write end is closed.
    pollfd p{m_readEnds[size_t(i)], POLLIN, 0};
    return ::poll(&p, 1, 0) == 0;
}

} // namespace sluice::test
