#include "agent.h"

#include "notify/notifier.h"
#include "runner/execution.h"
#include "runner/keychainmemo.h"
#include "runner/pipelinerunner.h"
#include "scheduler/sleepwatcher.h"
#include "scheduler/walltimer.h"
#include "store/database.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QLoggingCategory>
#include <QSysInfo>
#include <QTimer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcAgent, "sluice.exec.agent")

namespace sluice {

namespace {

constexpr qint64 kMaxSleepMs = 60'000;
constexpr qint64 kFirstBackoffMs = 1'000;
constexpr qint64 kMaxBackoffMs = 30'000;

} // namespace

Agent::Agent(Database &db, AgentOptions options, QObject *parent)
    : QObject(parent), m_db(db), m_options(std::move(options)), m_agents(db), m_runs(db), m_locks(db)
{
    if (m_options.host.isEmpty())
        m_options.host = QSysInfo::machineHostName();
    if (m_options.version.isEmpty())
        m_options.version = QCoreApplication::applicationVersion();
    if (m_options.notify)
        m_notifier = std::make_unique<Notifier>(m_db);
    m_wakeTimer = new QTimer(this);
    m_wakeTimer->setSingleShot(true);
    m_wakeTimer->setTimerType(Qt::PreciseTimer);
    connect(m_wakeTimer, &QTimer::timeout, this, &Agent::wake);
    if (!m_options.now && m_options.wakeItself) {
        m_wallTimer = new WallTimer(this);
        if (m_wallTimer->isValid()) {
            m_wallTimer->setMaxSleepMs(kMaxSleepMs);
            connect(m_wallTimer, &WallTimer::fired, this, [this] { wake(); });
            connect(m_wallTimer, &WallTimer::clockChanged, this, &Agent::handleClockChanged);
        } else {
            qCWarning(lcAgent).noquote() << QStringLiteral("no wall-clock timer (%1); clock changes are noticed within 60 s")
                                                .arg(m_wallTimer->errorString());
            delete m_wallTimer;
            m_wallTimer = nullptr;
        }
        if (m_options.watchSleep) {
            m_sleepWatcher = new SleepWatcher(this);
            connect(m_sleepWatcher, &SleepWatcher::aboutToSleep, this, [this] {
                if (prepareForSleep())
                    m_sleepWatcher->releaseInhibitor();
            });
            connect(this, &Agent::drained, this, [this] {
                if (m_asleep && m_sleepWatcher)
                    m_sleepWatcher->releaseInhibitor();
            });
            connect(m_sleepWatcher, &SleepWatcher::resumed, this, &Agent::handleResumed);
        }
    }
    m_idle.open();
}

Agent::~Agent()
{
    for (const QPointer<PipelineRunner> &r : std::as_const(m_runners))
        if (r)
            r->cancel();
}

qint64 Agent::nowMs() const
{
    return m_options.now ? m_options.now() : QDateTime::currentMSecsSinceEpoch();
}

QString Agent::requestedBy() const
{
    return QStringLiteral("scheduler@") + m_options.host;
}

void Agent::checkpointWhileIdle()
{
    // SQLite: copy the write-ahead log into the database now, while nothing runs, rather than in the
    // middle of the next slot's dispatch (an automatic checkpoint fsyncs). Once the whole log is copied,
    // the next write starts the log over, and with synchronous=NORMAL that write fsyncs the new log
    // header: the heartbeat is that write, now, so the next slot's claim does not pay for it. Best effort.
    const QString checkpoint = m_db.dialect().idleCheckpointSql();
    if (checkpoint.isEmpty())
        return;
    auto done = m_db.exec(checkpoint);   // → busy, log frames, copied frames
    if (done && done->next() && done->value(0).toInt() == 0 && done->value(1).toInt() > 0
        && done->value(1).toInt() == done->value(2).toInt()) {
        done = {};   // the statement is finished before the write
        heartbeat();
    }
}

Result<void> Agent::start()
{
    if (m_started)
        return {};
    // Checkpoints happen when the agent is idle (checkpointWhileIdle); see Dialect::longLivedWriterSetup.
    for (const QString &setup : m_db.dialect().longLivedWriterSetup())
        [[maybe_unused]] auto set = m_db.exec(setup);
    auto registered = m_agents.registerAgent({{}, m_options.host, QCoreApplication::applicationPid(), m_options.version, m_options.tags});
    if (!registered)
        return fail(registered.error());
    m_agentId = registered->id;
    if (auto loaded = reloadPipelines(true); !loaded) {
        [[maybe_unused]] auto stopped = m_agents.stop(m_agentId);
        m_agentId = 0;
        return fail(loaded.error());
    }
    m_started = true;
    m_stopping = false;
    m_lastHeartbeatMs = nowMs();   // registering was the first heartbeat
    if (m_sleepWatcher)
        m_sleepWatcher->start();
    qCInfo(lcAgent).noquote() << QStringLiteral("agent %1 registered on %2 (tags: %3), %4 scheduled pipeline(s)")
                                     .arg(m_agentId)
                                     .arg(m_options.host, m_options.tags.isEmpty() ? QStringLiteral("none") : m_options.tags.join(QLatin1Char(',')))
                                     .arg(m_pipelines.size());
    passSoon();
    return {};
}

QCoro::Task<void> Agent::stop(bool cancelRuns)
{
    m_stopping = true;
    m_wakeTimer->stop();
    if (m_wallTimer)
        m_wallTimer->disarm();
    if (cancelRuns)
        this->cancelRuns();
    co_await m_idle;
    if (m_agentId != 0 && m_started) {
        if (auto s = m_agents.stop(m_agentId); !s)
            Q_EMIT warning(QStringLiteral("could not mark agent %1 stopped: %2").arg(m_agentId).arg(s.error().message));
    }
    m_started = false;
    Q_EMIT stateChanged();
}

QCoro::Task<Result<PassReport>> Agent::runUntilIdle()
{
    PassReport total;
    for (;;) {
        const int finishedBefore = m_finishedCount;
        auto pass = runPass();
        if (!pass)
            co_return fail(pass.error());
        total.claimed += pass->claimed;
        total.skippedRecorded += pass->skippedRecorded;
        total.queued += pass->queued;
        total.lostToOthers += pass->lostToOthers;
        total.crashedByExpiry += pass->crashedByExpiry;
        total.cancelRequested += pass->cancelRequested;
        co_await m_idle;
        // Done when nothing started, or when everything started was refused for held locks (it waits,
        // queued, for a later pass).
        total.finished += m_finishedCount - finishedBefore;
        if (pass->claimed == 0 || m_finishedCount == finishedBefore)
            break;
    }
    co_return total;
}

void Agent::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused) {
        m_replanAll = true;
        passSoon();
    }
    Q_EMIT stateChanged();
}

