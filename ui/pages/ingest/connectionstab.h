#pragma once

#include "domain/ingestview.h"

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedLayout;
class QTableView;

namespace sluice {

class ConnectionListModel;
class EmptyState;
class SyncJobListModel;

// Ingest › Connections: the org's Airbyte connections (ConnectionListModel) with their last sync, the
// pipelines using them and their live lock, the actions on the selected one, and below it its sync
// history (SyncJobListModel) with the chosen job's attempts and logs. Thin: every action is a signal.
// - taskRequested(connectionId, slug, streams): Sync (airbyte-sync), Reset (airbyte-reset), Clear
//   (airbyte-clear), run as a task with its lock; Reset and Clear ask first which streams (DropDataDialog:
//   every one — `streams` empty — or the ticked ones as the task's streams option, streamRefsText).
// - Cancel is enabled while the connection's task is locked by a run (queued or running).
// - newRequested (Ctrl+N), editRequested(connectionId) (F2), refreshSchemaRequested(connectionId): the
//   page opens the ConnectionDialog.
// - historyRequested(connectionId) when the selection changes and on Refresh history; jobRequested(jobId)
//   when a job is chosen (its attempts' logs).
class ConnectionsTab : public QWidget
{
    Q_OBJECT
public:
    explicit ConnectionsTab(QWidget *parent = nullptr);

    void showConnections(const QList<IngestConnectionRow> &rows);
    void showJobs(const QString &connectionId, const QList<IngestJobRow> &jobs, qint64 nowSecs, const QString &problem);
    void showJob(const IngestJobRow &job);
    // Empty: the server answered; else why the list may be stale or empty.
    void setServerProblem(const QString &problem);
    void setLoading();

    [[nodiscard]] QTableView *table() const { return m_table; }
    [[nodiscard]] QTableView *jobTable() const { return m_jobTable; }
    [[nodiscard]] ConnectionListModel *model() const { return m_model; }
    [[nodiscard]] SyncJobListModel *jobModel() const { return m_jobs; }
    [[nodiscard]] QString selectedId() const;
    void selectConnection(const QString &id);

Q_SIGNALS:
    void taskRequested(const QString &connectionId, const QString &slug, const QString &streams);
    void cancelRequested(const QString &connectionId);
    void historyRequested(const QString &connectionId);
    void jobRequested(qint64 jobId);
    void activeRequested(const QString &connectionId, bool active);
    void deleteRequested(const QString &connectionId);
    void newRequested();
    void editRequested(const QString &connectionId);
    void refreshSchemaRequested(const QString &connectionId);

private:
    void updateActions();
    void showAttempts();

    ConnectionListModel *m_model;
    SyncJobListModel *m_jobs;
    QTableView *m_table;
    QTableView *m_jobTable;
    QStackedLayout *m_stack;
    EmptyState *m_empty;
    QPushButton *m_new, *m_edit, *m_refreshSchema, *m_sync, *m_cancel, *m_reset, *m_clear, *m_active, *m_delete, *m_history;
    QLabel *m_historyTitle;
    QPlainTextEdit *m_attempts;
    QString m_historyOf;
    QString m_serverProblem;
};

} // namespace sluice
