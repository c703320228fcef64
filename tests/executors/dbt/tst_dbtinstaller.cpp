// DbtInstaller against a real python3, real virtualenvs and a real pip, installing fake dbt wheels
// built at test time (tests/support/wheels) — no network. Needs the Debian packages python3 and
// python3-venv.

#include "dbt/dbtinstaller.h"
#include "wheels/fakedbtwheels.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace std::chrono_literals;

namespace {

constexpr int kInstallTimeoutMs = 180000; // venv + pip on a busy 2-core machine

// Every process whose command line mentions `needle` (a test's unique temp dir).
QList<qint64> processesMentioning(const QString &needle)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (!ok)
            continue;
        QFile f(QStringLiteral("/proc/%1/cmdline").arg(entry));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        QByteArray cmd = f.readAll();
        cmd.replace('\0', ' ');
        if (cmd.contains(needle.toUtf8()))
            pids << pid;
    }
    return pids;
}

} // namespace

class TestDbtInstaller : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parseDbtVersion();
    void refusesInvalidSpec_data();
    void refusesInvalidSpec();
    void cancelBeforeStart();
    void missingPython_data();
    void missingPython();
    void pythonWithoutEnsurepip();
    void installsFromLocalWheels();
    void reinstallReusesVenv();
    void missingVersionSurfacesPipError();
    void cancelDuringInstall();
    void timesOut();

private:
    // A spec isolated from this machine's pip configuration, installing from m_wheels only.
    DbtInstallSpec localSpec(const QString &venvDir, const QString &version = QStringLiteral("1.8.2")) const;
    QTemporaryDir m_tmp;
    QString m_wheels;
    // Creating a virtualenv costs 5-20 s, so the install tests share one. Each still works alone
    // (the first to run creates it); installsFromLocalWheels runs first and checks the creation.
    QString m_venv;
};

void TestDbtInstaller::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    QProcess probe;
    probe.start(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import venv, ensurepip")});
    QVERIFY2(probe.waitForStarted(10000), "python3 is missing: install the Debian packages python3 and python3-venv");
    QVERIFY(probe.waitForFinished(30000));
    QVERIFY2(probe.exitCode() == 0, "python3 has no venv/ensurepip: install the Debian package python3-venv");

    m_wheels = m_tmp.filePath(QStringLiteral("wheels"));
    m_venv = m_tmp.filePath(QStringLiteral("venv"));
    testsupport::FakeDbtWheels what;
    what.adapters << QStringLiteral("duckdb=1.8.1");
    auto wheels = testsupport::buildFakeDbtWheels(m_wheels, what);
    QVERIFY2(wheels.has_value(), qPrintable(wheels.error()));
    QCOMPARE(wheels->size(), 3);
    QVERIFY(QFileInfo::exists(m_wheels + QStringLiteral("/dbt_postgres-1.8.2-py3-none-any.whl")));
    QVERIFY(QFileInfo::exists(m_wheels + QStringLiteral("/dbt_core-1.8.9-py3-none-any.whl")));
}

DbtInstallSpec TestDbtInstaller::localSpec(const QString &venvDir, const QString &version) const
{
    DbtInstallSpec spec;
    spec.venvDir = venvDir;
    spec.adapter = QStringLiteral("postgres");
    spec.dbtVersion = version;
    spec.noIndex = true;
    spec.findLinks = m_wheels;
    // The CI's and this machine's pip configuration must not change what is found.
    spec.environment.insert(QStringLiteral("PIP_CONFIG_FILE"), QStringLiteral("/dev/null"));
    spec.unsetEnvironment = {QStringLiteral("PIP_FIND_LINKS"), QStringLiteral("PIP_INDEX_URL"),
                             QStringLiteral("PIP_EXTRA_INDEX_URL"), QStringLiteral("PIP_NO_INDEX"),
                             QStringLiteral("http_proxy"), QStringLiteral("https_proxy"),
                             QStringLiteral("HTTP_PROXY"), QStringLiteral("HTTPS_PROXY"),
                             QStringLiteral("all_proxy"), QStringLiteral("ALL_PROXY")};
    spec.killGrace = 2000ms;
    return spec;
}

