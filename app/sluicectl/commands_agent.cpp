// sluicectl agent run | list
#include "cli.h"

#include "agent/agentservice.h"
#include "store/agentstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>

namespace sluice::cli {

namespace {

const QString kRunUsage = QStringLiteral("usage: sluicectl agent run [--headless] [--tag T]... [--once] [--lease-ms N] [--json]");
const QString kListUsage = QStringLiteral("usage: sluicectl agent list [--json]");

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject toJson(const AgentRecord &a)
{
    return {
        {QStringLiteral("id"), a.id},
        {QStringLiteral("uuid"), a.uuid},
        {QStringLiteral("host"), a.host},
        {QStringLiteral("pid"), a.pid},
        {QStringLiteral("version"), a.version},
        {QStringLiteral("tags"), QJsonArray::fromStringList(a.tags)},
        {QStringLiteral("started_at"), isoTime(a.startedAt)},
        {QStringLiteral("heartbeat_at"), isoTime(a.heartbeatAt)},
        {QStringLiteral("heartbeat_age_ms"), a.heartbeatAgeMs},
        {QStringLiteral("clock_skew_ms"), a.clockSkewMs},
        {QStringLiteral("stopped_at"), a.stoppedAt > 0 ? QJsonValue(isoTime(a.stoppedAt)) : QJsonValue()},
        {QStringLiteral("alive"), a.alive},
    };
}

QJsonObject toJson(const PassReport &r)
{
    return {
        {QStringLiteral("claimed"), r.claimed},
        {QStringLiteral("finished"), r.finished},
        {QStringLiteral("skipped_recorded"), r.skippedRecorded},
        {QStringLiteral("queued"), r.queued},
        {QStringLiteral("lost_to_other_agents"), r.lostToOthers},
        {QStringLiteral("crashed_by_expiry"), r.crashedByExpiry},
        {QStringLiteral("cancel_requested"), r.cancelRequested},
    };
}

QString age(qint64 ms)
{
    return QStringLiteral("%1 s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
}

CommandResult runAgentRun(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("tag"), QStringLiteral("lease-ms")},
                                    {QStringLiteral("headless"), QStringLiteral("once")}},
                            QStringLiteral("agent run"));
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty())
        return fail(Error::invalid(kRunUsage));
    AgentServiceOptions options;
    options.once = args->has(QStringLiteral("once"));
    options.agent.tags = args->values(QStringLiteral("tag"));
    if (args->has(QStringLiteral("lease-ms"))) {
        bool ok = false;
        options.agent.leaseMs = args->value(QStringLiteral("lease-ms")).toLongLong(&ok);
        if (!ok || options.agent.leaseMs < 100)
            return fail(Error::invalid(QStringLiteral("--lease-ms takes a number of milliseconds >= 100")));
    }
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    // Progress goes to stderr, so that --json output stays one document on stdout.
    auto log = [](const QString &line) {
        std::fprintf(stderr, "sluicectl agent: %s\n", qPrintable(line));
        std::fflush(stderr);
    };
    auto report = QCoro::waitFor(serveAgent(**db, options, log));
    if (!report)
        return fail(report.error());
    if (options.once) {
        if (ctx.json())
            ctx.print(toJson(*report));
        else
            ctx.out() << "One pass done: " << report->finished << " run(s) executed, " << report->skippedRecorded
                      << " slot(s) recorded skipped, " << report->queued << " queued behind held locks.\n";
    }
    return {};
}

CommandResult runAgentList(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {}, QStringLiteral("agent list"));
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty())
        return fail(Error::invalid(kListUsage));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto agents = AgentStore(**db).list();
    if (!agents)
        return fail(agents.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const AgentRecord &r : *agents)
            a.append(toJson(r));
        ctx.print(a);
    } else if (agents->isEmpty()) {
        ctx.out() << "No agent has registered with this database.\n";
    } else {
        QList<QStringList> rows;
        for (const AgentRecord &r : *agents)
            rows.append({QString::number(r.id), r.host, QString::number(r.pid), r.version,
                         r.tags.isEmpty() ? QStringLiteral("-") : r.tags.join(QLatin1Char(',')),
                         r.stoppedAt > 0 ? QStringLiteral("stopped") : (r.alive ? QStringLiteral("alive") : QStringLiteral("silent")),
                         age(r.heartbeatAgeMs), QStringLiteral("%1 ms").arg(r.clockSkewMs)});
        ctx.table({QStringLiteral("ID"), QStringLiteral("HOST"), QStringLiteral("PID"), QStringLiteral("VERSION"), QStringLiteral("TAGS"),
                   QStringLiteral("STATE"), QStringLiteral("HEARTBEAT AGE"), QStringLiteral("CLOCK SKEW")},
                  rows);
    }
    return {};
}

} // namespace

CommandResult runAgent(Context &ctx, const QString &verb, const QStringList &words)
{
    if (verb == QLatin1String("run"))
        return runAgentRun(ctx, words);
    if (verb == QLatin1String("list"))
        return runAgentList(ctx, words);
    return fail(Error::invalid(QStringLiteral("unknown command \"agent %1\"; %2 | %3").arg(verb, kRunUsage, kListUsage)));
}

} // namespace sluice::cli
