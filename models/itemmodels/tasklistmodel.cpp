#include "itemmodels/tasklistmodel.h"

#include "core/commandline.h"
#include "domain/status.h"
#include "itemmodels/rowids.h"

#include <QDateTime>

namespace sluice {

void TaskListModel::setTasks(QList<TransformTaskRow> tasks, qint64 nowMs)
{
    m_nowMs = nowMs;
    if (!sameRowIds(tasks, m_tasks)) {
        beginResetModel();
        m_tasks = std::move(tasks);
        endResetModel();
        return;
    }
    m_tasks = std::move(tasks);
    if (!m_tasks.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_tasks.size()) - 1, ColumnCount - 1));
}

int TaskListModel::rowOfUuid(const QString &uuid) const
{
    for (int i = 0; i < m_tasks.size(); ++i)
        if (m_tasks.at(i).task.uuid == uuid)
            return i;
    return -1;
}

int TaskListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

int TaskListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TaskListModel::lockText(const TaskLockStatus &lock)
{
    const QString since = QDateTime::fromMSecsSinceEpoch(lock.lockedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    const QString who = lock.lockedBy.isEmpty() ? tr("an unknown holder") : lock.lockedBy;
    const QString what = lock.pipelineId == 0 ? tr("a single-task run") : tr("pipeline %1").arg(lock.pipelineName);
    switch (lock.state) {
    case TaskLockStatus::State::Running: return tr("Running — %1 (%2), since %3").arg(who, what, since);
    case TaskLockStatus::State::Queued: return tr("Queued — %1 (%2), since %3").arg(who, what, since);
    case TaskLockStatus::State::Locked: return tr("Locked by %1 (%2), since %3").arg(who, what, since);
    }
    return {};
}

QVariant TaskListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TransformTaskRow &t = m_tasks.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Label: return t.task.label.isEmpty() ? t.task.slug : t.task.label;
        case Kind: return t.isSystem() ? tr("%1 (automatic)").arg(t.task.slug) : t.task.slug;
        case CommandLine: return quotedCommandLine(t.commandLine);
        case Lock: return t.lock ? lockText(*t.lock) : tr("Free");
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Label)
        return t.task.label.isEmpty() ? t.task.slug : t.task.label;
    if (role == Qt::ToolTipRole && index.column() == Lock && !t.lock)
        return tr("Nobody holds this task: it can run now");
    if (role == Qt::ToolTipRole && index.column() == CommandLine)
        return tr("Run as these arguments, one per line:\n%1").arg(t.commandLine.join(QLatin1Char('\n')));
    if (role == Qt::ToolTipRole && index.column() == Lock && t.lock)
        return tr("Run %1 holds this task's lock; its lease runs out in %n s unless renewed", nullptr,
                  int(qMax<qint64>(0, t.lock->leaseRemainingMs) / 1000)).arg(t.lock->runId);
    if (role == Qt::UserRole)
        return t.task.uuid;
    return {};
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Label: return tr("Task");
    case Kind: return tr("Kind");
    case CommandLine: return tr("Command line");
    case Lock: return tr("Lock");
    }
    return {};
}

} // namespace sluice
