// sluicectl run list | show | logs | cancel (retry: commands_execute.cpp)
#include "cli.h"

#include "store/lockstore.h"
#include "store/pipelinestore.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>
#include <QUuid>

#include <algorithm>

namespace sluice::cli {

namespace {

// How often `run logs --follow` looks for new lines and for the end of the run.
constexpr unsigned long kFollowPollMs = 300;
// Lines read per query while printing a log.
constexpr int kLogPage = 1000;

const QString kUsage = QStringLiteral(
    "usage: sluicectl run list [--org SLUG] [--pipeline UUID|NAME] [--status S] [--trigger T] [--since WHEN] [--until WHEN] "
    "[--limit N] | run show ID | run logs ID [--task SEQ] [--follow] | run cancel ID | "
    "run retry ID [--from-failure] [--queue] [--wait] [--follow]   (ID: a run's number or uuid; --json for JSON; "
    "WHEN: an ISO-8601 date or date-time, local unless it carries an offset, or an age such as 30m, 24h, 7d)");

// An instant given on the command line: ISO-8601 date-time (local time unless it has Z or an offset),
// a date alone (its local midnight), or an age before `now` (30m, 24h, 7d, 2w).
Result<qint64> parseInstant(const QString &option, const QString &text, qint64 nowMs)
{
    const QString t = text.trimmed();
    static const QRegularExpression age(QStringLiteral("^(\\d+)([mhdw])$"));
    if (const auto m = age.match(t); m.hasMatch()) {
        const qint64 n = m.captured(1).toLongLong();
        const QChar unit = m.captured(2).at(0);
        const qint64 unitMs = unit == u'm' ? 60'000 : unit == u'h' ? 3'600'000 : unit == u'd' ? 86'400'000 : 7 * 86'400'000LL;
        return nowMs - n * unitMs;
    }
    QDateTime at = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!at.isValid()) {
        const QDate day = QDate::fromString(t, Qt::ISODate);
        if (day.isValid())
            at = day.startOfDay();
    }
    if (!at.isValid())
        return fail(Error::invalid(QStringLiteral("--%1 takes an ISO-8601 date or date-time (2026-12-01, 2026-12-01T08:00, "
                                                  "2026-12-01T08:00Z) or an age (30m, 24h, 7d, 2w); got \"%2\"").arg(option, text)));
    return at.toMSecsSinceEpoch();
}

QJsonValue isoOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs)) : QJsonValue();
}

QString textTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
}

QString duration(qint64 from, qint64 to)
{
    if (from <= 0 || to < from)
        return QStringLiteral("-");
    const qint64 s = (to - from) / 1000;
    if (s < 60)
        return QStringLiteral("%1 s").arg(QString::number(double(to - from) / 1000.0, 'f', 1));
    return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
}

// The pipeline a run belongs to, for people: its name, or null for a single-task run.
QJsonValue pipelineOf(const RunRecord &r)
{
    if (r.orgTaskId > 0 || r.run.pipelineName.isEmpty())
        return {};
    return r.run.pipelineName;
}

QJsonObject summaryJson(const RunSummary &r)
{
    return {
        {QStringLiteral("id"), r.id},
        {QStringLiteral("uuid"), r.uuid},
        {QStringLiteral("pipeline"), r.pipelineName.isEmpty() ? QJsonValue() : QJsonValue(r.pipelineName)},
        {QStringLiteral("trigger"), r.trigger},
        {QStringLiteral("status"), toSql(r.status)},
        {QStringLiteral("scheduled_for"), isoOrNull(r.scheduledFor)},
        {QStringLiteral("queued_at"), isoOrNull(r.queuedAt)},
        {QStringLiteral("started_at"), isoOrNull(r.startedAt)},
        {QStringLiteral("finished_at"), isoOrNull(r.finishedAt)},
    };
}

