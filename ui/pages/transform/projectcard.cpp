#include "projectcard.h"

#include "dbt/dbtinstaller.h"

#include <QAction>
#include <QComboBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace sluice {

namespace {

QLabel *valueLabel(QWidget *parent, const QString &accessibleName)
{
    auto *l = new QLabel(parent);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    l->setWordWrap(true);
    l->setAccessibleName(accessibleName);
    return l;
}

QComboBox *editableCombo(QWidget *parent, const QString &placeholder)
{
    auto *c = new QComboBox(parent);
    c->setEditable(true);
    c->setInsertPolicy(QComboBox::NoInsert);
    c->lineEdit()->setPlaceholderText(placeholder);
    return c;
}

// The folder shown for the repository's root in the project folder list.
const QString kRoot = QStringLiteral(".");

} // namespace

ProjectCard::ProjectCard(QWidget *parent) : QGroupBox(tr("dbt project"), parent)
{
    setAccessibleName(tr("dbt project"));
    const auto field = [this](const QString &placeholder) {
        auto *e = new QLineEdit(this);
        e->setPlaceholderText(placeholder);
        return e;
    };
    m_gitUrl = field(tr("https://github.com/acme/dbt-project.git"));
    m_branch = editableCombo(this, tr("main"));
    m_projectDir = editableCombo(this, tr("the folder holding dbt_project.yml; empty: the repository's root"));
    m_checkout = field(tr("where the clone lives on this machine; empty: Sluice's data folder"));
    m_target = field(tr("prod"));
    m_schema = field(tr("the schema dbt builds into; empty: the warehouse's"));
    m_dbtPath = field(tr("empty: dbt found on PATH"));
    m_token = field(tr("an HTTPS access token; stored in the keychain only"));
    m_token->setEchoMode(QLineEdit::Password);
    m_listBranches = new QPushButton(tr("Branc&hes"), this);
    m_listBranches->setToolTip(tr("Ask the remote which branches it has (uses the keychain's token)"));
    m_listBranches->setAccessibleName(tr("List the remote's branches"));
    auto *browse = new QPushButton(tr("Bro&wse…"), this);
    browse->setAccessibleName(tr("Choose the dbt executable"));
    m_install = new QPushButton(tr("&Install dbt…"), this);
    m_install->setToolTip(tr("Create a virtualenv with dbt and your warehouse's adapter for this project"));
    m_storeToken = new QPushButton(tr("S&tore token"), this);
    m_storeToken->setToolTip(tr("Store the token in the system keychain (an empty field removes it); it never reaches Sluice's store"));
    m_storeToken->setEnabled(false);
    m_commit = valueLabel(this, tr("Current commit"));
    m_behind = valueLabel(this, tr("Commits behind origin"));
    m_dbt = valueLabel(this, tr("dbt"));
    m_manifest = valueLabel(this, tr("Manifest"));
    m_tokenText = valueLabel(this, tr("Git token"));

    // A layout, not a row widget: the field stays a sibling of its label, which is how Qt's accessibility
    // bridge finds a buddy label (a combo box on Linux is otherwise announced by its value alone).
    const auto withButtons = [](QWidget *field, std::initializer_list<QWidget *> buttons) {
        auto *h = new QHBoxLayout;
        h->setContentsMargins(0, 0, 0, 0);
        h->addWidget(field, 1);
        for (QWidget *b : buttons)
            h->addWidget(b);
        return h;
    };
    struct Row {
        QString title;
        QWidget *focus;
        QLayout *shown;
    };
    const QList<Row> left{{tr("&Git URL:"), m_gitUrl, withButtons(m_gitUrl, {})},
                          {tr("&Branch:"), m_branch, withButtons(m_branch, {m_listBranches})},
                          {tr("Project &folder:"), m_projectDir, withButtons(m_projectDir, {})},
                          {tr("Chec&kout:"), m_checkout, withButtons(m_checkout, {})}};
    const QList<Row> right{{tr("Tar&get:"), m_target, withButtons(m_target, {})},
                           {tr("Default sc&hema:"), m_schema, withButtons(m_schema, {})},
                           {tr("dbt e&xecutable:"), m_dbtPath, withButtons(m_dbtPath, {browse, m_install})},
                           {tr("Git toke&n:"), m_token, withButtons(m_token, {m_storeToken})}};
    auto *grid = new QGridLayout;
    const auto place = [this, grid](const QList<Row> &rows, int column) {
        for (int i = 0; i < rows.size(); ++i) {
            auto *label = new QLabel(rows.at(i).title, this);
            label->setBuddy(rows.at(i).focus);
            rows.at(i).focus->setAccessibleName(QString(rows.at(i).title).remove(QLatin1Char(':')).remove(QLatin1Char('&')));
            grid->addWidget(label, i, column);
            grid->addLayout(rows.at(i).shown, i, column + 1);
        }
    };
    place(left, 0);
    place(right, 2);
    grid->setColumnStretch(1, 3);
    grid->setColumnStretch(3, 2);
    auto *facts = new QFormLayout;
    facts->addRow(tr("Current commit:"), m_commit);
    facts->addRow(tr("Origin:"), m_behind);
    facts->addRow(tr("dbt:"), m_dbt);
    facts->addRow(tr("Manifest:"), m_manifest);
    facts->addRow(tr("Keychain:"), m_tokenText);

    for (QLineEdit *e : {m_gitUrl, m_checkout, m_target, m_schema, m_dbtPath})
        connect(e, &QLineEdit::textEdited, this, &ProjectCard::markEdited);
    for (QComboBox *c : {m_branch, m_projectDir}) {
        connect(c->lineEdit(), &QLineEdit::textEdited, this, &ProjectCard::markEdited);
        connect(c, &QComboBox::activated, this, &ProjectCard::markEdited);
    }
    connect(m_token, &QLineEdit::textEdited, this, [this] { m_storeToken->setEnabled(true); });
    m_projectHint = new QLabel(this);
    m_projectHint->setWordWrap(true);
    m_projectHint->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_projectHint->setAccessibleName(tr("What is missing"));
    m_projectHint->setForegroundRole(QPalette::Link);
    m_projectHint->hide();

    m_save = new QPushButton(tr("&Save"), this);
    m_save->setToolTip(tr("Save the project's settings (Ctrl+S); every change is recorded in the history"));
    m_save->setEnabled(false);
    m_fetch = new QPushButton(tr("F&etch"), this);
    m_fetch->setToolTip(tr("Ask origin for new commits without changing the checkout; then says how far behind it is"));
    m_transfer = new QPushButton(tr("C&lone / Pull"), this);
    m_transfer->setToolTip(tr("Clone the repository, or pull the branch when there is a checkout (fast-forward only)"));
    m_cancelTransfer = new QPushButton(tr("Cancel"), this);
    m_cancelTransfer->setAccessibleName(tr("Cancel the clone or pull"));
    m_cancelTransfer->hide();
    m_transferBar = new QProgressBar(this);
    m_transferBar->setAccessibleName(tr("Clone or pull progress"));
    m_transferBar->hide();
    m_transferText = new QLabel(this);
    m_transferText->setWordWrap(true);
    m_transferText->setAccessibleName(tr("Clone or pull result"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_transferText, 1);
    buttons->addWidget(m_transferBar, 1);
    buttons->addWidget(m_cancelTransfer);
    buttons->addWidget(m_fetch);
    buttons->addWidget(m_transfer);
    buttons->addWidget(m_save);
    auto *v = new QVBoxLayout(this);
    v->addLayout(grid);
    v->addLayout(facts);
    v->addWidget(buildInstall());
    v->addWidget(m_projectHint);
    v->addLayout(buttons);
    for (QLabel *l : {m_commit, m_dbt, m_manifest})
        l->setText(tr("loading…"));

    auto *save = new QAction(tr("Save"), this);
    save->setShortcut(QKeySequence::Save);
    save->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(save, &QAction::triggered, m_save, &QPushButton::click);
    addAction(save);
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (!m_save->isEnabled())
            return;
        DbtWorkspace ws;
        ws.gitUrl = m_gitUrl->text().trimmed();
        ws.branch = m_branch->currentText().trimmed().isEmpty() ? QStringLiteral("main") : m_branch->currentText().trimmed();
        ws.projectDir = m_projectDir->currentText().trimmed() == kRoot ? QString() : m_projectDir->currentText().trimmed();
        ws.checkoutPath = m_checkout->text().trimmed();
        ws.dbtExecutable = m_dbtPath->text().trimmed();
        ws.targetName = m_target->text().trimmed().isEmpty() ? QStringLiteral("prod") : m_target->text().trimmed();
        ws.defaultSchema = m_schema->text().trimmed();
        m_transferText->setText(tr("Saving…"));
        Q_EMIT saveRequested(ws);
    });
    connect(m_transfer, &QPushButton::clicked, this, [this] { startTransfer(false); });
    connect(m_fetch, &QPushButton::clicked, this, [this] { startTransfer(true); });
    connect(m_cancelTransfer, &QPushButton::clicked, this, &ProjectCard::cancelTransferRequested);
    connect(m_listBranches, &QPushButton::clicked, this, [this] {
        m_listBranches->setEnabled(false);
        m_transferText->setText(tr("Asking %1 for its branches…").arg(m_gitUrl->text().trimmed()));
        Q_EMIT branchesRequested(m_gitUrl->text().trimmed());
    });
    connect(m_storeToken, &QPushButton::clicked, this, [this] {
        m_storeToken->setEnabled(false);
        m_tokenText->setText(tr("Storing the token in the keychain…"));
        Q_EMIT tokenSaveRequested(m_token->text());
    });
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("dbt executable"), m_dbtPath->text());
        if (file.isEmpty())
            return;
        m_dbtPath->setText(file);
        markEdited();
    });
    connect(m_install, &QPushButton::clicked, this, [this] {
        m_installBox->setVisible(!m_installBox->isVisible());
        if (m_installBox->isVisible())
            m_installVersion->setFocus();
    });
}

