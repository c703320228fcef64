// Connector specifications: reading them in every shape connectors and servers publish, and checking a
// configuration against them with valijson. The validator itself is held to the official
// JSON-Schema-Test-Suite (Debian json-schema-test-suite) for the drafts connector specs are written in.
#include "airbyte/connectorspec.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

QString specPath(const QString &name)
{
    return QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/") + name;
}

QJsonObject schemaOf(const QString &name)
{
    auto spec = ConnectorSpec::fromFile(specPath(name));
    if (!spec)
        qFatal("%s", qPrintable(spec.error().message));
    return spec->schema;
}

QJsonObject object(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

QStringList problemsOf(const QJsonObject &schema, const QJsonObject &config)
{
    auto problems = validateConfig(schema, config);
    if (!problems)
        return {QStringLiteral("ERROR ") + problems.error().message};
    QStringList out;
    for (const SpecProblem &p : *problems)
        out << p.toString();
    return out;
}

const QString suiteRoot = QStringLiteral("/usr/share/json-schema-test-suite/tests");

// Test-suite files valijson 1.0 cannot pass, each for a reason that does not touch connector specs.
// Anything else that fails is a failure of this suite.
const QHash<QString, QString> &unsupportedSuiteFiles()
{
    static const QHash<QString, QString> files{
        {QStringLiteral("refRemote.json"), QStringLiteral("remote $ref needs a document fetcher; connector specs are self-contained")},
        {QStringLiteral("definitions.json"), QStringLiteral("validates against the remote draft meta-schema (a remote $ref)")},
    };
    return files;
}

} // namespace

class TestConnectorSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsEveryShape_data();
    void readsEveryShape();
    void yamlScalarsKeepTheirTypes();
    void refusesTextWithoutASchema();
    void validConfigurationsPass();
    void problemsAreNamedAtTheirField_data();
    void problemsAreNamedAtTheirField();
    void airbyteKeywordsDoNotAffectValidity();
    void officialTestSuite_data();
    void officialTestSuite();
    void configCheckCommand();
};

void TestConnectorSpec::readsEveryShape_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("firstRequired");
    QTest::addColumn<QString>("documentation");
    QTest::newRow("spec.json") << "source-warehouse-db.json" << "host" << "https://example.invalid/docs/sources/warehouse-db";
    QTest::newRow("spec.yaml") << "source-rest-api.yaml" << "api_key" << "https://example.invalid/docs/sources/rest-api";
    QTest::newRow("manifest") << "source-manifest-spec.yaml" << "credentials" << "https://example.invalid/docs/sources/manifest-api";
    QTest::newRow("server answer") << "server-source-spec.json" << "spreadsheet_id" << "https://example.invalid/docs/sources/sheet";
    QTest::newRow("destination") << "destination-warehouse.json" << "project_id" << "https://example.invalid/docs/destinations/warehouse";
}

void TestConnectorSpec::readsEveryShape()
{
    QFETCH(QString, file);
    QFETCH(QString, firstRequired);
    QFETCH(QString, documentation);
    auto spec = ConnectorSpec::fromFile(specPath(file));
    QVERIFY2(spec, spec ? "" : qPrintable(spec.error().message));
    QCOMPARE(spec->schema.value(u"type").toString(), QStringLiteral("object"));
    QCOMPARE(spec->schema.value(u"required").toArray().first().toString(), firstRequired);
    QCOMPARE(spec->documentationUrl, documentation);

    // A bare schema (what the spec's connectionSpecification holds) reads as itself.
    auto bare = ConnectorSpec::parse(QJsonDocument(spec->schema).toJson());
    QVERIFY(bare);
    QCOMPARE(bare->schema, spec->schema);
}

