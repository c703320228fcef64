#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

namespace sluice::test {

// A desktop notification service (org.freedesktop.Notifications at /org/freedesktop/Notifications)
// for a private session bus: records every Notify call. It talks to the bus over a connection of its
// own, so a client in the same process goes through the bus daemon like any other client.
class FakeNotifications : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Call
    {
        QString appName;
        uint replacesId = 0;
        QString icon;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        int expireTimeout = 0;
    };

    explicit FakeNotifications(QObject *parent = nullptr);
    ~FakeNotifications() override;

    // Owns the service name on the session bus. Returns an error text, empty on success.
    QString start();
    // Gives the name up again (later calls get ServiceUnknown).
    void stop();

    [[nodiscard]] const QList<Call> &calls() const { return m_calls; }

public Q_SLOTS:
    uint Notify(const QString &app_name, uint replaces_id, const QString &app_icon, const QString &summary,
                const QString &body, const QStringList &actions, const QVariantMap &hints, int expire_timeout);
    QStringList GetCapabilities();

Q_SIGNALS:
    void notified();

private:
    QString m_connection;
    QList<Call> m_calls;
    uint m_nextId = 1;
};

} // namespace sluice::test
