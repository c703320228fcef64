#include "runhistory.h"

#include "store/database.h"

#include <algorithm>
#include <limits>

namespace sluice {

namespace {

// A page of runs whose `column` equals the first value, newest first, below the keyset bound.
//
// Written as a deferred join on purpose. The plain form (WHERE column = ? AND id < ? ORDER BY id DESC
// LIMIT ?) lets PostgreSQL read the primary key backwards and filter, betting that matching rows are
// spread evenly through the table: it reads ~5,000 rows for a pipeline with 2% of the runs, and all
// of them for a pipeline that stopped running long ago. Here the inner query needs only `id` and
// `column`, so an index-only scan of the (column, id) index answers it without touching the table,
// which the planner always prefers to reading the table through the primary key; the outer query
// then fetches exactly the page's rows by id. SQLite plans it the same way (a covering-index search,
// then rowid lookups walked in descending order, no sort).
QString runPageSql(const QString &column)
{
    return QStringLiteral("SELECT id, uuid, pipeline_id, org_id, pipeline_name, trigger_kind, scheduled_for, status, "
                          "queued_at, started_at, finished_at FROM run "
                          "WHERE id IN (SELECT id FROM run WHERE %1 = ? AND id < ? ORDER BY id DESC LIMIT ?) "
                          "ORDER BY id DESC")
        .arg(column);
}

// "No upper bound" for a keyset page, as a value rather than another statement: one SQL text per page
// kind keeps the plan the benchmark shows the plan the app gets.
qint64 upperBound(qint64 beforeRunId)
{
    return beforeRunId > 0 ? beforeRunId : std::numeric_limits<qint64>::max();
}

} // namespace

QString formatLogLine(qint64 atMs, bool isStderr, const QString &text)
{
    QString line = QString::number(atMs);
    line += isStderr ? QLatin1String(" e ") : QLatin1String(" o ");
    if (text.contains(QLatin1Char('\n'))) {
        QString flat = text;
        flat.replace(QLatin1Char('\n'), QLatin1Char(' '));
        line += flat;
    } else {
        line += text;
    }
    return line;
}

LogLine parseLogLine(QStringView line, qint64 number)
{
    LogLine out;
    out.number = number;
    const qsizetype space = line.indexOf(QLatin1Char(' '));
    bool ok = false;
    const qint64 atMs = space > 0 ? line.first(space).toLongLong(&ok) : 0;
    const bool hasStream = ok && line.size() >= space + 2
        && (line[space + 1] == QLatin1Char('o') || line[space + 1] == QLatin1Char('e'))
        && (line.size() == space + 2 || line[space + 2] == QLatin1Char(' '));
    if (!hasStream) {
        out.text = line.toString();
        return out;
    }
    out.atMs = atMs;
    out.isStderr = line[space + 1] == QLatin1Char('e');
    if (line.size() > space + 3)
        out.text = line.sliced(space + 3).toString();
    return out;
}

QList<LogLine> parseLogChunk(const QString &body, qint64 firstLine, int lineCount, qint64 from, qint64 to)
{
    QList<LogLine> lines;
    const qint64 begin = std::max(from, firstLine);
    const qint64 end = std::min(to, firstLine + std::max(lineCount, 0));
    if (begin >= end)
        return lines;
    lines.reserve(end - begin);
    const QStringView text(body);
    qsizetype pos = 0;
    for (qint64 number = firstLine; number < end; ++number) {
        const qsizetype newline = text.indexOf(QLatin1Char('\n'), pos);
        const qsizetype stop = newline < 0 ? text.size() : newline;
        if (number >= begin)
            lines.append(parseLogLine(text.sliced(pos, stop - pos), number));
        if (newline < 0)
            break;
        pos = newline + 1;
    }
    return lines;
}

RunHistory::RunHistory(Database &db) : m_db(db) {}

BoundQuery RunHistory::pipelinePageQuery(qint64 pipelineId, int limit, qint64 beforeRunId)
{
    return {runPageSql(QStringLiteral("pipeline_id")), {pipelineId, upperBound(beforeRunId), limit}};
}

BoundQuery RunHistory::orgPageQuery(qint64 orgId, int limit, qint64 beforeRunId)
{
    return {runPageSql(QStringLiteral("org_id")), {orgId, upperBound(beforeRunId), limit}};
}

BoundQuery RunHistory::logPageQuery(qint64 taskRunId, qint64 firstLine, int count)
{
    // The index range: the chunk holding line `firstLine` starts at most kMaxLogChunkLines - 1 lines
    // before it, and the last chunk holding a wanted line starts before firstLine + count. The bounds
    // are computed here, not in SQL, so both backends compare BIGINT with BIGINT. The last condition
    // only filters the few rows of that range: chunks that end before firstLine (there are some
    // whenever chunks are shorter than the maximum) are dropped before their body is read and sent.
    return {QStringLiteral("SELECT first_line, line_count, body FROM task_run_log "
                           "WHERE task_run_id = ? AND first_line > ? AND first_line < ? AND first_line + line_count > ? "
                           "ORDER BY first_line"),
            {taskRunId, firstLine - kMaxLogChunkLines, firstLine + count, firstLine}};
}

Result<QList<RunSummary>> RunHistory::runPage(const BoundQuery &query, int limit)
{
    QList<RunSummary> runs;
    if (limit <= 0)
        return runs;
    auto q = m_db.exec(query.sql, query.values);
    if (!q)
        return fail(q.error());
    runs.reserve(limit);
    while (q->next()) {
        RunSummary r;
        r.id = q->value(0).toLongLong();
        r.uuid = q->value(1).toString();
        r.pipelineId = q->value(2).toLongLong();
        r.orgId = q->value(3).toLongLong();
        r.pipelineName = q->value(4).toString();
        r.trigger = q->value(5).toString();
        r.scheduledFor = q->value(6).toLongLong();
        r.status = runStatusFromSql(q->value(7).toString()).value_or(RunStatus::Crashed);
        r.queuedAt = q->value(8).toLongLong();
        r.startedAt = q->value(9).toLongLong();
        r.finishedAt = q->value(10).toLongLong();
        runs.append(std::move(r));
    }
    return runs;
}

Result<QList<RunSummary>> RunHistory::newestRunsOfPipeline(qint64 pipelineId, int limit, qint64 beforeRunId)
{
    return runPage(pipelinePageQuery(pipelineId, limit, beforeRunId), limit);
}

Result<QList<RunSummary>> RunHistory::newestRunsOfOrg(qint64 orgId, int limit, qint64 beforeRunId)
{
    return runPage(orgPageQuery(orgId, limit, beforeRunId), limit);
}

Result<QList<LogLine>> RunHistory::logPage(qint64 taskRunId, qint64 firstLine, int count)
{
    QList<LogLine> lines;
    if (count <= 0)
        return lines;
    const BoundQuery query = logPageQuery(taskRunId, firstLine, count);
    auto q = m_db.exec(query.sql, query.values);
    if (!q)
        return fail(q.error());
    const qint64 end = firstLine + count;
    while (q->next()) {
        const qint64 chunkFirst = q->value(0).toLongLong();
        const int chunkCount = q->value(1).toInt();
        lines += parseLogChunk(q->value(2).toString(), chunkFirst, chunkCount, firstLine, end);
    }
    return lines;
}

} // namespace sluice
