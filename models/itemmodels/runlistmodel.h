#pragma once

#include "store/runhistory.h"

#include <QAbstractTableModel>

namespace sluice {

// Runs as a table, newest first: number, pipeline (or task), trigger, status, when, how long.
// Read-only. setRuns() replaces the list; rows whose run ids are unchanged and in the same order are
// updated in place (dataChanged), so that a periodic refresh keeps the view's selection and scroll.
// `nowMs` is the clock durations of running runs are measured against (tests set it).
class RunListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Pipeline, Trigger, Status, Started, Duration, ColumnCount };
    // StatusRole: the status's SQL word; ToneRole: its StatusTone (an int) — views map it to the
    // palette's colours, so that dark mode works.
    enum Role { RunIdRole = Qt::UserRole + 1, StatusRole, ToneRole };

    using QAbstractTableModel::QAbstractTableModel;

    void setRuns(QList<RunSummary> runs, qint64 nowMs);
    [[nodiscard]] const RunSummary &runAt(int row) const { return m_runs.at(row); }
    // The row of a run, or -1.
    [[nodiscard]] int rowOf(qint64 runId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<RunSummary> m_runs;
    qint64 m_nowMs = 0;
};

// The duration of a span in words shared by the run views: "850 ms", "4.2 s", "2 min 05 s", "1 h 07 min".
[[nodiscard]] QString durationLabel(qint64 ms);

} // namespace sluice