void TestDbtInstaller::parseDbtVersion()
{
    // `dbt --version` of dbt 1.8 (real output).
    const QStringList real{QStringLiteral("Core:"), QStringLiteral("  - installed: 1.8.9"),
                           QStringLiteral("  - latest:    1.9.1 - Update available!"), QString(),
                           QStringLiteral("Plugins:"), QStringLiteral("  - postgres: 1.8.2 - Update available!")};
    QCOMPARE(DbtInstaller::parseDbtVersion(real), QStringLiteral("1.8.9"));
    QCOMPARE(DbtInstaller::parseDbtVersion({QStringLiteral("dbt: command not found")}), QString());
    DbtInstallSpec spec;
    spec.adapter = QStringLiteral("duckdb");
    spec.dbtVersion = QStringLiteral("1.8.1");
    QCOMPARE(DbtInstaller::requirement(spec), QStringLiteral("dbt-duckdb==1.8.1"));
    QCOMPARE(DbtInstaller::venvDbt(QStringLiteral("/srv/ws/venv")), QStringLiteral("/srv/ws/venv/bin/dbt"));
}

void TestDbtInstaller::refusesInvalidSpec_data()
{
    QTest::addColumn<QString>("adapter");
    QTest::addColumn<QString>("version");
    QTest::addColumn<bool>("withVenvDir");
    QTest::addColumn<QString>("expected");
    QTest::newRow("unknown adapter") << "mysql" << "1.8.2" << true << "unknown dbt adapter 'mysql'";
    QTest::newRow("empty adapter") << "" << "1.8.2" << true << "unknown dbt adapter ''";
    QTest::newRow("version smuggles an option") << "postgres" << "1.8.2 --index-url=http://evil" << true << "invalid dbt version";
    QTest::newRow("version smuggles a requirement") << "postgres" << "1.8.2,<2" << true << "invalid dbt version";
    QTest::newRow("no version") << "postgres" << "" << true << "invalid dbt version";
    QTest::newRow("no venv dir") << "postgres" << "1.8.2" << false << "no virtualenv directory";
}

void TestDbtInstaller::refusesInvalidSpec()
{
    QFETCH(QString, adapter);
    QFETCH(QString, version);
    QFETCH(bool, withVenvDir);
    QFETCH(QString, expected);

    const QString venv = m_tmp.filePath(QStringLiteral("refused-venv"));
    DbtInstallSpec spec = localSpec(withVenvDir ? venv : QString(), version);
    spec.adapter = adapter;
    QVERIFY(!DbtInstaller::validate(spec).has_value());

    DbtInstaller installer(spec);
    QSignalSpy steps(&installer, &DbtInstaller::stepStarted);
    QSignalSpy lines(&installer, &DbtInstaller::logLine);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QCOMPARE(finished.count(), 0); // never from inside start()
    QTRY_COMPARE(finished.count(), 1);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::FailedToStart));
    QVERIFY2(result.errorText.contains(expected), qPrintable(result.errorText));
    QCOMPARE(steps.count(), 0); // nothing ran
    QCOMPARE(lines.count(), 0);
    QVERIFY(!QFileInfo::exists(venv));
}

void TestDbtInstaller::cancelBeforeStart()
{
    DbtInstaller installer(localSpec(m_tmp.filePath(QStringLiteral("never-venv"))));
    QSignalSpy steps(&installer, &DbtInstaller::stepStarted);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.cancel();
    installer.start();
    QTRY_COMPARE(finished.count(), 1);
    QCOMPARE(toString(finished.first().first().value<DbtInstallResult>().outcome), toString(Outcome::Canceled));
    QCOMPARE(steps.count(), 0);
    QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("never-venv"))));
}

