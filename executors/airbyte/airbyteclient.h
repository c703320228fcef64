#pragma once

#include "airbytetypes.h"
#include "airbyte/connectorspec.h"
#include "core/error.h"
#include "domain/airbyteserver.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace sluice {

class SecretScrubber;

// How the client proves who it is.
struct AirbyteAuth {
    using Kind = AirbyteAuthKind;
    Kind kind = Kind::None;
    QString user;     // Basic: the user name; ClientCredentials: the client_id
    QString secret;   // Basic: the password; ClientCredentials: the client_secret. Never logged or shown.

};

struct AirbyteClientOptions {
    QUrl url;                                  // the server, e.g. http://localhost:8000
    QString apiPath = QStringLiteral("/api/v1");  // appended to url's path; "/v1" behind a proxy that strips /api
    AirbyteAuth auth;
    std::chrono::milliseconds transferTimeout{30000};   // per request (QNetworkRequest::setTransferTimeout)
    int maxAttempts = 4;                        // per call, for network errors and 5xx; 1 = no retry
    std::chrono::milliseconds retryDelay{500};  // first backoff; doubles on each retry
    std::chrono::milliseconds maxRetryDelay{8000};
};

// Airbyte's Config API over QNetworkAccessManager. Every call is a coroutine that completes with a
// value or an Error whose message names the endpoint, what went wrong and, for an error reply, the
// server's own message (from the JSON error body, or the start of an HTML page).
//
// Contract:
// - Every endpoint is POST with a JSON body under <url><apiPath>/..., except GET .../health.
// - Only the fields the API requires (and a few well-known optional ones) are sent; unknown response
//   fields are ignored and optional ones may be missing.
// - Each request has the transfer timeout. Network errors (refused, reset, timed out), 5xx, 408 and
//   429 replies are retried up to maxAttempts with exponential backoff; other 4xx replies are not.
// - ClientCredentials: a token is fetched with POST applications/token before the first call and
//   again once when a call answers 401, after which the call is repeated once.
// - Error kinds: NotFound (404), Conflict (409, e.g. a sync already running), Invalid (every other
//   4xx but 408 and 429: the request or the credentials are wrong), Internal (server down, timeouts,
//   5xx, 408, 429, replies that are not the expected JSON).
// - The password, client secret and tokens never appear in an Error message or a log line.
// - The client may be destroyed only when no call is suspended.
class AirbyteClient : public QObject
{
    Q_OBJECT
public:
    explicit AirbyteClient(AirbyteClientOptions options, QObject *parent = nullptr);
    ~AirbyteClient() override;

    [[nodiscard]] const AirbyteClientOptions &options() const { return m_options; }

    // GET health: ok when the server says {"available": true} (older servers: {"db": true}).
    QCoro::Task<Result<void>> health();

    QCoro::Task<Result<QList<AirbyteWorkspace>>> workspaces();
    // GET instance_configuration: the server's version, edition and default organisation and workspace.
    QCoro::Task<Result<AirbyteInstance>> instanceConfiguration();
    // workspaces/list_by_organization_id: the workspaces of one organisation (servers from 1.0; 2026
    // servers have no workspaces/list).
    QCoro::Task<Result<QList<AirbyteWorkspace>>> workspacesOfOrganization(QString organizationId);
    // workspaces/create; `organizationId` is required from 1.0 on, omitted when empty.
    QCoro::Task<Result<AirbyteWorkspace>> createWorkspace(QString name, QString organizationId);
    QCoro::Task<Result<QList<AirbyteActor>>> sources(QString workspaceId);
    QCoro::Task<Result<QList<AirbyteActor>>> destinations(QString workspaceId);
    // The source's catalog (sources/discover_schema): the raw SourceDiscoverSchemaRead.
    QCoro::Task<Result<QJsonObject>> discoverSchema(QString sourceId);

