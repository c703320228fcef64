#pragma once

#include "core/error.h"

#include <QMetaType>
#include <QString>

#include <atomic>
#include <expected>
#include <functional>

namespace sluice {

// What went wrong in a git operation. The message is one line that names the problem and the fix;
// it never contains the token (messages that come from libgit2 are scrubbed of it).
struct GitError
{
    enum class Kind {
        Auth,            // the server refused the token, or wants one and none is configured
        BranchNotFound,  // the requested branch does not exist on the remote
        Diverged,        // the local branch has commits the remote does not: no fast-forward
        Dirty,           // local changes to tracked files (or an untracked file in the way)
        Canceled,        // cancel() was called
        NotARepository,  // the checkout path holds no git repository
        Invalid,         // bad input (a URL that carries a password, an existing non-empty path)
        Other,           // anything else libgit2 reports (network, disk, corrupt repository)
    };
    Kind kind = Kind::Other;
    QString message;

    // The generic error vocabulary (for the CLI's exit code and the GUI).
    [[nodiscard]] Error toError() const;
};

template<class T>
using GitResult = std::expected<T, GitError>;

inline std::unexpected<GitError> gitFail(GitError::Kind kind, QString message)
{
    return std::unexpected<GitError>(GitError{kind, std::move(message)});
}

// A commit as shown to people: full sha, first line of the message, and the branch HEAD is on
// (empty when HEAD is detached or the repository has no commit yet).
struct GitCommitInfo
{
    QString sha;
    QString summary;
    QString branch;
    QString author;          // the author's name
    qint64 authorTime = 0;   // when it was authored, ms since the epoch (0: unknown)
    [[nodiscard]] bool isValid() const { return !sha.isEmpty(); }
};

// Progress of a transfer (objects as libgit2 counts them) or, after it, of the checkout.
struct GitProgress
{
    enum class Phase { Transfer, Checkout };
    Phase phase = Phase::Transfer;
    qint64 receivedObjects = 0;
    qint64 indexedObjects = 0;
    qint64 totalObjects = 0;
    qint64 receivedBytes = 0;
    qint64 checkoutDone = 0;   // files written (Checkout phase)
    qint64 checkoutTotal = 0;
};

// Supplies the HTTPS token when the server asks for one. Called on the thread that runs the
// operation, each time credentials are needed (so a token changed in the keychain is used at once);
// it must be thread-safe. An error ends the operation with that error (kind Auth).
using GitTokenProvider = std::function<Result<QString>()>;

// How a network operation talks to the user and the server. Everything is optional.
struct GitTransferControl
{
    GitTokenProvider token;                             // none: the server must not ask
    QString tokenUser = QStringLiteral("x-access-token"); // HTTP Basic user name sent with the token
    // Appended to "the git token was refused" — how to fix it, e.g. the `secrets set` command.
    QString tokenHint = QStringLiteral("update the git token");
    // Called on the operation's thread, often (every network read); keep it cheap.
    std::function<void(const GitProgress &)> progress;
    // When it becomes true, the next transfer or checkout callback stops libgit2 (→ Kind::Canceled).
    const std::atomic<bool> *cancel = nullptr;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::GitProgress)
Q_DECLARE_METATYPE(sluice::GitCommitInfo)
