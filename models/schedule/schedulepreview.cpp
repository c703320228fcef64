#include "schedulepreview.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTimeZone>

namespace sluice {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("SchedulePreview", text);
}

// A change of the zone's offset: at `at` (UTC seconds) the offset goes from `before` to `after` (seconds east).
struct Change
{
    qint64 at = 0;
    int before = 0;
    int after = 0;
};

std::optional<Change> changeAtOrBefore(const QTimeZone &zone, qint64 t)
{
    const QTimeZone::OffsetData d = zone.previousTransition(QDateTime::fromSecsSinceEpoch(t + 1, QTimeZone::utc()));
    if (!d.atUtc.isValid())
        return std::nullopt;
    const qint64 at = d.atUtc.toSecsSinceEpoch();
    return Change{at, zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(at - 1, QTimeZone::utc())), d.offsetFromUtc};
}

std::optional<Change> changeAfter(const QTimeZone &zone, qint64 t)
{
    const QTimeZone::OffsetData d = zone.nextTransition(QDateTime::fromSecsSinceEpoch(t, QTimeZone::utc()));
    if (!d.atUtc.isValid())
        return std::nullopt;
    const qint64 at = d.atUtc.toSecsSinceEpoch();
    return Change{at, zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(at - 1, QTimeZone::utc())), d.offsetFromUtc};
}

// A naive wall time (seconds since 1970-01-01 00:00 on the wall clock) as a date and a time.
QDateTime wallAt(qint64 wallSecs)
{
    return QDateTime::fromSecsSinceEpoch(wallSecs, QTimeZone::utc());
}

bool wallMatches(const CronExpression &e, const QDateTime &wall)
{
    const QDate d = wall.date();
    const QTime t = wall.time();
    return e.monthMatches(d.month()) && e.dayMatches(d.day(), d.dayOfWeek() % 7) && e.hourMatches(t.hour()) && e.minuteMatches(t.minute());
}

// The wall minutes in [lo, hi) (naive wall seconds) that the expression matches: the first and the last.
std::optional<std::pair<QDateTime, QDateTime>> matchesIn(const CronExpression &e, qint64 lo, qint64 hi)
{
    std::optional<std::pair<QDateTime, QDateTime>> found;
    for (qint64 w = (lo + 59) / 60 * 60; w < hi; w += 60) {
        const QDateTime wall = wallAt(w);
        if (!wallMatches(e, wall))
            continue;
        if (!found)
            found.emplace(wall, wall);
        else
            found->second = wall;
    }
    return found;
}

QString hhmm(const QDateTime &t)
{
    return t.toString(QStringLiteral("HH:mm"));
}

QString dayName(const QDate &d)
{
    return QLocale().toString(d, QStringLiteral("d MMMM"));
}

QString offsetText(int secs)
{
    const int m = std::abs(secs) / 60;
    const QString sign = secs < 0 ? QStringLiteral("\u2212") : QStringLiteral("+");
    return QStringLiteral("UTC%1%2:%3").arg(sign).arg(m / 60, 2, 10, QLatin1Char('0')).arg(m % 60, 2, 10, QLatin1Char('0'));
}

// `previous`: the fire before this one (or where the preview starts), UTC seconds.
void mark(PreviewFire &fire, const CronSchedule &schedule, qint64 previous)
{
    const QTimeZone &zone = schedule.zone();
    const CronExpression &e = schedule.expression();
    const qint64 t = fire.utc.toSecsSinceEpoch();
    const int offset = zone.offsetFromUtc(fire.utc);
    const qint64 wall = t + offset;

    // A gap since the previous fire (a fixed-time schedule: one that ends at this very instant) whose
    // wall times the schedule matches: they never happened.
    if (const auto c = changeAtOrBefore(zone, t);
        c && c->after > c->before && (e.isFixedTime() ? c->at == t : c->at > previous)) {
        if (const auto skipped = matchesIn(e, c->at + c->before, c->at + c->after)) {
            const QString day = dayName(skipped->first.date());
            if (e.isFixedTime()) {
                fire.effect = DstEffect::MovedByGap;
                fire.note = tr("%1 does not exist on %2 (clocks go forward): runs at %3").arg(hhmm(skipped->first), day, hhmm(fire.local));
            } else {
                fire.effect = DstEffect::AfterSkippedGap;
                fire.note = skipped->first == skipped->second
                                ? tr("%1 does not exist on %2 (clocks go forward): that run is skipped").arg(hhmm(skipped->first), day)
                                : tr("%1 to %2 do not exist on %3 (clocks go forward): those runs are skipped")
                                      .arg(hhmm(skipped->first), hhmm(skipped->second), day);
            }
            return;
        }
    }
    // Before a fall-back, in the wall times it will repeat: the first of them.
    if (const auto c = changeAfter(zone, t); c && c->after < c->before && wall >= c->at + c->after) {
        fire.effect = DstEffect::FirstOfRepeat;
        const QString when = hhmm(fire.local), day = dayName(fire.local.date());
        fire.note = e.isFixedTime()
                        ? tr("%1 happens twice on %2 (clocks go back): runs once, at the first (%3)").arg(when, day, offsetText(offset))
                        : tr("%1 happens twice on %2 (clocks go back): this is the first (%3)").arg(when, day, offsetText(offset));
        return;
    }
    // After a fall-back, in the wall times it repeated: the second of them.
    if (const auto c = changeAtOrBefore(zone, t); c && c->after < c->before && wall < c->at + c->before) {
        fire.effect = DstEffect::SecondOfRepeat;
        fire.note = tr("the second %1 on %2 (clocks went back): runs again (%3)").arg(hhmm(fire.local), dayName(fire.local.date()), offsetText(offset));
    }
}

} // namespace

QList<PreviewFire> previewFires(const CronSchedule &schedule, const QDateTime &from, int count)
{
    QList<PreviewFire> fires;
    QDateTime at = from;
    const bool transitions = schedule.zone().hasTransitions();
    while (fires.size() < count) {
        const std::optional<QDateTime> next = schedule.nextAfter(at);
        if (!next)
            break;
        PreviewFire fire;
        fire.utc = next->toUTC();
        fire.local = next->toTimeZone(schedule.zone());
        if (transitions)
            mark(fire, schedule, at.toSecsSinceEpoch());
        fires.append(fire);
        at = *next;
    }
    return fires;
}

} // namespace sluice
