#include "streamlistmodel.h"

namespace sluice {

namespace {

QString keyText(const QList<QStringList> &key)
{
    QStringList parts;
    for (const QStringList &p : key)
        parts.append(p.join(QLatin1Char('.')));
    return parts.join(QStringLiteral(", "));
}

} // namespace

void StreamListModel::setCatalog(SyncCatalog catalog)
{
    beginResetModel();
    m_catalog = std::move(catalog);
    endResetModel();
}

void StreamListModel::setAllSelected(bool selected)
{
    for (CatalogStream &s : m_catalog.streams)
        s.selected = selected;
    if (!m_catalog.streams.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

QString StreamListModel::firstProblem() const
{
    for (const CatalogStream &s : m_catalog.streams)
        if (const QString p = s.problem(); !p.isEmpty())
            return tr("%1: %2").arg(s.displayName(), p);
    return {};
}

QString StreamListModel::modeText(const QString &mode)
{
    if (mode == QLatin1String("full_refresh_overwrite"))
        return tr("Full refresh | Overwrite");
    if (mode == QLatin1String("full_refresh_append"))
        return tr("Full refresh | Append");
    if (mode == QLatin1String("incremental_append"))
        return tr("Incremental | Append");
    if (mode == QLatin1String("incremental_append_dedup"))
        return tr("Incremental | Append + Deduped");
    return mode;
}

int StreamListModel::rowCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : int(m_catalog.streams.size()); }
int StreamListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant StreamListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const CatalogStream &s = m_catalog.streams.at(index.row());
    const int c = index.column();
    if (role == Qt::CheckStateRole && c == Sync)
        return s.selected ? Qt::Checked : Qt::Unchecked;
    if (role == Qt::DisplayRole) {
        switch (c) {
        case Stream: return s.displayName();
        case Mode: return modeText(s.mode());
        case Cursor: return s.syncMode != QLatin1String("incremental") ? QString()
                          : s.sourceDefinedCursor                      ? tr("(the source's)")
                                                                       : s.cursorField.join(QLatin1Char('.'));
        case PrimaryKey: return !s.destinationSyncMode.endsWith(QLatin1String("_dedup")) ? QString()
                              : !s.sourceDefinedPrimaryKey.isEmpty()                   ? keyText(s.sourceDefinedPrimaryKey)
                                                                                       : keyText(s.primaryKey);
        case Fields: return QString::number(s.fields().size());
        case Problem: return s.problem();
        }
    }
    if (role == Qt::EditRole) {
        switch (c) {
        case Mode: return s.mode();
        case Cursor: return s.cursorField.join(QLatin1Char('.'));
        case PrimaryKey: return keyText(s.primaryKey);
        }
    }
    if (role == Qt::AccessibleTextRole && c == Sync)
        return s.selected ? tr("%1: synced").arg(s.displayName()) : tr("%1: not synced").arg(s.displayName());
    if (role == ModesRole && c == Mode)
        return s.supportedModes();
    if (role == FieldsRole && (c == Cursor || c == PrimaryKey)) {
        QStringList names;
        for (const auto &f : s.fields())
            names.append(f.first);
        return names;
    }
    if (role == Qt::ToolTipRole && c == Stream) {
        QStringList lines;
        for (const auto &[name, type] : s.fields())
            lines.append(tr("%1: %2").arg(name, type));
        return lines.join(QLatin1Char('\n'));
    }
    return {};
}

bool StreamListModel::setData(const QModelIndex &index, const QVariant &value, int role)
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    CatalogStream &s = m_catalog.streams[index.row()];
    bool changed = false;
    if (role == Qt::CheckStateRole && index.column() == Sync) {
        s.selected = value.toInt() == Qt::Checked;
        changed = true;
    } else if (role == Qt::EditRole && index.column() == Mode) {
        changed = s.setMode(value.toString());
    } else if (role == Qt::EditRole && index.column() == Cursor) {
        const QString text = value.toString().trimmed();
        s.cursorField = text.isEmpty() ? QStringList() : text.split(QLatin1Char('.'));
        changed = true;
    } else if (role == Qt::EditRole && index.column() == PrimaryKey) {
        s.primaryKey.clear();
        for (const QString &part : value.toString().split(QLatin1Char(','), Qt::SkipEmptyParts))
            s.primaryKey.append(part.trimmed().split(QLatin1Char('.')));
        changed = true;
    }
    if (changed)
        Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), ColumnCount - 1));
    return changed;
}

Qt::ItemFlags StreamListModel::flags(const QModelIndex &index) const
{
    Qt::ItemFlags f = QAbstractTableModel::flags(index);
    if (!index.isValid())
        return f;
    const CatalogStream &s = m_catalog.streams.at(index.row());
    if (index.column() == Sync)
        f |= Qt::ItemIsUserCheckable;
    if (index.column() == Mode && s.supportedModes().size() > 1)
        f |= Qt::ItemIsEditable;
    if (index.column() == Cursor && s.needsCursor())
        f |= Qt::ItemIsEditable;
    if (index.column() == PrimaryKey && s.needsPrimaryKey())
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant StreamListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Sync: return tr("Sync");
    case Stream: return tr("Stream");
    case Mode: return tr("Sync mode");
    case Cursor: return tr("Cursor field");
    case PrimaryKey: return tr("Primary key");
    case Fields: return tr("Fields");
    case Problem: return tr("Needs");
    }
    return {};
}

} // namespace sluice
