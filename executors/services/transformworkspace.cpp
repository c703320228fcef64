// TransformService's side of the dbt project itself: saving the workspace, clone / pull / fetch,
// the remote's branches, the git token, the dbt executable's version and installing dbt.
#include "services/transformservice.h"

#include "dbt/dbtinstaller.h"
#include "dbt/dbtoperation.h"
#include "git/gitjob.h"
#include "runner/orgsetup.h"
#include "secrets/secretstore.h"
#include "store/database.h"
#include "store/workspacestore.h"

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTimer>

namespace sluice {

void TransformService::saveWorkspace(const DbtWorkspace &workspace)
{
    if (!m_db || !m_orgId) {
        Q_EMIT workspaceRefused(tr("the store is not open yet (or no org is chosen); try again in a moment"));
        return;
    }
    DbtWorkspace ws = workspace;
    ws.orgId = m_orgId;
    if (m_workspace) { // what the page does not edit stays as it was
        ws.dbtVersion = m_workspace->dbtVersion;
        ws.dbtAdapter = m_workspace->dbtAdapter;
        ws.profileName = m_workspace->profileName;
        if (ws.targetName.isEmpty())
            ws.targetName = m_workspace->targetName;
        if (ws.defaultSchema.isEmpty())
            ws.defaultSchema = m_workspace->defaultSchema;
    }
    if (ws.checkoutPath.isEmpty())
        ws.checkoutPath = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/workspaces/") + m_orgSlug;
    auto saved = WorkspaceStore(*m_db, m_actor).set(m_orgId, ws);
    if (!saved) {
        Q_EMIT workspaceRefused(saved.error().message);
        return;
    }
    Q_EMIT workspaceSaved();
    readOverview();
    readTasks();
    readModels();
}

void TransformService::transferWorkspace()
{
    if (m_transferring)
        return;
    if (!m_db || !m_orgId) {
        Q_EMIT transferFinished(false, tr("the store is not open yet (or no org is chosen); try again in a moment"));
        return;
    }
    [[maybe_unused]] auto task = runTransfer(GitJobSpec::Operation::CloneOrPull); // detached: ends with transferFinished
}

void TransformService::fetchWorkspace()
{
    if (m_transferring)
        return;
    if (!m_db || !m_orgId || !m_workspace || !QDir(m_workspace->checkoutPath).exists(QStringLiteral(".git"))) {
        Q_EMIT transferFinished(false, tr("There is no checkout to fetch into yet: clone it first."));
        return;
    }
    [[maybe_unused]] auto task = runTransfer(GitJobSpec::Operation::Fetch);
}

void TransformService::cancelTransfer()
{
    m_cancelRequested = true;
    if (m_git)
        m_git->cancel();
}

QCoro::Task<void> TransformService::runTransfer(GitJobSpec::Operation operation)
{
    m_transferring = true;
    m_cancelRequested = false;
    const QString slug = m_orgSlug;
    auto ws = WorkspaceStore(*m_db, m_actor).get(m_orgId);
    if (!ws || ws->gitUrl.isEmpty()) {
        m_transferring = false;
        Q_EMIT transferFinished(false, tr("Set the project's git URL and branch first, then Save."));
        co_return;
    }
    auto token = co_await gitTokenFor(slug, ws->gitUrl, keychainSecrets());
    if (!token) {
        m_transferring = false;
        Q_EMIT transferFinished(false, token.error().message);
        co_return;
    }
    if (m_cancelRequested) { // cancelled while the keychain was asked
        m_transferring = false;
        Q_EMIT transferFinished(false, tr("Cancelled before anything was fetched."));
        co_return;
    }
    GitJobSpec spec;
    spec.operation = operation;
    spec.url = ws->gitUrl;
    spec.branch = ws->branch;
    spec.path = ws->checkoutPath;
    spec.token = token->provider;
    spec.tokenHint = gitTokenHint(slug);
    spec.tokenUser = gitTokenUser(ws->gitUrl);
    QDir().mkpath(QFileInfo(spec.path).absolutePath());
    auto *job = new GitJob(spec, this);
    m_git = job;
    connect(job, &GitJob::progress, this, [this](const GitProgress &p) {
        if (p.phase == GitProgress::Phase::Transfer)
            Q_EMIT transferProgress(tr("Receiving objects"), p.receivedObjects, p.totalObjects, p.receivedBytes);
        else
            Q_EMIT transferProgress(tr("Checking out files"), p.checkoutDone, p.checkoutTotal, p.receivedBytes);
    });
    connect(job, &GitJob::finished, this, [this, job, spec](const GitJobResult &r) {
        job->deleteLater();
        m_transferring = false;
        if (r.outcome == Outcome::Canceled) {
            Q_EMIT transferFinished(false, tr("Cancelled; nothing was changed that a pull will not finish."));
        } else if (r.outcome != Outcome::Success) {
            Q_EMIT transferFinished(false, GitError{r.errorKind, r.errorText}.toError().message);
        } else if (spec.operation == GitJobSpec::Operation::Fetch) {
            Q_EMIT transferFinished(true, tr("Fetched %1.").arg(spec.url));
        } else if (r.cloned) {
            Q_EMIT transferFinished(true, tr("Cloned %1 (%2) at %3 %4").arg(spec.url, r.after.branch, r.after.sha.left(12), r.after.summary));
        } else if (r.fastForwarded) {
            Q_EMIT transferFinished(true, tr("Pulled %1: %2..%3 %4").arg(r.after.branch, r.before.sha.left(12), r.after.sha.left(12), r.after.summary));
        } else {
            Q_EMIT transferFinished(true, tr("Already up to date at %1 %2").arg(r.after.sha.left(12), r.after.summary));
        }
        readOverview();
        readModels();
    });
    job->start();
}

void TransformService::listBranches(const QString &url)
{
    if (url.trimmed().isEmpty()) {
        Q_EMIT branchesListed(url, {}, tr("Give the git URL first."));
        return;
    }
    [[maybe_unused]] auto task = runListBranches(url.trimmed());
}

QCoro::Task<void> TransformService::runListBranches(QString url)
{
    auto token = co_await gitTokenFor(m_orgSlug, url, keychainSecrets());
    if (!token) {
        Q_EMIT branchesListed(url, {}, token.error().message);
        co_return;
    }
    GitJobSpec spec;
    spec.operation = GitJobSpec::Operation::ListBranches;
    spec.url = url;
    spec.token = token->provider;
    spec.tokenHint = gitTokenHint(m_orgSlug);
    spec.tokenUser = gitTokenUser(url);
    auto *job = new GitJob(spec, this);
    connect(job, &GitJob::finished, this, [this, job, url](const GitJobResult &r) {
        job->deleteLater();
        if (r.outcome != Outcome::Success)
            Q_EMIT branchesListed(url, {}, GitError{r.errorKind, r.errorText}.toError().message);
        else
            Q_EMIT branchesListed(url, r.branches, {});
    });
    job->start();
}

void TransformService::saveGitToken(const QString &token)
{
    if (!m_orgId || m_orgSlug.isEmpty()) {
        Q_EMIT tokenSaved(false, tr("No org is chosen yet."));
        return;
    }
    [[maybe_unused]] auto task = runSaveToken(token.trimmed());
}

QCoro::Task<void> TransformService::runSaveToken(QString token)
{
    const QString key = SecretStore::gitTokenKey(m_orgSlug);
    // (g++ 12 miscompiles co_await inside a conditional expression: one statement each.)
    Result<void> done;
    if (token.isEmpty())
        done = co_await SecretStore().remove(key);
    else
        done = co_await SecretStore().set(key, token);
    if (!done) {
        Q_EMIT tokenSaved(false, SecretStore::isUnavailable(done.error())
                                     ? tr("The keychain is not available, so the token was not stored: %1").arg(done.error().message)
                                     : done.error().message);
        co_return;
    }
    m_tokenStored.insert(m_orgSlug, !token.isEmpty());
    Q_EMIT tokenSaved(true, token.isEmpty() ? tr("The git token was removed from the keychain.")
                                            : tr("The git token is stored in the keychain (%1).").arg(key));
}

QCoro::Task<void> TransformService::askKeychain(QString orgSlug)
{
    const SecretStore keychain;
    Result<void> reachable = co_await keychain.probe();
    QString problem;
    if (!reachable) {
        problem = tr("No system keychain: the git token (and, later, warehouse passwords) cannot be stored, and Sluice "
                     "keeps secrets nowhere else. Fix: start gnome-keyring or KWallet (log in to a desktop session), "
                     "then press F5. (%1)").arg(reachable.error().message);
    } else {
        Result<bool> stored = co_await keychain.check(SecretStore::gitTokenKey(orgSlug));
        if (stored)
            m_tokenStored.insert(orgSlug, *stored);
        else
            problem = tr("The keychain did not answer whether a git token is stored: %1").arg(stored.error().message);
    }
    m_keychainProblem = problem;
    if (orgSlug == m_orgSlug)
        readOverview();
}

void TransformService::probeDbtVersion(const QString &executable)
{
    if (executable.isEmpty() || m_dbtVersions.contains(executable) || m_probing.contains(executable))
        return;
    m_probing.insert(executable);
    auto *p = new QProcess(this);
    p->setProgram(executable);
    p->setArguments({QStringLiteral("--version")});
    p->setProcessChannelMode(QProcess::MergedChannels);
    const auto done = [this, p, executable](const QString &version) {
        m_probing.remove(executable);
        m_dbtVersions.insert(executable, version);
        p->deleteLater();
        rememberDbtVersion(executable, version);
        readOverview();
    };
    connect(p, &QProcess::finished, this, [p, done] {
        done(DbtInstaller::parseDbtVersion(QString::fromUtf8(p->readAll()).split(QLatin1Char('\n'))));
    });
    connect(p, &QProcess::errorOccurred, this, [p, done](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            done(QString());
        else if (e == QProcess::Timedout)
            p->kill();
    });
    p->start();
    QTimer::singleShot(15'000, p, [p] { p->kill(); }); // a dbt that hangs is not waited for
}

void TransformService::rememberDbtVersion(const QString &executable, const QString &version)
{
    if (!m_db || !m_orgId || !m_workspace || version.isEmpty() || m_workspace->dbtVersion == version)
        return;
    const auto used = DbtOperation::findDbt(m_workspace->dbtExecutable);
    if (!used || *used != executable)
        return;
    DbtWorkspace ws = *m_workspace;
    ws.dbtVersion = version;
    if (auto saved = WorkspaceStore(*m_db, m_actor).set(m_orgId, ws); !saved)
        Q_EMIT problem(tr("Cannot record the workspace's dbt version (%1): %2").arg(version, saved.error().message));
    else
        m_workspace = *saved;
}

void TransformService::installDbt(const QString &version, const QString &adapter)
{
    if (m_installer) {
        Q_EMIT installFinished(false, tr("An install is already running."));
        return;
    }
    if (!m_db || !m_orgId || !m_workspace) {
        Q_EMIT installFinished(false, tr("Save the project first: dbt is installed for its workspace."));
        return;
    }
    DbtInstallSpec spec = dbtInstallSpecFor(m_orgSlug, version.trimmed(), adapter.trimmed());
    if (auto ok = DbtInstaller::validate(spec); !ok) {
        Q_EMIT installFinished(false, ok.error().message);
        return;
    }
    auto *installer = new DbtInstaller(spec, this);
    m_installer = installer;
    connect(installer, &DbtInstaller::progressChanged, this, [this](const DbtInstallProgress &p) {
        Q_EMIT installProgress(p.percent, tr("%1: %2").arg(toString(p.step), p.detail));
    });
    connect(installer, &DbtInstaller::logLine, this, [this](const OutputLine &line) { Q_EMIT installLog(line.text); });
    connect(installer, &DbtInstaller::finished, this, [this, installer, adapter](const DbtInstallResult &r) {
        installer->deleteLater();
        if (r.outcome != Outcome::Success) {
            Q_EMIT installFinished(false, r.errorText);
            return;
        }
        auto stored = recordDbtInstall(*m_db, m_actor, m_orgId, r, adapter.trimmed());
        if (!stored) {
            Q_EMIT installFinished(false, stored.error().message);
            return;
        }
        m_dbtVersions.insert(r.dbtExecutable, r.dbtVersion);
        Q_EMIT installFinished(true, tr("dbt %1 with %2 is installed at %3 and set as the project's dbt.").arg(r.dbtVersion, adapter, r.dbtExecutable));
        readOverview();
    });
    installer->start();
}

void TransformService::cancelInstall()
{
    if (m_installer)
        m_installer->cancel();
}

} // namespace sluice
