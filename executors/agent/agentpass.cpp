// The scheduling pass of the Agent: expire, reload, plan, record skipped slots, claim, start.
#include "agent.h"

#include "store/database.h"

#include <QDateTime>
#include <QLoggingCategory>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcAgent)

namespace sluice {

namespace {

constexpr int kMaxClaimsPerPass = 100;

QString isoTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString describeHolder(const TaskLockStatus &s)
{
    const QString pipeline = s.pipelineName.isEmpty() ? QStringLiteral("a single-task run")
                                                      : QStringLiteral("pipeline \"%1\"").arg(s.pipelineName);
    return QStringLiteral("task %1 is locked by %2 for %3 (run %4) since %5")
        .arg(s.taskSlug, s.lockedBy, pipeline, s.runUuid, isoTime(s.lockedAt));
}

bool sameSchedule(const ScheduledPipeline &a, const ScheduledPipeline &b)
{
    return a.cron == b.cron && a.timezone == b.timezone && a.missedPolicy == b.missedPolicy;
}

} // namespace

namespace {
// A pass this close to the next heartbeat does it now rather than waking again for it.
constexpr qint64 kHeartbeatSlackMs = 1'000;
} // namespace

Result<PassReport> Agent::runPass()
{
    if (m_agentId == 0)
        return fail(Error::internal(QStringLiteral("the agent is not started")));
    m_inPass = true;
    m_followUp = false;
    PassReport report;
    auto result = [&]() -> Result<void> {
        auto expired = m_locks.expireStale();
        if (!expired)
            return fail(expired.error());
        report.crashedByExpiry = int(expired->crashedRunIds.size());
        for (qint64 id : std::as_const(expired->crashedRunIds))
            qCWarning(lcAgent).noquote() << QStringLiteral("run %1 crashed: its holder stopped renewing its lease; its locks are free").arg(id);
        if (auto released = m_agents.releaseClaimsOfGoneAgents(); !released)
            return fail(released.error());
        if (m_paused || m_stopping || m_asleep)
            return {};
        if (auto loaded = reloadPipelines(false); !loaded)
            return loaded;
        const qint64 now = nowMs();
        const QList<qint64> ids = m_pipelines.keys();
        for (qint64 id : ids) {
            const std::shared_ptr<PipelineState> state = m_pipelines.value(id);
            const std::optional<qint64> due = m_queue.dueOf(id);
            if (!m_replanAll && due && *due > now)
                continue;
            if (auto planned = planPipeline(*state, now, report); !planned) {
                m_replanAll = true;
                return planned;
            }
        }
        m_replanAll = false;
        m_cause = MissedCause::Unknown;
        return claimQueued(report);
    }();
    // Another agent won a slot, or work waits queued: its holder's locks may appear just after this
    // pass looked, and a holder that dies must be noticed within its lease — look again soon.
    if (report.lostToOthers > 0 || report.queued > 0)
        m_followUp = true;
    m_inPass = false;
    for (qint64 runId : std::as_const(m_blockedClaims))
        giveBack(runId);
    m_blockedClaims.clear();
    // Last, so that it never delays a due slot's start.
    if (nowMs() - m_lastHeartbeatMs >= m_options.heartbeatMs - kHeartbeatSlackMs)
        heartbeat();
    if (!result)
        return fail(result.error());
    return report;
}

Result<void> Agent::reloadPipelines(bool force)
{
    auto version = m_agents.pipelinesVersion();
    if (!version)
        return fail(version.error());
    if (!force && m_version && *m_version == *version)
        return {};
    auto loaded = m_agents.scheduledPipelines();
    if (!loaded)
        return fail(loaded.error());
    QHash<qint64, std::shared_ptr<PipelineState>> next;
    for (const ScheduledPipeline &p : std::as_const(*loaded)) {
        if (!p.agentTag.isEmpty() && !m_options.tags.contains(p.agentTag))
            continue;
        auto schedule = CronSchedule::parse(p.cron, p.timezone);
        if (!schedule) {
            Q_EMIT warning(QStringLiteral("pipeline \"%1\" has a schedule that cannot be used: %2").arg(p.name, schedule.error().message));
            continue;
        }
        auto state = std::make_shared<PipelineState>();
        const auto old = m_pipelines.constFind(p.id);
        if (old != m_pipelines.cend() && sameSchedule((*old)->pipeline, p))
            state->resumeAfterMs = (*old)->resumeAfterMs;
        state->pipeline = p;
        state->planner.emplace(*schedule, p.missedPolicy);
        state->planner->setGraceMs(m_options.graceMs);
        state->planner->setCatchUpCap(m_options.catchUpCap);
        next.insert(p.id, state);
    }
    m_pipelines = std::move(next);
    m_queue.clear();
    m_version = *version;
    m_replanAll = true;
    Q_EMIT stateChanged();
    return {};
}

Result<void> Agent::planPipeline(PipelineState &state, qint64 now, PassReport &report)
{
    const ScheduledPipeline &p = state.pipeline;
    auto latest = m_runs.latestSlot(p.id);
    if (!latest)
        return fail(latest.error());
    if (*latest > state.resumeAfterMs)
        m_followUp = true;      // someone else handled slots of this pipeline since this agent looked (or it never did)
    qint64 resume = std::max(state.resumeAfterMs, *latest);
    if (resume == 0)
        resume = p.updatedAt;   // never run: planning starts when the schedule was saved
    const SlotPlan plan = state.planner->plan(resume, now, m_cause);
    if (!plan.skipped.isEmpty()) {
        SlotCursor cursor = state.planner->cursor(plan.skipped);
        while (const std::optional<qint64> slot = cursor.next()) {
            auto skipped = m_runs.recordSkippedSlot(p.orgId, p.id, p.name, *slot, plan.skipped.reason, requestedBy());
            if (skipped)
                ++report.skippedRecorded;
            else if (skipped.error().kind != Error::Kind::Conflict)
                return fail(skipped.error());
        }
    }
    QList<qint64> planRuns;     // the runs this plan created: catch-ups wait behind each other
    for (const PlannedSlot &slot : plan.toRun) {
        if (auto claimed = claimSlot(state, slot.atMs, planRuns, report); !claimed)
            return claimed;
    }
    state.resumeAfterMs = plan.resumeAfterMs;
    if (plan.nextDueMs)
        m_queue.set(p.id, *plan.nextDueMs);
    else
        m_queue.remove(p.id);
    return {};
}

Result<QList<TaskLockStatus>> Agent::holdersOf(const PipelineState &state)
{
    QList<qint64> ids;
    for (const RunTaskPlan &t : state.pipeline.tasks)
        if (t.orgTaskId > 0)
            ids.append(t.orgTaskId);
    return m_locks.liveHolders(ids);   // an expired lease is not listed: the runner's acquire takes it over
}

Result<void> Agent::claimSlot(PipelineState &state, qint64 slot, QList<qint64> &planRuns, PassReport &report)
{
    const ScheduledPipeline &p = state.pipeline;
    NewRun run;
    run.orgId = p.orgId;
    run.pipelineId = p.id;
    run.pipelineName = p.name;
    run.trigger = QStringLiteral("scheduled");
    run.scheduledFor = slot;
    run.requestedBy = requestedBy();
    run.dispatch = QStringLiteral("agent");

    auto holders = holdersOf(state);
    if (!holders)
        return fail(holders.error());
    if (!holders->isEmpty()) {
        const QString who = describeHolder(holders->first());
        // Held only by an earlier slot of this same plan (policy `all` catching up): queue behind it,
        // whatever the overlap policy — these slots are meant to run, one after the other.
        const bool ownChain = std::all_of(holders->cbegin(), holders->cend(),
                                          [&planRuns](const TaskLockStatus &h) { return planRuns.contains(h.runId); });
        const OverlapPolicy policy = ownChain ? OverlapPolicy::Queue : p.overlapPolicy;
        if (policy == OverlapPolicy::Skip) {
            auto skipped = m_runs.recordSkippedSlot(p.orgId, p.id, p.name, slot,
                                                    QStringLiteral("overlap policy skip: %1").arg(who), requestedBy());
            if (skipped)
                ++report.skippedRecorded;
            else if (skipped.error().kind == Error::Kind::Conflict)
                ++report.lostToOthers;
            else
                return fail(skipped.error());
            return {};
        }
        // queue, or replace: the new run waits queued for any agent (this one included) once the
        // locks are free; replace first asks the holders to cancel.
        auto created = m_runs.createRun(run, p.tasks);
        if (!created) {
            if (created.error().kind != Error::Kind::Conflict)
                return fail(created.error());
            ++report.lostToOthers;
            return {};
        }
        ++report.queued;
        planRuns.append(*created);
        if (policy == OverlapPolicy::Replace) {
            QList<qint64> asked;
            for (const TaskLockStatus &h : std::as_const(*holders)) {
                if (asked.contains(h.runId))
                    continue;
                asked.append(h.runId);
                auto cancel = m_runs.requestCancel(h.runId, requestedBy());
                if (!cancel && cancel.error().kind != Error::Kind::Conflict)
                    return fail(cancel.error());
                ++report.cancelRequested;
            }
        }
        return {};
    }

    run.agentId = m_agentId;
    auto created = m_runs.createRun(run, p.tasks);
    if (!created) {
        if (created.error().kind != Error::Kind::Conflict)
            return fail(created.error());
        ++report.lostToOthers;     // another agent won the slot
        return {};
    }
    ++report.claimed;
    planRuns.append(*created);
    launch(*created, p.name, slot, p.id, true);
    return {};
}

Result<void> Agent::claimQueued(PassReport &report)
{
    for (int i = 0; i < kMaxClaimsPerPass; ++i) {
        auto claimed = m_runs.claimQueuedRun(m_agentId, m_options.tags);
        if (!claimed)
            return fail(claimed.error());
        if (!claimed->has_value())
            break;
        const qint64 runId = **claimed;
        auto record = m_runs.run(runId);
        if (!record) {
            m_blockedClaims.append(runId);
            return fail(record.error());
        }
        ++report.claimed;
        const std::optional<qint64> pipelineId = record->run.pipelineId > 0 ? std::optional<qint64>(record->run.pipelineId) : std::nullopt;
        launch(runId, record->run.pipelineName, record->run.scheduledFor, pipelineId, false);
    }
    return {};
}

void Agent::handleBlocked(qint64 runId, std::optional<qint64> pipelineId, bool fromSlot, const Error &error)
{
    const bool heldLock = error.kind == Error::Kind::Conflict;
    if (!heldLock)
        Q_EMIT warning(QStringLiteral("run %1 could not start: %2").arg(runId).arg(error.message));
    const auto it = pipelineId ? m_pipelines.constFind(*pipelineId) : m_pipelines.cend();
    if (heldLock && fromSlot && it != m_pipelines.cend()) {
        const PipelineState &state = **it;
        // The locks were taken between this agent's check and its acquire: the overlap policy again.
        if (state.pipeline.overlapPolicy == OverlapPolicy::Skip) {
            auto skipped = m_agents.skipClaimedRun(runId, m_agentId, QStringLiteral("overlap policy skip: %1").arg(error.message));
            if (skipped)
                return;
            Q_EMIT warning(QStringLiteral("could not record run %1 as skipped: %2").arg(runId).arg(skipped.error().message));
        } else if (state.pipeline.overlapPolicy == OverlapPolicy::Replace) {
            if (auto holders = holdersOf(state); holders) {
                for (const TaskLockStatus &h : std::as_const(*holders))
                    [[maybe_unused]] auto asked = m_runs.requestCancel(h.runId, requestedBy());
            }
        }
    }
    // Queued again for any agent; inside a pass only at its end, so that this pass does not claim it again.
    if (m_inPass)
        m_blockedClaims.append(runId);
    else
        giveBack(runId);
}

void Agent::giveBack(qint64 runId)
{
    if (auto back = m_runs.unclaim(runId, m_agentId); !back && back.error().kind != Error::Kind::Conflict)
        Q_EMIT warning(QStringLiteral("could not give run %1 back to the queue: %2").arg(runId).arg(back.error().message));
}

} // namespace sluice
