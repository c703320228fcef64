#include "mainwindow.h"

#include "itemmodels/pipelinelistmodel.h"
#include "pages/ingest/ingestpage.h"
#include "pages/orchestrate/orchestratepage.h"
#include "pages/runs/runspage.h"
#include "pages/transform/transformpage.h"
#include "widgets/emptystate.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QSettings>
#include <QToolBar>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedLayout>
#include <QStackedWidget>
#include <QStatusBar>

namespace sluice {

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent), m_nav(new QListWidget(this)), m_pages(new QStackedWidget(this)), m_status(new QLabel(this)),
      m_frame(new QStackedLayout), m_storeError(new EmptyState(QString(), QString(), this)),
      m_pipelines(new PipelineListModel(this)), m_orchestrate(new OrchestratePage(m_pipelines, this)), m_runs(new RunsPage(this)),
      m_transform(new TransformPage(this)), m_ingest(new IngestPage(this)), m_orgBox(new QComboBox(this))
{
    setWindowTitle(tr("Sluice"));
    resize(1100, 700);

    addPage(tr("Ingest"), m_ingest);
    addPage(tr("Transform"), m_transform);
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
    // A screen reader (AT-SPI's Selection) selects an item without making it current: the page
    // follows the selection too, and the current row follows it so that both agree.
    connect(m_nav, &QListWidget::itemSelectionChanged, this, [this] {
        const QList<QListWidgetItem *> chosen = m_nav->selectedItems();
        if (chosen.size() == 1 && m_nav->row(chosen.first()) != m_nav->currentRow())
            m_nav->setCurrentRow(m_nav->row(chosen.first()));
    });
    m_nav->setCurrentRow(Orchestrate);

    m_nav->setAccessibleName(tr("Pages"));
    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_nav);
    layout->addWidget(m_pages, 1);
    auto *frame = new QWidget(this);
    frame->setLayout(m_frame);
    m_frame->addWidget(central);
    m_frame->addWidget(m_storeError);
    setCentralWidget(frame);
    m_status->setAccessibleName(tr("Store"));
    statusBar()->addWidget(m_status, 1);
    connect(m_orchestrate, &OrchestratePage::refreshRequested, this, &MainWindow::refreshRequested);

    // The org switcher: the pages that show one org show the chosen one; the choice is remembered.
    QToolBar *bar = addToolBar(tr("Org"));
    bar->setObjectName(QStringLiteral("orgBar"));
    bar->setMovable(false);
    auto *orgLabel = new QLabel(tr("&Org:"), bar);
    orgLabel->setBuddy(m_orgBox);
    orgLabel->setContentsMargins(8, 0, 4, 0);
    m_orgBox->setAccessibleName(tr("Org"));
    m_orgBox->setMinimumContentsLength(16);
    m_orgBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    bar->addWidget(orgLabel);
    bar->addWidget(m_orgBox);
    connect(m_orgBox, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (index < 0 || m_fillingOrgs)
            return;
        const qint64 id = m_orgBox->itemData(index).toLongLong();
        QSettings().setValue(QStringLiteral("ui/lastOrg"), m_orgBox->itemData(index, Qt::UserRole + 1).toString());
        Q_EMIT orgChosen(id);
    });
    connect(m_transform, &TransformPage::refreshRequested, this, &MainWindow::refreshRequested);

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

void MainWindow::showStore(const StoreStatus &status)
{
    m_store = status;
    m_frame->setCurrentIndex(0);
    updateStatus();
}

void MainWindow::showOrgs(const QList<Org> &orgs)
{
    m_orgCount = int(orgs.size());
    updateStatus();
    // Kept when the orgs are the same (a refresh); the remembered org is chosen on first fill.
    const QString current = m_orgBox->currentIndex() >= 0 ? m_orgBox->currentData(Qt::UserRole + 1).toString()
                                                          : QSettings().value(QStringLiteral("ui/lastOrg")).toString();
    bool same = m_orgBox->count() == orgs.size();
    for (int i = 0; same && i < orgs.size(); ++i)
        same = m_orgBox->itemData(i).toLongLong() == orgs.at(i).id && m_orgBox->itemText(i) == orgs.at(i).name;
    if (same)
        return;
    m_fillingOrgs = true;
    m_orgBox->clear();
    int chosen = orgs.isEmpty() ? -1 : 0;
    for (int i = 0; i < orgs.size(); ++i) {
        m_orgBox->addItem(orgs.at(i).name, orgs.at(i).id);
        m_orgBox->setItemData(i, orgs.at(i).slug, Qt::UserRole + 1);
        m_orgBox->setItemData(i, tr("%1 (%2)").arg(orgs.at(i).name, orgs.at(i).slug), Qt::ToolTipRole);
        if (orgs.at(i).slug == current)
            chosen = i;
    }
    m_orgBox->setCurrentIndex(chosen);
    m_fillingOrgs = false;
    if (chosen >= 0)
        Q_EMIT orgChosen(orgs.at(chosen).id);
}

qint64 MainWindow::currentOrgId() const
{
    return m_orgBox->currentIndex() < 0 ? 0 : m_orgBox->currentData().toLongLong();
}

void MainWindow::chooseOrg(const QString &slug)
{
    for (int i = 0; i < m_orgBox->count(); ++i)
        if (m_orgBox->itemData(i, Qt::UserRole + 1).toString() == slug)
            m_orgBox->setCurrentIndex(i);
}

void MainWindow::showPipelines(const QList<Pipeline> &pipelines)
{
    m_pipelines->setPipelines(pipelines);
}

void MainWindow::updateStatus()
{
    QString text = tr("%1 · %2 · schema v%3").arg(m_store.backend, m_store.databaseUrl).arg(m_store.schemaVersion);
    if (m_orgCount >= 0)
        text += QStringLiteral(" · ") + (m_orgCount == 1 ? tr("1 org") : tr("%1 orgs").arg(m_orgCount));
    m_status->setText(text);
}

void MainWindow::showStoreFailed(const QString &message)
{
    m_status->setText(tr("Database unavailable"));
    m_storeError->setText(tr("Cannot open the database"),
                          tr("%1\n\nSluice shows nothing until the database opens: fix the problem above, then start Sluice "
                             "again (or pass another database with --db URL).")
                              .arg(message));
    m_frame->setCurrentWidget(m_storeError);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    // Back to the front: what changed elsewhere while the user was away is read again.
    if (event->type() == QEvent::ActivationChange && isActiveWindow())
        Q_EMIT refreshRequested();
}

void MainWindow::showRunRequested(qint64 runId, bool queued)
{
    m_runs->selectRun(runId);
    // A task executed from the Transform page shows its log there; the Runs page follows it too.
    if (m_pages->currentWidget() == m_transform && !queued)
        m_transform->showRunStarted(runId);
    else
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
        // The window goes at once; the application ends when whoever executes runs has recorded them.
        event->accept();
        if (!std::exchange(m_quitting, true))
            Q_EMIT quitRequested();
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
        // The window goes now; the runs are cancelled and recorded behind it, then the application ends.
        m_quitting = true;
        hide();
        Q_EMIT quitRequested();
    });
    m_closePrompt->open();
}

} // namespace sluice
