#include "gitjob.h"

#include "gitworkspace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMutex>
#include <QThread>

namespace sluice {

// What the job and its worker thread share. The worker never touches the GitJob directly: it posts
// to `receiver` under `mutex`, and the job clears `receiver` under the same mutex when it dies.
struct GitJob::Shared
{
    std::atomic<bool> cancel{false};
    QMutex mutex;
    GitJob *receiver = nullptr;
};

namespace {

GitJobResult failed(const GitError &e, GitJobResult r = {})
{
    r.outcome = e.kind == GitError::Kind::Canceled ? Outcome::Canceled : Outcome::Failed;
    r.errorKind = e.kind;
    r.errorText = e.message;
    return r;
}

bool hasCheckout(const QString &path)
{
    return QDir(path).exists(QStringLiteral(".git"));
}

// The whole operation, on the worker thread.
GitJobResult runOperation(const GitJobSpec &spec, const GitTransferControl &control)
{
    using Op = GitJobSpec::Operation;
    GitJobResult r;
    Op op = spec.operation;
    if (op == Op::CloneOrPull)
        op = hasCheckout(spec.path) ? Op::Pull : Op::Clone;
    if (op == Op::ListBranches) {
        auto branches = GitWorkspace::remoteBranches(spec.url, control);
        if (!branches)
            return failed(branches.error());
        r.branches = *branches;
        r.outcome = Outcome::Success;
        return r;
    }
    if (op == Op::Clone) {
        auto ws = GitWorkspace::clone(spec.url, spec.branch, spec.path, control);
        if (!ws)
            return failed(ws.error());
        r.cloned = true;
        auto head = ws->currentCommit();
        if (!head)
            return failed(head.error(), r);
        r.after = *head;
        r.outcome = Outcome::Success;
        return r;
    }
    auto ws = GitWorkspace::open(spec.path);
    if (!ws)
        return failed(ws.error());
    auto head = ws->currentCommit();
    if (!head)
        return failed(head.error());
    r.before = *head;
    switch (op) {
    case Op::Fetch:
        if (auto ok = ws->fetch(control); !ok)
            return failed(ok.error(), r);
        break;
    case Op::Checkout:
        if (auto ok = ws->checkoutBranch(spec.branch); !ok)
            return failed(ok.error(), r);
        break;
    case Op::Pull: {
        auto pulled = ws->pullFastForward(spec.branch, control);
        if (!pulled)
            return failed(pulled.error(), r);
        r.fastForwarded = pulled->fastForwarded;
        break;
    }
    case Op::CurrentCommit:
    case Op::ListBranches:
    case Op::Clone:
    case Op::CloneOrPull:
        break;
    }
    head = ws->currentCommit();
    if (!head)
        return failed(head.error(), r);
    r.after = *head;
    r.outcome = Outcome::Success;
    return r;
}

} // namespace

GitJob::GitJob(GitJobSpec spec, QObject *parent)
    : QObject(parent), m_spec(std::move(spec)), m_shared(std::make_shared<Shared>())
{
    m_shared->receiver = this;
}

GitJob::~GitJob()
{
    m_shared->cancel = true;
    QMutexLocker lock(&m_shared->mutex);
    m_shared->receiver = nullptr;
}

void GitJob::cancel()
{
    m_shared->cancel = true;
}

void GitJob::start()
{
    if (m_started)
        return;
    m_started = true;
    m_running = true;
    if (m_shared->cancel) {
        GitJobResult r;
        r.outcome = Outcome::Canceled;
        r.errorKind = GitError::Kind::Canceled;
        r.errorText = QStringLiteral("git operation canceled before it started");
        QMetaObject::invokeMethod(this, [this, r] { finish(r); }, Qt::QueuedConnection);
        return;
    }
    ensureLibgit2(); // once, on the caller's thread, before any worker uses libgit2
    auto shared = m_shared;
    GitJobSpec spec = m_spec;
    QThread *thread = QThread::create([shared, spec = std::move(spec)] {
        QElapsedTimer sinceLast;
        GitProgress::Phase lastPhase = GitProgress::Phase::Transfer;
        GitTransferControl control;
        control.token = spec.token;
        control.tokenUser = spec.tokenUser;
        control.tokenHint = spec.tokenHint;
        control.cancel = &shared->cancel;
        control.progress = [&](const GitProgress &p) {
            // Throttled: libgit2 reports after every network read. The last report of a phase
            // (all objects indexed, all files written) always goes out.
            const bool last = p.phase == GitProgress::Phase::Transfer
                                  ? (p.totalObjects > 0 && p.indexedObjects == p.totalObjects)
                                  : p.checkoutDone == p.checkoutTotal;
            if (!last && p.phase == lastPhase && sinceLast.isValid() && sinceLast.elapsed() < 50)
                return;
            lastPhase = p.phase;
            sinceLast.start();
            QMutexLocker lock(&shared->mutex);
            if (GitJob *job = shared->receiver)
                QMetaObject::invokeMethod(job, [job, p] { Q_EMIT job->progress(p); }, Qt::QueuedConnection);
        };
        const GitJobResult result = runOperation(spec, control);
        QMutexLocker lock(&shared->mutex);
        if (GitJob *job = shared->receiver)
            QMetaObject::invokeMethod(job, [job, result] { job->finish(result); }, Qt::QueuedConnection);
    });
    // The thread object outlives the job if need be; it deletes itself once the worker returns.
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start();
}

void GitJob::finish(const GitJobResult &result)
{
    m_running = false;
    Q_EMIT finished(result);
}

} // namespace sluice
