// Your warehouse, as a person uses it: the real MainWindow wired by DesktopServices, a real store of each
// backend, a real keychain (gnome-keyring in a private session), the dbt double replaying dbt 1.8.9's
// recorded `dbt debug` (a warehouse that answers, one that refuses the connection) and the Airbyte
// double. A postgres warehouse is typed (the port as a number), tested, refused while a required field is
// empty, saved — the password in the keychain only, the Airbyte destination made from the same settings
// against the connector's spec and its id stored — edited (the destination updated, the stored password
// kept), and tested from sluicectl.
#include "airbytedouble.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "mainwindow.h"
#include "itemmodels/ingestmodels.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/ingestpage.h"
#include "pages/ingest/warehousetab.h"
#include "secrets/secretstore.h"
#include "services/ingestservice.h"
#include "store/airbyteserverstore.h"
#include "store/orgstore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QSqlRecord>
#include <QTabWidget>
#include <QTest>

#include <QCoro/QCoroTask>

using namespace sluice;
using sluice::test::AirbyteDouble;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
const QString kPassword = QStringLiteral("pw-Canary-7f3a91");

QJsonObject specDocument(const QString &file)
{
    QFile f(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/") + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QLineEdit *lineFor(WarehouseTab *tab, const QString &key) { return qobject_cast<QLineEdit *>(tab->editorFor(key)); }

void type(QLineEdit *line, const QString &text)
{
    QVERIFY(line);
    line->setText(text);
    Q_EMIT line->textEdited(text);
}
} // namespace

class tst_WarehouseTab : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;
    std::unique_ptr<AirbyteDouble> m_airbyte;
    QString m_workspace;

    struct Window {
        MainWindow window;
        DesktopServices services;
        explicit Window(const DbUrl &url) : services(window, url, test::desktopTestOptions(kActor))
        {
            window.show();
            window.showPage(MainWindow::Ingest);
            services.start();
            window.ingestPage()->tabs()->setCurrentIndex(2);
        }
        WarehouseTab *tab() const { return window.ingestPage()->warehouseTab(); }
    };

    int sluicectl(const QStringList &args, QByteArray *out = nullptr)
    {
        QProcess p;
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_db->url().toString()} + args);
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 60'000)) {
            p.kill();
            p.waitForFinished();
            return -2;
        }
        if (out)
            *out = p.readAllStandardOutput();
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    static QString keychainValue(const QString &key)
    {
        auto v = QCoro::waitFor(SecretStore().get(key));
        return v && v->has_value() ? **v : QString();
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_airbyte = std::make_unique<AirbyteDouble>();
        QVERIFY(m_airbyte->listen() != 0);
        AirbyteServer s;
        s.url = m_airbyte->url();
        s.authKind = AirbyteAuthKind::None;
        QVERIFY(AirbyteServerStore(*m_db, kActor).set(s));
        m_workspace = m_airbyte->addWorkspace(QStringLiteral("Default"));
        QVERIFY(OrgStore(*m_db, kActor).setAirbyteWorkspace(m_org.slug, m_workspace));
        m_airbyte->addDestinationDefinition(QStringLiteral("Postgres"), specDocument(QStringLiteral("destination-postgres.json")),
                                            QStringLiteral("airbyte/destination-postgres"));
        m_airbyte->addDestinationDefinition(QStringLiteral("Snowflake"), specDocument(QStringLiteral("destination-snowflake.json")),
                                            QStringLiteral("airbyte/destination-snowflake"));
        // The workspace: a checkout with a project, and the dbt double as its dbt.
        const QString checkout = m_fixture.tempDir().filePath(QStringLiteral("checkout-%1").arg(m_org.slug));
        QVERIFY(QDir().mkpath(checkout + QStringLiteral("/jaffle")));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://git.example/acme/jaffle.git");
        ws.projectDir = QStringLiteral("jaffle");
        ws.checkoutPath = checkout;
        ws.dbtExecutable = QStringLiteral(DBTDOUBLE_PATH);
        QVERIFY(WorkspaceStore(*m_db, kActor).set(m_org.id, ws));
        // The profile must be as dbt needs it: private, every env_var it names set.
        qputenv("SLUICE_DBT_DOUBLE_CHECK_PROFILE", "1");
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "ok");
        QVERIFY(QCoro::waitFor(SecretStore().remove(SecretStore::warehouseKey(m_org.slug))));
    }

    void cleanup()
    {
        m_db.reset();
        m_airbyte.reset();
    }

    void typeTestSaveAndEdit()
    {
        Window w(m_db->url());
        WarehouseTab *tab = w.tab();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("No warehouse yet")), qPrintable(tab->statusLabel()->text()), 15'000);

        // The postgres form asks what dbt-postgres takes; the port is a number.
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("postgres")));
        QVERIFY(qobject_cast<QSpinBox *>(tab->editorFor(QStringLiteral("port"))));
        for (const QString &key : {QStringLiteral("host"), QStringLiteral("user"), QStringLiteral("dbname"), QStringLiteral("schema")})
            QVERIFY2(tab->editorFor(key) && !tab->editorFor(key)->accessibleName().isEmpty(), qPrintable(key));
        QVERIFY(lineFor(tab, QStringLiteral("sslrootcert")));   // a file, with its own Choose… button beside it
        const auto buttons = tab->findChildren<QPushButton *>();
        QVERIFY(std::any_of(buttons.cbegin(), buttons.cend(), [tab](QPushButton *b) {
            return b->accessibleName() == QStringLiteral("Choose Root certificate file") && b->parentWidget() == lineFor(tab, QStringLiteral("sslrootcert"))->parentWidget();
        }));
        type(lineFor(tab, QStringLiteral("host")), QStringLiteral("127.0.0.1"));
        qobject_cast<QSpinBox *>(tab->editorFor(QStringLiteral("port")))->setValue(55432);
        type(lineFor(tab, QStringLiteral("user")), QStringLiteral("postgres"));
        type(lineFor(tab, QStringLiteral("schema")), QStringLiteral("dbt_dev"));
        type(tab->secretEdit(), kPassword);

        // A required field left empty is named before anything runs.
        tab->saveButton()->click();
        QCOMPARE(tab->resultLabel()->text(), QStringLiteral("Fill in Database."));
        type(lineFor(tab, QStringLiteral("dbname")), QStringLiteral("jaffle"));

        // Test: dbt debug on what is typed (nothing saved yet).
        tab->testButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("All checks passed")), qPrintable(tab->resultLabel()->text()), 30'000);
        QVERIFY(tab->resultLabel()->text().contains(QStringLiteral("✓ Connection test — connection ok")));
        QVERIFY(!WarehouseStore(*m_db, kActor).get(m_org.id));
        QVERIFY(keychainValue(SecretStore::warehouseKey(m_org.slug)).isEmpty());

        // A warehouse that refuses the connection: the failing check is named, the form keeps its values.
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "bad_conn");
        tab->testButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("Connection test failed — connection refused")),
                                  qPrintable(tab->resultLabel()->text()), 30'000);
        QCOMPARE(lineFor(tab, QStringLiteral("host"))->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(tab->secretEdit()->text(), kPassword);
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "ok");

        // Save: settings in the store, the password in the keychain only, the destination made and its id kept.
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("The warehouse is saved")), qPrintable(tab->resultLabel()->text()), 30'000);
        QVERIFY2(tab->resultLabel()->text().contains(QStringLiteral("destination is up to date")), qPrintable(tab->resultLabel()->text()));
        auto saved = WarehouseStore(*m_db, kActor).get(m_org.id);
        QVERIFY(saved);
        QCOMPARE(saved->type, QStringLiteral("postgres"));
        QCOMPARE(saved->settings.value(QLatin1String("port")).toInt(), 55432);
        QCOMPARE(saved->settings.value(QLatin1String("dbname")).toString(), QStringLiteral("jaffle"));
        QCOMPARE(keychainValue(SecretStore::warehouseKey(m_org.slug)), kPassword);
        QVERIFY(tab->secretEdit()->text().isEmpty());
        const QString destinationId = saved->airbyteDestinationId;
        QVERIFY(!destinationId.isEmpty());
        QJsonObject config = m_airbyte->storedConfiguration(destinationId);
        QCOMPARE(config.value(QLatin1String("host")).toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(config.value(QLatin1String("port")).toInt(), 55432);
        QCOMPARE(config.value(QLatin1String("database")).toString(), QStringLiteral("jaffle"));
        QCOMPARE(config.value(QLatin1String("username")).toString(), QStringLiteral("postgres"));
        QCOMPARE(config.value(QLatin1String("schema")).toString(), QStringLiteral("dbt_dev"));
        QCOMPARE(config.value(QLatin1String("password")).toString(), kPassword);
        QTRY_VERIFY2_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("Airbyte destination:")), qPrintable(tab->statusLabel()->text()), 15'000);
        QVERIFY(tab->statusLabel()->text().contains(QStringLiteral("The password is in the keychain")));
        QVERIFY2(tab->secretEdit()->placeholderText().contains(QStringLiteral("leave empty to keep")), qPrintable(tab->secretEdit()->placeholderText()));

        // Edit: another host; the password field left empty keeps the stored one, for dbt and Airbyte alike.
        type(lineFor(tab, QStringLiteral("host")), QStringLiteral("localhost"));
        tab->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(WarehouseStore(*m_db, kActor).get(m_org.id)->settings.value(QLatin1String("host")).toString() == QStringLiteral("localhost"),
                                 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_airbyte->storedConfiguration(destinationId).value(QLatin1String("host")).toString() == QStringLiteral("localhost"), 30'000);
        QCOMPARE(WarehouseStore(*m_db, kActor).get(m_org.id)->airbyteDestinationId, destinationId);   // updated, not made again
        QCOMPARE(m_airbyte->storedConfiguration(destinationId).value(QLatin1String("password")).toString(), kPassword);
        QCOMPARE(keychainValue(SecretStore::warehouseKey(m_org.slug)), kPassword);

        // A refresh while something is typed keeps it (Revert shows what is stored).
        type(lineFor(tab, QStringLiteral("host")), QStringLiteral("typed.but.not.saved"));
        QMetaObject::invokeMethod(w.services.ingest(), &IngestService::refresh, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("Unsaved changes")), 15'000);
        QCOMPARE(lineFor(tab, QStringLiteral("host"))->text(), QStringLiteral("typed.but.not.saved"));

        // Another type: the password in the keychain is postgres's, so it is asked for, not reused.
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("snowflake")));
        type(lineFor(tab, QStringLiteral("account")), QStringLiteral("xy12345.eu-central-1"));
        type(lineFor(tab, QStringLiteral("database")), QStringLiteral("ANALYTICS"));
        type(lineFor(tab, QStringLiteral("warehouse")), QStringLiteral("LOADING"));
        QVERIFY(tab->secretEdit()->isEnabled());
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("in the keychain is the postgres warehouse's password")),
                                  qPrintable(tab->resultLabel()->text()), 15'000);
        QCOMPARE(WarehouseStore(*m_db, kActor).get(m_org.id)->type, QStringLiteral("postgres"));
        tab->testButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("in the keychain is the postgres warehouse's password")) && tab->testButton()->isEnabled(),
                                  qPrintable(tab->resultLabel()->text()), 15'000);

        // The secret never reached the store.
        for (const QString &table : {QStringLiteral("warehouse"), QStringLiteral("audit_event"), QStringLiteral("dbt_workspace")}) {
            auto q = m_db->exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QVERIFY(q);
            while (q->next())
                for (int i = 0; i < q->record().count(); ++i)
                    QVERIFY2(!q->value(i).toString().contains(kPassword), qPrintable(table));
        }

        // sluicectl warehouse test: the same dbt debug, from the saved warehouse and the keychain.
        QByteArray out;
        QCOMPARE(sluicectl({QStringLiteral("--json"), QStringLiteral("warehouse"), QStringLiteral("test"), QStringLiteral("--org"), m_org.slug}, &out), 0);
        QJsonObject report = QJsonDocument::fromJson(out).object();
        QVERIFY2(report.value(QLatin1String("passed")).toBool(), out.constData());
        QCOMPARE(report.value(QLatin1String("checks")).toArray().size(), 4);
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "bad_conn");
        QCOMPARE(sluicectl({QStringLiteral("--json"), QStringLiteral("warehouse"), QStringLiteral("test"), QStringLiteral("--org"), m_org.slug}, &out), 1);
        report = QJsonDocument::fromJson(out).object();
        QCOMPARE(report.value(QLatin1String("failure")).toString(), QStringLiteral("connection refused"));
        QCOMPARE(report.value(QLatin1String("failed_check")).toString(), QStringLiteral("Connection test"));
        QVERIFY(!out.contains(kPassword.toUtf8()));
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "ok");

        // The type changed for good (the key typed): a new destination is made, and the one made for the
        // PostgreSQL warehouse is said to stay on the server, with the connection still writing to it.
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        m_airbyte->addConnection(m_workspace, source, destinationId, QStringLiteral("shop → warehouse"));
        QMetaObject::invokeMethod(w.services.ingest(), &IngestService::refresh, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(w.window.ingestPage()->connectionsTab()->model()->rowCount() == 1, 15'000);
        type(tab->secretEdit(), QStringLiteral("snowflake-secret"));
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("The warehouse is saved")), qPrintable(tab->resultLabel()->text()), 30'000);
        const QString said = tab->resultLabel()->text();
        QVERIFY2(said.contains(QStringLiteral("destination \"")) && said.contains(QStringLiteral("made for the former warehouse stays on the Airbyte server"))
                     && said.contains(QStringLiteral("the connection shop → warehouse still writes to it")),
                 qPrintable(said));
        QCOMPARE(WarehouseStore(*m_db, kActor).get(m_org.id)->type, QStringLiteral("snowflake"));
        QVERIFY(WarehouseStore(*m_db, kActor).get(m_org.id)->airbyteDestinationId != destinationId);
        QVERIFY2(!m_airbyte->storedConfiguration(destinationId).isEmpty(), "the former destination is left on the server");
    }

    // Snowflake with key-pair sign-in: choosing a key file turns the password into the key's passphrase
    // (an unencrypted key may go without); Test runs dbt debug with the key; Save keeps the passphrase in
    // the keychain only, the path in the store, and gives Airbyte the key itself in its Key Pair branch.
    void snowflakeKeyPair()
    {
        const QString pem = QStringLiteral("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----");
        const QString keyPath = m_fixture.tempDir().filePath(QStringLiteral("snowflake-%1.p8").arg(m_org.slug));
        {
            QFile key(keyPath);
            QVERIFY(key.open(QIODevice::WriteOnly));
            key.write(pem.toUtf8());
        }
        const QString passphrase = QStringLiteral("key-pass-9");
        Window w(m_db->url());
        WarehouseTab *tab = w.tab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("No warehouse yet")), 15'000);
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("snowflake")));
        QVERIFY(tab->withoutSecretBox()->isHidden());   // a password is always needed
        QCOMPARE(tab->secretEdit()->accessibleName(), QStringLiteral("Password"));
        type(lineFor(tab, QStringLiteral("account")), QStringLiteral("xy12345"));
        type(lineFor(tab, QStringLiteral("user")), QStringLiteral("LOADER"));
        type(lineFor(tab, QStringLiteral("database")), QStringLiteral("ANALYTICS"));
        type(lineFor(tab, QStringLiteral("warehouse")), QStringLiteral("LOADING"));
        type(lineFor(tab, QStringLiteral("schema")), QStringLiteral("RAW"));
        type(lineFor(tab, QStringLiteral("role")), QStringLiteral("LOADER_ROLE"));
        type(lineFor(tab, QStringLiteral("private_key_path")), keyPath);
        QCOMPARE(tab->secretEdit()->accessibleName(), QStringLiteral("Private key passphrase"));
        QVERIFY(!tab->withoutSecretBox()->isHidden());
        QVERIFY(tab->withoutSecretBox()->text().contains(QStringLiteral("no passphrase")));
        type(tab->secretEdit(), passphrase);

        tab->testButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("All checks passed")) && tab->testButton()->isEnabled(),
                                  qPrintable(tab->resultLabel()->text()), 30'000);

        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("The warehouse is saved")), qPrintable(tab->resultLabel()->text()), 30'000);
        QVERIFY2(tab->resultLabel()->text().contains(QStringLiteral("destination is up to date")), qPrintable(tab->resultLabel()->text()));
        QCOMPARE(keychainValue(SecretStore::warehouseKey(m_org.slug)), passphrase);
        auto saved = WarehouseStore(*m_db, kActor).get(m_org.id);
        QVERIFY(saved);
        QCOMPARE(saved->settings.value(QLatin1String("private_key_path")).toString(), keyPath);
        QVERIFY(!saved->settings.contains(QLatin1String("private_key")));
        const QJsonObject credentials = m_airbyte->storedConfiguration(saved->airbyteDestinationId).value(QLatin1String("credentials")).toObject();
        QCOMPARE(credentials.value(QLatin1String("auth_type")).toString(), QStringLiteral("Key Pair Authentication"));
        QCOMPARE(credentials.value(QLatin1String("private_key")).toString(), pem);
        QCOMPARE(credentials.value(QLatin1String("private_key_password")).toString(), passphrase);
        // Neither the key nor its passphrase reached the store.
        for (const QString &table : {QStringLiteral("warehouse"), QStringLiteral("audit_event")}) {
            auto q = m_db->exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QVERIFY(q);
            while (q->next())
                for (int i = 0; i < q->record().count(); ++i)
                    QVERIFY2(!q->value(i).toString().contains(passphrase) && !q->value(i).toString().contains(QStringLiteral("MIIFHDBOBgkq")),
                             qPrintable(table));
        }

        // An unencrypted key: saved without a passphrase, and shown again so (the saved form offers the box).
        tab->withoutSecretBox()->setChecked(true);
        tab->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!WarehouseStore(*m_db, kActor).get(m_org.id)->usesSecret, 30'000);
        QTRY_VERIFY_WITH_TIMEOUT(!tab->saveButton()->isEnabled() || tab->statusLabel()->text().contains(QStringLiteral("Airbyte destination:")), 15'000);
        QTest::qWait(300);
        QVERIFY(!tab->withoutSecretBox()->isHidden());
        QVERIFY2(tab->withoutSecretBox()->isChecked(), "the stored choice survives the form being shown again");
        {
            // Opened afresh (the form shown first is another type's): still without a passphrase.
            Window again(m_db->url());
            QTRY_VERIFY_WITH_TIMEOUT(again.tab()->statusLabel()->text().contains(QStringLiteral("Airbyte destination")), 15'000);
            QTRY_COMPARE_WITH_TIMEOUT(again.tab()->typeBox()->currentData().toString(), QStringLiteral("snowflake"), 15'000);
            QVERIFY(!again.tab()->withoutSecretBox()->isHidden());
            QVERIFY2(again.tab()->withoutSecretBox()->isChecked(), "a key saved without a passphrase is shown so");
        }

        // Back to a password: what the keychain still holds (the old passphrase) is not taken for one.
        lineFor(tab, QStringLiteral("private_key_path"))->clear();
        Q_EMIT lineFor(tab, QStringLiteral("private_key_path"))->textEdited(QString());
        QCOMPARE(tab->secretEdit()->accessibleName(), QStringLiteral("Password"));
        tab->secretEdit()->clear();
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("Type the password: the warehouse was saved without one")),
                                  qPrintable(tab->resultLabel()->text()), 15'000);

        // A file that is no key: the warehouse is saved, its destination not, and the file is named.
        QFile notKey(keyPath);
        QVERIFY(notKey.open(QIODevice::WriteOnly | QIODevice::Truncate));
        notKey.write("not a key\n");
        notKey.close();
        type(lineFor(tab, QStringLiteral("private_key_path")), keyPath);
        tab->withoutSecretBox()->setChecked(true);
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("is not a private key in PEM form")),
                                  qPrintable(tab->resultLabel()->text()), 30'000);
    }

    // Databricks: Airbyte's destination needs the JDBC driver's terms agreed to, which only the user's
    // tick in the form gives; without it the warehouse is saved and the destination is not made, saying why.
    void databricksAsksForTheDriverTerms()
    {
        m_airbyte->addDestinationDefinition(QStringLiteral("Databricks Lakehouse"), specDocument(QStringLiteral("destination-databricks.json")),
                                            QStringLiteral("airbyte/destination-databricks"));
        Window w(m_db->url());
        WarehouseTab *tab = w.tab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("No warehouse yet")), 15'000);
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("databricks")));
        auto *terms = qobject_cast<QCheckBox *>(tab->editorFor(QStringLiteral("accept_terms")));
        QVERIFY(terms);
        QVERIFY(!terms->isChecked());
        QVERIFY(!terms->accessibleName().isEmpty());
        type(lineFor(tab, QStringLiteral("host")), QStringLiteral("adb-1234.5.azuredatabricks.net"));
        type(lineFor(tab, QStringLiteral("http_path")), QStringLiteral("/sql/1.0/warehouses/abc"));
        type(lineFor(tab, QStringLiteral("schema")), QStringLiteral("raw"));
        type(lineFor(tab, QStringLiteral("catalog")), QStringLiteral("main"));
        type(tab->secretEdit(), QStringLiteral("dapi-token-1"));
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("JDBC driver terms are agreed to")),
                                  qPrintable(tab->resultLabel()->text()), 30'000);
        QVERIFY(WarehouseStore(*m_db, kActor).get(m_org.id)->airbyteDestinationId.isEmpty());
        // The saved warehouse is shown again (its form rebuilt): the box is the new form's.
        QTRY_VERIFY_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("No Airbyte destination is made from it yet")), 15'000);
        terms = qobject_cast<QCheckBox *>(tab->editorFor(QStringLiteral("accept_terms")));
        QVERIFY(terms && !terms->isChecked());
        terms->setChecked(true);
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("destination is up to date")),
                                  qPrintable(tab->resultLabel()->text()), 30'000);
        const auto saved = WarehouseStore(*m_db, kActor).get(m_org.id);
        QVERIFY(saved && !saved->airbyteDestinationId.isEmpty());
        QCOMPARE(saved->settings.value(QLatin1String("accept_terms")).toBool(), true);
        const QJsonObject config = m_airbyte->storedConfiguration(saved->airbyteDestinationId);
        QCOMPARE(config.value(QLatin1String("accept_terms")).toBool(), true);
        QCOMPARE(config.value(QLatin1String("database")).toString(), QStringLiteral("main"));
        QCOMPARE(config.value(QLatin1String("authentication")).toObject().value(QLatin1String("personal_access_token")).toString(),
                 QStringLiteral("dapi-token-1"));
    }

    // A connector the server lacks, or a spec the warehouse cannot fill, still saves the warehouse and
    // says what did not reach Airbyte; switching types keeps the shared fields' values.
    void destinationProblemsAreNamed()
    {
        Window w(m_db->url());
        WarehouseTab *tab = w.tab();
        QTRY_VERIFY_WITH_TIMEOUT(tab->statusLabel()->text().contains(QStringLiteral("No warehouse yet")), 15'000);
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("redshift")));
        type(lineFor(tab, QStringLiteral("host")), QStringLiteral("example.redshift.amazonaws.com"));
        type(lineFor(tab, QStringLiteral("user")), QStringLiteral("loader"));
        type(lineFor(tab, QStringLiteral("dbname")), QStringLiteral("dev"));
        type(lineFor(tab, QStringLiteral("schema")), QStringLiteral("raw"));
        // To Snowflake and back: the user and schema typed stay.
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("snowflake")));
        QCOMPARE(lineFor(tab, QStringLiteral("user"))->text(), QStringLiteral("loader"));
        QCOMPARE(tab->secretEdit()->accessibleName(), QStringLiteral("Password"));
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("redshift")));
        QCOMPARE(lineFor(tab, QStringLiteral("host"))->text(), QStringLiteral("example.redshift.amazonaws.com"));
        type(tab->secretEdit(), kPassword);
        tab->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(tab->resultLabel()->text().contains(QStringLiteral("no redshift destination connector")),
                                  qPrintable(tab->resultLabel()->text()), 30'000);
        QVERIFY(tab->resultLabel()->text().contains(QStringLiteral("airbyte/destination-redshift")));
        auto saved = WarehouseStore(*m_db, kActor).get(m_org.id);
        QVERIFY(saved);
        QVERIFY(saved->airbyteDestinationId.isEmpty());

        // BigQuery: the key must be a service account's key file before anything is sent.
        tab->typeBox()->setCurrentIndex(tab->typeBox()->findData(QStringLiteral("bigquery")));
        QVERIFY(tab->keyEdit()->isVisibleTo(tab));
        QVERIFY(!tab->secretEdit()->isVisibleTo(tab));
        type(lineFor(tab, QStringLiteral("project")), QStringLiteral("acme-data"));
        type(lineFor(tab, QStringLiteral("dataset")), QStringLiteral("raw"));
        tab->keyEdit()->setPlainText(QStringLiteral("{not json"));
        tab->testButton()->click();
        QVERIFY2(tab->resultLabel()->text().contains(QStringLiteral("not JSON")), qPrintable(tab->resultLabel()->text()));
    }
};

QTEST_MAIN(tst_WarehouseTab)
#include "tst_warehousetab.moc"
