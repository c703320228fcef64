#pragma once

#include "airbyte/streamrefs.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

// What Sluice reads from Airbyte's Config API (/api/v1). Parsing is tolerant by contract: unknown
// fields are ignored, optional fields may be missing (they read as empty / 0), so that servers from
// 0.50 (docker-compose) to today's releases all work. `raw` keeps the whole object for callers that
// need more (an update must send the whole object back).

struct AirbyteWorkspace {
    QString id;      // workspaceId (UUID)
    QString name;
    QString slug;
    QJsonObject raw;
};

// What GET instance_configuration says of the server (every field may be missing on an older one).
struct AirbyteInstance {
    QString version;                 // "1.5.0"; servers before 1.0 do not say
    QString edition;                 // community | pro | enterprise | …
    QString defaultOrganizationId;
    QString defaultWorkspaceId;
    QJsonObject raw;
};

struct AirbyteActor {    // a source or a destination
    QString id;          // sourceId / destinationId
    QString name;        // the user's name for it
    QString typeName;    // sourceName / destinationName: the connector ("Postgres", "BigQuery")
    QString workspaceId;
    QJsonObject raw;
};

// A connector the server offers: source_definitions/list_for_workspace, destination_definitions/….
struct AirbyteDefinition {
    QString id;                 // sourceDefinitionId / destinationDefinitionId
    QString name;               // "Postgres", "Google Sheets"
    QString dockerRepository;   // "airbyte/source-postgres"
    QString dockerImageTag;
    QString documentationUrl;
    QString supportLevel;       // certified | community | archived (releaseStage on old servers: generally_available | beta | alpha | custom)
    QJsonObject raw;
};

// The answer of a connection check (sources/check_connection, scheduler/sources/check_connection, …).
struct AirbyteCheck {
    bool succeeded = false;
    QString message;            // the connector's own words, empty when it said nothing
};

struct AirbyteConnection {
    QString id;            // connectionId
    QString name;
    QString status;        // active | inactive | deprecated | locked
    QString sourceId;
    QString destinationId;
    QString workspaceId;   // not sent by every server version
    QString scheduleType;  // manual | basic | cron (empty on old servers)
    QJsonObject raw;
};

// One attempt of a job (AttemptRead, with its log when the server sent one: JobInfoRead's logs.logLines).
struct AirbyteAttempt {
    qint64 id = 0;
    QString status;             // running | failed | succeeded
    qint64 createdAt = 0;       // epoch seconds
    qint64 endedAt = 0;         // 0 while running
    qint64 records = 0;
    qint64 bytes = 0;
    QString failureMessage;
    QStringList logLines;       // empty: the server sent no log (jobs/list never does)
};

struct AirbyteJob {
    qint64 id = -1;
    QString configType;    // sync | reset_connection | clear | refresh | ...
    QString configId;      // the connection id for sync/reset/clear/refresh jobs
    QString status;        // pending | queued | running | incomplete | failed | succeeded | cancelled
    qint64 createdAt = 0;  // epoch seconds, as Airbyte sends them
    qint64 updatedAt = 0;
    int attempts = 0;
    qint64 recordsSynced = 0;   // summed over the attempts (see parseJobInfo)
    qint64 bytesSynced = 0;
    QString failureMessage;     // the last attempt's first failure's externalMessage, if any
    QList<AirbyteAttempt> attemptList;   // in the server's order (oldest first)
    QList<StreamRef> streams;   // reset / clear jobs: the streams they drop (resetConfig.streamsToReset)

    [[nodiscard]] bool isTerminal() const;   // succeeded, failed or cancelled
};

// The job kinds of a connection's history: sync, reset_connection, clear, refresh (for jobs/list).
[[nodiscard]] QStringList connectionJobTypes();

// Parsers for the response shapes. They never fail: a missing field reads as empty.
[[nodiscard]] AirbyteWorkspace parseWorkspace(const QJsonObject &o);
[[nodiscard]] AirbyteActor parseSource(const QJsonObject &o);
[[nodiscard]] AirbyteActor parseDestination(const QJsonObject &o);
[[nodiscard]] AirbyteConnection parseConnection(const QJsonObject &o);
[[nodiscard]] AirbyteDefinition parseSourceDefinition(const QJsonObject &o);
[[nodiscard]] AirbyteDefinition parseDestinationDefinition(const QJsonObject &o);
// CheckConnectionRead {status: succeeded|failed, message, jobInfo}; a missing status reads as failed,
// with jobInfo's failureReason.externalMessage as the message when the connector left none.
[[nodiscard]] AirbyteCheck parseCheck(const QJsonObject &o);
// JobInfoRead {job, attempts: [{attempt: AttemptRead, logs}]} (jobs/get, connections/sync, jobs/cancel)
// and JobWithAttemptsRead {job, attempts: [AttemptRead]} (jobs/list) are both accepted, as is
// JobReadResponse {job} (connections/refresh). Records and bytes: per attempt totalStats
// (recordsCommitted, else recordsEmitted / bytesCommitted, else bytesEmitted), else the legacy
// recordsSynced / bytesSynced; summed over attempts. If no attempt has stats, job.aggregatedStats.
[[nodiscard]] AirbyteJob parseJobInfo(const QJsonObject &o);

[[nodiscard]] QJsonObject toJson(const AirbyteConnection &c);
[[nodiscard]] QJsonObject toJson(const AirbyteJob &j);
[[nodiscard]] QJsonObject toJson(const AirbyteActor &a);         // without the configuration
[[nodiscard]] QJsonObject toJson(const AirbyteDefinition &d);

} // namespace sluice
