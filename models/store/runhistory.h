#pragma once

#include "core/error.h"
#include "domain/runs.h"

#include <QList>
#include <QString>
#include <QStringView>
#include <QVariantList>

namespace sluice {

class Database;

// The most lines one task_run_log chunk may hold (the CHECK on line_count in the schema). A page
// query relies on it: the chunk holding line n starts after n - kMaxLogChunkLines.
inline constexpr int kMaxLogChunkLines = 1000;

// The stored form of one log line: "<epoch ms> <o|e> <text>" (o = stdout, e = stderr). A chunk's body
// is its lines joined by '\n', so `text` must be one line: any '\n' in it becomes a space here, which
// keeps a chunk's line count true. Other characters (including '\r') are kept as they are.
[[nodiscard]] QString formatLogLine(qint64 atMs, bool isStderr, const QString &text);

// Reads one stored line back. A line that does not follow the format (damaged or hand-edited data)
// is kept whole as a stdout line at time 0, so that a log page never loses text.
[[nodiscard]] LogLine parseLogLine(QStringView line, qint64 number);

// The lines of one chunk body whose first line is number `firstLine`, numbered firstLine, firstLine+1...
// At most `lineCount` lines are read (the row's line_count is the truth: the next chunk starts after
// them); a body with fewer lines gives fewer. Only lines numbered in [from, to) are parsed and returned.
[[nodiscard]] QList<LogLine> parseLogChunk(const QString &body, qint64 firstLine, int lineCount,
                                           qint64 from, qint64 to);
[[nodiscard]] inline QList<LogLine> parseLogChunk(const QString &body, qint64 firstLine, int lineCount)
{
    return parseLogChunk(body, firstLine, lineCount, firstLine, firstLine + lineCount);
}

// A statement with its positional values, exactly as RunHistory runs it: a benchmark or a diagnostic
// can EXPLAIN the very query the app runs.
struct BoundQuery
{
    QString sql;
    QVariantList values;
};

// The read side of run history: the pages the runs view and the log viewer show. Every query is an
// index range scan whose cost does not grow with the size of the tables:
//   newest runs of a pipeline  run_pipeline_newest (pipeline_id, id), read backwards (index only),
//                              then the page's rows by primary key
//   newest runs of an org      run_org_newest (org_id, id), the same way
//   a page of log lines        UNIQUE (task_run_id, first_line) of task_run_log
// tests/bench/bench_store checks this at 1,000,000 runs and 10,000,000 log lines on both backends.
// Pages of runs use keysets, not offsets: pass the smallest id of a page as `beforeRunId` to get the next.
class RunHistory
{
public:
    explicit RunHistory(Database &db);

    // Runs of one pipeline, newest (highest id) first, at most `limit` (limit <= 0 gives none);
    // beforeRunId > 0 keeps only runs with id < beforeRunId.
    [[nodiscard]] Result<QList<RunSummary>> newestRunsOfPipeline(qint64 pipelineId, int limit = 100, qint64 beforeRunId = 0);
    // The same for every run of one org (pipeline runs and single-task runs).
    [[nodiscard]] Result<QList<RunSummary>> newestRunsOfOrg(qint64 orgId, int limit = 100, qint64 beforeRunId = 0);

    // Lines firstLine .. firstLine + count - 1 of one task run's log, in order; lines that do not exist
    // (past the end, or not written yet) are simply absent, so an empty list means "nothing there".
    [[nodiscard]] Result<QList<LogLine>> logPage(qint64 taskRunId, qint64 firstLine, int count = 500);

    // The statements the methods above run, for the same arguments.
    [[nodiscard]] static BoundQuery pipelinePageQuery(qint64 pipelineId, int limit, qint64 beforeRunId);
    [[nodiscard]] static BoundQuery orgPageQuery(qint64 orgId, int limit, qint64 beforeRunId);
    [[nodiscard]] static BoundQuery logPageQuery(qint64 taskRunId, qint64 firstLine, int count);

private:
    Result<QList<RunSummary>> runPage(const BoundQuery &query, int limit);

    Database &m_db;
};

} // namespace sluice
