#include "runspage.h"

#include "itemmodels/runlistmodel.h"
#include "itemmodels/taskrunlistmodel.h"
#include "widgets/emptystate.h"
#include "widgets/logview.h"
#include "widgets/statustone.h"

#include <QAction>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStackedLayout>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

namespace {

QTableView *makeTable(QAbstractItemModel *model, QWidget *parent)
{
    auto *t = new QTableView(parent);
    t->setModel(model);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

QString localTime(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

} // namespace

RunsPage::RunsPage(QWidget *parent)
    : QWidget(parent), m_runs(new RunListModel(this)), m_tasks(new TaskRunListModel(this)), m_stack(new QStackedLayout(this)),
      m_empty(new EmptyState(tr("No runs yet"),
                             tr("Every run of every pipeline appears here, with its live log.\n"
                                "Run a pipeline from Orchestrate (select it, then Ctrl+R), or let the agent run it on schedule."),
                             this)),
      m_runTable(makeTable(m_runs, this)), m_title(new QLabel(this)), m_status(new QLabel(this)), m_meta(new QLabel(this)),
      m_notice(new QLabel(this)), m_cancel(new QPushButton(tr("Cancel run"), this)), m_taskTable(makeTable(m_tasks, this)),
      m_find(new QLineEdit(this)), m_log(new LogView(this))
{
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.25);
    big.setBold(true);
    m_title->setFont(big);
    m_status->setTextFormat(Qt::RichText);
    m_meta->setWordWrap(true);
    m_meta->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_notice->setWordWrap(true);
    m_cancel->setToolTip(tr("Stop the run: its processes get SIGTERM, then SIGKILL (Ctrl+.)"));
    m_cancel->setEnabled(false);
    m_find->setPlaceholderText(tr("Find in log (Ctrl+F, Enter for next)"));
    m_find->setClearButtonEnabled(true);
    m_taskTable->setMaximumHeight(170);
    // Small tables: every column fits its contents as they change (statuses, durations), the last stretches.
    for (QTableView *t : {m_runTable, m_taskTable})
        t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_runTable->horizontalHeader()->setStretchLastSection(false);
    m_taskTable->horizontalHeader()->setSectionResizeMode(TaskRunListModel::Summary, QHeaderView::Stretch);
    // Status colours come from the palette (dark mode works): the models give tones, the delegate colours them.
    m_runTable->setItemDelegateForColumn(RunListModel::Status, new StatusToneDelegate(RunListModel::ToneRole, m_runTable));
    m_taskTable->setItemDelegateForColumn(TaskRunListModel::Status, new StatusToneDelegate(TaskRunListModel::ToneRole, m_taskTable));

    auto *detail = new QWidget(this);
    auto *d = new QVBoxLayout(detail);
    d->setContentsMargins(8, 0, 0, 0);
    auto *head = new QHBoxLayout;
    head->addWidget(m_title);
    head->addWidget(m_status);
    head->addStretch(1);
    head->addWidget(m_cancel);
    d->addLayout(head);
    d->addWidget(m_meta);
    d->addWidget(m_notice);
    d->addWidget(m_taskTable);
    d->addWidget(m_find);
    d->addWidget(m_log, 1);

    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_runTable);
    split->addWidget(detail);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    split->setSizes({440, 660});
    m_stack->addWidget(m_empty);
    m_stack->addWidget(split);

    auto *findAction = new QAction(tr("Find in log"), this);
    findAction->setShortcut(QKeySequence::Find);
    findAction->setShortcutContext(Qt::WindowShortcut);
    connect(findAction, &QAction::triggered, this, [this] {
        m_find->setFocus();
        m_find->selectAll();
    });
    addAction(findAction);
    auto *cancelAction = new QAction(tr("Cancel run"), this);
    cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    cancelAction->setShortcutContext(Qt::WindowShortcut);
    connect(cancelAction, &QAction::triggered, m_cancel, &QPushButton::click);
    addAction(cancelAction);
    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WindowShortcut);
    connect(refresh, &QAction::triggered, this, &RunsPage::refreshRequested);
    addAction(refresh);

    connect(m_find, &QLineEdit::returnPressed, this, &RunsPage::findNext);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_selected > 0 && m_cancel->isEnabled())
            Q_EMIT cancelRequested(m_selected);
    });
    connect(m_runTable->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RunsPage::handleCurrentChanged);
    connect(m_runs, &QAbstractItemModel::modelReset, this, &RunsPage::updateState);
    updateState();
}

void RunsPage::showRuns(const QList<RunSummary> &runs, qint64 nowMs)
{
    m_runs->setRuns(runs, nowMs);
}