bool Agent::prepareForSleep()
{
    m_asleep = true;
    m_wakeTimer->stop();
    if (m_wallTimer)
        m_wallTimer->disarm();
    // The leases of running runs cannot be renewed while the machine sleeps: hand them back by
    // cancelling (the runs end `cancelled` and free their locks) rather than leave them to expire.
    cancelRuns();
    return m_running.isEmpty();
}

void Agent::cancelRuns()
{
    for (const QPointer<PipelineRunner> &r : std::as_const(m_runners))
        if (r)
            r->cancel();
}

void Agent::handleResumed()
{
    m_asleep = false;
    m_cause = MissedCause::Asleep;
    m_replanAll = true;
    passSoon();
}

void Agent::handleClockChanged()
{
    qCInfo(lcAgent) << "the system clock was changed; planning again";
    m_cause = MissedCause::ClockChanged;
    m_replanAll = true;
    passSoon();
}

QList<Agent::NextRun> Agent::nextRuns(int count) const
{
    QList<NextRun> out;
    for (const ScheduleQueue::Entry &e : m_queue.first(count)) {
        const auto it = m_pipelines.constFind(e.pipelineId);
        out.append({e.pipelineId, it != m_pipelines.cend() ? (*it)->pipeline.name : QString(), e.dueMs});
    }
    return out;
}

void Agent::heartbeat()
{
    if (m_agentId == 0)
        return;
    m_lastHeartbeatMs = nowMs();
    if (auto beat = m_agents.heartbeat(m_agentId); !beat)
        Q_EMIT warning(QStringLiteral("heartbeat failed: %1").arg(beat.error().message));
}

void Agent::passSoon()
{
    if (m_options.now || !m_options.wakeItself || !m_started || m_stopping)
        return;
    m_nextWakeMs = nowMs();
    m_wakeTimer->start(0);
}

