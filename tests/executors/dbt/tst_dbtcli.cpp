// `sluicectl warehouse set|show` and `sluicectl dbt exec|models|select`, run as the real binary against a
// SQLite database, a real keychain (tests/support/with-keyring.sh) and the dbt double.
#include "wheels/fakedbtwheels.h"
#include "secrets/secretstore.h"

#include <QCoro/QCoroTask>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

const QString kFixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");
const QByteArray kCanary = "dbtcli-canary-Pw-7f3a9";

struct Run {
    int exitCode = -1;
    QString out, err;
};

} // namespace

class TestDbtCli : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_db, m_checkout, m_argvFile;
    QStringList m_leaks; // commands whose output showed the secret

    Run ctl(const QStringList &args, const QString &scenario = QStringLiteral("ok"), const QByteArray &input = {}, int timeoutMs = 60000)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLUICE_DBT_DOUBLE_SCENARIO"), scenario);
        env.insert(QStringLiteral("SLUICE_DBT_DOUBLE_CHECK_PROFILE"), QStringLiteral("1"));
        env.insert(QStringLiteral("SLUICE_DBT_DOUBLE_ARGV_FILE"), m_argvFile);
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_db} + args);
        Run run;
        if (!p.waitForStarted(10000))
            return run;
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
            return run;
        }
        run.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        run.out = QString::fromUtf8(p.readAllStandardOutput());
        run.err = QString::fromUtf8(p.readAllStandardError());
        if (run.out.contains(QString::fromUtf8(kCanary)) || run.err.contains(QString::fromUtf8(kCanary)))
            m_leaks.append(args.join(QLatin1Char(' ')));
        return run;
    }

