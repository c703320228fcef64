#include "transformpage.h"

#include "docsbar.h"
#include "itemmodels/modellistmodel.h"
#include "runner/orgsetup.h"
#include "lineagepanel.h"
#include "projectcard.h"
#include "taskdialog.h"
#include "itemmodels/tasklistmodel.h"
#include "widgets/datatable.h"
#include "widgets/emptystate.h"
#include "widgets/logview.h"

#include <QAction>
#include <QDateTime>
#include <QLocale>
#include <QFileInfo>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedLayout>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace sluice {


TransformPage::TransformPage(QWidget *parent)
    : QWidget(parent), m_tasks(new TaskListModel(this)), m_models(new ModelListModel(this)),
      m_modelProxy(new QSortFilterProxyModel(this)), m_countDelay(new QTimer(this))
{
    m_modelProxy->setSourceModel(m_models);
    m_modelProxy->setSortRole(ModelListModel::kSortRole);
    m_modelProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_modelProxy->setFilterKeyColumn(-1);
    m_countDelay->setSingleShot(true);
    m_countDelay->setInterval(250);
    connect(m_countDelay, &QTimer::timeout, this, &TransformPage::requestCount);

    m_tabs = new QTabWidget(this);
    m_tabs->setAccessibleName(tr("Tasks and models"));
    m_tabs->addTab(buildTasks(), tr("&Tasks"));
    m_tabs->addTab(buildModels(), tr("&Models"));
    m_docs = new DocsBar(this); // beside the tabs: seen from both (Generate's log shows in Tasks)
    m_tabs->setCornerWidget(m_docs);
    auto *layout = new QVBoxLayout(this);
    m_card = new ProjectCard(this);
    layout->addWidget(m_card);
    layout->addWidget(m_tabs, 1);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(refresh, &QAction::triggered, this, &TransformPage::refreshRequested);
    addAction(refresh);
}

