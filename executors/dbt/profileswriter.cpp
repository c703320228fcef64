#include "profileswriter.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonValue>
#include <QTemporaryDir>

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {

namespace {

enum class Field { Text, Number, Bool };

struct Setting {
    const char *key;        // the profiles.yml key
    Field field = Field::Text;
    bool required = false;
    const char *fallback = nullptr; // used when the setting is absent
    const char *alias = nullptr;    // another settings name accepted for the same key
};

struct Adapter {
    const char *type;
    QList<Setting> settings;
    const char *secretKey;  // the profiles.yml key that holds the secret; nullptr: none
    const char *secretWord; // how the error message names the secret
};

// Per dbt adapter: the keys Sluice writes (docs.getdbt.com connect-data-platform pages; see
// ../shared/fixtures/dbt/CONTRACT_NOTES.md §5). Settings not listed are not written.
const QList<Adapter> &adapters()
{
    static const QList<Adapter> list = {
        {"postgres",
         {{"host", Field::Text, true}, {"port", Field::Number, false, "5432"}, {"user", Field::Text, true},
          {"dbname", Field::Text, true, nullptr, "database"}, {"schema", Field::Text, true},
          {"threads", Field::Number, false, "4"}, {"keepalives_idle", Field::Number}, {"connect_timeout", Field::Number},
          {"retries", Field::Number}, {"search_path"}, {"role"}, {"sslmode"}, {"sslcert"}, {"sslkey"}, {"sslrootcert"}},
         "password", "password"},
        {"redshift",
         {{"host", Field::Text, true}, {"port", Field::Number, false, "5439"}, {"user", Field::Text, true},
          {"dbname", Field::Text, true, nullptr, "database"}, {"schema", Field::Text, true},
          {"threads", Field::Number, false, "4"}, {"connect_timeout", Field::Number}, {"retries", Field::Number},
          {"method", Field::Text, false, "database"}, {"sslmode"}, {"ra3_node", Field::Bool}, {"autocommit", Field::Bool}},
         "password", "password"},
        {"snowflake",
         {{"account", Field::Text, true}, {"user", Field::Text, true}, {"database", Field::Text, true},
          {"warehouse", Field::Text, true}, {"schema", Field::Text, true}, {"role"}, {"threads", Field::Number, false, "4"},
          {"client_session_keep_alive", Field::Bool}, {"query_tag"}, {"connect_retries", Field::Number},
          {"connect_timeout", Field::Number}, {"retry_on_database_errors", Field::Bool}, {"retry_all", Field::Bool},
          {"reuse_connections", Field::Bool}, {"private_key_path"}},
         "password", "password"},
        {"bigquery",
         {{"method", Field::Text, false, "service-account-json"}, {"project", Field::Text, true, nullptr, "database"},
          {"dataset", Field::Text, true, nullptr, "schema"}, {"location"}, {"priority"},
          {"threads", Field::Number, false, "4"}, {"job_execution_timeout_seconds", Field::Number},
          {"job_creation_timeout_seconds", Field::Number}, {"job_retries", Field::Number},
          {"job_retry_deadline_seconds", Field::Number}, {"maximum_bytes_billed", Field::Number},
          {"impersonate_service_account"}},
         "keyfile_json", "service-account key (JSON)"},
        {"duckdb",
         {{"path", Field::Text, true}, {"schema", Field::Text, false}, {"threads", Field::Number, false, "4"}},
         nullptr, nullptr},
        {"databricks",
         {{"host", Field::Text, true}, {"http_path", Field::Text, true}, {"schema", Field::Text, true}, {"catalog"},
          {"threads", Field::Number, false, "4"}, {"connect_retries", Field::Number}, {"connect_timeout", Field::Number}},
         "token", "access token"},
    };
    return list;
}

QString settingText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble(), 'g', 17);
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

QString envName(const char *prefix, const QString &key)
{
    return QString::fromLatin1(prefix) + key.toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

QByteArray envRef(const QString &name, bool asNumber = false)
{
    return QStringLiteral("{{ env_var('%1')%2 }}").arg(name, asNumber ? QStringLiteral(" | as_number") : QString()).toUtf8();
}

Result<void> writePrivateFile(const QString &path, const QByteArray &bytes)
{
    const QByteArray tmp = QFile::encodeName(path + QStringLiteral(".tmp"));
    ::unlink(tmp.constData());
    const int fd = ::open(tmp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return fail(Error::invalid(QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno)))));
    bool ok = ::fchmod(fd, 0600) == 0;
    qsizetype done = 0;
    while (ok && done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        ok = n > 0;
        done += ok ? n : 0;
    }
    const int savedErrno = errno;
    ok = (::close(fd) == 0) && ok;
    if (!ok || ::rename(tmp.constData(), QFile::encodeName(path).constData()) != 0) {
        ::unlink(tmp.constData());
        return fail(Error::invalid(QStringLiteral("cannot write %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(savedErrno ? savedErrno : errno)))));
    }
    return {};
}

} // namespace

QStringList profileWarehouseTypes()
{
    QStringList out;
    for (const Adapter &a : adapters())
        out.append(QString::fromLatin1(a.type));
    return out;
}

QList<ProfileField> profileFields(const QString &type)
{
    QList<ProfileField> out;
    for (const Adapter &a : adapters()) {
        if (type != QLatin1String(a.type))
            continue;
        for (const Setting &s : a.settings)
            out.append(ProfileField{QString::fromLatin1(s.key),
                                    s.field == Field::Number ? ProfileField::Kind::Number
                                    : s.field == Field::Bool ? ProfileField::Kind::Bool
                                                             : ProfileField::Kind::Text,
                                    s.required, s.fallback ? QString::fromLatin1(s.fallback) : QString(),
                                    s.alias ? QString::fromLatin1(s.alias) : QString()});
    }
    return out;
}

bool usesKeyPair(const QString &type, const QJsonObject &settings)
{
    return type == QLatin1String("snowflake") && !settings.value(QLatin1String("private_key_path")).toString().trimmed().isEmpty();
}

QString profileSecretWord(const QString &type, const QJsonObject &settings)
{
    if (usesKeyPair(type, settings))
        return QStringLiteral("private key passphrase");
    for (const Adapter &a : adapters())
        if (type == QLatin1String(a.type) && a.secretWord)
            return QString::fromLatin1(a.secretWord);
    return {};
}

Result<void> checkProfileSettings(const QString &type, const QJsonObject &settings, const QString &defaultSchema)
{
    // The same checks as writing, into a folder thrown away; without a secret, so only the settings count.
    QTemporaryDir scratch;
    if (!scratch.isValid())
        return fail(Error::internal(QStringLiteral("cannot create a scratch folder: %1").arg(scratch.errorString())));
    ProfileRequest request;
    request.warehouseType = type;
    request.settings = settings;
    request.withoutSecret = true;
    request.defaultSchema = defaultSchema;
    auto written = writeProfiles(scratch.filePath(QStringLiteral("profiles")), request);
    if (!written)
        return fail(written.error());
    return {};
}

Result<WrittenProfile> writeProfiles(const QString &directory, const ProfileRequest &request)
{
    const Adapter *adapter = nullptr;
    for (const Adapter &a : adapters())
        if (request.warehouseType == QLatin1String(a.type))
            adapter = &a;
    if (!adapter)
        return fail(Error::invalid(QStringLiteral("cannot write a dbt profile for warehouse type \"%1\": use one of %2")
                                       .arg(request.warehouseType, profileWarehouseTypes().join(QStringLiteral(", ")))));
    const QString type = request.warehouseType;
    if (request.profileName.isEmpty() || request.targetName.isEmpty())
        return fail(Error::invalid(QStringLiteral("a dbt profile needs a profile name and a target name")));

    WrittenProfile out;
    try {
        YAML::Emitter y;
        y << YAML::BeginMap << YAML::Key << request.profileName.toStdString() << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "target" << YAML::Value << request.targetName.toStdString();
        y << YAML::Key << "outputs" << YAML::Value << YAML::BeginMap;
        y << YAML::Key << request.targetName.toStdString() << YAML::Value << YAML::BeginMap;
        y << YAML::Key << "type" << YAML::Value << type.toStdString();

        for (const Setting &s : adapter->settings) {
            const QString key = QString::fromLatin1(s.key);
            QJsonValue v = request.settings.value(key);
            if ((v.isUndefined() || v.isNull()) && s.alias)
                v = request.settings.value(QString::fromLatin1(s.alias));
            QString text = settingText(v);
            if (text.isEmpty() && (key == QLatin1String("schema") || key == QLatin1String("dataset")))
                text = request.defaultSchema;
            if (text.isEmpty() && s.fallback)
                text = type == QLatin1String("bigquery") && key == QLatin1String("method") && request.withoutSecret
                    ? QStringLiteral("oauth")   // no key file: the machine's application-default credentials
                    : QString::fromLatin1(s.fallback);
            if (text.isEmpty()) {
                if (s.required)
                    return fail(Error::invalid(QStringLiteral("the %1 warehouse has no \"%2\" setting; add it with `sluicectl warehouse set --setting %2=VALUE`")
                                                   .arg(type, key)));
                continue;
            }
            // dbt renders every profile value as Jinja: a setting must not smuggle in template code.
            if (text.contains(QLatin1String("{{")) || text.contains(QLatin1String("{%")) || text.contains(QLatin1String("{#")))
                return fail(Error::invalid(QStringLiteral("the warehouse setting \"%1\" contains Jinja markup ({{, {% or {#); remove it").arg(key)));
            y << YAML::Key << s.key << YAML::Value;
            switch (s.field) {
            case Field::Number: {
                bool ok = false;
                text.toDouble(&ok);
                if (!ok)
                    return fail(Error::invalid(QStringLiteral("the warehouse setting \"%1\" must be a number, not \"%2\"").arg(key, text)));
                const QString name = envName("SLUICE_DBT_", key);
                out.environment.insert(name, text);
                y << YAML::DoubleQuoted << envRef(name, true).toStdString();
                break;
            }
            case Field::Bool: {
                const QString lower = text.toLower();
                if (lower != QLatin1String("true") && lower != QLatin1String("false"))
                    return fail(Error::invalid(QStringLiteral("the warehouse setting \"%1\" must be true or false, not \"%2\"").arg(key, text)));
                y << (lower == QLatin1String("true"));
                break;
            }
            case Field::Text:
                y << YAML::DoubleQuoted << text.toStdString();
                break;
            }
        }

        // Snowflake key-pair authentication: the key file is the user's (private_key_path, written above);
        // the keychain holds its passphrase, none for an unencrypted key.
        const bool keyPair = usesKeyPair(type, request.settings);
        const char *secretKey = keyPair ? "private_key_passphrase" : adapter->secretKey;
        if (secretKey && request.withoutSecret) {
            // The profile's secret field stays (dbt-postgres requires it), empty: libpq then falls back to
            // PGPASSWORD, ~/.pgpass, trust or peer. BigQuery without a key file: application-default
            // credentials; an unencrypted Snowflake key: no passphrase.
            if (type != QLatin1String("bigquery") && !keyPair)
                y << YAML::Key << secretKey << YAML::Value << YAML::DoubleQuoted << "";
        } else if (secretKey) {
            const QString secretName = QStringLiteral("the %1 warehouse's %2").arg(type, profileSecretWord(type, request.settings));
            if (request.secret.isEmpty())
                return fail(Error::invalid(QStringLiteral("%1 is not set; store it with `sluicectl secrets set org/SLUG/warehouse`").arg(secretName)));
            if (type == QLatin1String("bigquery")) {
                QJsonParseError err;
                const QJsonDocument doc = QJsonDocument::fromJson(request.secret.toUtf8(), &err);
                const QJsonObject key = doc.object();
                if (err.error != QJsonParseError::NoError || !doc.isObject())
                    return fail(Error::invalid(QStringLiteral("%1 is not a JSON object; store the key file downloaded from Google Cloud").arg(secretName)));
                if (!key.value(QStringLiteral("private_key")).isString() || !key.value(QStringLiteral("client_email")).isString())
                    return fail(Error::invalid(QStringLiteral("%1 has no private_key or client_email; store the service account's key file").arg(secretName)));
                // One env var per key field (dbt allows one DBT_ENV_SECRET_ per value, no filters). Only
                // the key material is a DBT_ENV_SECRET_: dbt masks those values everywhere in its output,
                // and masking the project id or the account's e-mail would garble every relation name.
                static const QStringList secretFields = {QStringLiteral("private_key"), QStringLiteral("private_key_id"),
                                                         QStringLiteral("client_secret"), QStringLiteral("refresh_token")};
                y << YAML::Key << "keyfile_json" << YAML::Value << YAML::BeginMap;
                for (auto it = key.begin(); it != key.end(); ++it) {
                    const QString value = settingText(it.value());
                    if (value.isEmpty())
                        continue;
                    const bool isSecret = secretFields.contains(it.key());
                    const QString name = envName(isSecret ? "DBT_ENV_SECRET_KEYFILE_" : "SLUICE_DBT_KEYFILE_", it.key());
                    out.environment.insert(name, value);
                    if (isSecret)
                        out.secretValues.append(value);
                    y << YAML::Key << it.key().toStdString() << YAML::Value << YAML::DoubleQuoted << envRef(name).toStdString();
                }
                y << YAML::EndMap;
            } else {
                const QString name = envName("DBT_ENV_SECRET_", QString::fromLatin1(secretKey));
                out.environment.insert(name, request.secret);
                out.secretValues.append(request.secret);
                y << YAML::Key << secretKey << YAML::Value << YAML::DoubleQuoted << envRef(name).toStdString();
            }
        }
        y << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
        if (!y.good())
            return fail(Error::internal(QStringLiteral("cannot write the dbt profile: %1").arg(QString::fromStdString(y.GetLastError()))));

        QDir dir(directory);
        if (!dir.mkpath(QStringLiteral(".")))
            return fail(Error::invalid(QStringLiteral("cannot create the profiles directory %1").arg(directory)));
        if (::chmod(QFile::encodeName(dir.absolutePath()).constData(), 0700) != 0)
            return fail(Error::invalid(QStringLiteral("cannot make %1 private (0700): %2").arg(directory, QString::fromLocal8Bit(std::strerror(errno)))));
        out.directory = dir.absolutePath();
        out.path = dir.absoluteFilePath(QStringLiteral("profiles.yml"));
        QByteArray bytes(y.c_str(), qsizetype(y.size()));
        bytes.append('\n');
        if (auto written = writePrivateFile(out.path, bytes); !written)
            return fail(written.error());
        return out;
    } catch (const YAML::Exception &e) {
        return fail(Error::internal(QStringLiteral("cannot write the dbt profile: %1").arg(QString::fromUtf8(e.what()))));
    }
}

} // namespace sluice