QJsonObject recordJson(const RunRecord &r)
{
    QJsonArray tasks;
    for (const TaskRunRecord &t : r.latestAttempts())
        tasks.append(QJsonObject{
            {QStringLiteral("seq"), t.seq},
            {QStringLiteral("slug"), t.slug},
            {QStringLiteral("status"), toSql(t.status)},
            {QStringLiteral("attempt"), t.attempt},
            {QStringLiteral("exit_code"), t.exitCode ? QJsonValue(*t.exitCode) : QJsonValue()},
            {QStringLiteral("summary"), t.summary},
            {QStringLiteral("started_at"), isoOrNull(t.startedAt)},
            {QStringLiteral("finished_at"), isoOrNull(t.finishedAt)},
            {QStringLiteral("error_kind"), t.errorKind == TaskErrorKind::None ? QJsonValue() : QJsonValue(toSql(t.errorKind))},
            {QStringLiteral("error_detail"), t.errorDetail.isEmpty() ? QJsonValue() : QJsonValue(t.errorDetail)},
        });
    return {
        {QStringLiteral("id"), r.run.id},
        {QStringLiteral("uuid"), r.run.uuid},
        {QStringLiteral("org"), r.orgSlug},
        {QStringLiteral("pipeline"), pipelineOf(r)},
        {QStringLiteral("label"), r.run.pipelineName},
        {QStringLiteral("status"), toSql(r.run.status)},
        {QStringLiteral("status_reason"), r.statusReason.isEmpty() ? QJsonValue() : QJsonValue(r.statusReason)},
        {QStringLiteral("trigger"), r.run.trigger},
        {QStringLiteral("scheduled_for"), isoOrNull(r.run.scheduledFor)},
        {QStringLiteral("queued_at"), isoOrNull(r.run.queuedAt)},
        {QStringLiteral("started_at"), isoOrNull(r.run.startedAt)},
        {QStringLiteral("finished_at"), isoOrNull(r.run.finishedAt)},
        {QStringLiteral("requested_by"), r.requestedBy},
        {QStringLiteral("dispatch"), r.dispatch},
        {QStringLiteral("cancel_requested_at"), isoOrNull(r.cancelRequestedAt)},
        {QStringLiteral("cancel_requested_by"), r.cancelRequestedBy.isEmpty() ? QJsonValue() : QJsonValue(r.cancelRequestedBy)},
        {QStringLiteral("tasks"), tasks},
    };
}

} // namespace

Result<RunRecord> findRun(RunStore &store, const QString &key)
{
    bool isNumber = false;
    const qint64 id = key.toLongLong(&isNumber);
    if (isNumber && id > 0)
        return store.run(id);
    const QUuid uuid = QUuid::fromString(key);
    if (uuid.isNull())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a run number or uuid; `sluicectl run list` shows them").arg(key)));
    return store.runByUuid(uuid.toString(QUuid::WithoutBraces));
}

