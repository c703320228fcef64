#pragma once

#include "gittypes.h"
#include "process/outcome.h"

#include <QObject>

#include <QStringList>

#include <memory>

namespace sluice {

// What a GitJob does.
struct GitJobSpec
{
    enum class Operation {
        Clone,          // clone url/branch into path
        Fetch,          // fetch origin in path
        Checkout,       // switch path to branch (no network)
        Pull,           // fetch + switch to branch if needed + fast-forward
        CloneOrPull,    // Clone when path holds no checkout yet, else Pull
        CurrentCommit,  // read HEAD (no network)
        ListBranches,   // the branches url offers (no checkout needed)
    };
    Operation operation = Operation::CloneOrPull;
    QString url;
    QString branch;
    QString path;
    GitTokenProvider token;     // called on the job's worker thread; see GitTokenProvider
    QString tokenUser = QStringLiteral("x-access-token");
    QString tokenHint = QStringLiteral("update the git token");
};

struct GitJobResult
{
    Outcome outcome = Outcome::FailedToStart; // Success, Failed, Canceled
    GitError::Kind errorKind = GitError::Kind::Other; // valid when outcome != Success
    QString errorText;          // one line, never the token; empty on Success
    GitCommitInfo before;       // HEAD before (Pull), empty for a fresh clone
    GitCommitInfo after;        // HEAD after (every successful operation)
    bool cloned = false;        // a clone happened (Clone, or CloneOrPull with no checkout)
    bool fastForwarded = false; // the branch moved (Pull)
    QStringList branches;       // ListBranches: the remote's branches, its default first
};

// Runs one git operation on a worker thread with its own libgit2 handles, so the caller's thread
// never blocks. Contract:
// - start() may be called once; later calls are ignored.
// - progress fires on the caller's thread (at most every 50 ms, plus the last update of a phase).
// - finished fires exactly once per start(), on the caller's thread, always from the event loop
//   (never from inside start() or cancel()), for every way the job ends.
// - cancel() makes libgit2's next transfer/checkout callback stop the operation → Canceled
//   (cancel() before start() makes start() finish Canceled without touching anything);
//   an operation that completed before the cancel was noticed ends Success (nothing is rolled back).
// - Destroying a running job does not wait: the job is canceled, the worker finishes on its own and
//   nothing is emitted.
class GitJob : public QObject
{
    Q_OBJECT
public:
    explicit GitJob(GitJobSpec spec, QObject *parent = nullptr);
    ~GitJob() override;

    void start();
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_running; }
    [[nodiscard]] const GitJobSpec &spec() const { return m_spec; }

Q_SIGNALS:
    void progress(const sluice::GitProgress &progress);
    void finished(const sluice::GitJobResult &result); // exactly once per start()

private:
    struct Shared;
    void finish(const GitJobResult &result);

    GitJobSpec m_spec;
    std::shared_ptr<Shared> m_shared;
    bool m_started = false;
    bool m_running = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::GitJobResult)
