// `sluicectl secrets set | check | delete`, run as the real binary: the value goes in on stdin and
// never shows in argv, stdout or stderr; with no keychain the command fails clearly and writes nothing.
// Runs through tests/support/with-keyring.sh (the KEYRING option of sluice_add_test).
#include "privatebus.h"
#include "secrets/secretstore.h"

#include <QCoro/QCoroTask>
#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QDeadlineTimer>

using namespace sluice;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
    QByteArray cmdline; // the child's /proc/PID/cmdline, read while it waited for stdin
};

Run runCtl(const QStringList &args, const QByteArray &input, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    Run run;
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(SLUICECTL_PATH), args);
    if (!p.waitForStarted(10000))
        return run;
    // The child cannot finish before it reads stdin to its end. waitForStarted() may return while the
    // kernel is still inside exec (a vfork parent resumes once the old memory is released, before the
    // new argv is in place), when cmdline reads empty: read until it is there.
    const QString cmdlinePath = QStringLiteral("/proc/%1/cmdline").arg(p.processId());
    for (QDeadlineTimer deadline(5000); run.cmdline.isEmpty() && !deadline.hasExpired(); QThread::msleep(2)) {
        QFile cmdline(cmdlinePath);
        if (cmdline.open(QIODevice::ReadOnly))
            run.cmdline = cmdline.readAll();
    }
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) {
        p.kill();
        p.waitForFinished();
        return run;
    }
    run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    run.out = QString::fromUtf8(p.readAllStandardOutput());
    run.err = QString::fromUtf8(p.readAllStandardError());
    return run;
}

QStringList filesUnder(const QString &dir)
{
    QStringList found;
    QDirIterator it(dir, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext())
        found << it.next();
    return found;
}

} // namespace

class TstSecretsCli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void setCheckDelete();
    void valueFromStdin_data();
    void valueFromStdin();
    void refusals_data();
    void refusals();
    void noKeychain_data();
    void noKeychain();
    void busWithoutSecretService();

private:
    void verifyNoKeychainRun(const QProcessEnvironment &env, const QString &home, const QString &expectedDetail);
};

void TstSecretsCli::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("SLUICE_IN_KEYRING_SESSION"))
        QFAIL("run this suite through tests/support/with-keyring.sh (ctest does); it needs the Debian packages dbus, "
              "dbus-x11 and gnome-keyring");
    QVERIFY2(QFileInfo(QStringLiteral(SLUICECTL_PATH)).isExecutable(), SLUICECTL_PATH);
}