private Q_SLOTS:
    void cleanup()
    {
        QCOMPARE(m_leaks, QStringList());
    }

    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("SLUICE_IN_KEYRING_SESSION"))
            QFAIL("run this suite through tests/support/with-keyring.sh (ctest does); it needs the Debian packages dbus, "
                  "dbus-x11 and gnome-keyring");
        QVERIFY(m_dir.isValid());
        m_db = QStringLiteral("sqlite://") + m_dir.filePath(QStringLiteral("sluice.db"));
        m_checkout = m_dir.filePath(QStringLiteral("checkout"));
        m_argvFile = m_dir.filePath(QStringLiteral("argv"));
        QVERIFY(QDir().mkpath(m_checkout + QStringLiteral("/jaffle")));
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        // A clean slate in the keychain for this org.
        QVERIFY(QCoro::waitFor(SecretStore().remove(SecretStore::warehouseKey(QStringLiteral("acme")))));
    }

    void warehouseSetAndShow()
    {
        Run r = ctl({QStringLiteral("warehouse"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("warehouse set")), qPrintable(r.err));

        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--type"), QStringLiteral("postgres"),
                 QStringLiteral("--setting"), QStringLiteral("host=db.example"), QStringLiteral("--setting"), QStringLiteral("port=6543"),
                 QStringLiteral("--setting"), QStringLiteral("user=loader"), QStringLiteral("--setting"), QStringLiteral("dbname=jaffle"),
                 QStringLiteral("--setting"), QStringLiteral("schema=dbt_prod")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("secrets set org/acme/warehouse")), qPrintable(r.out));
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--setting"), QStringLiteral("sslmode=require")});
        QCOMPARE(r.exitCode, 0);

        r = ctl({QStringLiteral("--json"), QStringLiteral("warehouse"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject w = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(w.value(QStringLiteral("type")).toString(), QStringLiteral("postgres"));
        const QJsonObject s = w.value(QStringLiteral("settings")).toObject();
        QCOMPARE(s.value(QStringLiteral("host")).toString(), QStringLiteral("db.example"));
        QCOMPARE(s.value(QStringLiteral("port")).toString(), QStringLiteral("6543"));
        QCOMPARE(s.value(QStringLiteral("sslmode")).toString(), QStringLiteral("require"));
        QCOMPARE(s.size(), 6);

        // Secrets never go in as settings; bad input is a user error.
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--setting"), QStringLiteral("password=") + QString::fromUtf8(kCanary)});
        QCOMPARE(r.exitCode, 1);
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--setting"), QStringLiteral("novalue")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("KEY=VALUE")));
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--type"), QStringLiteral("oracle")});
        QCOMPARE(r.exitCode, 1);
    }

    void execNeedsTheSecret()
    {
        QCOMPARE(ctl({QStringLiteral("workspace"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"),
                      QStringLiteral("--git-url"), QStringLiteral("https://git.example/acme/jaffle.git"), QStringLiteral("--branch"), QStringLiteral("main"),
                      QStringLiteral("--project-dir"), QStringLiteral("jaffle"), QStringLiteral("--checkout"), m_checkout,
                      QStringLiteral("--dbt"), QStringLiteral(DBTDOUBLE_PATH)}).exitCode, 0);
        const Run r = ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("sluicectl secrets set org/acme/warehouse")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QLatin1String("--no-secret")), qPrintable(r.err));   // the other way out, when it needs none
        QVERIFY(!QFile::exists(m_argvFile)); // dbt never ran
    }

    void execWithoutASecret()
    {
        // A local PostgreSQL with trust or peer auth, or ~/.pgpass: the user says the warehouse needs no
        // secret, and dbt runs without the keychain being asked (none is set here).
        Run r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--no-secret")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QLatin1String("without a secret")), qPrintable(r.out));
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(r.out.contains(QLatin1String("secret:    none")), qPrintable(r.out));
        r = ctl({QStringLiteral("--json"), QStringLiteral("warehouse"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).object().value(QStringLiteral("uses_secret")).toBool(true), false);
        r = ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5")));
        QVERIFY(QFile::exists(m_argvFile));
        QVERIFY(QFile::remove(m_argvFile));
        // ...and back: the secret is needed again.
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--secret")});
        QCOMPARE(r.exitCode, 0);
        r = ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(!QFile::exists(m_argvFile));
        r = ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--secret"), QStringLiteral("--no-secret")});
        QCOMPARE(r.exitCode, 1);
    }

    void execJsonWarning()
    {
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("org/acme/warehouse")}, QStringLiteral("ok"), kCanary + '\n').exitCode, 0);
        const Run r = ctl({QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("build")},
                          QStringLiteral("failing_test"));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QJsonParseError perr;
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &perr).object();
        QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(r.out)); // stdout is exactly one JSON object
        QCOMPARE(o.value(QStringLiteral("exit_code")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("warning"));
        const QJsonObject stats = o.value(QStringLiteral("stats")).toObject();
        QCOMPARE(stats.value(QStringLiteral("pass")).toInt(), 10);
        QCOMPARE(stats.value(QStringLiteral("warn")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("error")).toInt(), 1);
        QCOMPARE(stats.value(QStringLiteral("skip")).toInt(), 19);
        QCOMPARE(stats.value(QStringLiteral("total")).toInt(), 31);
        const QJsonArray nodes = o.value(QStringLiteral("nodes")).toArray();
        QCOMPARE(nodes.size(), 31);
        int failed = 0;
        for (const QJsonValue &v : nodes) {
            const QJsonObject n = v.toObject();
            QVERIFY(n.contains(QStringLiteral("execution_time")) && n.contains(QStringLiteral("message")) && n.contains(QStringLiteral("failures")));
            if (n.value(QStringLiteral("status")).toString() == QLatin1String("fail")) {
                ++failed;
                QCOMPARE(n.value(QStringLiteral("failures")).toInt(), 3);
            }
            if (n.value(QStringLiteral("status")).toString() == QLatin1String("skipped"))
                QVERIFY(n.value(QStringLiteral("failures")).isNull());
        }
        QCOMPARE(failed, 1);
        // Live progress went to stderr, one line per finished node.
        QCOMPARE(r.err.count(QRegularExpression(QStringLiteral("^\\[\\d+/31\\] \\S+ \\S+\\.jaffle_shop\\."), QRegularExpression::MultilineOption)), 31);

        // dbt got its options as separate argv entries, no secret in them, and the private profile is gone.
        QFile argv(m_argvFile);
        QVERIFY(argv.open(QIODevice::ReadOnly));
        const QByteArray all = argv.readAll();
        QVERIFY(!all.contains(kCanary));
        const QStringList received = QString::fromUtf8(all.trimmed().split('\n').last()).split(QChar(0x1f));
        QCOMPARE(received.mid(0, 4), (QStringList{QStringLiteral("build"), QStringLiteral("--log-format"), QStringLiteral("json"), QStringLiteral("--no-use-colors")}));
        QCOMPARE(received.value(received.indexOf(QStringLiteral("--project-dir")) + 1), m_checkout + QStringLiteral("/jaffle"));
        QCOMPARE(received.value(received.indexOf(QStringLiteral("--target")) + 1), QStringLiteral("prod"));
        const QString profilesDir = received.value(received.indexOf(QStringLiteral("--profiles-dir")) + 1);
        QVERIFY(!profilesDir.isEmpty());
        QVERIFY2(!QFileInfo::exists(profilesDir), qPrintable(profilesDir));
    }

    void execTextSuccess()
    {
        const Run r = ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(QLatin1String("1 of 5 START sql view model dbt_dev.stg_customers")));
        QVERIFY(r.out.contains(QLatin1String("Done. PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5")));
        QVERIFY(r.out.trimmed().endsWith(QLatin1String("dbt run: success (PASS=5 WARN=0 ERROR=0 SKIP=0 TOTAL=5)")));
    }

    void execFailures_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("mustContain");
        QTest::newRow("broken_jinja") << "broken_jinja" << QStringList{QStringLiteral("run")} << "Compilation Error in model broken_model";
        QTest::newRow("bad_conn") << "bad_conn" << QStringList{QStringLiteral("run")} << "Connection refused";
        QTest::newRow("broken_sql") << "broken_sql" << QStringList{QStringLiteral("run")} << "model.jaffle_shop.broken_model";
        QTest::newRow("cli misuse") << "cli" << QStringList{QStringLiteral("notacommand")} << "No such command 'notacommand'";
    }
    void execFailures()
    {
        QFETCH(QString, scenario);
        QFETCH(QStringList, arguments);
        QFETCH(QString, mustContain);
        const Run r = ctl(QStringList{QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--")} + arguments, scenario);
        QCOMPARE(r.exitCode, 1);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QVERIFY2(o.value(QStringLiteral("error")).toString().contains(mustContain), qPrintable(r.out));
        QVERIFY2(r.err.contains(mustContain), qPrintable(r.err));
    }

    void models()
    {
        // An ok run leaves the recorded manifest in <project>/target; listing it needs no keychain.
        QCOMPARE(ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")}).exitCode, 0);
        QVERIFY(QCoro::waitFor(SecretStore().remove(SecretStore::warehouseKey(QStringLiteral("acme")))));
        Run r = ctl({QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("models"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("schema_version")).toInt(), 12);
        const QJsonArray models = o.value(QStringLiteral("models")).toArray();
        QCOMPARE(models.size(), 5);
        bool sawCustomers = false;
        for (const QJsonValue &v : models) {
            const QJsonObject m = v.toObject();
            if (m.value(QStringLiteral("unique_id")).toString() != QLatin1String("model.jaffle_shop.customers"))
                continue;
            sawCustomers = true;
            QCOMPARE(m.value(QStringLiteral("materialization")).toString(), QStringLiteral("table"));
            QCOMPARE(m.value(QStringLiteral("path")).toString(), QStringLiteral("models/customers.sql"));
            QCOMPARE(m.value(QStringLiteral("depends_on")).toArray().size(), 3);
        }
        QVERIFY(sawCustomers);

        r = ctl({QStringLiteral("dbt"), QStringLiteral("models"), QStringLiteral("--manifest"), kFixtures + QStringLiteral("/public-fivetran-hubspot/manifest.json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith(QLatin1String("MODEL")));
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 1 + 154);

        QTemporaryDir tmp;
        QFile cut(tmp.filePath(QStringLiteral("manifest.json")));
        QVERIFY(cut.open(QIODevice::WriteOnly));
        QFile full(kFixtures + QStringLiteral("/public-fivetran-hubspot/manifest.json"));
        QVERIFY(full.open(QIODevice::ReadOnly));
        cut.write(full.read(100000));
        cut.close();
        r = ctl({QStringLiteral("dbt"), QStringLiteral("models"), QStringLiteral("--manifest"), cut.fileName()});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(cut.fileName()) && r.err.contains(QLatin1String("truncated")), qPrintable(r.err));

        r = ctl({QStringLiteral("dbt"), QStringLiteral("models")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("usage")));
    }

    // dbt select reads the workspace's manifest (left by the run in models()) and answers as dbt would.
    void selectNodes()
    {
        Run r = ctl({QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--org"), QStringLiteral("acme"),
                     QStringLiteral("--select"), QStringLiteral("+customers"), QStringLiteral("--exclude"), QStringLiteral("stg_orders"),
                     QStringLiteral("--command"), QStringLiteral("run")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonArray nodes = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QStringList ids;
        for (const QJsonValue &v : nodes) {
            ids.append(v[QStringLiteral("unique_id")].toString());
            QCOMPARE(v[QStringLiteral("resource_type")].toString(), QStringLiteral("model"));
            QVERIFY(ids.back().endsWith(QLatin1Char('.') + v[QStringLiteral("name")].toString()));
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("model.jaffle_shop.customers"), QStringLiteral("model.jaffle_shop.stg_customers"),
                                   QStringLiteral("model.jaffle_shop.stg_payments")}));

        // --resource-type as dbt ls takes it; plain output is one unique id per line.
        r = ctl({QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--manifest"), kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/ls/manifest.json"),
                 QStringLiteral("--select"), QStringLiteral("customers"), QStringLiteral("--resource-type"), QStringLiteral("test")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 3);
        QVERIFY(r.out.startsWith(QLatin1String("test.jaffle_shop.")));

        // Nothing selected is not an error, and dbt's own warning says why.
        r = ctl({QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--org"), QStringLiteral("acme"),
                 QStringLiteral("--select"), QStringLiteral("does_not_exist")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 0);
        QVERIFY2(r.err.contains(QLatin1String("'does_not_exist' does not match any enabled nodes")), qPrintable(r.err));

        // A bad expression or flag is a user error naming it.
        r = ctl({QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--select"), QStringLiteral("colour:red")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("'colour' is not a valid method name")), qPrintable(r.err));
        r = ctl({QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--resource-type"), QStringLiteral("table")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("--resource-type table")), qPrintable(r.err));
        r = ctl({QStringLiteral("dbt"), QStringLiteral("select"), QStringLiteral("--select"), QStringLiteral("x")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QLatin1String("usage")));
    }

    // dbt install: a virtualenv with dbt-<adapter>==<version> (fake wheels, offline) set as the org's dbt.
    void installSetsTheWorkspacesDbt()
    {
        const QString wheels = m_dir.filePath(QStringLiteral("wheels"));
        auto built = testsupport::buildFakeDbtWheels(wheels);
        QVERIFY2(built, qPrintable(built ? QString() : built.error()));
        const QString venv = m_dir.filePath(QStringLiteral("venv"));
        qputenv("PIP_CONFIG_FILE", "/dev/null");
        Run r = ctl({QStringLiteral("dbt"), QStringLiteral("install"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--version"),
                     QStringLiteral("1.8.2"), QStringLiteral("--adapter"), QStringLiteral("oracle"), QStringLiteral("--venv"), venv});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("oracle")), qPrintable(r.err));
        r = ctl({QStringLiteral("dbt"), QStringLiteral("install"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--adapter"), QStringLiteral("postgres")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("usage")), qPrintable(r.err));

        r = ctl({QStringLiteral("--json"), QStringLiteral("dbt"), QStringLiteral("install"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--version"),
                 QStringLiteral("1.8.2"), QStringLiteral("--adapter"), QStringLiteral("postgres"), QStringLiteral("--venv"), venv, QStringLiteral("--find-links"),
                 wheels, QStringLiteral("--no-index")},
                QStringLiteral("ok"), {}, 180'000);
        qunsetenv("PIP_CONFIG_FILE");
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("dbt")).toString(), venv + QStringLiteral("/bin/dbt"));
        QCOMPARE(o.value(QStringLiteral("version")).toString(), QStringLiteral("1.8.9"));
        QVERIFY2(r.err.contains(QLatin1String("100%")), qPrintable(r.err));   // progress as it went
        r = ctl({QStringLiteral("--json"), QStringLiteral("workspace"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject ws = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QVERIFY2(r.out.contains(venv + QStringLiteral("/bin/dbt")), qPrintable(r.out));
        Q_UNUSED(ws);
    }
};

QTEST_GUILESS_MAIN(TestDbtCli)
#include "tst_dbtcli.moc"
