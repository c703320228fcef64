// bench_locks: what a run pays for its locks. One cycle = LockStore::acquire of all a pipeline's org
// tasks + LockStore::release (each one statement, its own transaction on the common path), timed
// against the cheapest write that touches the same rows at all: one UPDATE of those N task rows in its
// own transaction (BEGIN, UPDATE, COMMIT through the same Database layer and its kept prepared
// statements, on the same connection). For N = 1 that is the "one bare UPDATE commit"; for
// larger pipelines the one-row UPDATE (of the run's row) is shown too, with its ratio, for reference.
// All are measured alternately in the same run, on SQLite (the app's own file settings: WAL,
// synchronous=NORMAL) and PostgreSQL (a throwaway server from tests/support/pg-server.sh, or --pg-url).
// Target: cycle median <= 2x the bare UPDATE commit of the same rows.
// --durable weighs commits as production does: SQLite synchronous=FULL (an fsync per commit), and a
// throwaway PostgreSQL with its default fsync/synchronous_commit (SLUICE_PG_DURABLE=1 for pg-server.sh).

#include "domain/entities.h"
#include "store/catalogstore.h"
#include "store/database.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"

#include "benchsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>

using namespace sluice;
using namespace sluice::bench;

namespace {

struct Row
{
    QString backend;
    int tasks = 0;
    double bareMedian = 0, rowsMedian = 0, cycleMedian = 0, cycleP99 = 0;   // ms (bare: the run's row; rows: the N task rows)
    double runPlainMedian = 0, runLockedMedian = 0;   // ms: a run's start + end writes without / with its locks
};

struct Fixture
{
    std::unique_ptr<Database> db;
    qint64 runId = 0;
    QList<qint64> taskIds;
};

Fixture prepare(Store &store, const QString &label, int tasks)
{
    Fixture f;
    f.db = orDie(Database::open(store.create(label)), QStringLiteral("opening the database"));
    orDie(initialiseDatabase(*f.db, false), QStringLiteral("initialising the database"));
    const Org org = orDie(OrgStore(*f.db, QStringLiteral("bench")).create(QStringLiteral("bench"), QStringLiteral("Bench")),
                          QStringLiteral("creating the org"));
    OrgTaskStore orgTasks(*f.db, QStringLiteral("bench"));
    for (int i = 0; i < tasks; ++i) {
        OrgTaskDraft draft;
        draft.slug = QStringLiteral("shell");
        draft.command = QStringLiteral("true");
        draft.label = QStringLiteral("task %1").arg(i);
        f.taskIds << orDie(orgTasks.create(org.id, draft), QStringLiteral("creating an org task")).id;
    }
    auto run = f.db->scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at) "
                                           "VALUES ('bench-run', ?, 'bench', 'manual', 'bench', 'running', 0) RETURNING id"),
                            {org.id});
    f.runId = orDie(std::move(run), QStringLiteral("creating the run")).toLongLong();
    return f;
}

