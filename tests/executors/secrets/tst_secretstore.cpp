// SecretStore against a real gnome-keyring (Secret Service) in a private D-Bus session: run through
// tests/support/with-keyring.sh (the KEYRING option of sluice_add_test).
#include "secrets/secretstore.h"

#include <QCoro/QCoroTask>
#include <QDirIterator>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace sluice;

namespace {

template<class T>
T await(QCoro::Task<T> task)
{
    return QCoro::waitFor(std::move(task));
}

} // namespace

class TstSecretStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void setThenGet_data();
    void setThenGet();
    void overwrite();
    void notFoundIsAnAnswer();
    void removeAndCheck();
    void servicesAreSeparate();
    void invalidKeys_data();
    void invalidKeys();
    void emptyValueRefused();
    void keyBuilders();
    void storedInTheSecretServiceNotInAFile();
    void manyThreadsAtOnce();

private:
    SecretStore m_store{QStringLiteral("sluice-test")};
};

void TstSecretStore::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("SLUICE_IN_KEYRING_SESSION"))
        QFAIL("run this suite through tests/support/with-keyring.sh (ctest does); it needs the Debian packages dbus, "
              "dbus-x11 and gnome-keyring");
    if (QStandardPaths::findExecutable(QStringLiteral("secret-tool")).isEmpty())
        QFAIL("secret-tool is missing: install the Debian package libsecret-tools");
}

void TstSecretStore::setThenGet_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::newRow("ascii") << "org/acme/warehouse" << "s3cr3t-P@ssw0rd!";
    QTest::newRow("unicode") << "org/acme/git-token" << QStringLiteral("pässwörd 🔑 密码 Ωμέγα");
    QTest::newRow("multi-line") << "airbyte/localhost:8000" << "line one\nline two\r\n\n  indented\n";
    QTest::newRow("service-account json") << "org/acme-2/warehouse"
                                          << "{\"type\": \"service_account\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n\"}";
    QTest::newRow("long") << "notify/acme/slack" << QString(8192, QLatin1Char('x')) + QStringLiteral("end");
    QTest::newRow("spaces kept") << "notify/ops-teams" << "  padded value  ";
}

void TstSecretStore::setThenGet()
{
    QFETCH(QString, key);
    QFETCH(QString, value);
    const auto set = await(m_store.set(key, value));
    QVERIFY2(set.has_value(), qPrintable(set ? QString() : set.error().message));
    const auto got = await(m_store.get(key));
    QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error().message));
    QVERIFY(got->has_value());
    QCOMPARE(**got, value);
    QVERIFY(await(m_store.remove(key)).has_value());
}

void TstSecretStore::overwrite()
{
    const QString key = QStringLiteral("org/acme/warehouse");
    QVERIFY(await(m_store.set(key, QStringLiteral("first-value"))).has_value());
    QVERIFY(await(m_store.set(key, QStringLiteral("second-value"))).has_value());
    const auto got = await(m_store.get(key));
    QVERIFY(got && got->has_value());
    QCOMPARE(**got, QStringLiteral("second-value"));
    QVERIFY(await(m_store.remove(key)).has_value());
}

void TstSecretStore::notFoundIsAnAnswer()
{
    const auto got = await(m_store.get(QStringLiteral("org/never-set/warehouse")));
    QVERIFY2(got.has_value(), qPrintable(got ? QString() : got.error().message));
    QVERIFY(!got->has_value());
    const auto exists = await(m_store.check(QStringLiteral("org/never-set/warehouse")));
    QVERIFY(exists.has_value());
    QVERIFY(!*exists);
}

void TstSecretStore::removeAndCheck()
{
    const QString key = QStringLiteral("org/acme/git-token");
    QVERIFY(await(m_store.set(key, QStringLiteral("ghp_token_value"))).has_value());
    auto exists = await(m_store.check(key));
    QVERIFY(exists.has_value());
    QVERIFY(*exists);
    QVERIFY(await(m_store.remove(key)).has_value());
    exists = await(m_store.check(key));
    QVERIFY(exists.has_value());
    QVERIFY(!*exists);
    const auto got = await(m_store.get(key));
    QVERIFY(got.has_value());
    QVERIFY(!got->has_value());
    // Removing what is not there is fine.
    const auto again = await(m_store.remove(key));
    QVERIFY2(again.has_value(), qPrintable(again ? QString() : again.error().message));
}

void TstSecretStore::servicesAreSeparate()
{
    const QString key = QStringLiteral("notify/acme-slack");
    const SecretStore other(QStringLiteral("sluice-test-other"));
    QVERIFY(await(m_store.set(key, QStringLiteral("value-for-test"))).has_value());
    QVERIFY(await(other.set(key, QStringLiteral("value-for-other"))).has_value());
    QCOMPARE(await(m_store.get(key))->value(), QStringLiteral("value-for-test"));
    QCOMPARE(await(other.get(key))->value(), QStringLiteral("value-for-other"));
    QVERIFY(await(other.remove(key)).has_value());
    QCOMPARE(await(m_store.get(key))->value(), QStringLiteral("value-for-test"));
    QVERIFY(await(m_store.remove(key)).has_value());
}

