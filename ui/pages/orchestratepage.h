#pragma once

#include <QWidget>

class QStackedLayout;
class QTableView;

namespace sluice {

class EmptyState;
class PipelineListModel;

// Pipelines: the list of every org's pipelines, or an empty state saying how to create one.
class OrchestratePage : public QWidget
{
    Q_OBJECT
public:
    OrchestratePage(PipelineListModel *model, QWidget *parent = nullptr);

private:
    void updateState();

    PipelineListModel *m_model;
    QStackedLayout *m_stack;
    QTableView *m_table;
    EmptyState *m_empty;
};

} // namespace sluice
