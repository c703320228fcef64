// bench_store: the run-history page queries and the log page query at production size, next to the
// same queries on an (almost) empty database, on SQLite and PostgreSQL. Per backend it builds, with the
// real migrations and server-side generation (SQLite WITH RECURSIVE, PostgreSQL generate_series):
//   full   10 orgs, 100 pipelines, --runs runs (5 task runs each), --log-lines log lines in chunks of
//          500, on task runs of 5,000 lines each (2,000 of them at the default size)
//   empty  1 org, 1 pipeline, 100 runs, one task run with 1,000 log lines: just enough for full pages
// then ANALYZEs, reopens with the app's own connection settings, prints each query's plan (the SQL
// and values RunHistory runs) and times the RunHistory methods, alternating empty and full. Target:
// full <= 2x empty, i.e. index-backed. Pipelines are skewed like real schedules (half of them get 90%
// of the runs), so the "rare" pipeline's newest 100 runs lie spread over the newest ~50,000 runs.

#include "store/catalogstore.h"
#include "store/database.h"
#include "store/runhistory.h"

#include "benchsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>

using namespace sluice;
using namespace sluice::bench;

namespace {

constexpr qint64 kT0 = 1'700'000'000'000;   // the first run's slot, UTC epoch ms
constexpr int kChunkLines = 500;
constexpr int kTasksPerRun = 5;
constexpr qint64 kRunBatch = 50'000;         // runs (and their task runs) per transaction
constexpr qint64 kChunkBatch = 1'000;        // log chunks per transaction
constexpr int kWarmup = 3;
constexpr qint64 kLinesPerLoggedTaskRun = 5'000; // so that a page in the middle of a log spans two chunks


struct Options { bool sqlite = true, postgres = true; qint64 runs = 0, logLines = 0; int repeat = 0; QString pgUrl; };

// What to build.
struct Layout { int orgs = 0, pipelines = 0; qint64 runs = 0, logLines = 0, loggedTaskRuns = 0; };

// What to query: the ids the fill made.
struct Targets { qint64 busyPipeline = 0, rarePipeline = 0, org = 0, logTaskRun = 0, logFirstLine = 0; };

struct Built { std::unique_ptr<Database> db; DbUrl url; Targets targets; double fillSeconds = 0; };



// The integers lo..hi as a row source with one column `i`.
QString series(const Dialect &d, qint64 lo, qint64 hi)
{
    if (d.isSqlite())
        return QStringLiteral("(WITH RECURSIVE s(i) AS (SELECT %1 UNION ALL SELECT i + 1 FROM s WHERE i < %2) SELECT i FROM s)")
            .arg(lo).arg(hi);
    return QStringLiteral("(SELECT i FROM generate_series(CAST(%1 AS BIGINT), CAST(%2 AS BIGINT)) AS g(i))").arg(lo).arg(hi);
}

qint64 scalarInt(Database &db, const QString &sql) { return orDie(db.scalar(sql), sql.left(60)).toLongLong(); }

// Runs the statements in one transaction.
Result<void> execAll(Database &db, const QStringList &statements)
{
    return db.write([&]() -> Result<void> {
        for (const QString &sql : statements) {
            if (auto q = db.exec(sql); !q)
                return fail(q.error());
        }
        return {};
    });
}

QString valuesText(const QVariantList &values)
{
    QStringList texts;
    for (const QVariant &v : values)
        texts << v.toString();
    return texts.join(QStringLiteral(", "));
}

// Runs first..last, each with its five task runs, in one transaction.
Result<void> insertRuns(Database &db, const Layout &l, qint64 firstPipelineId, qint64 first, qint64 last)
{
    const Dialect &d = db.dialect();
    const int busy = std::max(1, l.pipelines / 2);
    const int rare = l.pipelines - busy;
    const QString pipelineIndex = rare > 0
        ? QStringLiteral("CASE WHEN s.i % 10 < 9 THEN (s.i + s.i / 10) % %1 ELSE %1 + (s.i / 10) % %2 END").arg(busy).arg(rare)
        : QStringLiteral("s.i % %1").arg(busy);
    const QString uuid = d.isSqlite() ? QStringLiteral("lower(hex(randomblob(16)))") : QStringLiteral("CAST(gen_random_uuid() AS TEXT)");
    const QString runs = QStringLiteral(
        "INSERT INTO run (uuid, org_id, pipeline_id, pipeline_name, trigger_kind, scheduled_for, requested_by, status, "
        "                 queued_at, started_at, finished_at) "
        "SELECT %1, p.org_id, p.id, p.name, "
        "       CASE WHEN g.i % 47 = 0 THEN 'manual' ELSE 'scheduled' END, "
        "       CASE WHEN g.i % 47 = 0 THEN NULL ELSE %2 + g.i * 60000 END, "
        "       CASE WHEN g.i % 47 = 0 THEN 'analyst@example.org' ELSE 'scheduler@bench-host' END, "
        "       CASE WHEN g.i % 23 = 0 THEN 'failed' WHEN g.i % 97 = 0 THEN 'partial_success' ELSE 'successful' END, "
        "       %2 + g.i * 60000 + 500, %2 + g.i * 60000 + 2000, %2 + g.i * 60000 + 2000 + 300000 + (g.i % 600) * 1000 "
        "FROM (SELECT s.i, %5 AS pidx FROM %3 s) g JOIN pipeline p ON p.id = %4 + g.pidx ORDER BY g.i")
        .arg(uuid).arg(kT0).arg(series(d, first, last)).arg(firstPipelineId).arg(pipelineIndex);   // last: it holds "%"
    const QString taskRuns = QStringLiteral(
        "INSERT INTO task_run (run_id, task_slug, seq, attempt, status, started_at, finished_at, exit_code, summary) "
        "SELECT r.id, t.slug, t.seq, 1, "
        "       CASE WHEN r.status = 'failed' AND t.seq = 3 THEN 'failed' WHEN r.status = 'failed' AND t.seq = 4 THEN 'skipped' "
        "            WHEN r.status = 'partial_success' AND t.seq = 4 THEN 'warning' ELSE 'successful' END, "
        "       r.started_at + t.seq * 60000, r.started_at + t.seq * 60000 + 55000, "
        "       CASE WHEN r.status = 'failed' AND t.seq = 3 THEN 1 ELSE 0 END, t.summary "
        "FROM run r CROSS JOIN (SELECT 0 AS seq, 'git-pull' AS slug, '{\"old\": \"1a2b3c4\", \"new\": \"5d6e7f8\"}' AS summary "
        "      UNION ALL SELECT 1, 'dbt-clean', '{}' UNION ALL SELECT 2, 'dbt-deps', '{}' "
        "      UNION ALL SELECT 3, 'dbt-run', '{\"pass\": 148, \"warn\": 0, \"error\": 0, \"skip\": 0}' "
        "      UNION ALL SELECT 4, 'dbt-test', '{\"pass\": 412, \"warn\": 3, \"error\": 0, \"skip\": 0}') t "
        "WHERE r.id > %1 ORDER BY r.id, t.seq");
    const qint64 before = scalarInt(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM run"));
    return execAll(db, {runs, taskRuns.arg(before)});
}

// How log chunks map to task runs: chunk c belongs to logged task run c / perTaskRun, which is task
// run trMin + t * stride + t % spread (spread varies the seq, so not every logged task is a git pull).
struct LogMap
{
    qint64 trMin = 0, chunks = 0, perTaskRun = 1, stride = 1, spread = 1;
    [[nodiscard]] qint64 taskRunOf(qint64 t) const { return trMin + t * stride + t % spread; }
};

Result<void> insertChunks(Database &db, const Layout &l, const LogMap &m, qint64 first, qint64 last)
{
    const Dialect &d = db.dialect();
    const QString line = QStringLiteral("CAST(%1 + x.trid * 1000 + (x.fl + l.n) * 25 AS TEXT) "
                                        "|| CASE WHEN (x.fl + l.n) % 29 = 7 THEN ' e ' ELSE ' o ' END || ").arg(kT0);
    const QString body = d.isSqlite()
        ? QStringLiteral("(SELECT group_concat(%1lower(hex(randomblob(32))), char(10)) FROM bench_line l WHERE l.n < x.cnt)").arg(line)
        : QStringLiteral("(SELECT string_agg(%1md5(random()::text) || md5(random()::text), chr(10) ORDER BY l.n) "
                         "FROM generate_series(0, x.cnt - 1) AS l(n))").arg(line);
    return execAll(db, {QStringLiteral(
        "INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) "
        "SELECT x.trid, x.fl, x.cnt, %1, %2 FROM ("
        "  SELECT c.i, %3 + (c.i / %4) * %5 + (c.i / %4) % %6 AS trid, (c.i % %4) * %7 AS fl, "
        "         CASE WHEN %8 - c.i * %7 < %7 THEN %8 - c.i * %7 ELSE %7 END AS cnt FROM %9 c) x ORDER BY x.i")
        .arg(body).arg(kT0).arg(m.trMin).arg(m.perTaskRun).arg(m.stride).arg(m.spread).arg(kChunkLines).arg(l.logLines)
        .arg(series(d, first, last))});
}

void progress(const QString &label, const QString &what, qint64 done, qint64 total, const QElapsedTimer &clock)
{
    const double s = clock.elapsed() / 1000.0;
    say(QStringLiteral("  [%1] %2 %3 / %4 (%5%), %6 s, %7/s")
            .arg(label, what).arg(done).arg(total).arg(100.0 * double(done) / double(std::max<qint64>(total, 1)), 0, 'f', 0)
            .arg(s, 0, 'f', 1).arg(double(done) / std::max(s, 0.001), 0, 'f', 0));
}

// Migrates a new database and fills it to `l`; returns the ids to query.
Targets fill(Database &db, const Layout &l, const QString &label)
{
    orDie(initialiseDatabase(db, false), QStringLiteral("initialiseDatabase"));
    QElapsedTimer clock;
    clock.start();
    const Dialect &d = db.dialect();
    orDie(execAll(db, {QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) "
                                      "SELECT 'org-' || s.i, 'Org ' || s.i, %2, %2 FROM %1 s ORDER BY s.i")
                           .arg(series(d, 0, l.orgs - 1)).arg(kT0),
                       QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, cron, timezone, created_at, updated_at) "
                                      "SELECT 'pipeline-uuid-' || s.i, o.id, 'pipeline ' || s.i, '0 * * * *', 'UTC', %2, %2 "
                                      "FROM %1 s JOIN org o ON o.slug = 'org-' || (s.i % %3) ORDER BY s.i")
                           .arg(series(d, 0, l.pipelines - 1)).arg(kT0).arg(l.orgs)}),
          QStringLiteral("creating orgs and pipelines"));
    const qint64 firstOrg = scalarInt(db, QStringLiteral("SELECT MIN(id) FROM org"));
    const qint64 firstPipeline = scalarInt(db, QStringLiteral("SELECT MIN(id) FROM pipeline"));
    if (scalarInt(db, QStringLiteral("SELECT MAX(id) FROM pipeline")) != firstPipeline + l.pipelines - 1)
        throw Fatal{QStringLiteral("fill: the pipeline ids are not contiguous")};   // insertRuns() counts on it

    QElapsedTimer phase;
    phase.start();
    for (qint64 first = 1; first <= l.runs; first += kRunBatch) {
        const qint64 last = std::min(l.runs, first + kRunBatch - 1);
        orDie(insertRuns(db, l, firstPipeline, first, last), QStringLiteral("inserting runs"));
        if (l.runs >= kRunBatch)
            progress(label, QStringLiteral("runs (with their task runs)"), last, l.runs, phase);
    }

    LogMap m;
    m.trMin = scalarInt(db, QStringLiteral("SELECT MIN(id) FROM task_run"));
    const qint64 taskRuns = scalarInt(db, QStringLiteral("SELECT COUNT(*) FROM task_run"));
    const qint64 logged = std::clamp<qint64>(l.loggedTaskRuns, 1, std::max<qint64>(taskRuns, 1));
    m.chunks = (l.logLines + kChunkLines - 1) / kChunkLines;
    m.perTaskRun = std::max<qint64>(1, (m.chunks + logged - 1) / logged);
    m.stride = std::max<qint64>(1, taskRuns / logged);
    m.spread = std::min<qint64>(kTasksPerRun, m.stride);
    if (m.chunks > 0 && d.isSqlite()) {   // the line numbers of a chunk (PostgreSQL: generate_series)
        orDie(execAll(db, {QStringLiteral("CREATE TEMP TABLE bench_line (n INTEGER PRIMARY KEY)"),
                           QStringLiteral("INSERT INTO bench_line (n) SELECT i FROM %1").arg(series(d, 0, kChunkLines - 1))}),
              QStringLiteral("bench_line"));
    }
    phase.restart();
    for (qint64 first = 0; first < m.chunks; first += kChunkBatch) {
        const qint64 last = std::min(m.chunks - 1, first + kChunkBatch - 1);
        orDie(insertChunks(db, l, m, first, last), QStringLiteral("inserting log chunks"));
        if (m.chunks >= kChunkBatch)
            progress(label, QStringLiteral("log lines"), std::min(l.logLines, (last + 1) * kChunkLines), l.logLines, phase);
    }

    say(QStringLiteral("  [%1] analysing...").arg(label));
    if (d.isSqlite()) {
        orDie(db.exec(QStringLiteral("ANALYZE")), QStringLiteral("ANALYZE"));
        orDie(db.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")), QStringLiteral("checkpoint"));
    } else {
        // VACUUM as well: it sets the visibility map and hint bits now, as autovacuum would have in a
        // database that grew over months, instead of in the middle of the timing.
        orDie(db.exec(QStringLiteral("VACUUM (ANALYZE)")), QStringLiteral("VACUUM ANALYZE"));
    }
    say(QStringLiteral("  [%1] filled in %2 s").arg(label).arg(clock.elapsed() / 1000.0, 0, 'f', 1));

    Targets t;
    t.busyPipeline = firstPipeline;                     // org 0, one of the pipelines with 90% of the runs
    t.rarePipeline = firstPipeline + l.pipelines - 1;   // one of the pipelines with 10% of the runs
    t.org = firstOrg;
    const qint64 loggedTaskRuns = (m.chunks + m.perTaskRun - 1) / m.perTaskRun;
    const qint64 target = std::max<qint64>(0, (loggedTaskRuns - 1) / 2);
    t.logTaskRun = m.chunks > 0 ? m.taskRunOf(target) : 0;
    const qint64 lines = std::min(m.perTaskRun * kChunkLines, l.logLines - target * m.perTaskRun * kChunkLines);
    // Half-way through the log and in the middle of a chunk: the page reads two chunks.
    t.logFirstLine = std::max<qint64>(0, (lines / 2 / kChunkLines) * kChunkLines - kChunkLines / 2);
    return t;
}

