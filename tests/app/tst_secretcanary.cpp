// Secrets never leak (issue 3, item 7). Canary secrets — a git token, a warehouse password, an
// Airbyte password and a webhook URL — go into the keychain; then every operation that uses them runs
// for real through sluicectl: a clone and a pull over HTTP from a server that demands the token, dbt
// through the double (which checks the profile needs the password from its environment), Airbyte
// health, connections and a sync against a double that demands the password. Afterwards the canaries
// are searched for in the database, every file the run wrote (the checkout's .git/config included),
// every line the commands printed, and the argv of every child: zero hits.
#include "airbytedouble.h"
#include "githttpserver.h"
#include "gitrepos.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace sluice::test;

namespace {

QByteArray canary(const char *what)
{
    return QByteArray(what) + "-canary-" + QUuid::createUuid().toByteArray(QUuid::Id128).left(16);
}

} // namespace

class tst_SecretCanary : public QObject
{
    Q_OBJECT

    const QByteArray m_gitToken = canary("ghtoken");
    const QByteArray m_dbPassword = canary("dbpass");
    const QByteArray m_airbytePassword = canary("abpass");
    const QByteArray m_sourcePassword = canary("srcpass");   // an Airbyte source's airbyte_secret field
    const QByteArray m_webhook = "https://hooks.slack.invalid/services/" + canary("webhook");

    QTemporaryDir m_root;
    QDateTime m_started = QDateTime::currentDateTime();
    std::unique_ptr<GitHttpServerThread> m_git;
    std::unique_ptr<AirbyteDouble> m_airbyte;
    QString m_connection;
    QString m_workspace;
    QStringList m_argvSeen;       // every argv handed to a child
    QByteArray m_printed;         // everything the commands printed

    QString db() const { return QStringLiteral("sqlite://") + m_root.filePath(QStringLiteral("sluice.db")); }
    QString argvFile() const { return m_root.filePath(QStringLiteral("dbt-argv.txt")); }

    // Runs sluicectl, serving the in-process Airbyte double while it runs. Returns the exit code.
    int ctl(const QStringList &args, const QByteArray &stdinData = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLUICE_DBT_DOUBLE_CHECK_PROFILE"), QStringLiteral("1"));
        env.insert(QStringLiteral("SLUICE_DBT_DOUBLE_ARGV_FILE"), argvFile());
        p.setProcessEnvironment(env);
        const QStringList argv = QStringList{QStringLiteral("--db"), db()} + args;
        m_argvSeen << argv;
        QSignalSpy done(&p, &QProcess::finished);
        p.start(QStringLiteral(SLUICECTL_PATH), argv);
        if (!p.waitForStarted(10000))
            return -1;
        p.write(stdinData);
        p.closeWriteChannel();
        if (!done.wait(120000))
            return -2;
        const QByteArray out = p.readAllStandardOutput();
        const QByteArray err = p.readAllStandardError();
        m_printed += out + err;
        if (p.exitCode() != 0)
            qWarning().noquote() << "sluicectl" << args.join(QLatin1Char(' ')) << "exited" << p.exitCode() << err;
        return p.exitCode();
    }

