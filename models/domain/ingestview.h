#pragma once

#include "airbyte/streamrefs.h"
#include "airbyte/synccatalog.h"
#include "domain/airbyteserver.h"
#include "domain/runs.h"
#include "store/lockstore.h"
#include "store/warehousestore.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

// What the Ingest page shows, as the IngestService sends it. Airbyte's own objects are copied into
// plain fields here so that the models (and their tests) need nothing of the Airbyte client.

// One Airbyte source of the org's workspace with the last check Sluice made of it (this session).
struct IngestSourceRow {
    QString id;                 // sourceId (rows are matched by it)
    QString name;
    QString typeName;           // the connector ("Postgres")
    QString definitionId;
    std::optional<bool> checkSucceeded;   // empty: not checked yet
    QString checkMessage;       // the connector's words, or why the check could not run
    qint64 checkedAtMs = 0;
    QStringList connectionNames;   // the connections reading from it
};

struct IngestConnectionRow {
    QString id;                 // connectionId (rows are matched by it)
    QString name;
    QString sourceName;
    QString destinationName;
    QString status;             // active | inactive | deprecated | locked
    std::optional<ConnectionLastSync> lastSync;
    QStringList pipelines;      // the pipelines whose tasks use the connection
    std::optional<TaskLockStatus> lock;   // a run holds one of the connection's tasks
    QList<StreamRef> streams;   // the streams it syncs (its catalog's selected ones), for Reset / Clear
};

// One job of a connection's sync history (Airbyte's jobs/list, with jobs/get's logs once asked for).
struct IngestAttemptRow {
    qint64 id = 0;
    QString status;
    qint64 createdAt = 0;       // epoch seconds
    qint64 endedAt = 0;         // 0 while running
    qint64 records = 0;
    qint64 bytes = 0;
    QString failureMessage;
    QStringList logLines;
};

struct IngestJobRow {
    qint64 id = 0;              // the Airbyte job id (rows are matched by it)
    QString configType;         // sync | reset_connection | clear | refresh
    QString status;             // pending | running | incomplete | failed | succeeded | cancelled
    qint64 createdAt = 0;       // epoch seconds
    qint64 updatedAt = 0;
    qint64 records = 0;
    qint64 bytes = 0;
    QString failureMessage;
    QList<IngestAttemptRow> attempts;
    QList<StreamRef> streams;   // reset / clear: the streams dropped, when the server said
};

// The org's warehouse as the Your warehouse tab shows it.
struct IngestWarehouseView {
    qint64 orgId = 0;
    bool exists = false;            // false: none set yet (warehouse holds only the org id)
    Warehouse warehouse;
    std::optional<bool> secretStored;   // empty: the keychain did not answer (keychainProblem says why)
    QString keychainProblem;
    QString secretKey;              // org/<slug>/warehouse
    QString destinationName;        // the Airbyte destination made from it; empty when none or not read
    QString destinationProblem;     // why the destination is not known (no server, not found)
};

// The Airbyte server and the org's workspace as the Airbyte server dialog opens them.
struct IngestServerView {
    bool exists = false;         // false: no server set up yet
    AirbyteServer server;
    bool secretStored = false;   // the keychain holds its password or client secret
    QString workspaceId;         // the org's
};

// A source or destination as the New connection dialog offers it.
struct IngestEndpoint {
    QString id;
    QString name;
    QString typeName;
};

// A connection as the New / Edit connection dialog holds it; `id` empty for a new one.
struct IngestConnectionDraft {
    QString id;
    QString name;
    QString sourceId;
    QString destinationId;
    bool active = true;
    QString namespaceDefinition = QStringLiteral("destination");   // source | destination | customformat
    QString namespaceFormat;                                      // customformat: "${SOURCE_NAMESPACE}_raw"
    QString prefix;                                               // put before every stream's table name
    SyncCatalog catalog;
    QString sourceCatalogId;                                      // the discover that gave the catalog, if any
};

} // namespace sluice
