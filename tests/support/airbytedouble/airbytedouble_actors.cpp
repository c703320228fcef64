// The double's connectors: source/destination definitions with their specifications, sources and
// destinations (create, get, update, delete, list) and connection checks. As Airbyte does, fields the
// connector's spec marks `airbyte_secret` are read back masked, and an update that sends the mask
// keeps the stored secret.
#include "airbytedouble.h"
#include "airbytedouble_util.h"

namespace sluice::test {

using namespace airbytedouble;

namespace {

const QString mask = QStringLiteral("**********");

// The names of secret fields at each level of a schema (oneOf branches included), recursively.
QJsonValue maskedValue(const QJsonObject &schema, const QJsonValue &value);

QJsonObject maskedObject(const QJsonObject &schema, QJsonObject value)
{
    QList<QJsonObject> levels{schema};
    for (const QJsonValue &branch : schema.value(QLatin1String("oneOf")).toArray())
        levels << branch.toObject();
    for (const QJsonObject &level : levels) {
        const QJsonObject props = level.value(QLatin1String("properties")).toObject();
        for (auto it = props.begin(); it != props.end(); ++it) {
            if (!value.contains(it.key()))
                continue;
            const QJsonObject p = it.value().toObject();
            if (p.value(QLatin1String("airbyte_secret")).toBool())
                value.insert(it.key(), mask);
            else
                value.insert(it.key(), maskedValue(p, value.value(it.key())));
        }
    }
    return value;
}

QJsonValue maskedValue(const QJsonObject &schema, const QJsonValue &value)
{
    if (value.isObject())
        return maskedObject(schema, value.toObject());
    if (value.isArray() && schema.value(QLatin1String("items")).isObject()) {
        QJsonArray out;
        for (const QJsonValue &v : value.toArray())
            out.append(maskedValue(schema.value(QLatin1String("items")).toObject(), v));
        return out;
    }
    return value;
}

// An update's configuration with every masked value replaced by the stored one at the same place.
QJsonValue unmasked(const QJsonValue &incoming, const QJsonValue &stored)
{
    if (incoming == QJsonValue(mask))
        return stored;
    if (incoming.isObject() && stored.isObject()) {
        QJsonObject out = incoming.toObject();
        const QJsonObject old = stored.toObject();
        for (auto it = out.begin(); it != out.end(); ++it)
            it.value() = unmasked(it.value(), old.value(it.key()));
        return out;
    }
    return incoming;
}

QJsonObject jobInfo(const QString &configType, const QString &configId, bool succeeded)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    return {{QStringLiteral("id"), newId()}, {QStringLiteral("configType"), configType}, {QStringLiteral("configId"), configId},
            {QStringLiteral("createdAt"), now}, {QStringLiteral("endedAt"), now}, {QStringLiteral("succeeded"), succeeded},
            {QStringLiteral("connectorConfigurationUpdated"), false}};
}

} // namespace

QString AirbyteDouble::addSourceDefinition(const QString &name, const QJsonObject &specDocument, const QString &dockerRepository)
{
    const QString id = newId();
    const QString repo = dockerRepository.isEmpty() ? QStringLiteral("airbyte/source-") + name.toLower().replace(u' ', u'-') : dockerRepository;
    m_sourceDefinitions.insert(id, {{QStringLiteral("sourceDefinitionId"), id}, {QStringLiteral("name"), name},
                                    {QStringLiteral("dockerRepository"), repo}, {QStringLiteral("dockerImageTag"), QStringLiteral("1.2.3")},
                                    {QStringLiteral("documentationUrl"), specDocument.value(QLatin1String("documentationUrl")).toString(
                                                                             QStringLiteral("https://docs.airbyte.com/integrations/sources/x"))},
                                    {QStringLiteral("sourceType"), QStringLiteral("api")}, {QStringLiteral("custom"), false},
                                    {QStringLiteral("releaseStage"), QStringLiteral("generally_available")}});
    m_specs.insert(id, specDocument);
    return id;
}