void TstSecretsCli::setCheckDelete()
{
    const QString key = QStringLiteral("org/cli/warehouse");
    const QByteArray value = "cli-canary-4c1d-P@ss w0rd";
    const QStringList setArgs{QStringLiteral("secrets"), QStringLiteral("set"), key};

    const Run set = runCtl(setArgs, value + '\n');
    QCOMPARE(set.exitCode, 0);
    QVERIFY2(set.out.contains(QStringLiteral("Stored")), qPrintable(set.out));
    // The argv the child really had is exactly what was passed: the value was never in it.
    QByteArray expectedArgv = QByteArray(SLUICECTL_PATH) + '\0';
    for (const QString &a : setArgs)
        expectedArgv += a.toUtf8() + '\0';
    QCOMPARE(set.cmdline, expectedArgv);
    QVERIFY(!set.cmdline.contains(value));

    // Stored without the newline, under the service `sluice`, where the library finds it.
    const auto stored = QCoro::waitFor(SecretStore().get(key));
    QVERIFY(stored.has_value());
    QCOMPARE(stored->value_or(QString()), QString::fromUtf8(value));

    Run check = runCtl({QStringLiteral("secrets"), QStringLiteral("check"), key}, {});
    QCOMPARE(check.exitCode, 0);
    QCOMPARE(check.out.trimmed(), key + QStringLiteral(" is set."));

    check = runCtl({QStringLiteral("--json"), QStringLiteral("secrets"), QStringLiteral("check"), key}, {});
    QCOMPARE(check.exitCode, 0);
    QJsonObject json = QJsonDocument::fromJson(check.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("key")).toString(), key);
    QCOMPARE(json.value(QStringLiteral("set")).toBool(false), true);

    const Run del = runCtl({QStringLiteral("secrets"), QStringLiteral("delete"), key}, {});
    QCOMPARE(del.exitCode, 0);
    QVERIFY2(del.out.contains(QStringLiteral("Deleted")), qPrintable(del.out));

    // Not set: exit 1 (scripts test it, as with `secret-tool lookup`), the answer on stdout, nothing on stderr.
    check = runCtl({QStringLiteral("secrets"), QStringLiteral("check"), key, QStringLiteral("--json")}, {});
    QCOMPARE(check.exitCode, 1);
    json = QJsonDocument::fromJson(check.out.toUtf8()).object();
    QCOMPARE(json.value(QStringLiteral("set")).toBool(true), false);
    QCOMPARE(check.err, QString());
    check = runCtl({QStringLiteral("secrets"), QStringLiteral("check"), key}, {});
    QCOMPARE(check.exitCode, 1);
    QCOMPARE(check.out.trimmed(), key + QStringLiteral(" is not set."));

    const Run again = runCtl({QStringLiteral("secrets"), QStringLiteral("delete"), key}, {});
    QCOMPARE(again.exitCode, 0);
    QVERIFY2(again.out.contains(QStringLiteral("was not set")), qPrintable(again.out));

    for (const Run &r : {set, check, del, again}) {
        QVERIFY(!r.out.contains(QString::fromUtf8(value)));
        QVERIFY(!r.err.contains(QString::fromUtf8(value)));
        QVERIFY(!r.out.contains(QStringLiteral("canary")) && !r.err.contains(QStringLiteral("canary")));
    }
}

void TstSecretsCli::valueFromStdin_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("stored");
    QTest::newRow("no newline") << QByteArray("plain-value") << "plain-value";
    QTest::newRow("one newline stripped") << QByteArray("plain-value\n") << "plain-value";
    QTest::newRow("crlf stripped") << QByteArray("plain-value\r\n") << "plain-value";
    QTest::newRow("only one newline stripped") << QByteArray("line1\nline2\n\n") << "line1\nline2\n";
    QTest::newRow("unicode") << QStringLiteral("pässwörd 🔑 密码\n").toUtf8() << QStringLiteral("pässwörd 🔑 密码");
    QTest::newRow("spaces kept") << QByteArray("  spaced  \n") << "  spaced  ";
}

void TstSecretsCli::valueFromStdin()
{
    QFETCH(QByteArray, input);
    QFETCH(QString, stored);
    const QString key = QStringLiteral("notify/cli-stdin");
    const Run set = runCtl({QStringLiteral("secrets"), QStringLiteral("set"), key}, input);
    QCOMPARE(set.exitCode, 0);
    QVERIFY(!set.out.contains(stored) && !set.err.contains(stored));
    const auto got = QCoro::waitFor(SecretStore().get(key));
    QVERIFY(got.has_value());
    QCOMPARE(got->value_or(QString()), stored);
    QVERIFY(QCoro::waitFor(SecretStore().remove(key)).has_value());
}

void TstSecretsCli::refusals_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QString>("message");
    const QString key = QStringLiteral("org/cli/warehouse");
    QTest::newRow("empty stdin") << QStringList{"secrets", "set", key} << QByteArray() << "no secret was given";
    QTest::newRow("only a newline") << QStringList{"secrets", "set", key} << QByteArray("\n") << "no secret was given";
    QTest::newRow("value in argv") << QStringList{"secrets", "set", key, "hunter2-in-argv"} << QByteArray("x-value") << "never from the command line";
    QTest::newRow("bad key") << QStringList{"secrets", "set", "hunter2-as-key"} << QByteArray("x-value") << "not a valid secret key";
    QTest::newRow("bad key, check") << QStringList{"secrets", "check", "org/Bad/x"} << QByteArray() << "not a valid secret key";
    QTest::newRow("no key") << QStringList{"secrets", "delete"} << QByteArray() << "usage: sluicectl secrets delete KEY";
    QTest::newRow("unknown verb") << QStringList{"secrets", "hunter2-verb"} << QByteArray() << "unknown secrets command";
    QTest::newRow("unknown option") << QStringList{"secrets", "set", key, "--value=hunter2-opt"} << QByteArray("x-value") << "has no option --value";
}

