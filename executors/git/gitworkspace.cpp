#include "gitworkspace.h"

#include "githandles.h"

#include <QDir>
#include <QFile>
#include <QUrl>

#include <optional>

namespace sluice {

namespace {

struct Libgit2
{
    Libgit2() { git_libgit2_init(); }
    ~Libgit2() { git_libgit2_shutdown(); }
    Libgit2(const Libgit2 &) = delete;
    Libgit2 &operator=(const Libgit2 &) = delete;
};

QString oidText(const git_oid *oid)
{
    char buf[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buf, sizeof buf, oid);
    return QString::fromLatin1(buf);
}

// Per-operation state behind libgit2's C callbacks. Lives on the operation's stack.
struct CallbackState
{
    explicit CallbackState(const GitTransferControl &c) : control(c) {}
    const GitTransferControl &control;
    int credentialCalls = 0;
    bool refused = false;                 // the server said no to the token we gave
    std::optional<GitError> ownError;     // a callback ended the operation with this error
    QString token;                        // the token handed out, to scrub it from libgit2's messages
    QStringList conflicts;                // paths a checkout refused to overwrite
    bool canceled = false;

    bool checkCanceled()
    {
        if (control.cancel && control.cancel->load(std::memory_order_relaxed))
            canceled = true;
        return canceled;
    }
};

int credentialsCallback(git_credential **out, const char *, const char *userFromUrl, unsigned int allowed, void *payload)
{
    auto *s = static_cast<CallbackState *>(payload);
    if (s->checkCanceled())
        return GIT_EUSER;
    if (!(allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT)) {
        s->ownError = GitError{GitError::Kind::Auth,
                               QStringLiteral("the git server asks for credentials other than a token (SSH keys are not supported); use an HTTPS URL")};
        return GIT_EUSER;
    }
    // libgit2 asks again when the server refuses what we gave: one token, one try.
    if (++s->credentialCalls > 1) {
        s->refused = true;
        return GIT_EUSER;
    }
    Result<QString> token = s->control.token ? s->control.token() : Result<QString>(QString());
    if (!token) {
        s->ownError = GitError{GitError::Kind::Auth, token.error().message};
        return GIT_EUSER;
    }
    if (token->isEmpty()) {
        s->ownError = GitError{GitError::Kind::Auth,
                               QStringLiteral("authentication failed: the git server asks for a token and none is set; %1").arg(s->control.tokenHint)};
        return GIT_EUSER;
    }
    s->token = *token;
    const QByteArray user = (userFromUrl && *userFromUrl) ? QByteArray(userFromUrl) : s->control.tokenUser.toUtf8();
    QByteArray password = token->toUtf8();
    const int rc = git_credential_userpass_plaintext_new(out, user.constData(), password.constData());
    password.fill('\0');
    return rc;
}

int transferCallback(const git_indexer_progress *stats, void *payload)
{
    auto *s = static_cast<CallbackState *>(payload);
    if (s->control.progress) {
        GitProgress p;
        p.receivedObjects = stats->received_objects;
        p.indexedObjects = stats->indexed_objects;
        p.totalObjects = stats->total_objects;
        p.receivedBytes = static_cast<qint64>(stats->received_bytes);
        s->control.progress(p);
    }
    return s->checkCanceled() ? GIT_EUSER : 0;
}

int sidebandCallback(const char *, int, void *payload)
{
    return static_cast<CallbackState *>(payload)->checkCanceled() ? GIT_EUSER : 0;
}

void setupFetch(git_fetch_options &o, CallbackState &s)
{
    o.callbacks.credentials = credentialsCallback;
    o.callbacks.transfer_progress = transferCallback;
    o.callbacks.sideband_progress = sidebandCallback;
    o.callbacks.payload = &s;
}

// Safe checkout only: libgit2 refuses to overwrite local changes and fails before writing anything.
void setupCheckout(git_checkout_options &o, CallbackState &s)
{
    o.checkout_strategy = GIT_CHECKOUT_SAFE;
    o.notify_flags = GIT_CHECKOUT_NOTIFY_CONFLICT | GIT_CHECKOUT_NOTIFY_UPDATED;
    o.notify_cb = [](git_checkout_notify_t why, const char *path, const git_diff_file *, const git_diff_file *,
                     const git_diff_file *, void *payload) -> int {
        auto *s = static_cast<CallbackState *>(payload);
        if (why == GIT_CHECKOUT_NOTIFY_CONFLICT && path)
            s->conflicts.append(QString::fromUtf8(path));
        return s->checkCanceled() ? GIT_EUSER : 0;
    };
    o.notify_payload = &s;
    o.progress_cb = [](const char *, size_t done, size_t total, void *payload) {
        auto *s = static_cast<CallbackState *>(payload);
        if (!s->control.progress)
            return;
        GitProgress p;
        p.phase = GitProgress::Phase::Checkout;
        p.checkoutDone = static_cast<qint64>(done);
        p.checkoutTotal = static_cast<qint64>(total);
        s->control.progress(p);
    };
    o.progress_payload = &s;
}

QString listPaths(const QStringList &paths)
{
    QStringList shown = paths.mid(0, 5);
    QString text = shown.join(QStringLiteral(", "));
    if (paths.size() > shown.size())
        text += QStringLiteral(" and %1 more").arg(paths.size() - shown.size());
    return text;
}

// The error for a failed network or checkout call: what the callbacks decided first, else libgit2's.
GitError failure(int code, const QString &what, const CallbackState &s)
{
    if (s.canceled)
        return {GitError::Kind::Canceled, QStringLiteral("%1: canceled").arg(what)};
    if (s.ownError)
        return *s.ownError;
    if (s.refused)
        return {GitError::Kind::Auth,
                QStringLiteral("authentication failed: the git token was refused; %1").arg(s.control.tokenHint)};
    GitError e = git::lastError(code, what);
    if (!s.token.isEmpty())
        e.message.replace(s.token, QStringLiteral("****"));
    if (code == GIT_EAUTH || e.message.contains(QLatin1String("401")))
        e = {GitError::Kind::Auth, QStringLiteral("authentication failed (%1); %2").arg(e.message, s.control.tokenHint)};
    return e;
}

} // namespace

void ensureLibgit2()
{
    static Libgit2 library;
}

Error GitError::toError() const
{
    switch (kind) {
    case Kind::Auth:
    case Kind::Invalid:
    case Kind::Canceled:
        return Error::invalid(message);
    case Kind::BranchNotFound:
    case Kind::NotARepository:
        return Error::notFound(message);
    case Kind::Diverged:
    case Kind::Dirty:
        return Error::conflict(message);
    case Kind::Other:
        break;
    }
    return Error::internal(message);
}

GitError git::lastError(int code, const QString &what)
{
    const git_error *e = git_error_last();
    const QString detail = e && e->message ? QString::fromUtf8(e->message).trimmed()
                                           : QStringLiteral("libgit2 error %1").arg(code);
    git_error_clear();
    GitError::Kind kind = GitError::Kind::Other;
    if (code == GIT_EAUTH)
        kind = GitError::Kind::Auth;
    return {kind, QStringLiteral("%1: %2").arg(what, detail)};
}

struct GitWorkspace::Impl
{
    git::Repository repo;
    QString path;

