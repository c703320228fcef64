#include "services/ingestservice.h"

#include "secrets/secretstore.h"
#include "store/airbyteserverstore.h"
#include "store/changewatcher.h"
#include "store/database.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runstore.h"

#include <algorithm>

#include <QDateTime>

namespace sluice {

IngestService::IngestService(DbUrl url, QString actor, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_actor(std::move(actor))
{
    qRegisterMetaType<sluice::IngestSourceRow>();
    qRegisterMetaType<sluice::IngestConnectionRow>();
    qRegisterMetaType<sluice::IngestJobRow>();
    qRegisterMetaType<sluice::AirbyteDefinition>();
    qRegisterMetaType<sluice::ConnectorSpec>();
    qRegisterMetaType<QList<sluice::IngestSourceRow>>();
    qRegisterMetaType<QList<sluice::IngestConnectionRow>>();
    qRegisterMetaType<QList<sluice::IngestJobRow>>();
    qRegisterMetaType<QList<sluice::AirbyteDefinition>>();
    qRegisterMetaType<QList<sluice::SpecProblem>>();
    qRegisterMetaType<sluice::IngestConnectionDraft>();
    qRegisterMetaType<sluice::SyncCatalog>();
    qRegisterMetaType<QList<sluice::IngestEndpoint>>();
    qRegisterMetaType<QList<sluice::SchemaChange>>();
    qRegisterMetaType<sluice::Warehouse>();
    qRegisterMetaType<sluice::IngestWarehouseView>();
    qRegisterMetaType<sluice::WarehouseTestResult>();
    qRegisterMetaType<sluice::AirbyteServer>();
    qRegisterMetaType<sluice::IngestServerView>();
    qRegisterMetaType<sluice::AirbyteProbe>();
    qRegisterMetaType<sluice::AirbyteWorkspace>();
}

IngestService::~IngestService()
{
    delete m_watcher;   // it unsubscribes through the connection: before m_db goes
    m_watcher = nullptr;
}

void IngestService::start()
{
    if (m_db)
        return;
    auto db = Database::openExisting(m_url);
    if (!db) {
        Q_EMIT problem(tr("Cannot open the store for the Ingest page: %1").arg(db.error().message));
        return;
    }
    m_db = std::move(*db);
    m_watcher = new ChangeWatcher(*m_db, this);
    connect(m_watcher, &ChangeWatcher::changed, this, [this](const QSet<QString> &tables) {
        static const QSet<QString> watched{QStringLiteral("lock_lease"), QStringLiteral("lock_task"), QStringLiteral("run"),
                                           QStringLiteral("task_run"), QStringLiteral("org_task"), QStringLiteral("pipeline"),
                                           QStringLiteral("pipeline_task")};
        if (m_orgId && (tables.isEmpty() || tables.intersects(watched))) {
            readStore();
            emitConnections();
        }
    });
    if (auto started = m_watcher->start(); !started)
        Q_EMIT problem(tr("Changes made elsewhere will show only on F5: %1").arg(started.error().message));
    if (m_orgId)
        refresh();
    if (m_openServerPending) {
        m_openServerPending = false;
        openServer();
    }
}

void IngestService::showOrg(qint64 orgId)
{
    if (orgId != m_orgId) {
        m_orgId = orgId;
        m_sources.clear();
        m_destinations.clear();
        m_connections.clear();
        m_checks.clear();
        m_serverSyncs.clear();
        m_airbyteRead = false;
    }
    refresh();
}

void IngestService::refresh()
{
    if (!m_db || !m_orgId)
        return;
    readStore();
    [[maybe_unused]] auto t = readAll();
}

QCoro::Task<void> IngestService::readAll()
{
    co_await runShowWarehouse();   // the store's and the keychain's side, without waiting for Airbyte
    co_await readAirbyte(m_orgId);
    co_await runShowWarehouse();   // again, with its destination as the server has it
}

// The org's workspace and a client for the server (made again when the server's settings changed).
QCoro::Task<std::optional<IngestService::Target>> IngestService::target(QString *why)
{
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (!org) {
        *why = tr("Cannot read the org: %1").arg(org.error().message);
        co_return std::nullopt;
    }
    m_orgSlug = org->slug;
    m_workspaceId = org->airbyteWorkspaceId;
    auto server = AirbyteServerStore(*m_db, m_actor).find(QString());
    if (!server) {
        *why = tr("No Airbyte server is set up: %1. Add one with Airbyte server… above (or `sluicectl airbyte server set --url URL`).").arg(server.error().message);
        co_return std::nullopt;
    }
    if (m_workspaceId.isEmpty()) {
        *why = tr("The org %1 has no Airbyte workspace: choose or make one with Airbyte server… above (or `sluicectl org set %1 --airbyte-workspace ID`).").arg(m_orgSlug);
        co_return std::nullopt;
    }
    const QString key = server->url.toString() + QLatin1Char('|') + toString(server->authKind) + QLatin1Char('|') + server->user;
    if (!m_client || key != m_clientKey) {
        AirbyteClientOptions o;
        o.url = server->url;
        o.auth.kind = server->authKind;
        o.auth.user = server->user;
        o.maxAttempts = 2;   // a person is waiting: fail fast, say why
        if (server->authKind != AirbyteAuthKind::None) {
            const QString secretKey = SecretStore::airbyteKey(server->name);
            auto secret = co_await SecretStore().get(secretKey);
            if (!secret) {
                *why = tr("Cannot read the Airbyte server's secret from the keychain: %1").arg(secret.error().message);
                co_return std::nullopt;
            }
            if (!secret->has_value()) {
                *why = tr("The Airbyte server \"%1\" uses %2 auth but the keychain has no secret for it: store it with `sluicectl secrets set %3`.")
                           .arg(server->name, toString(server->authKind), secretKey);
                co_return std::nullopt;
            }
            o.auth.secret = **secret;
        }
        // A call of the old client may still be suspended (a slow discover): it stays alive with the service.
        if (m_client)
            m_retiredClients.push_back(std::move(m_client));
        m_client = std::make_unique<AirbyteClient>(o);
        m_clientKey = key;
    }
    co_return Target{m_client.get(), m_workspaceId};
}

QCoro::Task<std::optional<IngestService::Target>> IngestService::targetOrNotice()
{
    QString why;
    auto t = co_await target(&why);
    if (!t)
        Q_EMIT notice(why);
    co_return t;
}

QCoro::Task<void> IngestService::readAirbyte(qint64 orgId)
{
    QString why;
    auto t = co_await target(&why);
    if (orgId != m_orgId)
        co_return;
    if (!t) {
        Q_EMIT serverShown(orgId, QString(), why);
        emitSources();
        emitConnections();
        co_return;
    }
    auto sources = co_await t->client->sources(t->workspaceId);
    auto destinations = co_await t->client->destinations(t->workspaceId);
    auto connections = co_await t->client->connections(t->workspaceId);
    if (orgId != m_orgId)
        co_return;
    const QString summary = tr("Airbyte at %1, workspace %2").arg(t->client->options().url.toString(), t->workspaceId);
    QString failure;
    if (!sources)
        failure = sources.error().message;
    else if (!destinations)
        failure = destinations.error().message;
    else if (!connections)
        failure = connections.error().message;
    if (!failure.isEmpty()) {
        Q_EMIT serverShown(orgId, summary, tr("%1. The lists show what was read last.").arg(failure));
        emitSources();
        emitConnections();
        co_return;
    }
    m_sources = *sources;
    m_destinations = *destinations;
    m_connections = *connections;
    m_airbyteRead = true;
    Q_EMIT serverShown(orgId, summary, QString());
    emitSources();
    emitConnections();
    co_await readServerSyncs(orgId, t->client);
    if (orgId == m_orgId)
        emitConnections();
}

// Each connection's latest sync job on the server (jobs/list, one per connection), for syncs Sluice did
// not run. Skipped past kMaxServerSyncReads connections (one request each); a failure keeps the last
// complete read.
QCoro::Task<void> IngestService::readServerSyncs(qint64 orgId, AirbyteClient *client)
{
    constexpr qsizetype kMaxServerSyncReads = 300;
    const QList<AirbyteConnection> connections = m_connections;   // m_connections may change while suspended
    if (connections.size() > kMaxServerSyncReads)
        co_return;
    const QStringList types{QStringLiteral("sync")};
    QHash<QString, ConnectionLastSync> read;
    for (const AirbyteConnection &c : connections) {
        auto jobs = co_await client->jobs(c.id, types, 1);
        if (!jobs || orgId != m_orgId)
            co_return;
        if (jobs->isEmpty())
            continue;
        const AirbyteJob &j = jobs->first();
        ConnectionLastSync l;
        l.status = j.status == QLatin1String("succeeded") ? QStringLiteral("successful")
            : j.status == QLatin1String("failed") || j.status == QLatin1String("cancelled") ? j.status
            : j.status == QLatin1String("pending") ? QStringLiteral("queued")
                                                    : QStringLiteral("running");
        l.atMs = (j.isTerminal() && j.updatedAt ? j.updatedAt : j.createdAt) * 1000;
        l.by = QStringLiteral("Airbyte");
        l.records = j.recordsSynced;
        l.bytes = j.bytesSynced;
        l.jobId = j.id;
        read.insert(c.id, l);
    }
    m_serverSyncs = read;
}

// The store's side: which pipelines use each connection, who holds its tasks' locks, its last sync.
void IngestService::readStore()
{
    auto tasks = OrgTaskStore(*m_db, m_actor).list(m_orgId);
    auto pipelines = PipelineStore(*m_db, m_actor).list(m_orgId);
    auto locks = LockStore(*m_db).status(m_orgId, 0);
    auto syncs = RunStore(*m_db).lastConnectionSyncs(m_orgId);
    if (!tasks || !pipelines || !locks || !syncs) {
        const Error &e = !tasks ? tasks.error() : !pipelines ? pipelines.error() : !locks ? locks.error() : syncs.error();
        Q_EMIT problem(tr("Cannot read the connections' runs and locks: %1").arg(e.message));
        return;
    }
    QHash<qint64, QString> connectionOfTask;
    for (const OrgTask &t : std::as_const(*tasks))
        if (!t.connectionId.isEmpty())
            connectionOfTask.insert(t.id, t.connectionId);
    m_pipelinesOf.clear();
    for (const Pipeline &p : std::as_const(*pipelines))
        for (const PipelineStep &s : p.steps)
            if (!s.task.connectionId.isEmpty() && !m_pipelinesOf.value(s.task.connectionId).contains(p.name))
                m_pipelinesOf[s.task.connectionId].append(p.name);
    m_locks.clear();
    for (const TaskLockStatus &l : std::as_const(*locks))
        if (const QString c = connectionOfTask.value(l.orgTaskId); !c.isEmpty() && !m_locks.contains(c))
            m_locks.insert(c, l);
    m_lastSyncs = *syncs;
}

void IngestService::emitConnections()
{
    QHash<QString, QString> names;
    for (const AirbyteActor &a : std::as_const(m_sources))
        names.insert(a.id, a.name);
    for (const AirbyteActor &a : std::as_const(m_destinations))
        names.insert(a.id, a.name);
    QList<IngestEndpoint> sources, destinations;
    for (const AirbyteActor &a : std::as_const(m_sources))
        sources.append({a.id, a.name, a.typeName});
    for (const AirbyteActor &a : std::as_const(m_destinations))
        destinations.append({a.id, a.name, a.typeName});
    Q_EMIT endpointsShown(m_orgId, sources, destinations);
    QList<IngestConnectionRow> rows;
    rows.reserve(m_connections.size());
    for (const AirbyteConnection &c : std::as_const(m_connections)) {
        IngestConnectionRow r;
        r.id = c.id;
        r.name = c.name;
        r.sourceName = names.value(c.sourceId);
        r.destinationName = names.value(c.destinationId);
        r.status = c.status;
        r.streams = selectedStreams(SyncCatalog::fromJson(c.raw.value(QLatin1String("syncCatalog")).toObject()));
        if (auto it = m_lastSyncs.constFind(c.id); it != m_lastSyncs.cend())
            r.lastSync = *it;
        // A sync the server ran for someone else (its scheduler, its web UI) shows when it is newer than
        // Sluice's own; Sluice's record of the same job stays (it names who asked).
        if (auto it = m_serverSyncs.constFind(c.id); it != m_serverSyncs.cend()
            && (!r.lastSync || (it->jobId != r.lastSync->jobId && it->atMs > r.lastSync->atMs)))
            r.lastSync = *it;
        r.pipelines = m_pipelinesOf.value(c.id);
        if (auto it = m_locks.constFind(c.id); it != m_locks.cend())
            r.lock = *it;
        rows.append(std::move(r));
    }
    Q_EMIT connectionsShown(m_orgId, rows);
}

void IngestService::emitSources()
{
    QList<IngestSourceRow> rows;
    rows.reserve(m_sources.size());
    for (const AirbyteActor &a : std::as_const(m_sources)) {
        IngestSourceRow r = m_checks.value(a.id);
        r.id = a.id;
        r.name = a.name;
        r.typeName = a.typeName;
        r.definitionId = a.raw.value(QLatin1String("sourceDefinitionId")).toString();
        r.connectionNames.clear();
        for (const AirbyteConnection &c : std::as_const(m_connections))
            if (c.sourceId == a.id)
                r.connectionNames.append(c.name);
        rows.append(std::move(r));
    }
    Q_EMIT sourcesShown(m_orgId, rows);
}

// ---- connections ---------------------------------------------------------------------------------------

void IngestService::requestConnectionTask(const QString &connectionId, const QString &slug, const QString &streams)
{
    if (!m_db || !m_orgId)
        return;
    OrgTaskStore store(*m_db, m_actor);
    auto tasks = store.list(m_orgId);
    if (!tasks) {
        Q_EMIT notice(tr("Cannot read the org's tasks: %1").arg(tasks.error().message));
        return;
    }
    // The same streams in any order or spelling (the CLI's spacing) are the same task: one per choice.
    const QString streamsKey = QStringLiteral("streams");
    const auto sameStreams = [](const QString &a, const QString &b) {
        if (a.isEmpty() || b.isEmpty())
            return a.isEmpty() && b.isEmpty();
        auto x = parseStreamRefs(a);
        auto y = parseStreamRefs(b);
        if (!x || !y || x->size() != y->size())
            return false;
        return std::all_of(x->cbegin(), x->cend(), [&](const StreamRef &s) { return y->contains(s); });
    };
    for (const OrgTask &t : std::as_const(*tasks)) {
        if (t.slug == slug && t.connectionId == connectionId && sameStreams(t.parameters.options.value(streamsKey), streams)) {
            Q_EMIT connectionTaskReady(t.uuid);
            return;
        }
    }
    QString name = connectionId;
    for (const AirbyteConnection &c : std::as_const(m_connections))
        if (c.id == connectionId)
            name = c.name;
    OrgTaskDraft draft;
    draft.slug = slug;
    draft.connectionId = connectionId;
    if (!streams.isEmpty())
        draft.options.append({streamsKey, streams});
    const auto chosen = parseStreamRefs(streams);
    const QString words = chosen ? streamRefsWords(*chosen) : QString();
    draft.label = slug == QLatin1String("airbyte-sync") ? tr("Sync %1").arg(name)
                : slug == QLatin1String("airbyte-reset")
                    ? (streams.isEmpty() ? tr("Reset %1").arg(name) : tr("Reset %1 of %2").arg(words, name))
                    : (streams.isEmpty() ? tr("Clear %1").arg(name) : tr("Clear %1 of %2").arg(words, name));
    auto created = store.create(m_orgId, draft);
    if (!created) {
        Q_EMIT notice(tr("Cannot create the task for %1: %2").arg(name, created.error().message));
        return;
    }
    Q_EMIT connectionTaskReady(created->uuid);
}

void IngestService::cancelConnection(const QString &connectionId) { runCancel(connectionId); }

QCoro::Task<void> IngestService::runCancel(QString connectionId)
{
    if (!m_db || !m_orgId)
        co_return;
    readStore();
    if (auto it = m_locks.constFind(connectionId); it != m_locks.cend()) {
        Q_EMIT runCancelRequested(it->runId);
        co_return;
    }
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    const QStringList types = connectionJobTypes();
    auto jobs = co_await t->client->jobs(connectionId, types, 5);
    if (!jobs) {
        Q_EMIT notice(tr("Cannot read the connection's jobs: %1").arg(jobs.error().message));
        co_return;
    }
    for (const AirbyteJob &j : std::as_const(*jobs)) {
        if (j.isTerminal())
            continue;
        auto cancelled = co_await t->client->cancelJob(j.id);
        Q_EMIT notice(cancelled ? tr("Airbyte job %1 cancelled.").arg(j.id) : tr("Cannot cancel Airbyte job %1: %2").arg(j.id).arg(cancelled.error().message));
        co_return;
    }
    Q_EMIT notice(tr("Nothing to cancel: no sync of this connection is queued or running."));
}

void IngestService::listJobs(const QString &connectionId) { runListJobs(connectionId); }

namespace {

IngestJobRow jobRow(const AirbyteJob &j)
{
    IngestJobRow r;
    r.id = j.id;
    r.configType = j.configType;
    r.status = j.status;
    r.createdAt = j.createdAt;
    r.updatedAt = j.updatedAt;
    r.records = j.recordsSynced;
    r.bytes = j.bytesSynced;
    r.failureMessage = j.failureMessage;
    r.streams = j.streams;
    for (const AirbyteAttempt &a : j.attemptList)
        r.attempts.append(IngestAttemptRow{a.id, a.status, a.createdAt, a.endedAt, a.records, a.bytes, a.failureMessage, a.logLines});
    return r;
}

} // namespace

QCoro::Task<void> IngestService::runListJobs(QString connectionId)
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT jobsListed(connectionId, {}, 0, why);
        co_return;
    }
    const QStringList types = connectionJobTypes();
    auto jobs = co_await t->client->jobs(connectionId, types, 50);
    if (!jobs) {
        Q_EMIT jobsListed(connectionId, {}, 0, jobs.error().message);
        co_return;
    }
    QList<IngestJobRow> rows;
    for (const AirbyteJob &j : std::as_const(*jobs))
        rows.append(jobRow(j));
    Q_EMIT jobsListed(connectionId, rows, QDateTime::currentSecsSinceEpoch(), QString());
}

