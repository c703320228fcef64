#pragma once

#include "store/auditlog.h"

namespace sluice {

class Database;

// An org's dbt workspace: where the project comes from and how dbt runs. The git access token lives
// only in the keychain (org/<slug>/git-token); a URL carrying credentials is refused.
struct DbtWorkspace
{
    qint64 orgId = 0;
    QString gitUrl;
    QString branch = QStringLiteral("main");
    QString projectDir;        // inside the repository
    QString checkoutPath;      // local clone
    QString dbtExecutable;     // empty: found on PATH
    QString dbtVersion;
    QString dbtAdapter;
    QString profileName;
    QString targetName = QStringLiteral("prod");
    QString defaultSchema;
};

class WorkspaceStore
{
public:
    WorkspaceStore(Database &db, QString actor);

    [[nodiscard]] Result<DbtWorkspace> set(qint64 orgId, const DbtWorkspace &workspace);
    [[nodiscard]] Result<DbtWorkspace> get(qint64 orgId);

private:
    Database &m_db;
    AuditLog m_audit;
};

[[nodiscard]] QJsonObject toJson(const DbtWorkspace &w);

} // namespace sluice