qint64 databaseBytes(Database &db)
{
    return db.dialect().isSqlite()
        ? scalarInt(db, QStringLiteral("PRAGMA page_count")) * scalarInt(db, QStringLiteral("PRAGMA page_size"))
        : scalarInt(db, QStringLiteral("SELECT pg_database_size(current_database())"));
}

// The plan of `q` exactly as the app runs it: SQLite EXPLAIN QUERY PLAN with the same bound values;
// PostgreSQL prepares the statement the way Qt's driver does (PREPARE ... AS, `?` → $n) and explains
// its EXECUTE, with ANALYZE and BUFFERS to show the pages it touches.
QStringList explain(Database &db, const BoundQuery &q)
{
    QStringList plan;
    if (db.dialect().isSqlite()) {
        auto r = orDie(db.exec(QStringLiteral("EXPLAIN QUERY PLAN ") + q.sql, q.values), QStringLiteral("EXPLAIN"));
        while (r.next())
            plan << r.value(3).toString();
        return plan;
    }
    QString sql = q.sql;
    int n = 0;
    for (qsizetype at = sql.indexOf(QLatin1Char('?')); at >= 0; at = sql.indexOf(QLatin1Char('?'), at))
        sql.replace(at, 1, QStringLiteral("$%1").arg(++n));
    orDie(db.exec(QStringLiteral("PREPARE bench_plan AS ") + sql), QStringLiteral("PREPARE"));
    // The values are integers: as literals they read exactly as the driver's EXECUTE passes them.
    auto r = orDie(db.exec(QStringLiteral("EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_plan(%1)").arg(valuesText(q.values))),
                   QStringLiteral("EXPLAIN"));
    while (r.next())
        plan << r.value(0).toString();
    orDie(db.exec(QStringLiteral("DEALLOCATE bench_plan")), QStringLiteral("DEALLOCATE"));
    return plan;
}

