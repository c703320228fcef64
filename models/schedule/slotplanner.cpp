#include "schedule/slotplanner.h"

namespace sluice {

namespace {

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

QDateTime utcSecs(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, QTimeZone::utc());
}

// Slots older than this before `now` are not looked at: the cron engine searches at most
// CronSchedule::kHorizonYears away, and a catch-up that old means nothing.
constexpr qint64 kLookBackMs = qint64(CronSchedule::kHorizonYears - 1) * 365 * 24 * 3600 * 1000;

// Slots fall on whole seconds, so "strictly after t" is "strictly after floor(t)" and
// "at or before t" is "strictly before floor(t) + 1 s".
std::optional<qint64> slotAfter(const CronSchedule &s, qint64 afterMs)
{
    const qint64 x = floorDiv(afterMs, 1000);
    const std::optional<QDateTime> t = s.nextAfter(utcSecs(x));
    return t ? std::optional<qint64>(t->toMSecsSinceEpoch()) : std::nullopt;
}

std::optional<qint64> slotAtOrBefore(const CronSchedule &s, qint64 atMs)
{
    const auto t = s.previousBefore(utcSecs(floorDiv(atMs, 1000) + 1));
    return t ? std::optional<qint64>(t->toMSecsSinceEpoch()) : std::nullopt;
}

QString missedWords(MissedCause cause)
{
    switch (cause) {
    case MissedCause::NoAgent:
        return QStringLiteral("missed while no agent was running");
    case MissedCause::Asleep:
        return QStringLiteral("missed while the machine was asleep");
    case MissedCause::ClockChanged:
        return QStringLiteral("missed when the system clock was changed");
    case MissedCause::Unknown:
        break;
    }
    return QStringLiteral("missed");
}

} // namespace

// ---- SlotCursor ---------------------------------------------------------------------------------

SlotCursor::SlotCursor(CronSchedule schedule, qint64 firstMs, qint64 lastMs)
    : m_schedule(std::move(schedule))
    , m_lastMs(lastMs)
{
    if (firstMs <= lastMs)
        m_next = slotAfter(m_schedule, firstMs - 1);
}

SlotCursor::SlotCursor(CronSchedule schedule, const SkippedSlots &range)
    : SlotCursor(std::move(schedule), range.firstMs, range.lastMs)
{
}

std::optional<qint64> SlotCursor::next()
{
    if (!m_next || *m_next > m_lastMs)
        return std::nullopt;
    const qint64 current = *m_next;
    m_next = current >= m_lastMs ? std::nullopt : slotAfter(m_schedule, current);
    return current;
}

QList<qint64> SlotCursor::nextBatch(int max)
{
    QList<qint64> batch;
    while (batch.size() < max) {
        const auto slot = next();
        if (!slot)
            break;
        batch.append(*slot);
    }
    return batch;
}

qint64 SlotCursor::countRemaining()
{
    qint64 n = 0;
    while (next())
        ++n;
    return n;
}

// ---- SlotPlanner --------------------------------------------------------------------------------

SlotPlanner::SlotPlanner(CronSchedule schedule, MissedPolicy policy)
    : m_schedule(std::move(schedule))
    , m_policy(policy)
{
}

std::optional<qint64> SlotPlanner::nextAfter(qint64 afterMs) const
{
    return slotAfter(m_schedule, afterMs);
}

std::optional<qint64> SlotPlanner::lastAtOrBefore(qint64 atMs) const
{
    return slotAtOrBefore(m_schedule, atMs);
}

