#include "runservice.h"

#include "notify/notifier.h"
#include "core/clock.h"
#include "runner/execution.h"
#include "store/database.h"
#include "store/lockstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include <QLoggingCategory>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcRunService, "sluice.exec.runservice")

namespace sluice {

namespace {

// The most lines read from the store in one page while catching a viewer up, and the most pages sent in
// one poll: a long log reaches the viewer in steps (the next one kMorePagesMs later), never all at once.
constexpr int kCatchUpPage = 2000;
constexpr int kPagesPerPoll = 10;
constexpr int kMorePagesMs = 50;
// Live lines that cannot be sent yet (they follow lines not stored yet) wait, at most this many per task
// run; older ones beyond that are dropped from the wait — the store has them, the next poll reads them.
constexpr qsizetype kMaxPendingLive = 5000;

} // namespace

RunService::RunService(DbUrl url, RunServiceOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    qRegisterMetaType<sluice::RunSummary>();
    qRegisterMetaType<QList<sluice::RunSummary>>();
    qRegisterMetaType<sluice::RunRecord>();
    qRegisterMetaType<sluice::TaskLogBatch>();
    if (m_options.actor.isEmpty())
        m_options.actor = QStringLiteral("sluice");
}

RunService::~RunService()
{
    // Normally shutdown() has ended every run first (DesktopRuns waits for drained()). Otherwise the
    // runners go before the connection and the notifier they use.
    for (const QPointer<PipelineRunner> &r : std::as_const(m_runners))
        delete r.data();
    m_runners.clear();
    m_notifier.reset();
    m_db.reset();
}

void RunService::say(const Error &error, const QString &doing)
{
    const QString message = QStringLiteral("%1: %2").arg(doing, error.message);
    qCWarning(lcRunService).noquote() << message;
    Q_EMIT problem(message);
}

void RunService::start()
{
    if (m_db)
        return;
    auto db = Database::openExisting(m_url);
    if (!db) {
        say(db.error(), tr("Cannot open the store for runs"));
        return;
    }
    m_db = std::move(*db);
    m_notifier = std::make_unique<Notifier>(*m_db);
    m_listTimer = new QTimer(this);
    m_listTimer->setInterval(m_options.listInterval);
    connect(m_listTimer, &QTimer::timeout, this, &RunService::refreshRuns);
    m_pollTimer = new QTimer(this);
    m_pollTimer->setInterval(m_options.pollInterval);
    connect(m_pollTimer, &QTimer::timeout, this, &RunService::pollWatched);
    m_flushTimer = new QTimer(this);
    m_flushTimer->setSingleShot(true);
    m_flushTimer->setInterval(m_options.liveFlush);
    connect(m_flushTimer, &QTimer::timeout, this, &RunService::flushLive);
    m_listTimer->start();
    Q_EMIT ready();
    refreshRuns();
}

void RunService::refreshRuns()
{
    if (!m_db)
        return;
    RunFilter filter;
    filter.limit = m_options.listLimit;
    auto runs = RunStore(*m_db).list(filter);
    if (!runs) {
        say(runs.error(), tr("Cannot read the runs"));
        return;
    }
    Q_EMIT runsListed(*runs, nowMs());
}

void RunService::requestPipelineRun(const QString &pipelineUuid, bool queue)
{
    if (!m_db || m_stopping) {
        Q_EMIT runRefused(tr("The store is not open, so no run can be started; see the status bar for why."));
        return;
    }
    auto pipeline = PipelineStore(*m_db, m_options.actor).find(pipelineUuid);
    if (!pipeline) {
        Q_EMIT runRefused(pipeline.error().message);
        return;
    }
    startRun(queue, [&](const NewRun &request) { return RunStore(*m_db).createPipelineRun(*pipeline, request); });
}

void RunService::requestTaskRun(const QString &orgTaskUuid)
{
    if (!m_db || m_stopping) {
        Q_EMIT runRefused(tr("The store is not open, so no run can be started; see the status bar for why."));
        return;
    }
    auto task = OrgTaskStore(*m_db, m_options.actor).get(orgTaskUuid);
    if (!task) {
        Q_EMIT runRefused(task.error().message);
        return;
    }
    startRun(false, [&](const NewRun &request) { return RunStore(*m_db).createTaskRun(*task, request); });
}

void RunService::startRun(bool queue, const std::function<Result<qint64>(const NewRun &)> &create)
{
    NewRun request;
    request.requestedBy = m_options.actor;
    request.trigger = QStringLiteral("manual");
    request.dispatch = queue ? QStringLiteral("agent") : QStringLiteral("local");
    auto runId = create(request);
    if (!runId) {
        Q_EMIT runRefused(runId.error().message);
        return;
    }
    if (queue) {
        Q_EMIT runRequested(*runId, true);
        refreshRuns();
        return;
    }
    // Detached: the coroutine frame lives until the run ends; the service outlives it (shutdown() waits).
    [[maybe_unused]] auto task = execute(*runId);
}

QCoro::Task<void> RunService::execute(qint64 runId)
{
    RunnerOptions options = m_options.runner;
    options.lockedBy = m_options.actor;
    options.actor = m_options.actor;
    if (!options.keychain)
        options.keychain = m_keychain;
    auto *runner = new PipelineRunner(*m_db, runId, std::move(options), this);
    m_runners.insert(runId, runner);
    ++m_inFlight;
    Q_EMIT localRunsChanged(localRunCount());
    connect(runner, &PipelineRunner::runStarted, this, [this, runId] {
        Q_EMIT runRequested(runId, false);
        refreshRuns();
    });
    connect(runner, &PipelineRunner::taskStarted, this, [this](qint64 run, qint64 taskRunId, int seq, int attempt, const QString &slug) {
        if (run != m_watched)
            return;
        m_tasks.insert(taskRunId, {seq, attempt, slug});
        pollWatched();
    });
    connect(runner, &PipelineRunner::taskFinished, this, [this](qint64 run) {
        if (run == m_watched)
            pollWatched();
    });
    connect(runner, &PipelineRunner::lineAppended, this,
            [this, runId](qint64 taskRunId, const LogLine &line) { handleLiveLine(runId, taskRunId, line); });
    ExecutionHooks hooks;
    hooks.discardRefused = true;   // refused (a lock is held) or could not start: it never ran; nothing is left queued
    hooks.notifier = m_options.notify ? m_notifier.get() : nullptr;
    hooks.stillNotify = [this] { return !m_stopping; };
    hooks.ended = [this, runId](RunStatus status) {
        m_runners.remove(runId);
        flushLive();
        Q_EMIT runFinished(runId, status);
        if (runId == m_watched)
            pollWatched();
    };
    const Execution done = co_await executeRun(*runner, *m_db, hooks);
    m_runners.remove(runId);
    runner->deleteLater();
    if (!done.status)
        Q_EMIT runRefused(done.status.error().message);
    for (const NotifyOutcome &o : done.notifications)
        if (!o.ok)
            Q_EMIT problem(tr("Could not notify channel %1 of run %2: %3").arg(o.channel).arg(runId).arg(o.error));
    Q_EMIT localRunsChanged(localRunCount());
    refreshRuns();
    // Only now is this execution over (the notification above may have waited): drained() waits for it.
    if (--m_inFlight == 0 && m_stopping)
        Q_EMIT drained();
}

void RunService::watchRun(qint64 runId)
{
    m_watched = runId;
    m_sent.clear();
    m_tasks.clear();
    m_live.clear();
    m_pollFailing = false;
    if (m_pollTimer)
        m_pollTimer->stop();
    // Everything emitted for the previous watch was queued before this: a viewer starts over here.
    Q_EMIT watchStarted(runId);
    if (runId > 0)
        pollWatched();
}

void RunService::pollWatched()
{
    if (!m_db || m_watched <= 0)
        return;
    const qint64 runId = m_watched;
    // A failure is said once, not every poll; the timer goes on and the next poll tries again.
    const auto failed = [this, runId](const Error &error, const QString &doing) {
        if (!m_pollTimer->isActive())
            m_pollTimer->start();
        if (!std::exchange(m_pollFailing, true))
            say(error, doing.arg(runId));
    };
    RunStore store(*m_db);
    auto record = store.run(runId);
    if (!record)
        return failed(record.error(), tr("Cannot read run %1"));
    // A holder that died never finishes its run: sweep as any agent would (one read when no lease expired).
    if (record->run.status == RunStatus::Running && !m_runners.contains(runId)) {
        auto swept = LockStore(*m_db).expireStale();
        if (!swept)
            return failed(swept.error(), tr("Cannot look for an abandoned holder of run %1"));
        if (swept->crashedRunIds.contains(runId))
            if (auto again = store.run(runId); again)
                record = std::move(again);
    }
    // The status is read before the logs: once it is finished, every line is already stored.
    const bool finished = isFinished(record->run.status);
    Q_EMIT runChanged(*record, nowMs());
    RunHistory history(*m_db);
    int pages = 0;
    bool more = false;
    for (const TaskRunRecord &t : std::as_const(record->tasks)) {
        m_tasks.insert(t.id, {t.seq, t.attempt, t.slug});
        auto stored = store.logLineCount(t.id);
        if (!stored)
            return failed(stored.error(), tr("Cannot read the log of run %1"));
        for (qint64 next = m_sent.value(t.id, 0); next < *stored; next = m_sent.value(t.id, 0)) {
            if (pages == kPagesPerPoll) {
                more = true;
                break;
            }
            ++pages;
            auto page = history.logPage(t.id, next, int(std::min<qint64>(kCatchUpPage, *stored - next)));
            if (!page)
                return failed(page.error(), tr("Cannot read the log of run %1"));
            if (page->isEmpty())
                break;
            // The store may hold a gap (lines never stored): what is missing there never comes.
            if (page->first().number > next)
                m_sent.insert(t.id, page->first().number);
            sendLines(t.id, std::move(*page));
            if (m_sent.value(t.id, 0) == next)
                break;   // no progress: leave it to the next poll
        }
        if (more)
            break;
    }
    m_pollFailing = false;
    flushLive();   // live lines that waited for what the store has just given
    if (more)
        QTimer::singleShot(kMorePagesMs, this, [this, runId] {
            if (m_watched == runId)
                pollWatched();
        });
    if (finished && !more)
        m_pollTimer->stop();
    else if (!finished && !m_pollTimer->isActive())
        m_pollTimer->start();
}

void RunService::handleLiveLine(qint64 runId, qint64 taskRunId, const LogLine &line)
{
    if (runId != m_watched)
        return;
    m_live[taskRunId].append(line);
    if (!m_flushTimer->isActive())
        m_flushTimer->start();
}

void RunService::flushLive()
{
    const auto live = std::exchange(m_live, {});
    for (auto it = live.cbegin(); it != live.cend(); ++it) {
        QList<LogLine> rest = sendLines(it.key(), it.value());
        if (rest.size() > kMaxPendingLive)
            rest.remove(0, rest.size() - kMaxPendingLive);
        if (!rest.isEmpty())
            m_live.insert(it.key(), std::move(rest));   // they follow lines not sent yet: wait for the store
    }
}

QList<LogLine> RunService::sendLines(qint64 taskRunId, QList<LogLine> lines)
{
    // Only the lines that continue what was sent: earlier ones were sent already; lines after a gap are
    // handed back to wait until the gap's lines come from the store.
    const qint64 next = m_sent.value(taskRunId, 0);
    lines.erase(std::remove_if(lines.begin(), lines.end(), [next](const LogLine &l) { return l.number < next; }), lines.end());
    if (lines.isEmpty() || lines.first().number != next)
        return lines;
    qsizetype contiguous = 1;
    while (contiguous < lines.size() && lines.at(contiguous).number == lines.at(contiguous - 1).number + 1)
        ++contiguous;
    QList<LogLine> rest = lines.mid(contiguous);
    lines.resize(contiguous);
    const TaskInfo info = m_tasks.value(taskRunId);
    m_sent.insert(taskRunId, lines.last().number + 1);
    Q_EMIT logLinesAppended(TaskLogBatch{m_watched, taskRunId, info.seq, info.attempt, info.slug, std::move(lines)});
    return rest;
}

void RunService::cancelRun(qint64 runId)
{
    if (auto it = m_runners.constFind(runId); it != m_runners.cend() && *it) {
        (*it)->cancel();
        Q_EMIT cancelAnswered(runId, tr("Cancelling run %1: its processes are being stopped.").arg(runId));
        return;
    }
    if (!m_db) {
        Q_EMIT cancelAnswered(runId, tr("The store is not open, so run %1 cannot be cancelled.").arg(runId));
        return;
    }
    auto done = RunStore(*m_db).requestCancel(runId, m_options.actor);
    if (!done)
        Q_EMIT cancelAnswered(runId, done.error().message);
    else if (*done)
        Q_EMIT cancelAnswered(runId, tr("Run %1 was queued and is now cancelled.").arg(runId));
    else
        Q_EMIT cancelAnswered(runId, tr("Cancel requested for run %1: the process running it stops it within seconds.").arg(runId));
    if (runId == m_watched)
        pollWatched();
    refreshRuns();
}

void RunService::shutdown()
{
    m_stopping = true;
    if (m_listTimer)
        m_listTimer->stop();
    if (m_pollTimer)
        m_pollTimer->stop();
    if (m_inFlight == 0) {
        Q_EMIT drained();
        return;
    }
    for (const QPointer<PipelineRunner> &r : std::as_const(m_runners))
        if (r)
            r->cancel();
}

} // namespace sluice