    GitResult<std::optional<QString>> headBranch() const;
    GitResult<QStringList> localChanges() const;
    GitResult<void> checkoutCommit(const git_oid *oid, const QString &what, CallbackState &s);
};

GitWorkspace::GitWorkspace(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
GitWorkspace::GitWorkspace(GitWorkspace &&) noexcept = default;
GitWorkspace &GitWorkspace::operator=(GitWorkspace &&) noexcept = default;
GitWorkspace::~GitWorkspace() = default;

QString GitWorkspace::path() const { return m_impl->path; }

GitResult<GitWorkspace> GitWorkspace::clone(const QString &url, const QString &branch, const QString &path,
                                            const GitTransferControl &control)
{
    ensureLibgit2();
    if (!QUrl(url).password().isEmpty())
        return gitFail(GitError::Kind::Invalid,
                       QStringLiteral("the git URL carries a password; remove it from the URL and store the token in the keychain instead"));
    if (QDir dir(path); dir.exists() && !dir.isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot))
        return gitFail(GitError::Kind::Invalid,
                       QStringLiteral("cannot clone into %1: it exists and is not empty; choose another checkout path or remove it").arg(path));
    CallbackState s(control);
    git_clone_options opts;
    git_clone_options_init(&opts, GIT_CLONE_OPTIONS_VERSION);
    setupFetch(opts.fetch_opts, s);
    setupCheckout(opts.checkout_opts, s);
    const QByteArray branch8 = branch.toUtf8();
    if (!branch.isEmpty())
        opts.checkout_branch = branch8.constData();
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    git_error_clear();
    const int rc = git_clone(impl->repo.out(), url.toUtf8().constData(), QFile::encodeName(path).constData(), &opts);
    if (rc < 0) {
        GitError e = failure(rc, QStringLiteral("clone of %1 failed").arg(url), s);
        if (rc == GIT_ENOTFOUND && !branch.isEmpty() && e.message.contains(QStringLiteral("refs/remotes/origin/") + branch))
            return gitFail(GitError::Kind::BranchNotFound,
                           QStringLiteral("branch `%1` does not exist in %2; check the workspace's branch").arg(branch, url));
        return std::unexpected(e);
    }
    return GitWorkspace(std::move(impl));
}

GitResult<GitWorkspace> GitWorkspace::open(const QString &path)
{
    ensureLibgit2();
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    const int rc = git_repository_open_ext(impl->repo.out(), QFile::encodeName(path).constData(),
                                           GIT_REPOSITORY_OPEN_NO_SEARCH, nullptr);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return gitFail(GitError::Kind::NotARepository, QStringLiteral("there is no git checkout at %1; clone it first").arg(path));
    }
    if (rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot open the git checkout at %1").arg(path)));
    return GitWorkspace(std::move(impl));
}

GitResult<void> GitWorkspace::fetch(const GitTransferControl &control)
{
    git::Remote remote;
    if (int rc = git_remote_lookup(remote.out(), m_impl->repo.get(), "origin"); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("the checkout at %1 has no remote `origin`").arg(m_impl->path)));
    CallbackState s(control);
    git_fetch_options opts;
    git_fetch_options_init(&opts, GIT_FETCH_OPTIONS_VERSION);
    setupFetch(opts, s);
    git_error_clear();
    if (int rc = git_remote_fetch(remote.get(), nullptr, &opts, "fetch"); rc < 0)
        return std::unexpected(failure(rc, QStringLiteral("fetch from %1 failed").arg(QString::fromUtf8(git_remote_url(remote.get()))), s));
    return {};
}