    // ---- connectors and sources (airbyteactors.cpp) ----
    QCoro::Task<Result<QList<AirbyteDefinition>>> sourceDefinitions(QString workspaceId);
    QCoro::Task<Result<QList<AirbyteDefinition>>> destinationDefinitions(QString workspaceId);
    // The connector's specification (source_definition_specifications/get): the form's schema.
    QCoro::Task<Result<ConnectorSpec>> sourceSpec(QString definitionId, QString workspaceId);
    QCoro::Task<Result<ConnectorSpec>> destinationSpec(QString definitionId, QString workspaceId);
    QCoro::Task<Result<AirbyteActor>> source(QString sourceId);
    QCoro::Task<Result<AirbyteActor>> destination(QString destinationId);
    QCoro::Task<Result<AirbyteActor>> createSource(QString workspaceId, QString definitionId, QString name, QJsonObject configuration);
    // `configuration` whole, as the form holds it; secrets the server masked ("**********") are kept by the server.
    QCoro::Task<Result<AirbyteActor>> updateSource(QString sourceId, QString name, QJsonObject configuration);
    QCoro::Task<Result<void>> deleteSource(QString sourceId);
    QCoro::Task<Result<AirbyteActor>> createDestination(QString workspaceId, QString definitionId, QString name, QJsonObject configuration);
    QCoro::Task<Result<AirbyteActor>> updateDestination(QString destinationId, QString name, QJsonObject configuration);
    // The server runs the connector's check. A failed check is a value (succeeded false, the
    // connector's message), not an Error; an Error means the check could not be run.
    QCoro::Task<Result<AirbyteCheck>> checkSource(QString sourceId);
    // Before saving: scheduler/sources/check_connection with the configuration as typed.
    QCoro::Task<Result<AirbyteCheck>> checkSourceConfiguration(QString definitionId, QString workspaceId, QJsonObject configuration);
    QCoro::Task<Result<AirbyteCheck>> checkDestination(QString destinationId);

    QCoro::Task<Result<QList<AirbyteConnection>>> connections(QString workspaceId);
    QCoro::Task<Result<AirbyteConnection>> connection(QString connectionId);
    // `body` is a ConnectionCreate (sourceId, destinationId, status required) / ConnectionUpdate
    // (connectionId required); it is sent as given.
    QCoro::Task<Result<AirbyteConnection>> createConnection(QJsonObject body);
    QCoro::Task<Result<AirbyteConnection>> updateConnection(QJsonObject body);
    QCoro::Task<Result<void>> deleteConnection(QString connectionId);

    // Start a job for the connection. sync → Conflict when a sync is already running.
    QCoro::Task<Result<AirbyteJob>> sync(QString connectionId);
    // Reset / clear drop the synced data of every stream, or of `streams` only when given
    // (connections/reset/stream, connections/clear/stream: ConnectionStreamRequestBody, the namespace
    // sent when the stream has one).
    QCoro::Task<Result<AirbyteJob>> reset(QString connectionId, QList<StreamRef> streams = {});
    // connections/clear[/stream] (Airbyte ≥ 0.63); on a server without it (404 for the route),
    // connections/reset[/stream].
    QCoro::Task<Result<AirbyteJob>> clear(QString connectionId, QList<StreamRef> streams = {});
    // connections/refresh {refreshMode: Truncate|Merge} (Airbyte ≥ 1.0).
    QCoro::Task<Result<AirbyteJob>> refresh(QString connectionId, QString refreshMode = QStringLiteral("Truncate"));

    QCoro::Task<Result<AirbyteJob>> job(qint64 jobId);
    // The newest jobs of a connection first. `configTypes` e.g. {"sync"}; `pageSize` ≤ 0: the server's default.
    QCoro::Task<Result<QList<AirbyteJob>>> jobs(QString connectionId, QStringList configTypes, int pageSize = 20);
    QCoro::Task<Result<AirbyteJob>> cancelJob(qint64 jobId);

private:
    struct Reply;
    QCoro::Task<Reply> send(QByteArray method, QString endpoint, std::optional<QJsonObject> body);
    QCoro::Task<Reply> sendOnce(const QByteArray &method, const QString &endpoint, const QByteArray &body);
    QCoro::Task<Result<void>> fetchToken();
    QCoro::Task<Result<QJsonObject>> call(QString endpoint, std::optional<QJsonObject> body);
    QCoro::Task<Result<AirbyteJob>> jobCall(QString endpoint, QJsonObject body);
    [[nodiscard]] Error errorFor(const QString &endpoint, const Reply &reply) const;
    [[nodiscard]] QUrl urlFor(const QString &endpoint) const;
    [[nodiscard]] QString scrub(const QString &text) const;

    AirbyteClientOptions m_options;
    QNetworkAccessManager *m_nam;
    std::unique_ptr<SecretScrubber> m_scrubber;
    QString m_token;   // bearer token (ClientCredentials), empty until fetched
};

} // namespace sluice