namespace {

Result<void> listRuns(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("org"), QStringLiteral("pipeline"), QStringLiteral("status"), QStringLiteral("limit"),
                                     QStringLiteral("trigger"), QStringLiteral("since"), QStringLiteral("until")}, {}},
                            QStringLiteral("run list"));
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty())
        return fail(Error::invalid(kUsage));
    RunFilter filter;
    if (args->has(QStringLiteral("status"))) {
        const QString word = args->value(QStringLiteral("status"));
        filter.status = runStatusFromSql(word);
        if (!filter.status)
            return fail(Error::invalid(QStringLiteral("unknown run status \"%1\" (one of %2)").arg(word, runStatusWords().join(QStringLiteral(", ")))));
    }
    if (args->has(QStringLiteral("trigger"))) {
        const QString word = args->value(QStringLiteral("trigger")).trimmed().toLower();
        static const QStringList triggers{QStringLiteral("manual"), QStringLiteral("scheduled"), QStringLiteral("retry"), QStringLiteral("backfill")};
        if (!triggers.contains(word))
            return fail(Error::invalid(QStringLiteral("unknown run trigger \"%1\" (one of %2)").arg(args->value(QStringLiteral("trigger")), triggers.join(QStringLiteral(", ")))));
        filter.trigger = word;
    }
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &option : {QStringLiteral("since"), QStringLiteral("until")}) {
        if (!args->has(option))
            continue;
        auto at = parseInstant(option, args->value(option), now);
        if (!at)
            return fail(at.error());
        (option == QLatin1String("since") ? filter.queuedSince : filter.queuedUntil) = *at;
    }
    if (filter.queuedSince && filter.queuedUntil && *filter.queuedUntil <= *filter.queuedSince)
        return fail(Error::invalid(QStringLiteral("--until must come after --since")));
    if (args->has(QStringLiteral("limit"))) {
        bool ok = false;
        filter.limit = args->value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || filter.limit < 1 || filter.limit > 10'000)
            return fail(Error::invalid(QStringLiteral("--limit takes a number from 1 to 10000 (got \"%1\")").arg(args->value(QStringLiteral("limit")))));
    }
    Database *db = nullptr;
    if (args->has(QStringLiteral("org"))) {
        auto found = ctx.openOrg(args->value(QStringLiteral("org")));
        if (!found)
            return fail(found.error());
        db = found->first;
        filter.orgId = found->second.id;
    } else {
        auto opened = ctx.open();
        if (!opened)
            return fail(opened.error());
        db = *opened;
    }
    if (args->has(QStringLiteral("pipeline"))) {
        const QString key = args->value(QStringLiteral("pipeline"));
        PipelineStore pipelines(*db, ctx.actor());
        if (!QUuid::fromString(key).isNull()) {
            auto p = pipelines.find(key);
            if (!p)
                return fail(p.error());
            filter.pipelineId = p->id;
        } else {
            if (!filter.orgId)
                return fail(Error::invalid(QStringLiteral("a pipeline given by name needs --org SLUG (or give its uuid)")));
            auto all = pipelines.list(*filter.orgId);
            if (!all)
                return fail(all.error());
            for (const Pipeline &p : std::as_const(*all))
                if (p.name == key)
                    filter.pipelineId = p.id;
            if (!filter.pipelineId)
                return fail(Error::notFound(QStringLiteral("org %1 has no pipeline named \"%2\"; see `sluicectl pipeline list --org %1`")
                                                .arg(args->value(QStringLiteral("org")), key)));
        }
    }
    auto runs = RunStore(*db).list(filter);
    if (!runs)
        return fail(runs.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const RunSummary &r : std::as_const(*runs))
            a.append(summaryJson(r));
        ctx.print(a);
    } else if (runs->isEmpty()) {
        ctx.out() << "No runs.\n";
        ctx.out().flush();
    } else {
        QList<QStringList> rows;
        for (const RunSummary &r : std::as_const(*runs))
            rows.append({QString::number(r.id), r.uuid, r.pipelineName.isEmpty() ? QStringLiteral("-") : r.pipelineName, r.trigger,
                         toSql(r.status), r.scheduledFor > 0 ? textTime(r.scheduledFor) : QStringLiteral("-"), textTime(r.startedAt),
                         duration(r.startedAt, r.finishedAt)});
        ctx.table({QStringLiteral("ID"), QStringLiteral("UUID"), QStringLiteral("PIPELINE"), QStringLiteral("TRIGGER"),
                   QStringLiteral("STATUS"), QStringLiteral("SCHEDULED FOR"), QStringLiteral("STARTED"), QStringLiteral("DURATION")},
                  rows);
    }
    return {};
}

