#pragma once

#include <QString>
#include <QUrl>

#include <optional>

namespace sluice {

// How Sluice proves who it is to an Airbyte server.
enum class AirbyteAuthKind { None, Basic, ClientCredentials };

[[nodiscard]] std::optional<AirbyteAuthKind> airbyteAuthKindFromString(const QString &s);   // none | basic | client
[[nodiscard]] QString toString(AirbyteAuthKind kind);

// An Airbyte server Sluice talks to (table airbyte_server): its name, URL, auth kind and user.
// The secret (password or client secret) is never stored with it: it lives in the keychain under
// airbyte/<name> (SecretStore::airbyteKey).
struct AirbyteServer
{
    qint64 id = 0;
    QString name;              // defaults to host:port of the URL
    QUrl url;                  // http(s)://host:port, without /api
    AirbyteAuthKind authKind = AirbyteAuthKind::None;
    QString user;              // basic: user name; client: client id
};

} // namespace sluice
