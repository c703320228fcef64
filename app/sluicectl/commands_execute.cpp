// sluicectl pipeline run UUID|NAME [--wait] [--follow] [--queue] | task run UUID [--wait] [--follow]
// | run retry ID [--from-failure] [--wait] [--follow] [--queue]
//
// Without --queue the run is created with dispatch `local` and executed by this process (PipelineRunner),
// so the command lasts as long as the run; --follow streams its lines as they come. With --queue it is
// created with dispatch `agent` for any agent to claim; --wait / --follow then watch it in the store.
// A manual run whose tasks are locked by another run is refused with the holder's name (exit 1), and
// the run this command created for it is deleted again: no queued run is left behind.
// Ctrl-C (SIGINT) or SIGTERM while this process executes the run cancels it — its processes get
// SIGTERM, then SIGKILL — and the command ends once the run is recorded `cancelled` (exit 1); a second
// Ctrl-C stops the command at once, leaving the run to expire with its lease. While only watching a
// queued run, Ctrl-C just stops watching.
// A run executed here notifies the org's channels when it ends, as an agent's run does.
// Exit codes: 0 when the run ended successful or partial_success (or was only queued), 1 otherwise.
#include "cli.h"
#include "interrupt.h"

#include "notify/notifier.h"
#include "runner/pipelinerunner.h"
#include "runner/execution.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QJsonObject>
#include <QThread>

#include <cstdio>

