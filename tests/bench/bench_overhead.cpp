// bench_overhead: what the runner adds around the work. A pipeline of N shell tasks running `true`
// (N = 200 by default), executed by PipelineRunner on a SQLite store (locks, task-run rows, status
// writes, log writer, lease keeper: everything a real run does), against the bare minimum the same
// work needs: N spawns of `true` (QProcess, one after the other, on the same event loop) plus N bare
// commits (BEGIN; UPDATE of one row; COMMIT, through the same Database layer). Both are measured
// alternately in the same process. Target: runner <= 1.5x bare.

#include "domain/entities.h"
#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "store/catalogstore.h"
#include "store/database.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include "benchsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QCoro/QCoroProcess>
#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>

#include <unistd.h>

using namespace sluice;
using namespace sluice::bench;

namespace {

struct Setup
{
    std::unique_ptr<Database> db;
    Pipeline pipeline;
    qint64 scratchRunId = 0;   // the row the bare commits update
};

Setup prepare(Store &store, int tasks)
{
    Setup s;
    s.db = orDie(Database::open(store.create(QStringLiteral("overhead"))), QStringLiteral("opening the database"));
    orDie(initialiseDatabase(*s.db, false), QStringLiteral("initialising the database"));
    const Org org = orDie(OrgStore(*s.db, QStringLiteral("bench")).create(QStringLiteral("bench"), QStringLiteral("Bench")),
                          QStringLiteral("creating the org"));
    OrgTaskStore orgTasks(*s.db, QStringLiteral("bench"));
    QStringList uuids;
    for (int i = 0; i < tasks; ++i) {
        OrgTaskDraft draft;
        draft.slug = QStringLiteral("shell");
        draft.command = QStringLiteral("true");
        draft.label = QStringLiteral("true %1").arg(i);
        uuids << orDie(orgTasks.create(org.id, draft), QStringLiteral("creating an org task")).uuid;
    }
    PipelineDraft draft;
    draft.name = QStringLiteral("overhead");
    draft.taskUuids = uuids;
    draft.autoDeps = false;
    s.pipeline = orDie(PipelineStore(*s.db, QStringLiteral("bench")).create(org.id, draft), QStringLiteral("creating the pipeline"));
    auto run = s.db->scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at) "
                                           "VALUES ('scratch', ?, 'scratch', 'manual', 'bench', 'successful', 0) RETURNING id"),
                            {org.id});
    s.scratchRunId = orDie(std::move(run), QStringLiteral("creating the scratch run")).toLongLong();
    return s;
}

// `ownGroup`: each child in a process group of its own, as ProcessJob starts every task (so that a cancel
// reaches grandchildren). Qt 6.4 can only do that through a child-process modifier, which makes QProcess
// fork() instead of vfork(): the table shows what that costs on its own.
QCoro::Task<double> bare(Setup &s, int tasks, bool ownGroup)
{
    const QString trueBinary = QStandardPaths::findExecutable(QStringLiteral("true"));
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < tasks; ++i) {
        QProcess p;
        if (ownGroup)
            p.setChildProcessModifier([] { ::setpgid(0, 0); });
        p.start(trueBinary, {});
        co_await qCoro(p).waitForFinished(-1);
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            throw Fatal{QStringLiteral("`true` did not exit 0")};
        orDie(s.db->write([&]() -> Result<void> {
                  auto n = s.db->change(QStringLiteral("UPDATE run SET status_reason = ? WHERE id = ?"),
                                        {QStringLiteral("bare %1").arg(i), s.scratchRunId});
                  if (!n)
                      return fail(n.error());
                  return {};
              }),
              QStringLiteral("bare commit"));
    }
    co_return double(t.nsecsElapsed()) / 1e6;
}

