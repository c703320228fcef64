#pragma once

#include "catalog/taskcatalog.h"
#include "domain/entities.h"

#include <QDialog>
#include <QHash>
#include <QJsonObject>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTabWidget;

namespace sluice {

class ScheduleBuilder;

// New / Edit pipeline (DESIGN.md §1 "Pipelines"): its org (chosen for a new one, fixed after), name and
// active switch; on the Tasks tab the org's tasks on the left and the pipeline's, in the order the user
// gives (Add, Remove, Move up/down, or drag), on the right, with the run order the store will save —
// Airbyte syncs first, the automatic git pull / dbt clean / dbt deps marked as such, with the switch that
// turns them off; the Schedule tab's builder; and on Options: continue on sync failure, retries (count,
// wait, exponential backoff, time limit), what to do when a run overlaps the last one or runs were
// missed, the agent tag, and which outcomes notify the org's channels.
// Every problem is marked at its field with the reason and Save stays off while there is one (nothing
// invalid is sent). Save emits saveRequested; the dialog stays open, with what was typed, until the
// owner calls accept() (saved) or showRefusal() (the store said no). The org's tasks arrive
// asynchronously: tasksRequested(orgId) asks, setOrgTasks() answers (the lists say "Loading…" until then).
class PipelineEditor : public QDialog
{
    Q_OBJECT
public:
    // `pipeline` empty: a new pipeline, in `orgId` unless the user picks another of `orgs`. `takenNames`:
    // the names of the org's other pipelines (a name in use is marked before the store says so).
    PipelineEditor(const TaskCatalog &catalog, const QList<Org> &orgs, qint64 orgId, const std::optional<Pipeline> &pipeline,
                   QHash<qint64, QStringList> takenNames, QWidget *parent = nullptr);

    [[nodiscard]] PipelineDraft draft() const;
    [[nodiscard]] QString pipelineUuid() const { return m_uuid; }
    [[nodiscard]] qint64 orgId() const;
    // The first problem, worded for people; empty when the pipeline can be saved.
    [[nodiscard]] QString problem() const;
    // The problem shown at "name", "tasks", "schedule" or "retries" (empty: none).
    [[nodiscard]] QString problemAt(const QString &field) const;

    // For tests and the accessibility tree.
    [[nodiscard]] QComboBox *orgBox() const { return m_org; }
    [[nodiscard]] QLineEdit *nameField() const { return m_name; }
    [[nodiscard]] QCheckBox *activeBox() const { return m_active; }
    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] QListWidget *availableList() const { return m_available; }
    [[nodiscard]] QListWidget *chosenList() const { return m_chosen; }
    [[nodiscard]] QPushButton *addButton() const { return m_add; }
    [[nodiscard]] QPushButton *removeButton() const { return m_remove; }
    [[nodiscard]] QPushButton *upButton() const { return m_up; }
    [[nodiscard]] QPushButton *downButton() const { return m_down; }
    [[nodiscard]] QCheckBox *autoDepsBox() const { return m_autoDeps; }
    [[nodiscard]] QLabel *runOrderLabel() const { return m_runOrder; }
    [[nodiscard]] ScheduleBuilder *scheduleBuilder() const { return m_schedule; }
    [[nodiscard]] QCheckBox *continueBox() const { return m_continue; }
    [[nodiscard]] QSpinBox *retriesField() const { return m_retries; }
    [[nodiscard]] QDoubleSpinBox *delayField() const { return m_delay; }
    [[nodiscard]] QCheckBox *backoffBox() const { return m_backoff; }
    [[nodiscard]] QDoubleSpinBox *maxDelayField() const { return m_maxDelay; }
    [[nodiscard]] QSpinBox *timeoutField() const { return m_timeout; }
    [[nodiscard]] QComboBox *overlapBox() const { return m_overlap; }
    [[nodiscard]] QComboBox *missedBox() const { return m_missed; }
    [[nodiscard]] QLineEdit *agentTagField() const { return m_agentTag; }
    // "failure", "warning" or "success".
    [[nodiscard]] QCheckBox *notifyBox(const QString &outcome) const { return m_notify.value(outcome); }
    [[nodiscard]] QLabel *refusalLabel() const { return m_refusal; }
    [[nodiscard]] QPushButton *saveButton() const;

public Q_SLOTS:
    // The org's tasks (every one; the editor offers those the catalog does not hide).
    void setOrgTasks(qint64 orgId, const QList<sluice::OrgTask> &tasks);
    void showRefusal(const QString &message);

Q_SIGNALS:
    void saveRequested(const QString &uuid, qint64 orgId, const sluice::PipelineDraft &draft);
    void tasksRequested(qint64 orgId);

private:
    QWidget *buildTasksTab();
    QWidget *buildOptionsTab();
    void fillRetries(const QString &policyJson);
    [[nodiscard]] QString retryPolicyJson() const;
    void addSelected();
    void removeSelected();
    void move(int delta);
    void changed();
    void mark(const QString &field, const QString &problem);
    [[nodiscard]] QList<OrgTask> chosenTasks() const;
    [[nodiscard]] QString taskTitle(const OrgTask &task) const;

    const TaskCatalog &m_catalog;
    QList<Org> m_orgs;
    QString m_uuid;
    qint64 m_fixedOrg = 0;               // the org of the edited pipeline; 0 for a new one
    std::optional<Pipeline> m_pipeline;
    QHash<qint64, QStringList> m_takenNames;
    QHash<QString, OrgTask> m_tasks;     // the org's tasks by uuid
    qint64 m_tasksOrg = 0;               // whose tasks m_tasks holds
    QJsonObject m_retryPolicy;           // the stored policy, kept whole except its "default" rule
    QComboBox *m_org;
    QLineEdit *m_name;
    QCheckBox *m_active;
    QTabWidget *m_tabs;
    QListWidget *m_available;
    QListWidget *m_chosen;
    QPushButton *m_add, *m_remove, *m_up, *m_down;
    QCheckBox *m_autoDeps;
    QLabel *m_runOrder;
    ScheduleBuilder *m_schedule;
    QCheckBox *m_continue;
    QCheckBox *m_retry;
    QSpinBox *m_retries;
    QDoubleSpinBox *m_delay;
    QCheckBox *m_backoff;
    QDoubleSpinBox *m_maxDelay;
    QSpinBox *m_timeout;
    QLabel *m_retryNote;
    QComboBox *m_overlap;
    QComboBox *m_missed;
    QLineEdit *m_agentTag;
    QHash<QString, QCheckBox *> m_notify;
    QHash<QString, QLabel *> m_problems;
    QLabel *m_refusal;
    QDialogButtonBox *m_buttons;
    bool m_saving = false;
};

} // namespace sluice