void TestConnectorSpec::yamlScalarsKeepTheirTypes()
{
    const QJsonObject props = schemaOf(QStringLiteral("source-rest-api.yaml")).value(u"properties").toObject();
    QVERIFY(props.value(u"page_size").toObject().value(u"default").isDouble());
    QCOMPARE(props.value(u"page_size").toObject().value(u"default").toInt(), 100);
    QCOMPARE(props.value(u"include_archived").toObject().value(u"default"), QJsonValue(false));
    QCOMPARE(props.value(u"api_key").toObject().value(u"airbyte_secret"), QJsonValue(true));
    const QJsonObject request = props.value(u"request_options").toObject().value(u"properties").toObject();
    QCOMPARE(request.value(u"timeout_seconds").toObject().value(u"default").toDouble(), 30.5);
    // Quoted scalars stay strings, even when they look like numbers.
    QCOMPARE(props.value(u"start_date").toObject().value(u"examples").toArray().first(), QJsonValue(QStringLiteral("2024-01-01")));
    QCOMPARE(request.value(u"user_agent").toObject().value(u"default"), QJsonValue(QStringLiteral("sluice")));
}

void TestConnectorSpec::refusesTextWithoutASchema()
{
    auto notSpec = ConnectorSpec::parse("{\"name\": \"x\"}");
    QVERIFY(!notSpec);
    QVERIFY2(notSpec.error().message.contains(QLatin1String("connectionSpecification")), qPrintable(notSpec.error().message));
    auto broken = ConnectorSpec::parse("connectionSpecification: [unclosed\n  - : :");
    QVERIFY(!broken);
    QVERIFY2(broken.error().message.contains(QLatin1String("YAML")), qPrintable(broken.error().message));
    auto missing = ConnectorSpec::fromFile(QStringLiteral("/nonexistent/spec.json"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().kind, Error::Kind::NotFound);
}

void TestConnectorSpec::validConfigurationsPass()
{
    QCOMPARE(problemsOf(schemaOf(QStringLiteral("source-warehouse-db.json")), object(R"({
        "host": "db.internal", "port": 5432, "database": "shop", "username": "loader", "password": "pw",
        "schemas": ["public", "sales"],
        "ssl_mode": {"mode": "verify-ca", "ca_certificate": "-----BEGIN CERTIFICATE-----"},
        "replication_method": {"method": "CDC", "replication_slot": "slot", "publication": "pub", "initial_waiting_seconds": 300},
        "tunnel_method": {"tunnel_method": "NO_TUNNEL"}})")),
             QStringList{});
    QCOMPARE(problemsOf(schemaOf(QStringLiteral("source-rest-api.yaml")), object(R"({
        "api_key": "k", "start_date": "2024-05-01", "region": "us", "page_size": 10,
        "custom_reports": [{"name": "weekly", "dimensions": ["date"]}]})")),
             QStringList{});
    QCOMPARE(problemsOf(schemaOf(QStringLiteral("source-manifest-spec.yaml")),
                        object(R"({"workspace": "w", "credentials": {"auth_type": "token", "token": "t"}})")),
             QStringList{});
}

void TestConnectorSpec::problemsAreNamedAtTheirField_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QStringList>("expected");
    QByteArray base = R"("host": "h", "port": 5432, "database": "d", "username": "u")";
    QTest::newRow("required at the root") << "source-warehouse-db.json" << QByteArray(R"({"port": 5432})")
                                          << QStringList{"database: required", "host: required", "username: required"};
    QTest::newRow("required inside the chosen branch") << "source-warehouse-db.json"
        << "{" + base + R"(, "ssl_mode": {"mode": "verify-ca"}})" << QStringList{"ssl_mode.ca_certificate: required"};
    QTest::newRow("two levels of oneOf") << "destination-warehouse.json"
        << QByteArray(R"({"project_id": "p", "dataset_location": "EU", "dataset_id": "raw",
                          "loading_method": {"method": "GCS Staging", "gcs_bucket_name": "b",
                                             "credential": {"credential_type": "HMAC_KEY", "hmac_key_access_id": "id"}}})")
        << QStringList{"loading_method.credential.hmac_key_secret: required"};
    QTest::newRow("a choice no branch has") << "source-warehouse-db.json"
        << "{" + base + R"(, "ssl_mode": {"mode": "bogus"}})" << QStringList{"ssl_mode.mode: choose one of: disable, require, verify-ca"};
    QTest::newRow("one-value enum discriminator") << "source-manifest-spec.yaml"
        << QByteArray(R"({"workspace": "w", "credentials": {"auth_type": "oauth2.0", "client_id": "c"}})")
        << QStringList{"credentials.client_secret: required", "credentials.refresh_token: required"};
    QTest::newRow("type") << "source-warehouse-db.json" << "{" + QByteArray(base).replace("5432", "\"5432x\"") + "}"
                          << QStringList{"port: must be an integer"};
    QTest::newRow("range") << "source-warehouse-db.json" << QByteArray(R"({"host": "h", "port": 70000, "database": "d", "username": "u"})")
                           << QStringList{"port: must be at most 65536"};
    QTest::newRow("range inside a branch") << "source-warehouse-db.json"
        << QByteArray(R"({"host": "h", "port": 1, "database": "d", "username": "u",
                          "replication_method": {"method": "CDC", "replication_slot": "s", "publication": "p", "initial_waiting_seconds": 5}})")
        << QStringList{"replication_method.initial_waiting_seconds: must be at least 120"};
    QTest::newRow("enum") << "source-rest-api.yaml" << QByteArray(R"({"api_key": "k", "start_date": "2024-01-01", "region": "mars"})")
                          << QStringList{"region: must be one of: eu, us, ap"};
    QTest::newRow("pattern with its descriptor") << "source-rest-api.yaml" << QByteArray(R"({"api_key": "k", "start_date": "1/2/2024"})")
                                                 << QStringList{"start_date: must look like YYYY-MM-DD"};
    QTest::newRow("array items") << "source-rest-api.yaml"
        << QByteArray(R"({"api_key": "k", "start_date": "2024-01-01", "custom_reports": [{"name": "a"}, {"dimensions": ["x", 3]}]})")
        << QStringList{"custom_reports.1.dimensions.1: must be a string", "custom_reports.1.name: required"};
    QTest::newRow("nested object") << "source-rest-api.yaml"
        << QByteArray(R"({"api_key": "k", "start_date": "2024-01-01", "request_options": {"timeout_seconds": "slow"}})")
        << QStringList{"request_options.timeout_seconds: must be a number"};
}

