#pragma once

#include "airbyteclient.h"
#include "core/error.h"
#include "store/auditlog.h"

#include <QList>
#include <QUrl>

namespace sluice {

class Database;

// An Airbyte server Sluice talks to (table airbyte_server): its name, URL, auth kind and user.
// The secret (password or client secret) is never stored here: it lives in the keychain under
// SecretStore::airbyteKey(name), i.e. airbyte/<name>.
struct AirbyteServer {
    qint64 id = 0;
    QString name;              // defaults to host:port of the URL
    QUrl url;                  // http(s)://host:port, without /api
    AirbyteAuth::Kind authKind = AirbyteAuth::Kind::None;
    QString user;              // basic: user name; client: client id
};

class AirbyteServerStore
{
public:
    AirbyteServerStore(Database &db, QString actor);

    // Normalises the URL (http or https, no user info, no query; a trailing /api or /api/v1 is
    // dropped) and checks the settings; an empty name becomes host:port.
    [[nodiscard]] static Result<AirbyteServer> normalise(AirbyteServer server);

    // Inserts or updates by name.
    [[nodiscard]] Result<AirbyteServer> set(const AirbyteServer &server);
    [[nodiscard]] Result<QList<AirbyteServer>> list();
    // By name; an empty name means "the only server" (an error if there is none or several).
    [[nodiscard]] Result<AirbyteServer> find(const QString &name);

private:
    Database &m_db;
    AuditLog m_audit;
};

[[nodiscard]] QJsonObject toJson(const AirbyteServer &s);

} // namespace sluice
