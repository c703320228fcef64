// sluicectl lock list
#include "cli.h"

#include "store/lockstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

namespace {

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString remaining(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("expired %1 s ago").arg(QString::number(double(-ms) / 1000.0, 'f', 1));
    return QStringLiteral("%1 s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
}

QJsonObject toJson(const TaskLockStatus &s)
{
    return {
        {QStringLiteral("org_task"), s.orgTaskUuid},
        {QStringLiteral("slug"), s.taskSlug},
        {QStringLiteral("status"), TaskLockStatus::stateName(s.state)},
        {QStringLiteral("run"), s.runUuid},
        {QStringLiteral("run_status"), toSql(s.runStatus)},
        {QStringLiteral("pipeline"), s.pipelineName.isEmpty() ? QJsonValue() : QJsonValue(s.pipelineName)},
        {QStringLiteral("locked_by"), s.lockedBy},
        {QStringLiteral("fence"), s.fence},
        {QStringLiteral("since"), isoTime(s.lockedAt)},
        {QStringLiteral("lease_expires_at"), isoTime(s.leaseExpiresAt)},
        {QStringLiteral("lease_expires_in_ms"), s.leaseRemainingMs},
    };
}

} // namespace

CommandResult runLock(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("lock ") + verb;
    if (verb == QLatin1String("list")) {
        auto args = Args::parse(words, {{QStringLiteral("org")}, {}}, command);
        if (!args)
            return fail(args.error());
        if (!args->positionals().isEmpty())
            return fail(Error::invalid(QStringLiteral("usage: sluicectl lock list [--org SLUG] [--json]")));
        Database *db = nullptr;
        std::optional<qint64> orgId;
        if (args->has(QStringLiteral("org"))) {
            auto found = ctx.openOrg(args->value(QStringLiteral("org")));
            if (!found)
                return fail(found.error());
            db = found->first;
            orgId = found->second.id;
        } else {
            auto opened = ctx.open();
            if (!opened)
                return fail(opened.error());
            db = *opened;
        }
        auto rows = LockStore(*db).status(orgId);
        if (!rows)
            return fail(rows.error());
        if (ctx.json()) {
            QJsonArray a;
            for (const TaskLockStatus &s : *rows)
                a.append(toJson(s));
            ctx.print(a);
        } else if (rows->isEmpty()) {
            ctx.out() << "No org task is locked.\n";
        } else {
            QList<QStringList> table;
            for (const TaskLockStatus &s : *rows)
                table.append({s.orgTaskUuid, s.taskSlug, TaskLockStatus::stateName(s.state), s.runUuid,
                              s.pipelineName.isEmpty() ? QStringLiteral("-") : s.pipelineName, s.lockedBy,
                              isoTime(s.lockedAt), remaining(s.leaseRemainingMs)});
            ctx.table({QStringLiteral("ORG TASK"), QStringLiteral("TASK"), QStringLiteral("STATUS"), QStringLiteral("RUN"),
                       QStringLiteral("PIPELINE"), QStringLiteral("LOCKED BY"), QStringLiteral("SINCE"),
                       QStringLiteral("LEASE EXPIRES IN")},
                      table);
        }
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown command \"lock %1\"; usage: sluicectl lock list [--org SLUG] [--json]")
                                   .arg(verb)));
}

} // namespace sluice::cli
