#pragma once

#include "airbyte/airbyteclient.h"

#include <QCoro/QCoroTask>

namespace sluice {

// What the server's settings Test found: whether the server answers (GET health), its version
// (instance_configuration, when it says), whether the Config API takes the credentials (the workspaces
// are listed: workspaces/list, else those of the default organisation), and the workspaces.
struct AirbyteProbe {
    enum class Failure {
        None,
        Down,              // nothing answers at the URL (refused, timed out, no such host)
        NotAirbyte,        // something answers, but not Airbyte's API (an HTML page, 404 on health)
        Unhealthy,         // health says the server is not available
        NeedsCredentials,  // auth "none", but the server asks for credentials
        WrongPassword,     // basic auth refused: user or password wrong
        ClientRefused,     // client credentials refused at applications/token: wrong, deleted or revoked
        Forbidden,         // the credentials are accepted but may not use the Config API
        ConfigApi,         // the Config API failed otherwise (5xx, unexpected answers)
    };
    Failure failure = Failure::Down;
    bool healthy = false;
    QString version;           // empty when the server does not say (before 1.0)
    QString edition;
    QString organizationId;
    QList<AirbyteWorkspace> workspaces;
    QString detail;            // the client's error, as it said it (no secret in it)

    [[nodiscard]] bool ok() const { return failure == Failure::None; }
    // One paragraph: what was found, or what failed and the fix.
    [[nodiscard]] QString summary(const AirbyteClientOptions &options) const;
};

// Runs the probe with `client` (its auth as configured). Never fails: the answer says what went wrong.
[[nodiscard]] QCoro::Task<AirbyteProbe> probeAirbyte(AirbyteClient *client);

} // namespace sluice
