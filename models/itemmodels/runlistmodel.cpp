#include "runlistmodel.h"
#include "rowids.h"

#include <QDateTime>


namespace sluice {

QString durationLabel(qint64 ms)
{
    if (ms < 0)
        return {};
    if (ms < 1000)
        return QObject::tr("%1 ms").arg(ms);
    const qint64 s = ms / 1000;
    if (s < 60)
        return QObject::tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    if (s < 3600)
        return QObject::tr("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

void RunListModel::setRuns(QList<RunSummary> runs, qint64 nowMs)
{
    m_nowMs = nowMs;
    const bool sameRows = sameRowIds(runs, m_runs);
    if (!sameRows) {
        beginResetModel();
        m_runs = std::move(runs);
        endResetModel();
        return;
    }
    m_runs = std::move(runs);
    if (!m_runs.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_runs.size()) - 1, ColumnCount - 1));
}

int RunListModel::rowOf(qint64 runId) const
{
    return rowOfId(m_runs, runId);
}

int RunListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int RunListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RunListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunSummary &r = m_runs.at(index.row());
    if (role == RunIdRole)
        return r.id;
    if (role == StatusRole)
        return toSql(r.status);
    if (role == ToneRole)
        return int(toneOf(r.status));
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Number: return r.id;
        case Pipeline: return r.pipelineName;
        case Trigger: return r.trigger;
        case Status: return toWords(r.status);
        case Started: {
            const qint64 at = r.startedAt ? r.startedAt : r.queuedAt;
            return at ? QDateTime::fromMSecsSinceEpoch(at).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
        }
        case Duration:
            if (!r.startedAt)
                return QString();
            return durationLabel((r.finishedAt ? r.finishedAt : m_nowMs) - r.startedAt);
        }
    }
    if (role == Qt::TextAlignmentRole && (index.column() == Number || index.column() == Duration))
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == Started && r.scheduledFor)
        return tr("Slot %1 (UTC)").arg(QDateTime::fromMSecsSinceEpoch(r.scheduledFor, Qt::UTC).toString(Qt::ISODate));
    if (role == Qt::ToolTipRole && index.column() == Status && r.status == RunStatus::Queued)
        return tr("Waiting for its locks or for an agent to claim it");
    return {};
}

QVariant RunListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number: return tr("Run");
    case Pipeline: return tr("Pipeline");
    case Trigger: return tr("Trigger");
    case Status: return tr("Status");
    case Started: return tr("Started");
    case Duration: return tr("Duration");
    }
    return {};
}

} // namespace sluice
