#pragma once

#include "store/auditlog.h"

#include <QJsonObject>

namespace sluice {

class Database;

// An org's warehouse: its type and non-secret settings. The secret part (password, service-account
// JSON, token) lives only in the keychain under org/<slug>/warehouse; a setting whose name says it is
// a secret is refused here.
struct Warehouse
{
    qint64 orgId = 0;
    QString type;                 // postgres | bigquery | snowflake | redshift | duckdb | databricks
    QJsonObject settings;         // host, port, dbname, user, schema, location, project, ...
    QString airbyteDestinationId;
    // Whether dbt needs the secret from the keychain to reach it. False: the user said it needs none
    // (trust or peer authentication, a password in ~/.pgpass or PGPASSWORD). Irrelevant for duckdb.
    bool usesSecret = true;
};

class WarehouseStore
{
public:
    WarehouseStore(Database &db, QString actor);

    [[nodiscard]] static QStringList types();
    // A setting named like a secret (password, token, private_key, passphrase, …) is refused; a *_path names
    // where a key file is and is allowed.
    [[nodiscard]] static bool isSecretSettingName(const QString &key);

    [[nodiscard]] Result<Warehouse> set(qint64 orgId, const Warehouse &warehouse);
    [[nodiscard]] Result<Warehouse> get(qint64 orgId);

private:
    Database &m_db;
    AuditLog m_audit;
};

[[nodiscard]] QJsonObject toJson(const Warehouse &w);

} // namespace sluice
