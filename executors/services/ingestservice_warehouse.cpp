// IngestService: the org's warehouse (Your warehouse tab) — shown, tested with dbt debug, saved with its
// secret in the keychain and its Airbyte destination made from the same settings.
#include "services/ingestservice.h"

#include "airbyte/warehousedestination.h"
#include "dbt/profileswriter.h"
#include "runner/orgsetup.h"
#include "secrets/secretstore.h"
#include "store/database.h"
#include "store/orgstore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QCoreApplication>
#include <QFile>

namespace sluice {

namespace {

// Why the secret in the keychain cannot stand for the one `draft` needs (empty: it can): it was kept for
// another type, for another authentication (a password is no key's passphrase), or the warehouse was
// saved without one (whatever the keychain still holds is older).
QString keptSecretRefusal(const Warehouse &stored, const Warehouse &draft)
{
    const QString wanted = profileSecretWord(draft.type, draft.settings);
    if (!stored.usesSecret)
        return QCoreApplication::translate("IngestService", "Type the %1: the warehouse was saved without one.").arg(wanted);
    if (stored.type != draft.type || usesKeyPair(stored.type, stored.settings) != usesKeyPair(draft.type, draft.settings))
        return QCoreApplication::translate("IngestService", "Type the %1: the one in the keychain is the %2 warehouse's %3.")
            .arg(wanted, stored.type, profileSecretWord(stored.type, stored.settings));
    return {};
}

} // namespace

void IngestService::showWarehouse() { [[maybe_unused]] auto t = runShowWarehouse(); }

QCoro::Task<void> IngestService::runShowWarehouse()
{
    if (!m_db || !m_orgId)
        co_return;
    const qint64 orgId = m_orgId;
    auto org = OrgStore(*m_db, m_actor).findById(orgId);
    if (!org) {
        Q_EMIT problem(tr("Cannot read the org: %1").arg(org.error().message));
        co_return;
    }
    IngestWarehouseView view;
    view.orgId = orgId;
    view.secretKey = SecretStore::warehouseKey(org->slug);
    view.warehouse.orgId = orgId;
    auto w = WarehouseStore(*m_db, m_actor).get(orgId);
    if (w) {
        view.exists = true;
        view.warehouse = *w;
    } else if (w.error().kind != Error::Kind::NotFound) {
        Q_EMIT problem(tr("Cannot read the warehouse: %1").arg(w.error().message));
        co_return;
    }
    if (view.exists && warehouseNeedsSecret(view.warehouse)) {
        Result<bool> stored = co_await SecretStore().check(view.secretKey);
        if (stored)
            view.secretStored = *stored;
        else
            view.keychainProblem = SecretStore::isUnavailable(stored.error())
                ? tr("No system keychain: the warehouse secret cannot be stored. Start gnome-keyring or KWallet, then press F5.")
                : tr("The keychain did not answer: %1").arg(stored.error().message);
    }
    const QString destinationId = view.warehouse.airbyteDestinationId;
    if (!destinationId.isEmpty()) {
        for (const AirbyteActor &d : std::as_const(m_destinations))
            if (d.id == destinationId)
                view.destinationName = d.name;
        if (view.destinationName.isEmpty())
            view.destinationProblem = m_airbyteRead ? tr("The Airbyte destination %1 is not on the server any more: save to make it again.").arg(destinationId)
                                                    : tr("The Airbyte server was not read: the destination %1 is not checked.").arg(destinationId);
    }
    if (orgId == m_orgId)
        Q_EMIT warehouseShown(view);
}

void IngestService::testWarehouse(const Warehouse &draft, const QString &secret)
{
    [[maybe_unused]] auto t = runTestWarehouse(draft, secret);
}

QCoro::Task<void> IngestService::runTestWarehouse(Warehouse draft, QString secret)
{
    if (!m_db) {
        WarehouseTestResult r;
        r.setupProblem = tr("The store is still opening; try again in a moment.");
        Q_EMIT warehouseTested(r);
        co_return;
    }
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (!org) {
        WarehouseTestResult r;
        r.setupProblem = tr("Cannot read the org: %1").arg(org.error().message);
        Q_EMIT warehouseTested(r);
        co_return;
    }
    if (secret.isEmpty() && warehouseNeedsSecret(draft)) {
        auto stored = WarehouseStore(*m_db, m_actor).get(org->id);
        if (const QString refused = stored ? keptSecretRefusal(*stored, draft) : QString(); !refused.isEmpty()) {
            WarehouseTestResult r;
            r.setupProblem = refused;
            r.setupKind = Error::Kind::Invalid;
            Q_EMIT warehouseTested(r);
            co_return;
        }
    }
    std::optional<QString> typed;
    if (!secret.isEmpty())
        typed = secret;
    WarehouseTestResult r = co_await sluice::testWarehouse(*m_db, m_actor, *org, draft, typed, keychainSecrets());
    Q_EMIT warehouseTested(r);
}

void IngestService::saveWarehouse(const Warehouse &draft, const QString &secret)
{
    [[maybe_unused]] auto t = runSaveWarehouse(draft, secret);
}

QCoro::Task<void> IngestService::runSaveWarehouse(Warehouse draft, QString secret)
{
    if (!m_db) {
        Q_EMIT warehouseRefused(tr("The store is still opening; try again in a moment."));
        co_return;
    }
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (!org) {
        Q_EMIT warehouseRefused(tr("Cannot read the org: %1").arg(org.error().message));
        co_return;
    }
    if (!WarehouseStore::types().contains(draft.type)) {
        Q_EMIT warehouseRefused(tr("Choose the warehouse type."));
        co_return;
    }
    QString defaultSchema;
    if (auto ws = WorkspaceStore(*m_db, m_actor).get(org->id))
        defaultSchema = ws->defaultSchema;
    if (auto ok = checkProfileSettings(draft.type, draft.settings, defaultSchema); !ok) {
        Q_EMIT warehouseRefused(ok.error().message);
        co_return;
    }
    const QString key = SecretStore::warehouseKey(org->slug);
    const bool needsSecret = warehouseNeedsSecret(draft);
    WarehouseStore store(*m_db, m_actor);
    auto current = store.get(org->id);
    // One keychain entry per org: a secret stored for another type (a password) is not this one's (a key).
    if (const QString refused = needsSecret && secret.isEmpty() && current ? keptSecretRefusal(*current, draft) : QString(); !refused.isEmpty()) {
        Q_EMIT warehouseRefused(refused);
        co_return;
    }
    QString secretValue = secret;
    if (needsSecret && !secret.isEmpty()) {
        Result<void> stored = co_await SecretStore().set(key, secret);
        if (!stored) {
            Q_EMIT warehouseRefused(SecretStore::isUnavailable(stored.error())
                                        ? tr("The keychain is not available, so nothing was saved (Sluice keeps secrets nowhere else): %1")
                                              .arg(stored.error().message)
                                        : tr("The keychain did not store the %1: %2").arg(profileSecretWord(draft.type, draft.settings), stored.error().message));
            co_return;
        }
    } else if (needsSecret) {
        auto read = co_await readSecret(keychainSecrets(), key);
        if (!read) {
            Q_EMIT warehouseRefused(read.error().message);
            co_return;
        }
        if (!read->has_value()) {
            Q_EMIT warehouseRefused(tr("Type the %1: the keychain holds none for this warehouse yet.").arg(profileSecretWord(draft.type, draft.settings)));
            co_return;
        }
        secretValue = **read;
    }

    Warehouse w = draft;
    w.orgId = org->id;
    // Another type needs another destination connector: the old destination is left on the server.
    w.airbyteDestinationId = current && current->type == draft.type ? current->airbyteDestinationId : QString();
    if (auto saved = store.set(org->id, w); !saved) {
        Q_EMIT warehouseRefused(needsSecret && !secret.isEmpty()
                                    ? tr("The settings were not saved (the %1 typed is in the keychain already): %2")
                                          .arg(profileSecretWord(draft.type, draft.settings), saved.error().message)
                                    : tr("The warehouse was not saved: %1").arg(saved.error().message));
        co_return;
    }

    const QString destination = co_await saveDestination(*org, w, secretValue);
    QString said = destination.isEmpty() ? tr("The warehouse is saved and its Airbyte destination is up to date.")
                                         : tr("The warehouse is saved. %1").arg(destination);
    if (current && current->type != draft.type && !current->airbyteDestinationId.isEmpty())
        said += QLatin1Char(' ') + formerDestinationNote(current->airbyteDestinationId, current->type);
    Q_EMIT warehouseSaved(said);
    co_await readAirbyte(m_orgId);
    co_await runShowWarehouse();
}

// What becomes of the destination made for the warehouse before its type changed: it stays on the server
// (Sluice deletes nothing there on its own), and the connections still writing to it are named.
QString IngestService::formerDestinationNote(const QString &destinationId, const QString &formerType) const
{
    if (!m_airbyteRead)
        return tr("The %1 destination %2 made for the former warehouse stays on the Airbyte server; the server was not read, so "
                  "which connections still write to it was not checked.")
            .arg(formerType, destinationId);
    QString name = destinationId;
    for (const AirbyteActor &d : std::as_const(m_destinations))
        if (d.id == destinationId)
            name = d.name;
    QStringList writing;
    for (const AirbyteConnection &c : std::as_const(m_connections))
        if (c.destinationId == destinationId)
            writing.append(c.name);
    if (writing.isEmpty())
        return tr("The %1 destination \"%2\" made for the former warehouse stays on the Airbyte server; no connection writes to it, "
                  "so it can be deleted in Airbyte.")
            .arg(formerType, name);
    const QString who = writing.size() == 1 ? tr("the connection %1 still writes").arg(writing.first())
                                            : tr("the connections %1 still write").arg(writing.join(QStringLiteral(", ")));
    return tr("The %1 destination \"%2\" made for the former warehouse stays on the Airbyte server, and %3 to it: "
              "make them again with the new destination (Airbyte cannot move a connection to another destination).")
        .arg(formerType, name, who);
}

// Creates or updates the org's Airbyte destination from the warehouse and stores its id. Returns what
// went wrong, worded for the user (empty when it is done).
QCoro::Task<QString> IngestService::saveDestination(Org org, Warehouse w, QString secret)
{
    if (w.type == QLatin1String("duckdb"))   // Airbyte's DuckDB destination writes only inside its own /local mount
        co_return tr("DuckDB is a file on this machine, and Airbyte's DuckDB destination writes only inside its own /local mount: "
                     "set that destination up in Airbyte on a file dbt can read as well.");
    if (w.type == QLatin1String("databricks") && !w.settings.value(QLatin1String("accept_terms")).toBool()
        && w.settings.value(QLatin1String("accept_terms")).toString() != QLatin1String("true"))
        co_return tr("Its Airbyte destination was not made: Airbyte's Databricks destination runs only once the Databricks JDBC driver "
                     "terms are agreed to; tick the box in the form, then save again.");
    QString why;
    auto t = co_await target(&why);
    if (!t)
        co_return tr("Its Airbyte destination was not made: %1").arg(why);
    auto definitions = co_await t->client->destinationDefinitions(t->workspaceId);
    if (!definitions)
        co_return tr("Its Airbyte destination was not made: the server's connectors could not be read: %1").arg(definitions.error().message);
    const AirbyteDefinition *definition = nullptr;
    for (const AirbyteDefinition &d : std::as_const(*definitions))
        if (isDestinationFor(w.type, d.dockerRepository, d.name)) {
            definition = &d;
            break;
        }
    if (!definition)
        co_return tr("Its Airbyte destination was not made: the server offers no %1 destination connector (%2). Add it in Airbyte, then save again.")
            .arg(w.type, destinationRepository(w.type));
    const QString definitionId = definition->id;
    auto spec = co_await t->client->destinationSpec(definitionId, t->workspaceId);
    if (!spec)
        co_return tr("Its Airbyte destination was not made: the connector's specification could not be read: %1").arg(spec.error().message);
    // Key-pair authentication: Airbyte takes the key itself; it is read from the user's file here and goes
    // only to the server (never to the store).
    QJsonObject settings = w.settings;
    if (usesKeyPair(w.type, w.settings)) {
        const QString path = w.settings.value(QLatin1String("private_key_path")).toString().trimmed();
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            co_return tr("Its Airbyte destination was not made: the private key file %1 cannot be read (%2).").arg(path, file.errorString());
        const QString pem = QString::fromUtf8(file.read(1 << 20)).trimmed();
        if (!pem.startsWith(QLatin1String("-----BEGIN")) || !pem.contains(QLatin1String("PRIVATE KEY-----")))
            co_return tr("Its Airbyte destination was not made: %1 is not a private key in PEM form (-----BEGIN PRIVATE KEY-----); "
                         "choose the .p8 file made for the Snowflake user.")
                .arg(path);
        settings.insert(QStringLiteral("private_key"), pem);
    }
    auto config = destinationConfiguration(spec->schema, w.type, settings, secret);
    if (!config)
        co_return tr("Its Airbyte destination was not made: the connector's specification cannot be used: %1").arg(config.error().message);
    if (!config->problems.isEmpty()) {
        QStringList words;
        for (const SpecProblem &p : std::as_const(config->problems))
            words << p.toString();
        co_return tr("Its Airbyte destination was not made or updated: the %1 connector also needs %2, which the warehouse's settings do not give.")
            .arg(definition->name, words.join(QStringLiteral("; ")));
    }
    QString name = tr("%1 warehouse").arg(org.name.isEmpty() ? org.slug : org.name);
    for (const AirbyteActor &d : std::as_const(m_destinations))
        if (d.id == w.airbyteDestinationId)
            name = d.name;   // the name given on the server stays
    Result<AirbyteActor> saved = fail(Error::notFound(QString()));
    if (!w.airbyteDestinationId.isEmpty())
        saved = co_await t->client->updateDestination(w.airbyteDestinationId, name, config->configuration);
    if (!saved && saved.error().kind == Error::Kind::NotFound)   // none yet, or deleted on the server: make it
        saved = co_await t->client->createDestination(t->workspaceId, definitionId, name, config->configuration);
    if (!saved)
        co_return tr("The server did not save its Airbyte destination: %1").arg(saved.error().message);
    if (saved->id != w.airbyteDestinationId) {
        w.airbyteDestinationId = saved->id;
        if (auto stored = WarehouseStore(*m_db, m_actor).set(org.id, w); !stored)
            co_return tr("The destination %1 was made, but its id was not stored: %2").arg(saved->id, stored.error().message);
    }
    co_return QString();
}

} // namespace sluice
