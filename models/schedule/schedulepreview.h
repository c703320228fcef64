#pragma once

#include "schedule/cronschedule.h"

#include <QDateTime>
#include <QList>
#include <QString>

namespace sluice {

// How a change of the clocks (DST) touches one fire time of a schedule.
enum class DstEffect {
    None,
    MovedByGap,       // a fixed-time schedule's wall time does not exist that day: it fires after the gap
    AfterSkippedGap,  // the first fire after a gap in which the schedule's wall times did not exist
    FirstOfRepeat,    // the first of a wall time that happens twice (fixed-time schedules fire only here)
    SecondOfRepeat,   // the second of a wall time that happens twice (schedules led by `*` fire again)
};

// One upcoming fire time as the schedule editor's preview shows it.
struct PreviewFire
{
    QDateTime utc;          // the instant, in UTC
    QDateTime local;        // the same instant in the schedule's zone
    DstEffect effect = DstEffect::None;
    // For people, when effect is not None: "02:30 does not exist on 29 March (clocks go forward): runs at
    // 03:00". Translatable (context "SchedulePreview"); dates in the default QLocale.
    QString note;
};

// The next `count` fire times of `schedule` strictly after `from`, each marked with what a DST change
// does to it, by the rules CronSchedule fires by (cronschedule.h). Fewer when the schedule stops firing
// within its horizon. A zone without transition data gives no markings.
[[nodiscard]] QList<PreviewFire> previewFires(const CronSchedule &schedule, const QDateTime &from, int count = 5);

} // namespace sluice