QCoro::Task<double> viaRunner(Setup &s)
{
    QElapsedTimer t;
    t.start();
    NewRun request;
    request.requestedBy = QStringLiteral("bench");
    const qint64 runId = orDie(RunStore(*s.db).createPipelineRun(s.pipeline, request), QStringLiteral("creating the run"));
    RunnerOptions options;
    options.lockedBy = QStringLiteral("bench@host");
    options.secrets = std::nullopt;   // `true` needs no secret: the keychain is not asked
    PipelineRunner runner(*s.db, runId, options);
    const Result<RunStatus> status = co_await runner.run();
    const double ms = double(t.nsecsElapsed()) / 1e6;
    if (!status)
        throw Fatal{QStringLiteral("the run failed to start: ") + status.error().message};
    if (*status != RunStatus::Successful)
        throw Fatal{QStringLiteral("the run ended %1 (%2)").arg(toSql(*status), runner.statusReason())};
    co_return ms;
}

QCoro::Task<int> benchmark(int tasks, int repeat)
{
    Store store(DbUrl::Backend::Sqlite, {});
    Setup s = prepare(store, tasks);
    co_await bare(s, 10, false);   // warm-up: page cache, binary, plans
    co_await viaRunner(s);
    QList<double> bareMs, groupMs, runnerMs;
    for (int i = 0; i < repeat; ++i) {
        bareMs << co_await bare(s, tasks, false);
        groupMs << co_await bare(s, tasks, true);
        runnerMs << co_await viaRunner(s);
    }
    const double b = percentile(bareMs, 0.5), g = percentile(groupMs, 0.5), r = percentile(runnerMs, 0.5);
    const double ratio = r / b;
    say(QStringLiteral("\nbench_overhead: a %1-task pipeline of `true` on SQLite vs %1 bare spawns + %1 bare commits; "
                       "%2 alternating repetitions, median ms\n")
            .arg(tasks)
            .arg(repeat));
    say(formatTable({QStringLiteral("what"), QStringLiteral("median ms"), QStringLiteral("min ms"), QStringLiteral("per task ms")},
                    {{QStringLiteral("bare spawns + commits"), QString::number(b, 'f', 1),
                      QString::number(*std::min_element(bareMs.cbegin(), bareMs.cend()), 'f', 1), QString::number(b / tasks, 'f', 3)},
                     {QStringLiteral("bare, own process groups"), QString::number(g, 'f', 1),
                      QString::number(*std::min_element(groupMs.cbegin(), groupMs.cend()), 'f', 1), QString::number(g / tasks, 'f', 3)},
                     {QStringLiteral("PipelineRunner"), QString::number(r, 'f', 1),
                      QString::number(*std::min_element(runnerMs.cbegin(), runnerMs.cend()), 'f', 1), QString::number(r / tasks, 'f', 3)}}));
    const bool met = ratio <= 1.5;
    say(QStringLiteral("\nratio %1 (target <= 1.5): %2; against bare spawns in their own process groups: %3")
            .arg(ratio, 0, 'f', 2)
            .arg(met ? QStringLiteral("met") : QStringLiteral("MISSED"))
            .arg(r / g, 0, 'f', 2));
    co_return met ? 0 : 3;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times a pipeline of `true` tasks through the runner against bare spawns + commits.\n"
                                                    "Exit status: 0 when the target (<= 1.5x) is met, 3 when missed."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("tasks"), QStringLiteral("Tasks in the pipeline (default 200)."), QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Alternating repetitions (default 7)."), QStringLiteral("n"), QStringLiteral("7")});
    parser.process(app);
    bool ok1 = false, ok2 = false;
    const int tasks = parser.value(QStringLiteral("tasks")).toInt(&ok1);
    const int repeat = parser.value(QStringLiteral("repeat")).toInt(&ok2);
    if (!ok1 || !ok2 || tasks < 1 || repeat < 1) {
        say(QStringLiteral("bench_overhead: --tasks and --repeat take whole numbers >= 1"));
        return 2;
    }
    try {
        return QCoro::waitFor(benchmark(tasks, repeat));
    } catch (const Fatal &f) {
        say(QStringLiteral("bench_overhead: ") + f.message);
        return 1;
    }
}
