#include "airbyte/airbyteprobe.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace sluice {

namespace {

QString tr(const char *s) { return QCoreApplication::translate("AirbyteProbe", s); }

bool refused(const Error &e)
{
    return e.message.contains(QLatin1String("HTTP 401")) || e.message.contains(QLatin1String("HTTP 403"));
}

AirbyteProbe::Failure authFailure(const Error &e, AirbyteAuthKind kind)
{
    using F = AirbyteProbe::Failure;
    if (e.message.contains(QLatin1String("applications/token")))
        return F::ClientRefused;
    if (kind == AirbyteAuthKind::None)
        return F::NeedsCredentials;
    if (e.message.contains(QLatin1String("HTTP 403")))
        return F::Forbidden;
    return kind == AirbyteAuthKind::ClientCredentials ? F::ClientRefused : F::WrongPassword;
}

} // namespace

QString AirbyteProbe::summary(const AirbyteClientOptions &o) const
{
    const QString url = o.url.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
    switch (failure) {
    case Failure::None: {
        const QString said = version.isEmpty() ? tr("it does not say its version (servers before 1.0 do not)")
                                               : tr("version %1").arg(version);
        const QString count = workspaces.size() == 1 ? tr("1 workspace") : tr("%1 workspaces").arg(workspaces.size());
        return tr("Airbyte at %1 answers: healthy, %2; the Config API takes the credentials (%3).").arg(url, said, count);
    }
    case Failure::Down:
        return tr("Nothing answers at %1: is Airbyte running, and is the URL right (scheme, host, port)? Start it (`abctl local install`, "
                  "or `docker compose up`), then Test again. (%2)").arg(url, detail);
    case Failure::NotAirbyte:
        return tr("Something answers at %1, but not Airbyte's API: check the URL (Airbyte's own address, without /api). (%2)").arg(url, detail);
    case Failure::Unhealthy:
        return tr("Airbyte at %1 answers but says it is not available yet (still starting, or its database is down): wait, then Test again. (%2)")
            .arg(url, detail);
    case Failure::NeedsCredentials:
        return tr("Airbyte at %1 asks for credentials: choose Basic (the user and password `abctl local credentials` shows) or "
                  "Client credentials (an application's client id and secret).").arg(url);
    case Failure::WrongPassword:
        return tr("Airbyte at %1 refused the user name and password: check them (`abctl local credentials` shows them) and type the "
                  "password again.").arg(url);
    case Failure::ClientRefused:
        return tr("Airbyte at %1 refused the client id and secret: the application may have been deleted or its secret revoked. "
                  "Create an application in Airbyte (Settings → Applications), then paste its client id and secret here.").arg(url);
    case Failure::Forbidden:
        return tr("Airbyte at %1 accepts the credentials but may not let them use the Config API (HTTP 403): use an instance "
                  "admin's credentials. (%2)").arg(url, detail);
    case Failure::ConfigApi:
        return tr("Airbyte at %1 is healthy, but its Config API failed: %2").arg(url, detail);
    }
    return {};
}

QCoro::Task<AirbyteProbe> probeAirbyte(AirbyteClient *client)
{
    using F = AirbyteProbe::Failure;
    AirbyteProbe p;
    const AirbyteAuthKind kind = client->options().auth.kind;
    auto health = co_await client->health();
    if (!health) {
        p.detail = health.error().message;
        // With client credentials the token comes first: a refused secret shows here already.
        static const QRegularExpression serverError(QStringLiteral("HTTP 5\\d\\d"));
        if (refused(health.error()))
            p.failure = authFailure(health.error(), kind);
        else if (serverError.match(health.error().message).hasMatch())
            p.failure = F::Unhealthy;   // a proxy's 502/503 while the server starts
        else if (health.error().message.contains(QLatin1String("could not be reached")) || health.error().message.contains(QLatin1String("did not answer")))
            p.failure = F::Down;
        else if (health.error().message.contains(QLatin1String("not available")))
            p.failure = F::Unhealthy;
        else
            p.failure = F::NotAirbyte;
        co_return p;
    }
    p.healthy = true;
    // The version is told without credentials; a server too old for instance_configuration still works.
    auto instance = co_await client->instanceConfiguration();
    if (instance) {
        p.version = instance->version;
        p.edition = instance->edition;
        p.organizationId = instance->defaultOrganizationId;
    }
    auto listed = co_await client->workspaces();
    if (!listed && listed.error().kind == Error::Kind::NotFound && !p.organizationId.isEmpty())
        listed = co_await client->workspacesOfOrganization(p.organizationId);
    if (!listed) {
        p.detail = listed.error().message;
        p.failure = refused(listed.error()) ? authFailure(listed.error(), kind) : F::ConfigApi;
        co_return p;
    }
    p.workspaces = *listed;
    p.failure = F::None;
    co_return p;
}

} // namespace sluice
