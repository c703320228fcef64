#pragma once

#include <QDBusConnection>
#include <QDBusUnixFileDescriptor>
#include <QObject>
#include <QStringList>

#include <vector>

namespace sluice::test {

// A fake org.freedesktop.login1 on a bus of the test's choosing: Inhibit hands out the write end of a
// pipe (as logind hands out a FIFO end) and keeps the read end, so the test can tell whether the
// client still holds its lock; emitPrepareForSleep() broadcasts the signal logind sends around a suspend.
class FakeLogind : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.login1.Manager")

public:
    FakeLogind() = default;
    ~FakeLogind() override;

    // Connects to `address` and claims the service name; empty on success, else what went wrong.
    QString registerOn(const QString &address);

    void emitPrepareForSleep(bool start);

    // One entry per Inhibit call: "what|who|why|mode".
    [[nodiscard]] const QStringList &inhibitCalls() const { return m_calls; }
    // Whether the lock handed out by Inhibit call number `i` is still held by someone.
    [[nodiscard]] bool lockHeld(int i) const;

public Q_SLOTS:
    QDBusUnixFileDescriptor Inhibit(const QString &what, const QString &who, const QString &why, const QString &mode);

private:
    QString m_connectionName;
    QStringList m_calls;
    std::vector<int> m_readEnds;
};

} // namespace sluice::test