QString AirbyteDouble::addDestinationDefinition(const QString &name, const QJsonObject &specDocument, const QString &dockerRepository)
{
    const QString id = newId();
    const QString repo = dockerRepository.isEmpty() ? QStringLiteral("airbyte/destination-") + name.toLower().replace(u' ', u'-') : dockerRepository;
    m_destinationDefinitions.insert(id, {{QStringLiteral("destinationDefinitionId"), id}, {QStringLiteral("name"), name},
                                         {QStringLiteral("dockerRepository"), repo}, {QStringLiteral("dockerImageTag"), QStringLiteral("2.0.1")},
                                         {QStringLiteral("documentationUrl"), specDocument.value(QLatin1String("documentationUrl")).toString(
                                                                                  QStringLiteral("https://docs.airbyte.com/integrations/destinations/x"))},
                                         {QStringLiteral("supportsDbt"), true},
                                         {QStringLiteral("normalizationConfig"), QJsonObject{{QStringLiteral("supported"), false}}},
                                         {QStringLiteral("releaseStage"), QStringLiteral("generally_available")}});
    m_specs.insert(id, specDocument);
    return id;
}

void AirbyteDouble::setCheckFailure(const QString &definitionId, const QString &message)
{
    if (message.isEmpty())
        m_checkFailures.remove(definitionId);
    else
        m_checkFailures.insert(definitionId, message);
}

QJsonObject AirbyteDouble::storedConfiguration(const QString &actorId) const
{
    const QJsonObject actor = m_sources.contains(actorId) ? m_sources.value(actorId) : m_destinations.value(actorId);
    return actor.value(QLatin1String("connectionConfiguration")).toObject();
}

QJsonObject AirbyteDouble::masked(const QJsonObject &actor, const char *definitionKey) const
{
    const QJsonObject spec = m_specs.value(actor.value(QLatin1String(definitionKey)).toString())
                                 .value(QLatin1String("connectionSpecification")).toObject();
    QJsonObject out = actor;
    out.insert(QStringLiteral("connectionConfiguration"),
               maskedObject(spec, actor.value(QLatin1String("connectionConfiguration")).toObject()));
    return out;
}