// A range scan of the index the query is written for that reads little it does not return: no full
// scan, no SQLite temp b-tree, no PostgreSQL plan node handling (returning or filtering out) more than
// twice the rows of the result: this rules out the primary key read backwards checking pipeline_id,
// and all runs of a pipeline fetched and sorted.
bool indexBacked(const Dialect &d, const QStringList &plan, const QStringList &indexes)
{
    const QString text = plan.join(QLatin1Char('\n'));
    if (std::none_of(indexes.cbegin(), indexes.cend(), [&](const QString &index) { return text.contains(index); }))
        return false;
    if (d.isSqlite())
        return !text.contains(QLatin1String("SCAN ")) && !text.contains(QLatin1String("TEMP B-TREE"));
    if (text.contains(QLatin1String("Seq Scan")))
        return false;
    static const QRegularExpression counts(QStringLiteral("actual time=[0-9.]+\\.\\.[0-9.]+ rows=([0-9]+)|Rows Removed by [A-Za-z ]+: ([0-9]+)"));
    qint64 returned = -1, previous = 0, most = 0;
    for (auto it = counts.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        const qint64 n = m.captured(1).isEmpty() ? previous + m.captured(2).toLongLong() : m.captured(1).toLongLong();
        if (returned < 0)
            returned = n;
        most = std::max(most, n);
        previous = n;
    }
    return returned >= 0 && most <= 2 * returned;
}

