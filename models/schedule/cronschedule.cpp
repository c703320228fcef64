#include "schedule/cronschedule.h"

#include <QDate>

#include <algorithm>

namespace sluice {

namespace {

constexpr qint64 kEpochJulianDay = 2440588;   // 1970-01-01
constexpr qint64 kMinutesPerDay = 24 * 60;

qint64 floorDiv(qint64 a, qint64 b)
{
    qint64 q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

qint64 ceilDiv(qint64 a, qint64 b)
{
    return -floorDiv(-a, b);
}

QDateTime utcFromSecs(qint64 secs)
{
    return QDateTime::fromSecsSinceEpoch(secs, Qt::UTC);
}

qint64 horizonSecs()
{
    return qint64(CronSchedule::kHorizonYears) * 366 * 24 * 3600;
}

} // namespace

CronSchedule::CronSchedule(CronExpression expression, QTimeZone zone)
    : m_expression(std::move(expression))
    , m_zone(std::move(zone))
{
}

Result<CronSchedule> CronSchedule::parse(const QString &cron, const QString &ianaZone)
{
    auto expression = CronExpression::parse(cron);
    if (!expression)
        return fail(expression.error());
    QTimeZone zone(ianaZone.toUtf8());
    if (!zone.isValid())
        return fail(Error::invalid(QStringLiteral("unknown time zone \"%1\"; use an IANA name such as Europe/Berlin").arg(ianaZone)));
    return CronSchedule(std::move(*expression), std::move(zone));
}

int CronSchedule::offsetAt(qint64 utcSecs) const
{
    return m_zone.offsetFromUtc(utcFromSecs(utcSecs));
}

std::optional<CronSchedule::Transition> CronSchedule::transitionAtOrBefore(qint64 utcSecs) const
{
    if (!m_zone.hasTransitions())
        return std::nullopt;
    const QTimeZone::OffsetData d = m_zone.previousTransition(utcFromSecs(utcSecs + 1));
    if (!d.atUtc.isValid())
        return std::nullopt;
    const qint64 at = d.atUtc.toSecsSinceEpoch();
    return Transition{at, offsetAt(at - 1), d.offsetFromUtc};
}

std::optional<CronSchedule::Transition> CronSchedule::transitionAfter(qint64 utcSecs) const
{
    if (!m_zone.hasTransitions())
        return std::nullopt;
    const QTimeZone::OffsetData d = m_zone.nextTransition(utcFromSecs(utcSecs));
    if (!d.atUtc.isValid())
        return std::nullopt;
    const qint64 at = d.atUtc.toSecsSinceEpoch();
    return Transition{at, offsetAt(at - 1), d.offsetFromUtc};
}

std::optional<qint64> CronSchedule::firstWall(qint64 lo, qint64 hi) const
{
    qint64 w = lo;
    while (w <= hi) {
        const qint64 days = floorDiv(w, kMinutesPerDay);
        const QDate d = QDate::fromJulianDay(kEpochJulianDay + days);
        const int minuteOfDay = int(w - days * kMinutesPerDay);
        if (!m_expression.monthMatches(d.month())) {
            w = (days + d.daysInMonth() - d.day() + 1) * kMinutesPerDay;
            continue;
        }
        if (m_expression.dayMatches(d.day(), d.dayOfWeek() % 7)) {
            const int h0 = minuteOfDay / 60;
            for (int h = h0; h < 24; ++h) {
                if (!m_expression.hourMatches(h))
                    continue;
                for (int m = h == h0 ? minuteOfDay % 60 : 0; m < 60; ++m) {
                    if (m_expression.minuteMatches(m)) {
                        const qint64 found = days * kMinutesPerDay + h * 60 + m;
                        return found <= hi ? std::optional(found) : std::nullopt;
                    }
                }
            }
        }
        w = (days + 1) * kMinutesPerDay;
    }
    return std::nullopt;
}

std::optional<qint64> CronSchedule::lastWall(qint64 lo, qint64 hi) const
{
    qint64 w = hi;
    while (w >= lo) {
        const qint64 days = floorDiv(w, kMinutesPerDay);
        const QDate d = QDate::fromJulianDay(kEpochJulianDay + days);
        const int minuteOfDay = int(w - days * kMinutesPerDay);
        if (!m_expression.monthMatches(d.month())) {
            w = (days - d.day() + 1) * kMinutesPerDay - 1;
            continue;
        }
        if (m_expression.dayMatches(d.day(), d.dayOfWeek() % 7)) {
            const int h0 = minuteOfDay / 60;
            for (int h = h0; h >= 0; --h) {
                if (!m_expression.hourMatches(h))
                    continue;
                for (int m = h == h0 ? minuteOfDay % 60 : 59; m >= 0; --m) {
                    if (m_expression.minuteMatches(m)) {
                        const qint64 found = days * kMinutesPerDay + h * 60 + m;
                        return found >= lo ? std::optional(found) : std::nullopt;
                    }
                }
            }
        }
        w = days * kMinutesPerDay - 1;
    }
    return std::nullopt;
}

bool CronSchedule::gapFires(const Transition &t) const
{
    if (t.offsetAfter <= t.offsetBefore)
        return false;
    const qint64 lo = ceilDiv(t.at + t.offsetBefore, 60);
    const qint64 hi = ceilDiv(t.at + t.offsetAfter, 60) - 1;
    return lo <= hi && firstWall(lo, hi).has_value();
}

qint64 CronSchedule::firstFreshWall(const std::optional<Transition> &t, qint64 wall) const
{
    if (!t || t->offsetAfter >= t->offsetBefore)
        return wall;
    return std::max(wall, ceilDiv(t->at + t->offsetBefore, 60));
}

std::optional<QDateTime> CronSchedule::nextAfter(const QDateTime &instant) const
{
    if (!instant.isValid() || !m_zone.isValid())
        return std::nullopt;
    const qint64 t0 = instant.toSecsSinceEpoch();
    const qint64 limit = t0 + horizonSecs();
    const bool fixed = m_expression.isFixedTime();
    // Walk the stretches of constant UTC offset; within one, wall time and UTC advance together.
    qint64 a = t0 + 1;
    std::optional<Transition> start = transitionAtOrBefore(a);
    // A gap that begins exactly at the first candidate instant owes its fire there (the loop below only
    // looks at the gaps of later transitions).
    if (fixed && start && start->at == a && gapFires(*start))
        return utcFromSecs(a);
    for (;;) {
        const int offset = offsetAt(a);
        const std::optional<Transition> next = transitionAfter(a);
        const qint64 b = next ? std::min(next->at, limit + 1) : limit + 1;
        qint64 lo = ceilDiv(a + offset, 60);
        const qint64 hi = ceilDiv(b + offset, 60) - 1;
        if (fixed)
            lo = firstFreshWall(start, lo);
        if (lo <= hi) {
            if (auto w = firstWall(lo, hi))
                return utcFromSecs(*w * 60 - offset);
        }
        if (!next || next->at > limit)
            return std::nullopt;
        if (fixed && gapFires(*next))
            return utcFromSecs(next->at);
        a = next->at;
        start = next;
    }
}

std::optional<QDateTime> CronSchedule::previousBefore(const QDateTime &instant) const
{
    if (!instant.isValid() || !m_zone.isValid())
        return std::nullopt;
    const qint64 t0 = instant.toSecsSinceEpoch();
    const qint64 lower = t0 - horizonSecs();
    const bool fixed = m_expression.isFixedTime();
    qint64 b = t0 - 1;
    for (;;) {
        const int offset = offsetAt(b);
        const std::optional<Transition> start = transitionAtOrBefore(b);
        const qint64 a = start ? std::max(start->at, lower) : lower;
        qint64 lo = ceilDiv(a + offset, 60);
        const qint64 hi = floorDiv(b + offset, 60);
        if (fixed)
            lo = firstFreshWall(start, lo);
        if (lo <= hi) {
            if (auto w = lastWall(lo, hi))
                return utcFromSecs(*w * 60 - offset);
        }
        if (!start || start->at < lower)
            return std::nullopt;
        if (fixed && gapFires(*start))
            return utcFromSecs(start->at);
        b = start->at - 1;
    }
}

} // namespace sluice
