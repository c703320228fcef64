#include "orchestratepage.h"

#include "itemmodels/pipelinelistmodel.h"
#include "widgets/emptystate.h"

#include <QHeaderView>
#include <QStackedLayout>
#include <QTableView>

namespace sluice {

OrchestratePage::OrchestratePage(PipelineListModel *model, QWidget *parent)
    : QWidget(parent), m_model(model), m_stack(new QStackedLayout(this)), m_table(new QTableView(this)),
      m_empty(new EmptyState(tr("No pipelines yet"),
                             tr("A pipeline runs Airbyte syncs, then git pull and dbt commands, in order, on a schedule.\n"
                                "Create one with: sluicectl pipeline create --org SLUG --name NAME --task UUID"),
                             this))
{
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_table);
    connect(m_model, &QAbstractItemModel::modelReset, this, &OrchestratePage::updateState);
    updateState();
}

void OrchestratePage::updateState()
{
    const bool empty = m_model->rowCount() == 0;
    m_stack->setCurrentWidget(empty ? static_cast<QWidget *>(m_empty) : m_table);
    if (!empty)
        m_table->resizeColumnsToContents();
}

} // namespace sluice