struct Probe
{
    QString label;
    std::function<BoundQuery(const Targets &)> bound;
    std::function<Result<qsizetype>(RunHistory &, const Targets &)> run;
    QStringList indexes;   // the index the query is written for, as SQLite / PostgreSQL name it
};

template<class T>
Result<qsizetype> sizeOf(const Result<QList<T>> &r)
{
    if (!r)
        return fail(r.error());
    return r->size();
}

// The newest 100 runs of the pipeline or org `Targets::*id` names.
Probe runProbe(const QString &label, qint64 Targets::*id, bool ofOrg)
{
    return {label,
            [=](const Targets &t) { return (ofOrg ? RunHistory::orgPageQuery : RunHistory::pipelinePageQuery)(t.*id, 100, 0); },
            [=](RunHistory &h, const Targets &t) {
                return sizeOf(ofOrg ? h.newestRunsOfOrg(t.*id, 100) : h.newestRunsOfPipeline(t.*id, 100));
            },
            {ofOrg ? QStringLiteral("run_org_newest") : QStringLiteral("run_pipeline_newest")}};
}

QList<Probe> probes()
{
    return {
        runProbe(QStringLiteral("newest 100 runs, busy pipeline"), &Targets::busyPipeline, false),
        runProbe(QStringLiteral("newest 100 runs, rare pipeline"), &Targets::rarePipeline, false),
        runProbe(QStringLiteral("newest 100 runs, org"), &Targets::org, true),
        {QStringLiteral("log page, 500 lines"),
         [](const Targets &t) { return RunHistory::logPageQuery(t.logTaskRun, t.logFirstLine, 500); },
         [](RunHistory &h, const Targets &t) {
             return sizeOf(h.logPage(t.logTaskRun, t.logFirstLine, 500));
         },
         {QStringLiteral("sqlite_autoindex_task_run_log_1"), QStringLiteral("task_run_log_task_run_id_first_line_key")}},
    };
}

