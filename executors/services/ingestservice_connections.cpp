// IngestService: creating and editing connections — discover, streams, schema refresh (see ingestservice.h).
#include "services/ingestservice.h"

#include <QJsonArray>

namespace sluice {

namespace {

constexpr auto kDiscoverTimeout = std::chrono::minutes(10);

IngestConnectionDraft draftOf(const AirbyteConnection &c)
{
    IngestConnectionDraft d;
    d.id = c.id;
    d.name = c.name;
    d.sourceId = c.sourceId;
    d.destinationId = c.destinationId;
    d.active = c.status == QLatin1String("active");
    d.namespaceDefinition = c.raw.value(QLatin1String("namespaceDefinition")).toString(QStringLiteral("destination"));
    d.namespaceFormat = c.raw.value(QLatin1String("namespaceFormat")).toString();
    d.prefix = c.raw.value(QLatin1String("prefix")).toString();
    d.catalog = SyncCatalog::fromJson(c.raw.value(QLatin1String("syncCatalog")).toObject());
    d.sourceCatalogId = c.raw.value(QLatin1String("sourceCatalogId")).toString();
    return d;
}

} // namespace

QCoro::Task<Result<std::pair<SyncCatalog, QString>>> IngestService::discoverCatalog(AirbyteClient *client, QString sourceId)
{
    AirbyteClientOptions o = client->options();
    o.transferTimeout = std::chrono::duration_cast<std::chrono::milliseconds>(kDiscoverTimeout);
    o.maxAttempts = 1;   // a discover is not repeated behind the user's back
    auto slow = std::make_unique<AirbyteClient>(o);
    auto answer = co_await slow->discoverSchema(sourceId);
    if (!answer) {
        const bool timedOut = answer.error().message.contains(QLatin1String("timed out"), Qt::CaseInsensitive)
                           || answer.error().message.contains(QLatin1String("timeout"), Qt::CaseInsensitive);
        co_return fail(Error::internal(timedOut ? tr("The discover did not finish within %1 minutes: the source may be slow or unreachable; try again, "
                                                     "or check the source first.").arg(kDiscoverTimeout.count())
                                                : tr("The discover failed: %1").arg(answer.error().message)));
    }
    // A discover whose job failed answers 200 with jobInfo.succeeded false and no catalog.
    const QJsonObject job = answer->value(QLatin1String("jobInfo")).toObject();
    if (job.contains(QLatin1String("succeeded")) && !job.value(QLatin1String("succeeded")).toBool()) {
        const QString why = job.value(QLatin1String("failureReason")).toObject().value(QLatin1String("externalMessage")).toString();
        co_return fail(Error::invalid(tr("The source's connector could not discover its streams: %1")
                                          .arg(why.isEmpty() ? tr("it gave no reason; check the source") : why)));
    }
    SyncCatalog catalog = SyncCatalog::fromJson(answer->value(QLatin1String("catalog")).toObject());
    co_return std::pair{catalog, answer->value(QLatin1String("catalogId")).toString()};
}

void IngestService::discover(const QString &sourceId) { runDiscover(sourceId); }

QCoro::Task<void> IngestService::runDiscover(QString sourceId)
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT discovered(sourceId, {}, {}, why);
        co_return;
    }
    auto found = co_await discoverCatalog(t->client, sourceId);
    if (!found) {
        Q_EMIT discovered(sourceId, {}, {}, found.error().message);
        co_return;
    }
    SyncCatalog catalog = found->first;
    for (CatalogStream &s : catalog.streams)
        s.selected = false;   // the user chooses
    Q_EMIT discovered(sourceId, catalog, found->second, QString());
}

void IngestService::openConnection(const QString &connectionId) { runOpenConnection(connectionId, false); }
void IngestService::refreshSchema(const QString &connectionId) { runOpenConnection(connectionId, true); }

