#pragma once

#include "domain/runs.h"
#include "domain/transformview.h"
#include "taskdialog.h"

#include <QPointer>
#include <QWidget>

#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedLayout;
class QTableView;
class QTabWidget;
class QTextBrowser;
class QTimer;

namespace sluice {

class DocsBar;
class EmptyState;
class LineagePanel;
class LogView;
class ModelListModel;
class ProjectCard;
class TaskListModel;

// The dbt side of one org: its project (git URL, branch, folder, checkout, dbt, manifest — each
// missing piece said plainly with its fix), its tasks (label, exact command line, live lock badge;
// Execute runs one with its lock and shows its log below, live; Delete for the org's own tasks), and
// its models (searchable, sortable; a selection box that counts what `dbt <command> --select …` would
// take, resolved as dbt does; a detail pane). A thin view: it shows what the TransformService sends
// and emits intents; it never reads the store itself.
class TransformPage : public QWidget
{
    Q_OBJECT
public:
    explicit TransformPage(QWidget *parent = nullptr);

    [[nodiscard]] TaskListModel *taskModel() const { return m_tasks; }
    [[nodiscard]] ModelListModel *modelModel() const { return m_models; }
    [[nodiscard]] QTableView *taskTable() const { return m_taskTable; }
    [[nodiscard]] QTableView *modelTable() const { return m_modelTable; }
    [[nodiscard]] QLineEdit *selectionField() const { return m_select; }
    [[nodiscard]] QLabel *selectionCount() const { return m_count; }
    // Shows the nodes the selection box takes (their models, seeds, snapshots and sources) as the
    // lineage's focus (Ctrl+L); enabled while the box resolves to at least one of them.
    [[nodiscard]] QPushButton *showSelectionButton() const { return m_showSelection; }
    void showSelectionInLineage();
    [[nodiscard]] LogView *log() const { return m_log; }
    // The dbt project's card (its fields, Save, Fetch, Clone / Pull, token, dbt install).
    [[nodiscard]] ProjectCard *projectCard() const { return m_card; }
    [[nodiscard]] QLineEdit *gitUrlField() const;
    [[nodiscard]] QComboBox *branchField() const;
    [[nodiscard]] QComboBox *projectDirField() const;
    [[nodiscard]] QLineEdit *checkoutField() const;
    [[nodiscard]] QPushButton *saveButton() const;
    [[nodiscard]] QPushButton *transferButton() const;
    [[nodiscard]] QLabel *transferText() const;
    // The lineage of the selected model, in a tab beside its details; a click on a node selects it.
    [[nodiscard]] LineagePanel *lineagePanel() const { return m_lineage; }
    void showLineage();
    // Generate docs / Open docs, beside the tabs (their intents go to the DocsService).
    [[nodiscard]] DocsBar *docsBar() const { return m_docs; }
    [[nodiscard]] QPushButton *newTaskButton() const { return m_newTask; }
    [[nodiscard]] QPushButton *editTaskButton() const { return m_editTask; }
    // The New / Edit task dialog while it is open (else nullptr).
    [[nodiscard]] TaskDialog *taskDialog() const { return m_dialog; }
    // Opens the dialog for a new task, or for the selected one.
    void openTaskDialog(bool editSelected);
    [[nodiscard]] QString selectedTaskUuid() const;
    void selectTask(const QString &uuid);

public Q_SLOTS:
    void showOverview(const sluice::TransformOverview &overview);
    void showTasks(qint64 orgId, const QList<sluice::TransformTaskRow> &tasks, qint64 nowMs);
    void showModels(qint64 orgId, const QList<sluice::TransformModelRow> &models);
    void showSelectionCount(int ticket, int count, const QStringList &names, const QStringList &uniqueIds, const QString &message,
                            bool isError);
    // A task run this page asked for started (its log shows below) / changed / sent lines.
    void showRunStarted(qint64 runId);
    void showRun(const sluice::RunRecord &run, qint64 nowMs);
    void appendLog(const sluice::TaskLogBatch &batch);
    void handleWatchStarted(qint64 runId);
    void showNotice(const QString &text);
    // The task the dialog asked to save was saved (the dialog closes, the row is selected) / refused
    // (the dialog stays open with what was typed and says why).
    void showTaskSaved(const QString &uuid);
    void showTaskRefused(const QString &message);
    // The docs task Generate asked for is ready: it runs as Execute runs a task (its log below).
    void runDocsTask(qint64 orgId, const QString &uuid);

Q_SIGNALS:
    void executeRequested(const QString &orgTaskUuid);
    void deleteRequested(const QString &orgTaskUuid);
    // Create (empty uuid) or edit an org task.
    void saveTaskRequested(const QString &uuid, const sluice::OrgTaskDraft &draft);
    void refreshRequested();
    // The selection box changed (after a short pause in typing); `ticket` comes back with the count.
    void selectionRequested(int ticket, const QString &command, const QString &select, const QString &exclude);

private:
    QWidget *buildTasks();
    QWidget *buildModels();
    void updateTaskButtons();
    void updateModelDetail();
    void requestCount();
    void applyModels();
    void selectModel(const QString &uniqueId);

    qint64 m_orgId = 0;
    ProjectCard *m_card;
    TaskListModel *m_tasks;
    ModelListModel *m_models;
    QSortFilterProxyModel *m_modelProxy;
    QTabWidget *m_tabs;
    QStackedLayout *m_taskStack, *m_modelStack;
    EmptyState *m_noTasks, *m_noModels;
    QTableView *m_taskTable, *m_modelTable;
    QPushButton *m_execute, *m_delete, *m_newTask, *m_editTask;
    QPointer<TaskDialog> m_dialog;
    QString m_selectWhenListed;                // a task just saved: selected when the list shows it
    std::optional<DbtWorkspace> m_workspace;   // for the dialog's command-line preview
    QLabel *m_runStatus;
    LogView *m_log;
    QLineEdit *m_search, *m_select, *m_exclude;
    QComboBox *m_command;
    QLabel *m_count;
    QPushButton *m_showSelection;
    QStringList m_selectedIds; // what the selection box resolved to last, as lineage nodes
    QTextBrowser *m_detail;
    QTabWidget *m_detailTabs;
    LineagePanel *m_lineage;
    QTimer *m_countDelay;
    int m_ticket = 0;
    qint64 m_liveRun = 0;
    bool m_awaitingRun = false;
    DocsBar *m_docs;
    bool m_docsAwaiting = false;   // the run asked for is the docs task's
    qint64 m_docsRun = 0;          // the docs task's run while it runs here
    std::optional<QList<TransformModelRow>> m_pendingModels;
};

} // namespace sluice
