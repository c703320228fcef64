// sluicectl airbyte definitions | airbyte sources list|show|create|check|delete — the Sources tab of
// the Ingest page from the command line. A source's configuration is a JSON file (the form's data);
// its secret fields may come from stdin instead (`--secrets-stdin`: a JSON object merged over the
// file), so that no secret has to sit in a file. The configuration is checked against the
// connector's specification before anything is sent.
#include "airbyteoptions.h"

#include "airbyte/connectorspec.h"

#include <QCoro/QCoroTask>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

namespace sluice::cli {

namespace {

const Args::Spec sourcesSpec{{QStringLiteral("org"), QStringLiteral("server"), QStringLiteral("definition"), QStringLiteral("name"),
                              QStringLiteral("config")},
                             {QStringLiteral("secrets-stdin")}};

struct AirbyteOrg {
    OrgCommand command;
    std::unique_ptr<AirbyteClient> client;
    QString workspaceId;
};

Result<AirbyteOrg> openAirbyteOrg(Context &ctx, const QStringList &words, const Args::Spec &spec, const QString &command,
                                  const QString &usage, qsizetype positionals)
{
    auto c = forOrg(ctx, words, spec, command, usage, positionals);
    if (!c)
        return fail(c.error());
    if (c->org.airbyteWorkspaceId.isEmpty())
        return fail(Error::invalid(QStringLiteral("the org %1 has no Airbyte workspace; set it with `sluicectl org set %1 --airbyte-workspace ID`")
                                       .arg(c->org.slug)));
    auto options = airbyteClientOptions(ctx, c->args.value(QStringLiteral("server")));
    if (!options)
        return fail(options.error());
    AirbyteOrg out{std::move(*c), std::make_unique<AirbyteClient>(*options), {}};
    out.workspaceId = out.command.org.airbyteWorkspaceId;
    return out;
}

Result<QJsonObject> readObject(const QByteArray &bytes, const QString &what)
{
    QJsonParseError e{};
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &e);
    if (e.error != QJsonParseError::NoError || !doc.isObject())
        return fail(Error::invalid(QStringLiteral("%1 is not a JSON object%2").arg(what, e.error == QJsonParseError::NoError
                                                                                            ? QString()
                                                                                            : QStringLiteral(": ") + e.errorString())));
    return doc.object();
}

// Deep merge: `over`'s values win; objects merge key by key.
QJsonObject merged(QJsonObject base, const QJsonObject &over)
{
    for (auto it = over.begin(); it != over.end(); ++it) {
        if (it.value().isObject() && base.value(it.key()).isObject())
            base.insert(it.key(), merged(base.value(it.key()).toObject(), it.value().toObject()));
        else
            base.insert(it.key(), it.value());
    }
    return base;
}

void printCheck(Context &ctx, const AirbyteCheck &check, const QString &what)
{
    if (ctx.json()) {
        ctx.print(QJsonObject{{QStringLiteral("succeeded"), check.succeeded}, {QStringLiteral("message"), check.message}});
        return;
    }
    if (check.succeeded)
        ctx.out() << "The check of " << what << " succeeded.\n";
    else
        ctx.out() << "The check of " << what << " failed: " << (check.message.isEmpty() ? QStringLiteral("the connector gave no reason") : check.message) << '\n';
}

} // namespace

CommandResult runAirbyteDefinitions(Context &ctx, const QStringList &words)
{
    const Args::Spec spec{{QStringLiteral("org"), QStringLiteral("server"), QStringLiteral("kind")}, {}};
    auto a = openAirbyteOrg(ctx, words, spec, QStringLiteral("airbyte definitions"),
                            QStringLiteral("usage: sluicectl airbyte definitions --org SLUG [--kind source|destination] [--json]"), 0);
    if (!a)
        return fail(a.error());
    const QString kind = a->command.args.has(QStringLiteral("kind")) ? a->command.args.value(QStringLiteral("kind")) : QStringLiteral("source");
    if (kind != QLatin1String("source") && kind != QLatin1String("destination"))
        return fail(Error::invalid(QStringLiteral("--kind must be source or destination, not \"%1\"").arg(kind)));
    auto list = kind == QLatin1String("source") ? QCoro::waitFor(a->client->sourceDefinitions(a->workspaceId))
                                                : QCoro::waitFor(a->client->destinationDefinitions(a->workspaceId));
    if (!list)
        return fail(list.error());
    if (ctx.json()) {
        QJsonArray out;
        for (const AirbyteDefinition &d : *list)
            out.append(toJson(d));
        ctx.print(out);
        return {};
    }
    QList<QStringList> rows;
    for (const AirbyteDefinition &d : *list)
        rows.append({d.id, d.name, d.dockerRepository + u':' + d.dockerImageTag, d.supportLevel});
    ctx.table({QStringLiteral("DEFINITION ID"), QStringLiteral("NAME"), QStringLiteral("IMAGE"), QStringLiteral("SUPPORT")}, rows);
    return {};
}

