#include "orchestratepage.h"

#include "itemmodels/pipelinelistmodel.h"
#include "widgets/emptystate.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QStackedLayout>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

OrchestratePage::OrchestratePage(PipelineListModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_stack(new QStackedLayout), m_table(new QTableView(this)),
      m_empty(new EmptyState(tr("No pipelines yet"),
                             tr("A pipeline runs Airbyte syncs, then git pull and dbt commands, in order, on a schedule.\n"
                                "Create one with: sluicectl pipeline create --org SLUG --name NAME --task UUID"),
                             this)),
      m_runNow(new QPushButton(tr("Run now"), this)), m_queue(new QPushButton(tr("Queue for an agent"), this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_runNow->setToolTip(tr("Run the selected pipeline here, now, with a live log (Ctrl+R)"));
    m_queue->setToolTip(tr("Queue a run of the selected pipeline for any agent to claim (Ctrl+Shift+R)"));
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);

    auto *bar = new QHBoxLayout;
    bar->addStretch(1);
    bar->addWidget(m_queue);
    bar->addWidget(m_runNow);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addLayout(m_stack, 1);

    auto *runAction = new QAction(tr("Run now"), this);
    runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    runAction->setShortcutContext(Qt::WindowShortcut);
    connect(runAction, &QAction::triggered, this, [this] { request(false); });
    addAction(runAction);
    auto *queueAction = new QAction(tr("Queue for an agent"), this);
    queueAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    queueAction->setShortcutContext(Qt::WindowShortcut);
    connect(queueAction, &QAction::triggered, this, [this] { request(true); });
    addAction(queueAction);
    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    refresh->setShortcutContext(Qt::WindowShortcut);
    connect(refresh, &QAction::triggered, this, &OrchestratePage::refreshRequested);
    addAction(refresh);
    m_table->setAccessibleName(tr("Pipelines"));
    connect(m_runNow, &QPushButton::clicked, this, [this] { request(false); });
    connect(m_queue, &QPushButton::clicked, this, [this] { request(true); });
    connect(m_table, &QTableView::doubleClicked, this, [this] { request(false); });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &OrchestratePage::updateButtons);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OrchestratePage::updateState);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this] { m_table->resizeColumnsToContents(); });
    updateState();
}

QString OrchestratePage::selectedPipelineUuid() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    if (rows.isEmpty())
        return {};
    return m_model->pipelineAt(rows.first().row()).uuid;
}

void OrchestratePage::request(bool queue)
{
    const QString uuid = selectedPipelineUuid();
    if (!uuid.isEmpty())
        Q_EMIT runRequested(uuid, queue);
}

void OrchestratePage::updateButtons()
{
    const bool any = !selectedPipelineUuid().isEmpty();
    m_runNow->setEnabled(any);
    m_queue->setEnabled(any);
}

void OrchestratePage::updateState()
{
    const bool empty = m_model->rowCount() == 0;
    m_stack->setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_table);
    if (!empty) {
        m_table->resizeColumnsToContents();
        if (!m_table->selectionModel()->hasSelection())
            m_table->selectRow(0);
    }
    m_runNow->setVisible(!empty);
    m_queue->setVisible(!empty);
    updateButtons();
}

} // namespace sluice