QWidget *TransformPage::buildTasks()
{
    auto *page = new QWidget(this);
    m_taskTable = makeDataTable(m_tasks, tr("Tasks"), page);
    m_noTasks = new EmptyState(tr("No tasks yet"),
                               tr("A task is one dbt command, Airbyte sync or shell step this org can run.\n"
                                  "Create one with New task (Ctrl+N) below."),
                               page);
    auto *tableHost = new QWidget(page);
    m_taskStack = new QStackedLayout(tableHost);
    m_taskStack->addWidget(m_noTasks);
    m_taskStack->addWidget(m_taskTable);

    m_execute = new QPushButton(tr("E&xecute"), page);
    m_execute->setToolTip(tr("Run the selected task alone, here, now, with its lock (Ctrl+Return)"));
    m_newTask = new QPushButton(tr("&New task…"), page);
    m_newTask->setToolTip(tr("Create a dbt, Airbyte or shell task for this org (Ctrl+N)"));
    m_editTask = new QPushButton(tr("&Edit…"), page);
    m_editTask->setToolTip(tr("Change the selected task's flags, options and label (F2, or double-click it)"));
    m_delete = new QPushButton(tr("&Delete"), page);
    m_delete->setToolTip(tr("Delete the selected task (not while a pipeline uses it; Sluice's own tasks cannot be deleted)"));
    m_runStatus = new QLabel(tr("Execute a task to see its log here."), page);
    m_runStatus->setAccessibleName(tr("Task run status"));
    m_log = new LogView(page);
    m_log->setAccessibleName(tr("Task run log"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_runStatus, 1);
    bar->addWidget(m_newTask);
    bar->addWidget(m_editTask);
    bar->addWidget(m_delete);
    bar->addWidget(m_execute);
    auto *logHost = new QWidget(page);
    auto *logLayout = new QVBoxLayout(logHost);
    logLayout->setContentsMargins(0, 0, 0, 0);
    logLayout->addLayout(bar);
    logLayout->addWidget(m_log, 1);
    auto *split = new QSplitter(Qt::Vertical, page);
    split->addWidget(tableHost);
    split->addWidget(logHost);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(split);

    auto *execute = new QAction(tr("Execute"), page);
    execute->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    execute->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(execute, &QAction::triggered, m_execute, &QPushButton::click);
    page->addAction(execute);
    auto *del = new QAction(tr("Delete"), page);
    del->setShortcut(QKeySequence::Delete);
    del->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(del, &QAction::triggered, m_delete, &QPushButton::click);
    m_taskTable->addAction(del);

    connect(m_execute, &QPushButton::clicked, this, [this] {
        const QString uuid = selectedTaskUuid();
        if (uuid.isEmpty() || !m_execute->isEnabled())
            return;
        m_awaitingRun = true;
        m_runStatus->setText(tr("Starting…"));
        Q_EMIT executeRequested(uuid);
    });
    connect(m_delete, &QPushButton::clicked, this, [this] {
        const QString uuid = selectedTaskUuid();
        if (!uuid.isEmpty() && m_delete->isEnabled())
            Q_EMIT deleteRequested(uuid);
    });
    // New task from anywhere on the page (the project card too; there may be no table to focus yet).
    auto *newTask = new QAction(tr("New task"), this);
    newTask->setShortcut(QKeySequence::New);
    newTask->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(newTask, &QAction::triggered, this, [this] {
        m_tabs->setCurrentIndex(0);
        m_newTask->click();
    });
    addAction(newTask);
    auto *edit = new QAction(tr("Edit task"), page);
    edit->setShortcut(QKeySequence(Qt::Key_F2));
    edit->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(edit, &QAction::triggered, m_editTask, &QPushButton::click);
    m_taskTable->addAction(edit);
    connect(m_newTask, &QPushButton::clicked, this, [this] { openTaskDialog(false); });
    connect(m_editTask, &QPushButton::clicked, this, [this] {
        if (m_editTask->isEnabled())
            openTaskDialog(true);
    });
    connect(m_taskTable, &QTableView::doubleClicked, m_editTask, &QPushButton::click);
    connect(m_taskTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TransformPage::updateTaskButtons);
    connect(m_tasks, &QAbstractItemModel::dataChanged, this, &TransformPage::updateTaskButtons);
    updateTaskButtons();
    return page;
}

QWidget *TransformPage::buildModels()
{
    auto *page = new QWidget(this);
    m_search = new QLineEdit(page);
    m_search->setPlaceholderText(tr("Filter by name, type, tag or path"));
    m_search->setClearButtonEnabled(true);
    m_search->setAccessibleName(tr("Filter models"));
    m_command = new QComboBox(page);
    m_command->addItems({QStringLiteral("run"), QStringLiteral("build"), QStringLiteral("test"), QStringLiteral("seed"),
                         QStringLiteral("snapshot"), QStringLiteral("compile"), QStringLiteral("ls")});
    m_command->setAccessibleName(tr("dbt command for the selection"));
    m_select = new QLineEdit(page);
    m_select->setPlaceholderText(tr("--select, as dbt takes it: +orders tag:nightly path:models/staging"));
    m_select->setAccessibleName(tr("Select"));
    m_exclude = new QLineEdit(page);
    m_exclude->setPlaceholderText(tr("--exclude"));
    m_exclude->setAccessibleName(tr("Exclude"));
    m_count = new QLabel(page);
    m_count->setWordWrap(true);
    m_count->setAccessibleName(tr("Selected nodes"));
    m_count->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_showSelection = new QPushButton(tr("Show in lineage"), page);
    m_showSelection->setToolTip(tr("Show what the selection takes in the lineage, with what it reads from and what reads it (Ctrl+L)"));
    m_showSelection->setEnabled(false);
    auto *showSelection = new QAction(tr("Show the selection in the lineage"), this);
    showSelection->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_L));
    showSelection->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    page->addAction(showSelection);
    connect(showSelection, &QAction::triggered, this, [this] {
        if (m_showSelection->isEnabled())
            showSelectionInLineage();
    });
    connect(m_showSelection, &QPushButton::clicked, this, &TransformPage::showSelectionInLineage);

    auto *filterLabel = new QLabel(tr("&Filter:"), page);
    filterLabel->setBuddy(m_search);
    auto *selectLabel = new QLabel(tr("dbt &selection:"), page);
    selectLabel->setBuddy(m_select);
    auto *excludeLabel = new QLabel(tr("E&xclude:"), page);
    excludeLabel->setBuddy(m_exclude);
    auto *commandLabel = new QLabel(tr("Co&mmand:"), page);
    commandLabel->setBuddy(m_command);
    auto *grid = new QFormLayout;
    grid->addRow(filterLabel, m_search);
    auto *selRow = new QHBoxLayout;
    selRow->addWidget(commandLabel);
    selRow->addWidget(m_command);
    selRow->addWidget(m_select, 3);
    selRow->addWidget(excludeLabel);
    selRow->addWidget(m_exclude, 1);
    grid->addRow(selectLabel, selRow);
    auto *countRow = new QHBoxLayout;
    countRow->addWidget(m_count, 1);
    countRow->addWidget(m_showSelection, 0, Qt::AlignTop);
    grid->addRow(QString(), countRow);

    m_modelTable = makeDataTable(m_modelProxy, tr("Models"), page);
    m_modelTable->setSortingEnabled(true);
    m_modelTable->sortByColumn(ModelListModel::Name, Qt::AscendingOrder);
    m_noModels = new EmptyState(tr("No models to show"),
                                tr("The models, seeds, snapshots and sources of the project's manifest (target/manifest.json) show here "
                                   "once the org's dbt project is set and has been compiled."),
                                page);
    auto *tableHost = new QWidget(page);
    m_modelStack = new QStackedLayout(tableHost);
    m_modelStack->addWidget(m_noModels);
    m_modelStack->addWidget(m_modelTable);
    m_detail = new QTextBrowser(page);
    m_detail->setAccessibleName(tr("Model details"));
    m_detail->setOpenLinks(false);
    m_lineage = new LineagePanel(page);
    m_detailTabs = new QTabWidget(page);
    m_detailTabs->setAccessibleName(tr("Model details and lineage"));
    m_detailTabs->addTab(m_detail, tr("Details"));
    m_detailTabs->addTab(m_lineage, tr("Li&neage"));
    auto *split = new QSplitter(Qt::Horizontal, page);
    split->addWidget(tableHost);
    split->addWidget(m_detailTabs);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(grid);
    layout->addWidget(split, 1);

    connect(m_search, &QLineEdit::textChanged, m_modelProxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_select, &QLineEdit::textChanged, m_countDelay, qOverload<>(&QTimer::start));
    connect(m_exclude, &QLineEdit::textChanged, m_countDelay, qOverload<>(&QTimer::start));
    connect(m_command, &QComboBox::currentIndexChanged, m_countDelay, qOverload<>(&QTimer::start));
    connect(m_modelTable->selectionModel(), &QItemSelectionModel::selectionChanged, this, &TransformPage::updateModelDetail);
    connect(m_lineage, &LineagePanel::modelActivated, this, &TransformPage::selectModel);
    return page;
}