QWidget *ProjectCard::buildInstall()
{
    m_installBox = new QWidget(this);
    m_installVersion = editableCombo(m_installBox, tr("the adapter's version, e.g. 1.8.2"));
    m_installVersion->addItems({QStringLiteral("1.8.2"), QStringLiteral("1.9.0"), QStringLiteral("1.7.4")});
    m_installAdapter = new QComboBox(m_installBox);
    m_installAdapter->addItems(DbtInstaller::knownAdapters());
    m_startInstall = new QPushButton(tr("Create the &virtualenv"), m_installBox);
    m_cancelInstall = new QPushButton(tr("Cancel"), m_installBox);
    m_cancelInstall->setAccessibleName(tr("Cancel the dbt install"));
    m_cancelInstall->hide();
    m_installBar = new QProgressBar(m_installBox);
    m_installBar->setAccessibleName(tr("dbt install progress"));
    m_installBar->setRange(0, 100);
    m_installBar->hide();
    m_installText = valueLabel(m_installBox, tr("dbt install status"));
    m_installLog = new QPlainTextEdit(m_installBox);
    m_installLog->setReadOnly(true);
    m_installLog->setAccessibleName(tr("dbt install log"));
    m_installLog->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_installLog->setMaximumBlockCount(2000);
    m_installLog->setFixedHeight(m_installLog->fontMetrics().lineSpacing() * 5 + 10);
    m_installLog->hide();
    auto *versionLabel = new QLabel(tr("dbt-&adapter version:"), m_installBox);
    versionLabel->setBuddy(m_installVersion);
    m_installVersion->setAccessibleName(tr("dbt adapter version"));
    auto *adapterLabel = new QLabel(tr("A&dapter:"), m_installBox);
    adapterLabel->setBuddy(m_installAdapter);
    m_installAdapter->setAccessibleName(tr("dbt adapter"));
    auto *row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(adapterLabel);
    row->addWidget(m_installAdapter);
    row->addWidget(versionLabel);
    row->addWidget(m_installVersion);
    row->addWidget(m_startInstall);
    row->addWidget(m_installBar, 1);
    row->addWidget(m_cancelInstall);
    auto *v = new QVBoxLayout(m_installBox);
    v->setContentsMargins(0, 0, 0, 0);
    v->addLayout(row);
    v->addWidget(m_installText);
    v->addWidget(m_installLog);
    m_installBox->hide();
    connect(m_startInstall, &QPushButton::clicked, this, [this] {
        m_startInstall->setEnabled(false);
        m_cancelInstall->show();
        m_installBar->setValue(0);
        m_installBar->show();
        m_installLog->clear();
        m_installLog->show();
        m_installText->setText(tr("Installing dbt-%1==%2…").arg(m_installAdapter->currentText(), m_installVersion->currentText().trimmed()));
        Q_EMIT installRequested(m_installVersion->currentText().trimmed(), m_installAdapter->currentText());
    });
    connect(m_cancelInstall, &QPushButton::clicked, this, &ProjectCard::cancelInstallRequested);
    return m_installBox;
}

