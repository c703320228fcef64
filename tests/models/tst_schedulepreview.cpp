// The schedule editor's preview (schedule/schedulepreview.h): the next fire times with what a DST change
// does to each, on fixed dates in zones with a gap and a repeat — Europe/Berlin, America/New_York and
// Australia/Lord_Howe (whose clocks move by 30 minutes) — and Asia/Kolkata, which has no DST now.
#include "schedule/schedulepreview.h"

#include <QLocale>
#include <QTest>

using namespace sluice;

namespace {

QDateTime utc(const char *iso)
{
    QDateTime t = QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    Q_ASSERT(t.isValid());
    return t.toUTC();
}

QList<PreviewFire> preview(const char *cron, const char *zone, const char *from, int count = 5)
{
    auto s = CronSchedule::parse(QString::fromLatin1(cron), QString::fromLatin1(zone));
    if (!s)
        qFatal("bad test schedule %s: %s", cron, qPrintable(s.error().message));
    return previewFires(*s, utc(from), count);
}

// "UTC instant | local wall time | effect" per fire, compact enough to compare whole previews.
QStringList lines(const QList<PreviewFire> &fires)
{
    QStringList out;
    for (const PreviewFire &f : fires) {
        const char *effect = "";
        switch (f.effect) {
        case DstEffect::None: effect = "-"; break;
        case DstEffect::MovedByGap: effect = "moved"; break;
        case DstEffect::AfterSkippedGap: effect = "after-gap"; break;
        case DstEffect::FirstOfRepeat: effect = "first"; break;
        case DstEffect::SecondOfRepeat: effect = "second"; break;
        }
        out.append(QStringLiteral("%1 | %2 | %3").arg(f.utc.toString(Qt::ISODate), f.local.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                                                     QString::fromLatin1(effect)));
        if (f.effect == DstEffect::None && !f.note.isEmpty())
            out.append(QStringLiteral("unexpected note: ") + f.note);
        if (f.effect != DstEffect::None && f.note.isEmpty())
            out.append(QStringLiteral("missing note"));
    }
    return out;
}

} // namespace

