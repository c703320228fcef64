#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QUuid>
#include <QStringList>
#include <QUrl>

#include <chrono>
#include <memory>
#include <optional>

class QTcpSocket;

namespace sluice::test {

// A stateful stand-in for Airbyte's Config API (/api/v1/..., also served under /v1/... for a proxy
// that strips /api), on loopback, built on Qt HTTP Server. Response bodies follow the shapes of the
// official spec (tests/executors/airbyte/tst_airbytecontract proves it through Prism).
//
// State: workspaces, sources, destinations, connections (with status), jobs. A job's life is a
// function of time since it was created, per its JobPlan: pending for `pendingFor`, then one attempt
// after another, each lasting `attemptDuration` (during the first half of a retry attempt the job
// reports `incomplete`, as Airbyte does between attempts), then succeeded (last attempt succeeded) or
// failed. jobs/cancel ends it as cancelled at once. connections/sync answers 409 while a sync job
// of the connection is not finished.
//
// Auth: None; Basic (user/secret); ClientCredentials (applications/token with client id/secret →
// a bearer token that expires after tokenLifetime or on expireTokens()). health needs no auth.
//
// Faults (addFault) hit the next `count` requests to an endpoint (or any endpoint): an HTTP error
// with a body, malformed JSON, an HTML page, a dropped connection, or a delay before the answer.
class AirbyteDouble : public QObject
{
    Q_OBJECT
public:
    enum class Auth { None, Basic, ClientCredentials };

    struct Options {
        Auth auth = Auth::None;
        QString user = QStringLiteral("airbyte");     // basic user / client id
        QString secret = QStringLiteral("password");  // basic password / client secret
        std::chrono::milliseconds tokenLifetime{15 * 60 * 1000};
        QString version = QStringLiteral("1.5.0");    // instance_configuration's; empty: not said (servers before 1.0)
    };

    struct JobPlan {
        QStringList attempts{QStringLiteral("succeeded")};   // each "succeeded" or "failed"; the job ends with the last
        std::chrono::milliseconds pendingFor{50};
        std::chrono::milliseconds attemptDuration{200};
        qint64 recordsPerAttempt = 1000;
        qint64 bytesPerAttempt = 64000;
        QString failureMessage = QStringLiteral("Source could not connect: connection refused");
    };

    struct Fault {
        enum class Kind { HttpError, MalformedJson, Html, Drop, Delay };
        Kind kind = Kind::HttpError;
        QString endpoint;          // e.g. "jobs/get"; empty: any endpoint
        int count = 1;             // how many requests it hits; -1: all of them
        int status = 500;          // HttpError / Html
        QByteArray body;           // HttpError: default is a JSON KnownExceptionInfo
        std::chrono::milliseconds delay{0};   // Delay: wait this long, then answer normally
    };

    struct Request {
        QByteArray method;
        QString endpoint;          // without /api/v1/
        QByteArray authorization;
        QJsonObject body;
    };

    explicit AirbyteDouble(QObject *parent = nullptr);
    explicit AirbyteDouble(Options options, QObject *parent = nullptr);
    ~AirbyteDouble() override;

    // Listens on 127.0.0.1 (port 0: any free one). Returns the port, 0 on failure.
    quint16 listen(quint16 port = 0);
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QUrl url() const;   // http://127.0.0.1:PORT

    QString addWorkspace(const QString &name);
    // The one organisation every workspace belongs to (instance_configuration's defaultOrganizationId).
    [[nodiscard]] QString organizationId() const { return m_organizationId; }
    QString addSource(const QString &workspaceId, const QString &name, const QString &connector = QStringLiteral("Postgres"));
    QString addDestination(const QString &workspaceId, const QString &name, const QString &connector = QStringLiteral("BigQuery"));
    QString addConnection(const QString &workspaceId, const QString &sourceId, const QString &destinationId,
                          const QString &name, const QString &status = QStringLiteral("active"));
    void setConnectionStatus(const QString &connectionId, const QString &status);