QCoro::Task<void> IngestService::runOpenConnection(QString connectionId, bool refresh)
{
    QString why;
    auto t = co_await target(&why);
    const auto answer = [&](const IngestConnectionDraft &d, const QList<SchemaChange> &changes, const QString &problem) {
        if (refresh)
            Q_EMIT schemaRefreshed(d, changes, problem);
        else
            Q_EMIT connectionOpened(d, problem);
    };
    IngestConnectionDraft asked;
    asked.id = connectionId;
    if (!t) {
        answer(asked, {}, why);
        co_return;
    }
    auto c = co_await t->client->connection(connectionId);
    if (!c) {
        answer(asked, {},
               c.error().kind == Error::Kind::NotFound ? tr("The connection was deleted on the server; press F5 to read the list again.")
                                                       : tr("Cannot read the connection: %1").arg(c.error().message));
        co_return;
    }
    IngestConnectionDraft draft = draftOf(*c);
    if (!refresh) {
        answer(draft, {}, QString());
        co_return;
    }
    auto found = co_await discoverCatalog(t->client, draft.sourceId);
    if (!found) {
        answer(draft, {}, found.error().message);
        co_return;
    }
    const QList<SchemaChange> changes = diffCatalogs(draft.catalog, found->first);
    draft.catalog = mergeDiscovered(draft.catalog, found->first);
    draft.sourceCatalogId = found->second;
    answer(draft, changes, QString());
}

void IngestService::saveConnection(const IngestConnectionDraft &draft) { runSaveConnection(draft); }

QCoro::Task<void> IngestService::runSaveConnection(IngestConnectionDraft draft)
{
    if (draft.name.trimmed().isEmpty()) {
        Q_EMIT connectionRefused(tr("Give the connection a name."));
        co_return;
    }
    if (draft.sourceId.isEmpty() || draft.destinationId.isEmpty()) {
        Q_EMIT connectionRefused(tr("Choose the source and the destination."));
        co_return;
    }
    if (draft.catalog.selectedCount() == 0) {
        Q_EMIT connectionRefused(tr("Choose at least one stream to sync (Discover lists them)."));
        co_return;
    }
    for (const CatalogStream &s : draft.catalog.streams)
        if (const QString p = s.problem(); !p.isEmpty()) {
            Q_EMIT connectionRefused(tr("%1: %2").arg(s.displayName(), p));
            co_return;
        }
    if (draft.namespaceDefinition == QLatin1String("customformat") && draft.namespaceFormat.trimmed().isEmpty()) {
        Q_EMIT connectionRefused(tr("A custom namespace needs its format, e.g. ${SOURCE_NAMESPACE}_raw."));
        co_return;
    }
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT connectionRefused(why);
        co_return;
    }
    QJsonObject body{{QStringLiteral("name"), draft.name.trimmed()},
                     {QStringLiteral("namespaceDefinition"), draft.namespaceDefinition},
                     {QStringLiteral("prefix"), draft.prefix},
                     {QStringLiteral("syncCatalog"), draft.catalog.toJson()},
                     {QStringLiteral("status"), draft.active ? QStringLiteral("active") : QStringLiteral("inactive")}};
    if (draft.namespaceDefinition == QLatin1String("customformat"))
        body.insert(QStringLiteral("namespaceFormat"), draft.namespaceFormat.trimmed());
    if (!draft.sourceCatalogId.isEmpty())
        body.insert(QStringLiteral("sourceCatalogId"), draft.sourceCatalogId);
    Result<AirbyteConnection> saved = fail(Error::internal(QString()));
    if (draft.id.isEmpty()) {
        body.insert(QStringLiteral("sourceId"), draft.sourceId);
        body.insert(QStringLiteral("destinationId"), draft.destinationId);
        body.insert(QStringLiteral("scheduleType"), QStringLiteral("manual"));   // Sluice's pipelines schedule it
        saved = co_await t->client->createConnection(body);
    } else {
        body.insert(QStringLiteral("connectionId"), draft.id);
        saved = co_await t->client->updateConnection(body);
    }
    if (!saved) {
        Q_EMIT connectionRefused(saved.error().kind == Error::Kind::Conflict
                                     ? tr("The server refused the change while the connection is busy (a sync is running): %1").arg(saved.error().message)
                                     : tr("The server did not save the connection: %1").arg(saved.error().message));
        co_return;
    }
    Q_EMIT connectionSaved(saved->id);
    co_await readAirbyte(m_orgId);
}

} // namespace sluice
