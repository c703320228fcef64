// CronExpression: every field form parsed to exactly the values it stands for, the refusals cronie
// makes (each with a message naming the problem), cronie's day-of-month/day-of-week rule and its `*`
// quirk, and which schedules count as fixed-time for the DST rule.
#include "schedule/cronexpression.h"

#include <QTest>

#include "testhelpers.h"

using namespace sluice;

namespace {

QList<int> seq(int from, int to, int step = 1)
{
    QList<int> out;
    for (int v = from; v <= to; v += step)
        out << v;
    return out;
}

const QList<int> kAllMinutes = seq(0, 59);
const QList<int> kAllHours = seq(0, 23);
const QList<int> kAllDays = seq(1, 31);
const QList<int> kAllMonths = seq(1, 12);
const QList<int> kAllWeekdays = seq(0, 6);

QList<int> minutesOf(const CronExpression &e)
{
    QList<int> out;
    for (int m = 0; m <= 59; ++m)
        if (e.minuteMatches(m))
            out << m;
    return out;
}

QList<int> hoursOf(const CronExpression &e)
{
    QList<int> out;
    for (int h = 0; h <= 23; ++h)
        if (e.hourMatches(h))
            out << h;
    return out;
}

QList<int> monthsOf(const CronExpression &e)
{
    QList<int> out;
    for (int m = 1; m <= 12; ++m)
        if (e.monthMatches(m))
            out << m;
    return out;
}

QString describe(const QList<int> &values)
{
    QStringList parts;
    for (int v : values)
        parts << QString::number(v);
    return QLatin1Char('{') + parts.join(QLatin1Char(',')) + QLatin1Char('}');
}

} // namespace

