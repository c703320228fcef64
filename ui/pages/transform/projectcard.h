#pragma once

#include "domain/transformview.h"

#include <QGroupBox>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace sluice {

// The org's dbt project as the Transform page shows it: git URL, branch (offered from the remote's
// branches), project folder (offered from the checkout's dbt_project.yml files), checkout, target,
// default schema, dbt executable (chosen, found on PATH with its version, or installed into a
// virtualenv with progress, log and Cancel), the git token (stored in the keychain only); the current
// commit and how far behind origin it is; Save, Fetch, Clone / Pull with progress and Cancel; and
// each missing piece said with its fix. A thin view: it shows what TransformService sends and emits
// intents. What the user typed and has not saved survives live updates and refusals.
class ProjectCard : public QGroupBox
{
    Q_OBJECT
public:
    explicit ProjectCard(QWidget *parent = nullptr);

    [[nodiscard]] QLineEdit *gitUrlField() const { return m_gitUrl; }
    [[nodiscard]] QComboBox *branchField() const { return m_branch; }
    [[nodiscard]] QComboBox *projectDirField() const { return m_projectDir; }
    [[nodiscard]] QLineEdit *checkoutField() const { return m_checkout; }
    [[nodiscard]] QLineEdit *targetField() const { return m_target; }
    [[nodiscard]] QLineEdit *schemaField() const { return m_schema; }
    [[nodiscard]] QLineEdit *dbtField() const { return m_dbtPath; }
    [[nodiscard]] QLineEdit *tokenField() const { return m_token; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QPushButton *transferButton() const { return m_transfer; }
    [[nodiscard]] QPushButton *fetchButton() const { return m_fetch; }
    [[nodiscard]] QPushButton *branchesButton() const { return m_listBranches; }
    [[nodiscard]] QPushButton *storeTokenButton() const { return m_storeToken; }
    [[nodiscard]] QPushButton *installButton() const { return m_install; }
    [[nodiscard]] QLabel *transferText() const { return m_transferText; }
    [[nodiscard]] QLabel *commitText() const { return m_commit; }
    [[nodiscard]] QLabel *behindText() const { return m_behind; }
    [[nodiscard]] QLabel *dbtText() const { return m_dbt; }
    [[nodiscard]] QLabel *tokenText() const { return m_tokenText; }
    [[nodiscard]] QLabel *installText() const { return m_installText; }
    [[nodiscard]] QComboBox *installVersionField() const { return m_installVersion; }
    [[nodiscard]] QComboBox *installAdapterField() const { return m_installAdapter; }
    [[nodiscard]] QPushButton *startInstallButton() const { return m_startInstall; }
    [[nodiscard]] QPushButton *cancelInstallButton() const { return m_cancelInstall; }
    [[nodiscard]] QProgressBar *installProgressBar() const { return m_installBar; }
    [[nodiscard]] QPlainTextEdit *installLogView() const { return m_installLog; }

public Q_SLOTS:
    void showOverview(const sluice::TransformOverview &overview);
    void showSaved();
    void showRefused(const QString &message);
    void showTransferProgress(const QString &phase, qint64 done, qint64 total, qint64 bytes);
    void showTransferFinished(bool ok, const QString &message);
    void showBranches(const QString &url, const QStringList &branches, const QString &message);
    void showTokenSaved(bool ok, const QString &message);
    void showInstallProgress(int percent, const QString &text);
    void appendInstallLog(const QString &line);
    void showInstallFinished(bool ok, const QString &message);

Q_SIGNALS:
    void saveRequested(const sluice::DbtWorkspace &workspace);
    void transferRequested();
    void fetchRequested();
    void cancelTransferRequested();
    void branchesRequested(const QString &url);
    void tokenSaveRequested(const QString &token);
    void installRequested(const QString &version, const QString &adapter);
    void cancelInstallRequested();

private:
    QWidget *buildInstall();
    void markEdited();
    void startTransfer(bool fetch);

    qint64 m_orgId = 0;
    QLineEdit *m_gitUrl, *m_checkout, *m_target, *m_schema, *m_dbtPath, *m_token;
    QComboBox *m_branch, *m_projectDir;
    QLabel *m_commit, *m_behind, *m_dbt, *m_manifest, *m_projectHint, *m_transferText, *m_tokenText;
    QPushButton *m_save, *m_transfer, *m_fetch, *m_cancelTransfer, *m_listBranches, *m_storeToken, *m_install;
    QProgressBar *m_transferBar;
    QWidget *m_installBox;
    QComboBox *m_installVersion, *m_installAdapter;
    QPushButton *m_startInstall, *m_cancelInstall;
    QProgressBar *m_installBar;
    QLabel *m_installText;
    QPlainTextEdit *m_installLog;
    bool m_edited = false;   // the user changed the project's fields and has not saved them
    bool m_hasCheckout = false;   // the last overview found a checkout (Fetch needs one)
};

} // namespace sluice