QLineEdit *TransformPage::gitUrlField() const { return m_card->gitUrlField(); }
QComboBox *TransformPage::branchField() const { return m_card->branchField(); }
QComboBox *TransformPage::projectDirField() const { return m_card->projectDirField(); }
QLineEdit *TransformPage::checkoutField() const { return m_card->checkoutField(); }
QPushButton *TransformPage::saveButton() const { return m_card->saveButton(); }
QPushButton *TransformPage::transferButton() const { return m_card->transferButton(); }
QLabel *TransformPage::transferText() const { return m_card->transferText(); }

QString TransformPage::selectedTaskUuid() const
{
    const QModelIndexList rows = m_taskTable->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : m_tasks->taskAt(rows.first().row()).task.uuid;
}

void TransformPage::selectTask(const QString &uuid)
{
    const int row = m_tasks->rowOfUuid(uuid);
    if (row >= 0)
        m_taskTable->selectRow(row);
}

void TransformPage::showOverview(const TransformOverview &o)
{
    m_workspace = o.workspace;
    if (o.orgId != m_orgId) {
        m_orgId = o.orgId;
        if (m_dialog) // a task of another org is not saved into this one
            m_dialog->reject();
        m_log->clearLog();
        m_liveRun = 0;
        m_runStatus->setText(tr("Execute a task to see its log here."));
        m_docsAwaiting = false;
        m_docsRun = 0;
        m_docs->setGenerating(false);
    }
    m_card->showOverview(o);
    m_noModels->setText(tr("No models to show"), o.manifestProblem.isEmpty() ? (o.workspaceProblem.isEmpty() ? tr("The manifest lists no models.") : o.workspaceProblem)
                                                                           : o.manifestProblem);
}

