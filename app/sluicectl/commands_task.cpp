// sluicectl task catalog | create | list | delete
#include "cli.h"

#include "store/catalogstore.h"
#include "rules/taskrules.h"
#include "store/orgtaskstore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

namespace {

QString describeParameters(const OrgTask &t)
{
    QStringList parts;
    if (!t.connectionId.isEmpty())
        parts << QStringLiteral("connection=") + t.connectionId;
    for (const QString &f : t.parameters.flags)
        parts << QStringLiteral("--") + f;
    for (auto it = t.parameters.options.cbegin(); it != t.parameters.options.cend(); ++it)
        parts << QStringLiteral("--%1 %2").arg(it.key(), it.value());
    for (auto it = t.parameters.env.cbegin(); it != t.parameters.env.cend(); ++it)
        parts << QStringLiteral("env %1=%2").arg(it.key(), it.value());
    if (!t.parameters.command.isEmpty())
        parts << t.parameters.command;
    return parts.join(QLatin1Char(' '));
}

// "KEY=VALUE" items of a repeatable option, split at the first '='.
Result<QList<std::pair<QString, QString>>> pairs(const QStringList &items, const QString &option)
{
    QList<std::pair<QString, QString>> out;
    for (const QString &kv : items) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(Error::invalid(QStringLiteral("--%1 takes KEY=VALUE, got \"%2\"").arg(option, kv)));
        out.append({kv.left(eq), kv.mid(eq + 1)});
    }
    return out;
}

// Sets `key` to `value` in `list`, in place when it is there already.
void setPair(QList<std::pair<QString, QString>> &list, const QString &key, const QString &value)
{
    for (auto &[k, v] : list)
        if (k == key) {
            v = value;
            return;
        }
    list.append({key, value});
}

void removePair(QList<std::pair<QString, QString>> &list, const QString &key)
{
    list.removeIf([&key](const auto &kv) { return kv.first == key; });
}

CommandResult catalog(Context &ctx)
{
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto tasks = storedCatalog(**db);
    if (!tasks)
        return fail(tasks.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const CatalogTask &t : *tasks) {
            a.append(QJsonObject{{QStringLiteral("slug"), t.slug},
                                 {QStringLiteral("type"), toString(t.type)},
                                 {QStringLiteral("command"), t.command},
                                 {QStringLiteral("transform_order"), t.transformOrder ? QJsonValue(*t.transformOrder) : QJsonValue()},
                                 {QStringLiteral("automatic"), t.automatic},
                                 {QStringLiteral("hidden"), t.hidden},
                                 {QStringLiteral("long_running"), t.longRunning},
                                 {QStringLiteral("default"), t.isDefault},
                                 {QStringLiteral("needs_connection"), t.needsConnection},
                                 {QStringLiteral("flags"), QJsonArray::fromStringList(t.flags)},
                                 {QStringLiteral("options"), QJsonArray::fromStringList(t.options)},
                                 {QStringLiteral("description"), t.description}});
        }
        ctx.print(a);
        return {};
    }
    QList<QStringList> rows;
    for (const CatalogTask &t : *tasks) {
        QStringList allowed;
        for (const QString &f : t.flags)
            allowed << QStringLiteral("--") + f;
        for (const QString &o : t.options)
            allowed << QStringLiteral("--%1 V").arg(o);
        rows.append({t.slug, toString(t.type), t.command.isEmpty() ? QStringLiteral("(user's)") : t.command,
                     t.transformOrder ? QString::number(*t.transformOrder) : QStringLiteral("-"), allowed.join(QLatin1Char(' ')),
                     t.description});
    }
    ctx.table({QStringLiteral("SLUG"), QStringLiteral("TYPE"), QStringLiteral("COMMAND"), QStringLiteral("ORDER"),
               QStringLiteral("FLAGS/OPTIONS"), QStringLiteral("DESCRIPTION")},
              rows);
    return {};
}