Row measure(Store &store, const QString &backend, int tasks, int repeat, bool durable)
{
    Fixture f = prepare(store, QStringLiteral("locks%1").arg(tasks), tasks);
    if (durable && f.db->dialect().isSqlite())
        orDie(f.db->exec(QStringLiteral("PRAGMA synchronous = FULL")), QStringLiteral("PRAGMA synchronous"));
    LockStore locks(*f.db);
    qint64 writes = 0;   // every bare UPDATE really changes the row (an unchanged row may skip the write)
    auto bare = [&] {
        return f.db->write([&]() -> Result<void> {
            auto n = f.db->change(QStringLiteral("UPDATE run SET status_reason = ? WHERE id = ?"),
                                  {QStringLiteral("bench %1").arg(++writes), f.runId});
            if (!n)
                return fail(n.error());
            return {};
        });
    };
    QStringList idText;
    for (qint64 id : std::as_const(f.taskIds))
        idText << QString::number(id);
    const QString rowsSql = QStringLiteral("UPDATE org_task SET updated_at = ? WHERE id IN (%1)").arg(idText.join(QStringLiteral(", ")));
    auto rows = [&] {
        return f.db->write([&]() -> Result<void> {
            auto n = f.db->change(rowsSql, {++writes});
            if (!n)
                return fail(n.error());
            if (*n != f.taskIds.size())
                return fail(Error::internal(QStringLiteral("the bare UPDATE changed %1 task rows, not %2").arg(*n).arg(f.taskIds.size())));
            return {};
        });
    };
    auto cycle = [&]() -> Result<void> {
        auto grant = locks.acquire(f.runId, std::nullopt, f.taskIds, QStringLiteral("bench@host"));
        if (!grant)
            return fail(grant.error());
        return locks.release(f.runId, grant->fence);
    };
    // How a run really pays: its locks ride in the transactions it makes anyway — taken with the
    // write that marks it running, given back with the write of its final status (PipelineRunner).
    auto runWrites = [&](bool withLocks) -> Result<void> {
        qint64 fence = 0;
        auto start = f.db->write([&]() -> Result<void> {
            if (withLocks) {
                auto grant = locks.acquire(f.runId, std::nullopt, f.taskIds, QStringLiteral("bench@host"));
                if (!grant)
                    return fail(grant.error());
                fence = grant->fence;
            }
            auto n = f.db->change(QStringLiteral("UPDATE run SET status = 'running', status_reason = ? WHERE id = ?"),
                                  {QStringLiteral("bench %1").arg(++writes), f.runId});
            if (!n)
                return fail(n.error());
            return {};
        });
        if (!start)
            return start;
        return f.db->write([&]() -> Result<void> {
            auto n = f.db->change(QStringLiteral("UPDATE run SET status = 'successful', status_reason = ? WHERE id = ?"),
                                  {QStringLiteral("bench %1").arg(++writes), f.runId});
            if (!n)
                return fail(n.error());
            return withLocks ? locks.release(f.runId, fence) : Result<void>{};
        });
    };
    for (int i = 0; i < 20; ++i) {   // warm the page cache, the plans, the server's buffers
        orDie(bare(), QStringLiteral("bare UPDATE"));
        orDie(rows(), QStringLiteral("bare UPDATE of the task rows"));
        orDie(cycle(), QStringLiteral("lock cycle"));
        orDie(runWrites(false), QStringLiteral("a run's writes"));
        orDie(runWrites(true), QStringLiteral("a run's writes with its locks"));
    }
    QList<double> bareMs, rowsMs, cycleMs, runPlainMs, runLockedMs;
    QElapsedTimer t;
    for (int i = 0; i < repeat; ++i) {
        t.start();
        orDie(bare(), QStringLiteral("bare UPDATE"));
        bareMs << double(t.nsecsElapsed()) / 1e6;
        t.start();
        orDie(rows(), QStringLiteral("bare UPDATE of the task rows"));
        rowsMs << double(t.nsecsElapsed()) / 1e6;
        t.start();
        orDie(cycle(), QStringLiteral("lock cycle"));
        cycleMs << double(t.nsecsElapsed()) / 1e6;
        t.start();
        orDie(runWrites(false), QStringLiteral("a run's writes"));
        runPlainMs << double(t.nsecsElapsed()) / 1e6;
        t.start();
        orDie(runWrites(true), QStringLiteral("a run's writes with its locks"));
        runLockedMs << double(t.nsecsElapsed()) / 1e6;
    }
    return {backend,
            tasks,
            percentile(bareMs, 0.5),
            percentile(rowsMs, 0.5),
            percentile(cycleMs, 0.5),
            percentile(cycleMs, 0.99),
            percentile(runPlainMs, 0.5),
            percentile(runLockedMs, 0.5)};
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times a lock cycle (acquire all a pipeline's tasks + release) against one bare UPDATE commit of the same task rows, "
        "on SQLite and PostgreSQL.\nExit status: 0 when every row met the target (median ratio <= 2), 3 when one missed it."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("backend"), QStringLiteral("sqlite, postgres or both (default both)."), QStringLiteral("name"),
                      QStringLiteral("both")});
    parser.addOption({QStringLiteral("repeat"), QStringLiteral("Timed cycles per row (default 2000)."), QStringLiteral("n"),
                      QStringLiteral("2000")});
    parser.addOption({QStringLiteral("pg-url"), QStringLiteral("A PostgreSQL server (a role that may CREATE DATABASE); default: a "
                                                               "throwaway server."),
                      QStringLiteral("url")});
    parser.addOption({QStringLiteral("durable"), QStringLiteral("Commits as in production: an fsync per commit (see the top of the source).")});
    parser.process(app);
    const bool durable = parser.isSet(QStringLiteral("durable"));
    if (durable)
        qputenv("SLUICE_PG_DURABLE", "1");
    const QString which = parser.value(QStringLiteral("backend"));
    bool ok = false;
    const int repeat = parser.value(QStringLiteral("repeat")).toInt(&ok);
    if (!ok || repeat < 10 || !QStringList{QStringLiteral("both"), QStringLiteral("sqlite"), QStringLiteral("postgres")}.contains(which)) {
        say(QStringLiteral("bench_locks: --backend takes sqlite, postgres or both; --repeat a whole number >= 10"));
        return 2;
    }

    try {
        QList<Row> rows;
        for (auto backend : {DbUrl::Backend::Sqlite, DbUrl::Backend::Postgres}) {
            const QString name = backend == DbUrl::Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
            if (which != QLatin1String("both") && which != name)
                continue;
            Store store(backend, parser.value(QStringLiteral("pg-url")));
            for (int tasks : {1, 5, 20})
                rows << measure(store, name, tasks, repeat, durable);
        }
        bool allMet = true;
        QList<QStringList> table;
        for (const Row &r : std::as_const(rows)) {
            const double ratio = r.cycleMedian / r.rowsMedian;
            const bool met = ratio <= 2.0;
            allMet = allMet && met;
            table << QStringList{r.backend, QString::number(r.tasks), QString::number(r.rowsMedian, 'f', 3),
                                 QString::number(r.cycleMedian, 'f', 3), QString::number(r.cycleP99, 'f', 3),
                                 QString::number(ratio, 'f', 2), met ? QStringLiteral("yes") : QStringLiteral("NO"),
                                 QString::number(r.bareMedian, 'f', 3), QString::number(r.cycleMedian / r.bareMedian, 'f', 2)};
        }
        say(QStringLiteral("\nbench_locks: %1 alternating samples per row; commits %2; times in ms (median unless noted)\n")
                .arg(repeat)
                .arg(durable ? QStringLiteral("durable (fsync)") : QStringLiteral("without fsync (SQLite synchronous=NORMAL in WAL; "
                                                                                 "PostgreSQL fsync=off)")));
        say(formatTable({QStringLiteral("backend"), QStringLiteral("tasks"), QStringLiteral("bare UPDATE, N task rows"),
                         QStringLiteral("lock cycle"), QStringLiteral("cycle p99"), QStringLiteral("ratio"), QStringLiteral("<= 2x"),
                         QStringLiteral("bare UPDATE, 1 run row"), QStringLiteral("ratio to it")},
                        table));
        QList<QStringList> inRun;
        for (const Row &r : std::as_const(rows))
            inRun << QStringList{r.backend, QString::number(r.tasks), QString::number(r.runPlainMedian, 'f', 3),
                                 QString::number(r.runLockedMedian, 'f', 3), QString::number(r.runLockedMedian / r.runPlainMedian, 'f', 2)};
        say(QStringLiteral("\nFor reference, not the target: what the locks add to the two transactions a run makes anyway "
                           "(start: locks + status running; end: final status + release), ms:\n"));
        say(formatTable({QStringLiteral("backend"), QStringLiteral("tasks"), QStringLiteral("run writes"), QStringLiteral("with locks"),
                         QStringLiteral("ratio")},
                        inRun));
        say(allMet ? QStringLiteral("\nevery row met the target") : QStringLiteral("\nSOME ROWS MISSED THE TARGET"));
        return allMet ? 0 : 3;
    } catch (const Fatal &f) {
        say(QStringLiteral("bench_locks: ") + f.message);
        return 1;
    }
}
