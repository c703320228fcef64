#include "pages/ingest/connectionstab.h"

#include "pages/ingest/dropdatadialog.h"

#include "itemmodels/ingestmodels.h"
#include "itemmodels/tasklistmodel.h"
#include "widgets/datatable.h"
#include "widgets/emptystate.h"
#include "widgets/statustone.h"

#include <QAction>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedLayout>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

namespace {

QPushButton *button(const QString &text, const QString &tip, QWidget *parent)
{
    auto *b = new QPushButton(text, parent);
    b->setToolTip(tip);
    return b;
}

void addShortcut(QWidget *owner, const QKeySequence &keys, QPushButton *target)
{
    auto *a = new QAction(target->text().remove(QLatin1Char('&')), owner);
    a->setShortcut(keys);
    a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    QObject::connect(a, &QAction::triggered, target, [target] {
        if (target->isEnabled())
            target->click();
    });
    owner->addAction(a);
}

} // namespace

ConnectionsTab::ConnectionsTab(QWidget *parent)
    : QWidget(parent), m_model(new ConnectionListModel(this)), m_jobs(new SyncJobListModel(this))
{
    m_table = makeDataTable(m_model, tr("Connections"), this);
    m_empty = new EmptyState(tr("Loading connections…"), tr("Asking the Airbyte server for the org's connections."), this);
    auto *host = new QWidget(this);
    m_stack = new QStackedLayout(host);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);

    m_new = button(tr("&New connection…"), tr("Connect a source to a destination and choose its streams (Ctrl+N)"), this);
    m_edit = button(tr("&Edit…"), tr("Change the selected connection's streams, modes and namespace (F2)"), this);
    m_refreshSchema = button(tr("Refresh &schema…"), tr("Discover the source again and see what changed before applying it"), this);
    m_sync = button(tr("&Sync now"), tr("Sync the selected connection now, as a task with its lock (Ctrl+Return)"), this);
    m_cancel = button(tr("&Cancel sync"), tr("Cancel the selected connection's queued or running sync"), this);
    m_reset = button(tr("&Reset…"), tr("Delete the synced data of every stream or of chosen ones and sync them again from scratch (older servers)"), this);
    m_clear = button(tr("C&lear…"), tr("Delete the synced data of every stream or of chosen ones in the destination (the next sync starts over)"), this);
    m_active = button(tr("&Disable"), tr("Pause or resume the connection on the Airbyte server"), this);
    m_delete = button(tr("De&lete…"), tr("Delete the connection on the Airbyte server (not while a pipeline uses it)"), this);
    m_delete->setText(tr("Delete…"));
    m_history = button(tr("Refresh &history"), tr("Read the selected connection's jobs again"), this);
    auto *bar = new QHBoxLayout;
    for (QPushButton *b : {m_new, m_edit, m_refreshSchema, m_sync, m_cancel, m_reset, m_clear, m_active, m_delete})
        bar->addWidget(b);
    bar->addStretch(1);

    m_historyTitle = new QLabel(tr("Choose a connection to see its sync history."), this);
    m_historyTitle->setAccessibleName(tr("Sync history status"));
    m_historyTitle->setWordWrap(true);
    m_jobTable = makeDataTable(m_jobs, tr("Sync history"), this);
    m_jobTable->setItemDelegateForColumn(SyncJobListModel::Status, new StatusToneDelegate(IngestToneRole, m_jobTable));
    m_table->setItemDelegateForColumn(ConnectionListModel::LastSync, new StatusToneDelegate(IngestToneRole, m_table));
    m_table->setItemDelegateForColumn(ConnectionListModel::Lock, new StatusToneDelegate(IngestToneRole, m_table));
    m_attempts = new QPlainTextEdit(this);
    m_attempts->setReadOnly(true);
    m_attempts->setAccessibleName(tr("Attempts and logs of the chosen job"));
    m_attempts->setPlaceholderText(tr("Choose a job to see its attempts and, when the server keeps them, their logs."));
    m_attempts->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *historyBar = new QHBoxLayout;
    historyBar->addWidget(m_historyTitle, 1);
    historyBar->addWidget(m_history);
    auto *historyHost = new QWidget(this);
    auto *historyLayout = new QVBoxLayout(historyHost);
    historyLayout->setContentsMargins(0, 0, 0, 0);
    historyLayout->addLayout(historyBar);
    auto *historySplit = new QSplitter(Qt::Horizontal, historyHost);
    historySplit->addWidget(m_jobTable);
    historySplit->addWidget(m_attempts);
    historySplit->setStretchFactor(0, 3);
    historySplit->setStretchFactor(1, 2);
    historyLayout->addWidget(historySplit, 1);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(host, 1);
    topLayout->addLayout(bar);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(historyHost);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        updateActions();
        const QString id = selectedId();
        if (id != m_historyOf) {
            m_historyOf = id;
            m_jobs->setJobs({}, 0);
            m_attempts->clear();
            if (!id.isEmpty()) {
                m_historyTitle->setText(tr("Reading the sync history…"));
                Q_EMIT historyRequested(id);
            }
        }
    });
    connect(m_model, &QAbstractItemModel::dataChanged, this, &ConnectionsTab::updateActions);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ConnectionsTab::updateActions);
    connect(m_jobTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex &current) {
        showAttempts();
        if (current.isValid())
            Q_EMIT jobRequested(m_jobs->jobAt(current.row()).id);
    });
    connect(m_sync, &QPushButton::clicked, this, [this] { Q_EMIT taskRequested(selectedId(), QStringLiteral("airbyte-sync"), QString()); });
    connect(m_cancel, &QPushButton::clicked, this, [this] { Q_EMIT cancelRequested(selectedId()); });
    connect(m_history, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty())
            Q_EMIT historyRequested(selectedId());
    });
    const auto ask = [this](const QString &title, const QString &text, auto then) {
        const QString id = selectedId();
        auto *box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Yes | QMessageBox::Cancel, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setDefaultButton(QMessageBox::Cancel);
        box->setWindowModality(Qt::WindowModal);
        connect(box, &QMessageBox::finished, this, [id, then](int result) {
            if (result == QMessageBox::Yes)
                then(id);
        });
        box->open();
    };
    // Reset and Clear ask which streams (every one, or those ticked) before anything is dropped.
    const auto askDrop = [this](DropDataDialog::Kind kind) {
        const QString id = selectedId();
        const int row = m_model->rowOf(id);
        if (row < 0)
            return;
        const IngestConnectionRow &c = m_model->connectionAt(row);
        auto *dialog = new DropDataDialog(kind, c.name, c.streams, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowModality(Qt::WindowModal);
        const QString slug = kind == DropDataDialog::Kind::Reset ? QStringLiteral("airbyte-reset") : QStringLiteral("airbyte-clear");
        connect(dialog, &QDialog::accepted, this, [this, dialog, id, slug] {
            const QList<StreamRef> streams = dialog->chosenStreams();
            Q_EMIT taskRequested(id, slug, streams.isEmpty() ? QString() : streamRefsText(streams));
        });
        dialog->open();
    };
    connect(m_reset, &QPushButton::clicked, this, [askDrop] { askDrop(DropDataDialog::Kind::Reset); });
    connect(m_clear, &QPushButton::clicked, this, [askDrop] { askDrop(DropDataDialog::Kind::Clear); });
    connect(m_delete, &QPushButton::clicked, this, [this, ask] {
        ask(tr("Delete the connection?"), tr("The connection is deleted on the Airbyte server; the data already synced stays."),
            [this](const QString &id) { Q_EMIT deleteRequested(id); });
    });
    connect(m_active, &QPushButton::clicked, this, [this] {
        const int row = m_model->rowOf(selectedId());
        if (row >= 0)
            Q_EMIT activeRequested(selectedId(), m_model->connectionAt(row).status != QLatin1String("active"));
    });
    connect(m_new, &QPushButton::clicked, this, &ConnectionsTab::newRequested);
    connect(m_edit, &QPushButton::clicked, this, [this] { Q_EMIT editRequested(selectedId()); });
    connect(m_refreshSchema, &QPushButton::clicked, this, [this] { Q_EMIT refreshSchemaRequested(selectedId()); });
    connect(m_table, &QTableView::doubleClicked, m_edit, &QPushButton::click);
    addShortcut(this, QKeySequence::New, m_new);
    addShortcut(this, QKeySequence(Qt::Key_F2), m_edit);
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_Return), m_sync);
    addShortcut(this, QKeySequence(Qt::CTRL | Qt::Key_Period), m_cancel);
    addShortcut(this, QKeySequence::Delete, m_delete);
    updateActions();
}