void TstSecretsCli::refusals()
{
    QFETCH(QStringList, args);
    QFETCH(QByteArray, input);
    QFETCH(QString, message);
    const Run r = runCtl(args, input);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
    QVERIFY2(!r.err.contains(QStringLiteral("hunter2")) && !r.out.contains(QStringLiteral("hunter2")), qPrintable(r.err));
    // Nothing was stored by a refused command.
    const auto after = QCoro::waitFor(SecretStore().check(QStringLiteral("org/cli/warehouse")));
    QVERIFY(after.has_value());
    QVERIFY(!*after);
}

void TstSecretsCli::noKeychain_data()
{
    QTest::addColumn<QString>("busAddress");   // empty: unset
    QTest::addColumn<QString>("detail");
    QTest::newRow("no session bus") << QString() << "no D-Bus session bus";
    QTest::newRow("dead socket") << "unix:path=%1/dead-bus-socket" << "no D-Bus session bus";
}

void TstSecretsCli::noKeychain()
{
    QFETCH(QString, busAddress);
    QFETCH(QString, detail);
    QTemporaryDir home;
    QTemporaryDir runtime;
    QVERIFY(home.isValid() && runtime.isValid());
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (busAddress.isEmpty())
        env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));
    else
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), busAddress.arg(runtime.path()));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime.path());
    verifyNoKeychainRun(env, home.path(), detail);
    QVERIFY2(filesUnder(runtime.path()).isEmpty(), qPrintable(filesUnder(runtime.path()).join(QLatin1Char(' '))));
}

void TstSecretsCli::busWithoutSecretService()
{
    // A session bus of our own on which nothing provides (or can be activated to provide) a keychain.
    test::PrivateBus bus;
    const QString problem = bus.start();
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QTemporaryDir home;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), bus.address());
    verifyNoKeychainRun(env, home.path(), QStringLiteral("nothing on the D-Bus session bus provides the Secret Service"));
}

// Every verb fails with exit code 2 and the message that names the problem and the fix, echoes no
// value, and leaves HOME exactly as empty as it was (no plain-file fallback, no config, no cache).
void TstSecretsCli::verifyNoKeychainRun(const QProcessEnvironment &base, const QString &home, const QString &expectedDetail)
{
    QProcessEnvironment env = base;
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME",
                             "GNOME_KEYRING_CONTROL", "SLUICE_DB"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("HOME"), home);
    const QString key = QStringLiteral("org/nokeychain/warehouse");
    const QByteArray value = "nokeychain-canary-value";
    for (const QString &verb : {QStringLiteral("set"), QStringLiteral("check"), QStringLiteral("delete")}) {
        const Run r = runCtl({QStringLiteral("secrets"), verb, key}, verb == QLatin1String("set") ? value + '\n' : QByteArray(), env);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QStringLiteral("no system keychain is reachable (Secret Service over D-Bus)")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("start gnome-keyring or KWallet, or run inside a desktop session")), qPrintable(r.err));
        QVERIFY2(r.err.contains(expectedDetail), qPrintable(r.err));
        QVERIFY(!r.err.contains(QString::fromUtf8(value)) && !r.out.contains(QString::fromUtf8(value)));
        QVERIFY2(filesUnder(home).isEmpty(), qPrintable(filesUnder(home).join(QLatin1Char(' '))));
    }
    // The keychain the other tests use never saw the attempt either.
    const auto check = QCoro::waitFor(SecretStore().check(key));
    QVERIFY(check.has_value());
    QVERIFY(!*check);
}

QTEST_GUILESS_MAIN(TstSecretsCli)
#include "tst_secretscli.moc"
