// IngestService: the Airbyte server and the org's workspace (the Airbyte server dialog) — shown, tested
// (health, version, the Config API with the credentials), a workspace made, saved with the secret in the
// keychain only.
#include "services/ingestservice.h"

#include "airbyte/airbyteprobe.h"
#include "secrets/secretstore.h"
#include "store/airbyteserverstore.h"
#include "store/database.h"
#include "store/orgstore.h"

namespace sluice {

namespace {
// Whether a stored secret can stand for `draft`'s: the same server, auth kind and user.
bool sameCredentials(const Result<AirbyteServer> &stored, const AirbyteServer &draft)
{
    return stored && stored->url == draft.url && stored->authKind == draft.authKind && stored->user == draft.user;
}
} // namespace

void IngestService::openServer() { [[maybe_unused]] auto t = runOpenServer(); }

QCoro::Task<void> IngestService::runOpenServer()
{
    if (!m_db) {   // the store is still opening: answered once start() has it
        m_openServerPending = true;
        co_return;
    }
    IngestServerView view;
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (org)
        view.workspaceId = org->airbyteWorkspaceId;
    auto server = AirbyteServerStore(*m_db, m_actor).find(QString());
    if (server) {
        view.exists = true;
        view.server = *server;
        if (server->authKind != AirbyteAuthKind::None) {
            auto stored = co_await SecretStore().check(SecretStore::airbyteKey(server->name));
            view.secretStored = stored && *stored;
        }
    }
    Q_EMIT serverOpened(view);
}

// A client's options for what the dialog holds: the typed secret, else the keychain's for that server.
QCoro::Task<Result<AirbyteClientOptions>> IngestService::draftClient(AirbyteServer draft, QString secret)
{
    if (!m_db)
        co_return fail(Error::internal(tr("The store is still opening; try again in a moment.")));
    auto normal = AirbyteServerStore::normalise(draft);
    if (!normal)
        co_return fail(normal.error());
    auto current = AirbyteServerStore(*m_db, m_actor).find(QString());
    if (current)
        normal->name = current->name;   // one server: its keychain entry keeps its name
    AirbyteClientOptions o;
    o.url = normal->url;
    o.auth.kind = normal->authKind;
    o.auth.user = normal->user;
    o.maxAttempts = 1;   // a Test: say at once what is wrong
    o.transferTimeout = std::chrono::seconds(15);
    if (normal->authKind != AirbyteAuthKind::None) {
        if (secret.isEmpty() && !sameCredentials(current, *normal))
            co_return fail(Error::invalid(normal->authKind == AirbyteAuthKind::Basic
                                              ? tr("Type the password: the stored one belongs to other server settings.")
                                              : tr("Type the client secret: the stored one belongs to other server settings.")));
        if (secret.isEmpty()) {
            auto stored = co_await SecretStore().get(SecretStore::airbyteKey(normal->name));
            if (!stored)
                co_return fail(Error::invalid(tr("Cannot read the server's secret from the keychain: %1").arg(stored.error().message)));
            if (!stored->has_value())
                co_return fail(Error::invalid(normal->authKind == AirbyteAuthKind::Basic ? tr("Type the password.") : tr("Type the client secret.")));
            secret = **stored;
        }
        o.auth.secret = secret;
    }
    co_return o;
}

void IngestService::testServer(const AirbyteServer &draft, const QString &secret)
{
    [[maybe_unused]] auto t = runTestServer(draft, secret);
}

QCoro::Task<void> IngestService::runTestServer(AirbyteServer draft, QString secret)
{
    auto options = co_await draftClient(draft, secret);
    if (!options) {
        Q_EMIT serverTested(AirbyteProbe{}, options.error().message);
        co_return;
    }
    auto client = std::make_unique<AirbyteClient>(*options);   // lives until its calls are done
    const AirbyteProbe probe = co_await probeAirbyte(client.get());
    Q_EMIT serverTested(probe, probe.summary(client->options()));
}

void IngestService::createWorkspace(const AirbyteServer &draft, const QString &secret, const QString &name)
{
    [[maybe_unused]] auto t = runCreateWorkspace(draft, secret, name);
}

QCoro::Task<void> IngestService::runCreateWorkspace(AirbyteServer draft, QString secret, QString name)
{
    if (name.trimmed().isEmpty()) {
        Q_EMIT workspaceCreated(AirbyteWorkspace{}, tr("Give the new workspace a name."));
        co_return;
    }
    auto options = co_await draftClient(draft, secret);
    if (!options) {
        Q_EMIT workspaceCreated(AirbyteWorkspace{}, options.error().message);
        co_return;
    }
    auto client = std::make_unique<AirbyteClient>(*options);
    QString organizationId;
    auto instance = co_await client->instanceConfiguration();
    if (instance)
        organizationId = instance->defaultOrganizationId;
    const QString trimmed = name.trimmed();
    auto made = co_await client->createWorkspace(trimmed, organizationId);
    if (!made) {
        Q_EMIT workspaceCreated(AirbyteWorkspace{}, tr("The server did not make the workspace: %1").arg(made.error().message));
        co_return;
    }
    Q_EMIT workspaceCreated(*made, QString());
}

void IngestService::saveServer(const AirbyteServer &draft, const QString &secret, const QString &workspaceId)
{
    [[maybe_unused]] auto t = runSaveServer(draft, secret, workspaceId);
}

QCoro::Task<void> IngestService::runSaveServer(AirbyteServer draft, QString secret, QString workspaceId)
{
    if (!m_db) {
        Q_EMIT serverRefused(tr("The store is still opening; try again in a moment."));
        co_return;
    }
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (!org) {
        Q_EMIT serverRefused(tr("Cannot read the org: %1").arg(org.error().message));
        co_return;
    }
    auto normal = AirbyteServerStore::normalise(draft);
    if (!normal) {
        Q_EMIT serverRefused(normal.error().message);
        co_return;
    }
    AirbyteServerStore servers(*m_db, m_actor);
    auto current = servers.find(QString());
    if (current)
        normal->name = current->name;
    if (normal->authKind != AirbyteAuthKind::None && normal->user.trimmed().isEmpty()) {
        Q_EMIT serverRefused(normal->authKind == AirbyteAuthKind::Basic ? tr("Type the user name.") : tr("Type the client id."));
        co_return;
    }
    const QString key = SecretStore::airbyteKey(normal->name);
    if (normal->authKind != AirbyteAuthKind::None) {
        if (!secret.isEmpty()) {
            Result<void> stored = co_await SecretStore().set(key, secret);
            if (!stored) {
                Q_EMIT serverRefused(tr("The keychain did not store the secret, so nothing was saved (Sluice keeps secrets nowhere else): %1")
                                         .arg(stored.error().message));
                co_return;
            }
        } else if (!sameCredentials(current, *normal)) {
            Q_EMIT serverRefused(normal->authKind == AirbyteAuthKind::Basic
                                     ? tr("Type the password: the stored one belongs to other server settings.")
                                     : tr("Type the client secret: the stored one belongs to other server settings."));
            co_return;
        } else {
            Result<bool> has = co_await SecretStore().check(key);
            if (!has || !*has) {
                Q_EMIT serverRefused(normal->authKind == AirbyteAuthKind::Basic ? tr("Type the password: the keychain holds none for this server.")
                                                                                : tr("Type the client secret: the keychain holds none for this server."));
                co_return;
            }
        }
    }
    auto saved = servers.set(*normal);
    if (!saved) {
        Q_EMIT serverRefused(tr("The server settings were not saved: %1").arg(saved.error().message));
        co_return;
    }
    if (!workspaceId.isEmpty() && workspaceId != org->airbyteWorkspaceId) {
        if (auto set = OrgStore(*m_db, m_actor).setAirbyteWorkspace(org->slug, workspaceId); !set) {
            Q_EMIT serverRefused(tr("The server is saved, but the org's workspace was not: %1").arg(set.error().message));
            co_return;
        }
    }
    // The next reads sign in with what was just saved (a call of the old client may still be suspended).
    if (m_client)
        m_retiredClients.push_back(std::move(m_client));
    m_clientKey.clear();
    Q_EMIT serverSaved(tr("Saved: Airbyte at %1%2.").arg(saved->url.toString(),
                                                       workspaceId.isEmpty() ? QString() : tr(", workspace %1").arg(workspaceId)));
    [[maybe_unused]] auto again = readAll();
}

} // namespace sluice