std::optional<AirbyteDouble::Answer> AirbyteDouble::routeActors(const QString &endpoint, const QJsonObject &body)
{
    const auto ok = [](const QJsonObject &o) { return Answer{200, json(o), "application/json"}; };
    const auto notFound = [](const QString &what, const QString &id) {
        return Answer{404, json({{QStringLiteral("id"), id}, {QStringLiteral("message"), QStringLiteral("Could not find %1 with id: %2").arg(what, id)},
                                 {QStringLiteral("exceptionClassName"), QStringLiteral("io.airbyte.commons.server.errors.IdNotFoundKnownException")},
                                 {QStringLiteral("exceptionStack"), QJsonArray()}}),
                      "application/json"};
    };
    const bool sourceSide = endpoint.startsWith(QLatin1String("source")) || endpoint.startsWith(QLatin1String("scheduler/source"));
    const bool destinationSide = endpoint.startsWith(QLatin1String("destination"));
    if (!sourceSide && !destinationSide)
        return std::nullopt;
    const char *defKey = sourceSide ? "sourceDefinitionId" : "destinationDefinitionId";
    const char *idKey = sourceSide ? "sourceId" : "destinationId";
    const char *nameKey = sourceSide ? "sourceName" : "destinationName";
    const QString what = sourceSide ? QStringLiteral("source") : QStringLiteral("destination");
    QMap<QString, QJsonObject> &definitions = sourceSide ? m_sourceDefinitions : m_destinationDefinitions;
    QMap<QString, QJsonObject> &actors = sourceSide ? m_sources : m_destinations;
    const QString plural = sourceSide ? QStringLiteral("source") : QStringLiteral("destination");

    if (endpoint == plural + QStringLiteral("_definitions/list_for_workspace") || endpoint == plural + QStringLiteral("_definitions/list")) {
        QJsonArray a;
        for (const QJsonObject &d : definitions)
            a.append(d);
        return ok({{plural + QStringLiteral("Definitions"), a}});
    }
    if (endpoint == plural + QStringLiteral("_definition_specifications/get")) {
        const QString id = body.value(QLatin1String(defKey)).toString();
        if (!definitions.contains(id))
            return notFound(what + QStringLiteral(" definition"), id);
        const QJsonObject spec = m_specs.value(id);
        QJsonObject read{{QLatin1String(defKey), id},
                         {QStringLiteral("documentationUrl"), spec.value(QLatin1String("documentationUrl")).toString()},
                         {QStringLiteral("connectionSpecification"), spec.value(QLatin1String("connectionSpecification"))},
                         {QStringLiteral("jobInfo"), jobInfo(QStringLiteral("get_spec"), id, true)}};
        if (!sourceSide)
            read.insert(QStringLiteral("supportedDestinationSyncModes"),
                        QJsonArray{QStringLiteral("append"), QStringLiteral("overwrite"), QStringLiteral("append_dedup")});
        return ok(read);
    }
    const QString actorId = body.value(QLatin1String(idKey)).toString();
    if (endpoint == plural + QStringLiteral("s/create")) {
        const QString defId = body.value(QLatin1String(defKey)).toString();
        if (!definitions.contains(defId))
            return notFound(what + QStringLiteral(" definition"), defId);
        const QString id = newId();
        actors.insert(id, {{QLatin1String(idKey), id}, {QLatin1String(defKey), defId},
                           {QStringLiteral("workspaceId"), body.value(QLatin1String("workspaceId")).toString()},
                           {QStringLiteral("name"), body.value(QLatin1String("name")).toString()},
                           {QLatin1String(nameKey), definitions.value(defId).value(QLatin1String("name")).toString()},
                           {QStringLiteral("createdAt"), nowSecs()},
                           {QStringLiteral("connectionConfiguration"), body.value(QLatin1String("connectionConfiguration")).toObject()}});
        return ok(masked(actors.value(id), defKey));
    }
    if (endpoint == QStringLiteral("scheduler/sources/check_connection")) {
        const QString defId = body.value(QLatin1String(defKey)).toString();
        if (!definitions.contains(defId))
            return notFound(what + QStringLiteral(" definition"), defId);
        const QString failure = m_checkFailures.value(defId);
        QJsonObject read{{QStringLiteral("status"), failure.isEmpty() ? QStringLiteral("succeeded") : QStringLiteral("failed")},
                         {QStringLiteral("jobInfo"), jobInfo(QStringLiteral("check_connection_source"), defId, true)}};
        if (!failure.isEmpty())
            read.insert(QStringLiteral("message"), failure);
        return ok(read);
    }
    if (endpoint == plural + QStringLiteral("s/get") || endpoint == plural + QStringLiteral("s/update")
        || endpoint == plural + QStringLiteral("s/delete") || endpoint == plural + QStringLiteral("s/check_connection")) {
        if (!actors.contains(actorId))
            return notFound(what, actorId);
        QJsonObject &actor = actors[actorId];
        if (endpoint.endsWith(QLatin1String("/get")))
            return ok(masked(actor, defKey));
        if (endpoint.endsWith(QLatin1String("/delete"))) {
            actors.remove(actorId);
            // As Airbyte does: the connections that used it go too.
            for (auto it = m_connections.begin(); it != m_connections.end();) {
                if (it->value(QLatin1String(idKey)).toString() == actorId)
                    it = m_connections.erase(it);
                else
                    ++it;
            }
            return Answer{204, {}, {}};
        }
        if (endpoint.endsWith(QLatin1String("/update"))) {
            actor.insert(QStringLiteral("name"), body.value(QLatin1String("name")).toString());
            actor.insert(QStringLiteral("connectionConfiguration"),
                         unmasked(body.value(QLatin1String("connectionConfiguration")), actor.value(QLatin1String("connectionConfiguration"))));
            return ok(masked(actor, defKey));
        }
        const QString failure = m_checkFailures.value(actor.value(QLatin1String(defKey)).toString());
        QJsonObject read{{QStringLiteral("status"), failure.isEmpty() ? QStringLiteral("succeeded") : QStringLiteral("failed")},
                         {QStringLiteral("jobInfo"), jobInfo(sourceSide ? QStringLiteral("check_connection_source")
                                                                        : QStringLiteral("check_connection_destination"), actorId, true)}};
        if (!failure.isEmpty())
            read.insert(QStringLiteral("message"), failure);
        return ok(read);
    }
    return std::nullopt;   // sources/list, sources/discover_schema, …: the main router
}

} // namespace sluice::test
