#pragma once

#include "catalog/taskcatalog.h"
#include "rules/taskrules.h"
#include "domain/entities.h"
#include "store/workspacestore.h"

#include <QDialog>
#include <QHash>

#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QTimer;

namespace sluice {

class SelectorField;

// New / Edit task: the kind of task (from the catalog), a label, and exactly the flags and options
// the catalog allows for that kind — --select / --exclude with completion and a model picker fed by
// the manifest and the live count of nodes the expression takes, --vars as YAML, a shell task's
// command, working directory and environment, an Airbyte task's connection. The command line it
// will run is previewed as the user types (the runner's own argv). Every problem is marked at its
// field with the reason (the catalog's rules, the same the store applies) and Save stays off while
// there is one. Save emits saveRequested; the dialog stays open, with what was typed, until the
// owner calls accept() (saved) or showRefusal() (the store said no).
class TaskDialog : public QDialog
{
    Q_OBJECT
public:
    // `task` empty: a new task. `vocabulary` feeds completion: model names, then qualified words
    // ("tag:nightly").
    TaskDialog(const TaskCatalog &catalog, const std::optional<OrgTask> &task, const std::optional<DbtWorkspace> &workspace,
               const QStringList &modelNames, const QStringList &qualifiedWords, QWidget *parent = nullptr);

    [[nodiscard]] OrgTaskDraft draft() const;
    [[nodiscard]] QString taskUuid() const { return m_uuid; }

    // For tests and the accessibility tree: the field for "flag:NAME", "option:NAME", "connection",
    // "command", "env", "label" (or nullptr), and the problem shown at it (empty: none).
    [[nodiscard]] QWidget *field(const QString &name) const { return m_fields.value(name); }
    [[nodiscard]] SelectorField *selectorField(const QString &option) const;
    [[nodiscard]] QString problemAt(const QString &name) const;
    [[nodiscard]] QComboBox *kindBox() const { return m_kind; }
    [[nodiscard]] QLineEdit *labelField() const { return m_label; }
    [[nodiscard]] QLabel *preview() const { return m_preview; }
    [[nodiscard]] QLabel *countLabel() const { return m_count; }
    [[nodiscard]] QLabel *refusalLabel() const { return m_refusal; }
    [[nodiscard]] QPushButton *saveButton() const;

public Q_SLOTS:
    void showSelectionCount(int ticket, int count, const QStringList &names, const QString &message, bool isError);
    void showRefusal(const QString &message);

Q_SIGNALS:
    void saveRequested(const QString &uuid, const sluice::OrgTaskDraft &draft);
    // The expression changed (after a short pause): how many nodes would `dbt <command>` take?
    void selectionRequested(int ticket, const QString &command, const QString &select, const QString &exclude);

private:
    void buildParameters();
    void remember();
    void changed();
    void requestCount();
    [[nodiscard]] const CatalogTask *kind() const;
    [[nodiscard]] QList<TaskProblem> problems() const;

    const TaskCatalog &m_catalog;
    QString m_uuid;
    std::optional<DbtWorkspace> m_workspace;
    QStringList m_modelNames, m_qualifiedWords;
    QComboBox *m_kind;
    QLineEdit *m_label;
    QWidget *m_paramsHost = nullptr;
    QFormLayout *m_params = nullptr;
    QHash<QString, QWidget *> m_fields;      // "flag:full-refresh" → its check box, …
    QHash<QString, QLabel *> m_problems;     // the same keys → the label under the field
    QHash<QString, QString> m_typed;         // what was typed per field, kept across kind changes
    QLabel *m_preview;
    QLabel *m_previewNote;
    QLabel *m_count;
    QLabel *m_refusal;
    QDialogButtonBox *m_buttons;
    QTimer *m_countDelay;
    int m_ticket = 0;
    bool m_saving = false;
};

} // namespace sluice
