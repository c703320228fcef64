// SecretStore against a keychain that misbehaves: a fake Secret Service on a private bus that never
// answers (a locked keychain waiting at a password prompt looks like this) or answers every call
// with an error. The store runs in a child process (this binary, re-executed) whose session bus is
// the private one, while this process serves the fake.
#include "privatebus.h"
#include "secrets/secretstore.h"

#include <QCoreApplication>
#include <QCoro/QCoroTask>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVirtualObject>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

namespace {

const char *kChildVariable = "TST_SECRETSTOREFAULTS_CHILD";

// Answers whatever libsecret asks on any path with nothing (Silent) or with an error (Failing).
class FakeSecretService : public QDBusVirtualObject
{
public:
    enum class Mode { Silent, Failing };
    explicit FakeSecretService(Mode mode) : m_mode(mode) {}

    QString introspect(const QString &) const override { return {}; }
    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override
    {
        ++m_calls;
        if (m_mode == Mode::Failing)
            connection.send(message.createErrorReply(QStringLiteral("org.example.Fake.Error.Broken"), QStringLiteral("the fake keychain is broken")));
        return true; // Silent: taken, never answered
    }
    [[nodiscard]] int calls() const { return m_calls; }

private:
    Mode m_mode;
    int m_calls = 0;
};

// The child: one get() with the timeout from the environment; prints the outcome.
int childMain(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    SecretStore store(QStringLiteral("sluice-faults"));
    store.setTimeout(std::chrono::milliseconds(qEnvironmentVariableIntValue("TST_TIMEOUT_MS")));
    const auto result = QCoro::waitFor(store.get(QStringLiteral("org/acme/warehouse")));
    QTextStream out(stdout);
    if (result) {
        out << "ok";
        return 0;
    }
    out << (SecretStore::isUnavailable(result.error()) ? "unavailable: " : "error: ") << result.error().message;
    return 3;
}

} // namespace

class TstSecretStoreFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void misbehavingKeychain_data();
    void misbehavingKeychain();

private:
    struct ChildRun
    {
        int exitCode = -1;
        QString output;
        qint64 elapsedMs = 0;
    };
    ChildRun runChild(const QString &busAddress, int timeoutMs);
};

TstSecretStoreFaults::ChildRun TstSecretStoreFaults::runChild(const QString &busAddress, int timeoutMs)
{
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QString::fromLatin1(kChildVariable), QStringLiteral("1"));
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), busAddress);
    env.insert(QStringLiteral("TST_TIMEOUT_MS"), QString::number(timeoutMs));
    env.insert(QStringLiteral("HOME"), home.path());
    env.remove(QStringLiteral("DISPLAY"));
    QProcess child;
    child.setProcessEnvironment(env);
    QSignalSpy finished(&child, &QProcess::finished);
    QElapsedTimer clock;
    clock.start();
    child.start(QCoreApplication::applicationFilePath(), {});
    // This process serves the fake while the child runs: wait on the event loop, not in waitFor*.
    [&] { QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 30000); }();
    ChildRun run;
    run.elapsedMs = clock.elapsed();
    if (finished.isEmpty()) {
        child.kill();
        child.waitForFinished();
        return run;
    }
    run.exitCode = child.exitStatus() == QProcess::NormalExit ? child.exitCode() : -2;
    run.output = QString::fromUtf8(child.readAllStandardOutput()) + QString::fromUtf8(child.readAllStandardError());
    return run;
}

void TstSecretStoreFaults::misbehavingKeychain_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("expected");
    QTest::newRow("never answers") << int(FakeSecretService::Mode::Silent)
                                   << "error: the keychain did not answer within 2 s while trying to read org/acme/warehouse";
    QTest::newRow("answers with errors") << int(FakeSecretService::Mode::Failing) << "error: the keychain could not read org/acme/warehouse";
}

void TstSecretStoreFaults::misbehavingKeychain()
{
    QFETCH(int, mode);
    QFETCH(QString, expected);
    test::PrivateBus bus;
    const QString problem = bus.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QDBusConnection connection = QDBusConnection::connectToBus(bus.address(), QStringLiteral("fake-secret-service"));
    QVERIFY2(connection.isConnected(), qPrintable(connection.lastError().message()));
    FakeSecretService fake{FakeSecretService::Mode(mode)};
    QVERIFY(connection.registerVirtualObject(QStringLiteral("/"), &fake, QDBusConnection::SubPath));
    QVERIFY(connection.registerService(QStringLiteral("org.freedesktop.secrets")));

    const ChildRun run = runChild(bus.address(), 2000);
    qInfo("child: %s", qPrintable(run.output));
    QCOMPARE(run.exitCode, 3);
    QVERIFY2(run.output.startsWith(expected), qPrintable(run.output));
    QVERIFY(fake.calls() > 0);                  // the store really got as far as the keychain
    QVERIFY2(run.elapsedMs < 15000, qPrintable(QString::number(run.elapsedMs))); // bounded by the timeout

    connection.unregisterService(QStringLiteral("org.freedesktop.secrets"));
    connection.unregisterObject(QStringLiteral("/"), QDBusConnection::UnregisterTree);
    QDBusConnection::disconnectFromBus(QStringLiteral("fake-secret-service"));
}

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsSet(kChildVariable))
        return childMain(argc, argv);
    QCoreApplication app(argc, argv);
    TstSecretStoreFaults suite;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&suite, argc, argv);
}

#include "tst_secretstorefaults.moc"
