#include "runhistory.h"

#include "store/database.h"

#include <algorithm>
#include <limits>

namespace sluice {

namespace {

// The columns of a RunSummary, in the order runPage() reads them.
QString runColumns()
{
    return QStringLiteral("id, uuid, pipeline_id, org_id, pipeline_name, trigger_kind, scheduled_for, status, "
                          "queued_at, started_at, finished_at");
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
    return {QStringLiteral("SELECT %1 FROM run WHERE pipeline_id = ? AND id < ? ORDER BY id DESC LIMIT ?").arg(runColumns()),
            {pipelineId, upperBound(beforeRunId), limit}};
}

BoundQuery RunHistory::orgPageQuery(qint64 orgId, int limit, qint64 beforeRunId)
{
    return {QStringLiteral("SELECT %1 FROM run WHERE org_id = ? AND id < ? ORDER BY id DESC LIMIT ?").arg(runColumns()),
            {orgId, upperBound(beforeRunId), limit}};
}

BoundQuery RunHistory::logPageQuery(qint64 taskRunId, qint64 firstLine, int count)
{
    // The chunk holding line `firstLine` starts at most kMaxLogChunkLines - 1 lines before it; the last
    // chunk that holds a wanted line starts before firstLine + count. The bounds are computed here, not
    // in SQL, so that both backends compare BIGINT with BIGINT and the range stays sargable.
    return {QStringLiteral("SELECT first_line, line_count, body FROM task_run_log "
                           "WHERE task_run_id = ? AND first_line > ? AND first_line < ? ORDER BY first_line"),
            {taskRunId, firstLine - kMaxLogChunkLines, firstLine + count}};
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
        r.status = q->value(7).toString();
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
