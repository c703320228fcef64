// profiles.yml writer: per warehouse type, the file is private, holds no secret, and reads back (with
// yaml-cpp) into the shape dbt expects, with env_var references resolvable from the returned env.
#include "dbt/profileswriter.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <yaml-cpp/yaml.h>

#include <sys/stat.h>

using namespace sluice;

namespace {

const QString kPassword = QStringLiteral("canary-P4ss'word\"{{x}}");

QString serviceAccountJson()
{
    return QStringLiteral("{\"type\": \"service_account\", \"project_id\": \"acme-prod\", \"private_key_id\": \"abc123\","
                          " \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nCANARYKEY\\n-----END PRIVATE KEY-----\\n\","
                          " \"client_email\": \"dbt@acme-prod.iam.gserviceaccount.com\", \"client_id\": \"1234\","
                          " \"auth_uri\": \"https://accounts.google.com/o/oauth2/auth\", \"token_uri\": \"https://oauth2.googleapis.com/token\"}");
}

QJsonObject obj(const char *json)
{
    return QJsonDocument::fromJson(json).object();
}

// Resolves "{{ env_var('X') }}" / "{{ env_var('X') | as_number }}" the way dbt would.
QString resolve(const QString &value, const QMap<QString, QString> &env, bool *isNumber)
{
    static const QRegularExpression re(QStringLiteral(R"(^\{\{ env_var\('([A-Z0-9_]+)'\)( \| as_number)? \}\}$)"));
    const auto m = re.match(value);
    *isNumber = m.hasMatch() && !m.captured(2).isEmpty();
    if (!m.hasMatch())
        return value;
    return env.value(m.captured(1), QStringLiteral("<missing %1>").arg(m.captured(1)));
}

} // namespace

