#pragma once

#include <QWidget>

class QPushButton;
class QStackedLayout;
class QTableView;

namespace sluice {

class EmptyState;
class PipelineListModel;

// Pipelines: the list of every org's pipelines, or an empty state saying how to create one.
// "Run now" (Ctrl+R while the page is shown, or a double click) asks for a manual run of the selected pipeline executed by
// this app; "Queue for an agent" (Ctrl+Shift+R) hands it to whichever agent claims it; F5 asks for the
// list again. Intents only: runRequested(uuid, queue) and refreshRequested() are wired by the window and
// the composition root.
class OrchestratePage : public QWidget
{
    Q_OBJECT
public:
    OrchestratePage(PipelineListModel *model, QWidget *parent = nullptr);

    // The selected pipeline's uuid, or empty.
    [[nodiscard]] QString selectedPipelineUuid() const;

Q_SIGNALS:
    void runRequested(const QString &pipelineUuid, bool queue);
    void refreshRequested();

private:
    void updateState();
    void updateButtons();
    void request(bool queue);

    PipelineListModel *m_model;
    QStackedLayout *m_stack;
    QTableView *m_table;
    EmptyState *m_empty;
    QPushButton *m_runNow;
    QPushButton *m_queue;
};

} // namespace sluice
