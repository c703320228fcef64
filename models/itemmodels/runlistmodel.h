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
    enum Role { RunIdRole = Qt::UserRole + 1, StatusRole };

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

// Words and colours shared by the run views: "Partial success" for partial_success, the duration
// of a span as "2 min 05 s", a status colour (green, amber, red, grey) for a badge or a row.
[[nodiscard]] QString runStatusLabel(const QString &status);
[[nodiscard]] QString durationLabel(qint64 ms);
[[nodiscard]] QColor runStatusColor(const QString &status);

} // namespace sluice