    // Every file below `dir` (written since the test started when `recentOnly`) that holds `needle`.
    QStringList filesHolding(const QString &dir, const QByteArray &needle, bool recentOnly)
    {
        QStringList hits;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System | QDir::NoSymLinks, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QFileInfo info(path);
            if (recentOnly && info.lastModified() < m_started.addSecs(-1))
                continue;
            if (info.size() > 64 * 1024 * 1024)
                continue;
            QFile f(path);
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(needle))
                hits << path;
        }
        return hits;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"), "runs inside tests/support/with-keyring.sh");
        QVERIFY(m_root.isValid());

        GitRepos repos(m_root.filePath(QStringLiteral("git")));
        QString error;
        QVERIFY2(repos.create(QStringLiteral("jaffle"), &error), qPrintable(error));
        m_git = std::make_unique<GitHttpServerThread>(repos.reposRoot(), QString::fromUtf8(m_gitToken));
        QVERIFY(m_git->isListening());

        AirbyteDouble::Options options;
        options.auth = AirbyteDouble::Auth::Basic;
        options.secret = QString::fromUtf8(m_airbytePassword);
        m_airbyte = std::make_unique<AirbyteDouble>(options);
        QVERIFY(m_airbyte->listen() != 0);
        m_workspace = m_airbyte->addWorkspace(QStringLiteral("acme"));
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("crm"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("warehouse"));
        m_connection = m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("crm → warehouse"));
    }

    void everyOperationRunsWithTheSecrets()
    {
        const QString airbyteServer = QStringLiteral("127.0.0.1:%1").arg(m_airbyte->port());
        QCOMPARE(ctl({QStringLiteral("db"), QStringLiteral("init")}), 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")}), 0);
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("org/acme/git-token")}, m_gitToken + '\n'), 0);
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("org/acme/warehouse")}, m_dbPassword + '\n'), 0);
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("notify/acme/slack")}, m_webhook + '\n'), 0);

        // Git over HTTP: the server answers 401 without the token, so a clone proves it was sent.
        QCOMPARE(ctl({QStringLiteral("workspace"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"),
                      QStringLiteral("--git-url"), m_git->server()->urlFor(QStringLiteral("jaffle")), QStringLiteral("--branch"), QStringLiteral("main"),
                      QStringLiteral("--checkout"), m_root.filePath(QStringLiteral("checkout")), QStringLiteral("--dbt"), QStringLiteral(DBTDOUBLE_PATH)}),
                 0);
        QCOMPARE(ctl({QStringLiteral("workspace"), QStringLiteral("clone"), QStringLiteral("--org"), QStringLiteral("acme")}), 0);
        QCOMPARE(ctl({QStringLiteral("workspace"), QStringLiteral("pull"), QStringLiteral("--org"), QStringLiteral("acme")}), 0);
        QVERIFY(QFile::exists(m_root.filePath(QStringLiteral("checkout/.git/config"))));
        bool authorised = false;
        for (const auto &r : m_git->server()->requests())
            authorised = authorised || r.authorized;
        QVERIFY(authorised);

        // dbt: the double refuses to run unless the profile's env_var() for the password is set.
        QCOMPARE(ctl({QStringLiteral("warehouse"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--type"),
                      QStringLiteral("postgres"), QStringLiteral("--setting"), QStringLiteral("host=db.example"), QStringLiteral("--setting"),
                      QStringLiteral("port=5432"), QStringLiteral("--setting"), QStringLiteral("user=analyst"), QStringLiteral("--setting"),
                      QStringLiteral("dbname=warehouse"), QStringLiteral("--setting"), QStringLiteral("schema=analytics")}),
                 0);
        QCOMPARE(ctl({QStringLiteral("dbt"), QStringLiteral("exec"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--"), QStringLiteral("run")}), 0);
        QVERIFY(QFile::exists(argvFile()));

        // Airbyte with basic auth: every call is refused without the password.
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("server"), QStringLiteral("set"), QStringLiteral("--url"),
                      QStringLiteral("http://") + airbyteServer, QStringLiteral("--auth"), QStringLiteral("basic"), QStringLiteral("--user"),
                      QStringLiteral("airbyte"), QStringLiteral("--name"), QStringLiteral("local")}),
                 0);
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("airbyte/local")}, m_airbytePassword + '\n'), 0);
        QCOMPARE(ctl({QStringLiteral("org"), QStringLiteral("set"), QStringLiteral("acme"), QStringLiteral("--airbyte-workspace"), m_workspace}), 0);
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("health")}), 0);
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("connections"), QStringLiteral("--org"), QStringLiteral("acme")}), 0);
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("sync"), m_connection, QStringLiteral("--wait"), QStringLiteral("--poll"), QStringLiteral("1")}), 0);
        QVERIFY(m_airbyte->count(QStringLiteral("connections/sync")) >= 1);

        // A source from a connector spec, its secret from stdin: checked against the spec, sent to
        // Airbyte (which keeps it), never written by Sluice. A file missing a required field is
        // refused before anything is sent, naming the field.
        QFile specFile(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/source-warehouse-db.json"));
        QVERIFY(specFile.open(QIODevice::ReadOnly));
        const QString definition = m_airbyte->addSourceDefinition(QStringLiteral("Warehouse DB"), QJsonDocument::fromJson(specFile.readAll()).object());
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("definitions"), QStringLiteral("--org"), QStringLiteral("acme")}), 0);
        QVERIFY(m_printed.contains(definition.toUtf8()));
        const QString configPath = m_root.filePath(QStringLiteral("source.json"));
        {
            QFile config(configPath);
            QVERIFY(config.open(QIODevice::WriteOnly));
            config.write(R"({"host": "db.internal", "port": 5432, "database": "shop", "ssl_mode": {"mode": "disable"}})");
        }
        const QStringList create{QStringLiteral("airbyte"), QStringLiteral("sources"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"),
                                 QStringLiteral("--definition"), definition, QStringLiteral("--name"), QStringLiteral("Shop DB"),
                                 QStringLiteral("--config"), configPath, QStringLiteral("--secrets-stdin")};
        const qsizetype printedBefore = m_printed.size();
        QCOMPARE(ctl(create, R"({"password": ")" + m_sourcePassword + R"("})"), 1);
        QVERIFY2(m_printed.mid(printedBefore).contains("username: required"), m_printed.mid(printedBefore).constData());
        QCOMPARE(m_airbyte->count(QStringLiteral("sources/create")), 0);
        QCOMPARE(ctl(create, R"({"username": "loader", "password": ")" + m_sourcePassword + R"("})"), 0);
        QCOMPARE(m_airbyte->count(QStringLiteral("sources/create")), 1);
        QString createdName;
        for (const auto &r : m_airbyte->requests())
            if (r.endpoint == QLatin1String("sources/create"))
                createdName = r.body.value(u"name").toString();
        QCOMPARE(createdName, QStringLiteral("Shop DB"));
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("sources"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")}), 0);
        QVERIFY(m_printed.contains("Shop DB"));
        // The source the connection uses cannot be deleted: the refusal names the connection.
        const qsizetype beforeDelete = m_printed.size();
        QCOMPARE(ctl({QStringLiteral("airbyte"), QStringLiteral("sources"), QStringLiteral("delete"), m_airbyte->connectionSource(m_connection),
                      QStringLiteral("--org"), QStringLiteral("acme")}), 1);
        QVERIFY2(m_printed.mid(beforeDelete).contains("crm \xE2\x86\x92 warehouse"), m_printed.mid(beforeDelete).constData());
        QVERIFY(m_airbyte->hasSource(m_airbyte->connectionSource(m_connection)));

        // Catalog work touches the database too.
        QCOMPARE(ctl({QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--slug"),
                      QStringLiteral("airbyte-sync"), QStringLiteral("--connection"), m_connection}),
                 0);
        QCOMPARE(ctl({QStringLiteral("secrets"), QStringLiteral("check"), QStringLiteral("notify/acme/slack")}), 0);
    }

    void noCanaryAnywhere_data()
    {
        QTest::addColumn<QByteArray>("secret");
        QTest::newRow("git token") << m_gitToken;
        QTest::newRow("warehouse password") << m_dbPassword;
        QTest::newRow("airbyte password") << m_airbytePassword;
        QTest::newRow("airbyte source secret") << m_sourcePassword;
        QTest::newRow("webhook url") << m_webhook;
    }

    void noCanaryAnywhere()
    {
        QFETCH(QByteArray, secret);
        {
            // The search itself works: a planted copy is found.
            const QString planted = m_root.filePath(QStringLiteral("checkout/.git/planted"));
            QFile f(planted);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("x" + secret + "y");
            f.close();
            QCOMPARE(filesHolding(m_root.path(), secret, false), QStringList{planted});
            QVERIFY(QFile::remove(planted));
        }
        QVERIFY(!m_printed.isEmpty());
        QVERIFY2(!m_printed.contains(secret), "printed by a command");
        for (const QString &arg : std::as_const(m_argvSeen))
            QVERIFY2(!arg.toUtf8().contains(secret), "in sluicectl's argv");
        QFile argv(argvFile());
        QVERIFY(argv.open(QIODevice::ReadOnly));
        QVERIFY2(!argv.readAll().contains(secret), "in dbt's argv");

        // The database, the checkout (.git/config included), everything under the test's folder and under
        // HOME (the keyring holds the values encrypted), and whatever sluicectl left in the temp folder.
        QStringList hits = filesHolding(m_root.path(), secret, false);
        hits += filesHolding(QDir::homePath(), secret, false);
        const QStringList ours = QDir::temp().entryList({QStringLiteral("sluicectl*"), QStringLiteral("sluice-*"), QStringLiteral("dbt*")},
                                                        QDir::Dirs | QDir::Files | QDir::NoDotAndDotDot);
        for (const QString &entry : ours) {
            if (entry.startsWith(QLatin1String("sluice-pg")))   // the test PostgreSQL server's data
                continue;
            hits += filesHolding(QDir::temp().filePath(entry), secret, true);
        }
        QVERIFY2(hits.isEmpty(), qPrintable(hits.join(QStringLiteral(", "))));
    }
};

QTEST_GUILESS_MAIN(tst_SecretCanary)
#include "tst_secretcanary.moc"
