#pragma once

#include "core/error.h"
#include "domain/entities.h"
#include "domain/storestatus.h"

#include <QMainWindow>
#include <QPointer>

class QLabel;
class QMessageBox;
class QComboBox;
class QListWidget;
class QStackedLayout;
class QStackedWidget;

namespace sluice {

class EmptyState;
class IngestPage;
class OrchestratePage;
class PipelineListModel;
class RunsPage;
class TransformPage;

// The control room's frame: a page list on the left (Ingest, Transform, Orchestrate, Runs, Settings,
// Admin; Ctrl+1..6), the current page on the right, the org switcher in the toolbar (the last org is
// remembered), the store in the status bar. It never touches
// the database and never waits: the composition root wires the pages' intents to services on other
// threads and feeds their answers back (the store opened or not, the pipelines, the runs).
// - refreshRequested() when the window comes back to the front and on F5 (Orchestrate): what another
//   process changed meanwhile is read again.
// - Closing: with runs this window executes in progress it asks first (window-modal, no nested event
//   loop); agreeing — or closing with none in progress — hides the window at once and emits
//   quitRequested(): whoever executes the runs cancels them, and the application ends once they are
//   recorded.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Shows "opening the database…" until showStore() or showStoreFailed() is called.
    void showLoading(const QString &databaseUrl);
    void showStore(const StoreStatus &status);
    // The store could not be opened: every page shows why and the fix (no dialog box).
    void showStoreFailed(const QString &message);
    void showOrgs(const QList<Org> &orgs);
    void showPipelines(const QList<Pipeline> &pipelines);

    enum Page { Ingest, Transform, Orchestrate, Runs, Settings, Admin, PageCount };
    void showPage(Page page);

    [[nodiscard]] OrchestratePage *orchestratePage() const { return m_orchestrate; }
    [[nodiscard]] RunsPage *runsPage() const { return m_runs; }
    [[nodiscard]] TransformPage *transformPage() const { return m_transform; }
    [[nodiscard]] IngestPage *ingestPage() const { return m_ingest; }
    // The org the per-org pages show (0 before the orgs are listed), and choosing one by slug.
    [[nodiscard]] qint64 currentOrgId() const;
    void chooseOrg(const QString &slug);

    // A run was started or queued at the user's request: the Runs page shows it.
    void showRunRequested(qint64 runId, bool queued);
    // A request was refused, or something went wrong that the user should read (a dialog for refusals).
    void showRefusal(const QString &message);
    void showProblem(const QString &message);
    // How many runs this process executes now (a close then asks first).
    void setLocalRunCount(int count);

Q_SIGNALS:
    void quitRequested();
    void refreshRequested();
    // The user (or the remembered choice, QSettings ui/lastOrg) chose the org the pages show.
    void orgChosen(qint64 orgId);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void addPage(const QString &name, QWidget *page);
    void updateStatus();

    QListWidget *m_nav;
    QStackedWidget *m_pages;
    QLabel *m_status;
    QStackedLayout *m_frame;            // the pages, or the store's error state
    EmptyState *m_storeError;
    StoreStatus m_store;
    int m_orgCount = -1;                // -1: not listed yet
    PipelineListModel *m_pipelines;
    OrchestratePage *m_orchestrate;
    RunsPage *m_runs;
    TransformPage *m_transform;
    IngestPage *m_ingest;
    QComboBox *m_orgBox;
    bool m_fillingOrgs = false;
    int m_localRuns = 0;
    QPointer<QMessageBox> m_closePrompt;
    bool m_quitting = false;
};

} // namespace sluice
