#pragma once

#include "airbyte/airbyteprobe.h"
#include "domain/ingestview.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace sluice {

// The Airbyte server and the org's workspace: URL, auth (none, basic, client credentials), the secret
// (never shown; left empty, the stored one stays), Test (health, version, the Config API with these
// credentials — each failure named with its fix), the workspace chosen from the server's list or made
// here, Save. Thin over the IngestService: intents are signals, answers come in through show…(); what
// was typed stays when a test or a save fails.
class ServerDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ServerDialog(QWidget *parent = nullptr);

    // Asks for the stored settings (openRequested) and shows "loading" until they come.
    void start();
    void showOpened(const IngestServerView &view);
    void showTested(const AirbyteProbe &probe, const QString &summary);
    void showWorkspaceCreated(const AirbyteWorkspace &workspace, const QString &problem);
    void showSaved(const QString &message);
    void showRefused(const QString &message);

    [[nodiscard]] AirbyteServer draft() const;
    [[nodiscard]] QLineEdit *urlField() const { return m_url; }
    [[nodiscard]] QComboBox *authBox() const { return m_auth; }
    [[nodiscard]] QLineEdit *userField() const { return m_user; }
    [[nodiscard]] QLineEdit *secretField() const { return m_secret; }
    [[nodiscard]] QComboBox *workspaceBox() const { return m_workspace; }
    [[nodiscard]] QLineEdit *newWorkspaceField() const { return m_newWorkspace; }
    [[nodiscard]] QPushButton *testButton() const { return m_test; }
    [[nodiscard]] QPushButton *createButton() const { return m_create; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }

Q_SIGNALS:
    void openRequested();
    void testRequested(const sluice::AirbyteServer &draft, const QString &secret);
    void createWorkspaceRequested(const sluice::AirbyteServer &draft, const QString &secret, const QString &name);
    void saveRequested(const sluice::AirbyteServer &draft, const QString &secret, const QString &workspaceId);

private:
    void updateAuthFields();
    void setBusy(bool busy);
    void addWorkspace(const QString &id, const QString &name);

    bool m_secretStored = false;
    IngestServerView m_stored;   // as opened: its secret stands only for these settings
    QLineEdit *m_url;
    QComboBox *m_auth;
    QLabel *m_userLabel, *m_secretLabel;
    QLineEdit *m_user, *m_secret;
    QComboBox *m_workspace;
    QLineEdit *m_newWorkspace;
    QPushButton *m_test, *m_create, *m_save;
    QLabel *m_status;
};

} // namespace sluice
