#pragma once

#include "domain/runs.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedLayout;
class QTableView;

namespace sluice {

class EmptyState;
class LogView;
class RunListModel;
class TaskRunListModel;

// Runs: every run of every org, newest first; the selected run's tasks (status, attempts, summaries)
// and its whole log, live while it runs. It shows what it is given and emits intents: the composition
// root feeds it from a RunService and forwards runSelected / cancelRequested there.
// Keys (while the page is shown): Ctrl+F finds in the log (Enter: next), Ctrl+. cancels the selected
// run, F5 refreshes.
class RunsPage : public QWidget
{
    Q_OBJECT
public:
    explicit RunsPage(QWidget *parent = nullptr);

    [[nodiscard]] qint64 selectedRunId() const { return m_selected; }
    [[nodiscard]] RunListModel *runModel() const { return m_runs; }
    [[nodiscard]] TaskRunListModel *taskModel() const { return m_tasks; }
    [[nodiscard]] LogView *logView() const { return m_log; }

public Q_SLOTS:
    void showRuns(const QList<sluice::RunSummary> &runs, qint64 nowMs);
    void showRun(const sluice::RunRecord &run, qint64 nowMs);
    // Log batches are shown only after watchStarted(the selected run): the batches of an earlier watch of
    // the same run (still queued when it was selected again) are not shown twice.
    void handleWatchStarted(qint64 runId);
    void appendLog(const sluice::TaskLogBatch &batch);
    // Selects the run (also before the list holds it: it is selected when it arrives).
    void selectRun(qint64 runId);
    void showNotice(const QString &text);

Q_SIGNALS:
    void runSelected(qint64 runId);
    void cancelRequested(qint64 runId);
    void refreshRequested();

private:
    void handleCurrentChanged();
    void showStatus(RunStatus status);
    void updateState();
    void findNext();

    RunListModel *m_runs;
    TaskRunListModel *m_tasks;
    QStackedLayout *m_stack;
    EmptyState *m_empty;
    QTableView *m_runTable;
    QLabel *m_title;
    QLabel *m_status;
    QLabel *m_meta;
    QLabel *m_notice;
    QPushButton *m_cancel;
    QTableView *m_taskTable;
    QLineEdit *m_find;
    LogView *m_log;
    qint64 m_selected = 0;
    qint64 m_wanted = 0;        // asked for by selectRun() before the list held it
    bool m_watching = false;    // the service has started watching the selected run
};

} // namespace sluice
