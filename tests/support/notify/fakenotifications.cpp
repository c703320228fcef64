#include "fakenotifications.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>

namespace sluice::test {

namespace {
const QString kService = QStringLiteral("org.freedesktop.Notifications");
const QString kPath = QStringLiteral("/org/freedesktop/Notifications");
} // namespace

FakeNotifications::FakeNotifications(QObject *parent) : QObject(parent) {}

FakeNotifications::~FakeNotifications()
{
    stop();
}

QString FakeNotifications::start()
{
    static int counter = 0;
    m_connection = QStringLiteral("sluice-fake-notifications-%1").arg(++counter);
    QDBusConnection bus = QDBusConnection::connectToBus(QDBusConnection::SessionBus, m_connection);
    if (!bus.isConnected())
        return QStringLiteral("no session bus: %1").arg(bus.lastError().message());
    if (!bus.registerObject(kPath, this, QDBusConnection::ExportAllSlots))
        return QStringLiteral("could not register %1: %2").arg(kPath, bus.lastError().message());
    if (!bus.registerService(kService))
        return QStringLiteral("could not own %1: %2").arg(kService, bus.lastError().message());
    return {};
}

void FakeNotifications::stop()
{
    if (m_connection.isEmpty())
        return;
    {
        QDBusConnection bus(m_connection);
        bus.unregisterService(kService);
        bus.unregisterObject(kPath);
    }
    QDBusConnection::disconnectFromBus(m_connection);
    m_connection.clear();
}

uint FakeNotifications::Notify(const QString &app_name, uint replaces_id, const QString &app_icon, const QString &summary,
                               const QString &body, const QStringList &actions, const QVariantMap &hints, int expire_timeout)
{
    m_calls.append({app_name, replaces_id, app_icon, summary, body, actions, hints, expire_timeout});
    Q_EMIT notified();
    return m_nextId++;
}

QStringList FakeNotifications::GetCapabilities()
{
    return {QStringLiteral("body")};
}

} // namespace sluice::test