// One line of the table.
struct Row
{
    QString backend, query;
    qsizetype emptyRows = 0, fullRows = 0;
    double emptyMedian = 0, fullMedian = 0, fullP95 = 0;   // ms
    bool indexed = false;
};



Built build(Store &store, const Layout &l, const QString &backend, const QString &label)
{
    Built b;
    b.url = store.create(label);
    {
        auto db = orDie(Database::open(b.url), QStringLiteral("opening the %1 database").arg(label));
        if (db->dialect().isSqlite()) {
            // Filling only: the page cache and durability the timing uses are the app's (reopened below).
            orDie(db->exec(QStringLiteral("PRAGMA synchronous = OFF")), QStringLiteral("PRAGMA"));
            orDie(db->exec(QStringLiteral("PRAGMA cache_size = -262144")), QStringLiteral("PRAGMA"));
        } else {
            // The throwaway server commits asynchronously; VACUUM cannot mark a page all-visible while
            // the commit of its rows is not yet flushed, which would leave the visibility map empty.
            orDie(db->exec(QStringLiteral("SET synchronous_commit = on")), QStringLiteral("SET"));
        }
        QElapsedTimer clock;
        clock.start();
        b.targets = fill(*db, l, backend + QLatin1Char(' ') + label);
        b.fillSeconds = clock.elapsed() / 1000.0;
    }
    b.db = orDie(Database::open(b.url), QStringLiteral("reopening the %1 database").arg(label));
    return b;
}

