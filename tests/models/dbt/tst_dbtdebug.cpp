// `dbt debug` read as a person would: the real dbt 1.8.9 recordings (text and --log-format json, a
// warehouse that answers and one that refuses the connection), and the adapters' own words for the other
// failures (libpq, Snowflake, BigQuery), each named with its check.
#include "dbt/dbtdebug.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sluice;
using F = DbtDebugReport::Failure;

namespace {

const QString kRecordings = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/fixtures/");

QStringList textLines(const QString &scenario)
{
    QFile f(kRecordings + scenario + QStringLiteral("/text/debug.stdout"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
}

// What DbtOperation hands on for --log-format json: each event's msg.
QStringList jsonMessages(const QString &scenario)
{
    QFile f(kRecordings + scenario + QStringLiteral("/json/debug.stdout"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QStringList out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (!o.isEmpty())
            out << o.value(QLatin1String("info")).toObject().value(QLatin1String("msg")).toString();
    }
    return out;
}

// dbt debug's frame around an adapter's error, as dbt 1.8 prints it.
QStringList failedWith(const QString &adapterError)
{
    return {QStringLiteral("  profiles.yml file [OK found and valid]"), QStringLiteral("  dbt_project.yml file [OK found and valid]"),
            QStringLiteral(" - git [OK found]"), QStringLiteral("  Connection test: [ERROR]"), QString(), QStringLiteral("1 check failed:"),
            QStringLiteral("dbt was unable to connect to the specified database.\nThe database returned the following error:\n\n  >Database Error\n  ")
                + adapterError + QStringLiteral("\n\nCheck your database credentials and try again.")};
}

} // namespace

class tst_DbtDebug : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void recordedPass_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::newRow("text") << textLines(QStringLiteral("ok"));
        QTest::newRow("json") << jsonMessages(QStringLiteral("ok"));
    }
    void recordedPass()
    {
        QFETCH(QStringList, lines);
        QVERIFY(lines.size() > 10);
        const DbtDebugReport r = parseDbtDebug(lines, 0);
        QCOMPARE(r.failure, F::None);
        QVERIFY(r.allPassed);
        QVERIFY(r.failedCheck.isEmpty());
        QStringList names;
        for (const DbtDebugCheck &c : r.checks) {
            names << c.name;
            QVERIFY2(c.ok, qPrintable(c.name));
        }
        QCOMPARE(names, (QStringList{QStringLiteral("profiles.yml file"), QStringLiteral("dbt_project.yml file"), QStringLiteral("git"),
                                     QStringLiteral("Connection test")}));
        QCOMPARE(r.checks.first().detail, QStringLiteral("found and valid"));
        QCOMPARE(r.checks.last().detail, QStringLiteral("connection ok"));
    }

    void recordedRefusedConnection_data()
    {
        QTest::addColumn<QStringList>("lines");
        QTest::newRow("text") << textLines(QStringLiteral("bad_conn"));
        QTest::newRow("json") << jsonMessages(QStringLiteral("bad_conn"));
    }
    void recordedRefusedConnection()
    {
        QFETCH(QStringList, lines);
        const DbtDebugReport r = parseDbtDebug(lines, 1);
        QCOMPARE(r.failure, F::ConnectionRefused);
        QCOMPARE(r.failedCheck, QStringLiteral("Connection test"));
        QVERIFY(!r.allPassed);
        QVERIFY2(r.errorText.contains(QStringLiteral("port 55499 failed: Connection refused")), qPrintable(r.errorText));
        QVERIFY(!r.errorText.contains(QLatin1Char('\x1b')));
        QVERIFY2(r.summary().startsWith(QStringLiteral("Connection test failed — connection refused")), qPrintable(r.summary()));
        // The checks before the failing one passed.
        QCOMPARE(r.checks.size(), 4);
        QVERIFY(r.checks.at(0).ok && r.checks.at(2).ok && !r.checks.at(3).ok);
    }

    void adapterErrorsNamed_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<int>("failureCode");
        QTest::newRow("libpq password") << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password authentication failed for user \"analyst\"") << int(F::AuthenticationFailed);
        QTest::newRow("libpq role") << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  role \"nobody\" does not exist") << int(F::AuthenticationFailed);
        QTest::newRow("libpq database") << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  database \"jaffle_typo\" does not exist") << int(F::UnknownDatabase);
        QTest::newRow("libpq host") << QStringLiteral("could not translate host name \"db.invalid\" to address: Name or service not known") << int(F::HostNotFound);
        QTest::newRow("libpq timeout") << QStringLiteral("connection to server at \"10.1.2.3\", port 5432 failed: timeout expired") << int(F::Timeout);
        QTest::newRow("libpq ssl") << QStringLiteral("connection to server at \"127.0.0.1\", port 5432 failed: server does not support SSL, but SSL was required") << int(F::Ssl);
        QTest::newRow("snowflake auth") << QStringLiteral("250001 (08001): Failed to connect to DB: xy12345.snowflakecomputing.com:443. Incorrect username or password was specified.") << int(F::AuthenticationFailed);
        QTest::newRow("snowflake database") << QStringLiteral("002043 (02000): SQL compilation error:\nObject does not exist, or operation cannot be performed.\nDatabase 'ANALYTICS' does not exist or not authorized.") << int(F::UnknownDatabase);
        QTest::newRow("snowflake role") << QStringLiteral("250001 (08001): Failed to connect to DB: xy12345.snowflakecomputing.com:443. Role 'LOADER' specified in the connect string does not exist or not authorized. Contact your local system administrator") << int(F::AuthenticationFailed);
        QTest::newRow("snowflake locked") << QStringLiteral("250001 (08001): Failed to connect to DB: xy12345.snowflakecomputing.com:443. User temporarily locked.") << int(F::AuthenticationFailed);
        QTest::newRow("bigquery key") << QStringLiteral("('invalid_grant: Invalid JWT Signature.', {'error': 'invalid_grant'})") << int(F::AuthenticationFailed);
        QTest::newRow("unrecognised") << QStringLiteral("something nobody has seen before") << int(F::Other);
    }
    void adapterErrorsNamed()
    {
        QFETCH(QString, error);
        QFETCH(int, failureCode);
        const F failure = F(failureCode);
        const DbtDebugReport r = parseDbtDebug(failedWith(error), 1);
        QCOMPARE(r.failedCheck, QStringLiteral("Connection test"));
        QCOMPARE(r.failure, failure);
        QVERIFY2(r.summary().contains(DbtDebugReport::failureName(failure)) || failure == F::Other, qPrintable(r.summary()));
        QVERIFY(r.errorText.contains(error.section(QLatin1Char('\n'), 0, 0)));
    }

    void projectAndProfileChecks()
    {
        const DbtDebugReport project = parseDbtDebug({QStringLiteral("  profiles.yml file [OK found and valid]"),
                                                      QStringLiteral("  dbt_project.yml file [ERROR not found]"), QStringLiteral("1 check failed:"),
                                                      QStringLiteral("Project loading failed for the following reason:\n project path </x/dbt_project.yml> not found")},
                                                     1);
        QCOMPARE(project.failure, F::Project);
        QCOMPARE(project.failedCheck, QStringLiteral("dbt_project.yml file"));
        QCOMPARE(project.checks.at(1).detail, QStringLiteral("not found"));
        const DbtDebugReport profile = parseDbtDebug({QStringLiteral("  profiles.yml file [ERROR invalid]"), QStringLiteral("2 checks failed:"),
                                                      QStringLiteral("Profile loading failed for the following reason:")},
                                                     1);
        QCOMPARE(profile.failure, F::Profile);
    }

    // git missing beside a failed connection: the connection is the check named, git is listed.
    void connectionNamedBeforeGit()
    {
        const DbtDebugReport r = parseDbtDebug({QStringLiteral("  profiles.yml file [OK found and valid]"), QStringLiteral(" - git [ERROR]"),
                                                QStringLiteral("  Connection test: [ERROR]"), QStringLiteral("2 checks failed:"),
                                                QStringLiteral("Error from git --help: Could not find command, ensure it is in the user's PATH"),
                                                QStringLiteral("dbt was unable to connect to the specified database.\n  connection to server at \"db\", port 5432 failed: Connection refused")},
                                               1);
        QCOMPARE(r.failedCheck, QStringLiteral("Connection test"));
        QCOMPARE(r.failure, F::ConnectionRefused);
        QVERIFY(!r.checks.at(1).ok);
    }

    void nothingPrinted()
    {
        const DbtDebugReport r = parseDbtDebug({}, -1);
        QCOMPARE(r.failure, F::DidNotRun);
        QVERIFY(r.summary().contains(QStringLiteral("no checks")));
        // Exit 0 without any check line is not a pass either.
        QCOMPARE(parseDbtDebug({QStringLiteral("Running with dbt=1.8.9")}, 0).failure, F::DidNotRun);
    }
};

QTEST_GUILESS_MAIN(tst_DbtDebug)
#include "tst_dbtdebug.moc"