class tst_SchedulePreview : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedKingdom)); }

    void berlinGap()
    {
        const auto fires = preview("30 2 * * *", "Europe/Berlin", "2026-03-27T12:00:00Z", 4);
        QCOMPARE(lines(fires), (QStringList{
            QStringLiteral("2026-03-28T01:30:00Z | 2026-03-28 02:30 | -"),
            QStringLiteral("2026-03-29T01:00:00Z | 2026-03-29 03:00 | moved"),   // 02:30 does not exist that night
            QStringLiteral("2026-03-30T00:30:00Z | 2026-03-30 02:30 | -"),
            QStringLiteral("2026-03-31T00:30:00Z | 2026-03-31 02:30 | -"),
        }));
        QCOMPARE(fires[1].note, QStringLiteral("02:30 does not exist on 29 March (clocks go forward): runs at 03:00"));
    }

    void berlinRepeat()
    {
        const auto fires = preview("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", 2);
        QCOMPARE(lines(fires), (QStringList{
            QStringLiteral("2026-10-25T00:30:00Z | 2026-10-25 02:30 | first"),   // the second 02:30 (01:30Z) does not fire
            QStringLiteral("2026-10-26T01:30:00Z | 2026-10-26 02:30 | -"),
        }));
        QCOMPARE(fires[0].note, QStringLiteral("02:30 happens twice on 25 October (clocks go back): runs once, at the first (UTC+02:00)"));
    }

    void hourlyAcrossBerlinChanges()
    {
        // A `*`-led schedule follows the wall clock: 02:00 is skipped in March, 02:00 runs twice in October.
        QCOMPARE(lines(preview("0 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", 2)), (QStringList{
            QStringLiteral("2026-03-29T01:00:00Z | 2026-03-29 03:00 | after-gap"),
            QStringLiteral("2026-03-29T02:00:00Z | 2026-03-29 04:00 | -"),
        }));
        QCOMPARE(preview("0 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", 1).first().note,
                 QStringLiteral("02:00 does not exist on 29 March (clocks go forward): that run is skipped"));
        QCOMPARE(lines(preview("0 * * * *", "Europe/Berlin", "2026-10-24T23:30:00Z", 3)), (QStringList{
            QStringLiteral("2026-10-25T00:00:00Z | 2026-10-25 02:00 | first"),
            QStringLiteral("2026-10-25T01:00:00Z | 2026-10-25 02:00 | second"),
            QStringLiteral("2026-10-25T02:00:00Z | 2026-10-25 03:00 | -"),
        }));
        QCOMPARE(preview("0 * * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", 1).first().note,
                 QStringLiteral("the second 02:00 on 25 October (clocks went back): runs again (UTC+01:00)"));
        // Several skipped wall times are named as a range, on the first fire after them (here the next day).
        const auto steps = preview("*/20 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", 2);
        QCOMPARE(lines(steps), (QStringList{
            QStringLiteral("2026-03-30T00:00:00Z | 2026-03-30 02:00 | after-gap"),
            QStringLiteral("2026-03-30T00:20:00Z | 2026-03-30 02:20 | -"),
        }));
        QCOMPARE(steps[0].note, QStringLiteral("02:00 to 02:40 do not exist on 29 March (clocks go forward): those runs are skipped"));
    }

    void newYork()
    {
        const auto spring = preview("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2);
        QCOMPARE(lines(spring), (QStringList{
            QStringLiteral("2026-03-08T07:00:00Z | 2026-03-08 03:00 | moved"),
            QStringLiteral("2026-03-09T06:30:00Z | 2026-03-09 02:30 | -"),
        }));
        QCOMPARE(spring[0].note, QStringLiteral("02:30 does not exist on 8 March (clocks go forward): runs at 03:00"));
        QCOMPARE(lines(preview("*/30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 4)), (QStringList{
            QStringLiteral("2026-11-01T05:00:00Z | 2026-11-01 01:00 | first"),
            QStringLiteral("2026-11-01T05:30:00Z | 2026-11-01 01:30 | first"),
            QStringLiteral("2026-11-01T06:00:00Z | 2026-11-01 01:00 | second"),
            QStringLiteral("2026-11-01T06:30:00Z | 2026-11-01 01:30 | second"),
        }));
        const auto fall = preview("30 1 * * *", "America/New_York", "2026-11-01T04:00:00Z", 2);
        QCOMPARE(lines(fall), (QStringList{
            QStringLiteral("2026-11-01T05:30:00Z | 2026-11-01 01:30 | first"),
            QStringLiteral("2026-11-02T06:30:00Z | 2026-11-02 01:30 | -"),
        }));
        QCOMPARE(fall[0].note, QStringLiteral("01:30 happens twice on 1 November (clocks go back): runs once, at the first (UTC−04:00)"));
    }

    void lordHoweHalfHour()
    {
        // 2026-10-04: 02:00 +10:30 becomes 02:30 +11:00, so 02:15 does not exist.
        const auto spring = preview("15 2 * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 2);
        QCOMPARE(lines(spring), (QStringList{
            QStringLiteral("2026-10-03T15:30:00Z | 2026-10-04 02:30 | moved"),
            QStringLiteral("2026-10-04T15:15:00Z | 2026-10-05 02:15 | -"),
        }));
        QCOMPARE(spring[0].note, QStringLiteral("02:15 does not exist on 4 October (clocks go forward): runs at 02:30"));
        // 2026-04-05: 02:00 +11:00 becomes 01:30 +10:30, so 01:45 happens twice.
        const auto fall = preview("45 1 * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 2);
        QCOMPARE(lines(fall), (QStringList{
            QStringLiteral("2026-04-04T14:45:00Z | 2026-04-05 01:45 | first"),
            QStringLiteral("2026-04-05T15:15:00Z | 2026-04-06 01:45 | -"),
        }));
        QCOMPARE(fall[0].note, QStringLiteral("01:45 happens twice on 5 April (clocks go back): runs once, at the first (UTC+11:00)"));
        // 01:15 is before the repeated half hour: not marked.
        QCOMPARE(preview("15 1 * * *", "Australia/Lord_Howe", "2026-04-03T12:00:00Z", 2).first().effect, DstEffect::None);
    }

    void noDstAndLimits()
    {
        const QStringList kolkata = lines(preview("0 9 * * 1-5", "Asia/Kolkata", "2026-03-27T00:00:00Z", 5));
        QCOMPARE(kolkata.size(), 5);
        for (const QString &l : kolkata)
            QVERIFY2(l.endsWith(QLatin1String("| -")), qPrintable(l));
        QCOMPARE(preview("0 0 30 2 *", "Europe/Berlin", "2026-01-01T00:00:00Z").size(), 0);   // never fires
        QCOMPARE(preview("0 0 * * *", "UTC", "2026-01-01T00:00:00Z", 3).size(), 3);
    }
};

QTEST_GUILESS_MAIN(tst_SchedulePreview)
#include "tst_schedulepreview.moc"
