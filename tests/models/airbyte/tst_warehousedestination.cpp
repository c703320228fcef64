// The org's Airbyte destination filled from the warehouse's settings against the destination connector's
// own specification (Postgres, Snowflake and BigQuery shapes from the fixtures), so that what dbt reads and
// what Airbyte writes to are one warehouse; what the warehouse cannot fill is reported at its field.
#include "airbyte/warehousedestination.h"

#include <QFile>
#include <QJsonDocument>
#include <QTest>

using namespace sluice;

namespace {

QJsonObject schemaOf(const QString &file)
{
    QFile f(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/") + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object().value(QLatin1String("connectionSpecification")).toObject();
}

QString problemsText(const DestinationConfiguration &c)
{
    QStringList out;
    for (const SpecProblem &p : c.problems)
        out << p.toString();
    return out.join(QStringLiteral("; "));
}

} // namespace

class tst_WarehouseDestination : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void postgres()
    {
        const QJsonObject schema = schemaOf(QStringLiteral("destination-postgres.json"));
        QVERIFY(!schema.isEmpty());
        const QJsonObject settings{{QStringLiteral("host"), QStringLiteral("db.internal")}, {QStringLiteral("port"), 6543},
                                   {QStringLiteral("user"), QStringLiteral("loader")}, {QStringLiteral("dbname"), QStringLiteral("analytics")},
                                   {QStringLiteral("schema"), QStringLiteral("raw")}, {QStringLiteral("sslmode"), QStringLiteral("require")},
                                   {QStringLiteral("threads"), 8}};
        auto c = destinationConfiguration(schema, QStringLiteral("postgres"), settings, QStringLiteral("s3cret-pw"));
        QVERIFY2(c, qPrintable(c ? QString() : c.error().message));
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        const QJsonObject &cfg = c->configuration;
        QCOMPARE(cfg.value(QLatin1String("host")).toString(), QStringLiteral("db.internal"));
        QVERIFY(cfg.value(QLatin1String("port")).isDouble());   // an integer, as the spec types it
        QCOMPARE(cfg.value(QLatin1String("port")).toInt(), 6543);
        QCOMPARE(cfg.value(QLatin1String("database")).toString(), QStringLiteral("analytics"));
        QCOMPARE(cfg.value(QLatin1String("schema")).toString(), QStringLiteral("raw"));
        QCOMPARE(cfg.value(QLatin1String("username")).toString(), QStringLiteral("loader"));
        QCOMPARE(cfg.value(QLatin1String("password")).toString(), QStringLiteral("s3cret-pw"));
        // dbt's sslmode chooses the same ssl_mode branch; the tunnel (optional, nothing to fill) is left out.
        QCOMPARE(cfg.value(QLatin1String("ssl_mode")).toObject(), (QJsonObject{{QStringLiteral("mode"), QStringLiteral("require")}}));
        QVERIFY(!cfg.contains(QLatin1String("tunnel_method")));
        QVERIFY(!cfg.contains(QLatin1String("threads")));   // dbt's own settings stay dbt's
    }

    void postgresWithoutPortTakesTheSpecDefault()
    {
        const QJsonObject settings{{QStringLiteral("host"), QStringLiteral("h")}, {QStringLiteral("user"), QStringLiteral("u")},
                                   {QStringLiteral("database"), QStringLiteral("d")}, {QStringLiteral("schema"), QStringLiteral("s")}};
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-postgres.json")), QStringLiteral("postgres"), settings, QString());
        QVERIFY(c);
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        QCOMPARE(c->configuration.value(QLatin1String("port")).toInt(), 5432);
        QCOMPARE(c->configuration.value(QLatin1String("database")).toString(), QStringLiteral("d"));   // the "database" alias of dbname
        QVERIFY(!c->configuration.contains(QLatin1String("password")));   // reached without a secret
    }

    void missingRequiredIsReportedAtItsField()
    {
        const QJsonObject settings{{QStringLiteral("host"), QStringLiteral("h")}, {QStringLiteral("user"), QStringLiteral("u")}};
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-postgres.json")), QStringLiteral("postgres"), settings, QStringLiteral("pw"));
        QVERIFY(c);
        QCOMPARE(problemsText(*c), QStringLiteral("database: required"));   // schema takes the spec's default "public"
    }