    // Connectors (airbytedouble_actors.cpp). `specDocument` is what the connector publishes
    // ({documentationUrl, connectionSpecification}); the server answers it inside
    // source_definition_specifications/get. Returns the definition id.
    QString addSourceDefinition(const QString &name, const QJsonObject &specDocument,
                                const QString &dockerRepository = QString());
    QString addDestinationDefinition(const QString &name, const QJsonObject &specDocument,
                                     const QString &dockerRepository = QString());
    // Checks of this definition's configurations fail with `message` (empty: they succeed again).
    void setCheckFailure(const QString &definitionId, const QString &message);
    // A source's or destination's configuration as stored, secrets unmasked (what the server reads back masked).
    [[nodiscard]] QJsonObject storedConfiguration(const QString &actorId) const;
    [[nodiscard]] bool hasSource(const QString &sourceId) const { return m_sources.contains(sourceId); }
    [[nodiscard]] QString connectionSource(const QString &connectionId) const
    {
        return m_connections.value(connectionId).value(QLatin1String("sourceId")).toString();
    }
    void removeConnection(const QString &connectionId) { m_connections.remove(connectionId); }
    // The plan for the connection's next jobs (default: the JobPlan defaults).
    void setJobPlan(const QString &connectionId, const JobPlan &plan);
    // What sources/discover_schema answers for the source: {"streams": [AirbyteStreamAndConfiguration]}
    // (empty streams until set). Streams break the official spec's AirbyteStream (see addConnection), so
    // tests run through Prism leave it unset.
    void setDiscoveredCatalog(const QString &sourceId, const QJsonObject &catalog) { m_catalogs.insert(sourceId, catalog); }
    [[nodiscard]] QJsonObject connectionRead(const QString &connectionId) const { return m_connections.value(connectionId); }
    // The connection's syncCatalog ({"streams": [AirbyteStreamAndConfiguration]}), as connections/create
    // or update would set it.
    void setSyncCatalog(const QString &connectionId, const QJsonObject &catalog)
    {
        m_connections[connectionId].insert(QStringLiteral("syncCatalog"), catalog);
    }
    // A syncCatalog of full-refresh streams in namespace `ns` (empty: none), the `synced` ones selected and
    // the `unsynced` ones not, in that order.
    [[nodiscard]] static QJsonObject catalogOf(const QString &ns, const QStringList &synced, const QStringList &unsynced = {});
    // The streams a reset / clear job drops, as its resetConfig.streamsToReset says ("public.users").
    [[nodiscard]] QStringList jobStreams(qint64 jobId) const;
    // Starts a job as another client would (the scheduler, the web UI). Returns its id.
    qint64 startJob(const QString &connectionId, const QString &configType = QStringLiteral("sync"));
    // Cancels a job as Airbyte's web UI would.
    void cancelJob(qint64 jobId);
    [[nodiscard]] QString jobStatus(qint64 jobId) const;
    [[nodiscard]] bool jobCancelled(qint64 jobId) const;

    void addFault(const Fault &fault);
    void clearFaults();
    void expireTokens();
    [[nodiscard]] QString lastIssuedToken() const { return m_lastToken; }

    [[nodiscard]] const QList<Request> &requests() const { return m_requests; }
    [[nodiscard]] int count(const QString &endpoint) const;

private:
    class Server;
    struct Job {
        qint64 id = 0;
        QString configType;
        QString connectionId;
        qint64 createdAtSecs = 0;
        qint64 createdAtMs = 0;    // on m_clock
        qint64 cancelledAtMs = -1;
        JobPlan plan;
        QJsonArray streams;        // reset / clear of chosen streams: their StreamDescriptors
    };
    struct Answer { int status = 200; QByteArray body; QByteArray contentType = "application/json"; };

    void handle(const QByteArray &method, const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers,
                const QByteArray &body, QTcpSocket *socket);
    Answer route(const QByteArray &method, const QString &endpoint, const QJsonObject &body, const QByteArray &authorization);
    bool authorised(const QString &endpoint, const QByteArray &authorization) const;
    QJsonObject jobRead(const Job &job) const;
    QJsonArray attemptsOf(const Job &job, bool wrapped) const;
    QString statusOf(const Job &job) const;
    bool hasRunningSync(const QString &connectionId) const;
    std::optional<Answer> routeActors(const QString &endpoint, const QJsonObject &body);
    [[nodiscard]] QJsonObject masked(const QJsonObject &actor, const char *definitionKey) const;
    static void write(QTcpSocket *socket, const Answer &answer);

    Options m_options;
    std::unique_ptr<Server> m_server;
    quint16 m_port = 0;
    QElapsedTimer m_clock;
    QMap<QString, QJsonObject> m_workspaces, m_sources, m_destinations, m_connections;
    QString m_organizationId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QString m_defaultUserId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    QMap<QString, QJsonObject> m_sourceDefinitions, m_destinationDefinitions;   // id → definition read
    QMap<QString, QJsonObject> m_catalogs;   // source id → its discovered catalog
    QHash<QString, QJsonObject> m_specs;          // definition id → the connector's spec document
    QHash<QString, QString> m_checkFailures;      // definition id → message
    QHash<QString, JobPlan> m_plans;
    QMap<qint64, Job> m_jobs;
    qint64 m_nextJobId = 100;
    QHash<QString, qint64> m_tokens;   // token → expiry on m_clock
    QString m_lastToken;
    QList<Fault> m_faults;
    QList<Request> m_requests;
};

} // namespace sluice::test
