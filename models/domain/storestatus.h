#pragma once

#include <QMetaType>
#include <QString>

namespace sluice {

// Which store the window works on, as the status bar names it.
struct StoreStatus
{
    QString databaseUrl;
    QString backend;            // SQLite | PostgreSQL
    int schemaVersion = 0;      // read from the database (schema_version), not this build's latest
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::StoreStatus)
