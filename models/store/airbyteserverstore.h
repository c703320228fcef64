#pragma once

#include "core/error.h"
#include "domain/airbyteserver.h"
#include "store/auditlog.h"

#include <QList>
#include <QUrl>

namespace sluice {

class Database;

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
