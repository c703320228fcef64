#pragma once

#include "schedule/schedulepreview.h"

#include <QAbstractTableModel>

namespace sluice {

// The schedule builder's preview as a table: each upcoming fire time in the schedule's zone and in UTC,
// and what a change of the clocks does to it (empty when nothing). ToneRole gives a StatusTone (an int),
// Warning, on a fire a DST change moves or repeats, and nothing on the others. Read-only; setFires() replaces
// the rows.
class SchedulePreviewModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Local, Utc, ClockChange, ColumnCount };
    enum Role { ToneRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    void setFires(QList<PreviewFire> fires);
    [[nodiscard]] const QList<PreviewFire> &fires() const { return m_fires; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<PreviewFire> m_fires;
};

} // namespace sluice
