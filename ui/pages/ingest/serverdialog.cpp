#include "pages/ingest/serverdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice {

ServerDialog::ServerDialog(QWidget *parent) : QDialog(parent)
{
    setWindowTitle(tr("Airbyte server"));
    m_url = new QLineEdit(this);
    m_url->setPlaceholderText(tr("http://localhost:8000"));
    m_url->setAccessibleName(tr("Server URL"));
    m_auth = new QComboBox(this);
    m_auth->addItem(tr("None"), int(AirbyteAuthKind::None));
    m_auth->addItem(tr("Basic (user and password)"), int(AirbyteAuthKind::Basic));
    m_auth->addItem(tr("Client credentials (application)"), int(AirbyteAuthKind::ClientCredentials));
    m_auth->setAccessibleName(tr("Authentication"));
    m_user = new QLineEdit(this);
    m_secret = new QLineEdit(this);
    m_secret->setEchoMode(QLineEdit::Password);
    m_userLabel = new QLabel(this);
    m_userLabel->setBuddy(m_user);
    m_secretLabel = new QLabel(this);
    m_secretLabel->setBuddy(m_secret);
    m_test = new QPushButton(tr("&Test"), this);
    m_test->setToolTip(tr("Ask the server for its health and version, and the Config API for its workspaces with these credentials (Ctrl+T)"));
    m_test->setShortcut(QKeySequence(tr("Ctrl+T")));
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Server test result"));
    m_status->setMinimumHeight(m_status->fontMetrics().lineSpacing() * 4);   // room for a failure and its fix
    m_status->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    m_workspace = new QComboBox(this);
    m_workspace->setAccessibleName(tr("Workspace"));
    m_workspace->setPlaceholderText(tr("Test to list the server's workspaces"));
    m_newWorkspace = new QLineEdit(this);
    m_newWorkspace->setAccessibleName(tr("New workspace name"));
    m_newWorkspace->setPlaceholderText(tr("a name for a new workspace"));
    m_create = new QPushButton(tr("C&reate workspace"), this);
    m_create->setToolTip(tr("Make a workspace of this name on the server and choose it"));
    auto *newRow = new QHBoxLayout;
    newRow->addWidget(m_newWorkspace, 1);
    newRow->addWidget(m_create);

    auto *form = new QFormLayout;
    auto *urlLabel = new QLabel(tr("&URL:"), this);
    urlLabel->setBuddy(m_url);
    form->addRow(urlLabel, m_url);
    auto *authLabel = new QLabel(tr("&Authentication:"), this);
    authLabel->setBuddy(m_auth);
    form->addRow(authLabel, m_auth);
    form->addRow(m_userLabel, m_user);
    form->addRow(m_secretLabel, m_secret);
    form->addRow(QString(), m_test);
    auto *workspaceLabel = new QLabel(tr("&Workspace:"), this);
    workspaceLabel->setBuddy(m_workspace);
    form->addRow(workspaceLabel, m_workspace);
    auto *newLabel = new QLabel(tr("&New workspace:"), this);
    newLabel->setBuddy(m_newWorkspace);
    form->addRow(newLabel, newRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setToolTip(tr("Store the server (its secret in the keychain only) and the org's workspace"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMinimumWidth(560);

    connect(m_auth, &QComboBox::currentIndexChanged, this, &ServerDialog::updateAuthFields);
    connect(m_user, &QLineEdit::textChanged, this, &ServerDialog::updateAuthFields);
    connect(m_url, &QLineEdit::textChanged, this, &ServerDialog::updateAuthFields);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, [this] {
        setBusy(true);
        m_status->setText(tr("Testing…"));
        Q_EMIT testRequested(draft(), m_secret->text());
    });
    connect(m_create, &QPushButton::clicked, this, [this] {
        setBusy(true);
        m_status->setText(tr("Making the workspace…"));
        Q_EMIT createWorkspaceRequested(draft(), m_secret->text(), m_newWorkspace->text());
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_url->text().trimmed().isEmpty()) {
            m_status->setText(tr("Type the server's URL."));
            return;
        }
        setBusy(true);
        m_status->setText(tr("Saving…"));
        Q_EMIT saveRequested(draft(), m_secret->text(), m_workspace->currentData().toString());
    });
    updateAuthFields();
}

void ServerDialog::start()
{
    m_status->setText(tr("Reading the stored settings…"));
    setBusy(true);
    Q_EMIT openRequested();
}

void ServerDialog::showOpened(const IngestServerView &view)
{
    setBusy(false);
    m_stored = view;
    m_secretStored = view.secretStored;
    m_secret->clear();
    m_url->setText(view.exists ? view.server.url.toString() : QString());
    m_auth->setCurrentIndex(m_auth->findData(int(view.exists ? view.server.authKind : AirbyteAuthKind::None)));
    m_user->setText(view.server.user);
    m_workspace->clear();
    if (!view.workspaceId.isEmpty()) {
        addWorkspace(view.workspaceId, tr("the org's workspace"));
        m_workspace->setCurrentIndex(0);
    }
    m_status->setText(view.exists ? tr("Test to see the server's version and workspaces.")
                                  : tr("No Airbyte server yet: type its URL (Airbyte's own address), choose how Sluice signs in, Test, then Save."));
    updateAuthFields();
}

void ServerDialog::showTested(const AirbyteProbe &probe, const QString &summary)
{
    setBusy(false);
    m_status->setText(summary);
    if (!probe.ok())
        return;
    const QString chosen = m_workspace->currentData().toString();
    m_workspace->clear();
    for (const AirbyteWorkspace &w : probe.workspaces)
        addWorkspace(w.id, w.name);
    if (!chosen.isEmpty() && m_workspace->findData(chosen) < 0)
        addWorkspace(chosen, tr("not on this server"));
    if (!chosen.isEmpty())
        m_workspace->setCurrentIndex(m_workspace->findData(chosen));
    else if (m_workspace->count() == 1)
        m_workspace->setCurrentIndex(0);   // the server's only workspace: the likely choice
}

void ServerDialog::showWorkspaceCreated(const AirbyteWorkspace &workspace, const QString &problem)
{
    setBusy(false);
    if (!problem.isEmpty()) {
        m_status->setText(problem);
        return;
    }
    addWorkspace(workspace.id, workspace.name);
    m_workspace->setCurrentIndex(m_workspace->findData(workspace.id));
    m_newWorkspace->clear();
    m_status->setText(tr("Workspace %1 made on the server and chosen; Save keeps it for the org.").arg(workspace.name));
}

void ServerDialog::showSaved(const QString &message)
{
    setBusy(false);
    m_secret->clear();
    m_status->setText(message);
    accept();
}

void ServerDialog::showRefused(const QString &message)
{
    setBusy(false);
    m_status->setText(tr("Not saved: %1").arg(message));
}

AirbyteServer ServerDialog::draft() const
{
    AirbyteServer s;
    s.url = QUrl::fromUserInput(m_url->text().trimmed());
    s.authKind = AirbyteAuthKind(m_auth->currentData().toInt());
    s.user = s.authKind == AirbyteAuthKind::None ? QString() : m_user->text().trimmed();
    return s;
}

void ServerDialog::updateAuthFields()
{
    const auto kind = AirbyteAuthKind(m_auth->currentData().toInt());
    const bool none = kind == AirbyteAuthKind::None;
    const bool client = kind == AirbyteAuthKind::ClientCredentials;
    m_userLabel->setText(client ? tr("&Client id:") : tr("U&ser:"));
    m_secretLabel->setText(client ? tr("Client &secret:") : tr("&Password:"));
    m_user->setAccessibleName(client ? tr("Client id") : tr("User"));
    m_secret->setAccessibleName(client ? tr("Client secret") : tr("Password"));
    m_user->setEnabled(!none);
    m_secret->setEnabled(!none);
    // The stored secret stands only for the settings it was stored with.
    const bool same = m_stored.exists && m_stored.server.authKind == kind && m_stored.server.user == m_user->text().trimmed()
        && m_stored.server.url.toString() == m_url->text().trimmed();
    m_secret->setPlaceholderText(none ? QString() : m_secretStored && same ? tr("stored in the keychain — leave empty to keep it") : tr("type it"));
}

void ServerDialog::setBusy(bool busy)
{
    m_test->setEnabled(!busy);
    m_create->setEnabled(!busy);
    m_save->setEnabled(!busy);
}

void ServerDialog::addWorkspace(const QString &id, const QString &name)
{
    if (m_workspace->findData(id) >= 0)
        return;
    m_workspace->addItem(QStringLiteral("%1 (%2)").arg(name, id), id);
}

} // namespace sluice