Result<void> showRun(Context &ctx, RunStore &store, const QString &key)
{
    auto r = findRun(store, key);
    if (!r)
        return fail(r.error());
    if (ctx.json()) {
        ctx.print(recordJson(*r));
        return {};
    }
    QTextStream &out = ctx.out();
    out << "Run " << r->run.id << " (" << r->run.uuid << ")\n";
    const QJsonValue pipeline = pipelineOf(*r);
    out << (pipeline.isNull() ? QStringLiteral("Task:        ") : QStringLiteral("Pipeline:    ")) << r->run.pipelineName
        << "  (org " << r->orgSlug << ")\n";
    out << "Status:      " << toSql(r->run.status);
    if (!r->statusReason.isEmpty())
        out << " — " << r->statusReason;
    out << '\n';
    out << "Trigger:     " << r->run.trigger;
    if (r->run.scheduledFor > 0)
        out << ", slot " << textTime(r->run.scheduledFor);
    out << ", requested by " << r->requestedBy << '\n';
    out << "Queued:      " << textTime(r->run.queuedAt) << '\n';
    out << "Started:     " << textTime(r->run.startedAt) << '\n';
    out << "Finished:    " << textTime(r->run.finishedAt) << "  (" << duration(r->run.startedAt, r->run.finishedAt) << ")\n";
    if (r->cancelRequestedAt > 0)
        out << "Cancel:      requested by " << r->cancelRequestedBy << " at " << textTime(r->cancelRequestedAt) << '\n';
    out.flush();
    QList<QStringList> rows;
    for (const TaskRunRecord &t : r->latestAttempts())
        rows.append({QString::number(t.seq), t.slug, toSql(t.status), QString::number(t.attempt),
                     t.exitCode ? QString::number(*t.exitCode) : QStringLiteral("-"), duration(t.startedAt, t.finishedAt),
                     t.errorDetail.isEmpty() ? QStringLiteral("-") : t.errorDetail});
    if (!rows.isEmpty()) {
        out << '\n';
        ctx.table({QStringLiteral("SEQ"), QStringLiteral("TASK"), QStringLiteral("STATUS"), QStringLiteral("ATTEMPT"),
                   QStringLiteral("EXIT"), QStringLiteral("DURATION"), QStringLiteral("ERROR")},
                  rows);
    }
    return {};
}

// Prints lines [from, to) of one task run's log; returns where it got to.
Result<qint64> printLines(Context &ctx, RunHistory &history, const TaskRunRecord &t, qint64 from, qint64 to)
{
    while (from < to) {
        const int count = int(std::min<qint64>(kLogPage, to - from));
        auto page = history.logPage(t.id, from, count);
        if (!page)
            return fail(page.error());
        for (const LogLine &l : std::as_const(*page)) {
            if (ctx.json()) {
                const QJsonObject o{
                    {QStringLiteral("seq"), t.seq},
                    {QStringLiteral("attempt"), t.attempt},
                    {QStringLiteral("line"), l.number},
                    {QStringLiteral("at"), isoOrNull(l.atMs)},
                    {QStringLiteral("stream"), l.isStderr ? QStringLiteral("stderr") : QStringLiteral("stdout")},
                    {QStringLiteral("text"), l.text},
                };
                ctx.out() << QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact)) << '\n';
            } else {
                QString tag = QStringLiteral("[%1 %2").arg(t.seq).arg(t.slug);
                if (t.attempt > 1)
                    tag += QStringLiteral(" #%1").arg(t.attempt);
                tag += l.isStderr ? QStringLiteral("] stderr| ") : QStringLiteral("] ");
                ctx.out() << QDateTime::fromMSecsSinceEpoch(l.atMs).toString(QStringLiteral("HH:mm:ss.zzz")) << ' ' << tag << l.text << '\n';
            }
        }
        from += count;   // lines missing in [from, from + count) are a gap the writer left: skipped
    }
    ctx.out().flush();
    return from;
}

