#pragma once

#include "domain/entities.h"

#include <QAbstractTableModel>

namespace sluice {

// Pipelines as a table: name, org, schedule, active, tasks in run order. Read-only. setPipelines()
// updates rows in place when the pipelines are the same ones in the same order (a refresh), so that
// views keep their selection; otherwise the list is replaced.
class PipelineListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Org, Schedule, Active, Tasks, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    void setPipelines(QList<Pipeline> pipelines);
    [[nodiscard]] const Pipeline &pipelineAt(int row) const { return m_pipelines.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Pipeline> m_pipelines;
};

} // namespace sluice