SlotPlan SlotPlanner::plan(qint64 resumeAfterMs, qint64 nowMs, MissedCause cause) const
{
    SlotPlan plan;
    plan.resumeAfterMs = nowMs;
    plan.nextDueMs = nextAfter(nowMs);
    if (nowMs < resumeAfterMs) {
        plan.clockWentBack = true;
        return plan;
    }
    const qint64 resume = std::max(resumeAfterMs, nowMs - kLookBackMs);

    // On-time slots: due, and less than `grace` old. Walked back from now; few by construction.
    QList<PlannedSlot> onTime;
    std::optional<qint64> s = lastAtOrBefore(nowMs);
    while (s && *s > resume && nowMs - *s < m_graceMs) {
        onTime.prepend({*s, SlotTrigger::OnTime});
        s = lastAtOrBefore(*s - 1);
    }
    // Every slot left in (resume, latestMissed] was missed.
    const std::optional<qint64> latestMissed = (s && *s > resume) ? s : std::nullopt;
    if (latestMissed) {
        const qint64 firstMissed = nextAfter(resume).value_or(*latestMissed);
        const QString missed = missedWords(cause);
        switch (m_policy) {
        case MissedPolicy::Skip:
            plan.skipped = {firstMissed, *latestMissed, missed + QStringLiteral(": policy skip runs no missed slot")};
            break;
        case MissedPolicy::Once:
            if (!onTime.isEmpty()) {
                plan.skipped = {firstMissed, *latestMissed,
                                missed + QStringLiteral(": policy once runs only the latest slot, and a later slot ran on time")};
            } else {
                plan.toRun.append({*latestMissed, SlotTrigger::CatchUp});
                if (firstMissed < *latestMissed)
                    plan.skipped = {firstMissed, lastAtOrBefore(*latestMissed - 1).value_or(firstMissed),
                                    missed + QStringLiteral(": policy once runs only the latest missed slot")};
            }
            break;
        case MissedPolicy::All: {
            QList<PlannedSlot> catchUp;
            std::optional<qint64> m = latestMissed;
            while (m && *m > resume && catchUp.size() < m_cap) {
                catchUp.prepend({*m, SlotTrigger::CatchUp});
                m = lastAtOrBefore(*m - 1);
            }
            plan.toRun = catchUp;
            if (m && *m > resume)
                plan.skipped = {firstMissed, *m,
                                QStringLiteral("%1: more than %2 slots were missed, and policy all catches up only the latest %2")
                                    .arg(missed)
                                    .arg(m_cap)};
            break;
        }
        }
    }
    plan.toRun.append(onTime);
    return plan;
}

// ---- ScheduleQueue ------------------------------------------------------------------------------

void ScheduleQueue::set(qint64 pipelineId, qint64 dueMs)
{
    const auto it = m_due.constFind(pipelineId);
    if (it != m_due.constEnd()) {
        if (*it == dueMs)
            return;
        m_order.erase({*it, pipelineId});
    }
    m_due.insert(pipelineId, dueMs);
    m_order.insert({dueMs, pipelineId});
}

bool ScheduleQueue::remove(qint64 pipelineId)
{
    const auto it = m_due.constFind(pipelineId);
    if (it == m_due.constEnd())
        return false;
    m_order.erase({*it, pipelineId});
    m_due.erase(it);
    return true;
}

void ScheduleQueue::clear()
{
    m_order.clear();
    m_due.clear();
}

std::optional<ScheduleQueue::Entry> ScheduleQueue::earliest() const
{
    if (m_order.empty())
        return std::nullopt;
    return Entry{m_order.begin()->first, m_order.begin()->second};
}

std::optional<qint64> ScheduleQueue::dueOf(qint64 pipelineId) const
{
    const auto it = m_due.constFind(pipelineId);
    return it == m_due.constEnd() ? std::nullopt : std::optional<qint64>(*it);
}

QList<ScheduleQueue::Entry> ScheduleQueue::dueBy(qint64 nowMs) const
{
    QList<Entry> due;
    for (auto it = m_order.begin(); it != m_order.end() && it->first <= nowMs; ++it)
        due.append({it->first, it->second});
    return due;
}

QList<ScheduleQueue::Entry> ScheduleQueue::first(int count) const
{
    QList<Entry> out;
    for (auto it = m_order.begin(); it != m_order.end() && out.size() < count; ++it)
        out.append({it->first, it->second});
    return out;
}

} // namespace sluice
