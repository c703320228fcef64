#include "pipelinelistmodel.h"

#include "rowids.h"
#include "schedule/crondescription.h"

namespace sluice {

void PipelineListModel::setPipelines(QList<Pipeline> pipelines)
{
    if (!sameRowIds(pipelines, m_pipelines)) {
        beginResetModel();
        m_pipelines = std::move(pipelines);
        endResetModel();
        return;
    }
    m_pipelines = std::move(pipelines);
    if (!m_pipelines.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_pipelines.size()) - 1, ColumnCount - 1));
}

int PipelineListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_pipelines.size());
}

int PipelineListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PipelineListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Pipeline &p = m_pipelines.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return p.name;
        case Org: return p.orgSlug;
        case Schedule: return p.cron.isEmpty() ? tr("Manual") : tr("%1 (%2)").arg(describeCron(p.cron), p.timezone);
        case Active: return p.active ? tr("Active") : tr("Paused");
        case Tasks: {
            QStringList slugs;
            for (const PipelineStep &s : p.steps)
                slugs << (s.task.label.isEmpty() ? s.task.slug : s.task.label);   // the user's name for it, else its kind
            return slugs.join(QStringLiteral(" → "));
        }
        }
    }
    if (role == Qt::ToolTipRole && index.column() == Schedule && !p.cron.isEmpty())
        return tr("cron: %1").arg(p.cron);
    if (role == Qt::ToolTipRole && index.column() == Tasks)
        return tr("%n task(s) in run order", nullptr, int(p.steps.size()));
    return {};
}

QVariant PipelineListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Pipeline");
    case Org: return tr("Org");
    case Schedule: return tr("Schedule");
    case Active: return tr("State");
    case Tasks: return tr("Tasks");
    }
    return {};
}

} // namespace sluice