void TestDbtInstaller::missingPython_data()
{
    QTest::addColumn<QString>("python");
    QTest::newRow("absolute path") << "/nonexistent/bin/python3";
    QTest::newRow("not on PATH") << "sluice-no-such-python3";
}

void TestDbtInstaller::missingPython()
{
    QFETCH(QString, python);
    DbtInstallSpec spec = localSpec(m_tmp.filePath(QStringLiteral("nopython-venv")));
    spec.python = python;
    DbtInstaller installer(spec);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::FailedToStart));
    QCOMPARE(toString(result.step), toString(DbtInstallStep::CheckingPython));
    QVERIFY2(result.errorText.contains(QStringLiteral("Python not found")), qPrintable(result.errorText));
    QVERIFY2(result.errorText.contains(python), qPrintable(result.errorText));
    QVERIFY2(result.errorText.contains(QStringLiteral("python3-venv")), qPrintable(result.errorText));
    QVERIFY(!QFileInfo::exists(spec.venvDir));
}

// A python3 whose ensurepip is gone, as on Debian without python3-venv: a module earlier on
// PYTHONPATH shadows the standard library's.
void TestDbtInstaller::pythonWithoutEnsurepip()
{
    const QString shadow = m_tmp.filePath(QStringLiteral("no-ensurepip"));
    QVERIFY(QDir().mkpath(shadow));
    QFile module(shadow + QStringLiteral("/ensurepip.py"));
    QVERIFY(module.open(QIODevice::WriteOnly));
    module.write("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n");
    module.close();

    DbtInstallSpec spec = localSpec(m_tmp.filePath(QStringLiteral("noensurepip-venv")));
    spec.environment.insert(QStringLiteral("PYTHONPATH"), shadow);
    DbtInstaller installer(spec);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::FailedToStart));
    QCOMPARE(toString(result.step), toString(DbtInstallStep::CheckingPython));
    QVERIFY2(result.errorText.contains(QStringLiteral("install the Debian package python3-venv")), qPrintable(result.errorText));
    QVERIFY2(result.errorText.contains(QStringLiteral("ensurepip")), qPrintable(result.errorText));
    QVERIFY(!QFileInfo::exists(spec.venvDir));
}

