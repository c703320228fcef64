#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QMap>
#include <QString>
#include <QStringList>

namespace sluice {

// What goes into one dbt profile: the warehouse (type and non-secret settings, as WarehouseStore
// keeps them) and its secret, which never reaches the file.
struct ProfileRequest {
    QString profileName = QStringLiteral("sluice");
    QString targetName = QStringLiteral("prod");
    QString warehouseType;    // postgres | bigquery | snowflake | redshift | duckdb | databricks
    QJsonObject settings;     // host, port, user, dbname, schema, project, dataset, account, ...
    // The secret, as kept in the keychain under org/<slug>/warehouse:
    //   postgres, redshift, snowflake: the password; databricks: the access token;
    //   bigquery: the service-account key file's JSON text; duckdb: none (ignored).
    QString secret;
    // The warehouse is reached without a secret (the user said so): the adapter's secret field is written
    // empty — libpq then uses trust, peer, ~/.pgpass or PGPASSWORD — and BigQuery authenticates with the
    // machine's application-default credentials (method oauth) instead of a key file.
    bool withoutSecret = false;
    QString defaultSchema;    // used when settings have no schema/dataset
};

// A written profiles.yml and what the dbt child needs to read it.
struct WrittenProfile {
    QString directory;                  // pass as --profiles-dir
    QString path;                       // <directory>/profiles.yml
    QMap<QString, QString> environment; // give ONLY to the dbt child: secrets (DBT_ENV_SECRET_*) and numbers
    QStringList secretValues;           // every secret value placed in environment, for the scrubber
};

// Writes <directory>/profiles.yml for the request. The directory is created if needed and made 0700;
// the file is created 0600 and replaced whole. The file holds no secret: every secret field is
// "{{ env_var('DBT_ENV_SECRET_…') }}" and every number "{{ env_var('SLUICE_DBT_…') | as_number }}",
// with the values in the returned environment. A BigQuery key file goes in field by field: its key
// material as DBT_ENV_SECRET_KEYFILE_*, its other fields (project id, e-mail) as SLUICE_DBT_KEYFILE_*. Errors: an unknown warehouse type, a missing
// required setting or secret, a setting that holds Jinja, or the file system refusing.
[[nodiscard]] Result<WrittenProfile> writeProfiles(const QString &directory, const ProfileRequest &request);

// The warehouse types writeProfiles knows.
[[nodiscard]] QStringList profileWarehouseTypes();

// One setting writeProfiles writes for a warehouse type, in its order: the table forms are built from,
// so a form asks exactly what the profile takes.
struct ProfileField {
    enum class Kind { Text, Number, Bool };
    QString key;        // the settings key (and profiles.yml's)
    Kind kind = Kind::Text;
    bool required = false;
    QString fallback;   // written when the setting is absent (port 5432, threads 4)
    QString alias;      // another settings key accepted for it ("database" for dbname)
};
// Empty for an unknown type.
[[nodiscard]] QList<ProfileField> profileFields(const QString &type);
// How the type's secret is named ("password", "access token", "service-account key (JSON)", "private key
// passphrase" for Snowflake with a private_key_path); empty when the type has none (duckdb).
[[nodiscard]] QString profileSecretWord(const QString &type, const QJsonObject &settings = {});
// Snowflake key-pair authentication: a private_key_path is set (the keychain then holds the key's
// passphrase, if it has one, instead of a password).
[[nodiscard]] bool usesKeyPair(const QString &type, const QJsonObject &settings);
// Whether writeProfiles would take these settings (required ones present, numbers and booleans as such,
// no Jinja), the secret left aside: the first problem, worded as writeProfiles words it.
[[nodiscard]] Result<void> checkProfileSettings(const QString &type, const QJsonObject &settings, const QString &defaultSchema = {});

} // namespace sluice
