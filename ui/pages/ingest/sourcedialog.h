#pragma once

#include "airbyte/airbytetypes.h"
#include "airbyte/connectorspec.h"

#include <QDialog>
#include <QJsonObject>

class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QStandardItemModel;

namespace sluice {

class SpecFormWidget;

// New source / Edit source: pick a connector (searchable), then fill the form its specification draws
// (SpecFormWidget), check the connection on the server, save. Thin: it asks through signals and is told
// through show…(); it stays open with what was typed whatever the answer, until a save succeeds.
// - What is typed is validated against the connector's JSON Schema (validateConfig) before a check or a
//   save is asked for; each problem is marked at its field. On edit, secrets the server masked
//   ("**********") stand for the stored ones and are not judged.
class SourceDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SourceDialog(QWidget *parent = nullptr);

    // Starts a new source: the connector list is asked for.
    void startNew();
    // Edits a source: its configuration and spec are asked for.
    void startEdit(const QString &sourceId);

    void showDefinitions(const QList<AirbyteDefinition> &definitions, const QString &problem);
    void showSpec(const QString &definitionId, const ConnectorSpec &spec, const QString &problem);
    void showOpened(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config,
                    const ConnectorSpec &spec, const QString &problem);
    void showChecked(bool succeeded, const QString &message);
    void showSaved(const QString &sourceId);
    void showRefused(const QString &message);
    void showInvalid(const QList<SpecProblem> &problems);

    [[nodiscard]] SpecFormWidget *form() const { return m_form; }
    [[nodiscard]] QLineEdit *searchField() const { return m_search; }
    [[nodiscard]] QListView *definitionList() const { return m_list; }
    [[nodiscard]] QLineEdit *nameField() const { return m_name; }
    [[nodiscard]] QPushButton *checkButton() const { return m_check; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QPushButton *nextButton() const { return m_next; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }
    // Chooses the listed connector of that name (as a double-click does); false when it is not listed.
    bool chooseDefinition(const QString &name);

Q_SIGNALS:
    void definitionsRequested();
    void specRequested(const QString &definitionId);
    void openRequested(const QString &sourceId);
    void checkRequested(const QString &definitionId, const QJsonObject &config);
    void saveRequested(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config);

private:
    void choose();
    void clearForm();
    // The form's problems (unreadable fields and the schema's), marked at their fields; true when none.
    bool validate();
    void setBusy(bool busy, const QString &status);

    QStackedWidget *m_pages;
    QLineEdit *m_search;
    QListView *m_list;
    QStandardItemModel *m_definitions;
    QSortFilterProxyModel *m_filter;
    QPushButton *m_next;
    QLabel *m_listStatus;
    QLabel *m_connector;
    QLineEdit *m_name;
    SpecFormWidget *m_form;
    QLabel *m_status;
    QPushButton *m_back, *m_check, *m_save;
    QString m_sourceId;
    QString m_definitionId;
    QString m_definitionName;
    ConnectorSpec m_spec;
};

} // namespace sluice
