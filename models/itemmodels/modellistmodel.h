#pragma once

#include "domain/transformview.h"

#include <QAbstractTableModel>
#include <QHash>

namespace sluice {

// A dbt project's resources as a table: name, resource type, materialization, tags, path, the last
// recorded status, when it last ran and how long it took. Read-only. kSortRole gives each column's
// value for sorting (numbers as numbers); kUniqueIdRole the node's unique id. setRows() keeps the rows
// (updating them in place) when the same nodes come back in the same order.
class ModelListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, ResourceType, Materialized, Tags, Path, LastStatus, LastRun, Duration, BuiltBy, ColumnCount };
    // BuiltBy: the pipelines that build the node and the next run; two active ones are flagged
    // (kFlagRole true, and the text says so).
    static constexpr int kFlagRole = Qt::UserRole + 3;
    static constexpr int kSortRole = Qt::UserRole + 1;
    static constexpr int kUniqueIdRole = Qt::UserRole + 2;

    using QAbstractTableModel::QAbstractTableModel;

    void setRows(QList<TransformModelRow> rows);
    // "nightly (next 2026-12-03 03:00), adhoc (manual)", flagged with ⚠ when two active pipelines build it.
    [[nodiscard]] static QString builtByText(const QList<ModelBuilder> &builders);
    [[nodiscard]] const TransformModelRow &rowAt(int row) const { return m_rows.at(row); }
    // -1 when no row has it; a hash lookup (the page asks it for every node a selection takes).
    [[nodiscard]] int rowOfUniqueId(const QString &uniqueId) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<TransformModelRow> m_rows;
    QHash<QString, int> m_rowOf; // unique id -> row; rebuilt when the nodes change (same nodes: same rows)
};

} // namespace sluice
