// IngestService: connector definitions, specifications and sources (see ingestservice.h).
#include "services/ingestservice.h"

#include <QDateTime>

namespace sluice {

void IngestService::listDefinitions() { runListDefinitions(); }

QCoro::Task<void> IngestService::runListDefinitions()
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT definitionsListed({}, why);
        co_return;
    }
    auto list = co_await t->client->sourceDefinitions(t->workspaceId);
    if (!list) {
        Q_EMIT definitionsListed({}, tr("Cannot list the connectors: %1").arg(list.error().message));
        co_return;
    }
    std::sort(list->begin(), list->end(), [](const AirbyteDefinition &a, const AirbyteDefinition &b) {
        return QString::localeAwareCompare(a.name, b.name) < 0;
    });
    Q_EMIT definitionsListed(*list, QString());
}

void IngestService::loadSpec(const QString &definitionId) { runLoadSpec(definitionId); }

QCoro::Task<void> IngestService::runLoadSpec(QString definitionId)
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT specLoaded(definitionId, {}, why);
        co_return;
    }
    auto spec = co_await t->client->sourceSpec(definitionId, t->workspaceId);
    if (!spec) {
        Q_EMIT specLoaded(definitionId, {}, tr("Cannot read the connector's specification: %1").arg(spec.error().message));
        co_return;
    }
    Q_EMIT specLoaded(definitionId, *spec, QString());
}

void IngestService::openSource(const QString &sourceId) { runOpenSource(sourceId); }

QCoro::Task<void> IngestService::runOpenSource(QString sourceId)
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT sourceOpened(sourceId, {}, {}, {}, {}, why);
        co_return;
    }
    auto source = co_await t->client->source(sourceId);
    if (!source) {
        const QString message = source.error().kind == Error::Kind::NotFound
                                  ? tr("The source was deleted on the server; press F5 to read the list again.")
                                  : tr("Cannot read the source: %1").arg(source.error().message);
        Q_EMIT sourceOpened(sourceId, {}, {}, {}, {}, message);
        co_return;
    }
    const QString definitionId = source->raw.value(QLatin1String("sourceDefinitionId")).toString();
    auto spec = co_await t->client->sourceSpec(definitionId, t->workspaceId);
    if (!spec) {
        Q_EMIT sourceOpened(sourceId, definitionId, source->name, {}, {},
                            tr("Cannot read the connector's specification: %1").arg(spec.error().message));
        co_return;
    }
    Q_EMIT sourceOpened(sourceId, definitionId, source->name, source->raw.value(QLatin1String("connectionConfiguration")).toObject(), *spec,
                        QString());
}

void IngestService::checkConfiguration(const QString &definitionId, const QJsonObject &config) { runCheckConfiguration(definitionId, config); }

QCoro::Task<void> IngestService::runCheckConfiguration(QString definitionId, QJsonObject config)
{
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT configurationChecked(false, why);
        co_return;
    }
    auto check = co_await t->client->checkSourceConfiguration(definitionId, t->workspaceId, config);
    if (!check) {
        Q_EMIT configurationChecked(false, tr("The check could not run: %1").arg(check.error().message));
        co_return;
    }
    Q_EMIT configurationChecked(check->succeeded, check->succeeded ? tr("Connection check succeeded.")
                                                                   : tr("Connection check failed: %1").arg(check->message));
}

void IngestService::saveSource(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config)
{
    runSaveSource(sourceId, definitionId, name, config);
}

QCoro::Task<void> IngestService::runSaveSource(QString sourceId, QString definitionId, QString name, QJsonObject config)
{
    if (name.trimmed().isEmpty()) {
        Q_EMIT sourceRefused(tr("Give the source a name."));
        co_return;
    }
    QString why;
    auto t = co_await target(&why);
    if (!t) {
        Q_EMIT sourceRefused(why);
        co_return;
    }
    auto spec = co_await t->client->sourceSpec(definitionId, t->workspaceId);
    if (!spec) {
        Q_EMIT sourceRefused(tr("Cannot read the connector's specification: %1").arg(spec.error().message));
        co_return;
    }
    // A masked secret ("**********") on edit stands for the stored one: the server keeps it.
    if (sourceId.isEmpty()) {
        auto problems = validateConfig(spec->schema, config);
        if (!problems) {
            Q_EMIT sourceRefused(tr("The connector's specification cannot be used: %1").arg(problems.error().message));
            co_return;
        }
        if (!problems->isEmpty()) {
            Q_EMIT sourceInvalid(*problems);
            co_return;
        }
    }
    const QString trimmed = name.trimmed();
    Result<AirbyteActor> saved = fail(Error::internal(QString()));
    if (sourceId.isEmpty())
        saved = co_await t->client->createSource(t->workspaceId, definitionId, trimmed, config);
    else
        saved = co_await t->client->updateSource(sourceId, trimmed, config);
    if (!saved) {
        Q_EMIT sourceRefused(tr("The server did not save the source: %1").arg(saved.error().message));
        co_return;
    }
    Q_EMIT sourceSaved(saved->id);
    co_await readAirbyte(m_orgId);
}

void IngestService::checkSource(const QString &sourceId) { runCheckSource(sourceId); }

QCoro::Task<void> IngestService::runCheckSource(QString sourceId)
{
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    auto check = co_await t->client->checkSource(sourceId);
    IngestSourceRow &row = m_checks[sourceId];
    row.checkedAtMs = QDateTime::currentMSecsSinceEpoch();
    if (!check) {
        row.checkSucceeded = false;
        row.checkMessage = tr("the check could not run: %1").arg(check.error().message);
    } else {
        row.checkSucceeded = check->succeeded;
        row.checkMessage = check->message;
    }
    emitSources();
}

void IngestService::deleteSource(const QString &sourceId) { runDeleteSource(sourceId); }

QCoro::Task<void> IngestService::runDeleteSource(QString sourceId)
{
    auto t = co_await targetOrNotice();
    if (!t)
        co_return;
    // Read the connections again: one made elsewhere since the last refresh counts too.
    auto connections = co_await t->client->connections(t->workspaceId);
    if (!connections) {
        Q_EMIT notice(tr("Cannot read the connections, so the source is kept: %1").arg(connections.error().message));
        co_return;
    }
    QStringList users;
    for (const AirbyteConnection &c : std::as_const(*connections))
        if (c.sourceId == sourceId)
            users.append(c.name);
    if (!users.isEmpty()) {
        Q_EMIT notice(tr("The source is kept: the connections %1 read from it. Delete them first.").arg(users.join(QStringLiteral(", "))));
        co_return;
    }
    auto deleted = co_await t->client->deleteSource(sourceId);
    if (!deleted && deleted.error().kind != Error::Kind::NotFound)
        Q_EMIT notice(tr("Cannot delete the source: %1").arg(deleted.error().message));
    else
        m_checks.remove(sourceId);
    co_await readAirbyte(m_orgId);
}

} // namespace sluice
