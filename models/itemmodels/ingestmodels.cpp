#include "ingestmodels.h"

#include "domain/status.h"
#include "itemmodels/tasklistmodel.h"

#include <QDateTime>
#include <QLocale>

#include <algorithm>

namespace sluice {

namespace {

// A status's tone (views colour it from the palette: dark mode works).
int statusTone(const QString &status)
{
    if (status == QLatin1String("successful") || status == QLatin1String("succeeded"))
        return int(StatusTone::Good);
    if (status == QLatin1String("failed") || status == QLatin1String("crashed"))
        return int(StatusTone::Bad);
    if (status == QLatin1String("running") || status == QLatin1String("queued") || status == QLatin1String("pending")
        || status == QLatin1String("incomplete"))
        return int(StatusTone::Active);
    if (status == QLatin1String("warning"))
        return int(StatusTone::Warning);
    return int(StatusTone::Neutral);   // cancelled, skipped, unknown
}

QString statusWord(const QString &status)
{
    if (status == QLatin1String("successful") || status == QLatin1String("succeeded"))
        return QObject::tr("Succeeded");
    if (status == QLatin1String("failed"))
        return QObject::tr("Failed");
    if (status == QLatin1String("crashed"))
        return QObject::tr("Crashed");
    if (status == QLatin1String("running"))
        return QObject::tr("Running");
    if (status == QLatin1String("queued") || status == QLatin1String("pending"))
        return QObject::tr("Queued");
    if (status == QLatin1String("incomplete"))
        return QObject::tr("Retrying");
    if (status == QLatin1String("cancelled"))
        return QObject::tr("Cancelled");
    return status;
}

QString whenText(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    const bool today = t.date() == QDate::currentDate();
    return today ? QLocale().toString(t.time(), QLocale::ShortFormat) : QLocale().toString(t, QLocale::ShortFormat);
}

QString jobKind(const QString &configType)
{
    if (configType == QLatin1String("sync"))
        return QObject::tr("Sync");
    if (configType == QLatin1String("reset_connection"))
        return QObject::tr("Reset");
    if (configType == QLatin1String("clear"))
        return QObject::tr("Clear");
    if (configType == QLatin1String("refresh"))
        return QObject::tr("Refresh");
    return configType;
}

} // namespace

// ---- ConnectionListModel -------------------------------------------------------------------------------

void ConnectionListModel::setConnections(QList<IngestConnectionRow> rows) { replaceRows(std::move(rows)); }

int ConnectionListModel::rowOf(const QString &id) const { return indexOf(id); }
int ConnectionListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString ConnectionListModel::lastSyncText(const ConnectionLastSync &s)
{
    QString text = tr("%1 %2").arg(statusWord(s.status), s.atMs > 0 ? whenText(s.atMs) : QString()).trimmed();
    if (!s.by.isEmpty())
        text = s.by == QLatin1String("scheduled") ? tr("%1, scheduled").arg(text) : tr("%1 by %2").arg(text, s.by);
    if (s.records >= 0)
        text = tr("%1, %2 records").arg(text, QLocale().toString(s.records));
    return text;
}

QVariant ConnectionListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const IngestConnectionRow &c = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return c.name;
        case Route: return tr("%1 → %2").arg(c.sourceName.isEmpty() ? tr("(unknown source)") : c.sourceName,
                                             c.destinationName.isEmpty() ? tr("(unknown destination)") : c.destinationName);
        case Status: return c.status == QLatin1String("active") ? tr("Active") : c.status == QLatin1String("inactive") ? tr("Inactive") : c.status;
        case LastSync: return c.lastSync ? lastSyncText(*c.lastSync) : tr("Never synced");
        case Pipelines: return c.pipelines.isEmpty() ? tr("No pipeline") : c.pipelines.join(QStringLiteral(", "));
        case Lock: return c.lock ? TaskListModel::lockText(*c.lock) : tr("Free");
        }
    }
    if (role == IngestToneRole && index.column() == LastSync && c.lastSync)
        return statusTone(c.lastSync->status);
    if (role == IngestToneRole && index.column() == Lock && c.lock)
        return int(c.lock->state == TaskLockStatus::State::Locked ? StatusTone::Warning : StatusTone::Active);
    if (role == Qt::ToolTipRole && index.column() == LastSync && c.lastSync) {
        QString tip = c.lastSync->jobId >= 0 ? tr("Airbyte job %1").arg(c.lastSync->jobId) : tr("No Airbyte job started");
        if (c.lastSync->runId > 0)
            tip += tr("; Sluice run %1").arg(c.lastSync->runId);
        return tip;
    }
    if (role == Qt::ToolTipRole && index.column() == Pipelines && !c.pipelines.isEmpty())
        return tr("Used by: %1").arg(c.pipelines.join(QStringLiteral(", ")));
    if (role == Qt::UserRole)
        return c.id;
    return {};
}

