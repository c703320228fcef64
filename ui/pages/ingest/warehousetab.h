#pragma once

#include "domain/ingestview.h"
#include "runner/warehousetest.h"

#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QStackedLayout;

namespace sluice {

class EmptyState;

// Your warehouse: the org's warehouse as a form per type, built from the fields dbt's profile takes
// (profileFields(): so the form asks exactly what the adapter needs; ports and timeouts as numbers, key
// and certificate files picked from disk, a BigQuery service-account key pasted or chosen). The secret
// field is never filled from the keychain: left empty, the stored secret stays. Test runs dbt debug on
// what is typed; Save stores it and keeps the Airbyte destination in step. What was typed survives a
// failed test or save, a refresh, and switching types (shared fields keep their values).
class WarehouseTab : public QWidget
{
    Q_OBJECT
public:
    explicit WarehouseTab(QWidget *parent = nullptr);

    void setOrg(qint64 orgId);
    void showWarehouse(const IngestWarehouseView &view);
    void showTested(const WarehouseTestResult &result);
    void showSaved(const QString &message);
    void showRefused(const QString &message);

    // What the form holds now.
    [[nodiscard]] Warehouse draft() const;
    [[nodiscard]] QString typedSecret() const;
    // For tests: the editor of a settings key (a QLineEdit, QSpinBox or QComboBox), or nullptr.
    [[nodiscard]] QWidget *editorFor(const QString &key) const { return m_editors.value(key); }
    [[nodiscard]] QComboBox *typeBox() const { return m_type; }
    [[nodiscard]] QLineEdit *secretEdit() const { return m_secret; }
    [[nodiscard]] QCheckBox *withoutSecretBox() const { return m_noSecret; }
    [[nodiscard]] QPlainTextEdit *keyEdit() const { return m_key; }
    [[nodiscard]] QPushButton *testButton() const { return m_test; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QLabel *resultLabel() const { return m_result; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void testRequested(const sluice::Warehouse &draft, const QString &secret);
    void saveRequested(const sluice::Warehouse &draft, const QString &secret);

private:
    void rebuildForm();
    void remember() const;       // the editors' values into m_values
    void setBusy(const QString &what);
    void updateSecretField();
    [[nodiscard]] QString currentType() const;
    [[nodiscard]] QString problemBeforeSending() const;
    void markDirty();

    qint64 m_orgId = 0;
    IngestWarehouseView m_view;
    mutable QHash<QString, QString> m_values;   // settings key → text, across types (remember() fills it)
    QHash<QString, QWidget *> m_editors;    // of the current type
    bool m_dirty = false;
    bool m_building = false;

    QStackedLayout *m_stack;
    EmptyState *m_empty;
    QComboBox *m_type;
    QFormLayout *m_main;
    QGroupBox *m_advancedBox;
    QFormLayout *m_advanced;
    QLabel *m_secretLabel;
    QLineEdit *m_secret;
    QPlainTextEdit *m_key;
    QPushButton *m_chooseKey;
    QCheckBox *m_noSecret;
    QPushButton *m_test, *m_save, *m_revert;
    QLabel *m_status;
    QLabel *m_result;
    QPlainTextEdit *m_output;
};

} // namespace sluice
