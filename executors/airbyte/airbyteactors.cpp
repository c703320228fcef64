// AirbyteClient: connector definitions, their specifications, sources and destinations (the Ingest
// page's Sources tab and the warehouse's destination). The transport and errors: airbyteclient.cpp.
#include "airbyteclient.h"

#include <QJsonArray>

namespace sluice {

namespace {

Result<QList<AirbyteDefinition>> definitionsIn(const Result<QJsonObject> &o, const char *key,
                                               AirbyteDefinition (*parse)(const QJsonObject &))
{
    if (!o)
        return fail(o.error());
    QList<AirbyteDefinition> out;
    for (const QJsonValue &v : o->value(QLatin1String(key)).toArray())
        out.append(parse(v.toObject()));
    std::sort(out.begin(), out.end(), [](const AirbyteDefinition &a, const AirbyteDefinition &b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return out;
}

Result<ConnectorSpec> specIn(const Result<QJsonObject> &o, const QString &what)
{
    if (!o)
        return fail(o.error());
    const QJsonValue schema = o->value(QLatin1String("connectionSpecification"));
    if (!schema.isObject())
        return fail(Error::internal(QStringLiteral("Airbyte sent the %1's specification without a connectionSpecification; "
                                                   "the connector may have failed to start (its spec job: %2)")
                                        .arg(what, o->value(QLatin1String("jobInfo")).toObject().value(QLatin1String("id")).toString())));
    return ConnectorSpec{schema.toObject(), o->value(QLatin1String("documentationUrl")).toString()};
}

} // namespace

QCoro::Task<Result<QList<AirbyteDefinition>>> AirbyteClient::sourceDefinitions(QString workspaceId)
{
    const QString endpoint = QStringLiteral("source_definitions/list_for_workspace");
    const QJsonObject request{{QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, request);
    co_return definitionsIn(o, "sourceDefinitions", parseSourceDefinition);
}

QCoro::Task<Result<QList<AirbyteDefinition>>> AirbyteClient::destinationDefinitions(QString workspaceId)
{
    const QString endpoint = QStringLiteral("destination_definitions/list_for_workspace");
    const QJsonObject request{{QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, request);
    co_return definitionsIn(o, "destinationDefinitions", parseDestinationDefinition);
}

QCoro::Task<Result<ConnectorSpec>> AirbyteClient::sourceSpec(QString definitionId, QString workspaceId)
{
    const QString endpoint = QStringLiteral("source_definition_specifications/get");
    const QJsonObject request{{QStringLiteral("sourceDefinitionId"), definitionId}, {QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, request);
    co_return specIn(o, QStringLiteral("source connector"));
}

QCoro::Task<Result<ConnectorSpec>> AirbyteClient::destinationSpec(QString definitionId, QString workspaceId)
{
    const QString endpoint = QStringLiteral("destination_definition_specifications/get");
    const QJsonObject request{{QStringLiteral("destinationDefinitionId"), definitionId}, {QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, request);
    co_return specIn(o, QStringLiteral("destination connector"));
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::source(QString sourceId)
{
    const QString endpoint = QStringLiteral("sources/get");
    const QJsonObject request{{QStringLiteral("sourceId"), sourceId}};
    auto o = co_await call(endpoint, request);
    if (!o)
        co_return fail(o.error());
    co_return parseSource(*o);
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::destination(QString destinationId)
{
    const QString endpoint = QStringLiteral("destinations/get");
    const QJsonObject request{{QStringLiteral("destinationId"), destinationId}};
    auto o = co_await call(endpoint, request);
    if (!o)
        co_return fail(o.error());
    co_return parseDestination(*o);
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::createSource(QString workspaceId, QString definitionId, QString name, QJsonObject configuration)
{
    const QJsonObject body{{QStringLiteral("workspaceId"), workspaceId}, {QStringLiteral("sourceDefinitionId"), definitionId},
                           {QStringLiteral("name"), name}, {QStringLiteral("connectionConfiguration"), configuration}};
    const QString endpoint = QStringLiteral("sources/create");
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseSource(*o);
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::updateSource(QString sourceId, QString name, QJsonObject configuration)
{
    const QJsonObject body{{QStringLiteral("sourceId"), sourceId}, {QStringLiteral("name"), name},
                           {QStringLiteral("connectionConfiguration"), configuration}};
    const QString endpoint = QStringLiteral("sources/update");
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseSource(*o);
}

QCoro::Task<Result<void>> AirbyteClient::deleteSource(QString sourceId)
{
    const QString endpoint = QStringLiteral("sources/delete");
    const QJsonObject request{{QStringLiteral("sourceId"), sourceId}};
    auto o = co_await call(endpoint, request);
    if (!o)
        co_return fail(o.error());
    co_return Result<void>{};
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::createDestination(QString workspaceId, QString definitionId, QString name, QJsonObject configuration)
{
    const QJsonObject body{{QStringLiteral("workspaceId"), workspaceId}, {QStringLiteral("destinationDefinitionId"), definitionId},
                           {QStringLiteral("name"), name}, {QStringLiteral("connectionConfiguration"), configuration}};
    const QString endpoint = QStringLiteral("destinations/create");
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseDestination(*o);
}

QCoro::Task<Result<AirbyteActor>> AirbyteClient::updateDestination(QString destinationId, QString name, QJsonObject configuration)
{
    const QJsonObject body{{QStringLiteral("destinationId"), destinationId}, {QStringLiteral("name"), name},
                           {QStringLiteral("connectionConfiguration"), configuration}};
    const QString endpoint = QStringLiteral("destinations/update");
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseDestination(*o);
}

QCoro::Task<Result<AirbyteCheck>> AirbyteClient::checkSource(QString sourceId)
{
    const QString endpoint = QStringLiteral("sources/check_connection");
    const QJsonObject request{{QStringLiteral("sourceId"), sourceId}};
    auto o = co_await call(endpoint, request);
    if (!o)
        co_return fail(o.error());
    co_return parseCheck(*o);
}

QCoro::Task<Result<AirbyteCheck>> AirbyteClient::checkSourceConfiguration(QString definitionId, QString workspaceId, QJsonObject configuration)
{
    const QJsonObject body{{QStringLiteral("sourceDefinitionId"), definitionId}, {QStringLiteral("workspaceId"), workspaceId},
                           {QStringLiteral("connectionConfiguration"), configuration}};
    const QString endpoint = QStringLiteral("scheduler/sources/check_connection");
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseCheck(*o);
}

QCoro::Task<Result<AirbyteCheck>> AirbyteClient::checkDestination(QString destinationId)
{
    const QString endpoint = QStringLiteral("destinations/check_connection");
    const QJsonObject request{{QStringLiteral("destinationId"), destinationId}};
    auto o = co_await call(endpoint, request);
    if (!o)
        co_return fail(o.error());
    co_return parseCheck(*o);
}

} // namespace sluice