void IngestService::loadJob(qint64 jobId) { runLoadJob(jobId); }

QCoro::Task<void> IngestService::runLoadJob(qint64 jobId)
{
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    auto job = co_await t->client->job(jobId);
    if (!job) {
        Q_EMIT notice(tr("Cannot read Airbyte job %1: %2").arg(jobId).arg(job.error().message));
        co_return;
    }
    Q_EMIT jobLoaded(jobRow(*job));
}

void IngestService::setConnectionActive(const QString &connectionId, bool active) { runSetActive(connectionId, active); }

QCoro::Task<void> IngestService::runSetActive(QString connectionId, bool active)
{
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    const QJsonObject body{{QStringLiteral("connectionId"), connectionId},
                           {QStringLiteral("status"), active ? QStringLiteral("active") : QStringLiteral("inactive")}};
    auto updated = co_await t->client->updateConnection(body);
    if (!updated)
        Q_EMIT notice(tr("Cannot change the connection: %1").arg(updated.error().message));
    co_await readAirbyte(m_orgId);
}

void IngestService::deleteConnection(const QString &connectionId) { runDeleteConnection(connectionId); }

QCoro::Task<void> IngestService::runDeleteConnection(QString connectionId)
{
    readStore();
    if (const QStringList used = m_pipelinesOf.value(connectionId); !used.isEmpty()) {
        Q_EMIT notice(tr("The connection is used by %1: take it out of those pipelines first.").arg(used.join(QStringLiteral(", "))));
        co_return;
    }
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    auto deleted = co_await t->client->deleteConnection(connectionId);
    if (!deleted && deleted.error().kind != Error::Kind::NotFound)
        Q_EMIT notice(tr("Cannot delete the connection: %1").arg(deleted.error().message));
    co_await readAirbyte(m_orgId);
}

} // namespace sluice
