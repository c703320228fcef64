#include "itemmodels/modellistmodel.h"

#include "itemmodels/rowids.h"

#include <QDateTime>

namespace sluice {

namespace {

bool sameNodes(const QList<TransformModelRow> &a, const QList<TransformModelRow> &b)
{
    return a.size() == b.size() && std::equal(a.cbegin(), a.cend(), b.cbegin(), [](const TransformModelRow &x, const TransformModelRow &y) {
               return x.node.uniqueId == y.node.uniqueId;
           });
}

} // namespace

void ModelListModel::setRows(QList<TransformModelRow> rows)
{
    if (!sameNodes(rows, m_rows)) {
        beginResetModel();
        m_rows = std::move(rows);
        m_rowOf.clear();
        m_rowOf.reserve(m_rows.size());
        for (int i = 0; i < m_rows.size(); ++i)
            if (!m_rowOf.contains(m_rows.at(i).node.uniqueId)) // unique in a manifest; the first row if not
                m_rowOf.insert(m_rows.at(i).node.uniqueId, i);
        endResetModel();
        return;
    }
    m_rows = std::move(rows);
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

int ModelListModel::rowOfUniqueId(const QString &uniqueId) const
{
    return m_rowOf.value(uniqueId, -1);
}

int ModelListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ModelListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ModelListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TransformModelRow &r = m_rows.at(index.row());
    const DbtManifestNode &n = r.node;
    if (role == kUniqueIdRole)
        return n.uniqueId;
    if (role == Qt::DisplayRole || role == kSortRole) {
        switch (index.column()) {
        case Name: return n.name;
        case ResourceType: return n.resourceType;
        case Materialized: return n.materialization;
        case Tags: return n.tags.join(QStringLiteral(", "));
        case Path: return n.originalFilePath;
        case LastStatus:
            if (!r.last)
                return role == kSortRole ? QVariant(QString()) : QVariant(tr("never run"));
            return r.last->status;
        case LastRun:
            if (!r.last || r.last->finishedAt <= 0)
                return role == kSortRole ? QVariant(qint64(0)) : QVariant(QString());
            if (role == kSortRole)
                return r.last->finishedAt;
            return QDateTime::fromMSecsSinceEpoch(r.last->finishedAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case Duration:
            if (!r.last || !r.last->executionTime)
                return role == kSortRole ? QVariant(-1.0) : QVariant(QString());
            if (role == kSortRole)
                return *r.last->executionTime;
            return tr("%1 s").arg(*r.last->executionTime, 0, 'f', 2);
        case BuiltBy: {
            if (role == kSortRole)
                return int(r.builtBy.size());
            return builtByText(r.builtBy);
        }
        }
    }
    if (role == kFlagRole)
        return builtByTwoActivePipelines(r.builtBy);
    if (role == Qt::ToolTipRole && index.column() == BuiltBy && builtByTwoActivePipelines(r.builtBy))
        return tr("More than one active pipeline builds this model: it may be built twice, or by two runs at once.");
    if (role == Qt::ToolTipRole && index.column() == Name)
        return n.description.isEmpty() ? n.uniqueId : n.uniqueId + QLatin1Char('\n') + n.description;
    return {};
}

QString ModelListModel::builtByText(const QList<ModelBuilder> &builders)
{
    if (builders.isEmpty())
        return tr("no pipeline");
    QStringList parts;
    for (const ModelBuilder &b : builders) {
        if (!b.active)
            parts << tr("%1 (inactive)").arg(b.pipelineName);
        else if (b.nextRunMs)
            parts << tr("%1 (next %2)").arg(b.pipelineName, QDateTime::fromMSecsSinceEpoch(*b.nextRunMs).toString(QStringLiteral("yyyy-MM-dd HH:mm")));
        else
            parts << tr("%1 (manual)").arg(b.pipelineName);
    }
    const QString text = parts.join(QStringLiteral(", "));
    return builtByTwoActivePipelines(builders) ? tr("⚠ %1").arg(text) : text;
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case ResourceType: return tr("Type");
    case Materialized: return tr("Materialized");
    case Tags: return tr("Tags");
    case Path: return tr("Path");
    case LastStatus: return tr("Last status");
    case LastRun: return tr("Last run");
    case Duration: return tr("Duration");
    case BuiltBy: return tr("Built by");
    }
    return {};
}

} // namespace sluice