namespace sluice::cli {

namespace {

// How often a queued run is looked at while waiting for an agent to finish it.
constexpr unsigned long kWaitPollMs = 300;

bool isGood(RunStatus status)
{
    return status == RunStatus::Successful || status == RunStatus::PartialSuccess;
}

// Prints the outcome and turns it into the exit code.
CommandResult report(Context &ctx, Database &db, qint64 runId, bool queuedOnly)
{
    auto rec = RunStore(db).run(runId);
    if (!rec)
        return fail(rec.error());
    const RunStatus status = rec->run.status;
    if (ctx.json()) {
        ctx.print(QJsonObject{{QStringLiteral("run_id"), runId},
                              {QStringLiteral("uuid"), rec->run.uuid},
                              {QStringLiteral("status"), toSql(status)},
                              {QStringLiteral("reason"), rec->statusReason}});
    } else {
        ctx.out() << runId << '\n';
        ctx.out().flush();
        if (!queuedOnly)
            std::fprintf(stderr, "run %lld: %s%s\n", runId, qPrintable(toSql(status)),
                         rec->statusReason.isEmpty() ? "" : qPrintable(QStringLiteral(" (%1)").arg(rec->statusReason)));
    }
    if (queuedOnly || isGood(status))
        return {};
    return fail(Error::conflict(QStringLiteral("run %1 ended %2%3").arg(runId).arg(toSql(status),
        rec->statusReason.isEmpty() ? QString() : QStringLiteral(": ") + rec->statusReason)));
}

// Executes the run here. `follow`: its lines on stdout (stderr lines on stderr), a header per task.
CommandResult executeHere(Context &ctx, Database &db, qint64 runId, bool follow)
{
    RunnerOptions options;
    options.lockedBy = ctx.actor();
    options.actor = ctx.actor();
    PipelineRunner runner(db, runId, options);
    const bool live = follow && !ctx.json();
    QTextStream &out = ctx.out();
    if (live) {
        QObject::connect(&runner, &PipelineRunner::taskStarted, &runner,
                         [&](qint64, qint64, int seq, int attempt, const QString &slug) {
                             out << QStringLiteral("== task %1 %2%3\n").arg(seq).arg(slug,
                                        attempt > 1 ? QStringLiteral(" (attempt %1)").arg(attempt) : QString());
                             out.flush();
                         });
        QObject::connect(&runner, &PipelineRunner::lineAppended, &runner, [&](qint64, const LogLine &line) {
            if (line.isStderr) {
                std::fprintf(stderr, "%s\n", line.text.toUtf8().constData());
                return;
            }
            out << line.text << '\n';
            out.flush();
        });
    }
    InterruptGuard interrupt([&](int) {
        std::fprintf(stderr, "sluicectl: cancelling run %lld (press Ctrl-C again to stop without waiting)\n", runId);
        runner.cancel();
    });
    // Refused (locks held) or could not start: the run never ran, and is not left queued. Else, as an agent
    // does after a run, the org's channels hear of it (the pipeline's notify_on and each channel's levels
    // decide); a channel that fails is said, never the run's outcome.
    Notifier notifier(db);
    ExecutionHooks hooks;
    hooks.discardRefused = true;
    hooks.notifier = &notifier;
    const Execution done = QCoro::waitFor(executeRun(runner, db, hooks));
    if (!done.status)
        return fail(done.status.error());
    for (const NotifyOutcome &o : done.notifications)
        if (!o.ok)
            std::fprintf(stderr, "sluicectl: could not notify channel %s: %s\n", qPrintable(o.channel), qPrintable(o.error));
    return report(ctx, db, runId, false);
}

// Watches a queued run that an agent executes.
CommandResult watchQueued(Context &ctx, Database &db, qint64 runId, bool follow)
{
    if (follow && !ctx.json()) {
        auto followed = runRun(ctx, QStringLiteral("logs"), {QString::number(runId), QStringLiteral("--follow")});
        if (!followed)
            return followed;
    }
    for (;;) {
        auto rec = RunStore(db).run(runId);
        if (!rec)
            return fail(rec.error());
        if (isFinished(rec->run.status))
            return report(ctx, db, runId, false);
        QThread::msleep(kWaitPollMs);
    }
}

struct Request
{
    bool wait = false, follow = false, queue = false;
};

CommandResult start(Context &ctx, Database &db, const Request &request, const std::function<Result<qint64>(NewRun)> &create)
{
    NewRun r;
    r.requestedBy = ctx.actor();
    r.trigger = QStringLiteral("manual");   // a retry's creator sets its own
    r.dispatch = request.queue ? QStringLiteral("agent") : QStringLiteral("local");
    auto runId = create(r);
    if (!runId)
        return fail(runId.error());
    if (!request.queue)
        return executeHere(ctx, db, *runId, request.follow);
    if (!request.wait && !request.follow)
        return report(ctx, db, *runId, true);
    return watchQueued(ctx, db, *runId, request.follow);
}

} // namespace

CommandResult runRetry(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{}, {QStringLiteral("from-failure"), QStringLiteral("wait"), QStringLiteral("follow"), QStringLiteral("queue")}},
                            QStringLiteral("run retry"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl run retry ID [--from-failure] [--queue] [--wait] [--follow]")));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    RunStore store(**db);
    auto source = findRun(store, args->positionals().first());
    if (!source)
        return fail(source.error());
    const RetryScope scope = args->has(QStringLiteral("from-failure")) ? RetryScope::FromFailure : RetryScope::WholeRun;
    const Request request{args->has(QStringLiteral("wait")), args->has(QStringLiteral("follow")), args->has(QStringLiteral("queue"))};
    return start(ctx, **db, request, [&](NewRun r) { return store.createRetryRun(source->run.id, scope, r); });
}

CommandResult runPipelineRun(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{}, {QStringLiteral("wait"), QStringLiteral("follow"), QStringLiteral("queue")}}, QStringLiteral("pipeline run"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl pipeline run UUID|NAME [--wait] [--follow] [--queue]")));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto pipeline = PipelineStore(**db, ctx.actor()).find(args->positionals().first());
    if (!pipeline)
        return fail(pipeline.error());
    const Request request{args->has(QStringLiteral("wait")), args->has(QStringLiteral("follow")), args->has(QStringLiteral("queue"))};
    return start(ctx, **db, request, [&](NewRun r) { return RunStore(**db).createPipelineRun(*pipeline, r); });
}

CommandResult runTaskRun(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{}, {QStringLiteral("wait"), QStringLiteral("follow"), QStringLiteral("queue")}}, QStringLiteral("task run"));
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: sluicectl task run UUID [--wait] [--follow] [--queue]")));
    auto db = ctx.open();
    if (!db)
        return fail(db.error());
    auto task = OrgTaskStore(**db, ctx.actor()).get(args->positionals().first());
    if (!task)
        return fail(task.error());
    const Request request{args->has(QStringLiteral("wait")), args->has(QStringLiteral("follow")), args->has(QStringLiteral("queue"))};
    return start(ctx, **db, request, [&](NewRun r) { return RunStore(**db).createTaskRun(*task, r); });
}

} // namespace sluice::cli
