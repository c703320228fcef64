#pragma once

#include "airbyte/airbyteclient.h"
#include "airbyte/airbyteprobe.h"
#include "airbyte/connectorspec.h"
#include "domain/entities.h"
#include "domain/ingestview.h"
#include "runner/warehousetest.h"
#include "store/dburl.h"

#include <QCoro/QCoroTask>
#include <QHash>
#include <QJsonObject>
#include <QObject>

#include <memory>
#include <vector>

namespace sluice {

class ChangeWatcher;
class Database;

// The Ingest page's side of the store and of the org's Airbyte server, on a thread of its own with its
// own connection (opened by start(), in the thread the service lives in). Every slot is meant to be
// invoked through a queued connection; every answer is a signal. The server is the one `sluicectl
// airbyte server set` configured (its secret from the keychain), the workspace the org's.
// - showOrg(orgId) / refresh(): serverShown (which server and workspace, or what is missing and the
//   fix), then sourcesShown and connectionsShown. Airbyte is asked on these only; what changes in the
//   store (a run takes a connection's lock, a sync ends) is sent again live through a ChangeWatcher,
//   with the server's lists kept from the last refresh. A connection's last sync is Sluice's own run, or
//   the server's latest sync job when that is newer (a sync its scheduler or web UI started, "by Airbyte").
// - Sources: listDefinitions() → definitionsListed; loadSpec(definitionId) → specLoaded;
//   openSource(sourceId) → sourceOpened (its configuration as the server shows it, secrets masked, and
//   its connector's spec); checkConfiguration(definitionId, config) → configurationChecked (the
//   server's check of what was typed); saveSource(sourceId or empty, definitionId, name, config) →
//   sourceSaved, or sourceRefused worded for the dialog, which keeps what was typed (the
//   configuration is validated against the spec first: problems come back as sourceInvalid);
//   checkSource(sourceId) → the source row's last check; deleteSource(sourceId) → refused while a
//   connection reads from it, naming them.
// - Connections: requestConnectionTask(connectionId, slug, streams) finds or creates the org's
//   airbyte-sync / airbyte-reset / airbyte-clear task for it (reset / clear of chosen streams: the task's
//   `streams` option, streamRefsText; empty: every stream) and answers connectionTaskReady(uuid) — the
//   window runs it through the RunService, so a sync from this page takes the same lock as a pipeline's.
//   cancelConnection(connectionId): the run holding its lock is asked to cancel (runCancelRequested),
//   else the server's running job is cancelled. listJobs(connectionId) → jobsListed (sync history);
//   loadJob(jobId) → jobLoaded with each attempt's log when the server has it.
//   setConnectionActive, deleteConnection → notice and the list again.
// - Editing connections (ingestservice_connections.cpp): endpointsShown (the sources and destinations a
//   connection can join) comes with every connections list; discover(sourceId) → discovered (the source's
//   catalog, every stream unselected with its suggested mode; a discover may take minutes: it has 10 of
//   them, and a timeout or a failure says which); openConnection(id) → connectionOpened (its draft as the
//   server has it); refreshSchema(id) → schemaRefreshed (the source discovered again, what changed
//   against the connection's catalog, and the draft with the change merged: new streams unselected);
//   saveConnection(draft) → connectionSaved or connectionRefused (worded for the dialog, which keeps
//   what was chosen; a catalog with no stream selected or a stream's problem is refused before sending).
// - Your warehouse (ingestservice_warehouse.cpp): warehouseShown comes with every refresh (the settings,
//   whether the keychain holds the secret, the Airbyte destination made from it).
//   testWarehouse(draft, secret) runs `dbt debug` through the workspace's dbt with a profile for what was
//   typed (the secret typed, else the keychain's) → warehouseTested. saveWarehouse(draft, secret): the
//   secret to the keychain (empty: the stored one stays), the settings to the store, then the org's Airbyte
//   destination created or updated from the same settings (its connector found by type on the server, its
//   configuration filled against that connector's spec) and its id stored → warehouseSaved (saying what
//   did not reach Airbyte, if anything) or warehouseRefused (nothing changed; the tab keeps what was typed).
// - The Airbyte server (ingestservice_server.cpp): openServer → serverOpened (the server, whether its secret
//   is stored, the org's workspace); testServer(draft, secret) → serverTested (health, version, the Config
//   API with the credentials, the workspaces; a server down, a wrong password and a refused client secret
//   each named with the fix); createWorkspace → workspaceCreated; saveServer(draft, secret, workspaceId):
//   the secret to the keychain (empty: the stored one stays), the server and the org's workspace to the
//   store → serverSaved or serverRefused, then everything is read again.
// Failures give notice(message) naming the problem and the fix; nothing the user typed is lost.
class IngestService : public QObject
{
    Q_OBJECT
public:
    IngestService(DbUrl url, QString actor, QObject *parent = nullptr);
    ~IngestService() override;

public Q_SLOTS:
    void start();
    void showOrg(qint64 orgId);
    void refresh();
    void listDefinitions();
    void loadSpec(const QString &definitionId);
    void openSource(const QString &sourceId);
    void checkConfiguration(const QString &definitionId, const QJsonObject &config);
    void saveSource(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config);
    void checkSource(const QString &sourceId);
    void deleteSource(const QString &sourceId);
    void requestConnectionTask(const QString &connectionId, const QString &slug, const QString &streams = QString());
    void cancelConnection(const QString &connectionId);
    void listJobs(const QString &connectionId);
    void loadJob(qint64 jobId);
    void setConnectionActive(const QString &connectionId, bool active);
    void deleteConnection(const QString &connectionId);
    void discover(const QString &sourceId);
    void openConnection(const QString &connectionId);
    void refreshSchema(const QString &connectionId);
    void saveConnection(const sluice::IngestConnectionDraft &draft);
    void showWarehouse();
    void testWarehouse(const sluice::Warehouse &draft, const QString &secret);
    void saveWarehouse(const sluice::Warehouse &draft, const QString &secret);
    void openServer();
    void testServer(const sluice::AirbyteServer &draft, const QString &secret);
    void createWorkspace(const sluice::AirbyteServer &draft, const QString &secret, const QString &name);
    void saveServer(const sluice::AirbyteServer &draft, const QString &secret, const QString &workspaceId);

Q_SIGNALS:
    // `summary`: "Airbyte at http://localhost:8000, workspace Default"; `problem` empty when it answered.
    void serverShown(qint64 orgId, const QString &summary, const QString &problem);
    void sourcesShown(qint64 orgId, const QList<sluice::IngestSourceRow> &sources);
    void connectionsShown(qint64 orgId, const QList<sluice::IngestConnectionRow> &connections);
    void definitionsListed(const QList<sluice::AirbyteDefinition> &definitions, const QString &problem);
    void specLoaded(const QString &definitionId, const sluice::ConnectorSpec &spec, const QString &problem);
    void sourceOpened(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config,
                      const sluice::ConnectorSpec &spec, const QString &problem);
    void configurationChecked(bool succeeded, const QString &message);
    void sourceSaved(const QString &sourceId);
    void sourceRefused(const QString &message);
    void sourceInvalid(const QList<sluice::SpecProblem> &problems);
    void connectionTaskReady(const QString &orgTaskUuid);
    void runCancelRequested(qint64 runId);
    void jobsListed(const QString &connectionId, const QList<sluice::IngestJobRow> &jobs, qint64 nowSecs, const QString &problem);
    void jobLoaded(const sluice::IngestJobRow &job);
    void endpointsShown(qint64 orgId, const QList<sluice::IngestEndpoint> &sources, const QList<sluice::IngestEndpoint> &destinations);
    void discovered(const QString &sourceId, const sluice::SyncCatalog &catalog, const QString &catalogId, const QString &problem);
    void connectionOpened(const sluice::IngestConnectionDraft &draft, const QString &problem);
    void schemaRefreshed(const sluice::IngestConnectionDraft &merged, const QList<sluice::SchemaChange> &changes, const QString &problem);
    void connectionSaved(const QString &connectionId);
    void connectionRefused(const QString &message);
    void warehouseShown(const sluice::IngestWarehouseView &view);
    void warehouseTested(const sluice::WarehouseTestResult &result);
    void warehouseSaved(const QString &message);
    void warehouseRefused(const QString &message);
    void serverOpened(const sluice::IngestServerView &view);
    void serverTested(const sluice::AirbyteProbe &probe, const QString &summary);
    void workspaceCreated(const sluice::AirbyteWorkspace &workspace, const QString &problem);
    void serverSaved(const QString &message);
    void serverRefused(const QString &message);
    void notice(const QString &message);
    void problem(const QString &message);

private:
    QCoro::Task<void> runShowWarehouse();
    QCoro::Task<void> runTestWarehouse(Warehouse draft, QString secret);
    QCoro::Task<void> runSaveWarehouse(Warehouse draft, QString secret);
    QCoro::Task<QString> saveDestination(Org org, Warehouse warehouse, QString secret);
    [[nodiscard]] QString formerDestinationNote(const QString &destinationId, const QString &formerType) const;
    QCoro::Task<void> readAll();
    QCoro::Task<void> runOpenServer();
    QCoro::Task<Result<AirbyteClientOptions>> draftClient(AirbyteServer draft, QString secret);
    QCoro::Task<void> runTestServer(AirbyteServer draft, QString secret);
    QCoro::Task<void> runCreateWorkspace(AirbyteServer draft, QString secret, QString name);
    QCoro::Task<void> runSaveServer(AirbyteServer draft, QString secret, QString workspaceId);
    // The source's catalog discovered by the server (a client of its own with a long timeout).
    QCoro::Task<Result<std::pair<SyncCatalog, QString>>> discoverCatalog(AirbyteClient *client, QString sourceId);
    QCoro::Task<void> runDiscover(QString sourceId);
    QCoro::Task<void> runOpenConnection(QString connectionId, bool refresh);
    QCoro::Task<void> runSaveConnection(IngestConnectionDraft draft);
    struct Target {     // the org's workspace and a client for its server (owned by the service)
        AirbyteClient *client = nullptr;
        QString workspaceId;
    };
    QCoro::Task<std::optional<Target>> target(QString *why);
    // target(), or nullopt after notice(why).
    QCoro::Task<std::optional<Target>> targetOrNotice();
    QCoro::Task<void> readAirbyte(qint64 orgId);
    QCoro::Task<void> readServerSyncs(qint64 orgId, AirbyteClient *client);
    void readStore();
    void emitConnections();
    void emitSources();
    QCoro::Task<void> runCheckConfiguration(QString definitionId, QJsonObject config);
    QCoro::Task<void> runSaveSource(QString sourceId, QString definitionId, QString name, QJsonObject config);
    QCoro::Task<void> runCheckSource(QString sourceId);
    QCoro::Task<void> runDeleteSource(QString sourceId);
    QCoro::Task<void> runOpenSource(QString sourceId);
    QCoro::Task<void> runLoadSpec(QString definitionId);
    QCoro::Task<void> runListDefinitions();
    QCoro::Task<void> runCancel(QString connectionId);
    QCoro::Task<void> runListJobs(QString connectionId);
    QCoro::Task<void> runLoadJob(qint64 jobId);
    QCoro::Task<void> runSetActive(QString connectionId, bool active);
    QCoro::Task<void> runDeleteConnection(QString connectionId);