class TestProfilesWriter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writes_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonObject>("settings");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("secretKey");          // where the secret must appear (resolved)
        QTest::addColumn<QJsonObject>("expected");       // key → resolved value (numbers as numbers)

        QTest::newRow("postgres") << "postgres" << obj(R"({"host": "db.example", "port": 6543, "user": "loader", "database": "analytics", "schema": "dbt_prod", "sslmode": "require", "unknown": "x"})")
                                  << kPassword << "password"
                                  << obj(R"({"type": "postgres", "host": "db.example", "port": 6543, "user": "loader", "dbname": "analytics", "schema": "dbt_prod", "threads": 4, "sslmode": "require"})");
        QTest::newRow("redshift") << "redshift" << obj(R"({"host": "rs.example", "user": "u", "dbname": "dev", "schema": "s", "threads": "8"})")
                                  << kPassword << "password"
                                  << obj(R"({"type": "redshift", "host": "rs.example", "port": 5439, "user": "u", "dbname": "dev", "schema": "s", "threads": 8, "method": "database"})");
        QTest::newRow("snowflake") << "snowflake" << obj(R"({"account": "ab12345.eu-west-1", "user": "U", "database": "DB", "warehouse": "WH", "schema": "S", "role": "R", "client_session_keep_alive": true})")
                                   << kPassword << "password"
                                   << obj(R"({"type": "snowflake", "account": "ab12345.eu-west-1", "user": "U", "database": "DB", "warehouse": "WH", "schema": "S", "role": "R", "threads": 4, "client_session_keep_alive": true})");
        // Key-pair sign-in: the key file stays the user's; the secret is its passphrase, not a password.
        QTest::newRow("snowflake key pair") << "snowflake" << obj(R"({"account": "ab12345", "user": "U", "database": "DB", "warehouse": "WH", "schema": "S", "private_key_path": "/home/ann/.ssh/snowflake.p8"})")
                                            << kPassword << "private_key_passphrase"
                                            << obj(R"({"type": "snowflake", "account": "ab12345", "user": "U", "database": "DB", "warehouse": "WH", "schema": "S", "threads": 4, "private_key_path": "/home/ann/.ssh/snowflake.p8"})");
        QTest::newRow("databricks") << "databricks" << obj(R"({"host": "adb-1.azuredatabricks.net", "http_path": "/sql/1.0/warehouses/x", "schema": "s", "catalog": "main"})")
                                    << kPassword << "token"
                                    << obj(R"({"type": "databricks", "host": "adb-1.azuredatabricks.net", "http_path": "/sql/1.0/warehouses/x", "schema": "s", "catalog": "main", "threads": 4})");
        QTest::newRow("duckdb") << "duckdb" << obj(R"({"path": "/data/warehouse.duckdb"})") << QString() << QString()
                                << obj(R"({"type": "duckdb", "path": "/data/warehouse.duckdb", "schema": "analytics", "threads": 4})");
        QTest::newRow("bigquery") << "bigquery" << obj(R"({"project": "acme-prod", "dataset": "analytics", "location": "EU", "job_retries": 3})")
                                  << serviceAccountJson() << "keyfile_json"
                                  << obj(R"({"type": "bigquery", "method": "service-account-json", "project": "acme-prod", "dataset": "analytics", "location": "EU", "threads": 4, "job_retries": 3})");
    }
    // An unencrypted Snowflake key: neither a passphrase nor an empty password is written.
    void snowflakeKeyWithoutPassphrase()
    {
        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        ProfileRequest request;
        request.profileName = QStringLiteral("p");
        request.targetName = QStringLiteral("prod");
        request.warehouseType = QStringLiteral("snowflake");
        request.settings = obj(R"({"account": "a", "user": "U", "database": "DB", "warehouse": "WH", "schema": "S", "private_key_path": "/k.p8"})");
        request.withoutSecret = true;
        const auto written = writeProfiles(tmp.filePath(QStringLiteral("profiles")), request);
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        const YAML::Node out = YAML::LoadFile(written->path.toStdString())["p"]["outputs"]["prod"];
        QCOMPARE(QString::fromStdString(out["private_key_path"].as<std::string>()), QStringLiteral("/k.p8"));
        QVERIFY(!out["private_key_passphrase"]);
        QVERIFY(!out["password"]);
        QCOMPARE(profileSecretWord(QStringLiteral("snowflake"), request.settings), QStringLiteral("private key passphrase"));
        QCOMPARE(profileSecretWord(QStringLiteral("snowflake")), QStringLiteral("password"));
    }

    void writes()
    {
        QFETCH(QString, type);
        QFETCH(QJsonObject, settings);
        QFETCH(QString, secret);
        QFETCH(QString, secretKey);
        QFETCH(QJsonObject, expected);

        QTemporaryDir tmp;
        QVERIFY(tmp.isValid());
        const QString dir = tmp.filePath(QStringLiteral("profiles/acme"));
        ProfileRequest request;
        request.profileName = QStringLiteral("jaffle_shop");
        request.targetName = QStringLiteral("prod");
        request.warehouseType = type;
        request.settings = settings;
        request.secret = secret;
        request.defaultSchema = QStringLiteral("analytics");
        const auto written = writeProfiles(dir, request);
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QCOMPARE(written->directory, QDir(dir).absolutePath());
        QCOMPARE(written->path, QDir(dir).absoluteFilePath(QStringLiteral("profiles.yml")));

        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(written->directory).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0700));
        QCOMPARE(::stat(QFile::encodeName(written->path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0600));
        QVERIFY(!QFileInfo::exists(written->path + QStringLiteral(".tmp")));

        QFile f(written->path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray text = f.readAll();
        // No secret in the file: not the password, not any part of the key file.
        QVERIFY(!text.contains("canary"));
        QVERIFY(!text.contains("CANARYKEY"));
        QVERIFY(!text.contains("abc123"));
        for (const QString &s : written->secretValues)
            QVERIFY2(!text.contains(s.toUtf8()), qPrintable(s));

        const YAML::Node root = YAML::Load(text.toStdString());
        QCOMPARE(QString::fromStdString(root["jaffle_shop"]["target"].as<std::string>()), QStringLiteral("prod"));
        const YAML::Node out = root["jaffle_shop"]["outputs"]["prod"];
        QVERIFY(out.IsMap());
        QStringList keys;
        for (const auto &kv : out)
            keys.append(QString::fromStdString(kv.first.as<std::string>()));
        QStringList wantKeys = expected.keys();
        if (!secretKey.isEmpty())
            wantKeys.append(secretKey);
        keys.sort();
        wantKeys.sort();
        QCOMPARE(keys, wantKeys);
        for (auto it = expected.begin(); it != expected.end(); ++it) {
            const YAML::Node v = out[it.key().toStdString()];
            bool isNumber = false;
            const QString resolved = resolve(QString::fromStdString(v.as<std::string>()), written->environment, &isNumber);
            if (it.value().isDouble()) {
                QVERIFY2(isNumber, qPrintable(it.key())); // numbers always come from env vars with | as_number
                QCOMPARE(resolved.toDouble(), it.value().toDouble());
            } else if (it.value().isBool()) {
                QCOMPARE(v.as<bool>(), it.value().toBool());
            } else {
                QCOMPARE(resolved, it.value().toString());
            }
        }
        for (auto it = written->environment.begin(); it != written->environment.end(); ++it)
            QVERIFY(it.key().startsWith(QLatin1String("DBT_ENV_SECRET_")) || it.key().startsWith(QLatin1String("SLUICE_DBT_")));

        if (secretKey == QLatin1String("keyfile_json")) {
            const QJsonObject key = QJsonDocument::fromJson(secret.toUtf8()).object();
            const YAML::Node kf = out["keyfile_json"];
            QCOMPARE(int(kf.size()), int(key.size()));
            for (auto it = key.begin(); it != key.end(); ++it) {
                const QString ref = QString::fromStdString(kf[it.key().toStdString()].as<std::string>());
                const bool keyMaterial = it.key().startsWith(QLatin1String("private_key"));
                QVERIFY2(ref.contains(keyMaterial ? QLatin1String("env_var('DBT_ENV_SECRET_KEYFILE_") : QLatin1String("env_var('SLUICE_DBT_KEYFILE_")), qPrintable(ref));
                bool isNumber = false;
                QCOMPARE(resolve(ref, written->environment, &isNumber), it.value().toString());
                QCOMPARE(written->secretValues.contains(it.value().toString()), keyMaterial);
            }
        } else if (!secretKey.isEmpty()) {
            const QString ref = QString::fromStdString(out[secretKey.toStdString()].as<std::string>());
            QVERIFY(ref.startsWith(QLatin1String("{{ env_var('DBT_ENV_SECRET_")));
            bool isNumber = false;
            QCOMPARE(resolve(ref, written->environment, &isNumber), secret);
            QCOMPARE(written->secretValues, QStringList{secret});
        } else {
            QVERIFY(written->secretValues.isEmpty());
        }
        if (type == QLatin1String("bigquery"))
            QCOMPARE(written->secretValues.size(), 2); // private_key, private_key_id
    }

    void withoutASecret_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonObject>("settings");
        QTest::addColumn<QString>("secretKey");    // written empty; none for bigquery
        QTest::addColumn<QString>("method");       // bigquery's method
        QTest::newRow("postgres") << "postgres" << obj(R"({"host": "localhost", "user": "me", "dbname": "jaffle", "schema": "dbt"})") << "password" << QString();
        QTest::newRow("redshift") << "redshift" << obj(R"({"host": "rs.example", "user": "u", "dbname": "dev", "schema": "s"})") << "password" << QString();
        QTest::newRow("bigquery") << "bigquery" << obj(R"({"project": "acme-prod", "dataset": "analytics"})") << QString() << "oauth";
    }

    void withoutASecret()
    {
        // The user said the warehouse needs no secret (trust, peer, ~/.pgpass): the profile is complete
        // without one — the secret field empty, so libpq falls back to PGPASSWORD, ~/.pgpass, trust or peer;
        // BigQuery with the machine's application-default credentials — and nothing asks for a secret.
        QFETCH(QString, type);
        QFETCH(QJsonObject, settings);
        QFETCH(QString, secretKey);
        QFETCH(QString, method);
        QTemporaryDir tmp;
        ProfileRequest request;
        request.warehouseType = type;
        request.settings = settings;
        request.withoutSecret = true;
        const auto written = writeProfiles(tmp.filePath(QStringLiteral("p")), request);
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        QVERIFY(written->secretValues.isEmpty());
        for (auto it = written->environment.begin(); it != written->environment.end(); ++it)
            QVERIFY2(!it.key().startsWith(QLatin1String("DBT_ENV_SECRET_")), qPrintable(it.key()));
        QFile f(written->path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const YAML::Node out = YAML::Load(f.readAll().toStdString())["sluice"]["outputs"]["prod"];
        if (!secretKey.isEmpty()) {
            QVERIFY(out[secretKey.toStdString()].IsDefined());
            QCOMPARE(QString::fromStdString(out[secretKey.toStdString()].as<std::string>()), QString());
        }
        if (!method.isEmpty()) {
            QCOMPARE(QString::fromStdString(out["method"].as<std::string>()), method);
            QVERIFY(!out["keyfile_json"].IsDefined());
        }
        // With a secret expected and none given, the refusal names the fix.
        request.withoutSecret = false;
        const auto refused = writeProfiles(tmp.filePath(QStringLiteral("q")), request);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QLatin1String("secrets set")), qPrintable(refused.error().message));
    }

    void rewritesAnExistingFileAndTightensTheDirectory()
    {
        QTemporaryDir tmp;
        const QString dir = tmp.filePath(QStringLiteral("p"));
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(QFile::setPermissions(dir, QFileDevice::Permissions(0x7777)));
        QFile old(dir + QStringLiteral("/profiles.yml"));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.write("old: content that is much longer than the new one will ever be ....................\n");
        old.close();
        ProfileRequest request;
        request.warehouseType = QStringLiteral("duckdb");
        request.settings = obj(R"({"path": ":memory:"})");
        const auto written = writeProfiles(dir, request);
        QVERIFY2(written, written ? "" : qPrintable(written.error().message));
        struct stat st{};
        QCOMPARE(::stat(QFile::encodeName(dir).constData(), &st), 0);
        QCOMPARE(st.st_mode & 0777, mode_t(0700));
        const YAML::Node root = YAML::LoadFile(written->path.toStdString());
        QVERIFY(!root["old"]);
        QCOMPARE(QString::fromStdString(root["sluice"]["outputs"]["prod"]["path"].as<std::string>()), QStringLiteral(":memory:"));
    }

    void refuses_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QJsonObject>("settings");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<QString>("mustContain");
        QTest::newRow("unknown type") << "oracle" << QJsonObject() << "x" << "warehouse type \"oracle\"";
        QTest::newRow("empty type") << "" << QJsonObject() << "x" << "use one of postgres";
        QTest::newRow("missing host") << "postgres" << obj(R"({"user": "u", "dbname": "d", "schema": "s"})") << "x" << "\"host\"";
        QTest::newRow("missing password") << "postgres" << obj(R"({"host": "h", "user": "u", "dbname": "d", "schema": "s"})") << "" << "secrets set org/SLUG/warehouse";
        QTest::newRow("port not a number") << "postgres" << obj(R"({"host": "h", "port": "fivefour", "user": "u", "dbname": "d", "schema": "s"})") << "x" << "must be a number";
        QTest::newRow("jinja in setting") << "postgres" << obj(R"({"host": "{{ env_var('HOME') }}", "user": "u", "dbname": "d", "schema": "s"})") << "x" << "Jinja";
        QTest::newRow("bigquery key not json") << "bigquery" << obj(R"({"project": "p", "dataset": "d"})") << "hunter2" << "not a JSON object";
        QTest::newRow("bigquery key without private_key") << "bigquery" << obj(R"({"project": "p", "dataset": "d"})") << R"({"type": "service_account"})" << "private_key";
        QTest::newRow("databricks no token") << "databricks" << obj(R"({"host": "h", "http_path": "/p", "schema": "s"})") << "" << "access token";
    }
    void refuses()
    {
        QFETCH(QString, type);
        QFETCH(QJsonObject, settings);
        QFETCH(QString, secret);
        QFETCH(QString, mustContain);
        QTemporaryDir tmp;
        ProfileRequest request;
        request.warehouseType = type;
        request.settings = settings;
        request.secret = secret;
        const auto written = writeProfiles(tmp.filePath(QStringLiteral("p")), request);
        QVERIFY(!written);
        QVERIFY2(written.error().message.contains(mustContain), qPrintable(written.error().message));
        if (!secret.isEmpty())
            QVERIFY(!written.error().message.contains(secret));
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("p/profiles.yml"))));
    }
};

QTEST_GUILESS_MAIN(TestProfilesWriter)
#include "tst_profileswriter.moc"
