// sluicectl airbyte server set | server list | health | connections | sync | config-check
//
// The server's URL, auth kind and user live in table airbyte_server; its secret (password or client
// secret) only in the keychain under airbyte/<server name> (`sluicectl secrets set airbyte/NAME`).
#include "cli.h"
#include "airbyteoptions.h"

#include "airbyte/airbyteclient.h"
#include "airbyte/connectorspec.h"
#include "store/airbyteserverstore.h"
#include "airbyte/airbytesync.h"
#include "secrets/secretstore.h"
#include "store/orgstore.h"

#include <QCoro/QCoroTask>
#include <QEventLoop>
#include <QFile>
#include <QJsonDocument>
#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

Result<AirbyteClientOptions> airbyteClientOptions(Context &ctx, const QString &name)
{
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto server = AirbyteServerStore(**db, ctx.actor()).find(name);
    if (!server)
        return fail(server.error());
    AirbyteClientOptions o;
    o.url = server->url;
    o.auth.kind = server->authKind;
    o.auth.user = server->user;
    if (server->authKind != AirbyteAuth::Kind::None) {
        const QString key = SecretStore::airbyteKey(server->name);
        auto secret = QCoro::waitFor(SecretStore().get(key));
        if (!secret)
            return fail(secret.error());
        if (!secret->has_value())
            return fail(Error::notFound(QStringLiteral("the Airbyte server \"%1\" uses %2 auth but the keychain has no secret for it; "
                                                       "store it with `sluicectl secrets set %3`")
                                            .arg(server->name, toString(server->authKind), key)));
        o.auth.secret = **secret;
    }
    return o;
}

namespace {

Result<AirbyteClientOptions> clientOptions(Context &ctx, const QString &name)
{
    return airbyteClientOptions(ctx, name);
}

CommandResult serverCommand(Context &ctx, const QStringList &words)
{
    const QString sub = words.value(0);
    const QStringList rest = words.mid(1);
    if (sub == QLatin1String("set")) {
        auto args = Args::parse(rest, {{QStringLiteral("url"), QStringLiteral("auth"), QStringLiteral("user"), QStringLiteral("name")}, {}},
                                QStringLiteral("airbyte server set"));
        if (!args)
            return fail(args.error());
        if (!args->has(QStringLiteral("url")) || !args->positionals().isEmpty())
            return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte server set --url URL [--auth none|basic|client] [--user U] [--name NAME]")));
        const QString authText = args->has(QStringLiteral("auth")) ? args->value(QStringLiteral("auth")) : QStringLiteral("none");
        const auto kind = airbyteAuthKindFromString(authText);
        if (!kind)
            return fail(Error::invalid(QStringLiteral("--auth must be none, basic or client, not \"%1\"").arg(authText)));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        AirbyteServer s;
        s.name = args->value(QStringLiteral("name"));
        s.url = QUrl(args->value(QStringLiteral("url")));
        s.authKind = *kind;
        s.user = args->value(QStringLiteral("user"));
        auto saved = AirbyteServerStore(**db, ctx.actor()).set(s);
        if (!saved)
            return fail(saved.error());
        if (ctx.json()) {
            ctx.print(toJson(*saved));
        } else {
            ctx.out() << "Saved Airbyte server " << saved->name << " (" << saved->url.toString() << ", auth " << toString(saved->authKind) << ").\n";
            if (saved->authKind != AirbyteAuth::Kind::None)
                ctx.out() << "Store its secret with `sluicectl secrets set " << SecretStore::airbyteKey(saved->name) << "`.\n";
        }
        return {};
    }
    if (sub == QLatin1String("list")) {
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto all = AirbyteServerStore(**db, ctx.actor()).list();
        if (!all)
            return fail(all.error());
        if (ctx.json()) {
            QJsonArray a;
            for (const AirbyteServer &s : *all)
                a.append(toJson(s));
            ctx.print(a);
        } else {
            QList<QStringList> rows;
            for (const AirbyteServer &s : *all)
                rows.append({s.name, s.url.toString(), toString(s.authKind), s.user});
            ctx.table({QStringLiteral("NAME"), QStringLiteral("URL"), QStringLiteral("AUTH"), QStringLiteral("USER")}, rows);
        }
        return {};
    }
    return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte server set --url URL ... | airbyte server list")));
}

// airbyte config-check --spec SPEC --config CONFIG: the Ingest page's form validation on its own.
// Exit 0 when valid; 1 with one line per problem ("ssl_mode.ca_certificate: required").
CommandResult configCheck(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("spec"), QStringLiteral("config")}, {}}, QStringLiteral("airbyte config-check"));
    if (!args)
        return fail(args.error());
    if (!args->has(QStringLiteral("spec")) || !args->has(QStringLiteral("config")) || !args->positionals().isEmpty())
        return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte config-check --spec SPEC.json|spec.yaml --config CONFIG.json [--json]")));
    auto spec = ConnectorSpec::fromFile(args->value(QStringLiteral("spec")));
    if (!spec)
        return fail(spec.error());
    const QString configPath = args->value(QStringLiteral("config"));
    QFile file(configPath);
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::notFound(QStringLiteral("Cannot read %1: %2").arg(configPath, file.errorString())));
    QJsonParseError parseError{};
    const QJsonDocument config = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(Error::invalid(QStringLiteral("%1 is not JSON: %2 at offset %3").arg(configPath, parseError.errorString()).arg(parseError.offset)));
    const QJsonValue value = config.isObject() ? QJsonValue(config.object()) : QJsonValue(config.array());
    auto problems = validateConfig(spec->schema, value);
    if (!problems)
        return fail(problems.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const SpecProblem &p : *problems)
            a.append(QJsonObject{{QStringLiteral("path"), p.path}, {QStringLiteral("message"), p.message}});
        ctx.print(QJsonObject{{QStringLiteral("valid"), problems->isEmpty()}, {QStringLiteral("problems"), a}});
    } else if (problems->isEmpty()) {
        ctx.out() << "The configuration is valid for " << args->value(QStringLiteral("spec")) << ".\n";
    } else {
        for (const SpecProblem &p : *problems)
            ctx.out() << p.toString() << '\n';
    }
    return problems->isEmpty() ? CommandResult{} : quietNo();
}

} // namespace