void TestConnectorSpec::problemsAreNamedAtTheirField()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, config);
    QFETCH(QStringList, expected);
    const QJsonDocument doc = QJsonDocument::fromJson(config);
    QVERIFY2(doc.isObject(), config.constData());
    QCOMPARE(problemsOf(schemaOf(file), doc.object()), expected);
}

void TestConnectorSpec::airbyteKeywordsDoNotAffectValidity()
{
    // The same schema with and without Airbyte's own keywords judges the same configurations alike.
    const QJsonObject schema = object(R"({"type": "object", "required": ["key"],
        "properties": {"key": {"type": "string", "airbyte_secret": true, "order": 0, "group": "auth", "always_show": true,
                               "airbyte_hidden": false, "multiline": true}}})");
    QCOMPARE(problemsOf(schema, object(R"({"key": "v"})")), QStringList{});
    QCOMPARE(problemsOf(schema, object(R"({"key": 5})")), QStringList{"key: must be a string"});
    QCOMPARE(problemsOf(schema, object("{}")), QStringList{"key: required"});
}

void TestConnectorSpec::officialTestSuite_data()
{
    QTest::addColumn<QString>("file");
    if (!QDir(suiteRoot).exists())
        QFAIL("the JSON-Schema-Test-Suite is not installed (Debian package json-schema-test-suite; scripts/bootstrap.sh test installs it)");
    for (const QString &draft : {QStringLiteral("draft4"), QStringLiteral("draft7")}) {
        const QStringList files = QDir(suiteRoot + u'/' + draft).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QString &f : files) {
            if (unsupportedSuiteFiles().contains(f)) {
                qInfo("%s/%s not run: %s", qPrintable(draft), qPrintable(f), qPrintable(unsupportedSuiteFiles().value(f)));
                continue;
            }
            QTest::newRow(qPrintable(draft + u'/' + f)) << (suiteRoot + u'/' + draft + u'/' + f);
        }
    }
}

