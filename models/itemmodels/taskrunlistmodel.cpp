#include "taskrunlistmodel.h"

#include "rowids.h"
#include "runlistmodel.h"

#include <QJsonValue>
#include <QLocale>


namespace sluice {

namespace {

QString shortCommit(const QJsonValue &v)
{
    return v.toString().left(7);
}

} // namespace

QString taskRunSummaryText(const TaskRunRecord &task)
{
    const QJsonObject &s = task.summary;
    QStringList parts;
    if (s.contains(QLatin1String("pass")) || s.contains(QLatin1String("error"))) {
        for (const char *key : {"pass", "warn", "error", "skip"})
            parts << QStringLiteral("%1 %2").arg(s.value(QLatin1String(key)).toInteger()).arg(QLatin1String(key));
    } else if (s.contains(QLatin1String("records_synced")) || s.contains(QLatin1String("job_id"))) {
        const QLocale locale;
        if (s.contains(QLatin1String("records_synced")))
            parts << QObject::tr("%1 records").arg(locale.toString(s.value(QLatin1String("records_synced")).toInteger()));
        if (s.contains(QLatin1String("bytes_synced")))
            parts << locale.formattedDataSize(s.value(QLatin1String("bytes_synced")).toInteger());
        if (s.contains(QLatin1String("job_id")))
            parts << QObject::tr("job %1").arg(s.value(QLatin1String("job_id")).toVariant().toString());
    } else if (s.contains(QLatin1String("new_commit"))) {
        const QString before = shortCommit(s.value(QLatin1String("old_commit")));
        const QString after = shortCommit(s.value(QLatin1String("new_commit")));
        parts << (before.isEmpty() || before == after ? QObject::tr("at %1").arg(after) : QStringLiteral("%1 → %2").arg(before, after));
    }
    QString text = parts.join(QStringLiteral(", "));
    if (!task.errorDetail.isEmpty())
        text = text.isEmpty() ? task.errorDetail : QStringLiteral("%1 — %2").arg(text, task.errorDetail);
    return text;
}

void TaskRunListModel::setTaskRuns(QList<TaskRunRecord> tasks, qint64 nowMs)
{
    m_nowMs = nowMs;
    const bool sameRows = sameRowIds(tasks, m_tasks);
    if (!sameRows) {
        beginResetModel();
        m_tasks = std::move(tasks);
        endResetModel();
        return;
    }
    m_tasks = std::move(tasks);
    if (!m_tasks.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_tasks.size()) - 1, ColumnCount - 1));
}

int TaskRunListModel::rowOf(qint64 taskRunId) const
{
    return rowOfId(m_tasks, taskRunId);
}

int TaskRunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

int TaskRunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TaskRunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskRunRecord &t = m_tasks.at(index.row());
    if (role == TaskRunIdRole)
        return t.id;
    if (role == StatusRole)
        return toSql(t.status);
    if (role == ToneRole)
        return int(toneOf(t.status));
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Seq: return t.seq;
        case Task: return t.slug;
        case Attempt: return t.attempt;
        case Status: return toWords(t.status);
        case Duration:
            if (!t.startedAt)
                return QString();
            return durationLabel((t.finishedAt ? t.finishedAt : m_nowMs) - t.startedAt);
        case ExitCode: return t.exitCode ? QVariant(*t.exitCode) : QVariant(QString());
        case Summary: return taskRunSummaryText(t);
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Summary && t.errorKind != TaskErrorKind::None)
        return tr("%1: %2").arg(toSql(t.errorKind), t.errorDetail);
    return {};
}

QVariant TaskRunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Seq: return tr("#");
    case Task: return tr("Task");
    case Attempt: return tr("Attempt");
    case Status: return tr("Status");
    case Duration: return tr("Duration");
    case ExitCode: return tr("Exit");
    case Summary: return tr("Summary");
    }
    return {};
}

} // namespace sluice
