// sluicectl as a user meets it: the real binary, run as a child process against a real SQLite file
// and a real PostgreSQL database. Exit codes: 0 success, 1 user error, 2 database/internal error.
#include "storefixture.h"
#include "clirun.h"

#include "store/migrator.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {

using Outcome = sluice::test::CliOutcome;

} // namespace

class tst_Sluicectl : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    QString m_db;   // the URL under test

    // Runs sluicectl with --db `db` (default: the test's database). `environment` is added to a clean
    // environment; with a SLUICE_DB in it, no --db is passed.
    Outcome ctl(QStringList args, const QString &db = {}, const QMap<QString, QString> &environment = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("HOME"), m_fixture.tempDir().path());   // never the user's own default store
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_fixture.tempDir().filePath(QStringLiteral("xdg")));
        for (auto it = environment.begin(); it != environment.end(); ++it)
            env.insert(it.key(), it.value());
        if (!environment.contains(QStringLiteral("SLUICE_DB")) && db != QLatin1String("-")) {
            args.prepend(db.isEmpty() ? m_db : db);
            args.prepend(QStringLiteral("--db"));
        }
        return test::runCli(QStringLiteral(SLUICECTL_PATH), args, env);
    }

    static bool userError(const Outcome &o, const QString &needle) { return test::isUserError(o, needle); }

    QString createTask(const QStringList &args)
    {
        const Outcome o = ctl(QStringList{QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme")} + args);
        if (o.exitCode != 0)
            qFatal("task create failed: %s", o.err.constData());
        return QString::fromUtf8(o.out).trimmed();
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto url = m_fixture.createEmpty();
        QVERIFY2(url, qPrintable(url ? QString() : url.error().message));
        m_db = url->toString();
    }

    void dbLifecycle()
    {
        Outcome o = ctl({QStringLiteral("org"), QStringLiteral("list")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY(QString::fromUtf8(o.err).contains(QLatin1String("db init")));

        o = ctl({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("status")});
        if (StoreFixture::isPostgres()) {
            QCOMPARE(o.exitCode, 0);
            QCOMPARE(o.json()[QStringLiteral("status")].toString(), QStringLiteral("empty"));
        } else {
            // A SQLite file that does not exist is not created by looking at it.
            QCOMPARE(o.exitCode, 2);
            QVERIFY(o.err.contains("db init"));
            QVERIFY(!QFile::exists(DbUrl::parse(m_db)->path));
        }

        o = ctl({QStringLiteral("db"), QStringLiteral("upgrade")});
        QCOMPARE(o.exitCode, 2);
        QVERIFY(QString::fromUtf8(o.err).contains(QLatin1String("db init")));

        o = ctl({QStringLiteral("db"), QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("schema_version")].toInt(), Migrator::latestVersion());
        QCOMPARE(o.json()[QStringLiteral("applied")].toArray().size(), Migrator::latestVersion());

        o = ctl({QStringLiteral("db"), QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("applied")].toArray().size(), 0);
        o = ctl({QStringLiteral("db"), QStringLiteral("upgrade")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains("up to date"));

        o = ctl({QStringLiteral("db"), QStringLiteral("status"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("status")].toString(), QStringLiteral("current"));
        QCOMPARE(o.json()[QStringLiteral("schema_version")].toInt(), Migrator::latestVersion());
        QCOMPARE(o.json()[QStringLiteral("backend")].toString(), StoreFixture::isPostgres() ? QStringLiteral("PostgreSQL") : QStringLiteral("SQLite"));

        QVERIFY(userError(ctl({QStringLiteral("db"), QStringLiteral("drop")}), QStringLiteral("db drop")));
    }

    void databaseFromEnvironmentAndDefault()
    {
        // $SLUICE_DB names the store when --db is absent...
        Outcome o = ctl({QStringLiteral("db"), QStringLiteral("init"), QStringLiteral("--json")}, {}, {{QStringLiteral("SLUICE_DB"), m_db}});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("database")].toString(), m_db);
        o = ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("envorg"), QStringLiteral("--name"), QStringLiteral("E")}, {},
                {{QStringLiteral("SLUICE_DB"), m_db}});
        QCOMPARE(o.exitCode, 0);
        o = ctl({QStringLiteral("--json"), QStringLiteral("org"), QStringLiteral("list")});
        QCOMPARE(o.json().toArray().size(), 1);

        // ...and without either, the embedded default: a SQLite file in the user's data folder.
        if (StoreFixture::isPostgres())
            return;
        const QString expected = m_fixture.tempDir().filePath(QStringLiteral("xdg/sluice/sluice.db"));
        QFile::remove(expected);
        o = ctl({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("init")}, QStringLiteral("-"));
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("database")].toString(), QStringLiteral("sqlite://") + expected);
        QVERIFY(QFile::exists(expected));
    }

    void newerSchemaIsRefused()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        {
            auto url = DbUrl::parse(m_db);
            auto db = Database::open(*url);
            QVERIFY(db);
            QVERIFY((*db)->exec(QStringLiteral("INSERT INTO schema_version (version, name, applied_at, app_version) VALUES (?, 'future', 0, '9')"),
                                {Migrator::latestVersion() + 1}));
        }
        for (const QStringList &args : {QStringList{QStringLiteral("db"), QStringLiteral("upgrade")},
                                        QStringList{QStringLiteral("org"), QStringLiteral("list")}}) {
            const Outcome o = ctl(args);
            QCOMPARE(o.exitCode, 2);
            QVERIFY2(o.err.contains("newer"), o.err.constData());
            QCOMPARE(o.err.count('\n'), 1);
        }
        const Outcome status = ctl({QStringLiteral("--json"), QStringLiteral("db"), QStringLiteral("status")});
        QCOMPARE(status.json()[QStringLiteral("status")].toString(), QStringLiteral("newer"));
    }

    void orgs()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        Outcome o = ctl({QStringLiteral("org"), QStringLiteral("list")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains("No orgs yet"));
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme NGO")}).exitCode, 0);
        QVERIFY(userError(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("X")}),
                          QStringLiteral("already exists")));
        QVERIFY(userError(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("Bad Slug"), QStringLiteral("--name"), QStringLiteral("X")}),
                          QStringLiteral("not a valid slug")));
        QVERIFY(userError(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("beta")}), QStringLiteral("usage")));
        o = ctl({QStringLiteral("--json"), QStringLiteral("org"), QStringLiteral("list")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json().toArray().size(), 1);
        QCOMPARE(o.json()[0][QStringLiteral("slug")].toString(), QStringLiteral("acme"));
        o = ctl({QStringLiteral("org"), QStringLiteral("show"), QStringLiteral("acme"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("name")].toString(), QStringLiteral("Acme NGO"));
        QCOMPARE(o.json()[QStringLiteral("pipelines")].toInt(), 0);
        QVERIFY(userError(ctl({QStringLiteral("org"), QStringLiteral("show"), QStringLiteral("ghost")}), QStringLiteral("ghost")));
    }

    void catalog()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        const Outcome o = ctl({QStringLiteral("task"), QStringLiteral("catalog"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        const QJsonArray items = o.json().toArray();
        QCOMPARE(items.size(), 15);
        QMap<QString, QJsonObject> bySlug;
        for (const auto &v : items) {
            QVERIFY(v.toObject().contains(QStringLiteral("slug")));
            QVERIFY(v.toObject().contains(QStringLiteral("type")));
            QVERIFY(v.toObject().contains(QStringLiteral("command")));
            bySlug.insert(v[QStringLiteral("slug")].toString(), v.toObject());
        }
        QCOMPARE(bySlug[QStringLiteral("dbt-docs-generate")][QStringLiteral("command")].toString(), QStringLiteral("docs generate"));
        QCOMPARE(bySlug[QStringLiteral("airbyte-clear")][QStringLiteral("type")].toString(), QStringLiteral("airbyte"));
        QCOMPARE(bySlug[QStringLiteral("git-pull")][QStringLiteral("type")].toString(), QStringLiteral("git"));
        QCOMPARE(bySlug[QStringLiteral("shell")][QStringLiteral("type")].toString(), QStringLiteral("shell"));
        QCOMPARE(bySlug[QStringLiteral("dbt-run")][QStringLiteral("options")].toArray().size(), 4);
    }

    void tasks()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        const QString run = createTask({QStringLiteral("--slug"), QStringLiteral("dbt-run"), QStringLiteral("--flag"), QStringLiteral("full-refresh"),
                                        QStringLiteral("--option"), QStringLiteral("select=tag:daily"), QStringLiteral("--label"), QStringLiteral("Daily")});
        QVERIFY2(!QUuid::fromString(run).isNull(), qPrintable(run));
        const QString sh = createTask({QStringLiteral("--slug"), QStringLiteral("shell"), QStringLiteral("--command"), QStringLiteral("echo 'a;b' | wc -c")});
        QVERIFY(!QUuid::fromString(sh).isNull());

        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("dbt-run"), QStringLiteral("--flag"), QStringLiteral("debug")}),
                          QStringLiteral("--debug")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("dbt-test"), QStringLiteral("--option"), QStringLiteral("threads=4")}),
                          QStringLiteral("--threads")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("airbyte-sync")}),
                          QStringLiteral("connection")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("shell"), QStringLiteral("--command"), QString()}),
                          QStringLiteral("empty")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("dbt-sing")}),
                          QStringLiteral("unknown task")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("dbt-run"), QStringLiteral("--option"), QStringLiteral("select")}),
                          QStringLiteral("KEY=VALUE")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                               QStringLiteral("dbt-run"), QStringLiteral("--colour"), QStringLiteral("red")}),
                          QStringLiteral("--colour")));

        Outcome o = ctl({QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        const QJsonArray list = o.json().toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0][QStringLiteral("uuid")].toString(), run);
        QCOMPARE(list[0][QStringLiteral("parameters")][QStringLiteral("flags")].toArray(), QJsonArray{QStringLiteral("full-refresh")});
        QCOMPARE(list[0][QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("select")].toString(), QStringLiteral("tag:daily"));
        QCOMPARE(list[0][QStringLiteral("label")].toString(), QStringLiteral("Daily"));
        QCOMPARE(list[1][QStringLiteral("parameters")][QStringLiteral("command")].toString(), QStringLiteral("echo 'a;b' | wc -c"));

        o = ctl({QStringLiteral("task"), QStringLiteral("delete"), sh});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("delete"), sh}), sh));
        o = ctl({QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--json")});
        QCOMPARE(o.json().toArray().size(), 1);
    }

    // task edit changes what it names and keeps the rest; refusals leave the task as it was.
    void taskEdit()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        const QString run = createTask({QStringLiteral("--slug"), QStringLiteral("dbt-run"), QStringLiteral("--option"), QStringLiteral("select=tag:daily"),
                                        QStringLiteral("--label"), QStringLiteral("Daily")});
        const QString sh = createTask({QStringLiteral("--slug"), QStringLiteral("shell"), QStringLiteral("--command"), QStringLiteral("make"),
                                       QStringLiteral("--working-dir"), QStringLiteral("/srv/jobs"), QStringLiteral("--env"), QStringLiteral("A=1")});
        const auto task = [this](const QString &uuid) {
            const Outcome o = ctl({QStringLiteral("task"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--json")});
            for (const QJsonValue &v : o.json().toArray())
                if (v[QStringLiteral("uuid")].toString() == uuid)
                    return v.toObject();
            return QJsonObject();
        };

        Outcome o = ctl({QStringLiteral("task"), QStringLiteral("edit"), run, QStringLiteral("--flag"), QStringLiteral("full-refresh"),
                         QStringLiteral("--option"), QStringLiteral("exclude=tag:slow"), QStringLiteral("--option"), QStringLiteral("select=+orders")});
        QCOMPARE(o.exitCode, 0);
        QJsonObject t = task(run);
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("flags")].toArray(), QJsonArray{QStringLiteral("full-refresh")});
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("select")].toString(), QStringLiteral("+orders"));
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("exclude")].toString(), QStringLiteral("tag:slow"));
        QCOMPARE(t[QStringLiteral("label")].toString(), QStringLiteral("Daily"));

        o = ctl({QStringLiteral("task"), QStringLiteral("edit"), run, QStringLiteral("--no-flag"), QStringLiteral("full-refresh"),
                 QStringLiteral("--unset-option"), QStringLiteral("exclude"), QStringLiteral("--label"), QStringLiteral("Orders")});
        QCOMPARE(o.exitCode, 0);
        t = task(run);
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("flags")].toArray(), QJsonArray{});
        QVERIFY(!t[QStringLiteral("parameters")][QStringLiteral("options")].toObject().contains(QStringLiteral("exclude")));
        QCOMPARE(t[QStringLiteral("label")].toString(), QStringLiteral("Orders"));

        // Refused: a bad selection, vars that are not a dictionary, a secret in the environment, nothing to change.
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("edit"), run, QStringLiteral("--option"), QStringLiteral("select=colour:red")}),
                          QStringLiteral("colour")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("edit"), run, QStringLiteral("--option"), QStringLiteral("vars=[1]")}),
                          QStringLiteral("dictionary")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("edit"), sh, QStringLiteral("--env"), QStringLiteral("DB_PASSWORD=x")}),
                          QStringLiteral("keychain")));
        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("edit"), run}), QStringLiteral("at least one change")));
        QCOMPARE(task(run)[QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("select")].toString(), QStringLiteral("+orders"));

        o = ctl({QStringLiteral("task"), QStringLiteral("edit"), sh, QStringLiteral("--env"), QStringLiteral("B=two words"), QStringLiteral("--unset-env"),
                 QStringLiteral("A"), QStringLiteral("--working-dir"), QStringLiteral("/tmp")});
        QCOMPARE(o.exitCode, 0);
        t = task(sh);
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("env")].toObject(), (QJsonObject{{QStringLiteral("B"), QStringLiteral("two words")}}));
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("working-dir")].toString(), QStringLiteral("/tmp"));
        QCOMPARE(t[QStringLiteral("parameters")][QStringLiteral("command")].toString(), QStringLiteral("make"));
    }

    void pipelines()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        const QString test = createTask({QStringLiteral("--slug"), QStringLiteral("dbt-test")});
        const QString run = createTask({QStringLiteral("--slug"), QStringLiteral("dbt-run"), QStringLiteral("--option"), QStringLiteral("select=tag:x")});
        const QString sync = createTask({QStringLiteral("--slug"), QStringLiteral("airbyte-sync"), QStringLiteral("--connection"), QStringLiteral("conn-9")});

        Outcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                         QStringLiteral("Nightly"), QStringLiteral("--task"), run, QStringLiteral("--task"), test, QStringLiteral("--task"), sync,
                         QStringLiteral("--cron"), QStringLiteral("0 2 * * *"), QStringLiteral("--tz"), QStringLiteral("Europe/Berlin")});
        QCOMPARE(o.exitCode, 0);
        const QString uuid = QString::fromUtf8(o.out).trimmed();
        QVERIFY(!QUuid::fromString(uuid).isNull());

        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), QStringLiteral("Nightly"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        const QJsonValue p = o.json();
        QCOMPARE(p[QStringLiteral("uuid")].toString(), uuid);
        QCOMPARE(p[QStringLiteral("name")].toString(), QStringLiteral("Nightly"));
        QCOMPARE(p[QStringLiteral("cron")].toString(), QStringLiteral("0 2 * * *"));
        QCOMPARE(p[QStringLiteral("timezone")].toString(), QStringLiteral("Europe/Berlin"));
        QCOMPARE(p[QStringLiteral("active")].toBool(), true);
        const QJsonArray tasks = p[QStringLiteral("tasks")].toArray();
        QStringList slugs;
        for (qsizetype i = 0; i < tasks.size(); ++i) {
            QCOMPARE(tasks[i][QStringLiteral("seq")].toInt(), int(i));
            QVERIFY(tasks[i].toObject().contains(QStringLiteral("parameters")));
            QVERIFY(tasks[i].toObject().contains(QStringLiteral("type")));
            slugs << tasks[i][QStringLiteral("slug")].toString();
        }
        QCOMPARE(slugs, (QStringList{QStringLiteral("airbyte-sync"), QStringLiteral("git-pull"), QStringLiteral("dbt-clean"),
                                     QStringLiteral("dbt-deps"), QStringLiteral("dbt-run"), QStringLiteral("dbt-test")}));
        QCOMPARE(tasks[0][QStringLiteral("uuid")].toString(), sync);
        QCOMPARE(tasks[0][QStringLiteral("type")].toString(), QStringLiteral("airbyte"));
        QCOMPARE(tasks[4][QStringLiteral("parameters")][QStringLiteral("options")][QStringLiteral("select")].toString(), QStringLiteral("tag:x"));

        // Bad schedules are refused and nothing is stored.
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                               QStringLiteral("Bad"), QStringLiteral("--cron"), QStringLiteral("0 2 * *"), QStringLiteral("--tz"), QStringLiteral("UTC")}),
                          QStringLiteral("5")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                               QStringLiteral("Bad"), QStringLiteral("--cron"), QStringLiteral("0 2 * * *"), QStringLiteral("--tz"), QStringLiteral("Moon/Base")}),
                          QStringLiteral("Moon/Base")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                               QStringLiteral("Nightly")}),
                          QStringLiteral("already has")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                               QStringLiteral("Dup"), QStringLiteral("--task"), run, QStringLiteral("--task"), run}),
                          QStringLiteral("twice")));

        // Edit: new task list without auto deps, a new schedule, inactive.
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), uuid, QStringLiteral("--task"), test, QStringLiteral("--task"), run,
                 QStringLiteral("--no-auto-deps"), QStringLiteral("--cron"), QStringLiteral("@hourly"), QStringLiteral("--inactive"),
                 QStringLiteral("--continue-on-sync-failure"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("tasks")].toArray().size(), 2);
        QCOMPARE(o.json()[QStringLiteral("tasks")][0][QStringLiteral("uuid")].toString(), test);
        QCOMPARE(o.json()[QStringLiteral("tasks")][1][QStringLiteral("seq")].toInt(), 1);
        QCOMPARE(o.json()[QStringLiteral("cron")].toString(), QStringLiteral("@hourly"));
        QCOMPARE(o.json()[QStringLiteral("timezone")].toString(), QStringLiteral("Europe/Berlin"));
        QCOMPARE(o.json()[QStringLiteral("active")].toBool(), false);
        QCOMPARE(o.json()[QStringLiteral("continue_on_sync_failure")].toBool(), true);

        o = ctl({QStringLiteral("pipeline"), QStringLiteral("enable"), QStringLiteral("Nightly"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("active")].toBool(), true);
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("disable"), uuid});
        QCOMPARE(o.exitCode, 0);

        o = ctl({QStringLiteral("pipeline"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json().toArray().size(), 1);
        QCOMPARE(o.json()[0][QStringLiteral("active")].toBool(), false);

        QVERIFY(userError(ctl({QStringLiteral("task"), QStringLiteral("delete"), run}), QStringLiteral("Nightly")));
        QCOMPARE(ctl({QStringLiteral("pipeline"), QStringLiteral("delete"), uuid}).exitCode, 0);
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("show"), uuid}), uuid));
        QCOMPARE(ctl({QStringLiteral("task"), QStringLiteral("delete"), run}).exitCode, 0);
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--json")});
        QCOMPARE(o.json().toArray().size(), 0);
    }

    // --agent-tag / --no-agent-tag and --retry-policy on create and edit, shown by `pipeline show`
    // (text and --json); a bad policy is a user error naming the key, and nothing changes.
    void pipelineAgentTagAndRetryPolicy()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        const QString policy = QStringLiteral(R"({"default": {"retries": 2, "delays_s": [30]}, "tasks": {"dbt-run": {"timeout_s": 600}}})");
        Outcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                         QStringLiteral("Nightly"), QStringLiteral("--agent-tag"), QStringLiteral("has-dbt"), QStringLiteral("--retry-policy"), policy});
        QCOMPARE(o.exitCode, 0);
        const QString uuid = QString::fromUtf8(o.out).trimmed();

        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), QStringLiteral("Nightly"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("agent_tag")].toString(), QStringLiteral("has-dbt"));
        QCOMPARE(o.json()[QStringLiteral("retry_policy")][QStringLiteral("default")][QStringLiteral("retries")].toInt(), 2);
        QCOMPARE(o.json()[QStringLiteral("retry_policy")][QStringLiteral("tasks")][QStringLiteral("dbt-run")][QStringLiteral("timeout_s")].toInt(), 600);
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), uuid});
        QCOMPARE(o.exitCode, 0);
        QVERIFY2(o.out.contains("agent tag: has-dbt"), o.out.constData());
        QVERIFY2(o.out.contains("\"retries\":2"), o.out.constData());

        // A bad policy: exit 1, one line naming the key; the stored policy is unchanged.
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), uuid, QStringLiteral("--retry-policy"),
                               QStringLiteral(R"({"default": {"retries": -1}})")}),
                          QStringLiteral("retry_policy.default.retries")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                               QStringLiteral("Other"), QStringLiteral("--retry-policy"), QStringLiteral(R"({"tasks": {"dbt-run": {"retry": 1}}})")}),
                          QStringLiteral("retry_policy.tasks.dbt-run.retry")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), uuid, QStringLiteral("--agent-tag"), QStringLiteral("x"),
                               QStringLiteral("--no-agent-tag")}),
                          QStringLiteral("contradict")));
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), uuid, QStringLiteral("--json")});
        QCOMPARE(o.json()[QStringLiteral("retry_policy")][QStringLiteral("default")][QStringLiteral("retries")].toInt(), 2);
        QCOMPARE(o.json()[QStringLiteral("agent_tag")].toString(), QStringLiteral("has-dbt"));

        // Edit: another tag, then none; the policy is kept unless given.
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), uuid, QStringLiteral("--agent-tag"), QStringLiteral("big-box"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("agent_tag")].toString(), QStringLiteral("big-box"));
        QCOMPARE(o.json()[QStringLiteral("retry_policy")][QStringLiteral("default")][QStringLiteral("retries")].toInt(), 2);
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), uuid, QStringLiteral("--no-agent-tag"), QStringLiteral("--retry-policy"), QStringLiteral("{}"),
                 QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.json()[QStringLiteral("agent_tag")].isNull());
        QCOMPARE(o.json()[QStringLiteral("retry_policy")].toObject(), QJsonObject());
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), uuid});
        QVERIFY2(o.out.contains("agent tag: none"), o.out.constData());
    }

    void databaseErrorsExitTwo()
    {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost, 0));
        const int port = s.serverPort();
        s.close();
        Outcome o = ctl({QStringLiteral("org"), QStringLiteral("list")}, QStringLiteral("postgresql://sluice@127.0.0.1:%1/sluice").arg(port));
        QCOMPARE(o.exitCode, 2);
        QCOMPARE(o.err.count('\n'), 1);
        QVERIFY(o.err.contains("cannot connect to PostgreSQL"));

        o = ctl({QStringLiteral("org"), QStringLiteral("list")}, QStringLiteral("mysql://x@y/z"));
        QVERIFY(userError(o, QStringLiteral("sqlite:///")));
        o = ctl({QStringLiteral("org"), QStringLiteral("list")}, QStringLiteral("postgresql://u:hunter2@127.0.0.1/db"));
        QVERIFY(userError(o, QStringLiteral("PGPASSWORD")));
        QVERIFY(!o.err.contains("hunter2"));
    }

    // `pipeline next`: fire times strictly after --from, UTC and local, through the DST gap (cronie's rule:
    // both gap times collapse into one fire at 03:00 CEST); a manual pipeline is a user error.
    void pipelineNext()
    {
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}).exitCode, 0);
        QCOMPARE(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                      QStringLiteral("Nightly"), QStringLiteral("--cron"), QStringLiteral("0,30 2 * * *"), QStringLiteral("--tz"), QStringLiteral("Europe/Berlin")})
                     .exitCode,
                 0);
        QCOMPARE(ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                      QStringLiteral("ByHand")})
                     .exitCode,
                 0);

        Outcome o = ctl({QStringLiteral("--json"), QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("Nightly"), QStringLiteral("--count"),
                         QStringLiteral("3"), QStringLiteral("--from"), QStringLiteral("2026-03-28T12:00:00Z")});
        QCOMPARE(o.exitCode, 0);
        const QJsonArray fires = o.json().toArray();
        QCOMPARE(fires.size(), 3);
        const QStringList utc{QStringLiteral("2026-03-29T01:00:00Z"), QStringLiteral("2026-03-30T00:00:00Z"), QStringLiteral("2026-03-30T00:30:00Z")};
        const QStringList local{QStringLiteral("2026-03-29T03:00:00+02:00"), QStringLiteral("2026-03-30T02:00:00+02:00"),
                                QStringLiteral("2026-03-30T02:30:00+02:00")};
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(fires[i][QStringLiteral("utc")].toString(), utc[i]);
            QCOMPARE(fires[i][QStringLiteral("local")].toString(), local[i]);
        }
        // Strictly after --from; the default count is 5; the plain output shows both columns.
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("Nightly"), QStringLiteral("--from"), QStringLiteral("2026-03-29T01:00:00Z")});
        QCOMPARE(o.exitCode, 0);
        const QStringList lines = QString::fromUtf8(o.out).trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 6);
        QVERIFY2(lines[1].contains(QLatin1String("2026-03-30T00:00:00Z")) && lines[1].contains(QLatin1String("2026-03-30T02:00:00+02:00")), qPrintable(lines[1]));
        o = ctl({QStringLiteral("--json"), QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("Nightly")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json().toArray().size(), 5);
        QVERIFY(QDateTime::fromString(o.json()[0][QStringLiteral("utc")].toString(), Qt::ISODate) > QDateTime::currentDateTimeUtc().addSecs(-60));

        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("ByHand")}), QStringLiteral("manual")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("Nightly"), QStringLiteral("--count"), QStringLiteral("0")}),
                          QStringLiteral("--count")));
        QVERIFY(userError(ctl({QStringLiteral("pipeline"), QStringLiteral("next"), QStringLiteral("Nightly"), QStringLiteral("--from"), QStringLiteral("yesterday")}),
                          QStringLiteral("--from")));
    }
};

QTEST_GUILESS_MAIN(tst_Sluicectl)
#include "tst_sluicectl.moc"