QString ConnectionsTab::selectedId() const
{
    const QModelIndex i = m_table->selectionModel()->currentIndex();
    return i.isValid() && i.row() < m_model->rowCount() ? m_model->connectionAt(i.row()).id : QString();
}

void ConnectionsTab::selectConnection(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row >= 0)
        m_table->selectionModel()->setCurrentIndex(m_model->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void ConnectionsTab::setLoading()
{
    m_empty->setText(tr("Loading connections…"), tr("Asking the Airbyte server for the org's connections."));
    m_stack->setCurrentWidget(m_empty);
}

void ConnectionsTab::setServerProblem(const QString &problem)
{
    m_serverProblem = problem;
    updateActions();
    if (m_model->rowCount() == 0 && !problem.isEmpty()) {
        m_empty->setText(tr("The connections cannot be listed"), problem);
        m_stack->setCurrentWidget(m_empty);
    }
}

void ConnectionsTab::showConnections(const QList<IngestConnectionRow> &rows)
{
    const QString keep = selectedId();
    m_model->setConnections(rows);
    if (rows.isEmpty()) {
        if (m_serverProblem.isEmpty())
            m_empty->setText(tr("No connections yet"),
                             tr("A connection copies a source's streams into the warehouse.\n"
                                "Create one in Airbyte, then press F5; it shows here with its syncs."));
        else
            m_empty->setText(tr("The connections cannot be listed"), m_serverProblem);
        m_stack->setCurrentWidget(m_empty);
    } else {
        m_stack->setCurrentWidget(m_table);
        if (!keep.isEmpty() && selectedId() != keep)
            selectConnection(keep);
        else if (selectedId().isEmpty())
            selectConnection(rows.first().id);
        if (!m_table->property("sized").toBool()) {
            m_table->resizeColumnsToContents();
            m_table->setProperty("sized", true);
        } else {
            // A sync's words are longer than "Never synced" (measured on the first rows only: cheap).
            m_table->resizeColumnToContents(ConnectionListModel::LastSync);
        }
    }
    updateActions();
}

void ConnectionsTab::showJobs(const QString &connectionId, const QList<IngestJobRow> &jobs, qint64 nowSecs, const QString &problem)
{
    if (connectionId != m_historyOf)
        return;   // an answer for a connection no longer chosen
    const qint64 keep = m_jobTable->currentIndex().isValid() ? m_jobs->jobAt(m_jobTable->currentIndex().row()).id : -1;
    m_jobs->setJobs(jobs, nowSecs);
    if (!problem.isEmpty())
        m_historyTitle->setText(tr("The sync history cannot be read: %1").arg(problem));
    else if (jobs.isEmpty())
        m_historyTitle->setText(tr("No jobs yet: Sync now starts the first."));
    else
        m_historyTitle->setText(tr("Sync history: the newest %n job(s), newest first.", nullptr, int(jobs.size())));
    if (const int row = m_jobs->rowOf(keep); row >= 0)
        m_jobTable->selectionModel()->setCurrentIndex(m_jobs->index(row, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    showAttempts();
    updateActions();
}

void ConnectionsTab::showJob(const IngestJobRow &job)
{
    if (m_jobs->updateJob(job))
        showAttempts();
}

void ConnectionsTab::showAttempts()
{
    const QModelIndex i = m_jobTable->currentIndex();
    if (!i.isValid()) {
        m_attempts->clear();
        return;
    }
    const IngestJobRow &j = m_jobs->jobAt(i.row());
    QStringList out;
    if (j.attempts.isEmpty())
        out << tr("Job %1 has no attempt yet.").arg(j.id);
    for (const IngestAttemptRow &a : j.attempts) {
        const QString start = QLocale().toString(QDateTime::fromSecsSinceEpoch(a.createdAt), QLocale::ShortFormat);
        out << tr("Attempt %1: %2, started %3, %4 records, %5").arg(a.id + 1).arg(a.status, start, QLocale().toString(a.records),
                                                                         QLocale().formattedDataSize(a.bytes));
        if (!a.failureMessage.isEmpty())
            out << tr("  Failure: %1").arg(a.failureMessage);
        for (const QString &line : a.logLines)
            out << QStringLiteral("  ") + line;
    }
    m_attempts->setPlainText(out.join(QLatin1Char('\n')));
}

void ConnectionsTab::updateActions()
{
    const int row = m_model->rowOf(selectedId());
    const bool any = row >= 0;
    const bool locked = any && m_model->connectionAt(row).lock.has_value();
    const bool active = any && m_model->connectionAt(row).status == QLatin1String("active");
    m_sync->setEnabled(any && !locked);
    // A job started elsewhere (Airbyte's own UI) holds no Sluice lock: the newest job of the history tells.
    const bool jobRunning = any && m_historyOf == selectedId() && m_jobs->rowCount() > 0
                         && QStringList{QStringLiteral("pending"), QStringLiteral("running"), QStringLiteral("incomplete")}.contains(m_jobs->jobAt(0).status);
    m_cancel->setEnabled(locked || jobRunning);
    m_reset->setEnabled(any && !locked);
    m_clear->setEnabled(any && !locked);
    m_delete->setEnabled(any && !locked);
    m_edit->setEnabled(any);
    m_refreshSchema->setEnabled(any && !locked);
    m_new->setEnabled(m_serverProblem.isEmpty());
    m_history->setEnabled(any);
    m_active->setEnabled(any);
    m_active->setText(active || !any ? tr("&Disable") : tr("&Enable"));
    m_sync->setToolTip(locked ? tr("A run holds this connection's task: %1").arg(TaskListModel::lockText(*m_model->connectionAt(row).lock))
                              : tr("Sync the selected connection now, as a task with its lock (Ctrl+Return)"));
}

} // namespace sluice
