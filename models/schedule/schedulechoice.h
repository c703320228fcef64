#pragma once

#include <QList>
#include <QString>

namespace sluice {

// The schedule editor's choices (DESIGN.md §1 "Schedules"): manual, hourly at a minute, daily at HH:MM,
// weekly on chosen days at HH:MM, monthly on a day at HH:MM, or a custom cron expression.
enum class ScheduleKind { Manual, Hourly, Daily, Weekly, Monthly, Custom };

struct ScheduleChoice
{
    ScheduleKind kind = ScheduleKind::Manual;
    int minute = 0;                 // 0..59 (hourly, daily, weekly, monthly)
    int hour = 0;                   // 0..23 (daily, weekly, monthly)
    QList<int> weekdays;            // weekly: 0 = Sunday .. 6 = Saturday, as cron counts them
    int dayOfMonth = 1;             // monthly: 1..31
    QString cron;                   // custom: the expression as typed

    friend bool operator==(const ScheduleChoice &, const ScheduleChoice &) = default;
};

// The cron expression for a choice: empty for manual, the typed text (simplified) for custom. Values out
// of range are not clamped: the expression then fails to parse, and the editor says why.
[[nodiscard]] QString cronFor(const ScheduleChoice &choice);

// The choice an expression reads as: one of the builder's shapes when it is one ("0 3 * * 1-5" is weekly
// on Monday to Friday at 03:00, "@daily" daily at 00:00), custom with the text otherwise; empty: manual.
// cronFor(choiceFor(x)) describes the same fire times as x.
[[nodiscard]] ScheduleChoice choiceFor(const QString &cron);

} // namespace sluice