void TransformPage::showTasks(qint64 orgId, const QList<TransformTaskRow> &tasks, qint64 nowMs)
{
    if (orgId != m_orgId && m_orgId != 0)
        return;
    const QString selected = selectedTaskUuid();
    bool sameRows = tasks.size() == m_tasks->rowCount();
    for (int i = 0; sameRows && i < tasks.size(); ++i)
        sameRows = m_tasks->taskAt(i).id == tasks.at(i).id;
    m_tasks->setTasks(tasks, nowMs);
    m_taskStack->setCurrentWidget(tasks.isEmpty() ? static_cast<QWidget *>(m_noTasks) : m_taskTable);
    if (!tasks.isEmpty() && !sameRows) { // a live update keeps the columns as the user left them
        m_taskTable->resizeColumnsToContents();
        // Long labels and badges are shown whole in their tooltips; the command line gets the rest.
        for (int c : {int(TaskListModel::Label), int(TaskListModel::Lock)})
            m_taskTable->setColumnWidth(c, qMin(m_taskTable->columnWidth(c), 340));
        if (!selected.isEmpty())
            selectTask(selected);
        if (!m_taskTable->selectionModel()->hasSelection())
            m_taskTable->selectRow(0);
    }
    if (!m_selectWhenListed.isEmpty() && m_tasks->rowOfUuid(m_selectWhenListed) >= 0)
        selectTask(std::exchange(m_selectWhenListed, QString()));
    updateTaskButtons();
}

void TransformPage::showModels(qint64 orgId, const QList<TransformModelRow> &models)
{
    if (orgId != m_orgId && m_orgId != 0)
        return;
    // Applied on the event loop's next turn: the overview and the tasks, which usually arrive in the
    // same turn, are painted first, and no single turn does all three (one frame's budget each).
    const bool scheduled = m_pendingModels.has_value();
    m_pendingModels = models;
    if (!scheduled)
        QMetaObject::invokeMethod(this, &TransformPage::applyModels, Qt::QueuedConnection);
}

void TransformPage::applyModels()
{
    if (!m_pendingModels)
        return;
    const QList<TransformModelRow> models = std::move(*m_pendingModels);
    m_pendingModels.reset();
    bool sameRows = models.size() == m_models->rowCount();
    for (int i = 0; sameRows && i < models.size(); ++i)
        sameRows = m_models->rowAt(i).node.uniqueId == models.at(i).node.uniqueId;
    m_models->setRows(models);
    m_lineage->setModels(models);
    m_modelStack->setCurrentWidget(models.isEmpty() ? static_cast<QWidget *>(m_noModels) : m_modelTable);
    if (!models.isEmpty() && !sameRows) {
        m_modelTable->resizeColumnsToContents();
        m_modelTable->setColumnWidth(ModelListModel::Path, qMin(m_modelTable->columnWidth(ModelListModel::Path), 260));
    }
    requestCount();
}

void TransformPage::requestCount()
{
    Q_EMIT selectionRequested(++m_ticket, m_command->currentText(), m_select->text(), m_exclude->text());
}

void TransformPage::showSelectionCount(int ticket, int count, const QStringList &names, const QStringList &uniqueIds,
                                       const QString &message, bool isError)
{
    if (ticket < 0) { // the task dialog's question (its tickets travel negated)
        if (m_dialog)
            m_dialog->showSelectionCount(-ticket, count, names, message, isError);
        return;
    }
    if (ticket != m_ticket)
        return; // an answer to an older question
    m_selectedIds.clear();
    if (!isError)
        for (const QString &id : uniqueIds)
            if (m_models->rowOfUniqueId(id) >= 0) // tests and hooks are not lineage nodes
                m_selectedIds << id;
    m_showSelection->setEnabled(!m_selectedIds.isEmpty());
    if (isError) {
        m_count->setText(tr("Cannot resolve: %1").arg(message));
        m_select->setToolTip(message);
        return;
    }
    m_select->setToolTip({});
    QString text = count == 1 ? tr("dbt %1 would take 1 node").arg(m_command->currentText())
                              : tr("dbt %1 would take %2 nodes").arg(m_command->currentText()).arg(count);
    if (!names.isEmpty())
        text += QStringLiteral(": ") + names.join(QStringLiteral(", ")) + (count > names.size() ? QStringLiteral(", …") : QString());
    if (!message.isEmpty())
        text += QLatin1Char('\n') + message;
    m_count->setText(text);
}

void TransformPage::updateTaskButtons()
{
    const QModelIndexList rows = m_taskTable->selectionModel()->selectedRows();
    const TransformTaskRow *row = rows.isEmpty() ? nullptr : &m_tasks->taskAt(rows.first().row());
    m_execute->setEnabled(row && !row->lock);
    m_editTask->setEnabled(row != nullptr);
    m_delete->setEnabled(row && !row->isSystem());
    if (row && row->lock)
        m_execute->setToolTip(tr("Held: %1").arg(TaskListModel::lockText(*row->lock)));
    else
        m_execute->setToolTip(tr("Run the selected task alone, here, now, with its lock (Ctrl+Return)"));
}

