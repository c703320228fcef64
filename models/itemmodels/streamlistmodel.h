#pragma once

#include "airbyte/synccatalog.h"

#include <QAbstractTableModel>

namespace sluice {

// A connection's streams as an editable table: Sync (a check box), stream, mode (EditRole: one of the
// stream's supportedModes(), shown in words), cursor field, primary key (comma-separated fields), the
// stream's field count and what keeps it from being saved. Edits change the catalog this model holds;
// catalog() gives it back for saving. ModesRole on the Mode column lists the stream's modes, FieldsRole
// on Cursor and PrimaryKey its fields (for the editors' choices).
class StreamListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Sync, Stream, Mode, Cursor, PrimaryKey, Fields, Problem, ColumnCount };
    enum Role { ModesRole = Qt::UserRole + 1, FieldsRole };
    using QAbstractTableModel::QAbstractTableModel;

    void setCatalog(SyncCatalog catalog);
    [[nodiscard]] const SyncCatalog &catalog() const { return m_catalog; }
    // Selects (or clears) every stream at once.
    void setAllSelected(bool selected);
    // The first selected stream with a problem, as "orders: incremental needs a cursor field"; empty if none.
    [[nodiscard]] QString firstProblem() const;

    [[nodiscard]] static QString modeText(const QString &mode);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex &index, const QVariant &value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    SyncCatalog m_catalog;
};

} // namespace sluice