    void snowflakeChoosesThePasswordBranch()
    {
        const QJsonObject settings{{QStringLiteral("account"), QStringLiteral("xy12345.eu-central-1")}, {QStringLiteral("user"), QStringLiteral("LOADER")},
                                   {QStringLiteral("database"), QStringLiteral("ANALYTICS")}, {QStringLiteral("warehouse"), QStringLiteral("LOADING")},
                                   {QStringLiteral("role"), QStringLiteral("LOADER_ROLE")}, {QStringLiteral("schema"), QStringLiteral("RAW")}};
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-snowflake.json")), QStringLiteral("snowflake"), settings,
                                          QStringLiteral("pw-123456"));
        QVERIFY(c);
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        const QJsonObject &cfg = c->configuration;
        QCOMPARE(cfg.value(QLatin1String("host")).toString(), QStringLiteral("xy12345.eu-central-1.snowflakecomputing.com"));
        QCOMPARE(cfg.value(QLatin1String("credentials")).toObject(),
                 (QJsonObject{{QStringLiteral("auth_type"), QStringLiteral("Username and Password")}, {QStringLiteral("password"), QStringLiteral("pw-123456")}}));
        QCOMPARE(cfg.value(QLatin1String("warehouse")).toString(), QStringLiteral("LOADING"));
        QCOMPARE(cfg.value(QLatin1String("role")).toString(), QStringLiteral("LOADER_ROLE"));
    }

    // Key-pair sign-in: the Key Pair branch with the key's text and its passphrase (none: left out); no
    // password branch, though the password branch is the spec's usual one.
    void snowflakeKeyPairChoosesTheKeyPairBranch_data()
    {
        QTest::addColumn<QString>("passphrase");
        QTest::newRow("encrypted key") << QStringLiteral("key-pass-9");
        QTest::newRow("unencrypted key") << QString();
    }

    void snowflakeKeyPairChoosesTheKeyPairBranch()
    {
        QFETCH(QString, passphrase);
        const QString pem = QStringLiteral("-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI\n-----END ENCRYPTED PRIVATE KEY-----");
        const QJsonObject settings{{QStringLiteral("account"), QStringLiteral("xy12345")}, {QStringLiteral("user"), QStringLiteral("LOADER")},
                                   {QStringLiteral("database"), QStringLiteral("ANALYTICS")}, {QStringLiteral("warehouse"), QStringLiteral("LOADING")},
                                   {QStringLiteral("role"), QStringLiteral("LOADER_ROLE")}, {QStringLiteral("schema"), QStringLiteral("RAW")},
                                   {QStringLiteral("private_key_path"), QStringLiteral("/home/ann/snowflake.p8")}, {QStringLiteral("private_key"), pem}};
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-snowflake.json")), QStringLiteral("snowflake"), settings, passphrase);
        QVERIFY(c);
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        QJsonObject expected{{QStringLiteral("auth_type"), QStringLiteral("Key Pair Authentication")}, {QStringLiteral("private_key"), pem}};
        if (!passphrase.isEmpty())
            expected.insert(QStringLiteral("private_key_password"), passphrase);
        QCOMPARE(c->configuration.value(QLatin1String("credentials")).toObject(), expected);
        QVERIFY(!c->configuration.contains(QLatin1String("private_key_path")));
    }

    // Databricks: the catalog is the destination's database, the token its personal-access-token branch,
    // and the driver's terms are agreed to only when the user ticked them (else the spec's false stays).
    void databricksTakesTheCatalogTokenAndTheUsersAgreement_data()
    {
        QTest::addColumn<bool>("agreed");
        QTest::newRow("agreed") << true;
        QTest::newRow("not agreed") << false;
    }

    void databricksTakesTheCatalogTokenAndTheUsersAgreement()
    {
        QFETCH(bool, agreed);
        QJsonObject settings{{QStringLiteral("host"), QStringLiteral("adb-1234.5.azuredatabricks.net")}, {QStringLiteral("http_path"), QStringLiteral("/sql/1.0/warehouses/abc")},
                             {QStringLiteral("catalog"), QStringLiteral("main")}, {QStringLiteral("schema"), QStringLiteral("raw")}};
        if (agreed)
            settings.insert(QStringLiteral("accept_terms"), true);
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-databricks.json")), QStringLiteral("databricks"), settings,
                                          QStringLiteral("dapi-token-1"));
        QVERIFY(c);
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        const QJsonObject &cfg = c->configuration;
        QCOMPARE(cfg.value(QLatin1String("hostname")).toString(), QStringLiteral("adb-1234.5.azuredatabricks.net"));
        QCOMPARE(cfg.value(QLatin1String("http_path")).toString(), QStringLiteral("/sql/1.0/warehouses/abc"));
        QCOMPARE(cfg.value(QLatin1String("database")).toString(), QStringLiteral("main"));
        QCOMPARE(cfg.value(QLatin1String("schema")).toString(), QStringLiteral("raw"));
        QCOMPARE(cfg.value(QLatin1String("authentication")).toObject(),
                 (QJsonObject{{QStringLiteral("auth_type"), QStringLiteral("BASIC")}, {QStringLiteral("personal_access_token"), QStringLiteral("dapi-token-1")}}));
        QCOMPARE(cfg.value(QLatin1String("accept_terms")).toBool(), agreed);
    }

    void bigqueryTakesTheKeyAndTheStandardLoading()
    {
        const QString key = QStringLiteral(R"({"type":"service_account","project_id":"acme-data","private_key":"-----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY-----\n","client_email":"loader@acme-data.iam.gserviceaccount.com"})");
        const QJsonObject settings{{QStringLiteral("project"), QStringLiteral("acme-data")}, {QStringLiteral("dataset"), QStringLiteral("raw")},
                                   {QStringLiteral("location"), QStringLiteral("EU")}, {QStringLiteral("method"), QStringLiteral("service-account-json")}};
        auto c = destinationConfiguration(schemaOf(QStringLiteral("destination-warehouse.json")), QStringLiteral("bigquery"), settings, key);
        QVERIFY(c);
        QVERIFY2(c->problems.isEmpty(), qPrintable(problemsText(*c)));
        const QJsonObject &cfg = c->configuration;
        QCOMPARE(cfg.value(QLatin1String("project_id")).toString(), QStringLiteral("acme-data"));
        QCOMPARE(cfg.value(QLatin1String("dataset_id")).toString(), QStringLiteral("raw"));
        QCOMPARE(cfg.value(QLatin1String("dataset_location")).toString(), QStringLiteral("EU"));
        QCOMPARE(cfg.value(QLatin1String("credentials_json")).toString(), key);
        // loading_method is optional without a default: the server's own default applies.
        QVERIFY(!cfg.contains(QLatin1String("loading_method")) || cfg.value(QLatin1String("loading_method")).toObject().value(QLatin1String("method")) == QStringLiteral("Standard"));
    }

    void definitionsMatchedByType()
    {
        QVERIFY(isDestinationFor(QStringLiteral("postgres"), QStringLiteral("airbyte/destination-postgres"), QStringLiteral("Postgres")));
        QVERIFY(!isDestinationFor(QStringLiteral("postgres"), QStringLiteral("airbyte/destination-postgres-strict-encrypt"), QStringLiteral("Postgres")));
        QVERIFY(!isDestinationFor(QStringLiteral("postgres"), QStringLiteral("airbyte/destination-redshift"), QStringLiteral("Redshift")));
        QVERIFY(isDestinationFor(QStringLiteral("bigquery"), QString(), QStringLiteral("BigQuery")));
        QVERIFY(isDestinationFor(QStringLiteral("databricks"), QString(), QStringLiteral("Databricks Lakehouse")));
        QVERIFY(isDestinationFor(QStringLiteral("duckdb"), QStringLiteral("airbyte/destination-duckdb"), QStringLiteral("DuckDB")));
        QVERIFY(!isDestinationFor(QStringLiteral("duckdb"), QString(), QStringLiteral("MotherDuck")));
    }
};

QTEST_GUILESS_MAIN(tst_WarehouseDestination)
#include "tst_warehousedestination.moc"