void TransformPage::updateModelDetail()
{
    const QModelIndexList rows = m_modelTable->selectionModel()->selectedRows();
    if (rows.isEmpty()) {
        m_detail->clear();
        m_lineage->setFocusIds({});
        return;
    }
    const int row = m_models->rowOfUniqueId(m_modelProxy->data(rows.first(), ModelListModel::kUniqueIdRole).toString());
    // The lineage follows the selected model (Show in lineage makes the selection box's nodes its focus).
    m_lineage->setFocusIds(row < 0 ? QStringList() : QStringList{m_models->rowAt(row).node.uniqueId});
    if (row < 0)
        return;
    const TransformModelRow &r = m_models->rowAt(row);
    const DbtManifestNode &n = r.node;
    QString html = QStringLiteral("<h3>%1</h3><p><code>%2</code></p>").arg(n.name.toHtmlEscaped(), n.uniqueId.toHtmlEscaped());
    if (!n.description.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(n.description.toHtmlEscaped());
    html += tr("<p><b>Path:</b> %1<br><b>Materialized:</b> %2<br><b>Relation:</b> %3</p>")
                .arg(n.originalFilePath.toHtmlEscaped(), n.materialization.toHtmlEscaped(), n.relationName.toHtmlEscaped());
    if (r.last)
        html += tr("<p><b>Last status:</b> %1</p>").arg(r.last->status.toHtmlEscaped());
    if (m_workspace && (n.resourceType == QLatin1String("model") || n.resourceType == QLatin1String("snapshot")
                        || n.resourceType == QLatin1String("analysis"))) {
        // Where dbt compile writes it: target/compiled/<package>/<original file path>.
        const QString compiled = dbtProjectDir(*m_workspace) + QStringLiteral("/target/compiled/%1/%2").arg(n.packageName, n.originalFilePath);
        html += QFileInfo::exists(compiled) ? tr("<p><b>Compiled SQL:</b> <code>%1</code></p>").arg(compiled.toHtmlEscaped())
                                            : tr("<p><b>Compiled SQL:</b> not compiled yet (a dbt compile or run writes <code>%1</code>)</p>")
                                                  .arg(compiled.toHtmlEscaped());
    }
    html += tr("<p><b>Built by</b></p>");
    if (r.builtBy.isEmpty()) {
        html += tr("<p>No pipeline's dbt task builds it.</p>");
    } else {
        if (builtByTwoActivePipelines(r.builtBy))
            html += tr("<p>⚠ More than one active pipeline builds it: it may be built twice, or by two runs at once.</p>");
        html += QStringLiteral("<ul>");
        for (const ModelBuilder &b : r.builtBy) {
            const QString when = !b.active ? tr("inactive")
                                 : b.nextRunMs ? tr("next run %1").arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(*b.nextRunMs), QLocale::ShortFormat))
                                               : tr("run by hand");
            html += tr("<li>%1 — %2, through %3</li>").arg(b.pipelineName.toHtmlEscaped(), when, b.taskLabel.toHtmlEscaped());
        }
        html += QStringLiteral("</ul>");
    }
    if (!n.columns.isEmpty()) {
        html += tr("<p><b>Columns</b></p><ul>");
        for (const DbtColumn &c : n.columns)
            html += QStringLiteral("<li><code>%1</code> %2</li>").arg(c.name.toHtmlEscaped(), c.description.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    if (!n.dependsOn.isEmpty()) {
        html += tr("<p><b>Depends on</b></p><ul>");
        for (const QString &d : n.dependsOn)
            html += QStringLiteral("<li><code>%1</code></li>").arg(d.toHtmlEscaped());
        html += QStringLiteral("</ul>");
    }
    m_detail->setHtml(html);
}

void TransformPage::showSelectionInLineage()
{
    if (m_selectedIds.isEmpty())
        return;
    m_modelTable->clearSelection(); // the lineage's focus is the selection's now, not a row's
    m_lineage->setFocusIds(m_selectedIds);
    showLineage();
}

void TransformPage::showLineage()
{
    for (int i = 0; i < m_tabs->count(); ++i)
        if (m_tabs->widget(i)->isAncestorOf(m_detailTabs))
            m_tabs->setCurrentIndex(i);
    m_detailTabs->setCurrentWidget(m_lineage);
}

void TransformPage::selectModel(const QString &uniqueId)
{
    QModelIndex at = m_modelProxy->mapFromSource(m_models->index(m_models->rowOfUniqueId(uniqueId), 0));
    if (!at.isValid() && m_models->rowOfUniqueId(uniqueId) >= 0) { // filtered out: the filter gives way
        m_search->clear();
        at = m_modelProxy->mapFromSource(m_models->index(m_models->rowOfUniqueId(uniqueId), 0));
    }
    if (!at.isValid())
        return;
    m_modelTable->selectRow(at.row());
    m_modelTable->scrollTo(at);
}

void TransformPage::showRunStarted(qint64 runId)
{
    if (!m_awaitingRun)
        return;
    m_awaitingRun = false;
    if (std::exchange(m_docsAwaiting, false))
        m_docsRun = runId;
    m_liveRun = runId;
    m_log->clearLog();
    m_runStatus->setText(tr("Run %1: running").arg(runId));
}

void TransformPage::showRun(const RunRecord &run, qint64)
{
    if (run.run.id != m_liveRun)
        return;
    if (run.run.id == m_docsRun && isFinished(run.run.status)) {
        m_docsRun = 0;
        m_docs->generationEnded();
    }
    m_runStatus->setText(run.statusReason.isEmpty() ? tr("Run %1: %2").arg(run.run.id).arg(toWords(run.run.status))
                                                : tr("Run %1: %2 — %3").arg(run.run.id).arg(toWords(run.run.status), run.statusReason));
}

void TransformPage::handleWatchStarted(qint64 runId)
{
    // The run is sent again from its first line: start the pane over rather than show lines twice.
    if (runId == m_liveRun && m_liveRun != 0)
        m_log->clearLog();
}

void TransformPage::appendLog(const TaskLogBatch &batch)
{
    if (batch.runId == m_liveRun && m_liveRun != 0)
        m_log->appendBatch(batch);
}

void TransformPage::openTaskDialog(bool editSelected)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    std::optional<OrgTask> task;
    if (editSelected) {
        const QModelIndexList rows = m_taskTable->selectionModel()->selectedRows();
        if (rows.isEmpty())
            return;
        task = m_tasks->taskAt(rows.first().row()).task;
    }
    // Completion: every node's name, its tags and packages as dbt's methods spell them.
    QStringList names, words;
    for (int i = 0; i < m_models->rowCount(); ++i) {
        const DbtManifestNode &n = m_models->rowAt(i).node;
        names << n.name;
        for (const QString &t : n.tags)
            words << QStringLiteral("tag:") + t;
        if (!n.packageName.isEmpty())
            words << QStringLiteral("package:") + n.packageName;
    }
    names.removeDuplicates();
    words.removeDuplicates();
    m_dialog = new TaskDialog(TaskCatalog::builtin(), task, m_workspace, names, words, this);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &TaskDialog::saveRequested, this, &TransformPage::saveTaskRequested);
    connect(m_dialog, &TaskDialog::selectionRequested, this,
            [this](int ticket, const QString &command, const QString &select, const QString &exclude) {
                Q_EMIT selectionRequested(-ticket, command, select, exclude);
            });
    m_dialog->open();
}

