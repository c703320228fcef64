#include "crondescription.h"

#include "cronexpression.h"

#include <QRegularExpression>
#include <QStringList>

namespace sluice {

namespace {

bool isNumber(const QString &s)
{
    static const QRegularExpression digits(QStringLiteral("^\\d{1,2}$"));
    return digits.match(s).hasMatch();
}

QString clock(const QString &hour, const QString &minute)
{
    return QStringLiteral("%1:%2").arg(hour.toInt(), 2, 10, QLatin1Char('0')).arg(minute.toInt(), 2, 10, QLatin1Char('0'));
}

} // namespace

QString describeCron(const QString &cron)
{
    auto parsed = CronExpression::parse(cron);
    if (!parsed)
        return QStringLiteral("Custom: %1").arg(cron.simplified());
    static const QMap<QString, QString> macros = {
        {QStringLiteral("@hourly"), QStringLiteral("0 * * * *")},   {QStringLiteral("@daily"), QStringLiteral("0 0 * * *")},
        {QStringLiteral("@midnight"), QStringLiteral("0 0 * * *")}, {QStringLiteral("@weekly"), QStringLiteral("0 0 * * 0")},
        {QStringLiteral("@monthly"), QStringLiteral("0 0 1 * *")},  {QStringLiteral("@yearly"), QStringLiteral("0 0 1 1 *")},
        {QStringLiteral("@annually"), QStringLiteral("0 0 1 1 *")},
    };
    const QString text = macros.value(parsed->text(), parsed->text());
    const QStringList f = text.split(QLatin1Char(' '));
    const QString &minute = f[0], &hour = f[1], &dom = f[2], &month = f[3], &dow = f[4];
    const bool anyDay = dom == QLatin1String("*") && month == QLatin1String("*");

    static const QRegularExpression everyN(QStringLiteral("^\\*/(\\d+)$"));
    if (const auto m = everyN.match(minute); m.hasMatch() && hour == QLatin1String("*") && anyDay && dow == QLatin1String("*"))
        return QStringLiteral("Every %1 minutes").arg(m.captured(1));
    if (isNumber(minute) && hour == QLatin1String("*") && anyDay && dow == QLatin1String("*"))
        return QStringLiteral("Hourly at :%1").arg(minute.toInt(), 2, 10, QLatin1Char('0'));
    if (!isNumber(minute) || !isNumber(hour))
        return QStringLiteral("Custom: %1").arg(parsed->text());
    const QString at = clock(hour, minute);
    if (anyDay && dow == QLatin1String("*"))
        return QStringLiteral("Daily at %1").arg(at);
    if (anyDay) {
        static const char *names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
        QStringList days;
        for (int d = 1; d <= 7; ++d)   // Monday first, Sunday last; day-of-month is `*`, so this reads day-of-week
            if (parsed->dayMatches(1, d % 7))
                days << QLatin1String(names[d % 7]);
        if (days.size() == 7)
            return QStringLiteral("Daily at %1").arg(at);
        if (days == QStringList{QStringLiteral("Mon"), QStringLiteral("Tue"), QStringLiteral("Wed"), QStringLiteral("Thu"), QStringLiteral("Fri")})
            return QStringLiteral("Weekdays at %1").arg(at);
        return QStringLiteral("Weekly on %1 at %2").arg(days.join(QStringLiteral(", ")), at);
    }
    if (isNumber(dom) && month == QLatin1String("*") && dow == QLatin1String("*"))
        return QStringLiteral("Monthly on day %1 at %2").arg(dom.toInt()).arg(at);
    return QStringLiteral("Custom: %1").arg(parsed->text());
}

} // namespace sluice
