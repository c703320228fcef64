// sluicectl airbyte connection show|create|edit|delete|reset|clear|refresh and airbyte jobs — the
// Connections tab of the Ingest page from the command line. Every command names the connection by id;
// `create` takes the org (its workspace), the source and the destination, and selects every stream the
// source's discovered catalog offers with the sync mode the catalog suggests, unless --streams names
// them (comma-separated); reset and clear drop every stream's data, or only that of the --streams named.
#include "airbyteoptions.h"

#include <QCoro/QCoroTask>
#include <QDateTime>
#include <QJsonArray>

namespace sluice::cli {

namespace {

const QString kUsage = QStringLiteral(
    "usage: sluicectl airbyte connection show|delete|refresh ID [--server NAME] [--json]\n"
    "       sluicectl airbyte connection reset|clear ID [--streams NS.NAME,NAME] [--server NAME] [--json]\n"
    "       sluicectl airbyte connection create --org SLUG --source ID --destination ID --name NAME [--streams A,B] [--inactive]\n"
    "       sluicectl airbyte connection edit ID [--name NAME] [--status active|inactive]");

void printJob(Context &ctx, const AirbyteJob &job, const QString &what)
{
    if (ctx.json())
        ctx.print(toJson(job));
    else
        ctx.out() << "Started Airbyte " << what << " job " << job.id << " (" << job.status << ").\n";
}

// The discovered catalog with the chosen streams selected (all when `streams` is empty); each stream keeps
// the sync mode the catalog's config suggests.
Result<QJsonObject> chooseStreams(const QJsonObject &discovered, const QStringList &streams)
{
    QJsonArray out;
    QStringList seen;
    for (const QJsonValue &v : discovered.value(QLatin1String("catalog")).toObject().value(QLatin1String("streams")).toArray()) {
        QJsonObject entry = v.toObject();
        const QString name = entry.value(QLatin1String("stream")).toObject().value(QLatin1String("name")).toString();
        QJsonObject config = entry.value(QLatin1String("config")).toObject();
        const bool chosen = streams.isEmpty() || streams.contains(name);
        config.insert(QStringLiteral("selected"), chosen);
        entry.insert(QStringLiteral("config"), config);
        out.append(entry);
        if (chosen)
            seen.append(name);
    }
    for (const QString &s : streams)
        if (!seen.contains(s))
            return fail(Error::invalid(QStringLiteral("the source offers no stream named \"%1\"; it offers: %2")
                                           .arg(s, seen.isEmpty() ? QStringLiteral("none") : seen.join(QStringLiteral(", ")))));
    return QJsonObject{{QStringLiteral("streams"), out}};
}

} // namespace

CommandResult runAirbyteConnection(Context &ctx, const QStringList &words)
{
    const QString sub = words.value(0);
    const Args::Spec spec{{QStringLiteral("server"), QStringLiteral("org"), QStringLiteral("source"), QStringLiteral("destination"),
                           QStringLiteral("name"), QStringLiteral("streams"), QStringLiteral("status")},
                          {QStringLiteral("inactive")}};
    auto args = Args::parse(words.mid(1), spec, QStringLiteral("airbyte connection ") + sub);
    if (!args)
        return fail(args.error());
    auto options = airbyteClientOptions(ctx, args->value(QStringLiteral("server")));
    if (!options)
        return fail(options.error());
    AirbyteClient client(*options);

    if (sub == QLatin1String("create")) {
        for (const char *needed : {"org", "source", "destination", "name"})
            if (!args->has(QString::fromLatin1(needed)))
                return fail(Error::invalid(kUsage));
        auto org = ctx.openOrg(args->value(QStringLiteral("org")));
        if (!org)
            return fail(org.error());
        auto discovered = QCoro::waitFor(client.discoverSchema(args->value(QStringLiteral("source"))));
        if (!discovered)
            return fail(discovered.error());
        const QStringList streams = args->value(QStringLiteral("streams")).split(QLatin1Char(','), Qt::SkipEmptyParts);
        auto catalog = chooseStreams(*discovered, streams);
        if (!catalog)
            return fail(catalog.error());
        QJsonObject body{{QStringLiteral("name"), args->value(QStringLiteral("name"))},
                         {QStringLiteral("sourceId"), args->value(QStringLiteral("source"))},
                         {QStringLiteral("destinationId"), args->value(QStringLiteral("destination"))},
                         {QStringLiteral("status"), args->has(QStringLiteral("inactive")) ? QStringLiteral("inactive") : QStringLiteral("active")},
                         {QStringLiteral("syncCatalog"), *catalog},
                         {QStringLiteral("scheduleType"), QStringLiteral("manual")}};
        if (const QString catalogId = discovered->value(QLatin1String("catalogId")).toString(); !catalogId.isEmpty())
            body.insert(QStringLiteral("sourceCatalogId"), catalogId);
        auto created = QCoro::waitFor(client.createConnection(body));
        if (!created)
            return fail(created.error());
        if (ctx.json())
            ctx.print(toJson(*created));
        else
            ctx.out() << "Created connection " << created->id << " (" << created->name << ").\n";
        return {};
    }

    if (args->positionals().size() != 1)
        return fail(Error::invalid(kUsage));
    const QString id = args->positionals().first();
    if (sub == QLatin1String("show")) {
        auto c = QCoro::waitFor(client.connection(id));
        if (!c)
            return fail(c.error());
        if (ctx.json()) {
            QJsonObject o = toJson(*c);
            o.insert(QStringLiteral("sync_catalog"), c->raw.value(QLatin1String("syncCatalog")));
            ctx.print(o);
            return {};
        }
        ctx.out() << "Connection " << c->id << ": " << c->name << " (" << c->status << ")\n"
                  << "  source:      " << c->sourceId << "\n  destination: " << c->destinationId << '\n';
        for (const QJsonValue &v : c->raw.value(QLatin1String("syncCatalog")).toObject().value(QLatin1String("streams")).toArray()) {
            const QJsonObject config = v.toObject().value(QLatin1String("config")).toObject();
            if (config.value(QLatin1String("selected")).toBool(true))
                ctx.out() << "  stream " << v.toObject().value(QLatin1String("stream")).toObject().value(QLatin1String("name")).toString() << ": "
                          << config.value(QLatin1String("syncMode")).toString() << " / " << config.value(QLatin1String("destinationSyncMode")).toString() << '\n';
        }
        return {};
    }
    if (sub == QLatin1String("edit")) {
        QJsonObject body{{QStringLiteral("connectionId"), id}};
        if (args->has(QStringLiteral("name")))
            body.insert(QStringLiteral("name"), args->value(QStringLiteral("name")));
        if (args->has(QStringLiteral("status"))) {
            const QString status = args->value(QStringLiteral("status"));
            if (status != QLatin1String("active") && status != QLatin1String("inactive"))
                return fail(Error::invalid(QStringLiteral("--status is active or inactive, not \"%1\"").arg(status)));
            body.insert(QStringLiteral("status"), status);
        }
        if (body.size() == 1)
            return fail(Error::invalid(kUsage));
        auto updated = QCoro::waitFor(client.updateConnection(body));
        if (!updated)
            return fail(updated.error());
        if (ctx.json())
            ctx.print(toJson(*updated));
        else
            ctx.out() << "Connection " << id << " is now " << updated->name << " (" << updated->status << ").\n";
        return {};
    }
    if (sub == QLatin1String("delete")) {
        if (auto deleted = QCoro::waitFor(client.deleteConnection(id)); !deleted)
            return fail(deleted.error());
        if (!ctx.json())
            ctx.out() << "Deleted connection " << id << ".\n";
        return {};
    }
    if (sub == QLatin1String("reset") || sub == QLatin1String("clear") || sub == QLatin1String("refresh")) {
        // --streams names streams by "namespace.name" or, when unique, by name, checked against the
        // connection's streams before anything is dropped.
        QList<StreamRef> streams;
        if (args->has(QStringLiteral("streams"))) {
            if (sub == QLatin1String("refresh"))
                return fail(Error::invalid(QStringLiteral("refresh takes no --streams; it refreshes every stream")));
            auto connection = QCoro::waitFor(client.connection(id));
            if (!connection)
                return fail(connection.error());
            const QList<StreamRef> known = selectedStreams(SyncCatalog::fromJson(connection->raw.value(QLatin1String("syncCatalog")).toObject()));
            auto resolved = resolveStreams(args->value(QStringLiteral("streams")).split(QLatin1Char(','), Qt::SkipEmptyParts), known);
            if (!resolved)
                return fail(resolved.error());
            if (resolved->isEmpty())
                return fail(Error::invalid(QStringLiteral("--streams names no stream; leave it out to %1 every stream").arg(sub)));
            streams = *resolved;
        }
        auto job = sub == QLatin1String("reset")   ? QCoro::waitFor(client.reset(id, streams))
                 : sub == QLatin1String("clear") ? QCoro::waitFor(client.clear(id, streams))
                                                   : QCoro::waitFor(client.refresh(id));
        if (!job)
            return fail(job.error());
        printJob(ctx, *job, streams.isEmpty() ? sub : QStringLiteral("%1 (%2)").arg(sub, streamRefsWords(streams)));
        return {};
    }
    return fail(Error::invalid(kUsage));
}

CommandResult runAirbyteJobs(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("server"), QStringLiteral("connection"), QStringLiteral("limit")}, {}}, QStringLiteral("airbyte jobs"));
    if (!args)
        return fail(args.error());
    if (!args->has(QStringLiteral("connection")))
        return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte jobs --connection ID [--limit N] [--server NAME] [--json]")));
    bool ok = true;
    const int limit = args->has(QStringLiteral("limit")) ? args->value(QStringLiteral("limit")).toInt(&ok) : 20;
    if (!ok || limit <= 0)
        return fail(Error::invalid(QStringLiteral("--limit takes a positive number")));
    auto options = airbyteClientOptions(ctx, args->value(QStringLiteral("server")));
    if (!options)
        return fail(options.error());
    AirbyteClient client(*options);
    auto jobs = QCoro::waitFor(client.jobs(args->value(QStringLiteral("connection")), connectionJobTypes(), limit));
    if (!jobs)
        return fail(jobs.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const AirbyteJob &j : *jobs) {
            QJsonObject o = toJson(j);
            QJsonArray attempts;
            for (const AirbyteAttempt &at : j.attemptList)
                attempts.append(QJsonObject{{QStringLiteral("id"), at.id}, {QStringLiteral("status"), at.status},
                                            {QStringLiteral("created_at"), at.createdAt}, {QStringLiteral("ended_at"), at.endedAt},
                                            {QStringLiteral("records"), at.records}, {QStringLiteral("bytes"), at.bytes},
                                            {QStringLiteral("failure"), at.failureMessage}});
            o.insert(QStringLiteral("attempt_list"), attempts);
            a.append(o);
        }
        ctx.print(a);
        return {};
    }
    QList<QStringList> rows;
    for (const AirbyteJob &j : *jobs)
        rows.append({QString::number(j.id), j.configType, j.status, QDateTime::fromSecsSinceEpoch(j.createdAt).toString(Qt::ISODate),
                     QString::number(std::max<qint64>(0, j.updatedAt - j.createdAt)), QString::number(j.recordsSynced), QString::number(j.bytesSynced),
                     QString::number(j.attemptList.size())});
    ctx.table({QStringLiteral("JOB"), QStringLiteral("KIND"), QStringLiteral("STATUS"), QStringLiteral("CREATED"), QStringLiteral("SECONDS"),
               QStringLiteral("RECORDS"), QStringLiteral("BYTES"), QStringLiteral("ATTEMPTS")},
              rows);
    return {};
}

} // namespace sluice::cli