void ProjectCard::markEdited()
{
    m_edited = true;
    m_save->setEnabled(true);
}

void ProjectCard::startTransfer(bool fetch)
{
    m_transfer->setEnabled(false);
    m_fetch->setEnabled(false);
    m_cancelTransfer->show();
    m_transferBar->setRange(0, 0);
    m_transferBar->show();
    m_transferText->setText(tr("Connecting…"));
    if (fetch)
        Q_EMIT fetchRequested();
    else
        Q_EMIT transferRequested();
}

void ProjectCard::showOverview(const TransformOverview &o)
{
    if (o.orgId != m_orgId) {
        m_orgId = o.orgId;
        m_edited = false; // what was typed for another org is not saved into this one
        m_save->setEnabled(false);
        m_transferText->clear();
        m_token->clear();
        m_tokenText->clear();
        m_branch->clear();
    }
    // What the user typed and has not saved stays; otherwise the fields show what is stored.
    if (!m_edited) {
        m_gitUrl->setText(o.workspace ? o.workspace->gitUrl : QString());
        m_branch->setEditText(o.workspace ? o.workspace->branch : QString());
        m_checkout->setText(o.workspace ? o.workspace->checkoutPath : QString());
        m_dbtPath->setText(o.workspace ? o.workspace->dbtExecutable : QString());
        m_target->setText(o.workspace ? o.workspace->targetName : QString());
        m_schema->setText(o.workspace ? o.workspace->defaultSchema : QString());
        m_projectDir->clear();
        for (const QString &c : o.projectDirCandidates)
            m_projectDir->addItem(c.isEmpty() ? kRoot : c);
        m_projectDir->setEditText(o.workspace ? o.workspace->projectDir : QString());
        // A checkout with exactly one dbt project elsewhere than the folder set: offer it plainly.
        if (o.workspace && o.projectDirCandidates.size() == 1 && o.projectDirCandidates.first() != o.workspace->projectDir)
            m_projectDir->setToolTip(tr("The checkout's dbt project is in \"%1\"").arg(o.projectDirCandidates.first().isEmpty() ? kRoot : o.projectDirCandidates.first()));
    }
    const bool checkout = !o.currentCommit.isEmpty();
    m_commit->setText(checkout ? o.currentCommit : tr("no checkout yet"));
    if (!checkout || o.behindOrigin < 0)
        m_behind->setText(checkout ? tr("not fetched yet: Fetch asks origin for new commits") : tr("—"));
    else if (o.behindOrigin == 0 && o.aheadOfOrigin == 0)
        m_behind->setText(tr("up to date with origin (as of the last fetch)"));
    else if (o.aheadOfOrigin > 0)
        m_behind->setText(tr("%1 commits behind and %2 ahead of origin: the branch went its own way, so Pull will refuse; "
                             "push or drop the local commits outside Sluice").arg(o.behindOrigin).arg(o.aheadOfOrigin));
    else
        m_behind->setText(o.behindOrigin == 1 ? tr("1 commit behind origin: Pull brings it in")
                                              : tr("%1 commits behind origin: Pull brings them in").arg(o.behindOrigin));
    m_hasCheckout = checkout;
    m_fetch->setEnabled(checkout && m_transfer->isEnabled());
    if (o.dbtFound.isEmpty())
        m_dbt->setText(tr("not found"));
    else if (o.dbtVersion.isEmpty())
        m_dbt->setText(tr("%1 (version not known yet)").arg(o.dbtFound));
    else
        m_dbt->setText(tr("dbt %1 at %2").arg(o.dbtVersion, o.dbtFound));
    m_manifest->setText(!o.manifestSummary.isEmpty() ? tr("%1 — %2").arg(o.manifestSummary, o.manifestPath)
                                                     : (o.manifestPath.isEmpty() ? tr("(not set)") : tr("none yet")));
    m_transfer->setText(checkout ? tr("Pu&ll") : tr("C&lone"));
    QStringList hints;
    if (m_token->text().isEmpty() && m_storeToken->isEnabled() == false && o.tokenStored)
        m_tokenText->setText(*o.tokenStored ? tr("A git token is stored in the keychain; type a new one to replace it.")
                                            : tr("No git token stored (public repositories need none)."));
    else if (m_token->text().isEmpty() && !m_storeToken->isEnabled() && !o.keychainProblem.isEmpty())
        m_tokenText->setText(tr("A token cannot be stored while there is no keychain (see above)."));
    for (const QString &h : {o.workspaceProblem, o.dbtProblem, o.keychainProblem, o.manifestProblem})
        if (!h.isEmpty())
            hints << h;
    m_projectHint->setText(hints.join(QLatin1Char('\n')));
    m_projectHint->setVisible(!hints.isEmpty());
}