CommandResult runAirbyteSources(Context &ctx, const QStringList &words)
{
    const QString sub = words.value(0);
    const QStringList rest = words.mid(1);
    const QString usage = QStringLiteral(
        "usage: sluicectl airbyte sources list|show ID|create --definition ID --name NAME --config FILE [--secrets-stdin]|check ID|delete ID "
        "--org SLUG [--json]");
    const qsizetype positionals = (sub == QLatin1String("list") || sub == QLatin1String("create")) ? 0 : 1;
    if (sub != QLatin1String("list") && sub != QLatin1String("show") && sub != QLatin1String("create") && sub != QLatin1String("check")
        && sub != QLatin1String("delete"))
        return fail(Error::invalid(usage));
    auto a = openAirbyteOrg(ctx, rest, sourcesSpec, QStringLiteral("airbyte sources ") + sub, usage, positionals);
    if (!a)
        return fail(a.error());
    AirbyteClient &client = *a->client;
    const Args &args = a->command.args;

    if (sub == QLatin1String("list")) {
        auto list = QCoro::waitFor(client.sources(a->workspaceId));
        if (!list)
            return fail(list.error());
        if (ctx.json()) {
            QJsonArray out;
            for (const AirbyteActor &s : *list)
                out.append(toJson(s));
            ctx.print(out);
            return {};
        }
        QList<QStringList> rows;
        for (const AirbyteActor &s : *list)
            rows.append({s.id, s.name, s.typeName});
        ctx.table({QStringLiteral("SOURCE ID"), QStringLiteral("NAME"), QStringLiteral("CONNECTOR")}, rows);
        return {};
    }
    const QString id = args.positionals().value(0);
    if (sub == QLatin1String("show")) {
        auto s = QCoro::waitFor(client.source(id));
        if (!s)
            return fail(s.error());
        QJsonObject o = toJson(*s);
        o.insert(QStringLiteral("configuration"), s->raw.value(QLatin1String("connectionConfiguration")));   // secrets masked by the server
        if (ctx.json())
            ctx.print(o);
        else
            ctx.out() << QJsonDocument(o).toJson(QJsonDocument::Indented);
        return {};
    }
    if (sub == QLatin1String("check")) {
        auto check = QCoro::waitFor(client.checkSource(id));
        if (!check)
            return fail(check.error());
        printCheck(ctx, *check, QStringLiteral("source ") + id);
        return check->succeeded ? CommandResult{} : quietNo();
    }
    if (sub == QLatin1String("delete")) {
        // Airbyte would delete the connections too: refuse while any uses the source, naming them.
        auto connections = QCoro::waitFor(client.connections(a->workspaceId));
        if (!connections)
            return fail(connections.error());
        QStringList users;
        for (const AirbyteConnection &c : *connections)
            if (c.sourceId == id)
                users << QStringLiteral("\"%1\" (%2)").arg(c.name, c.id);
        if (!users.isEmpty())
            return fail(Error::conflict(QStringLiteral("the source %1 is used by the connection%2 %3; delete %4 first")
                                            .arg(id, users.size() > 1 ? QStringLiteral("s") : QString(), users.join(QStringLiteral(", ")),
                                                 users.size() > 1 ? QStringLiteral("them") : QStringLiteral("it"))));
        if (auto gone = QCoro::waitFor(client.deleteSource(id)); !gone)
            return fail(gone.error());
        if (ctx.json())
            ctx.print(QJsonObject{{QStringLiteral("deleted"), id}});
        else
            ctx.out() << "Deleted source " << id << ".\n";
        return {};
    }

    // create
    if (!args.has(QStringLiteral("definition")) || !args.has(QStringLiteral("name")) || !args.has(QStringLiteral("config")))
        return fail(Error::invalid(usage));
    QFile file(args.value(QStringLiteral("config")));
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::notFound(QStringLiteral("Cannot read %1: %2").arg(file.fileName(), file.errorString())));
    auto config = readObject(file.readAll(), file.fileName());
    if (!config)
        return fail(config.error());
    if (args.has(QStringLiteral("secrets-stdin"))) {
        auto bytes = readHiddenInput(QStringLiteral("Secret fields (a JSON object): "), QStringLiteral("the secret fields"));
        if (!bytes)
            return fail(bytes.error());
        auto secrets = readObject(*bytes, QStringLiteral("standard input"));
        if (!secrets)
            return fail(secrets.error());
        *config = merged(*config, *secrets);
    }
    const QString definition = args.value(QStringLiteral("definition"));
    auto spec = QCoro::waitFor(client.sourceSpec(definition, a->workspaceId));
    if (!spec)
        return fail(spec.error());
    auto problems = validateConfig(spec->schema, *config);
    if (!problems)
        return fail(problems.error());
    if (!problems->isEmpty()) {
        QStringList lines;
        for (const SpecProblem &p : *problems)
            lines << p.toString();
        return fail(Error::invalid(QStringLiteral("the configuration does not fit the connector's specification; nothing was sent:\n  ")
                                   + lines.join(QStringLiteral("\n  "))));
    }
    auto created = QCoro::waitFor(client.createSource(a->workspaceId, definition, args.value(QStringLiteral("name")), *config));
    if (!created)
        return fail(created.error());
    if (ctx.json())
        ctx.print(toJson(*created));
    else
        ctx.out() << "Created source " << created->name << " (" << created->id << ").\n";
    return {};
}

} // namespace sluice::cli
