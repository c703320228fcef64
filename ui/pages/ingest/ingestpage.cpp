#include "pages/ingest/ingestpage.h"

#include "itemmodels/ingestmodels.h"
#include "pages/ingest/connectiondialog.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/serverdialog.h"
#include "pages/ingest/sourcedialog.h"
#include "pages/ingest/warehousetab.h"
#include "widgets/datatable.h"
#include "widgets/emptystate.h"
#include "widgets/statustone.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStackedLayout>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

IngestPage::IngestPage(QWidget *parent) : QWidget(parent), m_sources(new SourceListModel(this))
{
    m_server = new QLabel(tr("Reading the Airbyte server's settings…"), this);
    m_server->setWordWrap(true);
    m_server->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_server->setAccessibleName(tr("Airbyte server"));
    m_notice = new QLabel(this);
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setAccessibleName(tr("Ingest notice"));
    m_notice->hide();
    m_connections = new ConnectionsTab(this);
    m_dialog = new SourceDialog(this);
    m_dialog->setWindowModality(Qt::WindowModal);
    m_connectionDialog = new ConnectionDialog(this);
    m_connectionDialog->setWindowModality(Qt::WindowModal);
    m_serverDialog = new ServerDialog(this);
    m_serverDialog->setWindowModality(Qt::WindowModal);
    m_serverButton = new QPushButton(tr("Airbyte &server…"), this);
    m_serverButton->setToolTip(tr("The Airbyte server Sluice talks to, how it signs in, and the org's workspace"));
    connect(m_serverButton, &QPushButton::clicked, m_serverDialog, [this] {
        m_serverDialog->start();
        m_serverDialog->open();
    });
    connect(m_connections, &ConnectionsTab::newRequested, m_connectionDialog, [this] {
        m_connectionDialog->startNew();
        m_connectionDialog->open();
    });
    connect(m_connections, &ConnectionsTab::editRequested, m_connectionDialog, [this](const QString &id) {
        if (id.isEmpty())
            return;
        m_connectionDialog->startEdit(id);
        m_connectionDialog->open();
    });
    connect(m_connections, &ConnectionsTab::refreshSchemaRequested, m_connectionDialog, [this](const QString &id) {
        if (id.isEmpty())
            return;
        m_connectionDialog->startRefresh(id);
        m_connectionDialog->open();
    });

    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Connections, sources and warehouse"));
    m_tabs->addTab(m_connections, tr("&Connections"));
    m_tabs->addTab(buildSources(), tr("S&ources"));
    m_warehouse = new WarehouseTab(this);
    m_tabs->addTab(m_warehouse, tr("Your &warehouse"));
    auto *layout = new QVBoxLayout(this);
    auto *serverRow = new QHBoxLayout;
    serverRow->addWidget(m_server, 1);
    serverRow->addWidget(m_serverButton, 0, Qt::AlignTop);
    layout->addLayout(serverRow);
    layout->addWidget(m_notice);
    layout->addWidget(m_tabs, 1);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &IngestPage::refreshRequested);
    addAction(refresh);
}

QWidget *IngestPage::buildSources()
{
    auto *page = new QWidget(this);
    m_sourceTable = makeDataTable(m_sources, tr("Sources"), page);
    m_sourceTable->setItemDelegateForColumn(SourceListModel::LastCheck, new StatusToneDelegate(IngestToneRole, m_sourceTable));
    m_noSources = new EmptyState(tr("Loading sources…"), tr("Asking the Airbyte server for the org's sources."), page);
    auto *host = new QWidget(page);
    m_sourceStack = new QStackedLayout(host);
    m_sourceStack->addWidget(m_noSources);
    m_sourceStack->addWidget(m_sourceTable);
    m_newSource = new QPushButton(tr("&New source…"), page);
    m_newSource->setToolTip(tr("Set up a source from any connector the server offers (Ctrl+N)"));
    m_editSource = new QPushButton(tr("&Edit…"), page);
    m_editSource->setToolTip(tr("Change the selected source's settings (F2, or double-click it)"));
    m_checkSource = new QPushButton(tr("Check &connection"), page);
    m_checkSource->setToolTip(tr("Ask the server to connect to the selected source with its stored settings"));
    m_deleteSource = new QPushButton(tr("&Delete…"), page);
    m_deleteSource->setToolTip(tr("Delete the selected source on the server (not while a connection reads from it)"));
    auto *bar = new QHBoxLayout;
    bar->addWidget(m_newSource);
    bar->addWidget(m_editSource);
    bar->addWidget(m_checkSource);
    bar->addWidget(m_deleteSource);
    bar->addStretch(1);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(host, 1);
    layout->addLayout(bar);

    connect(m_newSource, &QPushButton::clicked, m_dialog, [this] {
        m_dialog->startNew();
        m_dialog->open();
    });
    connect(m_editSource, &QPushButton::clicked, m_dialog, [this] {
        if (selectedSourceId().isEmpty())
            return;
        m_dialog->startEdit(selectedSourceId());
        m_dialog->open();
    });
    connect(m_sourceTable, &QTableView::doubleClicked, m_editSource, &QPushButton::click);
    connect(m_checkSource, &QPushButton::clicked, this, [this] {
        if (!selectedSourceId().isEmpty()) {
            showNotice(tr("Checking the source on the server…"));
            Q_EMIT checkSourceRequested(selectedSourceId());
        }
    });
    connect(m_deleteSource, &QPushButton::clicked, this, [this] {
        const QString id = selectedSourceId();
        if (id.isEmpty())
            return;
        auto *box = new QMessageBox(QMessageBox::Warning, tr("Delete the source?"),
                                    tr("The source is deleted on the Airbyte server, with its stored settings."),
                                    QMessageBox::Yes | QMessageBox::Cancel, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setWindowModality(Qt::WindowModal);
        connect(box, &QMessageBox::finished, this, [this, id](int result) {
            if (result == QMessageBox::Yes)
                Q_EMIT deleteSourceRequested(id);
        });
        box->open();
    });
    connect(m_sourceTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &IngestPage::updateSourceActions);
    connect(m_sources, &QAbstractItemModel::modelReset, this, &IngestPage::updateSourceActions);
    const auto shortcut = [page](const QKeySequence &keys, QPushButton *target) {
        auto *a = new QAction(target->text().remove(QLatin1Char('&')), page);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, target, [target] {
            if (target->isEnabled())
                target->click();
        });
        page->addAction(a);
    };
    shortcut(QKeySequence::New, m_newSource);
    shortcut(QKeySequence(Qt::Key_F2), m_editSource);
    shortcut(QKeySequence::Delete, m_deleteSource);
    updateSourceActions();
    return page;
}