QVariant ConnectionListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Connection");
    case Route: return tr("Source → destination");
    case Status: return tr("Status");
    case LastSync: return tr("Last sync");
    case Pipelines: return tr("Pipelines");
    case Lock: return tr("Lock");
    }
    return {};
}

// ---- SourceListModel -----------------------------------------------------------------------------------

void SourceListModel::setSources(QList<IngestSourceRow> rows) { replaceRows(std::move(rows)); }

int SourceListModel::rowOf(const QString &id) const { return indexOf(id); }
int SourceListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant SourceListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const IngestSourceRow &s = m_rows.at(index.row());
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Name: return s.name;
        case Type: return s.typeName;
        case LastCheck:
            if (!s.checkSucceeded)
                return tr("Not checked");
            return *s.checkSucceeded ? tr("Succeeded %1").arg(whenText(s.checkedAtMs))
                                     : tr("Failed %1: %2").arg(whenText(s.checkedAtMs), s.checkMessage);
        case UsedBy: return s.connectionNames.isEmpty() ? tr("No connection") : s.connectionNames.join(QStringLiteral(", "));
        }
    }
    if (role == IngestToneRole && index.column() == LastCheck && s.checkSucceeded)
        return int(*s.checkSucceeded ? StatusTone::Good : StatusTone::Bad);
    if (role == Qt::ToolTipRole && index.column() == LastCheck && !s.checkMessage.isEmpty())
        return s.checkMessage;
    if (role == Qt::UserRole)
        return s.id;
    return {};
}

QVariant SourceListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Source");
    case Type: return tr("Connector");
    case LastCheck: return tr("Last check");
    case UsedBy: return tr("Connections");
    }
    return {};
}

// ---- SyncJobListModel ----------------------------------------------------------------------------------

void SyncJobListModel::setJobs(QList<IngestJobRow> rows, qint64 nowSecs)
{
    m_nowSecs = nowSecs;
    // Keep the logs a jobs/get brought when the list (which has none) comes again.
    for (IngestJobRow &r : rows) {
        const int old = indexOf(r.id);
        for (qsizetype a = 0; old >= 0 && a < r.attempts.size() && a < m_rows[old].attempts.size(); ++a)
            if (r.attempts[a].logLines.isEmpty())
                r.attempts[a].logLines = m_rows[old].attempts[a].logLines;
    }
    replaceRows(std::move(rows));
}

int SyncJobListModel::rowOf(qint64 jobId) const { return indexOf(jobId); }

bool SyncJobListModel::updateJob(const IngestJobRow &job)
{
    const int row = rowOf(job.id);
    if (row < 0)
        return false;
    m_rows[row] = job;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    return true;
}

int SyncJobListModel::columnCount(const QModelIndex &parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString SyncJobListModel::durationText(qint64 seconds)
{
    if (seconds < 60)
        return tr("%1 s").arg(seconds);
    if (seconds < 3600)
        return tr("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    return tr("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60);
}

QVariant SyncJobListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const IngestJobRow &j = m_rows.at(index.row());
    const bool running = j.status == QLatin1String("running") || j.status == QLatin1String("pending") || j.status == QLatin1String("incomplete");
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Job: return QString::number(j.id);
        case Kind:
            // A reset / clear names what it dropped: the stream, or how many.
            if (j.streams.size() == 1)
                return tr("%1 · %2").arg(jobKind(j.configType), j.streams.first().displayName());
            if (j.streams.size() > 1)
                return tr("%1 · %n streams", nullptr, int(j.streams.size())).arg(jobKind(j.configType));
            return jobKind(j.configType);
        case Started: return j.createdAt > 0 ? whenText(j.createdAt * 1000) : QString();
        case Duration: return durationText(std::max<qint64>(0, (running ? m_nowSecs : j.updatedAt) - j.createdAt));
        case Status: return statusWord(j.status);
        case Records: return QLocale().toString(j.records);
        case Bytes: return QLocale().formattedDataSize(j.bytes);
        case Attempts: return QString::number(j.attempts.size());
        }
    }
    if (role == IngestToneRole && index.column() == Status)
        return statusTone(j.status);
    if (role == Qt::ToolTipRole && index.column() == Status && !j.failureMessage.isEmpty())
        return j.failureMessage;
    if (role == Qt::ToolTipRole && index.column() == Kind && !j.streams.isEmpty())
        return tr("Streams: %1").arg(streamRefsWords(j.streams));
    if (role == Qt::TextAlignmentRole && (index.column() == Records || index.column() == Bytes || index.column() == Attempts))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::UserRole)
        return j.id;
    return {};
}

QVariant SyncJobListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Job: return tr("Job");
    case Kind: return tr("Kind");
    case Started: return tr("Started");
    case Duration: return tr("Duration");
    case Status: return tr("Status");
    case Records: return tr("Records");
    case Bytes: return tr("Bytes");
    case Attempts: return tr("Attempts");
    }
    return {};
}

} // namespace sluice