void TransformPage::showTaskSaved(const QString &uuid)
{
    if (m_dialog)
        m_dialog->accept();
    m_runStatus->setText(tr("Task saved."));
    if (m_tasks->rowOfUuid(uuid) >= 0)
        selectTask(uuid);
    else
        m_selectWhenListed = uuid;
}

void TransformPage::showTaskRefused(const QString &message)
{
    if (m_dialog)
        m_dialog->showRefusal(message);
    else
        m_runStatus->setText(tr("Not saved: %1").arg(message));
}

void TransformPage::showNotice(const QString &text)
{
    m_awaitingRun = false;
    if (std::exchange(m_docsAwaiting, false)) // the docs run was refused (its task is locked)
        m_docs->showMessage(text);
    m_runStatus->setText(text);
}

void TransformPage::runDocsTask(qint64 orgId, const QString &uuid)
{
    if (orgId != m_orgId) { // asked for another org, before a switch
        m_docs->setGenerating(false);
        return;
    }
    // As Execute runs a task, in the Tasks tab, where its log shows live.
    m_tabs->setCurrentIndex(0);
    if (m_tasks->rowOfUuid(uuid) >= 0)
        selectTask(uuid);
    else
        m_selectWhenListed = uuid;
    m_awaitingRun = true;
    m_docsAwaiting = true;
    m_runStatus->setText(tr("Starting dbt docs generate…"));
    Q_EMIT executeRequested(uuid);
}

} // namespace sluice
