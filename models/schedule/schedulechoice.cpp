#include "schedule/schedulechoice.h"

#include "schedule/cronexpression.h"

#include <QMap>
#include <QRegularExpression>
#include <QStringList>

#include <algorithm>

namespace sluice {

namespace {

bool isNumber(const QString &s)
{
    static const QRegularExpression digits(QStringLiteral("^\\d{1,2}$"));
    return digits.match(s).hasMatch();
}

} // namespace

QString cronFor(const ScheduleChoice &c)
{
    switch (c.kind) {
    case ScheduleKind::Manual:
        return {};
    case ScheduleKind::Hourly:
        return QStringLiteral("%1 * * * *").arg(c.minute);
    case ScheduleKind::Daily:
        return QStringLiteral("%1 %2 * * *").arg(c.minute).arg(c.hour);
    case ScheduleKind::Weekly: {
        QList<int> days = c.weekdays;
        std::sort(days.begin(), days.end());
        days.erase(std::unique(days.begin(), days.end()), days.end());
        // Runs of three or more days read as a range ("1-5"), as people write them.
        QStringList words;
        for (qsizetype i = 0; i < days.size();) {
            qsizetype j = i;
            while (j + 1 < days.size() && days[j + 1] == days[j] + 1)
                ++j;
            if (j - i >= 2) {
                words.append(QStringLiteral("%1-%2").arg(days[i]).arg(days[j]));
            } else {
                for (qsizetype k = i; k <= j; ++k)
                    words.append(QString::number(days[k]));
            }
            i = j + 1;
        }
        // No day chosen: an expression that does not parse, so the editor asks for a day.
        return QStringLiteral("%1 %2 * * %3").arg(c.minute).arg(c.hour).arg(words.isEmpty() ? QStringLiteral("?") : words.join(QLatin1Char(',')));
    }
    case ScheduleKind::Monthly:
        return QStringLiteral("%1 %2 %3 * *").arg(c.minute).arg(c.hour).arg(c.dayOfMonth);
    case ScheduleKind::Custom:
        return c.cron.simplified();
    }
    return {};
}

ScheduleChoice choiceFor(const QString &cron)
{
    ScheduleChoice c;
    const QString text = cron.simplified();
    if (text.isEmpty())
        return c;
    ScheduleChoice custom;
    custom.kind = ScheduleKind::Custom;
    custom.cron = text;
    auto parsed = CronExpression::parse(text);
    if (!parsed)
        return custom;
    static const QMap<QString, QString> macros = {
        {QStringLiteral("@hourly"), QStringLiteral("0 * * * *")},   {QStringLiteral("@daily"), QStringLiteral("0 0 * * *")},
        {QStringLiteral("@midnight"), QStringLiteral("0 0 * * *")}, {QStringLiteral("@weekly"), QStringLiteral("0 0 * * 0")},
        {QStringLiteral("@monthly"), QStringLiteral("0 0 1 * *")},
    };
    const QStringList f = macros.value(parsed->text(), parsed->text()).split(QLatin1Char(' '));
    if (f.size() != 5)
        return custom;   // @yearly and other shapes stay custom
    const QString &minute = f[0], &hour = f[1], &dom = f[2], &month = f[3], &dow = f[4];
    const auto star = [](const QString &s) { return s == QLatin1String("*"); };
    if (!isNumber(minute) || !star(month))
        return custom;
    c.minute = minute.toInt();
    if (star(hour) && star(dom) && star(dow)) {
        c.kind = ScheduleKind::Hourly;
        return c;
    }
    if (!isNumber(hour))
        return custom;
    c.hour = hour.toInt();
    if (star(dom) && star(dow)) {
        c.kind = ScheduleKind::Daily;
        return c;
    }
    if (star(dom)) {
        // Any day-of-week field the parser takes (names, ranges, lists): read back which days it matches.
        for (int d = 0; d < 7; ++d)
            if (parsed->dayMatches(1, d))
                c.weekdays.append(d);
        c.kind = c.weekdays.size() == 7 ? ScheduleKind::Daily : ScheduleKind::Weekly;
        if (c.kind == ScheduleKind::Daily)
            c.weekdays.clear();
        return c;
    }
    if (isNumber(dom) && star(dow)) {
        c.kind = ScheduleKind::Monthly;
        c.dayOfMonth = dom.toInt();
        return c;
    }
    return custom;
}

} // namespace sluice
