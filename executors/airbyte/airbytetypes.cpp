#include "airbytetypes.h"

#include <QJsonArray>

namespace sluice {

namespace {

QString str(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toString();
}

qint64 int64(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toInteger();
}

bool has(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1String(key));
    return v.isDouble();
}

// Records and bytes of one AttemptRead; `found` tells whether it reported any.
std::pair<qint64, qint64> attemptStats(const QJsonObject &attempt, bool &found)
{
    const QJsonObject total = attempt.value(QLatin1String("totalStats")).toObject();
    qint64 records = 0, bytes = 0;
    bool any = false;
    if (has(total, "recordsCommitted")) {
        records = int64(total, "recordsCommitted"), any = true;
    } else if (has(total, "recordsEmitted")) {
        records = int64(total, "recordsEmitted"), any = true;
    } else if (has(attempt, "recordsSynced")) {
        records = int64(attempt, "recordsSynced"), any = true;
    }
    if (has(total, "bytesCommitted")) {
        bytes = int64(total, "bytesCommitted"), any = true;
    } else if (has(total, "bytesEmitted")) {
        bytes = int64(total, "bytesEmitted"), any = true;
    } else if (has(attempt, "bytesSynced")) {
        bytes = int64(attempt, "bytesSynced"), any = true;
    }
    found = found || any;
    return {records, bytes};
}

} // namespace

bool AirbyteJob::isTerminal() const
{
    return status == QLatin1String("succeeded") || status == QLatin1String("failed") || status == QLatin1String("cancelled");
}

AirbyteWorkspace parseWorkspace(const QJsonObject &o)
{
    return {str(o, "workspaceId"), str(o, "name"), str(o, "slug"), o};
}

AirbyteActor parseSource(const QJsonObject &o)
{
    return {str(o, "sourceId"), str(o, "name"), str(o, "sourceName"), str(o, "workspaceId"), o};
}

AirbyteActor parseDestination(const QJsonObject &o)
{
    return {str(o, "destinationId"), str(o, "name"), str(o, "destinationName"), str(o, "workspaceId"), o};
}

namespace {
AirbyteDefinition parseDefinition(const QJsonObject &o, const char *idKey)
{
    QString level = str(o, "supportLevel");
    if (level.isEmpty())
        level = str(o, "releaseStage");
    return {str(o, idKey), str(o, "name"), str(o, "dockerRepository"), str(o, "dockerImageTag"),
            str(o, "documentationUrl"), level, o};
}
} // namespace

AirbyteDefinition parseSourceDefinition(const QJsonObject &o)
{
    return parseDefinition(o, "sourceDefinitionId");
}

AirbyteDefinition parseDestinationDefinition(const QJsonObject &o)
{
    return parseDefinition(o, "destinationDefinitionId");
}

AirbyteCheck parseCheck(const QJsonObject &o)
{
    AirbyteCheck c;
    c.succeeded = str(o, "status") == QLatin1String("succeeded");
    c.message = str(o, "message");
    if (c.message.isEmpty()) {
        const QJsonObject reason = o.value(QLatin1String("jobInfo")).toObject().value(QLatin1String("failureReason")).toObject();
        c.message = str(reason, "externalMessage");
    }
    return c;
}

AirbyteConnection parseConnection(const QJsonObject &o)
{
    return {str(o, "connectionId"), str(o, "name"), str(o, "status"), str(o, "sourceId"),
            str(o, "destinationId"), str(o, "workspaceId"), str(o, "scheduleType"), o};
}

QStringList connectionJobTypes()
{
    return {QStringLiteral("sync"), QStringLiteral("reset_connection"), QStringLiteral("clear"), QStringLiteral("refresh")};
}

