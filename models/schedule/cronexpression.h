#pragma once

#include "core/error.h"

#include <QString>

#include <bitset>

namespace sluice {

// A five-field cron expression with Vixie/cronie semantics:
//   minute hour day-of-month month day-of-week
// Each field is a comma list of `*`, `N`, `N-M`, `*/S` or `N-M/S`; months and weekdays also take
// names (jan..dec, sun..sat, case-insensitive); day-of-week 0 and 7 are Sunday. Macros: @hourly,
// @daily (@midnight), @weekly, @monthly, @yearly (@annually). Like cronie, `N/S` without a range,
// reversed ranges, step 0 and values out of range are refused.
//
// The day rule (cronie): when both day fields are restricted, a day matching either one fires; a
// field whose text starts with `*` (including `*/2`) counts as unrestricted.
class CronExpression
{
public:
    [[nodiscard]] static Result<CronExpression> parse(const QString &text);

    [[nodiscard]] const QString &text() const { return m_text; }

    [[nodiscard]] bool minuteMatches(int minute) const { return m_minutes.test(size_t(minute)); }
    [[nodiscard]] bool hourMatches(int hour) const { return m_hours.test(size_t(hour)); }
    [[nodiscard]] bool monthMatches(int month) const { return m_months.test(size_t(month)); }
    // dayOfWeek: 0 = Sunday .. 6 = Saturday.
    [[nodiscard]] bool dayMatches(int dayOfMonth, int dayOfWeek) const;

    // cronie's DST rule applies to schedules at fixed times: neither minute nor hour starts with `*`.
    [[nodiscard]] bool isFixedTime() const { return !m_minuteStar && !m_hourStar; }
    [[nodiscard]] bool domStar() const { return m_domStar; }
    [[nodiscard]] bool dowStar() const { return m_dowStar; }

private:
    QString m_text;
    std::bitset<60> m_minutes;
    std::bitset<24> m_hours;
    std::bitset<32> m_daysOfMonth;   // 1..31
    std::bitset<13> m_months;        // 1..12
    std::bitset<8> m_daysOfWeek;     // 0..7, 7 folded into 0
    bool m_minuteStar = false;
    bool m_hourStar = false;
    bool m_domStar = false;
    bool m_dowStar = false;
};

} // namespace sluice