QString IngestPage::selectedSourceId() const
{
    const QModelIndex i = m_sourceTable->selectionModel()->currentIndex();
    return i.isValid() && i.row() < m_sources->rowCount() ? m_sources->sourceAt(i.row()).id : QString();
}

void IngestPage::updateSourceActions()
{
    const bool any = !selectedSourceId().isEmpty();
    m_editSource->setEnabled(any);
    m_checkSource->setEnabled(any);
    m_deleteSource->setEnabled(any);
    m_newSource->setEnabled(m_serverProblem.isEmpty());
}

void IngestPage::setOrg(qint64 orgId)
{
    if (orgId == m_orgId)
        return;
    m_orgId = orgId;
    m_notice->hide();
    m_connections->setLoading();
    m_warehouse->setOrg(orgId);
    m_noSources->setText(tr("Loading sources…"), tr("Asking the Airbyte server for the org's sources."));
    m_sourceStack->setCurrentWidget(m_noSources);
}

void IngestPage::showServer(qint64 orgId, const QString &summary, const QString &problem)
{
    if (orgId != m_orgId)
        setOrg(orgId);
    m_serverProblem = problem;
    m_server->setText(problem.isEmpty() ? summary : summary.isEmpty() ? problem : tr("%1 — %2").arg(summary, problem));
    m_server->setForegroundRole(problem.isEmpty() ? QPalette::WindowText : QPalette::Highlight);
    m_connections->setServerProblem(problem);
    updateSourceActions();
}

void IngestPage::showSources(qint64 orgId, const QList<IngestSourceRow> &rows)
{
    if (orgId != m_orgId)
        return;
    const QString keep = selectedSourceId();
    m_sources->setSources(rows);
    if (rows.isEmpty()) {
        if (m_serverProblem.isEmpty())
            m_noSources->setText(tr("No sources yet"), tr("A source is where data comes from: a database, an API, a spreadsheet.\n"
                                                          "Set one up with New source (Ctrl+N) below."));
        else
            m_noSources->setText(tr("The sources cannot be listed"), m_serverProblem);
        m_sourceStack->setCurrentWidget(m_noSources);
    } else {
        m_sourceStack->setCurrentWidget(m_sourceTable);
        const int row = std::max(0, m_sources->rowOf(keep));
        if (selectedSourceId() != m_sources->sourceAt(row).id)
            m_sourceTable->selectionModel()->setCurrentIndex(m_sources->index(row, 0),
                                                             QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    updateSourceActions();
}

void IngestPage::showConnections(qint64 orgId, const QList<IngestConnectionRow> &rows)
{
    if (orgId == m_orgId)
        m_connections->showConnections(rows);
}

void IngestPage::showEndpoints(qint64 orgId, const QList<IngestEndpoint> &sources, const QList<IngestEndpoint> &destinations)
{
    if (orgId == m_orgId)
        m_connectionDialog->setEndpoints(sources, destinations);
}

void IngestPage::showNotice(const QString &message)
{
    m_notice->setText(message);
    m_notice->setVisible(!message.isEmpty());
}

} // namespace sluice
