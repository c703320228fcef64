// The schedule builder's choices (schedule/schedulechoice.h): each choice gives the cron expression a person
// would write, an expression reads back as the builder's shape when it has one, and the round trip never
// changes when a schedule fires (checked on the fire times themselves, not on the text).
#include "schedule/cronschedule.h"
#include "schedule/schedulechoice.h"

#include <QTest>

using namespace sluice;

Q_DECLARE_METATYPE(sluice::ScheduleKind)

namespace {

ScheduleChoice weekly(QList<int> days, int hour, int minute)
{
    ScheduleChoice c;
    c.kind = ScheduleKind::Weekly;
    c.weekdays = std::move(days);
    c.hour = hour;
    c.minute = minute;
    return c;
}

// The next `n` instants `cron` fires at in Europe/Berlin after a fixed date (spanning a DST change).
QList<QDateTime> fires(const QString &cron, int n = 40)
{
    auto s = CronSchedule::parse(cron, QStringLiteral("Europe/Berlin"));
    if (!s)
        return {};
    QList<QDateTime> out;
    QDateTime t = QDateTime::fromString(QStringLiteral("2026-03-20T00:00:00Z"), Qt::ISODate);
    for (int i = 0; i < n; ++i) {
        auto next = s->nextAfter(t);
        if (!next)
            break;
        out.append(*next);
        t = *next;
    }
    return out;
}

} // namespace