QList<Row> benchBackend(DbUrl::Backend kind, const Options &o, QStringList &notes)
{
    const QString backend = kind == DbUrl::Backend::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres");
    say(QStringLiteral("\n== %1 ==").arg(backend));
    Store store(kind, o.pgUrl);

    const Layout emptyLayout{1, 1, 100, 1'000, 1};
    const Layout fullLayout{10, 100, o.runs, o.logLines, std::clamp<qint64>(o.logLines / kLinesPerLoggedTaskRun, 1, 2'000)};
    Built empty = build(store, emptyLayout, backend, QStringLiteral("empty"));
    Built full = build(store, fullLayout, backend, QStringLiteral("full"));
    const qint64 bytes = databaseBytes(*full.db);
    notes << QStringLiteral("%1: fill %2 s (%3 runs, %4 task runs, %5 log lines in %6 chunks); database size %7 MiB (empty: %8 MiB)")
                 .arg(backend).arg(full.fillSeconds, 0, 'f', 1).arg(o.runs).arg(o.runs * kTasksPerRun).arg(o.logLines)
                 .arg((o.logLines + kChunkLines - 1) / kChunkLines).arg(double(bytes) / 1048576.0, 0, 'f', 1)
                 .arg(double(databaseBytes(*empty.db)) / 1048576.0, 0, 'f', 1);
    if (kind == DbUrl::Backend::Postgres) {
        const QVariant visible = orDie(full.db->scalar(QStringLiteral(
            "SELECT 100.0 * relallvisible / GREATEST(relpages, 1) FROM pg_class WHERE relname = 'run'")), QStringLiteral("pg_class"));
        notes.last() += QStringLiteral("; run pages all-visible: %1%").arg(visible.toDouble(), 0, 'f', 0);
    }
    say(notes.last());

    RunHistory emptyHistory(*empty.db);
    RunHistory fullHistory(*full.db);
    QList<Row> rows;
    for (const Probe &p : probes()) {
        Row row;
        row.backend = backend;
        row.query = p.label;
        const BoundQuery fq = p.bound(full.targets);
        say(QStringLiteral("\n-- %1 | %2").arg(backend, p.label));
        say(QStringLiteral("   SQL: %1").arg(fq.sql));
        say(QStringLiteral("   values (full): %1").arg(valuesText(fq.values)));
        const QStringList fullPlan = explain(*full.db, fq);
        row.indexed = indexBacked(full.db->dialect(), fullPlan, p.indexes);
        say(QStringLiteral("   plan on the full database:\n     ") + fullPlan.join(QStringLiteral("\n     ")));
        say(QStringLiteral("   plan on the empty database:\n     ")
            + explain(*empty.db, p.bound(empty.targets)).join(QStringLiteral("\n     ")));

        QList<double> e, f;   // ms; the first kWarmup rounds are not kept
        QElapsedTimer t;
        for (int i = 0; i < kWarmup + o.repeat; ++i) {
            t.start();
            row.emptyRows = orDie(p.run(emptyHistory, empty.targets), p.label);
            const double em = double(t.nsecsElapsed()) / 1e6;
            t.start();
            row.fullRows = orDie(p.run(fullHistory, full.targets), p.label);
            if (i >= kWarmup) {
                e << em;
                f << double(t.nsecsElapsed()) / 1e6;
            }
        }
        row.emptyMedian = percentile(e, 0.5);
        row.fullMedian = percentile(f, 0.5);
        row.fullP95 = percentile(f, 0.95);
        say(QStringLiteral("   rows empty/full: %1/%2; median empty %3 ms, full %4 ms")
                .arg(row.emptyRows).arg(row.fullRows).arg(row.emptyMedian, 0, 'f', 3).arg(row.fullMedian, 0, 'f', 3));
        if (row.emptyRows != row.fullRows)
            notes << QStringLiteral("%1 %2: the pages differ in size (%3 vs %4 rows): the comparison is not like for like")
                         .arg(backend, p.label).arg(row.emptyRows).arg(row.fullRows);
        rows << row;
    }
    return rows;
}

QString tableLine(const QStringList &cells)
{
    static constexpr int widths[] = {-8, -30, 7, 12, 11, 5, 11, 5, 0};   // negative: left-aligned
    QStringList padded;
    for (qsizetype i = 0; i < cells.size(); ++i)
        padded << (widths[i] < 0 ? cells[i].leftJustified(-widths[i]) : cells[i].rightJustified(widths[i]));
    return padded.join(QStringLiteral(" | "));
}

// Prints the table; true when every query met the target.
bool printTable(const QList<Row> &rows, const QStringList &notes, const Options &o)
{
    say(QStringLiteral("\n== results (%1 repetitions; times are RunHistory calls: prepare, execute, fetch, parse) ==")
            .arg(o.repeat));
    const QString header = tableLine({QStringLiteral("backend"), QStringLiteral("query"), QStringLiteral("rows"),
                                      QStringLiteral("empty med ms"), QStringLiteral("full med ms"), QStringLiteral("ratio"),
                                      QStringLiteral("full p95 ms"), QStringLiteral("plan"), QStringLiteral("target <=2x met?")});
    say(header + QLatin1Char('\n') + QString(header.size(), QLatin1Char('-')));
    bool allMet = true;
    for (const Row &r : rows) {
        const double ratio = r.fullMedian / std::max(r.emptyMedian, 1e-9);
        const bool met = ratio <= 2.0 && r.indexed;
        allMet = allMet && met;
        say(tableLine({r.backend, r.query, QStringLiteral("%1/%2").arg(r.emptyRows).arg(r.fullRows),
                       QString::number(r.emptyMedian, 'f', 3), QString::number(r.fullMedian, 'f', 3), QString::number(ratio, 'f', 2),
                       QString::number(r.fullP95, 'f', 3), r.indexed ? QStringLiteral("index") : QStringLiteral("SCAN"),
                       met ? QStringLiteral("yes") : QStringLiteral("NO")}));
    }
    say(QLatin1Char('\n') + notes.join(QLatin1Char('\n')));
    say(allMet ? QStringLiteral("all queries met the target") : QStringLiteral("SOME QUERIES MISSED THE TARGET"));
    return allMet;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Times the run-history and log page queries on a full database against an empty one, on SQLite and PostgreSQL.\n"
        "Exit status: 0 when every query met the target (full <= 2x empty, index-backed), 3 when one missed it."));
    parser.addHelpOption();
    auto option = [&](const char *name, const char *help, const char *value, const char *def) {
        parser.addOption(QCommandLineOption(QString::fromLatin1(name), QString::fromLatin1(help), QString::fromLatin1(value),
                                            QString::fromLatin1(def)));
    };
    option("backend", "sqlite, postgres or both (default both).", "name", "both");
    option("runs", "Runs in the full database (default 1000000).", "n", "1000000");
    option("log-lines", "Log lines in the full database (default 10000000).", "n", "10000000");
    option("repeat", "Timed repetitions of each query (default 200); the table shows median and p95.", "n", "200");
    option("pg-url", "A PostgreSQL server to use, as a role that may CREATE DATABASE (default: a throwaway server "
                     "started with tests/support/pg-server.sh and stopped at the end).", "url", "");
    parser.process(app);

    Options o;
    const QString which = parser.value(QStringLiteral("backend"));
    o.sqlite = which == QLatin1String("both") || which == QLatin1String("sqlite");
    o.postgres = which == QLatin1String("both") || which == QLatin1String("postgres");
    bool ok[3] = {};
    o.runs = parser.value(QStringLiteral("runs")).toLongLong(&ok[0]);
    o.logLines = parser.value(QStringLiteral("log-lines")).toLongLong(&ok[1]);
    o.repeat = parser.value(QStringLiteral("repeat")).toInt(&ok[2]);
    o.pgUrl = parser.value(QStringLiteral("pg-url"));
    if (!(o.sqlite || o.postgres) || !ok[0] || !ok[1] || !ok[2] || o.runs < 100 || o.logLines < 0 || o.repeat < 1) {
        say(QStringLiteral("bench_store: --backend takes sqlite, postgres or both; --runs (>= 100), --log-lines (>= 0) "
                           "and --repeat (>= 1) take whole numbers"));
        return 2;
    }

    try {
        QList<Row> rows;
        QStringList notes;
        if (o.sqlite)
            rows += benchBackend(DbUrl::Backend::Sqlite, o, notes);
        if (o.postgres)
            rows += benchBackend(DbUrl::Backend::Postgres, o, notes);
        return printTable(rows, notes, o) ? 0 : 3;
    } catch (const Fatal &f) {
        say(QStringLiteral("bench_store: ") + f.message);
        return 1;
    }
}