    DbUrl m_url;
    QString m_actor;
    std::unique_ptr<Database> m_db;
    ChangeWatcher *m_watcher = nullptr;
    qint64 m_orgId = 0;
    QString m_orgSlug;
    QString m_workspaceId;
    std::unique_ptr<AirbyteClient> m_client;   // for the server as last read; replaced when its settings change
    QString m_clientKey;                       // url|auth|user of m_client
    std::vector<std::unique_ptr<AirbyteClient>> m_retiredClients;   // replaced clients (AirbyteClient: no call may outlive it)
    // The server's lists as last read (kept while only the store changes).
    QList<AirbyteActor> m_sources;
    QList<AirbyteActor> m_destinations;
    QList<AirbyteConnection> m_connections;
    QHash<QString, IngestSourceRow> m_checks;  // source id → its last check (this session)
    // The store's side as last read.
    QHash<QString, ConnectionLastSync> m_lastSyncs;
    QHash<QString, ConnectionLastSync> m_serverSyncs;   // connection id → its latest sync job on the server
    QHash<QString, QStringList> m_pipelinesOf;       // connection id → pipeline names
    QHash<QString, TaskLockStatus> m_locks;          // connection id → a lock on one of its tasks
    bool m_airbyteRead = false;
    bool m_openServerPending = false;   // openServer() came before start() opened the store
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::IngestSourceRow)
Q_DECLARE_METATYPE(sluice::IngestConnectionRow)
Q_DECLARE_METATYPE(sluice::IngestJobRow)
Q_DECLARE_METATYPE(sluice::AirbyteDefinition)
Q_DECLARE_METATYPE(sluice::ConnectorSpec)
Q_DECLARE_METATYPE(sluice::SpecProblem)
Q_DECLARE_METATYPE(sluice::IngestEndpoint)
Q_DECLARE_METATYPE(sluice::IngestConnectionDraft)
Q_DECLARE_METATYPE(sluice::SyncCatalog)
Q_DECLARE_METATYPE(sluice::SchemaChange)
Q_DECLARE_METATYPE(sluice::Warehouse)
Q_DECLARE_METATYPE(sluice::IngestWarehouseView)
Q_DECLARE_METATYPE(sluice::WarehouseTestResult)
Q_DECLARE_METATYPE(sluice::AirbyteServer)
Q_DECLARE_METATYPE(sluice::IngestServerView)
Q_DECLARE_METATYPE(sluice::AirbyteProbe)
Q_DECLARE_METATYPE(sluice::AirbyteWorkspace)
