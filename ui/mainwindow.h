#pragma once

#include "core/error.h"
#include "store/snapshot.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMessageBox;
class QListWidget;
class QStackedWidget;

namespace sluice {

class OrchestratePage;
class PipelineListModel;
class RunsPage;

// The control room's frame: a page list on the left (Ingest, Transform, Orchestrate, Runs, Settings,
// Admin; Ctrl+1..6), the current page on the right, the store in the status bar. It never touches
// the database: the composition root loads a StoreSnapshot off the GUI thread and hands it over, and
// wires the pages' intents (run a pipeline, watch or cancel a run) to a service on another thread.
// Closing the window while runs it executes are in progress asks first; agreeing emits quitRequested()
// (whoever executes the runs cancels them and then quits the application) instead of closing.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Shows "opening the database…" until showSnapshot() or showError() is called.
    void showLoading(const QString &databaseUrl);
    void showSnapshot(const StoreSnapshot &snapshot);
    void showError(const Error &error);

    enum Page { Ingest, Transform, Orchestrate, Runs, Settings, Admin, PageCount };
    void showPage(Page page);

    [[nodiscard]] OrchestratePage *orchestratePage() const { return m_orchestrate; }
    [[nodiscard]] RunsPage *runsPage() const { return m_runs; }

    // A run was started or queued at the user's request: the Runs page shows it.
    void showRunRequested(qint64 runId, bool queued);
    // A request was refused, or something went wrong that the user should read (a dialog for refusals).
    void showRefusal(const QString &message);
    void showProblem(const QString &message);
    // How many runs this process executes now (a close then asks first).
    void setLocalRunCount(int count);

Q_SIGNALS:
    void quitRequested();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void addPage(const QString &name, QWidget *page);

    QListWidget *m_nav;
    QStackedWidget *m_pages;
    QLabel *m_status;
    PipelineListModel *m_pipelines;
    OrchestratePage *m_orchestrate;
    RunsPage *m_runs;
    int m_localRuns = 0;
    QPointer<QMessageBox> m_closePrompt;
    bool m_quitting = false;
};

} // namespace sluice
