#include "desktopruns.h"

#include "mainwindow.h"
#include "pages/orchestratepage.h"
#include "pages/runspage.h"

namespace sluice {

DesktopRuns::DesktopRuns(MainWindow &window, DbUrl url, RunServiceOptions options, QObject *parent)
    : QObject(parent), m_service(new RunService(std::move(url), std::move(options)))
{
    m_thread.setObjectName(QStringLiteral("runs"));
    m_service->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_service, &QObject::deleteLater);

    RunsPage *runs = window.runsPage();
    RunService *s = m_service;
    // Intents of the pages → the service (queued: it lives in another thread).
    connect(window.orchestratePage(), &OrchestratePage::runRequested, s, &RunService::requestPipelineRun);
    connect(runs, &RunsPage::runSelected, s, &RunService::watchRun);
    connect(runs, &RunsPage::cancelRequested, s, &RunService::cancelRun);
    connect(runs, &RunsPage::refreshRequested, s, &RunService::refreshRuns);
    connect(&window, &MainWindow::quitRequested, s, &RunService::shutdown);
    // Answers → the window (queued back to the GUI thread).
    connect(s, &RunService::runsListed, runs, &RunsPage::showRuns);
    connect(s, &RunService::runChanged, runs, &RunsPage::showRun);
    connect(s, &RunService::logLinesAppended, runs, &RunsPage::appendLog);
    connect(s, &RunService::cancelAnswered, runs, [runs](qint64, const QString &message) { runs->showNotice(message); });
    connect(s, &RunService::runRequested, &window, &MainWindow::showRunRequested);
    connect(s, &RunService::runRefused, &window, &MainWindow::showRefusal);
    connect(s, &RunService::problem, &window, &MainWindow::showProblem);
    connect(s, &RunService::localRunsChanged, &window, &MainWindow::setLocalRunCount);
    connect(s, &RunService::drained, this, &DesktopRuns::drained);
}

DesktopRuns::~DesktopRuns()
{
    m_thread.quit();
    m_thread.wait();
}

void DesktopRuns::start()
{
    m_thread.start();
    QMetaObject::invokeMethod(m_service, &RunService::start, Qt::QueuedConnection);
}

} // namespace sluice