void TestDbtInstaller::installsFromLocalWheels()
{
    const QString venv = m_venv;
    QVERIFY(!DbtInstaller::isUsableVenv(venv));
    DbtInstaller installer(localSpec(venv));
    QSignalSpy steps(&installer, &DbtInstaller::stepStarted);
    QSignalSpy progress(&installer, &DbtInstaller::progressChanged);
    QSignalSpy lines(&installer, &DbtInstaller::logLine);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QVERIFY(installer.isRunning());
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kInstallTimeoutMs);

    const auto result = finished.first().first().value<DbtInstallResult>();
    QVERIFY2(result.outcome == Outcome::Success, qPrintable(result.errorText));
    QCOMPARE(toString(result.step), toString(DbtInstallStep::Done));
    QCOMPARE(result.dbtExecutable, QDir(venv).filePath(QStringLiteral("bin/dbt")));
    QCOMPARE(result.dbtVersion, QStringLiteral("1.8.9"));
    QVERIFY(result.errorText.isEmpty());
    QVERIFY(!installer.isRunning());

    // Steps, in order.
    QStringList stepOrder;
    for (const auto &s : steps) {
        QCOMPARE(s.at(1).toString(), toString(s.at(0).value<DbtInstallStep>()));
        stepOrder << s.at(1).toString();
    }
    const QStringList expectedSteps{toString(DbtInstallStep::CheckingPython), toString(DbtInstallStep::CreatingVenv),
                                    toString(DbtInstallStep::Installing), toString(DbtInstallStep::Verifying),
                                    toString(DbtInstallStep::Done)};
    QCOMPARE(stepOrder, expectedSteps);

    // Progress never goes down, ends at 100, and pip's phases appear in pip's order.
    int last = -1;
    QStringList details;
    for (const auto &p : progress) {
        const auto pr = p.first().value<DbtInstallProgress>();
        QVERIFY2(pr.percent >= last, qPrintable(QStringLiteral("%1 after %2 (%3)").arg(pr.percent).arg(last).arg(pr.detail)));
        last = pr.percent;
        details << pr.detail;
    }
    QCOMPARE(last, 100);
    const auto firstIndexOf = [&](QLatin1StringView prefix) {
        for (qsizetype i = 0; i < details.size(); ++i)
            if (details.at(i).startsWith(prefix))
                return i;
        return qsizetype(-1);
    };
    const qsizetype resolving = firstIndexOf(QLatin1StringView("Processing "));
    const qsizetype installing = firstIndexOf(QLatin1StringView("Installing collected packages"));
    const qsizetype installed = firstIndexOf(QLatin1StringView("Successfully installed"));
    QVERIFY2(resolving >= 0 && installing > resolving && installed > installing, qPrintable(details.join(QLatin1Char('\n'))));
    QCOMPARE(details.at(installed), QStringLiteral("Successfully installed dbt-core-1.8.9 dbt-postgres-1.8.2"));

    // Every output line was forwarded, including dbt --version's.
    QStringList texts;
    for (const auto &l : lines)
        texts << l.first().value<OutputLine>().text;
    QVERIFY2(texts.contains(QStringLiteral("Successfully installed dbt-core-1.8.9 dbt-postgres-1.8.2")), qPrintable(texts.join(QLatin1Char('\n'))));
    QVERIFY(texts.contains(QStringLiteral("  - installed: 1.8.9")));

    // The executable works on its own.
    QProcess dbt;
    dbt.start(result.dbtExecutable, {QStringLiteral("--version")});
    QVERIFY(dbt.waitForFinished(30000));
    QCOMPARE(dbt.exitCode(), 0);
    const QString out = QString::fromUtf8(dbt.readAllStandardOutput());
    QVERIFY2(out.startsWith(QStringLiteral("Core:\n  - installed: 1.8.9\n")), qPrintable(out));

    // Exactly one finished, even after the event loop has run on.
    QTest::qWait(200);
    QCOMPARE(finished.count(), 1);
}

void TestDbtInstaller::reinstallReusesVenv()
{
    DbtInstallSpec spec = localSpec(m_venv, QStringLiteral("1.8.1"));
    spec.adapter = QStringLiteral("duckdb");
    DbtInstaller installer(spec);
    QSignalSpy progress(&installer, &DbtInstaller::progressChanged);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kInstallTimeoutMs);
    const auto result = finished.first().first().value<DbtInstallResult>();
    QVERIFY2(result.outcome == Outcome::Success, qPrintable(result.errorText));
    QCOMPARE(result.dbtExecutable, QDir(m_venv).filePath(QStringLiteral("bin/dbt")));

    QStringList details;
    for (const auto &p : progress)
        details << p.first().value<DbtInstallProgress>().detail;
    QVERIFY2(details.contains(QStringLiteral("reusing the virtualenv in %1").arg(m_venv)), qPrintable(details.join(QLatin1Char('\n'))));
    QVERIFY2(details.contains(QStringLiteral("Successfully installed dbt-duckdb-1.8.1")), qPrintable(details.join(QLatin1Char('\n'))));
}

void TestDbtInstaller::missingVersionSurfacesPipError()
{
    const QString venv = m_venv;
    DbtInstaller installer(localSpec(venv, QStringLiteral("9.9.9")));
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kInstallTimeoutMs);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::Failed));
    QCOMPARE(toString(result.step), toString(DbtInstallStep::Installing));
    QVERIFY(result.dbtExecutable.isEmpty());
    QVERIFY2(result.errorText.startsWith(QStringLiteral("pip could not install dbt-postgres==9.9.9: ")), qPrintable(result.errorText));
    QVERIFY2(result.errorText.contains(QStringLiteral("No matching distribution found for dbt-postgres==9.9.9")), qPrintable(result.errorText));
    QVERIFY2(result.errorText.contains(QStringLiteral("(from versions: 1.8.2)")), qPrintable(result.errorText));
}

