#pragma once

#include "domain/entities.h"
#include "schedule/cronschedule.h"

#include <QHash>
#include <QList>
#include <QString>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

namespace sluice {

// How a slot came to run: at its time, or late after downtime, suspend or a clock jump.
enum class SlotTrigger { OnTime, CatchUp };

// Why slots were missed, as far as the caller knows; only used to word the skip reason.
enum class MissedCause {
    Unknown,        // "missed"
    NoAgent,        // "missed while no agent was running"
    Asleep,         // "missed while the machine was asleep"
    ClockChanged,   // "missed when the system clock was changed"
};

struct PlannedSlot
{
    qint64 atMs = 0;   // the slot (scheduled_for), UTC epoch ms
    SlotTrigger trigger = SlotTrigger::OnTime;

    friend bool operator==(const PlannedSlot &, const PlannedSlot &) = default;
};

// Every slot of the schedule in [firstMs, lastMs] (both slots themselves), all not run for the same
// reason. A range, not a list: months of an every-minute schedule are two numbers here. Walk the slots
// with SlotCursor (O(1) memory) to record each one as a skipped run.
struct SkippedSlots
{
    qint64 firstMs = 0;
    qint64 lastMs = -1;
    QString reason;     // plain words, for the skipped run's record

    [[nodiscard]] bool isEmpty() const { return lastMs < firstMs; }
};

struct SlotPlan
{
    QList<PlannedSlot> toRun;          // oldest first: catch-ups, then on-time slots; at most cap + the on-time ones
    SkippedSlots skipped;              // all older than every slot in toRun
    std::optional<qint64> nextDueMs;   // the first slot strictly after now; nullopt: none within the horizon
    // What to pass as resumeAfterMs next time: every slot up to here was handled by this plan (run or
    // skipped). After a backwards clock jump it is `now`, so slots between the new and the old time
    // come due again; the store's UNIQUE (pipeline, scheduled_for) keeps those already run from running twice.
    qint64 resumeAfterMs = 0;
    bool clockWentBack = false;        // now < resumeAfter: nothing was run or skipped
};

// Walks the slots of a schedule in [firstMs, lastMs], oldest first, one at a time or in batches,
// without holding them all. Each step costs one CronSchedule::nextAfter.
class SlotCursor
{
public:
    SlotCursor(CronSchedule schedule, qint64 firstMs, qint64 lastMs);
    SlotCursor(CronSchedule schedule, const SkippedSlots &range);

    // The next slot, or nullopt once past lastMs.
    [[nodiscard]] std::optional<qint64> next();
    // Up to `max` next slots (fewer only at the end; empty when done).
    [[nodiscard]] QList<qint64> nextBatch(int max);
    // The number of remaining slots (walks them: O(n) time, O(1) memory; consumes the cursor).
    [[nodiscard]] qint64 countRemaining();

private:
    CronSchedule m_schedule;
    std::optional<qint64> m_next;
    qint64 m_lastMs = 0;
};

// Decides, for one pipeline's schedule, which slots run now and which are recorded as skipped
// (DESIGN.md §1 "Schedules", missed slots). Pure: the clock is an argument.
//
// A slot s is due when resumeAfter < s <= now. It is on time when now - s < grace, missed otherwise.
// On-time slots always run. Missed slots follow the policy:
// - once: one catch-up run for the latest missed slot, the older ones skipped; when a slot runs on time
//   in the same plan, that run is the "latest" and every missed slot is skipped;
// - skip: every missed slot skipped;
// - all: the latest `cap` missed slots run (oldest first), the older excess skipped.
// Cost: O(on-time + cap) cron searches, independent of the length of the gap; the skipped slots come
// back as one range (SkippedSlots), walked by the caller with a SlotCursor to record each one.
// A clock that went back (now < resumeAfter) runs and skips nothing. Slots more than
// CronSchedule::kHorizonYears - 1 years before now are not considered. Keep the grace small (minutes):
// the on-time slots are listed one by one.
class SlotPlanner
{
public:
    static constexpr qint64 kDefaultGraceMs = 60'000;
    static constexpr int kDefaultCatchUpCap = 50;

    SlotPlanner(CronSchedule schedule, MissedPolicy policy);

    void setGraceMs(qint64 graceMs) { m_graceMs = std::max<qint64>(0, graceMs); }
    [[nodiscard]] qint64 graceMs() const { return m_graceMs; }
    // The most catch-up runs policy `all` makes in one plan (>= 0).
    void setCatchUpCap(int cap) { m_cap = std::max(0, cap); }
    [[nodiscard]] int catchUpCap() const { return m_cap; }

    [[nodiscard]] const CronSchedule &schedule() const { return m_schedule; }
    [[nodiscard]] MissedPolicy policy() const { return m_policy; }

    // resumeAfterMs: the last slot already handled, or when the schedule was created or changed.
    [[nodiscard]] SlotPlan plan(qint64 resumeAfterMs, qint64 nowMs, MissedCause cause = MissedCause::Unknown) const;
    // The first slot strictly after `afterMs`, nullopt if none within the cron horizon.
    [[nodiscard]] std::optional<qint64> nextAfter(qint64 afterMs) const;
    // The last slot at or before `atMs`.
    [[nodiscard]] std::optional<qint64> lastAtOrBefore(qint64 atMs) const;
    // A cursor over a plan's skipped slots.
    [[nodiscard]] SlotCursor cursor(const SkippedSlots &range) const { return SlotCursor(m_schedule, range); }

private:
    CronSchedule m_schedule;
    MissedPolicy m_policy;
    qint64 m_graceMs = kDefaultGraceMs;
    int m_cap = kDefaultCatchUpCap;
};

// The next due instant of many pipelines, earliest first; set/remove/earliest in O(log n).
// Ties are ordered by pipeline id.
class ScheduleQueue
{
public:
    struct Entry
    {
        qint64 dueMs = 0;
        qint64 pipelineId = 0;
        friend bool operator==(const Entry &, const Entry &) = default;
    };

    // Inserts the pipeline or moves it to its new due instant.
    void set(qint64 pipelineId, qint64 dueMs);
    // Returns false when the pipeline was not queued.
    bool remove(qint64 pipelineId);
    void clear();

    [[nodiscard]] std::optional<Entry> earliest() const;
    [[nodiscard]] std::optional<qint64> dueOf(qint64 pipelineId) const;
    // Pipelines due at or before nowMs, earliest first (left in the queue).
    [[nodiscard]] QList<Entry> dueBy(qint64 nowMs) const;
    // The first `count` entries, earliest first (for "next runs" lists).
    [[nodiscard]] QList<Entry> first(int count) const;
    [[nodiscard]] qsizetype size() const { return m_due.size(); }
    [[nodiscard]] bool isEmpty() const { return m_due.isEmpty(); }

private:
    std::set<std::pair<qint64, qint64>> m_order;   // (dueMs, pipelineId)
    QHash<qint64, qint64> m_due;                    // pipelineId -> dueMs
};

} // namespace sluice