class tst_CronExpression : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Each row lists exactly the values every field must match. `dayAnd`: the day fields combine with
    // AND (one of them starts with `*`) rather than cronie's OR (both restricted).
    void validExpressions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QList<int>>("minutes");
        QTest::addColumn<QList<int>>("hours");
        QTest::addColumn<QList<int>>("daysOfMonth");
        QTest::addColumn<QList<int>>("months");
        QTest::addColumn<QList<int>>("daysOfWeek");
        QTest::addColumn<bool>("dayAnd");

        // Minute field: every form.
        QTest::newRow("all stars") << "* * * * *" << kAllMinutes << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N") << "5 * * * *" << QList<int>{5} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute 0") << "0 * * * *" << QList<int>{0} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute 59") << "59 * * * *" << QList<int>{59} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("leading zeros") << "05 08 * * *" << QList<int>{5} << QList<int>{8} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N-M") << "10-15 * * * *" << seq(10, 15) << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N-N") << "7-7 * * * *" << QList<int>{7} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute 0-59") << "0-59 * * * *" << kAllMinutes << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute */15") << "*/15 * * * *" << QList<int>{0, 15, 30, 45} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute */7 (not a divisor of 60)") << "*/7 * * * *" << seq(0, 59, 7) << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute */1") << "*/1 * * * *" << kAllMinutes << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute */59") << "*/59 * * * *" << QList<int>{0, 59} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute */60 (step past the range)") << "*/60 * * * *" << QList<int>{0} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N-M/S") << "10-30/10 * * * *" << QList<int>{10, 20, 30} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N-M/S, M not on a step") << "10-31/10 * * * *" << QList<int>{10, 20, 30} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute N-M/S starting odd") << "3-59/20 * * * *" << QList<int>{3, 23, 43} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute list") << "1,2,30 * * * *" << QList<int>{1, 2, 30} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute list of every form") << "1,2,30-32,40-50/5,*/25 * * * *"
                                                   << QList<int>{0, 1, 2, 25, 30, 31, 32, 40, 45, 50} << kAllHours << kAllDays
                                                   << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute list with repeats") << "1,1,0-1 * * * *" << QList<int>{0, 1} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("minute list out of order") << "45,15,30 * * * *" << QList<int>{15, 30, 45} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;

        // Hour field.
        QTest::newRow("hour N") << "0 9 * * *" << QList<int>{0} << QList<int>{9} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("hour 0 and 23") << "0 0,23 * * *" << QList<int>{0} << QList<int>{0, 23} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("hour N-M") << "30 9-17 * * *" << QList<int>{30} << seq(9, 17) << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("hour */6") << "0 */6 * * *" << QList<int>{0} << QList<int>{0, 6, 12, 18} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("hour N-M/S") << "0 8-20/4 * * *" << QList<int>{0} << QList<int>{8, 12, 16, 20} << kAllDays << kAllMonths << kAllWeekdays << true;

        // Day-of-month field (day-of-week is `*`, so days combine with AND).
        QTest::newRow("dom N") << "0 0 15 * *" << QList<int>{0} << QList<int>{0} << QList<int>{15} << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dom 1 and 31") << "0 0 1,31 * *" << QList<int>{0} << QList<int>{0} << QList<int>{1, 31} << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dom N-M") << "0 0 10-12 * *" << QList<int>{0} << QList<int>{0} << QList<int>{10, 11, 12} << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dom */2") << "0 0 */2 * *" << QList<int>{0} << QList<int>{0} << seq(1, 31, 2) << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dom */10") << "0 0 */10 * *" << QList<int>{0} << QList<int>{0} << QList<int>{1, 11, 21, 31} << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dom N-M/S") << "0 0 5-10/2 * *" << QList<int>{0} << QList<int>{0} << QList<int>{5, 7, 9} << kAllMonths << kAllWeekdays << true;

        // Month field: numbers, names in any case, names in ranges and lists, mixed.
        QTest::newRow("month N") << "0 0 1 6 *" << QList<int>{0} << QList<int>{0} << QList<int>{1} << QList<int>{6} << kAllWeekdays << true;
        QTest::newRow("month 1 and 12") << "0 0 1 1,12 *" << QList<int>{0} << QList<int>{0} << QList<int>{1} << QList<int>{1, 12} << kAllWeekdays << true;
        QTest::newRow("month name") << "* * * jan *" << kAllMinutes << kAllHours << kAllDays << QList<int>{1} << kAllWeekdays << true;
        QTest::newRow("month name upper") << "* * * DEC *" << kAllMinutes << kAllHours << kAllDays << QList<int>{12} << kAllWeekdays << true;
        QTest::newRow("month name mixed case") << "* * * sEp *" << kAllMinutes << kAllHours << kAllDays << QList<int>{9} << kAllWeekdays << true;
        QTest::newRow("month every name") << "* * * jan,feb,mar,apr,may,jun,jul,aug,sep,oct,nov,dec *" << kAllMinutes << kAllHours
                                          << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("month name range") << "* * * JAN-mar *" << kAllMinutes << kAllHours << kAllDays << QList<int>{1, 2, 3} << kAllWeekdays << true;
        QTest::newRow("month name list") << "* * * Jun,DEC,feb *" << kAllMinutes << kAllHours << kAllDays << QList<int>{2, 6, 12} << kAllWeekdays << true;
        QTest::newRow("month name range with step") << "* * * jan-dec/6 *" << kAllMinutes << kAllHours << kAllDays << QList<int>{1, 7} << kAllWeekdays << true;
        QTest::newRow("month number-name range") << "* * * 2-nov/3 *" << kAllMinutes << kAllHours << kAllDays << QList<int>{2, 5, 8, 11} << kAllWeekdays << true;
        QTest::newRow("month */3") << "* * * */3 *" << kAllMinutes << kAllHours << kAllDays << QList<int>{1, 4, 7, 10} << kAllWeekdays << true;

        // Day-of-week field (day-of-month is `*`, so days combine with AND); 7 is Sunday.
        QTest::newRow("dow 0") << "0 0 * * 0" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0} << true;
        QTest::newRow("dow 7 is Sunday") << "0 0 * * 7" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0} << true;
        QTest::newRow("dow 6") << "0 0 * * 6" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{6} << true;
        QTest::newRow("dow name") << "0 0 * * sun" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0} << true;
        QTest::newRow("dow name mixed case") << "0 0 * * Tue" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{2} << true;
        QTest::newRow("dow every name") << "0 0 * * SUN,mon,tue,wed,thu,fri,SAT" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths
                                        << kAllWeekdays << true;
        QTest::newRow("dow name range") << "0 9 * * mon-fri" << QList<int>{0} << QList<int>{9} << kAllDays << kAllMonths << seq(1, 5) << true;
        QTest::newRow("dow name range with step") << "0 9 * * MON-FRI/2" << QList<int>{0} << QList<int>{9} << kAllDays << kAllMonths
                                                  << QList<int>{1, 3, 5} << true;
        QTest::newRow("dow name list") << "0 0 * * Sat,SUN" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0, 6} << true;
        QTest::newRow("dow range to 7") << "0 0 * * 5-7" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0, 5, 6} << true;
        QTest::newRow("dow 0-7") << "0 0 * * 0-7" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("dow 1-7/3 reaches 7") << "0 0 * * 1-7/3" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0, 1, 4} << true;
        QTest::newRow("dow */2") << "0 0 * * */2" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0, 2, 4, 6} << true;
        QTest::newRow("dow name to number range") << "0 0 * * fri-7" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0, 5, 6} << true;

        // Both day fields restricted: OR.
        QTest::newRow("dom and dow restricted") << "0 0 1,15 * mon" << QList<int>{0} << QList<int>{0} << QList<int>{1, 15} << kAllMonths
                                                << QList<int>{1} << false;

        // Whitespace between fields is free.
        QTest::newRow("extra blanks and tabs") << "  */30 \t 9-17   *  *\tmon-fri  " << QList<int>{0, 30} << seq(9, 17) << kAllDays << kAllMonths
                                               << seq(1, 5) << true;

        // Macros.
        QTest::newRow("@hourly") << "@hourly" << QList<int>{0} << kAllHours << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("@daily") << "@daily" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("@midnight") << "@midnight" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << kAllWeekdays << true;
        QTest::newRow("@weekly") << "@weekly" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << QList<int>{0} << true;
        QTest::newRow("@monthly") << "@monthly" << QList<int>{0} << QList<int>{0} << QList<int>{1} << kAllMonths << kAllWeekdays << true;
        QTest::newRow("@yearly") << "@yearly" << QList<int>{0} << QList<int>{0} << QList<int>{1} << QList<int>{1} << kAllWeekdays << true;
        QTest::newRow("@annually") << "@annually" << QList<int>{0} << QList<int>{0} << QList<int>{1} << QList<int>{1} << kAllWeekdays << true;
        QTest::newRow("macro with blanks around") << "  @daily\t" << QList<int>{0} << QList<int>{0} << kAllDays << kAllMonths << kAllWeekdays << true;
    }

    void validExpressions()
    {
        QFETCH(QString, text);
        QFETCH(QList<int>, minutes);
        QFETCH(QList<int>, hours);
        QFETCH(QList<int>, daysOfMonth);
        QFETCH(QList<int>, months);
        QFETCH(QList<int>, daysOfWeek);
        QFETCH(bool, dayAnd);

        const auto parsed = CronExpression::parse(text);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        const CronExpression &e = *parsed;

        QCOMPARE(minutesOf(e), minutes);
        QCOMPARE(hoursOf(e), hours);
        QCOMPARE(monthsOf(e), months);

        // The day fields are only observable together: check every (day of month, weekday) pair.
        for (int dom = 1; dom <= 31; ++dom) {
            for (int dow = 0; dow <= 6; ++dow) {
                const bool inDom = daysOfMonth.contains(dom);
                const bool inDow = daysOfWeek.contains(dow);
                const bool expected = dayAnd ? (inDom && inDow) : (inDom || inDow);
                QVERIFY2(e.dayMatches(dom, dow) == expected,
                         qPrintable(QStringLiteral("day %1, weekday %2: expected %3 (days %4, weekdays %5, %6)")
                                        .arg(dom)
                                        .arg(dow)
                                        .arg(expected ? QStringLiteral("a match") : QStringLiteral("no match"),
                                             describe(daysOfMonth), describe(daysOfWeek),
                                             dayAnd ? QStringLiteral("AND") : QStringLiteral("OR"))));
            }
        }
    }

    void textIsTheNormalisedInput()
    {
        QCOMPARE(CronExpression::parse(QStringLiteral("  0\t9 *  * mon-fri "))->text(), QStringLiteral("0 9 * * mon-fri"));
        QCOMPARE(CronExpression::parse(QStringLiteral(" @weekly "))->text(), QStringLiteral("@weekly"));
    }

    // Every refusal names what is wrong: the offending text and/or the field, and the rule broken.
    void invalidExpressions_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("mentions");

        // Empty, field count, macros.
        QTest::newRow("empty") << "" << QStringList{"empty"};
        QTest::newRow("blank") << " \t " << QStringList{"empty"};
        QTest::newRow("4 fields") << "* * * *" << QStringList{"4 fields", "5"};
        QTest::newRow("6 fields") << "0 0 * * * *" << QStringList{"6 fields", "5"};
        QTest::newRow("1 field") << "5" << QStringList{"1 fields", "5"};
        QTest::newRow("unknown macro") << "@fortnightly" << QStringList{"@fortnightly", "macro"};
        QTest::newRow("@reboot") << "@reboot" << QStringList{"@reboot", "macro"};
        QTest::newRow("upper-case macro") << "@DAILY" << QStringList{"@DAILY", "macro"};   // cronie compares with strcmp
        QTest::newRow("bare @") << "@" << QStringList{"\"@\"", "macro"};
        QTest::newRow("macro with a field") << "@daily 5" << QStringList{"@daily 5", "macro"};

        // Out of range, per field.
        QTest::newRow("minute 60") << "60 * * * *" << QStringList{"60", "out of range", "minute", "0-59"};
        QTest::newRow("minute range to 60") << "50-60 * * * *" << QStringList{"60", "out of range", "minute"};
        QTest::newRow("hour 24") << "0 24 * * *" << QStringList{"24", "out of range", "hour", "0-23"};
        QTest::newRow("dom 0") << "0 0 0 * *" << QStringList{"0 is out of range", "day-of-month", "1-31"};
        QTest::newRow("dom 32") << "0 0 32 * *" << QStringList{"32", "out of range", "day-of-month"};
        QTest::newRow("month 0") << "0 0 * 0 *" << QStringList{"0 is out of range", "month", "1-12"};
        QTest::newRow("month 13") << "0 0 * 13 *" << QStringList{"13", "out of range", "month"};
        QTest::newRow("dow 8") << "0 0 * * 8" << QStringList{"8", "out of range", "day-of-week", "0-7"};
        QTest::newRow("dow range to 8") << "0 0 * * 5-8" << QStringList{"8", "out of range", "day-of-week"};
        QTest::newRow("negative minute") << "-1 * * * *" << QStringList{"-1", "minute"};
        QTest::newRow("huge number") << "99999999999 * * * *" << QStringList{"99999999999", "minute"};

        // Reversed ranges.
        QTest::newRow("reversed minutes") << "30-10 * * * *" << QStringList{"30-10", "backwards", "minute"};
        QTest::newRow("reversed months by name") << "0 0 * dec-jan *" << QStringList{"dec-jan", "backwards", "month"};
        QTest::newRow("reversed weekdays") << "0 0 * * fri-mon" << QStringList{"fri-mon", "backwards", "day-of-week"};
        QTest::newRow("sunday 7 to monday") << "0 0 * * 7-1" << QStringList{"7-1", "backwards"};

        // Steps.
        QTest::newRow("step 0 on *") << "*/0 * * * *" << QStringList{"*/0", "step", "minute"};
        QTest::newRow("step 0 on a range") << "0 1-5/0 * * *" << QStringList{"1-5/0", "step", "hour"};
        QTest::newRow("empty step") << "*/ * * * *" << QStringList{"*/", "step"};
        QTest::newRow("step not a number") << "*/x * * * *" << QStringList{"*/x", "step"};
        QTest::newRow("step is a name") << "0 0 * */jan *" << QStringList{"*/jan", "step", "month"};
        QTest::newRow("step with a range") << "*/5-10 * * * *" << QStringList{"*/5-10", "step"};
        QTest::newRow("two steps") << "*/2/3 * * * *" << QStringList{"*/2/3", "step"};
        QTest::newRow("negative step") << "*/-5 * * * *" << QStringList{"*/-5", "step"};
        QTest::newRow("signed step") << "*/+5 * * * *" << QStringList{"*/+5", "step"};
        QTest::newRow("N/S without range (cronie refuses)") << "5/15 * * * *" << QStringList{"5/15", "range", "minute"};
        QTest::newRow("name/S without range") << "0 0 * * mon/2" << QStringList{"mon/2", "range", "day-of-week"};

        // Not numbers, garbage names.
        QTest::newRow("unknown month name") << "0 0 * foo *" << QStringList{"foo", "month", "jan"};
        QTest::newRow("full month name") << "0 0 * january *" << QStringList{"january", "month"};
        QTest::newRow("full weekday name") << "0 0 * * sunday" << QStringList{"sunday", "day-of-week", "sun"};
        QTest::newRow("weekday name in month field") << "0 0 * mon *" << QStringList{"mon", "month"};
        QTest::newRow("month name in weekday field") << "0 0 * * jan" << QStringList{"jan", "day-of-week"};
        QTest::newRow("name in minute field") << "mon * * * *" << QStringList{"mon", "minute", "not a number"};
        QTest::newRow("name in hour field") << "0 noon * * *" << QStringList{"noon", "hour"};
        QTest::newRow("decimal") << "1.5 * * * *" << QStringList{"1.5", "minute"};
        QTest::newRow("hex") << "0x10 * * * *" << QStringList{"0x10", "minute"};
        QTest::newRow("signed number") << "+5 * * * *" << QStringList{"+5", "minute"};
        QTest::newRow("signed range end") << "1-+5 * * * *" << QStringList{"+5", "minute"};
        QTest::newRow("star followed by digits") << "*5 * * * *" << QStringList{"*5", "minute"};
        QTest::newRow("question mark (Quartz)") << "0 0 ? * mon" << QStringList{"?", "day-of-month"};
        QTest::newRow("L (Quartz)") << "0 0 L * *" << QStringList{"L", "day-of-month"};
        QTest::newRow("three-part range") << "1-2-3 * * * *" << QStringList{"minute"};
        QTest::newRow("open range") << "5- * * * *" << QStringList{"minute", "5-"};
        QTest::newRow("range from nothing") << "0 0 * * -fri" << QStringList{"day-of-week", "-fri"};

        // Empty list items.
        QTest::newRow("empty item in the middle") << "1,,2 * * * *" << QStringList{"1,,2", "empty list item", "minute"};
        QTest::newRow("leading comma") << "0 ,3 * * *" << QStringList{",3", "empty list item", "hour"};
        QTest::newRow("trailing comma") << "0 0 * * mon," << QStringList{"mon,", "empty list item", "day-of-week"};
        QTest::newRow("only a comma") << "0 0 , * *" << QStringList{"empty list item", "day-of-month"};
    }

    void invalidExpressions()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, mentions);

        const auto parsed = CronExpression::parse(text);
        QVERIFY2(!parsed, qPrintable(QStringLiteral("\"%1\" was accepted").arg(text)));
        QCOMPARE(int(parsed.error().kind), int(Error::Kind::Invalid));
        sluice::test::verifyMentions(parsed.error().message, mentions, Qt::CaseInsensitive);
    }

    // cronie: when both day fields are restricted, a day matching either fires; when either field's
    // text starts with `*` (even `*/2`, which restricts it) the two combine with AND.
    void dayRule_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("dayOfMonth");
        QTest::addColumn<int>("dayOfWeek");
        QTest::addColumn<bool>("matches");

        // Both restricted: OR. (13th of the month or a Friday.)
        const QString friday13 = QStringLiteral("0 0 13 * fri");
        QTest::newRow("OR: the 13th, a Friday") << friday13 << 13 << 5 << true;
        QTest::newRow("OR: the 13th, a Monday") << friday13 << 13 << 1 << true;
        QTest::newRow("OR: the 14th, a Friday") << friday13 << 14 << 5 << true;
        QTest::newRow("OR: the 14th, a Saturday") << friday13 << 14 << 6 << false;

        // Restricted by text even when the set is full: 1-31 does not start with `*`, so OR applies and
        // the weekday restriction is moot.
        QTest::newRow("OR: dom 1-31 makes every day match") << "0 0 1-31 * mon" << 20 << 3 << true;
        QTest::newRow("OR: dow 0-7 makes every day match") << "0 0 1 * 0-7" << 20 << 3 << true;

        // Sunday as 7 on the OR side.
        QTest::newRow("OR: dow 7 on a Sunday") << "0 0 1 * 7" << 20 << 0 << true;
        QTest::newRow("OR: dow 7 on a Saturday") << "0 0 1 * 7" << 20 << 6 << false;

        // `*` quirk: `*/2` restricts the days of month but counts as unrestricted, so AND.
        const QString oddFridays = QStringLiteral("0 0 */2 * fri");
        QTest::newRow("AND: */2 dom, odd day, Friday") << oddFridays << 13 << 5 << true;
        QTest::newRow("AND: */2 dom, odd day, Thursday") << oddFridays << 13 << 4 << false;
        QTest::newRow("AND: */2 dom, even day, Friday") << oddFridays << 14 << 5 << false;
        QTest::newRow("AND: */2 dow, the 1st, a Tuesday") << "0 0 1 * */2" << 1 << 2 << true;
        QTest::newRow("AND: */2 dow, the 1st, a Monday") << "0 0 1 * */2" << 1 << 1 << false;
        QTest::newRow("AND: */2 dow, the 2nd, a Tuesday") << "0 0 1 * */2" << 2 << 2 << false;
        QTest::newRow("AND: * dom, Monday") << "0 0 * * mon" << 20 << 1 << true;
        QTest::newRow("AND: * dom, Tuesday") << "0 0 * * mon" << 20 << 2 << false;
        QTest::newRow("AND: * dow, the 15th") << "0 0 15 * *" << 15 << 3 << true;
        QTest::newRow("AND: * dow, the 16th") << "0 0 15 * *" << 16 << 3 << false;
        QTest::newRow("AND: both */n") << "0 0 */2 * */3" << 3 << 3 << true;
        QTest::newRow("AND: both */n, only dom matches") << "0 0 */2 * */3" << 3 << 2 << false;
        QTest::newRow("AND: both */n, only dow matches") << "0 0 */2 * */3" << 4 << 3 << false;
        QTest::newRow("AND: *-led list in dom") << "0 0 */10,2 * fri" << 2 << 4 << false;
    }

    void dayRule()
    {
        QFETCH(QString, text);
        QFETCH(int, dayOfMonth);
        QFETCH(int, dayOfWeek);
        QFETCH(bool, matches);

        const auto parsed = CronExpression::parse(text);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->dayMatches(dayOfMonth, dayOfWeek), matches);
    }

    void starFlags_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("domStar");
        QTest::addColumn<bool>("dowStar");

        QTest::newRow("both *") << "* * * * *" << true << true;
        QTest::newRow("both restricted") << "0 0 1 * 1" << false << false;
        QTest::newRow("*/2 counts as star") << "0 0 */2 * 1" << true << false;
        QTest::newRow("full range is not a star") << "0 0 1-31 * 0-7" << false << false;
        QTest::newRow("*-led list") << "0 0 1 * */2,3" << false << true;
        QTest::newRow("list led by a number") << "0 0 3,*/2 * 1" << false << false;
    }

    void starFlags()
    {
        QFETCH(QString, text);
        QFETCH(bool, domStar);
        QFETCH(bool, dowStar);

        const auto parsed = CronExpression::parse(text);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->domStar(), domStar);
        QCOMPARE(parsed->dowStar(), dowStar);
    }

    // Fixed time: neither the minute nor the hour field starts with `*` (cronie's DST rule).
    void isFixedTime_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("fixed");

        QTest::newRow("09:00 daily") << "0 9 * * *" << true;
        QTest::newRow("twice a day") << "30 9,21 * * *" << true;
        QTest::newRow("ranges that cover everything") << "0-59 0-23 * * *" << true;
        QTest::newRow("range with step") << "0-59/5 8-18/2 * * *" << true;
        QTest::newRow("day fields do not matter") << "15 3 */2 * */3" << true;
        QTest::newRow("minute *") << "* 9 * * *" << false;
        QTest::newRow("minute */5") << "*/5 9 * * *" << false;
        QTest::newRow("minute *-led list") << "*/20,5 9 * * *" << false;
        QTest::newRow("hour *") << "0 * * * *" << false;
        QTest::newRow("hour */2") << "0 */2 * * *" << false;
        QTest::newRow("both *") << "* * * * *" << false;
        QTest::newRow("list led by a number") << "5,*/20 9,*/6 * * *" << true;
        QTest::newRow("@hourly") << "@hourly" << false;
        QTest::newRow("@daily") << "@daily" << true;
        QTest::newRow("@midnight") << "@midnight" << true;
        QTest::newRow("@weekly") << "@weekly" << true;
        QTest::newRow("@monthly") << "@monthly" << true;
        QTest::newRow("@yearly") << "@yearly" << true;
        QTest::newRow("@annually") << "@annually" << true;
    }

    void isFixedTime()
    {
        QFETCH(QString, text);
        QFETCH(bool, fixed);

        const auto parsed = CronExpression::parse(text);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->isFixedTime(), fixed);
    }
};

QTEST_GUILESS_MAIN(tst_CronExpression)
#include "tst_cronexpression.moc"