void TstSecretStore::invalidKeys_data()
{
    QTest::addColumn<QString>("key");
    QTest::newRow("empty") << QStringLiteral("");
    QTest::newRow("no namespace") << QStringLiteral("warehouse");
    QTest::newRow("unknown namespace") << QStringLiteral("db/acme/warehouse");
    QTest::newRow("org without item") << QStringLiteral("org/acme");
    QTest::newRow("org, extra part") << QStringLiteral("org/acme/warehouse/x");
    QTest::newRow("uppercase slug") << QStringLiteral("org/ACME/warehouse");
    QTest::newRow("empty slug") << QStringLiteral("org//warehouse");
    QTest::newRow("space") << QStringLiteral("org/acme/ware house");
    QTest::newRow("leading space") << QStringLiteral(" org/acme/warehouse");
    QTest::newRow("trailing newline") << QStringLiteral("org/acme/warehouse\n");
    QTest::newRow("airbyte empty") << QStringLiteral("airbyte/");
    QTest::newRow("airbyte path") << QStringLiteral("airbyte/host/x");
    QTest::newRow("notify empty") << QStringLiteral("notify/");
    QTest::newRow("dot-dot") << QStringLiteral("org/../warehouse");
    QTest::newRow("looks like a value") << QStringLiteral("hunter2-Secret!");
    QTest::newRow("value with slashes") << QStringLiteral("org/acme/Tr0ub4dor&3");
}

void TstSecretStore::invalidKeys()
{
    QFETCH(QString, key);
    QVERIFY(!SecretStore::validateKey(key).has_value());
    const auto checks = {await(m_store.set(key, QStringLiteral("value-1234"))), await(m_store.remove(key))};
    for (const auto &r : checks) {
        QVERIFY(!r.has_value());
        QCOMPARE(r.error().kind, Error::Kind::Invalid);
        QVERIFY(r.error().message.contains(QStringLiteral("org/SLUG/ITEM")));
        // Never echoed (a malformed key is often a value typed in the wrong place).
        QVERIFY2(!r.error().message.contains(QStringLiteral("hunter2")) && !r.error().message.contains(QStringLiteral("Tr0ub4dor")),
                 qPrintable(r.error().message));
    }
    const auto got = await(m_store.get(key));
    QVERIFY(!got.has_value());
    QCOMPARE(got.error().kind, Error::Kind::Invalid);
}

void TstSecretStore::emptyValueRefused()
{
    const auto r = await(m_store.set(QStringLiteral("org/acme/warehouse"), QString()));
    QVERIFY(!r.has_value());
    QCOMPARE(r.error().kind, Error::Kind::Invalid);
    QVERIFY(!await(m_store.check(QStringLiteral("org/acme/warehouse"))).value());
}

void TstSecretStore::keyBuilders()
{
    QCOMPARE(SecretStore::warehouseKey(QStringLiteral("acme")), QStringLiteral("org/acme/warehouse"));
    QCOMPARE(SecretStore::gitTokenKey(QStringLiteral("acme")), QStringLiteral("org/acme/git-token"));
    QCOMPARE(SecretStore::airbyteKey(QStringLiteral("airbyte.internal:8001")), QStringLiteral("airbyte/airbyte.internal:8001"));
    QCOMPARE(SecretStore::notifyKey(QStringLiteral("acme/slack")), QStringLiteral("notify/acme/slack"));
    for (const QString &key : {SecretStore::warehouseKey(QStringLiteral("acme")), SecretStore::gitTokenKey(QStringLiteral("a-1")),
                               SecretStore::airbyteKey(QStringLiteral("localhost:8000")), SecretStore::notifyKey(QStringLiteral("acme/slack"))})
        QVERIFY2(SecretStore::validateKey(key).has_value(), qPrintable(key));
}

void TstSecretStore::storedInTheSecretServiceNotInAFile()
{
    // A canary no file may hold: written through SecretStore, read back by libsecret's own tool, and
    // searched for in every file under the (throwaway) HOME, where QtKeychain's plain-file fallback
    // would have put it.
    const QString canary = QStringLiteral("canary-7f3e9b1c-in-keychain-only");
    const QString key = QStringLiteral("org/canary/warehouse");
    QVERIFY(await(m_store.set(key, canary)).has_value());

    QProcess tool;
    tool.start(QStringLiteral("secret-tool"), {QStringLiteral("lookup"), QStringLiteral("user"), key, QStringLiteral("server"), m_store.service()});
    QVERIFY(tool.waitForFinished(30000));
    QCOMPARE(tool.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(tool.readAllStandardOutput()).trimmed(), canary);

    const QString home = QDir::homePath();
    QVERIFY2(home.startsWith(QStringLiteral("/tmp/sluice-keyring-home.")), qPrintable(home));
    int files = 0;
    QDirIterator it(home, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (!f.open(QIODevice::ReadOnly))
            continue;
        ++files;
        QVERIFY2(!f.readAll().contains(canary.toUtf8()), qPrintable(f.fileName()));
    }
    QVERIFY(files > 0); // the keyring's own (encrypted) file is there: the search looked somewhere
    QVERIFY(await(m_store.remove(key)).has_value());
}

// Threads of one process asking at once (as a desktop app's service threads do): every operation
// answers its own thread correctly, and none crashes QtKeychain, which is not made for several threads.
void TstSecretStore::manyThreadsAtOnce()
{
    constexpr int kThreads = 4;
    constexpr int kRounds = 5;
    std::atomic<int> good{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back(QThread::create([this, t, &good] {
            for (int r = 0; r < kRounds; ++r) {
                const QString key = QStringLiteral("notify/thread-%1").arg(t);
                const QString value = QStringLiteral("value %1/%2").arg(t).arg(r);
                if (!await(m_store.set(key, value)))
                    return;
                const auto got = await(m_store.get(key));
                if (!got || !got->has_value() || **got != value)
                    return;
                if (!await(m_store.remove(key)))
                    return;
                good.fetch_add(1);
            }
        }));
        threads.back()->start();
    }
    for (auto &thread : threads)
        QVERIFY(thread->wait(QDeadlineTimer(std::chrono::seconds(60))));
    QCOMPARE(good.load(), kThreads * kRounds);
}

QTEST_GUILESS_MAIN(TstSecretStore)
#include "tst_secretstore.moc"
