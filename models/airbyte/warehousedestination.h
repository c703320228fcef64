#pragma once

#include "airbyte/connectorspec.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace sluice {

// The org's Airbyte destination made from its warehouse settings, so the two never drift: one set of
// settings (WarehouseStore's, as dbt's profile reads them) and one secret (the keychain's) fill both.
//
// The configuration is built against the destination's own specification as the server returns it, not
// against a fixed shape: each thing the warehouse knows (host, port, database, schema, user, password or
// token, BigQuery project, dataset, location and key, DuckDB file, Databricks HTTP path, Snowflake
// warehouse and role) goes to the first of its usual property names the spec has (`host`, `hostname`,
// `databricks_server_hostname`, …), typed as the spec types it (a port as an integer). A `oneOf` group
// (Snowflake's `credentials`, Databricks' `authentication`, `ssl_mode`, `tunnel_method`,
// `loading_method`) takes the branch the warehouse can fill — the password branch when there is a
// password, the `ssl_mode` named by dbt's `sslmode` — else its default, else the first branch whose
// required fields it can fill. A required property nothing fills takes its spec default.
struct DestinationConfiguration {
    QJsonObject configuration;
    QList<SpecProblem> problems;   // validateConfig's answer for it: empty when the server should accept it
};

// `type`: WarehouseStore's (postgres, bigquery, snowflake, redshift, duckdb, databricks). `schema`: the
// destination's connectionSpecification. Invalid when the schema cannot be used by the validator.
// Snowflake with key-pair authentication: `settings` carries the key's PEM text as "private_key" (the
// caller reads the key file; it is never stored) and `secret` is its passphrase (empty: none) — the
// Key Pair branch of `credentials` is then the one filled.
[[nodiscard]] Result<DestinationConfiguration> destinationConfiguration(const QJsonObject &schema, const QString &type,
                                                                        const QJsonObject &settings, const QString &secret);

// The Airbyte destination repository for a warehouse type ("airbyte/destination-postgres").
[[nodiscard]] QString destinationRepository(const QString &type);

// Whether a destination definition (its dockerRepository and name, as destination_definitions/list
// gives them) is the one for the warehouse type: the repository matches, else the name does
// ("Postgres", "BigQuery", "Databricks Lakehouse").
[[nodiscard]] bool isDestinationFor(const QString &type, const QString &dockerRepository, const QString &name);

} // namespace sluice
