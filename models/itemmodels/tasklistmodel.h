#pragma once

#include "domain/transformview.h"

#include <QAbstractTableModel>

namespace sluice {

// An org's tasks as a table: label, a lock badge (running / queued / locked — by whom, since when),
// kind and the command line it runs. Read-only; setTasks() updates rows in place when the same tasks
// come back in the same order (a live update), so views keep their selection.
class TaskListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Label, Lock, Kind, CommandLine, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    // `nowMs` (the database clock at the read) dates the lock badges ("for 3 min").
    void setTasks(QList<TransformTaskRow> tasks, qint64 nowMs);
    [[nodiscard]] const TransformTaskRow &taskAt(int row) const { return m_tasks.at(row); }
    [[nodiscard]] int rowOfUuid(const QString &uuid) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // The badge's words for a lock ("Running — alice@laptop, since 10:02").
    [[nodiscard]] static QString lockText(const TaskLockStatus &lock);

private:
    QList<TransformTaskRow> m_tasks;
    qint64 m_nowMs = 0;
};

} // namespace sluice