void Agent::wake()
{
    if (!m_started || m_stopping)
        return;
    ++m_wakeUps;
    auto pass = runPass();
    if (!pass) {
        m_backoffMs = m_backoffMs == 0 ? kFirstBackoffMs : std::min(kMaxBackoffMs, m_backoffMs * 2);
        const QString text = QStringLiteral("scheduling pass failed (the database may be unreachable): %1; retrying in %2 s; "
                                            "runs already executing go on")
                                 .arg(pass.error().message)
                                 .arg(double(m_backoffMs) / 1000.0);
        qCWarning(lcAgent).noquote() << text;
        Q_EMIT warning(text);
        m_nextWakeMs = nowMs() + m_backoffMs;
        if (m_wallTimer)
            m_wallTimer->arm(m_nextWakeMs);
        else
            m_wakeTimer->start(int(m_backoffMs));
        return;
    }
    if (m_backoffMs != 0)
        qCInfo(lcAgent) << "the database answers again; scheduling resumed";
    m_backoffMs = 0;
    qint64 foreignExpiry = 0;
    if (auto held = m_locks.status(); held) {
        for (const TaskLockStatus &s : *held) {
            if (m_running.contains(s.runId))
                continue;
            const qint64 at = nowMs() + std::max<qint64>(0, s.leaseRemainingMs);
            foreignExpiry = foreignExpiry == 0 ? at : std::min(foreignExpiry, at);
        }
    }
    arm(foreignExpiry);
    Q_EMIT stateChanged();
}

void Agent::arm(qint64 foreignExpiryMs)
{
    const qint64 now = nowMs();
    qint64 next = now + kMaxSleepMs;
    if (!m_paused && !m_asleep) {
        if (auto e = m_queue.earliest())
            next = std::min(next, std::max(now, e->dueMs));
    }
    // The heartbeat rides on a wake-up: no timer of its own wakes an idle agent.
    next = std::min(next, std::max(now, m_lastHeartbeatMs + m_options.heartbeatMs));
    if (m_followUp)
        next = std::min(next, now + std::max<qint64>(100, m_options.leaseMs / 3));
    if (foreignExpiryMs > 0) {
        // A foreign holder that stops renewing is expired right after its lease runs out; while one is
        // held, look again at least every lease/3 (its run may end and free queued work).
        next = std::min({next, foreignExpiryMs + 100, now + std::max<qint64>(100, m_options.leaseMs / 3)});
    }
    m_nextWakeMs = next;
    if (m_wallTimer)
        m_wallTimer->arm(next);
    else
        m_wakeTimer->start(int(std::clamp<qint64>(next - now, 0, kMaxSleepMs)));
}

void Agent::launch(qint64 runId, const QString &pipelineName, qint64 scheduledFor, std::optional<qint64> pipelineId, bool fromSlot)
{
    m_running.insert(runId, {runId, pipelineName, scheduledFor, nowMs()});
    m_idle.close();
    // Detached: the coroutine frame lives until it completes; the agent outlives it (stop() waits).
    [[maybe_unused]] auto task = execute(runId, pipelineName, scheduledFor, pipelineId, fromSlot);
}

QCoro::Task<void> Agent::execute(qint64 runId, QString pipelineName, qint64 scheduledFor, std::optional<qint64> pipelineId, bool fromSlot)
{
    Q_UNUSED(scheduledFor);
    RunnerOptions options;
    options.lockedBy = requestedBy();
    options.holderAgentId = m_agentId;
    options.leaseMs = m_options.leaseMs;
    options.keychain = m_keychain;
    auto *runner = new PipelineRunner(m_db, runId, std::move(options), this);
    m_runners.insert(runId, runner);
    connect(runner, &PipelineRunner::taskProcessStarted, this, &Agent::taskProcessStarted);
    connect(runner, &PipelineRunner::runStarted, this, [this, runId, pipelineName] {
        Q_EMIT runStarted(runId, pipelineName);
        Q_EMIT stateChanged();
    });
    ExecutionHooks hooks;
    hooks.notifier = m_notifier.get();
    hooks.ended = [this, runId, &pipelineName](RunStatus status) {
        ++m_finishedCount;
        qCInfo(lcAgent).noquote() << QStringLiteral("run %1 of %2 ended %3").arg(runId).arg(pipelineName, toSql(status));
        Q_EMIT runFinished(runId, status);
    };
    const Execution done = co_await executeRun(*runner, m_db, hooks);
    m_runners.remove(runId);
    runner->deleteLater();
    if (!done.status)
        handleBlocked(runId, pipelineId, fromSlot, done.status.error());
    for (const NotifyOutcome &o : done.notifications)
        if (!o.ok)
            qCWarning(lcAgent).noquote() << QStringLiteral("notification to %1 failed: %2").arg(o.channel, o.error);
    m_running.remove(runId);
    if (m_running.isEmpty()) {
        m_idle.open();
        checkpointWhileIdle();
    }
    Q_EMIT stateChanged();
    Q_EMIT runSettled();
    if (m_running.isEmpty() && (m_stopping || m_asleep))
        Q_EMIT drained();
    // A finished run frees its locks: queued runs waiting for them can be claimed now.
    if (done.status)
        passSoon();
}

} // namespace sluice
