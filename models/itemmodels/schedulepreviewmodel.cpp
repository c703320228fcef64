#include "itemmodels/schedulepreviewmodel.h"

#include "domain/status.h"

#include <QLocale>
#include <QTimeZone>

namespace sluice {

void SchedulePreviewModel::setFires(QList<PreviewFire> fires)
{
    beginResetModel();
    m_fires = std::move(fires);
    endResetModel();
}

int SchedulePreviewModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_fires.size());
}

int SchedulePreviewModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SchedulePreviewModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PreviewFire &f = m_fires.at(index.row());
    const QLocale locale;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Local:
            // "Sun 29 Mar 2026 03:00 CEST": the abbreviation tells summer from winter time.
            return tr("%1 %2").arg(locale.toString(f.local, QStringLiteral("ddd d MMM yyyy HH:mm")), f.local.timeZoneAbbreviation());
        case Utc:
            return tr("%1 UTC").arg(locale.toString(f.utc.toUTC(), QStringLiteral("ddd d MMM HH:mm")));
        case ClockChange:
            return f.note;
        }
    }
    if (role == Qt::ToolTipRole && index.column() == ClockChange && !f.note.isEmpty())
        return f.note;
    if (role == ToneRole && f.effect != DstEffect::None)
        return int(StatusTone::Warning);
    return {};
}

QVariant SchedulePreviewModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Local: return tr("Local time");
    case Utc: return tr("UTC");
    case ClockChange: return tr("Clock change");
    }
    return {};
}

} // namespace sluice
