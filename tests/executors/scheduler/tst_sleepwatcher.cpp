// SleepWatcher against a fake logind on a private D-Bus bus: the delay lock is asked for with the right
// arguments and held, PrepareForSleep(true/false) become aboutToSleep()/resumed(), releaseInhibitor()
// closes the lock (the fake sees its pipe's write end gone), the lock is taken again after resume and
// closed on destruction; without logind (or without a bus) the watcher says so once and stays inert.
#include "scheduler/sleepwatcher.h"

#include "fakelogind.h"
#include "privatebus.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QSignalSpy>
#include <QTest>

#include <memory>

using namespace sluice;

namespace {

// Pings the fake logind from `bus` and waits for the answer: messages from one connection arrive in
// order, so whatever `bus` sent to it before has been handled.
void roundTrip(const QDBusConnection &bus)
{
    QDBusPendingCallWatcher ping(bus.asyncCall(QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.login1"), QStringLiteral("/org/freedesktop/login1"),
        QStringLiteral("org.freedesktop.DBus.Peer"), QStringLiteral("Ping"))));
    QTRY_VERIFY(ping.isFinished());
    QVERIFY2(!ping.isError(), qPrintable(ping.error().message()));
}

} // namespace

class TstSleepWatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void holdsLockAndRelaysSleep();
    void lockClosedOnDestruction();
    void withoutLogind();
    void withoutBus();

private:
    QDBusConnection connectClient();

    std::unique_ptr<test::PrivateBus> m_bus;
    QString m_clientName;
};

void TstSleepWatcher::init()
{
    m_bus = std::make_unique<test::PrivateBus>();
    const QString error = m_bus->start();
    QVERIFY2(error.isEmpty(), qPrintable(error));
    m_clientName = QStringLiteral("sleepwatcher-client-%1").arg(QTest::currentTestFunction());
}

void TstSleepWatcher::cleanup()
{
    QDBusConnection::disconnectFromBus(m_clientName);
    m_bus.reset();
}

QDBusConnection TstSleepWatcher::connectClient()
{
    return QDBusConnection::connectToBus(m_bus->address(), m_clientName);
}

void TstSleepWatcher::holdsLockAndRelaysSleep()
{
    test::FakeLogind logind;
    const QString error = logind.registerOn(m_bus->address());
    QVERIFY2(error.isEmpty(), qPrintable(error));

    SleepWatcher watcher(connectClient());
    QSignalSpy checked(&watcher, &SleepWatcher::availabilityChecked);
    QSignalSpy sleeping(&watcher, &SleepWatcher::aboutToSleep);
    QSignalSpy resumed(&watcher, &SleepWatcher::resumed);
    watcher.start();
    QTRY_COMPARE(checked.count(), 1);
    QCOMPARE(checked.first().first().toBool(), true);
    QVERIFY(watcher.available());
    QVERIFY(watcher.holdsInhibitor());
    QCOMPARE(logind.inhibitCalls(), QStringList{QStringLiteral("sleep|Sluice agent|hand back leases before suspend|delay")});
    QVERIFY(logind.lockHeld(0));

    logind.emitPrepareForSleep(true);
    QTRY_COMPARE(sleeping.count(), 1);
    QCOMPARE(resumed.count(), 0);
    QVERIFY2(logind.lockHeld(0), "the lock must stay held until the agent is ready");
    watcher.releaseInhibitor();
    QVERIFY(!watcher.holdsInhibitor());
    QTRY_VERIFY2(!logind.lockHeld(0), "the fake still sees the lock held after releaseInhibitor()");
    watcher.releaseInhibitor();   // harmless twice

    logind.emitPrepareForSleep(false);
    QTRY_COMPARE(resumed.count(), 1);
    QCOMPARE(sleeping.count(), 1);
    QTRY_COMPARE(logind.inhibitCalls().size(), 2);   // taken again for the next suspend
    QTRY_VERIFY(watcher.holdsInhibitor());
    QVERIFY(logind.lockHeld(1));
    QCOMPARE(checked.count(), 1);   // availability is reported once per start()
    watcher.start();                // a second start() does nothing: no third Inhibit reaches the fake
    roundTrip(QDBusConnection(m_clientName));
    QCOMPARE(logind.inhibitCalls().size(), 2);
}

void TstSleepWatcher::lockClosedOnDestruction()
{
    test::FakeLogind logind;
    const QString error = logind.registerOn(m_bus->address());
    QVERIFY2(error.isEmpty(), qPrintable(error));
    auto watcher = std::make_unique<SleepWatcher>(connectClient());
    QSignalSpy checked(watcher.get(), &SleepWatcher::availabilityChecked);
    watcher->start();
    QTRY_COMPARE(checked.count(), 1);
    QTRY_VERIFY(logind.lockHeld(0));
    watcher.reset();
    QTRY_VERIFY(!logind.lockHeld(0));
}

void TstSleepWatcher::withoutLogind()
{
    SleepWatcher watcher(connectClient());
    QSignalSpy checked(&watcher, &SleepWatcher::availabilityChecked);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^logind is not available on D-Bus \\(org\\.freedesktop\\.login1: .+\\): suspend will not be announced")));
    watcher.start();
    QTRY_COMPARE(checked.count(), 1);
    QCOMPARE(checked.first().first().toBool(), false);
    QVERIFY(!watcher.available());
    QVERIFY(!watcher.holdsInhibitor());
}

void TstSleepWatcher::withoutBus()
{
    SleepWatcher watcher(QDBusConnection(QStringLiteral("no-such-connection")));
    QSignalSpy checked(&watcher, &SleepWatcher::availabilityChecked);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^no D-Bus system bus .*: suspend and resume are not watched")));
    watcher.start();
    QCOMPARE(checked.count(), 0);   // asynchronously
    QTRY_COMPARE(checked.count(), 1);
    QCOMPARE(checked.first().first().toBool(), false);
    QVERIFY(!watcher.available());
}

QTEST_GUILESS_MAIN(TstSleepWatcher)
#include "tst_sleepwatcher.moc"
