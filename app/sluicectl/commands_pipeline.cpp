// sluicectl pipeline create | list | show | edit | duplicate | delete | enable | disable | next
#include "cli.h"

#include "schedule/cronschedule.h"
#include "store/pipelinestore.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

namespace {

const Args::Spec kEditSpec{
    {QStringLiteral("org"), QStringLiteral("name"), QStringLiteral("task"), QStringLiteral("cron"), QStringLiteral("tz"),
     QStringLiteral("missed-policy"), QStringLiteral("overlap-policy"), QStringLiteral("agent-tag"), QStringLiteral("retry-policy"),
     QStringLiteral("notify-on")},
    {QStringLiteral("no-auto-deps"), QStringLiteral("auto-deps"), QStringLiteral("continue-on-sync-failure"),
     QStringLiteral("stop-on-sync-failure"), QStringLiteral("inactive"), QStringLiteral("active"),
     QStringLiteral("no-schedule"), QStringLiteral("clear-tasks"), QStringLiteral("no-agent-tag")}};

// Reads the options shared by create and edit. A contradictory pair is refused.
Result<PipelineDraft> draftFrom(const Args &args)
{
    PipelineDraft d;
    auto both = [&](const char *a, const char *b) {
        return args.has(QLatin1String(a)) && args.has(QLatin1String(b));
    };
    for (auto [a, b] : {std::pair{"auto-deps", "no-auto-deps"}, std::pair{"active", "inactive"},
                        std::pair{"continue-on-sync-failure", "stop-on-sync-failure"}, std::pair{"cron", "no-schedule"},
                        std::pair{"task", "clear-tasks"}, std::pair{"agent-tag", "no-agent-tag"}}) {
        if (both(a, b))
            return fail(Error::invalid(QStringLiteral("--%1 and --%2 contradict each other").arg(QLatin1String(a), QLatin1String(b))));
    }
    if (args.has(QStringLiteral("name")))
        d.name = args.value(QStringLiteral("name"));
    if (args.has(QStringLiteral("task")))
        d.taskUuids = args.values(QStringLiteral("task"));
    if (args.has(QStringLiteral("clear-tasks")))
        d.taskUuids = QStringList();
    if (args.has(QStringLiteral("cron")))
        d.cron = args.value(QStringLiteral("cron"));
    if (args.has(QStringLiteral("no-schedule")))
        d.cron = QString();
    if (args.has(QStringLiteral("tz")))
        d.timezone = args.value(QStringLiteral("tz"));
    if (args.has(QStringLiteral("no-auto-deps")))
        d.autoDeps = false;
    if (args.has(QStringLiteral("auto-deps")))
        d.autoDeps = true;
    if (args.has(QStringLiteral("continue-on-sync-failure")))
        d.continueOnSyncFailure = true;
    if (args.has(QStringLiteral("stop-on-sync-failure")))
        d.continueOnSyncFailure = false;
    if (args.has(QStringLiteral("inactive")))
        d.active = false;
    if (args.has(QStringLiteral("active")))
        d.active = true;
    if (args.has(QStringLiteral("agent-tag"))) {
        d.agentTag = args.value(QStringLiteral("agent-tag"));
        if (d.agentTag->trimmed().isEmpty())
            return fail(Error::invalid(QStringLiteral("--agent-tag takes a tag such as has-dbt; to let any agent run the pipeline, give --no-agent-tag")));
    }
    if (args.has(QStringLiteral("no-agent-tag")))
        d.agentTag = QString();
    if (args.has(QStringLiteral("retry-policy")))
        d.retryPolicy = args.value(QStringLiteral("retry-policy"));
    if (args.has(QStringLiteral("notify-on"))) {
        const QString on = args.value(QStringLiteral("notify-on")).trimmed();
        if (on.isEmpty())
            return fail(Error::invalid(QStringLiteral("--notify-on takes failure, warning and/or success, comma separated, or none")));
        d.notifyOn = on.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 ? QStringList() : QStringList{on};
    }
    if (args.has(QStringLiteral("missed-policy"))) {
        d.missedPolicy = missedPolicyFromString(args.value(QStringLiteral("missed-policy")));
        if (!d.missedPolicy)
            return fail(Error::invalid(QStringLiteral("--missed-policy takes once, skip or all")));
    }
    if (args.has(QStringLiteral("overlap-policy"))) {
        d.overlapPolicy = overlapPolicyFromString(args.value(QStringLiteral("overlap-policy")));
        if (!d.overlapPolicy)
            return fail(Error::invalid(QStringLiteral("--overlap-policy takes queue, skip or replace")));
    }
    return d;
}

void printPipeline(Context &ctx, const Pipeline &p)
{
    if (ctx.json()) {
        ctx.print(toJson(p));
        return;
    }
    ctx.out() << "uuid:      " << p.uuid << '\n'
              << "name:      " << p.name << '\n'
              << "org:       " << p.orgSlug << '\n'
              << "schedule:  " << (p.cron.isEmpty() ? QStringLiteral("manual") : p.cron + QStringLiteral(" (") + p.timezone + QLatin1Char(')')) << '\n'
              << "active:    " << (p.active ? "yes" : "no") << '\n'
              << "auto deps: " << (p.autoDeps ? "yes" : "no")
              << "; on sync failure: " << (p.continueOnSyncFailure ? "continue other syncs" : "stop")
              << "; missed runs: " << toString(p.missedPolicy) << "; overlap: " << toString(p.overlapPolicy) << '\n'
              << "agent tag: " << (p.agentTag.isEmpty() ? QStringLiteral("none (any agent)") : p.agentTag) << '\n'
              << "retries:   " << (p.retryPolicy == QLatin1String("{}") ? QStringLiteral("defaults") : p.retryPolicy) << '\n'
              << "notify on: " << (p.notifyOn.isEmpty() ? QStringLiteral("nothing") : p.notifyOn.join(QStringLiteral(", ")))
              << " (each channel filters by its own levels too)\n";
    if (p.steps.isEmpty()) {
        ctx.out() << "tasks:     none — add some with `sluicectl pipeline edit " << p.uuid << " --task UUID`\n";
        return;
    }
    ctx.out() << "tasks:\n";
    QList<QStringList> rows;
    for (const PipelineStep &s : p.steps) {
        QStringList params;
        if (!s.task.connectionId.isEmpty())
            params << QStringLiteral("connection=") + s.task.connectionId;
        for (const QString &f : s.task.parameters.flags)
            params << QStringLiteral("--") + f;
        for (auto it = s.task.parameters.options.cbegin(); it != s.task.parameters.options.cend(); ++it)
            params << QStringLiteral("--%1 %2").arg(it.key(), it.value());
        if (!s.task.parameters.command.isEmpty())
            params << s.task.parameters.command;
        rows.append({QString::number(s.seq), s.task.slug, s.task.uuid, s.task.generatedBy == QLatin1String("system") ? QStringLiteral("auto") : QString(),
                     params.join(QLatin1Char(' '))});
    }
    ctx.table({QStringLiteral("SEQ"), QStringLiteral("TASK"), QStringLiteral("UUID"), QString(), QStringLiteral("PARAMETERS")}, rows);
}

Result<std::pair<Database *, Org>> openOrgFrom(Context &ctx, const Args &args, const QString &usage)
{
    if (!args.has(QStringLiteral("org")))
        return fail(Error::invalid(usage));
    return ctx.openOrg(args.value(QStringLiteral("org")));
}

// `pipeline next UUID|NAME [--count N] [--from ISO-8601]`: the next N fire times strictly after --from
// (default now), in UTC and in the pipeline's zone. A --from without an offset is read in that zone.
CommandResult printNextFires(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("count"), QStringLiteral("from")}, {}}, QStringLiteral("pipeline next"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl pipeline next UUID|NAME [--count N] [--from ISO-8601]")));
    int count = 5;
    if (args->has(QStringLiteral("count"))) {
        bool ok = false;
        count = args->value(QStringLiteral("count")).toInt(&ok);
        if (!ok || count < 1 || count > 1000)
            return fail(Error::invalid(QStringLiteral("--count takes a whole number from 1 to 1000")));
    }
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto p = PipelineStore(**db, ctx.actor()).find(args->positionals().first());
    if (!p)
        return fail(p.error());
    if (p->cron.isEmpty())
        return fail(Error::invalid(QStringLiteral("pipeline %1 is manual (it has no schedule); give it one with "
                                                  "`sluicectl pipeline edit %2 --cron EXPR --tz ZONE`").arg(p->name, p->uuid)));
    auto schedule = CronSchedule::parse(p->cron, p->timezone);
    if (!schedule)
        return fail(schedule.error());
    QDateTime from = QDateTime::currentDateTimeUtc();
    if (args->has(QStringLiteral("from"))) {
        from = QDateTime::fromString(args->value(QStringLiteral("from")), Qt::ISODateWithMs);
        if (!from.isValid())
            return fail(Error::invalid(QStringLiteral("--from takes an ISO-8601 date and time, e.g. 2026-03-29T00:00:00Z")));
        if (from.timeSpec() == Qt::LocalTime)
            from = QDateTime(from.date(), from.time(), schedule->zone());
    }
    QJsonArray fires;
    QList<QStringList> rows;
    for (int i = 0; i < count; ++i) {
        const auto next = schedule->nextAfter(from);
        if (!next)
            break;
        const QString utc = next->toString(Qt::ISODate);
        const QString local = next->toTimeZone(schedule->zone()).toString(Qt::ISODate);
        fires.append(QJsonObject{{QStringLiteral("utc"), utc}, {QStringLiteral("local"), local}});
        rows.append({utc, local});
        from = *next;
    }
    if (ctx.json()) {
        ctx.print(fires);
    } else if (rows.isEmpty()) {
        ctx.out() << "Pipeline " << p->name << " (" << p->cron << ") does not fire in the next " << CronSchedule::kHorizonYears
                  << " years.\n";
    } else {
        ctx.table({QStringLiteral("UTC"), QStringLiteral("LOCAL (") + p->timezone + QLatin1Char(')')}, rows);
    }
    return {};
}

} // namespace

