#pragma once

#include "core/error.h"
#include "schedule/cronexpression.h"

#include <QDateTime>
#include <QTimeZone>

#include <optional>

namespace sluice {

// A cron expression in an IANA time zone: the instants (UTC) at which it fires, by cronie's DST rule
// (DESIGN.md §1 "Schedules"):
// - a fixed-time schedule (neither the minute nor the hour field starts with `*`) fires once for each
//   matching wall time, at its first occurrence when fall-back repeats it; matching wall times that a
//   spring-forward gap skips fire once together, at the first instant after the gap;
// - any other schedule follows the wall clock in real time: it fires at every instant whose wall time
//   matches — twice in a repeated hour, never in a gap.
// Searches look at most kHorizonYears away (skipping months, days and hours that cannot match), so an
// expression that never fires (`0 0 30 2 *`) yields nullopt quickly.
class CronSchedule
{
public:
    static constexpr int kHorizonYears = 8;

    CronSchedule(CronExpression expression, QTimeZone zone);
    // Parses both; refuses an invalid expression or an unknown zone with the reason.
    [[nodiscard]] static Result<CronSchedule> parse(const QString &cron, const QString &ianaZone);

    [[nodiscard]] const CronExpression &expression() const { return m_expression; }
    [[nodiscard]] const QTimeZone &zone() const { return m_zone; }

    // The first fire strictly after `instant` (any time spec), in UTC; nullopt if none within the horizon
    // (or for an invalid instant or zone).
    [[nodiscard]] std::optional<QDateTime> nextAfter(const QDateTime &instant) const;
    // The last fire strictly before `instant`, in UTC; nullopt if none within the horizon.
    [[nodiscard]] std::optional<QDateTime> previousBefore(const QDateTime &instant) const;

private:
    struct Transition
    {
        qint64 at = 0;          // UTC seconds
        int offsetBefore = 0;   // seconds east of UTC
        int offsetAfter = 0;
    };

    [[nodiscard]] int offsetAt(qint64 utcSecs) const;
    [[nodiscard]] std::optional<Transition> transitionAtOrBefore(qint64 utcSecs) const;
    [[nodiscard]] std::optional<Transition> transitionAfter(qint64 utcSecs) const;
    // Matching naive wall minutes (minutes since 1970-01-01 00:00 on the wall clock) in [lo, hi].
    [[nodiscard]] std::optional<qint64> firstWall(qint64 lo, qint64 hi) const;
    [[nodiscard]] std::optional<qint64> lastWall(qint64 lo, qint64 hi) const;
    // Whether a fixed-time schedule fires at `t` for the wall times its spring-forward gap skipped.
    [[nodiscard]] bool gapFires(const Transition &t) const;
    // The first wall minute of a segment starting at `t` that a fixed-time schedule may still fire at
    // (after fall-back, the repeated wall times already fired at their first occurrence).
    [[nodiscard]] qint64 firstFreshWall(const std::optional<Transition> &t, qint64 wall) const;

    CronExpression m_expression;
    QTimeZone m_zone;
};

} // namespace sluice
