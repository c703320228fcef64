#pragma once

#include "domain/ingestview.h"

#include <QAbstractTableModel>

#include <algorithm>

namespace sluice {

// The Ingest page's tables. Read-only; each set…() updates rows in place when the same records (by
// Airbyte id) come back in the same order — a live update — so views keep their selection, and resets
// otherwise. Qt::UserRole gives the row's id (connection, source or job id); IngestToneRole the StatusTone
// (an int) of a status cell (last sync, lock, last check, job status) — views colour it from the palette.
constexpr int IngestToneRole = Qt::UserRole + 2;

// The rows of one of these tables: replaced in place (dataChanged) when the ids match in order, else
// with a reset.
template <typename Row>
class RecordTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    void replaceRows(QList<Row> rows)
    {
        const bool same = m_rows.size() == rows.size()
                       && std::equal(m_rows.cbegin(), m_rows.cend(), rows.cbegin(), [](const Row &a, const Row &b) { return a.id == b.id; });
        if (!same) {
            beginResetModel();
            m_rows = std::move(rows);
            endResetModel();
            return;
        }
        m_rows = std::move(rows);
        if (!m_rows.isEmpty())
            Q_EMIT this->dataChanged(this->index(0, 0), this->index(int(m_rows.size()) - 1, columnCount() - 1));
    }
    template <typename Id>
    [[nodiscard]] int indexOf(const Id &id) const
    {
        const auto it = std::find_if(m_rows.cbegin(), m_rows.cend(), [&](const Row &r) { return r.id == id; });
        return it == m_rows.cend() ? -1 : int(it - m_rows.cbegin());
    }

    QList<Row> m_rows;
};

// Connections: name, source → destination, status, last sync (status colour, when, by whom, records),
// the pipelines using it, and the lock a run holds on one of its tasks.
class ConnectionListModel : public RecordTableModel<IngestConnectionRow>
{
    Q_OBJECT
public:
    enum Column { Name, Route, Status, LastSync, Pipelines, Lock, ColumnCount };
    using RecordTableModel::RecordTableModel;

    void setConnections(QList<IngestConnectionRow> rows);
    [[nodiscard]] const IngestConnectionRow &connectionAt(int row) const { return m_rows.at(row); }
    [[nodiscard]] int rowOf(const QString &id) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "Succeeded 14:02 by alice@laptop, 1,204 records" (the cell's words).
    [[nodiscard]] static QString lastSyncText(const ConnectionLastSync &s);

};

// Sources: name, connector, the last check (this session) and the connections reading from it.
class SourceListModel : public RecordTableModel<IngestSourceRow>
{
    Q_OBJECT
public:
    enum Column { Name, Type, LastCheck, UsedBy, ColumnCount };
    using RecordTableModel::RecordTableModel;

    void setSources(QList<IngestSourceRow> rows);
    [[nodiscard]] const IngestSourceRow &sourceAt(int row) const { return m_rows.at(row); }
    [[nodiscard]] int rowOf(const QString &id) const;

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

};

// A connection's sync history, newest first: job, kind, started, duration, status, records, bytes, attempts.
class SyncJobListModel : public RecordTableModel<IngestJobRow>
{
    Q_OBJECT
public:
    enum Column { Job, Kind, Started, Duration, Status, Records, Bytes, Attempts, ColumnCount };
    using RecordTableModel::RecordTableModel;

    // `nowSecs` dates the running jobs' durations.
    void setJobs(QList<IngestJobRow> rows, qint64 nowSecs);
    [[nodiscard]] const IngestJobRow &jobAt(int row) const { return m_rows.at(row); }
    [[nodiscard]] int rowOf(qint64 jobId) const;
    // Replaces one job (jobs/get with its attempts' logs); false when it is not listed.
    bool updateJob(const IngestJobRow &job);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    [[nodiscard]] static QString durationText(qint64 seconds);

private:
    qint64 m_nowSecs = 0;
};

} // namespace sluice