CommandResult runPipeline(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("pipeline ") + verb;
    if (verb == QLatin1String("create")) {
        auto args = Args::parse(words, kEditSpec, command);
        if (!args)
            return fail(args.error());
        const QString usage = QStringLiteral("usage: sluicectl pipeline create --org SLUG --name NAME [--task UUID]... "
                                             "[--cron EXPR --tz ZONE] [--no-auto-deps] [--continue-on-sync-failure] [--inactive] "
                                             "[--agent-tag T] [--retry-policy JSON] [--notify-on failure,warning,success|none]");
        if (!args->positionals().isEmpty() || !args->has(QStringLiteral("name")))
            return fail(Error::invalid(usage));
        auto draft = draftFrom(*args);
        if (!draft)
            return fail(draft.error());
        auto found = openOrgFrom(ctx, *args, usage);
        if (!found)
            return fail(found.error());
        auto &[db, org] = *found;
        auto p = PipelineStore(*db, ctx.actor()).create(org.id, *draft);
        if (!p)
            return fail(p.error());
        if (ctx.json())
            ctx.print(toJson(*p));
        else
            ctx.out() << p->uuid << '\n';
        return {};
    }
    if (verb == QLatin1String("list")) {
        auto args = Args::parse(words, {{QStringLiteral("org")}, {}}, command);
        if (!args)
            return fail(args.error());
        auto found = openOrgFrom(ctx, *args, QStringLiteral("usage: sluicectl pipeline list --org SLUG"));
        if (!found)
            return fail(found.error());
        auto &[db, org] = *found;
        auto list = PipelineStore(*db, ctx.actor()).list(org.id);
        if (!list)
            return fail(list.error());
        if (ctx.json()) {
            QJsonArray a;
            for (const Pipeline &p : *list)
                a.append(toJson(p));
            ctx.print(a);
        } else if (list->isEmpty()) {
            ctx.out() << "Org " << org.slug << " has no pipelines yet. Create one with `sluicectl pipeline create --org "
                      << org.slug << " --name NAME --task UUID`.\n";
        } else {
            QList<QStringList> rows;
            for (const Pipeline &p : *list) {
                QStringList slugs;
                for (const PipelineStep &s : p.steps)
                    slugs << s.task.slug;
                rows.append({p.uuid, p.name, p.cron.isEmpty() ? QStringLiteral("manual") : p.cron + QStringLiteral(" ") + p.timezone,
                             p.active ? QStringLiteral("yes") : QStringLiteral("no"), slugs.join(QStringLiteral(" → "))});
            }
            ctx.table({QStringLiteral("UUID"), QStringLiteral("NAME"), QStringLiteral("SCHEDULE"), QStringLiteral("ACTIVE"), QStringLiteral("TASKS")}, rows);
        }
        return {};
    }

    if (verb == QLatin1String("run"))
        return runPipelineRun(ctx, words);
    if (verb == QLatin1String("next"))
        return printNextFires(ctx, words);
    if (verb == QLatin1String("duplicate")) {
        auto args = Args::parse(words, {{QStringLiteral("name")}, {QStringLiteral("active")}}, command);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1)
            return fail(Error::invalid(QStringLiteral("usage: sluicectl pipeline duplicate UUID|NAME [--name NEW] [--active]")));
        if (args->has(QStringLiteral("name")) && args->value(QStringLiteral("name")).trimmed().isEmpty())
            return fail(Error::invalid(QStringLiteral("--name takes the copy's name; leave it out for \"<name> (copy)\"")));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        auto p = PipelineStore(**db, ctx.actor()).duplicate(args->positionals().first(), args->value(QStringLiteral("name")),
                                                            args->has(QStringLiteral("active")));
        if (!p)
            return fail(p.error());
        if (ctx.json())
            ctx.print(toJson(*p));
        else
            ctx.out() << p->uuid << '\n';
        return {};
    }

    // The remaining verbs name one pipeline.
    const bool isEdit = verb == QLatin1String("edit");
    if (!isEdit && verb != QLatin1String("show") && verb != QLatin1String("delete") && verb != QLatin1String("enable")
        && verb != QLatin1String("disable"))
        return fail(Error::invalid(QStringLiteral("unknown command `pipeline %1`; use create, list, show, edit, duplicate, delete, enable, disable or next").arg(verb)));
    auto args = Args::parse(words, isEdit ? kEditSpec : Args::Spec{}, command);
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl pipeline %1 UUID|NAME%2").arg(verb, isEdit ? QStringLiteral(" [options]") : QString())));
    if (isEdit && args->has(QStringLiteral("org")))
        return fail(Error::invalid(QStringLiteral("a pipeline cannot move to another org")));
    const QString key = args->positionals().first();
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    PipelineStore store(**db, ctx.actor());
    if (verb == QLatin1String("show")) {
        auto p = store.find(key);
        if (!p)
            return fail(p.error());
        printPipeline(ctx, *p);
        return {};
    }
    if (isEdit) {
        auto draft = draftFrom(*args);
        if (!draft)
            return fail(draft.error());
        auto current = store.find(key);
        if (!current)
            return fail(current.error());
        auto p = store.edit(current->uuid, *draft);
        if (!p)
            return fail(p.error());
        printPipeline(ctx, *p);
        return {};
    }
    if (verb == QLatin1String("delete")) {
        auto p = store.find(key);
        if (!p)
            return fail(p.error());
        if (auto r = store.remove(p->uuid); !r)
            return r;
        if (ctx.json())
            ctx.print(QJsonObject{{QStringLiteral("deleted"), p->uuid}});
        else
            ctx.out() << "Deleted pipeline " << p->name << " (" << p->uuid << ").\n";
        return {};
    }
    const bool enable = verb == QLatin1String("enable");
    auto p = store.setActive(key, enable);
    if (!p)
        return fail(p.error());
    if (ctx.json())
        ctx.print(toJson(*p));
    else
        ctx.out() << (enable ? "Enabled" : "Disabled") << " pipeline " << p->name << ".\n";
    return {};
}

} // namespace sluice::cli
