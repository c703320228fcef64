#include "runholder.h"

#include "store/database.h"
#include "store/lockstore.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QJsonDocument>

namespace sluice {

namespace {

QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

} // namespace

RunHolder::RunHolder(Database &db, qint64 runId, qint64 fence) : m_db(db), m_runId(runId), m_fence(fence) {}

template<class F>
auto RunHolder::fenced(F &&body) -> decltype(body())
{
    return m_db.write([&]() -> decltype(body()) {
        if (auto c = LockStore(m_db).checkFence(m_runId, m_fence); !c)
            return fail(c.error());
        return body();
    });
}

Result<void> RunHolder::taskRunRefusal(qint64 taskRunId, const QString &what)
{
    auto v = m_db.scalar(QStringLiteral("SELECT status FROM task_run WHERE id = ? AND run_id = ?"), {taskRunId, m_runId});
    if (!v)
        return fail(v.error());
    if (!v->isValid() || v->isNull())
        return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(m_runId)));
    return fail(Error::conflict(QStringLiteral("task run %1 is %2; it cannot %3").arg(taskRunId).arg(v->toString(), what)));
}

Result<void> RunHolder::markRunning(std::optional<qint64> agentId)
{
    return fenced([&]() -> Result<void> {
        auto q = m_db.change(QStringLiteral("UPDATE run SET status = 'running', started_at = COALESCE(started_at, %1), "
                                            "agent_id = COALESCE(?, agent_id) WHERE id = ? AND status = 'queued'")
                                 .arg(m_db.dialect().nowMsExpr()),
                             {agentId ? QVariant(*agentId) : QVariant(QMetaType(QMetaType::LongLong)), m_runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        auto status = storedRunStatus(m_db, m_runId);
        if (!status)
            return fail(status.error());
        return fail(Error::conflict(QStringLiteral("run %1 is %2, not queued: it cannot start").arg(m_runId).arg(toSql(*status))));
    });
}

Result<void> RunHolder::finishRun(RunStatus status, const QString &reason)
{
    if (!isFinished(status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final run status").arg(toSql(status))));
    return fenced([&]() -> Result<void> {
        auto q = m_db.change(QStringLiteral("UPDATE run SET status = ?, status_reason = ?, finished_at = %1 "
                                            "WHERE id = ? AND status IN ('queued', 'running')")
                                 .arg(m_db.dialect().nowMsExpr()),
                             {toSql(status), nullableText(reason), m_runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        auto current = storedRunStatus(m_db, m_runId);
        if (!current)
            return fail(current.error());
        return fail(Error::conflict(QStringLiteral("run %1 is already %2; it cannot become %3").arg(m_runId).arg(toSql(*current), toSql(status))));
    });
}

Result<void> RunHolder::startTaskRun(qint64 taskRunId)
{
    return fenced([&]() -> Result<void> {
        auto q = m_db.change(QStringLiteral("UPDATE task_run SET status = 'running', started_at = %1 "
                                            "WHERE id = ? AND run_id = ? AND status = 'queued'")
                                 .arg(m_db.dialect().nowMsExpr()),
                             {taskRunId, m_runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        return taskRunRefusal(taskRunId, QStringLiteral("start"));
    });
}

Result<void> RunHolder::finishTaskRun(qint64 taskRunId, const TaskRunResult &result)
{
    if (!isFinished(result.status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final task run status").arg(toSql(result.status))));
    return fenced([&]() -> Result<void> {
        const QString summary = QString::fromUtf8(QJsonDocument(result.summary).toJson(QJsonDocument::Compact));
        auto q = m_db.change(QStringLiteral("UPDATE task_run SET status = ?, finished_at = %1, exit_code = ?, summary = ?, "
                                            "error_kind = ?, error_detail = ? WHERE id = ? AND run_id = ? AND status IN ('queued', 'running')")
                                 .arg(m_db.dialect().nowMsExpr()),
                             {toSql(result.status), result.exitCode ? QVariant(*result.exitCode) : QVariant(QMetaType(QMetaType::Int)),
                              summary, nullableText(toSql(result.errorKind)), nullableText(result.errorDetail), taskRunId, m_runId});
        if (!q)
            return fail(q.error());
        if (*q > 0)
            return {};
        return taskRunRefusal(taskRunId, QStringLiteral("become %1").arg(toSql(result.status)));
    });
}

Result<qint64> RunHolder::addAttempt(qint64 taskRunId)
{
    return fenced([&]() -> Result<qint64> {
        auto q = m_db.exec(QStringLiteral("SELECT t.org_task_id, t.task_slug, t.seq, "
                                          "(SELECT MAX(a.attempt) FROM task_run a WHERE a.run_id = t.run_id AND a.seq = t.seq) "
                                          "FROM task_run t WHERE t.id = ? AND t.run_id = ?"),
                           {taskRunId, m_runId});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(m_runId)));
        const QVariant orgTask = q->value(0);
        auto id = m_db.scalar(QStringLiteral("INSERT INTO task_run (run_id, org_task_id, task_slug, seq, attempt, status) "
                                             "VALUES (?, ?, ?, ?, ?, 'queued') RETURNING id"),
                              {m_runId, orgTask.isNull() ? QVariant(QMetaType(QMetaType::LongLong)) : orgTask, q->value(1).toString(),
                               q->value(2).toInt(), q->value(3).toInt() + 1});
        if (!id)
            return fail(id.error());
        return id->toLongLong();
    });
}

Result<int> RunHolder::settleQueuedTasks(TaskRunStatus status)
{
    if (!isFinished(status))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a final task run status").arg(toSql(status))));
    return fenced([&]() -> Result<int> {
        return m_db.change(QStringLiteral("UPDATE task_run SET status = ?, finished_at = %1 WHERE run_id = ? AND status = 'queued'")
                               .arg(m_db.dialect().nowMsExpr()),
                           {toSql(status), m_runId});
    });
}

Result<void> RunHolder::appendLog(qint64 taskRunId, qint64 firstLine, const QStringList &lines)
{
    if (lines.isEmpty() || lines.size() > kMaxLogChunkLines)
        return fail(Error::invalid(QStringLiteral("a log chunk holds 1 to %1 lines (got %2)").arg(kMaxLogChunkLines).arg(lines.size())));
    if (firstLine < 0)
        return fail(Error::invalid(QStringLiteral("log lines are numbered from 0 (got %1)").arg(firstLine)));
    return fenced([&]() -> Result<void> {
        // One statement checks that the task run is the run's and reads where its log ends.
        auto endValue = m_db.scalar(QStringLiteral("SELECT COALESCE((SELECT l.first_line + l.line_count FROM task_run_log l "
                                                   "WHERE l.task_run_id = t.id ORDER BY l.first_line DESC LIMIT 1), 0) "
                                                   "FROM task_run t WHERE t.id = ? AND t.run_id = ?"),
                                    {taskRunId, m_runId});
        if (!endValue)
            return fail(endValue.error());
        if (!endValue->isValid() || endValue->isNull())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(m_runId)));
        const qint64 end = endValue->toLongLong();
        QStringList tail = lines;
        qint64 tailFirst = firstLine;
        if (firstLine < end) {
            // A retry after a lost commit acknowledgement: the chunks stored from firstLine on hold the
            // first lines already (the retry may carry more lines than the lost try); only the rest is new.
            auto covered = storedFrom(taskRunId, firstLine, firstLine + lines.size());
            if (!covered)
                return fail(covered.error());
            if (*covered >= firstLine + lines.size())
                return {};
            tail = lines.mid(*covered - firstLine);
            tailFirst = *covered;
        }
        // firstLine > end leaves a gap (a chunk the writer gave up on): allowed, readers skip missing lines.
        auto q = m_db.exec(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) "
                                          "VALUES (?, ?, ?, ?, %1)")
                               .arg(m_db.dialect().nowMsExpr()),
                           {taskRunId, tailFirst, int(tail.size()), tail.join(QLatin1Char('\n'))});
        if (!q)
            return fail(q.error());
        return {};
    });
}

Result<qint64> RunHolder::storedFrom(qint64 taskRunId, qint64 firstLine, qint64 endLine)
{
    const auto overlap = [&] {
        return Error::conflict(QStringLiteral("log lines %1 to %2 of task run %3 overlap stored lines without starting where a stored "
                                              "chunk starts; lines are appended in order, each once")
                                   .arg(firstLine)
                                   .arg(endLine - 1)
                                   .arg(taskRunId));
    };
    auto before = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM task_run_log WHERE task_run_id = ? AND first_line < ? "
                                             "AND first_line > ? AND first_line + line_count > ?"),
                              {taskRunId, firstLine, firstLine - kMaxLogChunkLines, firstLine});
    if (!before)
        return fail(before.error());
    if (before->toLongLong() > 0)
        return fail(overlap());
    auto q = m_db.exec(QStringLiteral("SELECT first_line, line_count FROM task_run_log WHERE task_run_id = ? AND first_line >= ? "
                                      "AND first_line < ? ORDER BY first_line"),
                       {taskRunId, firstLine, endLine});
    if (!q)
        return fail(q.error());
    qint64 covered = firstLine;
    while (q->next()) {
        if (q->value(0).toLongLong() != covered)
            return fail(overlap());
        covered += q->value(1).toLongLong();
    }
    return covered;
}

Result<void> RunHolder::storeNodeResults(qint64 taskRunId, const QList<DbtNodeRecord> &nodes)
{
    return fenced([&]() -> Result<void> {
        auto own = m_db.scalar(QStringLiteral("SELECT id FROM task_run WHERE id = ? AND run_id = ?"), {taskRunId, m_runId});
        if (!own)
            return fail(own.error());
        if (!own->isValid() || own->isNull())
            return fail(Error::notFound(QStringLiteral("task run %1 is not part of run %2").arg(taskRunId).arg(m_runId)));
        for (const DbtNodeRecord &n : nodes) {
            auto q = m_db.exec(QStringLiteral("INSERT INTO dbt_node_result (task_run_id, unique_id, status, execution_time, message, failures) "
                                              "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (task_run_id, unique_id) DO UPDATE SET "
                                              "status = excluded.status, execution_time = excluded.execution_time, "
                                              "message = excluded.message, failures = excluded.failures"),
                               {taskRunId, n.uniqueId, n.status,
                                n.executionTime ? QVariant(*n.executionTime) : QVariant(QMetaType(QMetaType::Double)),
                                nullableText(n.message), n.failures ? QVariant(*n.failures) : QVariant(QMetaType(QMetaType::LongLong))});
            if (!q)
                return fail(q.error());
        }
        return {};
    });
}

} // namespace sluice