// pip asks a package index on loopback that accepts the connection and never answers: the install
// is certainly running when it is canceled. The index URL carries a password, which must reach pip
// (it sends it) but never argv, a log line or the error.
void TestDbtInstaller::cancelDuringInstall()
{
    const QByteArray canary = "s3cr3t-canary";
    QTcpServer index;
    QVERIFY(index.listen(QHostAddress::LocalHost));
    QList<QTcpSocket *> held; // kept open, never answered
    connect(&index, &QTcpServer::newConnection, this, [&] {
        while (QTcpSocket *s = index.nextPendingConnection())
            held << s;
    });

    const QString venv = m_venv;
    // A version the shared virtualenv does not have, so that pip must ask the index.
    DbtInstallSpec spec = localSpec(venv, QStringLiteral("1.8.3"));
    spec.noIndex = false;
    spec.findLinks.clear();
    spec.indexUrl = QStringLiteral("http://sluice:%1@127.0.0.1:%2/simple").arg(QLatin1StringView(canary)).arg(index.serverPort());
    DbtInstaller installer(spec);
    QSignalSpy lines(&installer, &DbtInstaller::logLine);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_VERIFY_WITH_TIMEOUT(!held.isEmpty() || finished.count() > 0, kInstallTimeoutMs);
    QCOMPARE(finished.count(), 0);
    QCOMPARE(toString(installer.progress().step), toString(DbtInstallStep::Installing));
    QVERIFY(!processesMentioning(venv).isEmpty()); // pip is running
    QVERIFY(processesMentioning(QLatin1StringView(canary)).isEmpty()); // not in any argv
    QByteArray request;
    QTRY_VERIFY((request += held.first()->readAll()).contains("\r\n\r\n"));
    QVERIFY2(request.startsWith("GET /simple/dbt-postgres/"), request.constData());
    QVERIFY2(request.contains("Authorization: Basic " + QByteArray("sluice:" + canary).toBase64()), request.constData());

    installer.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 15000);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::Canceled));
    QCOMPARE(toString(result.step), toString(DbtInstallStep::Installing));
    QVERIFY2(result.errorText.contains(QStringLiteral("canceled")), qPrintable(result.errorText));
    QVERIFY(result.dbtExecutable.isEmpty());
    QCOMPARE(processesMentioning(venv), QList<qint64>{}); // no stray pip
    QVERIFY(!result.errorText.contains(QLatin1StringView(canary)));
    for (const auto &l : lines)
        QVERIFY2(!l.first().value<OutputLine>().text.contains(QLatin1StringView(canary)), qPrintable(l.first().value<OutputLine>().text));
    qDeleteAll(held);
}

void TestDbtInstaller::timesOut()
{
    QTcpServer index;
    QVERIFY(index.listen(QHostAddress::LocalHost));
    const QString venv = m_venv;
    // A version the shared virtualenv does not have, so that pip must ask the index.
    DbtInstallSpec spec = localSpec(venv, QStringLiteral("1.8.3"));
    spec.noIndex = false;
    spec.findLinks.clear();
    spec.indexUrl = QStringLiteral("http://127.0.0.1:%1/simple").arg(index.serverPort());
    spec.timeout = 8s; // the index never answers: whichever step is running then, the install times out
    DbtInstaller installer(spec);
    QSignalSpy finished(&installer, &DbtInstaller::finished);
    installer.start();
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 30000);
    const auto result = finished.first().first().value<DbtInstallResult>();
    qInfo().noquote() << "errorText:" << result.errorText;
    QCOMPARE(toString(result.outcome), toString(Outcome::TimedOut));
    QVERIFY2(result.errorText.contains(QStringLiteral("timed out after 8 s")), qPrintable(result.errorText));
    QCOMPARE(processesMentioning(venv), QList<qint64>{});
}

QTEST_GUILESS_MAIN(TestDbtInstaller)
#include "tst_dbtinstaller.moc"