CommandResult create(Context &ctx, const QStringList &words)
{
    const Args::Spec spec{{QStringLiteral("org"), QStringLiteral("slug"), QStringLiteral("flag"), QStringLiteral("option"),
                           QStringLiteral("connection"), QStringLiteral("command"), QStringLiteral("label"), QStringLiteral("working-dir"),
                           QStringLiteral("env")},
                          {}};
    auto args = Args::parse(words, spec, QStringLiteral("task create"));
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty())
        return fail(Error::invalid(QStringLiteral("`task create` takes no positional arguments (got \"%1\")").arg(args->positionals().join(QLatin1Char(' ')))));
    if (!args->has(QStringLiteral("org")) || !args->has(QStringLiteral("slug")))
        return fail(Error::invalid(QStringLiteral("usage: sluicectl task create --org SLUG --slug SLUG [--flag F]... [--option K=V]... "
                                                  "[--connection ID] [--command CMD] [--working-dir DIR] [--env NAME=VALUE]... [--label L]")));
    OrgTaskDraft draft;
    draft.slug = args->value(QStringLiteral("slug"));
    draft.flags = args->values(QStringLiteral("flag"));
    auto options = pairs(args->values(QStringLiteral("option")), QStringLiteral("option"));
    if (!options)
        return fail(options.error());
    draft.options = *options;
    if (args->has(QStringLiteral("working-dir")))
        draft.options.append({QStringLiteral("working-dir"), args->value(QStringLiteral("working-dir"))});
    auto env = pairs(args->values(QStringLiteral("env")), QStringLiteral("env"));
    if (!env)
        return fail(env.error());
    draft.env = *env;
    draft.connectionId = args->value(QStringLiteral("connection"));
    draft.command = args->value(QStringLiteral("command"));
    if (args->has(QStringLiteral("command")) && draft.command.trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("the shell command (--command) is empty")));
    draft.label = args->value(QStringLiteral("label"));

    auto found = ctx.openOrg(args->value(QStringLiteral("org")));
    if (!found)
        return fail(found.error());
    auto &[db, org] = *found;
    auto task = OrgTaskStore(*db, ctx.actor()).create(org.id, draft);
    if (!task)
        return fail(task.error());
    if (ctx.json())
        ctx.print(toJson(*task));
    else
        ctx.out() << task->uuid << '\n';
    return {};
}

CommandResult list(Context &ctx, const QStringList &words)
{
    auto cmd = forOrg(ctx, words, {}, QStringLiteral("task list"), QStringLiteral("usage: sluicectl task list --org SLUG"));
    if (!cmd)
        return fail(cmd.error());
    Database *db = cmd->db;
    const Org &org = cmd->org;
    auto tasks = OrgTaskStore(*db, ctx.actor()).list(org.id);
    if (!tasks)
        return fail(tasks.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const OrgTask &t : *tasks)
            a.append(toJson(t));
        ctx.print(a);
    } else if (tasks->isEmpty()) {
        ctx.out() << "Org " << org.slug << " has no tasks yet. Create one with `sluicectl task create --org " << org.slug
                  << " --slug dbt-run`.\n";
    } else {
        QList<QStringList> rows;
        for (const OrgTask &t : *tasks)
            rows.append({t.uuid, t.slug, t.generatedBy, t.label, describeParameters(t)});
        ctx.table({QStringLiteral("UUID"), QStringLiteral("TASK"), QStringLiteral("BY"), QStringLiteral("LABEL"), QStringLiteral("PARAMETERS")}, rows);
    }
    return {};
}

