#pragma once

#include "domain/transformview.h"
#include "git/gitjob.h"
#include "store/dburl.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QSet>

#include <QCoro/QCoroTask>

#include <memory>

namespace sluice {

class ChangeWatcher;
class Database;
class DbtNodeSelector;
class DbtInstaller;
class GitJob;

// The Transform page's side of the store and of the dbt project, on a thread of its own with its own
// connection (opened by start(), in the thread the service lives in). Every slot is meant to be
// invoked through a queued connection; every answer is a signal. Nothing here blocks the GUI thread:
// the manifest is parsed and selections are resolved here.
// - showOrg(orgId): overviewShown (workspace, dbt found or not, manifest; each missing piece with its
//   fix), tasksShown (every org task, its command line and its lock) and modelsShown (the manifest's
//   resources, tests and hooks left out, with their last recorded result).
// - Live: a ChangeWatcher on the connection; when another process or machine writes tasks, locks,
//   runs or the workspace, the affected lists are read again and sent (rows are matched by id, so
//   views update them in place). The manifest is parsed again only when its file changed.
// - countSelection(ticket, command, select, exclude): the nodes `dbt <command> --select … --exclude …`
//   would take, resolved by DbtNodeSelector; selectionCounted(ticket, …) with the count, the first
//   names and every unique id taken (sorted, as dbt ls lists them), or the reason it cannot be resolved
//   (bad expression; no manifest yet).
// - saveWorkspace(workspace): through WorkspaceStore (audited; a URL with credentials or a missing
//   field is refused: workspaceRefused(message)), then workspaceSaved and the overview again.
// - transferWorkspace(): clones the workspace's repository when there is no checkout, else pulls it
//   (fast-forward only: a branch that went its own way is reported, nothing is overwritten), with the
//   keychain's token (never over plain http:// to another host); transferProgress as it goes,
//   transferFinished(ok, what happened or why not). cancelTransfer() stops it.
// - saveTask(uuid, draft): creates the org task (empty uuid) or edits it, through OrgTaskStore
//   (validated against the catalog, audited); taskSaved(uuid) or taskRefused(message), worded for
//   the dialog that asked (which stays open with what was typed).
// - fetchWorkspace(): fetches origin into the checkout (nothing else changes); the overview then says
//   how many commits the branch is behind origin.
// - listBranches(url): the branches the remote offers (the keychain's token as for a clone);
//   branchesListed(url, branches, why not).
// - saveGitToken(token): stores the org's git token in the keychain (empty: removes it);
//   tokenSaved(ok, what happened). The token goes nowhere else. Whether the keychain is reachable
//   and holds a token is asked once per org and refresh (the overview's tokenStored and
//   keychainProblem).
// - installDbt(version, adapter): a virtualenv with dbt-<adapter>==<version> through DbtInstaller
//   (installProgress, installLog, then installFinished); on success the workspace's dbt executable,
//   version and adapter are set (audited). cancelInstall() stops it.
// - deleteTask(uuid): through OrgTaskStore (refused while a pipeline uses it, and for system tasks);
//   taskDeleted or refused(message).
// A store that cannot be read gives problem(message); the next change or refresh tries again.
class TransformService : public QObject
{
    Q_OBJECT
public:
    TransformService(DbUrl url, QString actor, QObject *parent = nullptr);
    ~TransformService() override;

    static constexpr int kSampleNames = 8;

public Q_SLOTS:
    void start();
    void showOrg(qint64 orgId);
    void refresh();
    void countSelection(int ticket, const QString &command, const QString &select, const QString &exclude);
    void saveTask(const QString &uuid, const sluice::OrgTaskDraft &draft);
    void deleteTask(const QString &uuid);
    void saveWorkspace(const sluice::DbtWorkspace &workspace);
    void transferWorkspace();
    void fetchWorkspace();
    void cancelTransfer();
    void listBranches(const QString &url);
    void saveGitToken(const QString &token);
    void installDbt(const QString &version, const QString &adapter);
    void cancelInstall();

Q_SIGNALS:
    void overviewShown(const sluice::TransformOverview &overview);
    void tasksShown(qint64 orgId, const QList<sluice::TransformTaskRow> &tasks, qint64 nowMs);
    void modelsShown(qint64 orgId, const QList<sluice::TransformModelRow> &models);
    void selectionCounted(int ticket, int count, const QStringList &names, const QStringList &uniqueIds, const QString &message,
                          bool isError);
    void taskSaved(const QString &uuid);
    void taskRefused(const QString &message);
    void taskDeleted(const QString &uuid);
    void workspaceSaved();
    void workspaceRefused(const QString &message);
    // Clone or pull: phase is "Receiving objects" or "Checking out files".
    void transferProgress(const QString &phase, qint64 done, qint64 total, qint64 bytes);
    void transferFinished(bool ok, const QString &message);
    void branchesListed(const QString &url, const QStringList &branches, const QString &message);
    void tokenSaved(bool ok, const QString &message);
    void installProgress(int percent, const QString &text);
    void installLog(const QString &line);
    void installFinished(bool ok, const QString &message);
    void refused(const QString &message);
    void problem(const QString &message);

private:
    void onChanged(const QSet<QString> &tables);
    void readOverview();
    void readTasks();
    void readModels();
    void loadManifest(const QString &path);
    QCoro::Task<void> runTransfer(GitJobSpec::Operation operation);
    QCoro::Task<void> runListBranches(QString url);
    QCoro::Task<void> runSaveToken(QString token);
    // Asks the keychain whether it is there and holds the org's git token; the overview is sent again.
    QCoro::Task<void> askKeychain(QString orgSlug);
    // Runs `dbt --version` once per executable (off the overview's path); the overview is sent
    // again when it answers.
    void probeDbtVersion(const QString &executable);
    // Records on the workspace (audited) the version its dbt executable gave, when it changed: what
    // the runner and docs go by (e.g. `docs generate --static` from 1.7).
    void rememberDbtVersion(const QString &executable, const QString &version);

    DbUrl m_url;
    QString m_actor;
    std::unique_ptr<Database> m_db;
    ChangeWatcher *m_watcher = nullptr;
    qint64 m_orgId = 0;
    QString m_orgSlug;
    std::optional<DbtWorkspace> m_workspace;
    QString m_manifestPath;
    QDateTime m_manifestStamp;
    QString m_manifestError;       // why the manifest's last read failed; empty when it succeeded
    std::unique_ptr<DbtNodeSelector> m_selector;
    QHash<QString, QString> m_lastStatuses;
    QPointer<GitJob> m_git;
    QHash<QString, QString> m_dbtVersions;   // executable → dbt-core version ("" when it did not say)
    QSet<QString> m_probing;
    QHash<QString, bool> m_tokenStored;   // org slug → whether the keychain holds its git token (when known)
    QSet<QString> m_keychainAsked;        // org slugs asked since the last refresh
    QString m_keychainProblem;            // the keychain's last failure, worded for the card; empty: it answered
    QPointer<DbtInstaller> m_installer;
    bool m_transferring = false;
    bool m_cancelRequested = false;
};

} // namespace sluice