void ProjectCard::showSaved()
{
    m_edited = false;
    m_save->setEnabled(false);
    m_transferText->setText(tr("Saved."));
}

void ProjectCard::showRefused(const QString &message)
{
    // The fields keep what was typed; the reason shows beside the buttons.
    m_transferText->setText(tr("Not saved: %1").arg(message));
    if (message.contains(QLatin1String("URL"), Qt::CaseInsensitive))
        m_gitUrl->setFocus();
}

void ProjectCard::showTransferProgress(const QString &phase, qint64 done, qint64 total, qint64 bytes)
{
    if (total > 0) {
        m_transferBar->setRange(0, 1000);
        m_transferBar->setValue(int(done * 1000 / total));
    }
    m_transferText->setText(tr("%1: %2 of %3, %4 MiB").arg(phase).arg(done).arg(total).arg(double(bytes) / (1024.0 * 1024.0), 0, 'f', 1));
}

void ProjectCard::showTransferFinished(bool ok, const QString &message)
{
    m_transfer->setEnabled(true);
    m_fetch->setEnabled(m_hasCheckout);
    m_cancelTransfer->hide();
    m_transferBar->hide();
    m_transferText->setText(ok ? message : tr("Failed: %1").arg(message));
}

void ProjectCard::showBranches(const QString &url, const QStringList &branches, const QString &message)
{
    m_listBranches->setEnabled(true);
    if (url != m_gitUrl->text().trimmed())
        return; // the URL changed meanwhile
    if (!message.isEmpty()) {
        m_transferText->setText(tr("No branch list: %1").arg(message));
        return;
    }
    const QString typed = m_branch->currentText();
    m_branch->clear();
    m_branch->addItems(branches);
    m_branch->setEditText(typed.isEmpty() && !branches.isEmpty() ? branches.first() : typed);
    m_transferText->setText(branches.size() == 1 ? tr("The remote has 1 branch.") : tr("The remote has %1 branches.").arg(branches.size()));
    if (!branches.contains(typed) && !typed.isEmpty())
        m_transferText->setText(tr("The remote has no branch \"%1\"; it has: %2").arg(typed, branches.join(QStringLiteral(", "))));
}

void ProjectCard::showTokenSaved(bool ok, const QString &message)
{
    if (ok)
        m_token->clear(); // the token lives in the keychain now, not in this window
    m_storeToken->setEnabled(!ok);
    m_tokenText->setText(message);
}

void ProjectCard::showInstallProgress(int percent, const QString &text)
{
    m_installBar->setValue(percent);
    m_installText->setText(text);
}

void ProjectCard::appendInstallLog(const QString &line) { m_installLog->appendPlainText(line); }

void ProjectCard::showInstallFinished(bool ok, const QString &message)
{
    m_startInstall->setEnabled(true);
    m_cancelInstall->hide();
    m_installBar->setVisible(ok);
    m_installText->setText(ok ? message : tr("Not installed: %1").arg(message));
}

} // namespace sluice
