// A PostgreSQL password comes from PGPASSWORD or ~/.pgpass — never from the URL, settings or argv.
// Runs sluicectl as a child against the test server, where the role sluice_pw needs its password
// (tests/support/pg-server.sh). Registered for the PostgreSQL backend only.
#include "storefixture.h"

#include <QFile>
#include <QProcess>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

class tst_PostgresAuth : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    QString m_url;
    const QString m_password = QStringLiteral("pw-Canary-7f3a");

    struct Outcome
    {
        int exitCode;
        QByteArray out, err;
    };

    Outcome ctl(const QProcessEnvironment &env, const QStringList &args)
    {
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_url} + args);
        if (!p.waitForFinished(30000))
            qFatal("sluicectl did not finish");
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QProcessEnvironment cleanEnv(const QString &home)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("PGPASSWORD"));
        env.remove(QStringLiteral("PGPASSFILE"));
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("HOME"), home);
        return env;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(StoreFixture::isPostgres(), "this suite runs against PostgreSQL");
        SLUICE_REQUIRE_BACKEND(m_fixture);
        auto url = m_fixture.createEmpty();
        QVERIFY2(url, qPrintable(url ? QString() : url.error().message));
        {
            auto db = Database::open(*url);
            QVERIFY(db);
            (void)(*db)->exec(QStringLiteral("DROP ROLE IF EXISTS sluice_pw"));
            QVERIFY((*db)->exec(QStringLiteral("CREATE ROLE sluice_pw LOGIN PASSWORD '%1'").arg(m_password)));
            QVERIFY((*db)->exec(QStringLiteral("GRANT ALL ON SCHEMA public TO sluice_pw")));
            QVERIFY((*db)->exec(QStringLiteral("ALTER DATABASE %1 OWNER TO sluice_pw").arg(url->database)));
        }
        DbUrl asUser = *url;
        asUser.user = QStringLiteral("sluice_pw");
        m_url = asUser.toString();
    }

    void withoutPasswordTheErrorSaysWhereItGoes()
    {
        const Outcome o = ctl(cleanEnv(m_fixture.tempDir().path()), {QStringLiteral("db"), QStringLiteral("init")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY2(o.err.contains("no password supplied"), o.err.constData());   // libpq's own words, passed on
        QVERIFY(o.err.contains("PGPASSWORD"));
        QCOMPARE(o.err.count('\n'), 1);
    }

    void passwordFromEnvironment()
    {
        QProcessEnvironment env = cleanEnv(m_fixture.tempDir().path());
        env.insert(QStringLiteral("PGPASSWORD"), m_password);
        const Outcome o = ctl(env, {QStringLiteral("db"), QStringLiteral("init")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QVERIFY(!o.out.contains(m_password.toUtf8()));
    }

    void passwordFromPgpass()
    {
        const QString home = m_fixture.tempDir().filePath(QStringLiteral("home"));
        QVERIFY(QDir().mkpath(home));
        QFile pgpass(home + QStringLiteral("/.pgpass"));
        QVERIFY(pgpass.open(QIODevice::WriteOnly));
        const DbUrl url = *DbUrl::parse(m_url);
        pgpass.write(QStringLiteral("%1:%2:*:sluice_pw:%3\n").arg(url.host).arg(url.port).arg(m_password).toUtf8());
        pgpass.close();
        QVERIFY(pgpass.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner));
        const Outcome o = ctl(cleanEnv(home), {QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("status")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QVERIFY(o.out.contains("\"status\""));
        // The stored URL names the user, never the password.
        QVERIFY(!o.out.contains(m_password.toUtf8()));
    }
};

QTEST_GUILESS_MAIN(tst_PostgresAuth)
#include "tst_postgresauth.moc"