// task edit UUID: changes what is named and keeps the rest; validated and audited as the window's edits.
CommandResult edit(Context &ctx, const QStringList &words)
{
    const Args::Spec spec{{QStringLiteral("flag"), QStringLiteral("no-flag"), QStringLiteral("option"), QStringLiteral("unset-option"),
                           QStringLiteral("connection"), QStringLiteral("command"), QStringLiteral("label"), QStringLiteral("working-dir"),
                           QStringLiteral("env"), QStringLiteral("unset-env")},
                          {}};
    auto args = Args::parse(words, spec, QStringLiteral("task edit"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1 || args->order().isEmpty())
        return fail(Error::invalid(QStringLiteral(
            "usage: sluicectl task edit UUID [--flag F]... [--no-flag F]... [--option K=V]... [--unset-option K]... [--connection ID] "
            "[--command CMD] [--working-dir DIR] [--env NAME=VALUE]... [--unset-env NAME]... [--label L]  (at least one change)")));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    OrgTaskStore store(**db, ctx.actor());
    auto task = store.get(args->positionals().first());
    if (!task)
        return fail(task.error());
    OrgTaskDraft draft = draftOf(*task);
    for (const QString &f : args->values(QStringLiteral("flag")))
        if (!draft.flags.contains(f))
            draft.flags << f;
    for (const QString &f : args->values(QStringLiteral("no-flag")))
        draft.flags.removeAll(f);
    auto options = pairs(args->values(QStringLiteral("option")), QStringLiteral("option"));
    if (!options)
        return fail(options.error());
    for (const auto &[k, v] : *options)
        setPair(draft.options, k, v);
    for (const QString &k : args->values(QStringLiteral("unset-option")))
        removePair(draft.options, k);
    if (args->has(QStringLiteral("working-dir"))) {
        const QString dir = args->value(QStringLiteral("working-dir"));
        if (dir.isEmpty())
            removePair(draft.options, QStringLiteral("working-dir"));
        else
            setPair(draft.options, QStringLiteral("working-dir"), dir);
    }
    auto env = pairs(args->values(QStringLiteral("env")), QStringLiteral("env"));
    if (!env)
        return fail(env.error());
    for (const auto &[k, v] : *env)
        setPair(draft.env, k, v);
    for (const QString &k : args->values(QStringLiteral("unset-env")))
        removePair(draft.env, k);
    if (args->has(QStringLiteral("connection")))
        draft.connectionId = args->value(QStringLiteral("connection"));
    if (args->has(QStringLiteral("command")))
        draft.command = args->value(QStringLiteral("command"));
    if (args->has(QStringLiteral("label")))
        draft.label = args->value(QStringLiteral("label"));
    auto updated = store.update(task->uuid, draft);
    if (!updated)
        return fail(updated.error());
    if (ctx.json())
        ctx.print(toJson(*updated));
    else
        ctx.out() << "Task " << updated->uuid << ": " << describeParameters(*updated) << '\n';
    return {};
}

CommandResult remove(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {}, QStringLiteral("task delete"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl task delete UUID")));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    const QString uuid = args->positionals().first();
    if (auto r = OrgTaskStore(**db, ctx.actor()).remove(uuid); !r)
        return r;
    if (ctx.json())
        ctx.print(QJsonObject{{QStringLiteral("deleted"), uuid}});
    else
        ctx.out() << "Deleted task " << uuid << ".\n";
    return {};
}

} // namespace

CommandResult runTask(Context &ctx, const QString &verb, const QStringList &words)
{
    if (verb == QLatin1String("catalog")) {
        auto args = Args::parse(words, {}, QStringLiteral("task catalog"));
        if (!args)
            return fail(args.error());
        return catalog(ctx);
    }
    if (verb == QLatin1String("run"))
        return runTaskRun(ctx, words);
    if (verb == QLatin1String("create"))
        return create(ctx, words);
    if (verb == QLatin1String("list"))
        return list(ctx, words);
    if (verb == QLatin1String("edit"))
        return edit(ctx, words);
    if (verb == QLatin1String("delete"))
        return remove(ctx, words);
    return fail(Error::invalid(QStringLiteral("unknown command `task %1`; use task catalog, create, list, edit or delete").arg(verb)));
}

} // namespace sluice::cli
