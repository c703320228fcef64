#pragma once

#include <QDBusConnection>
#include <QObject>
#include <QPointer>

class QDBusPendingCallWatcher;

namespace sluice {

class LogindManagerProxy;

// Suspend and resume, from systemd-logind over D-Bus (org.freedesktop.login1.Manager):
// - holds a "delay" sleep inhibitor lock (Inhibit("sleep", "Sluice agent", …, "delay")), so that before
//   a suspend logind waits (up to its InhibitDelayMaxSec, 5 s by default) for the agent to stop claiming
//   work and hand back its leases;
// - PrepareForSleep(true) → aboutToSleep(); the owner does its work and calls releaseInhibitor(), which
//   lets the suspend proceed;
// - PrepareForSleep(false) → resumed(); the lock is taken again for the next suspend.
// Without logind on the bus (containers, non-systemd hosts) it logs one warning and stays inert:
// available() is false and no signal fires. The agent still re-checks at least every 60 s (WallTimer).
class SleepWatcher : public QObject
{
    Q_OBJECT

public:
    // Watches logind on the system bus.
    explicit SleepWatcher(QObject *parent = nullptr);
    // Watches logind on `bus` (tests pass a private bus with a fake logind).
    explicit SleepWatcher(QDBusConnection bus, QObject *parent = nullptr);
    ~SleepWatcher() override;

    // Subscribes to PrepareForSleep and asks for the inhibitor lock. availabilityChecked() follows
    // exactly once (always asynchronously). Calling it again does nothing.
    void start();

    // Logind answered the inhibitor request with a lock (true from availabilityChecked(true) on).
    [[nodiscard]] bool available() const { return m_available; }
    // A lock is held right now (false between releaseInhibitor() and the next resume).
    [[nodiscard]] bool holdsInhibitor() const { return m_lockFd >= 0; }

    // Lets a pending suspend proceed: closes the lock. Call it after aboutToSleep(), once leases are
    // handed back. Harmless when no lock is held.
    void releaseInhibitor();

Q_SIGNALS:
    // Once per start(): whether logind is there and the lock was granted.
    void availabilityChecked(bool available);
    // The machine is about to suspend: stop claiming, hand back leases, then releaseInhibitor().
    void aboutToSleep();
    // The machine woke up: re-plan (slots may have been missed, the clock may have jumped).
    void resumed();

private:
    void handlePrepareForSleep(bool start);
    void takeInhibitor();
    void handleInhibitReply(QDBusPendingCallWatcher *call);

    QDBusConnection m_bus;
    LogindManagerProxy *m_manager = nullptr;
    QPointer<QDBusPendingCallWatcher> m_pending;
    int m_lockFd = -1;
    bool m_started = false;
    bool m_checked = false;
    bool m_available = false;
};

} // namespace sluice
