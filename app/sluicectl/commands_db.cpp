// sluicectl db init | upgrade | status
#include "cli.h"

#include "store/catalogstore.h"
#include "store/migrator.h"

#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

CommandResult runDb(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("db ") + verb;
    auto args = Args::parse(words, {}, command);
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty())
        return fail(Error::invalid(QStringLiteral("`%1` takes no arguments").arg(command)));

    if (verb == QLatin1String("init") || verb == QLatin1String("upgrade")) {
        auto db = ctx.open(Context::Access::Initialise);
        if (!db)
            return fail(db.error());
        auto report = initialiseDatabase(**db, verb == QLatin1String("upgrade"));
        if (!report)
            return fail(report.error());
        if (ctx.json()) {
            QJsonArray applied;
            for (int v : report->applied)
                applied.append(v);
            ctx.print(QJsonObject{{QStringLiteral("database"), (*db)->url().toString()},
                                  {QStringLiteral("from_version"), report->fromVersion},
                                  {QStringLiteral("schema_version"), report->toVersion},
                                  {QStringLiteral("applied"), applied},
                                  {QStringLiteral("catalog_tasks"), report->catalogTasks}});
        } else if (report->applied.isEmpty()) {
            ctx.out() << "Database " << (*db)->url().toString() << " is up to date (schema version " << report->toVersion
                      << ", " << report->catalogTasks << " catalog tasks).\n";
        } else {
            ctx.out() << "Database " << (*db)->url().toString() << " migrated from schema version " << report->fromVersion
                      << " to " << report->toVersion << " (" << report->catalogTasks << " catalog tasks).\n";
        }
        return {};
    }
    if (verb == QLatin1String("status")) {
        auto db = ctx.open(Context::Access::Inspect);
        if (!db)
            return fail(db.error());
        auto state = Migrator(**db).state();
        if (!state)
            return fail(state.error());
        const QString status = state->foreign ? QStringLiteral("foreign")
                             : state->isEmpty() ? QStringLiteral("empty")
                             : state->isNewer() ? QStringLiteral("newer")
                             : state->isCurrent() ? QStringLiteral("current")
                                                  : QStringLiteral("outdated");
        if (ctx.json()) {
            ctx.print(QJsonObject{{QStringLiteral("database"), (*db)->url().toString()},
                                  {QStringLiteral("backend"), (*db)->dialect().displayName()},
                                  {QStringLiteral("schema_version"), state->current},
                                  {QStringLiteral("latest_version"), state->latest},
                                  {QStringLiteral("pending"), std::max(0, state->latest - state->current)},
                                  {QStringLiteral("status"), status}});
        } else {
            ctx.out() << "database:       " << (*db)->url().toString() << '\n'
                      << "backend:        " << (*db)->dialect().displayName() << '\n'
                      << "schema version: " << state->current << " (this Sluice: " << state->latest << ")\n"
                      << "status:         " << status;
            if (status == QLatin1String("empty"))
                ctx.out() << " — run `sluicectl db init`";
            else if (status == QLatin1String("outdated"))
                ctx.out() << " — run `sluicectl db upgrade`";
            else if (status == QLatin1String("newer"))
                ctx.out() << " — install a newer Sluice";
            ctx.out() << '\n';
        }
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown command `db %1`; use db init, db upgrade or db status").arg(verb)));
}

} // namespace sluice::cli