CommandResult runAirbyte(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("airbyte ") + verb;
    if (verb == QLatin1String("server"))
        return serverCommand(ctx, words);

    if (verb == QLatin1String("config-check"))
        return configCheck(ctx, words);
    if (verb == QLatin1String("sources"))
        return runAirbyteSources(ctx, words);
    if (verb == QLatin1String("definitions"))
        return runAirbyteDefinitions(ctx, words);
    if (verb == QLatin1String("connection"))
        return runAirbyteConnection(ctx, words);
    if (verb == QLatin1String("jobs"))
        return runAirbyteJobs(ctx, words);

    if (verb == QLatin1String("health")) {
        auto args = Args::parse(words, {{QStringLiteral("server")}, {}}, command);
        if (!args)
            return fail(args.error());
        auto options = clientOptions(ctx, args->value(QStringLiteral("server")));
        if (!options)
            return fail(options.error());
        AirbyteClient client(*options);
        if (auto ok = QCoro::waitFor(client.health()); !ok)
            return fail(ok.error());
        if (ctx.json())
            ctx.print(QJsonObject{{QStringLiteral("available"), true}, {QStringLiteral("url"), options->url.toString()}});
        else
            ctx.out() << "Airbyte at " << options->url.toString() << " is available.\n";
        return {};
    }

    if (verb == QLatin1String("connections")) {
        auto args = Args::parse(words, {{QStringLiteral("org"), QStringLiteral("server")}, {}}, command);
        if (!args)
            return fail(args.error());
        if (!args->has(QStringLiteral("org")))
            return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte connections --org SLUG [--server NAME] [--json]")));
        auto org = ctx.openOrg(args->value(QStringLiteral("org")));
        if (!org)
            return fail(org.error());
        if (org->second.airbyteWorkspaceId.isEmpty())
            return fail(Error::invalid(QStringLiteral("the org %1 has no Airbyte workspace; set it with `sluicectl org set %1 --airbyte-workspace ID`")
                                           .arg(org->second.slug)));
        auto options = clientOptions(ctx, args->value(QStringLiteral("server")));
        if (!options)
            return fail(options.error());
        AirbyteClient client(*options);
        auto list = QCoro::waitFor(client.connections(org->second.airbyteWorkspaceId));
        if (!list)
            return fail(list.error());
        if (ctx.json()) {
            QJsonArray a;
            for (const AirbyteConnection &c : *list)
                a.append(toJson(c));
            ctx.print(a);
        } else {
            QList<QStringList> rows;
            for (const AirbyteConnection &c : *list)
                rows.append({c.id, c.name, c.status, c.scheduleType});
            ctx.table({QStringLiteral("CONNECTION ID"), QStringLiteral("NAME"), QStringLiteral("STATUS"), QStringLiteral("SCHEDULE")}, rows);
        }
        return {};
    }

    if (verb == QLatin1String("sync")) {
        auto args = Args::parse(words, {{QStringLiteral("server"), QStringLiteral("timeout"), QStringLiteral("poll")}, {QStringLiteral("wait")}}, command);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1)
            return fail(Error::invalid(QStringLiteral("usage: sluicectl airbyte sync CONNECTION_ID [--wait [--timeout SECONDS] [--poll SECONDS]] [--server NAME]")));
        const QString connectionId = args->positionals().first();
        auto options = clientOptions(ctx, args->value(QStringLiteral("server")));
        if (!options)
            return fail(options.error());
        AirbyteClient client(*options);
        if (!args->has(QStringLiteral("wait"))) {
            auto job = QCoro::waitFor(client.sync(connectionId));
            if (!job)
                return fail(job.error());
            if (ctx.json())
                ctx.print(toJson(*job));
            else
                ctx.out() << "Started Airbyte job " << job->id << " for connection " << connectionId << " (" << job->status << ").\n";
            return {};
        }
        AirbyteSyncOptions so;
        bool ok = true;
        if (args->has(QStringLiteral("timeout")))
            so.timeout = std::chrono::milliseconds(qint64(args->value(QStringLiteral("timeout")).toDouble(&ok) * 1000));
        if (ok && args->has(QStringLiteral("poll")))
            so.pollInterval = std::chrono::milliseconds(qint64(args->value(QStringLiteral("poll")).toDouble(&ok) * 1000));
        if (!ok)
            return fail(Error::invalid(QStringLiteral("--timeout and --poll take a number of seconds")));
        AirbyteSync sync(&client, connectionId, so);
        QEventLoop loop;
        QObject::connect(&sync, &AirbyteSync::finished, &loop, &QEventLoop::quit);
        if (!ctx.json()) {
            QObject::connect(&sync, &AirbyteSync::jobStarted, &loop, [&](qint64 id, bool attached) {
                ctx.out() << (attached ? "A sync was already running; following Airbyte job " : "Started Airbyte job ") << id << ".\n";
                ctx.out().flush();
            });
            QObject::connect(&sync, &AirbyteSync::statusChanged, &loop, [&](const QString &status) {
                ctx.out() << "  " << status << '\n';
                ctx.out().flush();
            });
        }
        sync.start();
        loop.exec();
        const AirbyteSyncResult &r = sync.result();
        if (ctx.json()) {
            ctx.print(QJsonObject{{QStringLiteral("outcome"), toString(r.outcome)}, {QStringLiteral("job_id"), r.jobId},
                                  {QStringLiteral("attached"), r.attached}, {QStringLiteral("status"), r.jobStatus},
                                  {QStringLiteral("records_synced"), r.recordsSynced}, {QStringLiteral("bytes_synced"), r.bytesSynced},
                                  {QStringLiteral("error"), r.errorText}});
        } else if (r.outcome == Outcome::Success) {
            ctx.out() << "Sync succeeded: " << r.recordsSynced << " records, " << r.bytesSynced << " bytes.\n";
        }
        if (r.outcome != Outcome::Success)
            return fail(r.outcome == Outcome::FailedToStart ? Error::invalid(r.errorText) : Error::internal(r.errorText));
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown command `airbyte %1`; use airbyte server, health, definitions, sources, connections, connection, jobs, sync or config-check").arg(verb)));
}

} // namespace sluice::cli
