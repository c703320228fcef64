#include "mainwindow.h"

#include "itemmodels/pipelinelistmodel.h"
#include "pages/orchestratepage.h"
#include "pages/runspage.h"
#include "widgets/emptystate.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>

namespace sluice {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_nav(new QListWidget(this)), m_pages(new QStackedWidget(this)), m_status(new QLabel(this)),
      m_pipelines(new PipelineListModel(this)), m_orchestrate(new OrchestratePage(m_pipelines, this)), m_runs(new RunsPage(this))
{
    setWindowTitle(tr("Sluice"));
    resize(1100, 700);

    addPage(tr("Ingest"), new EmptyState(tr("No Airbyte server yet"),
                                         tr("Connect an Airbyte server to pick the connections your pipelines sync.\n"
                                            "Airbyte support arrives with the executors."), this));
    addPage(tr("Transform"), new EmptyState(tr("No dbt workspace yet"),
                                            tr("Point Sluice at your dbt project's git repository and warehouse to run dbt "
                                               "commands and browse models."), this));
    addPage(tr("Orchestrate"), m_orchestrate);
    addPage(tr("Runs"), m_runs);
    addPage(tr("Settings"), new EmptyState(tr("Settings"),
                                           tr("Warehouse, dbt workspace and notification settings per org will live here.\n"
                                              "Secrets are kept in your system keychain, never in the database."), this));
    addPage(tr("Admin"), new EmptyState(tr("Admin"),
                                        tr("Migrate a blocks-era setup, see agents and locks, and read the history of changes."), this));

    m_nav->setFixedWidth(180);
    m_nav->setFrameShape(QFrame::NoFrame);
    m_nav->setStyleSheet(QStringLiteral("QListWidget { background: palette(window); font-size: 11pt; }"
                                        "QListWidget::item { padding: 9px 14px; }"));
    connect(m_nav, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);
    m_nav->setCurrentRow(Orchestrate);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_nav);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    statusBar()->addWidget(m_status, 1);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    // Through close(): runs in progress are asked about first.
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < PageCount; ++i) {
        QAction *a = view->addAction(m_nav->item(i)->text(), this, [this, i] { showPage(Page(i)); });
        a->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
    }
}

void MainWindow::addPage(const QString &name, QWidget *page)
{
    m_nav->addItem(name);
    m_pages->addWidget(page);
}

void MainWindow::showPage(Page page)
{
    m_nav->setCurrentRow(page);
}

void MainWindow::showLoading(const QString &databaseUrl)
{
    m_status->setText(tr("Opening %1…").arg(databaseUrl));
}

void MainWindow::showSnapshot(const StoreSnapshot &snapshot)
{
    m_pipelines->setPipelines(snapshot.pipelines);
    m_status->setText(tr("%1 · %2 · schema v%3 · %n org(s)", nullptr, int(snapshot.orgs.size()))
                          .arg(snapshot.backend, snapshot.databaseUrl)
                          .arg(snapshot.schemaVersion));
}

void MainWindow::showRunRequested(qint64 runId, bool queued)
{
    m_runs->selectRun(runId);
    showPage(Runs);
    statusBar()->showMessage(queued ? tr("Run %1 is queued for an agent.").arg(runId) : tr("Run %1 started.").arg(runId), 8000);
}

void MainWindow::showRefusal(const QString &message)
{
    // Window-modal without a nested event loop: the GUI goes on while the message is read.
    auto *box = new QMessageBox(QMessageBox::Warning, tr("The run did not start"), message, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::showProblem(const QString &message)
{
    statusBar()->showMessage(message, 15000);
}

void MainWindow::setLocalRunCount(int count)
{
    m_localRuns = count;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_localRuns == 0 || m_quitting) {
        event->accept();
        return;
    }
    event->ignore();
    if (m_closePrompt)
        return;   // already asking
    m_closePrompt = new QMessageBox(QMessageBox::Question, tr("Runs in progress"),
                                    tr("%n run(s) started in this window are still in progress. Quitting cancels them (their "
                                       "processes are stopped and the runs recorded as cancelled).\n\nTo let scheduled work "
                                       "go on without this window, use sluice-agent.",
                                       nullptr, m_localRuns),
                                    QMessageBox::Cancel | QMessageBox::Yes, this);
    m_closePrompt->setDefaultButton(QMessageBox::Cancel);
    m_closePrompt->button(QMessageBox::Yes)->setText(tr("Cancel runs and quit"));
    m_closePrompt->button(QMessageBox::Cancel)->setText(tr("Keep running"));
    m_closePrompt->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_closePrompt, &QMessageBox::finished, this, [this](int answer) {
        if (answer != QMessageBox::Yes)
            return;
        m_quitting = true;
        statusBar()->showMessage(tr("Cancelling the runs in progress, then quitting…"));
        Q_EMIT quitRequested();
    });
    m_closePrompt->open();
}

void MainWindow::showError(const Error &error)
{
    m_status->setText(tr("Database unavailable"));
    QMessageBox::critical(this, tr("Cannot open the database"), error.message);
}

} // namespace sluice