void TestConnectorSpec::officialTestSuite()
{
    QFETCH(QString, file);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QJsonArray groups = QJsonDocument::fromJson(f.readAll()).array();
    QVERIFY(!groups.isEmpty());
    const bool draft4 = file.contains(QLatin1String("/draft4/"));
    int cases = 0;
    QStringList wrong;
    for (const QJsonValue &g : groups) {
        const QJsonObject group = g.toObject();
        QJsonValue schemaValue = group.value(u"schema");
        QJsonObject schema = schemaValue.isObject() ? schemaValue.toObject()
                                                    // boolean schemas (draft 6+): true accepts all, false nothing
                                                    : (schemaValue.toBool() ? QJsonObject{} : QJsonObject{{QStringLiteral("not"), QJsonObject{}}});
        // Groups that point at a remote document (the draft's meta-schema by URL) need a fetcher:
        // connector specs are self-contained, so those groups are counted out, by name.
        // Likewise groups whose $refs resolve against an absolute base URI ($id / id), which valijson 1.0
        // does not track.
        const QByteArray compact = QJsonDocument(schema).toJson(QJsonDocument::Compact);
        if (compact.contains("\"$ref\":\"http") || compact.contains("\"$id\":\"http") || compact.contains("\"id\":\"http")) {
            qInfo("not run (remote or base-URI $ref): %s", qPrintable(group.value(u"description").toString()));
            continue;
        }
        if (draft4 && !schema.contains(u"$schema"))
            schema.insert(QStringLiteral("$schema"), QStringLiteral("http://json-schema.org/draft-04/schema#"));
        for (const QJsonValue &t : group.value(u"tests").toArray()) {
            const QJsonObject test = t.toObject();
            auto valid = validatesAgainst(schema, test.value(u"data"));
            ++cases;
            if (!valid)
                wrong << group.value(u"description").toString() + u'/' + test.value(u"description").toString() + QStringLiteral(": ")
                             + valid.error().message;
            else if (*valid != test.value(u"valid").toBool())
                wrong << group.value(u"description").toString() + u'/' + test.value(u"description").toString();
        }
    }
    QVERIFY(cases > 0);
    QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(u'\n')));
}

void TestConnectorSpec::configCheckCommand()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto write = [&](const QString &name, const QByteArray &text) {
        QFile f(dir.filePath(name));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(text);
    };
    write(QStringLiteral("bad.json"), R"({"host": "h", "port": 5432, "database": "d", "username": "u", "ssl_mode": {"mode": "verify-ca"}})");
    write(QStringLiteral("good.json"), R"({"host": "h", "port": 5432, "database": "d", "username": "u"})");
    write(QStringLiteral("broken.json"), R"({"host": )");
    const auto run = [&](const QStringList &args, QString *out) {
        QProcess p;
        p.start(QStringLiteral(SLUICECTL_PATH), args);
        p.waitForFinished(30000);
        *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitCode();
    };
    QString out;
    const QString spec = specPath(QStringLiteral("source-warehouse-db.json"));
    QCOMPARE(run({"airbyte", "config-check", "--spec", spec, "--config", dir.filePath("bad.json")}, &out), 1);
    QCOMPARE(out, QStringLiteral("ssl_mode.ca_certificate: required\n"));
    QCOMPARE(run({"airbyte", "config-check", "--spec", spec, "--config", dir.filePath("good.json")}, &out), 0);
    QVERIFY2(out.contains(QLatin1String("valid")), qPrintable(out));
    QCOMPARE(run({"airbyte", "config-check", "--spec", specPath(QStringLiteral("source-rest-api.yaml")), "--config",
                  dir.filePath("good.json"), "--json"}, &out), 1);
    const QJsonObject answer = QJsonDocument::fromJson(out.toUtf8()).object();
    QCOMPARE(answer.value(u"valid"), QJsonValue(false));
    QCOMPARE(answer.value(u"problems").toArray().size(), 2);   // api_key and start_date
    QCOMPARE(run({"airbyte", "config-check", "--spec", spec, "--config", dir.filePath("broken.json")}, &out), 1);
    QVERIFY2(out.contains(QLatin1String("broken.json is not JSON")), qPrintable(out));
}

QTEST_GUILESS_MAIN(TestConnectorSpec)
#include "tst_connectorspec.moc"
