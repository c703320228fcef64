#include "desktopservices.h"

#include "mainwindow.h"
#include "pages/ingest/connectiondialog.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/ingestpage.h"
#include "pages/ingest/serverdialog.h"
#include "pages/ingest/sourcedialog.h"
#include "pages/ingest/warehousetab.h"
#include "pages/orchestrate/orchestratepage.h"
#include "pages/runs/runspage.h"
#include "pages/transform/docsbar.h"
#include "pages/transform/lineagepanel.h"
#include "pages/transform/projectcard.h"
#include "pages/transform/transformpage.h"

namespace sluice {

DesktopServices::DesktopServices(MainWindow &window, DbUrl url, DesktopServicesOptions options, QObject *parent)
    : QObject(parent), m_catalog(new CatalogService(url, options.catalog)), m_runs(new RunService(url, options.runs)),
      m_transform(new TransformService(url, options.runs.actor)), m_docs(new DocsService(url, options.runs.actor)),
      m_lineage(new LineageLayoutService), m_ingest(new IngestService(url, options.runs.actor))
{
    m_ingestThread.setObjectName(QStringLiteral("ingest"));
    m_ingest->moveToThread(&m_ingestThread);
    connect(&m_ingestThread, &QThread::finished, m_ingest, &QObject::deleteLater);
    m_catalogThread.setObjectName(QStringLiteral("catalog"));
    m_runsThread.setObjectName(QStringLiteral("runs"));
    m_catalog->moveToThread(&m_catalogThread);
    m_transformThread.setObjectName(QStringLiteral("transform"));
    m_runs->moveToThread(&m_runsThread);
    m_transform->moveToThread(&m_transformThread);
    connect(&m_catalogThread, &QThread::finished, m_catalog, &QObject::deleteLater);
    connect(&m_runsThread, &QThread::finished, m_runs, &QObject::deleteLater);
    connect(&m_transformThread, &QThread::finished, m_transform, &QObject::deleteLater);
    m_docs->moveToThread(&m_transformThread);
    connect(&m_transformThread, &QThread::finished, m_docs, &QObject::deleteLater);
    m_lineageThread.setObjectName(QStringLiteral("lineage"));
    m_lineage->moveToThread(&m_lineageThread);
    connect(&m_lineageThread, &QThread::finished, m_lineage, &QObject::deleteLater);

    // The catalog: the store opened (or why not), orgs and pipelines; read again when the window asks.
    CatalogService *c = m_catalog;
    connect(c, &CatalogService::storeOpened, &window, &MainWindow::showStore);
    connect(c, &CatalogService::storeFailed, &window, &MainWindow::showStoreFailed);
    connect(c, &CatalogService::orgsListed, &window, &MainWindow::showOrgs);
    connect(c, &CatalogService::pipelinesListed, &window, &MainWindow::showPipelines);
    connect(c, &CatalogService::problem, &window, &MainWindow::showProblem);
    connect(&window, &MainWindow::refreshRequested, c, &CatalogService::refresh);
    // The runs service needs the store to exist and be current: it starts once the catalog opened it.
    connect(c, &CatalogService::storeOpened, this, [this] {
        if (m_stopping || std::exchange(m_runsStarted, true))
            return;
        QMetaObject::invokeMethod(m_runs, &RunService::start, Qt::QueuedConnection);
        QMetaObject::invokeMethod(m_transform, &TransformService::start, Qt::QueuedConnection);
        QMetaObject::invokeMethod(m_docs, &DocsService::start, Qt::QueuedConnection);
        QMetaObject::invokeMethod(m_ingest, &IngestService::start, Qt::QueuedConnection);
    });

    // The Ingest page ↔ its service; Sync / Reset / Clear run the connection's task as Execute does.
    IngestPage *ip = window.ingestPage();
    IngestService *is = m_ingest;
    ConnectionsTab *ct = ip->connectionsTab();
    SourceDialog *sd = ip->sourceDialog();
    connect(&window, &MainWindow::orgChosen, ip, &IngestPage::setOrg);
    connect(&window, &MainWindow::orgChosen, is, &IngestService::showOrg);
    connect(&window, &MainWindow::refreshRequested, is, &IngestService::refresh);
    connect(ip, &IngestPage::refreshRequested, is, &IngestService::refresh);
    connect(ip, &IngestPage::checkSourceRequested, is, &IngestService::checkSource);
    connect(ip, &IngestPage::deleteSourceRequested, is, &IngestService::deleteSource);
    connect(is, &IngestService::serverShown, ip, &IngestPage::showServer);
    connect(is, &IngestService::sourcesShown, ip, &IngestPage::showSources);
    connect(is, &IngestService::connectionsShown, ip, &IngestPage::showConnections);
    connect(is, &IngestService::notice, ip, &IngestPage::showNotice);
    connect(is, &IngestService::problem, &window, &MainWindow::showProblem);
    connect(sd, &SourceDialog::definitionsRequested, is, &IngestService::listDefinitions);
    connect(sd, &SourceDialog::specRequested, is, &IngestService::loadSpec);
    connect(sd, &SourceDialog::openRequested, is, &IngestService::openSource);
    connect(sd, &SourceDialog::checkRequested, is, &IngestService::checkConfiguration);
    connect(sd, &SourceDialog::saveRequested, is, &IngestService::saveSource);
    connect(is, &IngestService::definitionsListed, sd, &SourceDialog::showDefinitions);
    connect(is, &IngestService::specLoaded, sd, &SourceDialog::showSpec);
    connect(is, &IngestService::sourceOpened, sd, &SourceDialog::showOpened);
    connect(is, &IngestService::configurationChecked, sd, &SourceDialog::showChecked);
    connect(is, &IngestService::sourceSaved, sd, &SourceDialog::showSaved);
    connect(is, &IngestService::sourceRefused, sd, &SourceDialog::showRefused);
    connect(is, &IngestService::sourceInvalid, sd, &SourceDialog::showInvalid);
    connect(ct, &ConnectionsTab::taskRequested, is, &IngestService::requestConnectionTask);
    connect(ct, &ConnectionsTab::cancelRequested, is, &IngestService::cancelConnection);
    connect(ct, &ConnectionsTab::historyRequested, is, &IngestService::listJobs);
    connect(ct, &ConnectionsTab::jobRequested, is, &IngestService::loadJob);
    connect(ct, &ConnectionsTab::activeRequested, is, &IngestService::setConnectionActive);
    connect(ct, &ConnectionsTab::deleteRequested, is, &IngestService::deleteConnection);
    ConnectionDialog *cd = ip->connectionDialog();
    connect(is, &IngestService::endpointsShown, ip, &IngestPage::showEndpoints);
    connect(cd, &ConnectionDialog::discoverRequested, is, &IngestService::discover);
    connect(cd, &ConnectionDialog::openRequested, is, &IngestService::openConnection);
    connect(cd, &ConnectionDialog::refreshRequested, is, &IngestService::refreshSchema);
    connect(cd, &ConnectionDialog::saveRequested, is, &IngestService::saveConnection);
    connect(is, &IngestService::discovered, cd, &ConnectionDialog::showDiscovered);
    connect(is, &IngestService::connectionOpened, cd, &ConnectionDialog::showOpened);
    connect(is, &IngestService::schemaRefreshed, cd, &ConnectionDialog::showRefreshed);
    connect(is, &IngestService::connectionSaved, cd, &ConnectionDialog::showSaved);
    connect(is, &IngestService::connectionRefused, cd, &ConnectionDialog::showRefused);
    connect(is, &IngestService::jobsListed, ct, &ConnectionsTab::showJobs);
    ServerDialog *sv = ip->serverDialog();
    connect(sv, &ServerDialog::openRequested, is, &IngestService::openServer);
    connect(sv, &ServerDialog::testRequested, is, &IngestService::testServer);
    connect(sv, &ServerDialog::createWorkspaceRequested, is, &IngestService::createWorkspace);
    connect(sv, &ServerDialog::saveRequested, is, &IngestService::saveServer);
    connect(is, &IngestService::serverOpened, sv, &ServerDialog::showOpened);
    connect(is, &IngestService::serverTested, sv, &ServerDialog::showTested);
    connect(is, &IngestService::workspaceCreated, sv, &ServerDialog::showWorkspaceCreated);
    connect(is, &IngestService::serverSaved, sv, &ServerDialog::showSaved);
    connect(is, &IngestService::serverRefused, sv, &ServerDialog::showRefused);
    WarehouseTab *wt = ip->warehouseTab();
    connect(wt, &WarehouseTab::testRequested, is, &IngestService::testWarehouse);
    connect(wt, &WarehouseTab::saveRequested, is, &IngestService::saveWarehouse);
    connect(is, &IngestService::warehouseShown, wt, &WarehouseTab::showWarehouse);
    connect(is, &IngestService::warehouseTested, wt, &WarehouseTab::showTested);
    connect(is, &IngestService::warehouseSaved, wt, &WarehouseTab::showSaved);
    connect(is, &IngestService::warehouseRefused, wt, &WarehouseTab::showRefused);
    connect(is, &IngestService::jobLoaded, ct, &ConnectionsTab::showJob);
    connect(is, &IngestService::connectionTaskReady, m_runs, &RunService::requestTaskRun);
    connect(is, &IngestService::runCancelRequested, m_runs, &RunService::cancelRun);
    connect(m_runs, &RunService::runRefused, ip, &IngestPage::showNotice);
    connect(m_runs, &RunService::cancelAnswered, ip, [ip](qint64, const QString &message) { ip->showNotice(message); });

    // The Transform page ↔ its service; Execute goes to the runs service (the run and its log).
    TransformPage *tp = window.transformPage();
    TransformService *ts = m_transform;
    connect(&window, &MainWindow::orgChosen, ts, &TransformService::showOrg);
    connect(&window, &MainWindow::refreshRequested, ts, &TransformService::refresh);
    connect(tp, &TransformPage::selectionRequested, ts, &TransformService::countSelection);
    connect(tp, &TransformPage::deleteRequested, ts, &TransformService::deleteTask);
    connect(tp, &TransformPage::saveTaskRequested, ts, &TransformService::saveTask);
    connect(ts, &TransformService::taskSaved, tp, &TransformPage::showTaskSaved);
    connect(ts, &TransformService::taskRefused, tp, &TransformPage::showTaskRefused);
    connect(ts, &TransformService::overviewShown, tp, &TransformPage::showOverview);
    ProjectCard *card = tp->projectCard();
    connect(card, &ProjectCard::saveRequested, ts, &TransformService::saveWorkspace);
    connect(card, &ProjectCard::transferRequested, ts, &TransformService::transferWorkspace);
    connect(card, &ProjectCard::fetchRequested, ts, &TransformService::fetchWorkspace);
    connect(card, &ProjectCard::cancelTransferRequested, ts, &TransformService::cancelTransfer);
    connect(card, &ProjectCard::branchesRequested, ts, &TransformService::listBranches);
    connect(card, &ProjectCard::tokenSaveRequested, ts, &TransformService::saveGitToken);
    connect(card, &ProjectCard::installRequested, ts, &TransformService::installDbt);
    connect(card, &ProjectCard::cancelInstallRequested, ts, &TransformService::cancelInstall);
    connect(ts, &TransformService::workspaceSaved, card, &ProjectCard::showSaved);
    connect(ts, &TransformService::workspaceRefused, card, &ProjectCard::showRefused);
    connect(ts, &TransformService::transferProgress, card, &ProjectCard::showTransferProgress);
    connect(ts, &TransformService::transferFinished, card, &ProjectCard::showTransferFinished);
    connect(ts, &TransformService::branchesListed, card, &ProjectCard::showBranches);
    connect(ts, &TransformService::tokenSaved, card, &ProjectCard::showTokenSaved);
    connect(ts, &TransformService::installProgress, card, &ProjectCard::showInstallProgress);
    connect(ts, &TransformService::installLog, card, &ProjectCard::appendInstallLog);
    connect(ts, &TransformService::installFinished, card, &ProjectCard::showInstallFinished);
    connect(ts, &TransformService::tasksShown, tp, &TransformPage::showTasks);
    connect(ts, &TransformService::modelsShown, tp, &TransformPage::showModels);
    connect(ts, &TransformService::selectionCounted, tp, &TransformPage::showSelectionCount);
    connect(ts, &TransformService::refused, tp, &TransformPage::showNotice);
    connect(ts, &TransformService::problem, &window, &MainWindow::showProblem);
    connect(tp, &TransformPage::executeRequested, m_runs, &RunService::requestTaskRun);
    connect(m_runs, &RunService::runChanged, tp, &TransformPage::showRun);
    connect(m_runs, &RunService::logLinesAppended, tp, &TransformPage::appendLog);
    connect(m_runs, &RunService::watchStarted, tp, &TransformPage::handleWatchStarted);
    connect(m_runs, &RunService::runRefused, tp, &TransformPage::showNotice);
    // Its docs: Generate finds the docs task, which the page runs as Execute does; Open gives the URL.
    DocsBar *db = tp->docsBar();
    DocsService *ds = m_docs;
    connect(&window, &MainWindow::orgChosen, ds, &DocsService::showOrg);
    connect(&window, &MainWindow::refreshRequested, ds, &DocsService::refresh);
    connect(ts, &TransformService::workspaceSaved, ds, &DocsService::refresh);
    connect(ts, &TransformService::transferFinished, ds, &DocsService::refresh);
    connect(db, &DocsBar::generateRequested, ds, &DocsService::generate);
    connect(db, &DocsBar::openRequested, ds, &DocsService::open);
    connect(db, &DocsBar::refreshRequested, ds, &DocsService::refresh);
    connect(ds, &DocsService::docsShown, db, &DocsBar::showState);
    connect(ds, &DocsService::docsTaskReady, tp, &TransformPage::runDocsTask);
    connect(ds, &DocsService::docsReady, db, &DocsBar::openUrl);
    connect(ds, &DocsService::docsRefused, db, &DocsBar::showRefusal);
    connect(ds, &DocsService::problem, &window, &MainWindow::showProblem);
    // Its lineage graph ↔ the one Graphviz thread.
    connect(tp->lineagePanel(), &LineagePanel::layoutRequested, m_lineage, &LineageLayoutService::layOut);
    connect(m_lineage, &LineageLayoutService::laidOut, tp->lineagePanel(), &LineagePanel::showLayout);

    RunsPage *runs = window.runsPage();
    RunService *s = m_runs;
    // Intents of the pages → the runs service (queued: it lives in another thread).
    connect(window.orchestratePage(), &OrchestratePage::runRequested, s, &RunService::requestPipelineRun);
    connect(runs, &RunsPage::runSelected, s, &RunService::watchRun);
    connect(runs, &RunsPage::cancelRequested, s, &RunService::cancelRun);
    connect(runs, &RunsPage::refreshRequested, s, &RunService::refreshRuns);
    connect(&window, &MainWindow::quitRequested, this, [this] {
        m_stopping = true;
        QMetaObject::invokeMethod(m_runs, &RunService::shutdown, Qt::QueuedConnection);
    });
    // Answers → the window (queued back to the GUI thread).
    connect(s, &RunService::runsListed, runs, &RunsPage::showRuns);
    connect(s, &RunService::runChanged, runs, &RunsPage::showRun);
    connect(s, &RunService::watchStarted, runs, &RunsPage::handleWatchStarted);
    connect(s, &RunService::logLinesAppended, runs, &RunsPage::appendLog);
    connect(s, &RunService::cancelAnswered, runs, [runs](qint64, const QString &message) { runs->showNotice(message); });
    connect(s, &RunService::runRequested, &window, &MainWindow::showRunRequested);
    connect(s, &RunService::runRefused, &window, &MainWindow::showRefusal);
    connect(s, &RunService::problem, &window, &MainWindow::showProblem);
    connect(s, &RunService::localRunsChanged, &window, &MainWindow::setLocalRunCount);
    // Every run recorded: the threads stop; once both have, finished().
    connect(s, &RunService::drained, this, &DesktopServices::stopThreads);
    for (QThread *t : {&m_catalogThread, &m_runsThread, &m_transformThread, &m_lineageThread, &m_ingestThread})
        connect(t, &QThread::finished, this, [this] {
            if (m_catalogThread.isFinished() && m_runsThread.isFinished() && m_transformThread.isFinished()
                && m_lineageThread.isFinished() && m_ingestThread.isFinished() && !std::exchange(m_finished, true))
                Q_EMIT finished();
        });
}

DesktopServices::~DesktopServices()
{
    if (!m_catalogThread.isRunning() && !m_runsThread.isRunning() && !m_transformThread.isRunning() && !m_lineageThread.isRunning()
        && !m_ingestThread.isRunning())
        return;
    // The event loop ended without quitRequested() having run its course: the window is gone; runs still
    // executing here are cancelled (SIGTERM, then SIGKILL after the grace period) and recorded, then the
    // threads end. The only wait on this thread, and only in this case.
    QMetaObject::invokeMethod(m_runs, [s = m_runs, t = &m_runsThread] {
        QObject::connect(s, &RunService::drained, s, [t] { t->quit(); });
        s->shutdown();
    }, Qt::QueuedConnection);
    m_catalogThread.quit();
    m_transformThread.quit();
    m_lineageThread.quit();
    m_ingestThread.quit();
    m_catalogThread.wait();
    m_ingestThread.wait();
    m_transformThread.wait();
    m_lineageThread.wait();
    m_runsThread.wait();
}

void DesktopServices::start()
{
    m_catalogThread.start();
    m_runsThread.start();
    m_transformThread.start();
    m_lineageThread.start();
    m_ingestThread.start();
    QMetaObject::invokeMethod(m_catalog, &CatalogService::start, Qt::QueuedConnection);
}

void DesktopServices::stopThreads()
{
    m_catalogThread.quit();
    m_transformThread.quit();
    m_lineageThread.quit();
    m_ingestThread.quit();
    m_runsThread.quit();
}

} // namespace sluice
