// sluicectl org create | list | show
#include "cli.h"

#include "store/orgstore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

namespace {

Result<QJsonObject> orgDetails(Database &db, const QString &actor, const Org &org)
{
    QJsonObject o = toJson(org);
    auto contents = OrgStore(db, actor).contents(org.id);
    if (!contents)
        return fail(contents.error());
    o.insert(QStringLiteral("tasks"), contents->tasks);
    o.insert(QStringLiteral("pipelines"), contents->pipelines);
    return o;
}

} // namespace

CommandResult runOrg(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("org ") + verb;
    if (verb == QLatin1String("create")) {
        auto args = Args::parse(words, {{QStringLiteral("name")}, {}}, command);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1 || !args->has(QStringLiteral("name")))
            return fail(Error::invalid(QStringLiteral("usage: sluicectl org create SLUG --name NAME")));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto org = OrgStore(**db, ctx.actor()).create(args->positionals().first(), args->value(QStringLiteral("name")));
        if (!org)
            return fail(org.error());
        if (ctx.json())
            ctx.print(toJson(*org));
        else
            ctx.out() << "Created org " << org->slug << " (" << org->name << ").\n";
        return {};
    }
    if (verb == QLatin1String("list")) {
        auto args = Args::parse(words, {}, command);
        if (!args)
            return fail(args.error());
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto orgs = OrgStore(**db, ctx.actor()).list();
        if (!orgs)
            return fail(orgs.error());
        if (ctx.json()) {
            QJsonArray a;
            for (const Org &o : *orgs)
                a.append(toJson(o));
            ctx.print(a);
        } else if (orgs->isEmpty()) {
            ctx.out() << "No orgs yet. Create one with `sluicectl org create SLUG --name NAME`.\n";
        } else {
            QList<QStringList> rows;
            for (const Org &o : *orgs)
                rows.append({o.slug, o.name, o.airbyteWorkspaceId});
            ctx.table({QStringLiteral("SLUG"), QStringLiteral("NAME"), QStringLiteral("AIRBYTE WORKSPACE")}, rows);
        }
        return {};
    }
    if (verb == QLatin1String("show")) {
        auto args = Args::parse(words, {}, command);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1)
            return fail(Error::invalid(QStringLiteral("usage: sluicectl org show SLUG")));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto org = OrgStore(**db, ctx.actor()).find(args->positionals().first());
        if (!org)
            return fail(org.error());
        auto details = orgDetails(**db, ctx.actor(), *org);
        if (!details)
            return fail(details.error());
        if (ctx.json()) {
            ctx.print(*details);
        } else {
            ctx.out() << "slug:              " << org->slug << '\n'
                      << "name:              " << org->name << '\n'
                      << "airbyte workspace: " << (org->airbyteWorkspaceId.isEmpty() ? QStringLiteral("(none)") : org->airbyteWorkspaceId) << '\n'
                      << "tasks:             " << details->value(QStringLiteral("tasks")).toInt() << '\n'
                      << "pipelines:         " << details->value(QStringLiteral("pipelines")).toInt() << '\n';
        }
        return {};
    }
    if (verb == QLatin1String("set")) {
        auto args = Args::parse(words, {{QStringLiteral("airbyte-workspace")}, {}}, command);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1 || !args->has(QStringLiteral("airbyte-workspace")))
            return fail(Error::invalid(QStringLiteral("usage: sluicectl org set SLUG --airbyte-workspace ID")));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto org = OrgStore(**db, ctx.actor()).setAirbyteWorkspace(args->positionals().first(), args->value(QStringLiteral("airbyte-workspace")));
        if (!org)
            return fail(org.error());
        if (ctx.json())
            ctx.print(toJson(*org));
        else
            ctx.out() << "Org " << org->slug << " now uses Airbyte workspace " << org->airbyteWorkspaceId << ".\n";
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown command `org %1`; use org create, org list, org show or org set").arg(verb)));
}

} // namespace sluice::cli
