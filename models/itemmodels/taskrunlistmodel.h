#pragma once

#include "domain/runs.h"

#include <QAbstractTableModel>

namespace sluice {

// The task runs of one run, one row per attempt in seq order: seq, task, attempt, status, duration,
// exit code, summary in words (dbt counts, Airbyte records and bytes, git commits) or the error.
// Read-only; setTaskRuns() updates in place when the attempts are the same ones (see RunListModel).
class TaskRunListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Seq, Task, Attempt, Status, Duration, ExitCode, Summary, ColumnCount };
    // StatusRole: the status's SQL word; ToneRole: its StatusTone (an int), for the view's colours.
    enum Role { TaskRunIdRole = Qt::UserRole + 1, StatusRole, ToneRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setTaskRuns(QList<TaskRunRecord> tasks, qint64 nowMs);
    [[nodiscard]] const TaskRunRecord &taskRunAt(int row) const { return m_tasks.at(row); }
    [[nodiscard]] int rowOf(qint64 taskRunId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<TaskRunRecord> m_tasks;
    qint64 m_nowMs = 0;
};

// A task run's summary JSON in words: "3 pass, 1 warn, 0 error, 0 skip" for dbt, "12,345 records,
// 1.2 MB (job 42)" for Airbyte, "a1b2c3d → d4e5f6a" for git; the error detail when it failed.
[[nodiscard]] QString taskRunSummaryText(const TaskRunRecord &task);

} // namespace sluice