AirbyteJob parseJobInfo(const QJsonObject &o)
{
    const QJsonObject job = o.value(QLatin1String("job")).toObject();
    AirbyteJob j;
    j.id = job.value(QLatin1String("id")).toInteger(-1);
    j.configType = str(job, "configType");
    j.configId = str(job, "configId");
    j.status = str(job, "status");
    j.createdAt = int64(job, "createdAt");
    j.updatedAt = int64(job, "updatedAt");
    for (const QJsonValue &v : job.value(QLatin1String("resetConfig")).toObject().value(QLatin1String("streamsToReset")).toArray()) {
        const QJsonObject d = v.toObject();
        if (!str(d, "name").isEmpty())
            j.streams.append({str(d, "name"), str(d, "namespace")});
    }
    const QJsonArray attempts = o.value(QLatin1String("attempts")).toArray();
    j.attempts = int(attempts.size());
    bool found = false;
    for (const QJsonValue &v : attempts) {
        QJsonObject attempt = v.toObject();
        AirbyteAttempt a;
        if (attempt.value(QLatin1String("attempt")).isObject()) {   // JobInfoRead wraps it, jobs/list does not
            for (const QJsonValue &line : attempt.value(QLatin1String("logs")).toObject().value(QLatin1String("logLines")).toArray())
                a.logLines.append(line.toString());
            attempt = attempt.value(QLatin1String("attempt")).toObject();
        }
        const auto [records, bytes] = attemptStats(attempt, found);
        j.recordsSynced += records;
        j.bytesSynced += bytes;
        a.id = int64(attempt, "id");
        a.status = str(attempt, "status");
        a.createdAt = int64(attempt, "createdAt");
        a.endedAt = int64(attempt, "endedAt");
        a.records = records;
        a.bytes = bytes;
        const QJsonArray failures = attempt.value(QLatin1String("failureSummary")).toObject().value(QLatin1String("failures")).toArray();
        if (!failures.isEmpty()) {
            const QJsonObject f = failures.first().toObject();
            a.failureMessage = str(f, "externalMessage");
            if (a.failureMessage.isEmpty())
                a.failureMessage = str(f, "internalMessage");
            j.failureMessage = a.failureMessage;
        }
        j.attemptList.append(std::move(a));
    }
    if (!found) {
        const QJsonObject agg = job.value(QLatin1String("aggregatedStats")).toObject();
        j.recordsSynced = has(agg, "recordsCommitted") ? int64(agg, "recordsCommitted") : int64(agg, "recordsEmitted");
        j.bytesSynced = has(agg, "bytesCommitted") ? int64(agg, "bytesCommitted") : int64(agg, "bytesEmitted");
    }
    return j;
}

QJsonObject toJson(const AirbyteConnection &c)
{
    return {{QStringLiteral("connection_id"), c.id}, {QStringLiteral("name"), c.name},
            {QStringLiteral("status"), c.status}, {QStringLiteral("source_id"), c.sourceId},
            {QStringLiteral("destination_id"), c.destinationId}, {QStringLiteral("schedule_type"), c.scheduleType}};
}

QJsonObject toJson(const AirbyteActor &a)
{
    return {{QStringLiteral("id"), a.id}, {QStringLiteral("name"), a.name}, {QStringLiteral("connector"), a.typeName},
            {QStringLiteral("workspace_id"), a.workspaceId}};
}

QJsonObject toJson(const AirbyteDefinition &d)
{
    return {{QStringLiteral("id"), d.id}, {QStringLiteral("name"), d.name}, {QStringLiteral("docker_repository"), d.dockerRepository},
            {QStringLiteral("docker_image_tag"), d.dockerImageTag}, {QStringLiteral("documentation_url"), d.documentationUrl},
            {QStringLiteral("support_level"), d.supportLevel}};
}

QJsonObject toJson(const AirbyteJob &j)
{
    QJsonObject o{{QStringLiteral("job_id"), j.id}, {QStringLiteral("config_type"), j.configType},
                  {QStringLiteral("connection_id"), j.configId}, {QStringLiteral("status"), j.status},
                  {QStringLiteral("attempts"), j.attempts}, {QStringLiteral("records_synced"), j.recordsSynced},
                  {QStringLiteral("bytes_synced"), j.bytesSynced}};
    if (!j.failureMessage.isEmpty())
        o.insert(QStringLiteral("failure"), j.failureMessage);
    if (!j.streams.isEmpty()) {
        QJsonArray streams;
        for (const StreamRef &s : j.streams)
            streams.append(s.displayName());
        o.insert(QStringLiteral("streams"), streams);
    }
    return o;
}

} // namespace sluice