class TestScheduleChoice : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void cronForEachKind_data()
    {
        QTest::addColumn<ScheduleChoice>("choice");
        QTest::addColumn<QString>("cron");
        ScheduleChoice manual;
        QTest::newRow("manual") << manual << QString();
        ScheduleChoice hourly;
        hourly.kind = ScheduleKind::Hourly;
        hourly.minute = 15;
        QTest::newRow("hourly") << hourly << QStringLiteral("15 * * * *");
        ScheduleChoice daily;
        daily.kind = ScheduleKind::Daily;
        daily.hour = 3;
        daily.minute = 5;
        QTest::newRow("daily") << daily << QStringLiteral("5 3 * * *");
        QTest::newRow("weekdays as a range") << weekly({5, 1, 3, 2, 4}, 6, 30) << QStringLiteral("30 6 * * 1-5");
        QTest::newRow("two days listed") << weekly({3, 1}, 6, 0) << QStringLiteral("0 6 * * 1,3");
        QTest::newRow("range and single") << weekly({0, 2, 3, 4, 6, 2}, 7, 0) << QStringLiteral("0 7 * * 0,2-4,6");
        ScheduleChoice monthly;
        monthly.kind = ScheduleKind::Monthly;
        monthly.dayOfMonth = 15;
        monthly.hour = 23;
        monthly.minute = 59;
        QTest::newRow("monthly") << monthly << QStringLiteral("59 23 15 * *");
        ScheduleChoice custom;
        custom.kind = ScheduleKind::Custom;
        custom.cron = QStringLiteral("  */10   8-18 * *  mon-fri ");
        QTest::newRow("custom simplified") << custom << QStringLiteral("*/10 8-18 * * mon-fri");
    }
    void cronForEachKind()
    {
        QFETCH(ScheduleChoice, choice);
        QFETCH(QString, cron);
        QCOMPARE(cronFor(choice), cron);
        if (!cron.isEmpty())
            QVERIFY2(CronSchedule::parse(cron, QStringLiteral("UTC")).has_value(), qPrintable(cron));
    }

    // Weekly with no day chosen is not a schedule: the expression must not parse, so nothing is saved.
    void weeklyWithoutDaysDoesNotParse()
    {
        const QString cron = cronFor(weekly({}, 3, 0));
        QVERIFY(!cron.isEmpty());
        QVERIFY(!CronSchedule::parse(cron, QStringLiteral("UTC")).has_value());
    }

    void choiceForReadsShapes_data()
    {
        QTest::addColumn<QString>("cron");
        QTest::addColumn<ScheduleKind>("kind");
        QTest::addColumn<int>("hour");
        QTest::addColumn<int>("minute");
        QTest::addColumn<QList<int>>("days");
        QTest::addColumn<int>("dayOfMonth");
        QTest::newRow("empty") << QString() << ScheduleKind::Manual << 0 << 0 << QList<int>{} << 1;
        QTest::newRow("hourly") << "7 * * * *" << ScheduleKind::Hourly << 0 << 7 << QList<int>{} << 1;
        QTest::newRow("@hourly") << "@hourly" << ScheduleKind::Hourly << 0 << 0 << QList<int>{} << 1;
        QTest::newRow("daily") << "30 2 * * *" << ScheduleKind::Daily << 2 << 30 << QList<int>{} << 1;
        QTest::newRow("@daily") << "@daily" << ScheduleKind::Daily << 0 << 0 << QList<int>{} << 1;
        QTest::newRow("every day listed") << "0 4 * * 0-6" << ScheduleKind::Daily << 4 << 0 << QList<int>{} << 1;
        QTest::newRow("weekdays by name") << "0 3 * * mon-fri" << ScheduleKind::Weekly << 3 << 0 << QList<int>{1, 2, 3, 4, 5} << 1;
        QTest::newRow("sunday as 7") << "0 9 * * 7" << ScheduleKind::Weekly << 9 << 0 << QList<int>{0} << 1;
        QTest::newRow("@weekly") << "@weekly" << ScheduleKind::Weekly << 0 << 0 << QList<int>{0} << 1;
        QTest::newRow("zero-padded") << "05 03 * * *" << ScheduleKind::Daily << 3 << 5 << QList<int>{} << 1;
        QTest::newRow("monthly") << "0 6 31 * *" << ScheduleKind::Monthly << 6 << 0 << QList<int>{} << 31;
        QTest::newRow("@monthly") << "@monthly" << ScheduleKind::Monthly << 0 << 0 << QList<int>{} << 1;
    }
    void choiceForReadsShapes()
    {
        QFETCH(QString, cron);
        QFETCH(ScheduleKind, kind);
        const ScheduleChoice c = choiceFor(cron);
        QCOMPARE(c.kind, kind);
        if (kind == ScheduleKind::Manual)
            return;
        QFETCH(int, hour);
        QFETCH(int, minute);
        QFETCH(QList<int>, days);
        QFETCH(int, dayOfMonth);
        QCOMPARE(c.minute, minute);
        if (kind != ScheduleKind::Hourly)
            QCOMPARE(c.hour, hour);
        QCOMPARE(c.weekdays, days);
        if (kind == ScheduleKind::Monthly)
            QCOMPARE(c.dayOfMonth, dayOfMonth);
    }

    // Shapes the builder has no fields for stay custom, with the text as typed (simplified), so editing a
    // pipeline never rewrites its schedule behind the user's back.
    void otherShapesStayCustom_data()
    {
        QTest::addColumn<QString>("cron");
        for (const char *c : {"*/15 * * * *", "0 */2 * * *", "0 3 1,15 * *", "0 3 * 1 *", "0 3 1 * mon", "0 8-18 * * 1-5",
                              "@yearly", "0 3 L * *", "61 3 * * *", "not a cron"})
            QTest::newRow(c) << QString::fromLatin1(c);
    }
    void otherShapesStayCustom()
    {
        QFETCH(QString, cron);
        const ScheduleChoice c = choiceFor(cron);
        QCOMPARE(c.kind, ScheduleKind::Custom);
        QCOMPARE(c.cron, cron.simplified());
        QCOMPARE(cronFor(c), cron.simplified());
    }

    // The contract that matters: reading an expression into the builder and writing it back never changes
    // when the schedule fires.
    void roundTripKeepsFireTimes_data()
    {
        QTest::addColumn<QString>("cron");
        for (const char *c : {"0 3 * * mon-fri", "30 2 * * *", "0 9 * * 7", "15 * * * *", "0 6 31 * *", "@weekly", "@monthly",
                              "0 4 * * sun,sat", "0 1 * * 1,2,3", "*/20 * * * *", "0 0 29 2 *"})
            QTest::newRow(c) << QString::fromLatin1(c);
    }
    void roundTripKeepsFireTimes()
    {
        QFETCH(QString, cron);
        const QList<QDateTime> before = fires(cron);
        QVERIFY(!before.isEmpty());
        const QString written = cronFor(choiceFor(cron));
        QCOMPARE(fires(written), before);
    }
};

QTEST_GUILESS_MAIN(TestScheduleChoice)
#include "tst_schedulechoice.moc"