Result<void> showLogs(Context &ctx, Database &db, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("task")}, {QStringLiteral("follow")}}, QStringLiteral("run logs"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(kUsage));
    std::optional<int> seq;
    if (args->has(QStringLiteral("task"))) {
        bool ok = false;
        seq = args->value(QStringLiteral("task")).toInt(&ok);
        if (!ok || *seq < 0)
            return fail(Error::invalid(QStringLiteral("--task takes a task's SEQ number, as `sluicectl run show` lists it (got \"%1\")")
                                           .arg(args->value(QStringLiteral("task")))));
    }
    const bool follow = args->has(QStringLiteral("follow"));
    RunStore store(db);
    RunHistory history(db);
    auto r = findRun(store, args->positionals().first());
    if (!r)
        return fail(r.error());
    if (seq && std::none_of(r->tasks.cbegin(), r->tasks.cend(), [&](const TaskRunRecord &t) { return t.seq == *seq; }))
        return fail(Error::notFound(QStringLiteral("run %1 has no task with seq %2; `sluicectl run show %1` lists its tasks")
                                        .arg(r->run.id)
                                        .arg(*seq)));
    QHash<qint64, qint64> printed;   // task run id -> lines printed so far
    for (;;) {
        // The run's status is read before its logs: once it is finished, every line is already stored.
        const bool finished = isFinished(r->run.status);
        for (const TaskRunRecord &t : std::as_const(r->tasks)) {
            if (seq && t.seq != *seq)
                continue;
            auto end = store.logLineCount(t.id);
            if (!end)
                return fail(end.error());
            auto next = printLines(ctx, history, t, printed.value(t.id, 0), *end);
            if (!next)
                return fail(next.error());
            printed[t.id] = *next;
        }
        if (!follow || finished)
            return {};
        // A holder that died never finishes its run: do the sweep any agent would do (runs whose lease
        // has expired become crashed; one read when none has), so that following ends with no agent running.
        if (auto swept = LockStore(db).expireStale(); !swept)
            return fail(swept.error());
        QThread::msleep(kFollowPollMs);
        r = store.run(r->run.id);   // new attempts appear as tasks are retried
        if (!r)
            return fail(r.error());
    }
}

Result<void> cancelRun(Context &ctx, RunStore &store, const QString &key)
{
    auto r = findRun(store, key);
    if (!r)
        return fail(r.error());
    auto done = store.requestCancel(r->run.id, ctx.actor());
    if (!done)
        return fail(done.error());
    if (ctx.json()) {
        ctx.print(QJsonObject{{QStringLiteral("id"), r->run.id},
                              {QStringLiteral("uuid"), r->run.uuid},
                              {QStringLiteral("status"), *done ? toSql(RunStatus::Cancelled) : toSql(r->run.status)},
                              {QStringLiteral("cancelled"), *done},
                              {QStringLiteral("cancel_requested"), true}});
    } else if (*done) {
        ctx.out() << "Run " << r->run.id << " was queued and is now cancelled.\n";
    } else {
        ctx.out() << "Cancel requested for run " << r->run.id
                  << "; the process running it stops it within seconds (see `sluicectl run show " << r->run.id << "`).\n";
    }
    ctx.out().flush();
    return {};
}

} // namespace

CommandResult runRun(Context &ctx, const QString &verb, const QStringList &words)
{
    if (verb == QLatin1String("list"))
        return listRuns(ctx, words);
    if (verb == QLatin1String("retry"))
        return runRetry(ctx, words);
    if (verb == QLatin1String("logs")) {
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        return showLogs(ctx, **db, words);
    }
    if (verb == QLatin1String("show") || verb == QLatin1String("cancel")) {
        auto args = Args::parse(words, {}, QStringLiteral("run ") + verb);
        if (!args)
            return fail(args.error());
        if (args->positionals().size() != 1)
            return fail(Error::invalid(kUsage));
        auto db = ctx.open();
        if (!db)
            return fail(db.error());
        RunStore store(**db);
        return verb == QLatin1String("show") ? showRun(ctx, store, args->positionals().first())
                                              : cancelRun(ctx, store, args->positionals().first());
    }
    return fail(Error::invalid(QStringLiteral("unknown command \"run %1\"; %2").arg(verb, kUsage)));
}

} // namespace sluice::cli
