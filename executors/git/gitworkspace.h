#pragma once

#include "gittypes.h"

#include <QStringList>

#include <memory>
#include <optional>

namespace sluice {

// What a pull did: the commit before and after, and whether the branch moved.
struct GitPullSummary
{
    GitCommitInfo before;
    GitCommitInfo after;
    bool fastForwarded = false;
    bool switchedBranch = false;
};

// One local checkout, driven through libgit2. Every call blocks (network, disk), so it belongs on a
// worker thread (GitJob does that); one GitWorkspace must be used by one thread at a time.
// Every failing call returns a GitError built from libgit2's error at once (it is per thread).
// Guarantees: nothing is ever discarded — no reset, no forced checkout, no merge commit; the token
// is handed to libgit2 only through the credentials callback, so it never reaches the remote URL,
// .git/config or an error message; after one refused token the operation stops (no retry loop).
class GitWorkspace
{
public:
    GitWorkspace(GitWorkspace &&) noexcept;
    GitWorkspace &operator=(GitWorkspace &&) noexcept;
    ~GitWorkspace();

    // Clones `url` into `path` (which must not exist or be empty) and checks out `branch`
    // (empty: the remote's default branch). On failure libgit2 removes what it created.
    [[nodiscard]] static GitResult<GitWorkspace> clone(const QString &url, const QString &branch,
                                                       const QString &path, const GitTransferControl &control);
    [[nodiscard]] static GitResult<GitWorkspace> open(const QString &path);

    // Updates the remote-tracking branches of `origin`; the working tree is not touched.
    [[nodiscard]] GitResult<void> fetch(const GitTransferControl &control);
    // Switches to `branch`: the local branch if there is one, else a new one from origin/<branch>
    // tracking it. Refused (Dirty) when tracked files have local changes.
    [[nodiscard]] GitResult<void> checkoutBranch(const QString &branch);
    // fetch, switch to `branch` if HEAD is elsewhere, then fast-forward it to origin/<branch>.
    // Diverged → Kind::Diverged, local changes in the way → Kind::Dirty; both leave everything as it was.
    [[nodiscard]] GitResult<GitPullSummary> pullFastForward(const QString &branch, const GitTransferControl &control);
    [[nodiscard]] GitResult<GitCommitInfo> currentCommit() const;
    // How far the local `branch` is from origin/<branch> as of the last fetch (no network): commits
    // only the local branch has, commits only origin has. Empty when either branch is missing.
    struct Divergence { int ahead = 0; int behind = 0; };
    [[nodiscard]] GitResult<std::optional<Divergence>> divergenceFromOrigin(const QString &branch) const;

    // The branches `url` offers (refs/heads/*, sorted, the remote's default first), asked of the
    // server without cloning anything; the token as for clone().
    [[nodiscard]] static GitResult<QStringList> remoteBranches(const QString &url, const GitTransferControl &control);

    [[nodiscard]] QString path() const;

private:
    struct Impl;
    explicit GitWorkspace(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// Initialises libgit2 once per process (and shuts it down at exit). Every entry point calls it.
void ensureLibgit2();

} // namespace sluice
