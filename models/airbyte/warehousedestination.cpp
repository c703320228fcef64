#include "airbyte/warehousedestination.h"

#include <QHash>
#include <QSet>

namespace sluice {

namespace {

using Known = QHash<QString, QJsonValue>;

QString text(const QJsonObject &settings, const char *key, const char *alias = nullptr)
{
    QJsonValue v = settings.value(QLatin1String(key));
    if ((v.isUndefined() || v.toVariant().toString().isEmpty()) && alias)
        v = settings.value(QLatin1String(alias));
    return v.toVariant().toString().trimmed();
}

void put(Known &known, std::initializer_list<const char *> names, const QString &value)
{
    if (value.isEmpty())
        return;
    for (const char *n : names)
        known.insert(QLatin1String(n), value);
}

// What the warehouse knows, under every property name Airbyte's destinations (across their versions)
// use for it.
Known knownValues(const QString &type, const QJsonObject &s, const QString &secret)
{
    Known k;
    const bool bigquery = type == QLatin1String("bigquery");
    const bool snowflake = type == QLatin1String("snowflake");
    const bool databricks = type == QLatin1String("databricks");
    QString host = text(s, "host");
    if (snowflake) {
        host = text(s, "account");
        if (!host.isEmpty() && !host.endsWith(QLatin1String(".snowflakecomputing.com"), Qt::CaseInsensitive))
            host += QStringLiteral(".snowflakecomputing.com");
    }
    put(k, {"host", "hostname", "server_hostname", "databricks_server_hostname"}, host);
    put(k, {"port", "databricks_port"}, text(s, "port"));
    put(k, {"username", "user"}, text(s, "user"));
    put(k, {"database", "dbname", "catalog", "databricks_catalog"},
        databricks ? text(s, "catalog") : text(s, "dbname", "database"));
    put(k, {"schema", "dataset_id", "default_schema", "databricks_schema"},
        bigquery ? text(s, "dataset", "schema") : text(s, "schema"));
    put(k, {"warehouse"}, text(s, "warehouse"));
    put(k, {"role"}, text(s, "role"));
    put(k, {"project_id"}, text(s, "project", "database"));
    put(k, {"dataset_location"}, text(s, "location"));
    put(k, {"destination_path", "path"}, text(s, "path"));
    put(k, {"http_path", "databricks_http_path"}, text(s, "http_path"));
    put(k, {"ssl_mode"}, text(s, "sslmode"));
    if (databricks && (s.value(QLatin1String("accept_terms")).toBool() || text(s, "accept_terms") == QLatin1String("true")))
        put(k, {"accept_terms"}, QStringLiteral("true"));   // the user agreed in the warehouse form
    if (bigquery)
        put(k, {"credentials_json"}, secret);
    else if (databricks)
        put(k, {"personal_access_token", "databricks_personal_access_token", "token"}, secret);
    else if (snowflake && !text(s, "private_key").isEmpty()) {   // key-pair: the key itself, its passphrase
        put(k, {"private_key"}, s.value(QLatin1String("private_key")).toString());
        put(k, {"private_key_password"}, secret);
    } else if (type != QLatin1String("duckdb"))
        put(k, {"password"}, secret);
    return k;
}

QJsonValue typed(const QJsonObject &propertySchema, const QJsonValue &value)
{
    const QString t = propertySchema.value(QLatin1String("type")).toString();
    const QString s = value.toVariant().toString();
    bool ok = false;
    if (t == QLatin1String("integer")) {
        const qlonglong n = s.toLongLong(&ok);
        return ok ? QJsonValue(n) : value;
    }
    if (t == QLatin1String("number")) {
        const double n = s.toDouble(&ok);
        return ok ? QJsonValue(n) : value;
    }
    if (t == QLatin1String("boolean"))
        return QJsonValue(s == QLatin1String("true") || s == QLatin1String("1"));
    return QJsonValue(s);
}

QSet<QString> requiredOf(const QJsonObject &schema)
{
    QSet<QString> out;
    for (const QJsonValue &v : schema.value(QLatin1String("required")).toArray())
        out.insert(v.toString());
    return out;
}

QJsonObject fill(const QJsonObject &schema, const Known &known);

// Whether every required property of `branch` but its discriminator can be filled.
bool fillable(const QJsonObject &branch, const QString &discriminator, const Known &known)
{
    const QJsonObject props = branch.value(QLatin1String("properties")).toObject();
    for (const QString &r : requiredOf(branch)) {
        if (r == discriminator || known.contains(r) || props.value(r).toObject().contains(QLatin1String("default")))
            continue;
        return false;
    }
    return true;
}

std::optional<QJsonObject> fillOneOf(const QString &key, const QJsonObject &propertySchema, bool required, const Known &known)
{
    const QJsonArray branches = propertySchema.value(QLatin1String("oneOf")).toArray();
    struct Candidate { QJsonObject branch; OneOfDiscriminator d; int score = 0; };
    QList<Candidate> candidates;
    for (const QJsonValue &b : branches) {
        const QJsonObject branch = b.toObject();
        auto d = oneOfDiscriminator(branch);
        if (!d)
            return std::nullopt;   // not a group Sluice can choose in
        int score = 0;
        const QJsonObject props = branch.value(QLatin1String("properties")).toObject();
        for (auto it = props.begin(); it != props.end(); ++it)
            score += it.key() != d->key && known.contains(it.key()) ? 1 : 0;
        candidates << Candidate{branch, *d, score};
    }
    const Candidate *chosen = nullptr;
    // The branch the warehouse names (ssl_mode "require"), else the one it fills most.
    if (const QJsonValue named = known.value(key); named.isString()) {
        for (const Candidate &c : candidates)
            if (c.d.value.toVariant().toString() == named.toString()) { chosen = &c; break; }
    }
    if (!chosen) {
        for (const Candidate &c : candidates)
            if (c.score > 0 && (!chosen || c.score > chosen->score) && fillable(c.branch, c.d.key, known))
                chosen = &c;
    }
    const QJsonValue def = propertySchema.value(QLatin1String("default"));
    if (!chosen && (required || !def.isUndefined())) {
        const QJsonValue wanted = def.isObject() ? def.toObject().value(candidates.isEmpty() ? QString() : candidates.first().d.key) : def;
        for (const Candidate &c : candidates)
            if (!wanted.isUndefined() && c.d.value == wanted) { chosen = &c; break; }
        if (!chosen && required) {
            for (const Candidate &c : candidates)
                if (fillable(c.branch, c.d.key, known)) { chosen = &c; break; }
        }
    }
    if (!chosen)
        return std::nullopt;
    QJsonObject out = fill(chosen->branch, known);
    out.insert(chosen->d.key, chosen->d.value);
    return out;
}

QJsonObject fill(const QJsonObject &schema, const Known &known)
{
    QJsonObject out;
    const QSet<QString> required = requiredOf(schema);
    const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    for (auto it = props.begin(); it != props.end(); ++it) {
        const QString &key = it.key();
        const QJsonObject p = it.value().toObject();
        const bool isRequired = required.contains(key);
        if (p.value(QLatin1String("oneOf")).isArray()) {
            if (auto branch = fillOneOf(key, p, isRequired, known))
                out.insert(key, *branch);
            continue;
        }
        if (p.value(QLatin1String("type")).toString() == QLatin1String("object") && p.contains(QLatin1String("properties"))) {
            const QJsonObject sub = fill(p, known);
            if (!sub.isEmpty() || isRequired)
                out.insert(key, sub);
            continue;
        }
        if (const auto v = known.constFind(key); v != known.cend())
            out.insert(key, typed(p, *v));
        else if (isRequired && p.contains(QLatin1String("default")))
            out.insert(key, p.value(QLatin1String("default")));
    }
    return out;
}

} // namespace

Result<DestinationConfiguration> destinationConfiguration(const QJsonObject &schema, const QString &type, const QJsonObject &settings,
                                                          const QString &secret)
{
    DestinationConfiguration out;
    out.configuration = fill(schema, knownValues(type, settings, secret));
    auto problems = validateConfig(schema, out.configuration);
    if (!problems)
        return fail(problems.error());
    out.problems = *problems;
    return out;
}

QString destinationRepository(const QString &type)
{
    return QStringLiteral("airbyte/destination-") + type.toLower();
}

bool isDestinationFor(const QString &type, const QString &dockerRepository, const QString &name)
{
    if (!dockerRepository.isEmpty())
        return dockerRepository.compare(destinationRepository(type), Qt::CaseInsensitive) == 0;
    const QString n = name.toLower().remove(QLatin1Char(' '));
    const QString t = type.toLower();
    return n == t || (t == QLatin1String("databricks") && n.startsWith(t)) || (t == QLatin1String("postgres") && n == QLatin1String("postgresql"));
}

} // namespace sluice
