#pragma once

#include "domain/entities.h"
#include "store/auditlog.h"

namespace sluice {

class Database;

// How much an org holds (what `org show` and the org switcher tell).
struct OrgContents
{
    int tasks = 0;
    int pipelines = 0;
};

// Organisations. Slugs are lowercase letters, digits and dashes (1-64), unique.
class OrgStore
{
public:
    OrgStore(Database &db, QString actor);

    [[nodiscard]] Result<Org> create(const QString &slug, const QString &name);
    [[nodiscard]] Result<QList<Org>> list();
    [[nodiscard]] Result<Org> find(const QString &slug);
    [[nodiscard]] Result<Org> findById(qint64 id);
    [[nodiscard]] Result<Org> setAirbyteWorkspace(const QString &slug, const QString &workspaceId);
    [[nodiscard]] Result<OrgContents> contents(qint64 orgId);

    [[nodiscard]] static Result<void> validateSlug(const QString &slug);

private:
    Database &m_db;
    AuditLog m_audit;
};

[[nodiscard]] QJsonObject toJson(const Org &org);

} // namespace sluice