void RunsPage::updateState()
{
    const bool empty = m_runs->rowCount() == 0;
    m_stack->setCurrentIndex(empty ? 0 : 1);
    if (empty)
        return;
    // After a reset the same run stays selected; a run asked for comes first; else the newest.
    const qint64 want = m_wanted ? m_wanted : m_selected;
    int row = want ? m_runs->rowOf(want) : -1;
    if (row < 0 && m_wanted == 0)
        row = 0;   // nothing chosen yet, or the run shown has left the list: the newest
    if (row >= 0) {
        if (m_runs->runAt(row).id == m_wanted)
            m_wanted = 0;
        m_runTable->selectRow(row);
        m_runTable->setCurrentIndex(m_runs->index(row, 0));
    }
}

void RunsPage::selectRun(qint64 runId)
{
    const int row = m_runs->rowOf(runId);
    if (row < 0) {
        m_wanted = runId;
        return;
    }
    m_wanted = 0;
    m_runTable->selectRow(row);
    m_runTable->setCurrentIndex(m_runs->index(row, 0));
}

void RunsPage::handleCurrentChanged()
{
    const QModelIndex current = m_runTable->currentIndex();
    const qint64 id = current.isValid() ? m_runs->runAt(current.row()).id : 0;
    if (id == m_selected)
        return;
    m_selected = id;
    m_watching = false;
    m_log->clearLog();
    m_tasks->setTaskRuns({}, 0);
    m_notice->clear();
    m_meta->clear();
    if (id > 0) {
        const RunSummary &r = m_runs->runAt(current.row());
        m_title->setText(tr("Run %1 · %2").arg(r.id).arg(r.pipelineName));
        showStatus(r.status);
        m_cancel->setEnabled(!isFinished(r.status));
    } else {
        m_title->clear();
        m_status->clear();
        m_cancel->setEnabled(false);
    }
    Q_EMIT runSelected(id);
}

void RunsPage::showRun(const RunRecord &run, qint64 nowMs)
{
    if (run.run.id != m_selected)
        return;   // an answer about a run no longer selected
    const RunSummary &r = run.run;
    m_title->setText(tr("Run %1 · %2").arg(r.id).arg(r.pipelineName));
    showStatus(r.status);
    QStringList meta;
    meta << tr("%1 by %2").arg(r.trigger, run.requestedBy.isEmpty() ? tr("the scheduler") : run.requestedBy);
    if (r.scheduledFor)
        meta << tr("slot %1").arg(localTime(r.scheduledFor));
    if (r.startedAt)
        meta << tr("started %1").arg(localTime(r.startedAt));
    if (r.finishedAt)
        meta << tr("finished %1 (%2)").arg(localTime(r.finishedAt), durationLabel(r.finishedAt - r.startedAt));
    else if (r.startedAt)
        meta << tr("running for %1").arg(durationLabel(nowMs - r.startedAt));
    if (run.dispatch == QLatin1String("agent") && r.status == RunStatus::Queued)
        meta << tr("waiting for an agent (start sluice-agent if none runs)");
    QString text = meta.join(QStringLiteral(" · "));
    if (!run.statusReason.isEmpty())
        text += QStringLiteral("\n") + run.statusReason;
    if (!run.cancelRequestedBy.isEmpty() && !isFinished(r.status))
        text += QStringLiteral("\n") + tr("Cancel requested by %1").arg(run.cancelRequestedBy);
    m_meta->setText(text);
    m_cancel->setEnabled(!isFinished(r.status));
    m_tasks->setTaskRuns(run.tasks, nowMs);
}

void RunsPage::showStatus(RunStatus status)
{
    m_status->setText(QStringLiteral("<b style='color:%1'>%2</b>")
                          .arg(toneColor(toneOf(status), palette()).name(), toWords(status).toHtmlEscaped()));
    m_status->setAccessibleName(tr("Run status: %1").arg(toWords(status)));
}

void RunsPage::handleWatchStarted(qint64 runId)
{
    if (runId != m_selected)
        return;
    m_watching = true;
    m_log->clearLog();
}

void RunsPage::appendLog(const TaskLogBatch &batch)
{
    if (m_watching && batch.runId == m_selected)
        m_log->appendBatch(batch);
}

void RunsPage::showNotice(const QString &text)
{
    m_notice->setText(text);
}

void RunsPage::findNext()
{
    const QString text = m_find->text();
    if (text.isEmpty())
        return;
    if (!m_log->findText(text))
        m_notice->setText(tr("“%1” is not in this run's log.").arg(text));
    else
        m_notice->clear();
}

} // namespace sluice