GitResult<std::optional<QString>> GitWorkspace::Impl::headBranch() const
{
    git::Reference head;
    const int rc = git_repository_head(head.out(), repo.get());
    if (rc == GIT_EUNBORNBRANCH || rc == GIT_ENOTFOUND) {
        git_error_clear();
        return std::optional<QString>();
    }
    if (rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read HEAD in %1").arg(path)));
    if (!git_reference_is_branch(head.get()))
        return std::optional<QString>();
    return std::optional<QString>(QString::fromUtf8(git_reference_shorthand(head.get())));
}

// Tracked files changed in the index or the working tree (untracked files do not count).
GitResult<QStringList> GitWorkspace::Impl::localChanges() const
{
    git_status_options so;
    git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
    so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
    so.flags = GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
    git::StatusList list;
    if (int rc = git_status_list_new(list.out(), repo.get(), &so); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read the status of %1").arg(path)));
    QStringList paths;
    const size_t n = git_status_list_entrycount(list.get());
    for (size_t i = 0; i < n; ++i) {
        const git_status_entry *e = git_status_byindex(list.get(), i);
        if (e->status == GIT_STATUS_CURRENT || (e->status & GIT_STATUS_IGNORED))
            continue;
        const git_diff_delta *d = e->index_to_workdir ? e->index_to_workdir : e->head_to_index;
        if (d)
            paths.append(QString::fromUtf8(d->new_file.path ? d->new_file.path : d->old_file.path));
    }
    return paths;
}

GitResult<void> GitWorkspace::Impl::checkoutCommit(const git_oid *oid, const QString &what, CallbackState &s)
{
    git::Object target;
    if (int rc = git_object_lookup(target.out(), repo.get(), oid, GIT_OBJECT_COMMIT); rc < 0)
        return std::unexpected(git::lastError(rc, what));
    git_checkout_options opts;
    git_checkout_options_init(&opts, GIT_CHECKOUT_OPTIONS_VERSION);
    setupCheckout(opts, s);
    git_error_clear();
    const int rc = git_checkout_tree(repo.get(), target.get(), &opts);
    if (rc == GIT_ECONFLICT && !s.canceled) {
        git_error_clear();
        return gitFail(GitError::Kind::Dirty,
                       QStringLiteral("%1: local files in %2 would be overwritten (%3); commit, move or remove them yourself — Sluice never discards them")
                           .arg(what, path, listPaths(s.conflicts)));
    }
    if (rc < 0)
        return std::unexpected(failure(rc, what, s));
    return {};
}

GitResult<void> GitWorkspace::checkoutBranch(const QString &branch)
{
    auto current = m_impl->headBranch();
    if (!current)
        return std::unexpected(current.error());
    if (*current == branch)
        return {};
    auto changes = m_impl->localChanges();
    if (!changes)
        return std::unexpected(changes.error());
    if (!changes->isEmpty())
        return gitFail(GitError::Kind::Dirty,
                       QStringLiteral("cannot switch %1 to branch `%2`: it has local changes (%3); commit, stash or discard them yourself — Sluice never discards them")
                           .arg(m_impl->path, branch, listPaths(*changes)));
    git_repository *repo = m_impl->repo.get();
    const QByteArray name = branch.toUtf8();
    git::Reference local;
    int rc = git_branch_lookup(local.out(), repo, name.constData(), GIT_BRANCH_LOCAL);
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        git::Reference remote;
        rc = git_branch_lookup(remote.out(), repo, QByteArray("origin/" + name).constData(), GIT_BRANCH_REMOTE);
        if (rc == GIT_ENOTFOUND) {
            git_error_clear();
            return gitFail(GitError::Kind::BranchNotFound,
                           QStringLiteral("branch `%1` does not exist on the remote of %2; check the workspace's branch").arg(branch, m_impl->path));
        }
        if (rc < 0)
            return std::unexpected(git::lastError(rc, QStringLiteral("cannot read branch origin/%1").arg(branch)));
        git::Commit commit;
        if (rc = git_commit_lookup(commit.out(), repo, git_reference_target(remote.get())); rc < 0)
            return std::unexpected(git::lastError(rc, QStringLiteral("cannot read branch origin/%1").arg(branch)));
        if (rc = git_branch_create(local.out(), repo, name.constData(), commit.get(), 0); rc < 0)
            return std::unexpected(git::lastError(rc, QStringLiteral("cannot create branch %1").arg(branch)));
        if (rc = git_branch_set_upstream(local.get(), QByteArray("origin/" + name).constData()); rc < 0)
            return std::unexpected(git::lastError(rc, QStringLiteral("cannot track origin/%1").arg(branch)));
    } else if (rc < 0) {
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read branch %1").arg(branch)));
    }
    GitTransferControl none;
    CallbackState s(none);
    git::Reference resolved;
    if (rc = git_reference_resolve(resolved.out(), local.get()); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read branch %1").arg(branch)));
    if (auto ok = m_impl->checkoutCommit(git_reference_target(resolved.get()),
                                         QStringLiteral("cannot switch to branch `%1`").arg(branch), s); !ok)
        return ok;
    if (rc = git_repository_set_head(repo, git_reference_name(local.get())); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot switch HEAD to branch %1").arg(branch)));
    return {};
}

GitResult<GitPullSummary> GitWorkspace::pullFastForward(const QString &branch, const GitTransferControl &control)
{
    GitPullSummary summary;
    auto before = currentCommit();
    if (!before)
        return std::unexpected(before.error());
    summary.before = *before;
    if (auto ok = fetch(control); !ok)
        return std::unexpected(ok.error());
    if (before->branch != branch) {
        if (auto ok = checkoutBranch(branch); !ok)
            return std::unexpected(ok.error());
        summary.switchedBranch = true;
    }
    git_repository *repo = m_impl->repo.get();
    const QByteArray name = branch.toUtf8();
    git::Reference upstream;
    int rc = git_reference_lookup(upstream.out(), repo, QByteArray("refs/remotes/origin/" + name).constData());
    if (rc == GIT_ENOTFOUND) {
        git_error_clear();
        return gitFail(GitError::Kind::BranchNotFound,
                       QStringLiteral("branch `%1` does not exist on the remote of %2 (any more); check the workspace's branch").arg(branch, m_impl->path));
    }
    if (rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read origin/%1").arg(branch)));
    git::Reference local;
    if (rc = git_reference_lookup(local.out(), repo, QByteArray("refs/heads/" + name).constData()); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read branch %1").arg(branch)));
    const git_oid *localOid = git_reference_target(local.get());
    const git_oid *upstreamOid = git_reference_target(upstream.get());
    size_t ahead = 0, behind = 0;
    if (rc = git_graph_ahead_behind(&ahead, &behind, repo, localOid, upstreamOid); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot compare %1 with origin/%1").arg(branch)));
    if (behind == 0) { // up to date (local commits, if any, are kept as they are)
        auto after = currentCommit();
        if (!after)
            return std::unexpected(after.error());
        summary.after = *after;
        return summary;
    }
    if (ahead > 0)
        return gitFail(GitError::Kind::Diverged,
                       QStringLiteral("branch `%1` in %2 has diverged from origin/%1 (%3 local commit(s), %4 new remote commit(s)); "
                                      "Sluice only fast-forwards: push or drop the local commits yourself")
                           .arg(branch, m_impl->path).arg(ahead).arg(behind));
    auto changes = m_impl->localChanges();
    if (!changes)
        return std::unexpected(changes.error());
    if (!changes->isEmpty())
        return gitFail(GitError::Kind::Dirty,
                       QStringLiteral("cannot pull into %1: it has local changes (%2); commit, stash or discard them yourself — Sluice never discards them")
                           .arg(m_impl->path, listPaths(*changes)));
    CallbackState s(control);
    if (auto ok = m_impl->checkoutCommit(upstreamOid, QStringLiteral("cannot fast-forward %1").arg(branch), s); !ok)
        return std::unexpected(ok.error());
    git::Reference moved;
    if (rc = git_reference_set_target(moved.out(), local.get(), upstreamOid, "pull: fast-forward"); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot move branch %1").arg(branch)));
    auto after = currentCommit();
    if (!after)
        return std::unexpected(after.error());
    summary.after = *after;
    summary.fastForwarded = true;
    return summary;
}

GitResult<GitCommitInfo> GitWorkspace::currentCommit() const
{
    git::Reference head;
    int rc = git_repository_head(head.out(), m_impl->repo.get());
    if (rc == GIT_EUNBORNBRANCH) {
        git_error_clear();
        return GitCommitInfo{};
    }
    if (rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read HEAD in %1").arg(m_impl->path)));
    git::Commit commit;
    if (rc = git_commit_lookup(commit.out(), m_impl->repo.get(), git_reference_target(head.get())); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot read the HEAD commit in %1").arg(m_impl->path)));
    GitCommitInfo info;
    info.sha = oidText(git_commit_id(commit.get()));
    info.summary = QString::fromUtf8(git_commit_summary(commit.get()));
    if (const git_signature *who = git_commit_author(commit.get())) {
        info.author = QString::fromUtf8(who->name);
        info.authorTime = qint64(who->when.time) * 1000;
    }
    if (git_reference_is_branch(head.get()))
        info.branch = QString::fromUtf8(git_reference_shorthand(head.get()));
    return info;
}

GitResult<std::optional<GitWorkspace::Divergence>> GitWorkspace::divergenceFromOrigin(const QString &branch) const
{
    git_repository *repo = m_impl->repo.get();
    const QByteArray name = branch.toUtf8();
    git::Reference local, upstream;
    if (git_reference_lookup(local.out(), repo, QByteArray("refs/heads/" + name).constData()) < 0
        || git_reference_lookup(upstream.out(), repo, QByteArray("refs/remotes/origin/" + name).constData()) < 0) {
        git_error_clear();
        return std::optional<Divergence>();
    }
    size_t ahead = 0, behind = 0;
    if (int rc = git_graph_ahead_behind(&ahead, &behind, repo, git_reference_target(local.get()), git_reference_target(upstream.get())); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("cannot compare %1 with origin/%1").arg(branch)));
    return std::optional<Divergence>(Divergence{int(ahead), int(behind)});
}

GitResult<QStringList> GitWorkspace::remoteBranches(const QString &url, const GitTransferControl &control)
{
    ensureLibgit2();
    if (!QUrl(url).password().isEmpty())
        return gitFail(GitError::Kind::Invalid,
                       QStringLiteral("the git URL carries a password; remove it from the URL and store the token in the keychain instead"));
    CallbackState s(control);
    git::Remote remote;
    if (int rc = git_remote_create_detached(remote.out(), url.toUtf8().constData()); rc < 0)
        return std::unexpected(git::lastError(rc, QStringLiteral("%1 is not a git URL Sluice can read").arg(url)));
    git_remote_callbacks callbacks;
    git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION);
    callbacks.credentials = credentialsCallback;
    callbacks.payload = &s;
    git_error_clear();
    if (int rc = git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, nullptr, nullptr); rc < 0)
        return std::unexpected(failure(rc, QStringLiteral("cannot list the branches of %1").arg(url), s));
    const git_remote_head **heads = nullptr;
    size_t count = 0;
    if (int rc = git_remote_ls(&heads, &count, remote.get()); rc < 0)
        return std::unexpected(failure(rc, QStringLiteral("cannot list the branches of %1").arg(url), s));
    QStringList branches;
    QString defaultBranch;
    for (size_t i = 0; i < count; ++i) {
        const QString ref = QString::fromUtf8(heads[i]->name);
        if (ref == QLatin1String("HEAD") && heads[i]->symref_target)
            defaultBranch = QString::fromUtf8(heads[i]->symref_target).mid(int(qstrlen("refs/heads/")));
        else if (ref.startsWith(QLatin1String("refs/heads/")))
            branches << ref.mid(int(qstrlen("refs/heads/")));
    }
    git_remote_disconnect(remote.get());
    branches.sort();
    if (branches.removeOne(defaultBranch))
        branches.prepend(defaultBranch);
    return branches;
}

} // namespace sluice
