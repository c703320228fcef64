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
    connect(s, &RunService::watchStarted, runs, &RunsPage::handleWatchStarted);
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
    if (!m_thread.isRunning())
        return;
    // Runs still executing here are cancelled (their processes get SIGTERM, then SIGKILL after the grace
    // period) and recorded; the thread ends once they have. The app is exiting: the window is gone.
    QMetaObject::invokeMethod(m_service, [s = m_service, t = &m_thread] {
        QObject::connect(s, &RunService::drained, s, [t] { t->quit(); });
        s->shutdown();
    }, Qt::QueuedConnection);
    if (!m_thread.wait(kShutdownWaitMs))
        m_thread.quit();   // a run that would not end: give up on it (its lease expires, an agent crashes it)
    m_thread.wait();
}

void DesktopRuns::start()
{
    m_thread.start();
    QMetaObject::invokeMethod(m_service, &RunService::start, Qt::QueuedConnection);
}

} // namespace sluice
