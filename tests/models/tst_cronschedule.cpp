// CronSchedule: next and previous fire times for every field form and macro, cronie's day rule and
// its `*` quirk, and cronie's DST rule (gap and repeated hour) in Europe/Berlin, America/New_York,
// Australia/Lord_Howe (30-minute DST) and Asia/Kolkata (no DST) — plus a property test against an
// independent brute-force matcher that walks the clock minute by minute.
#include "schedule/cronschedule.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <set>

using namespace sluice;

namespace {

QDateTime utc(const QString &iso)
{
    QDateTime t = QDateTime::fromString(iso, Qt::ISODate);
    Q_ASSERT(t.isValid());
    return t.toUTC();
}

QDateTime utcSecs(qint64 s)
{
    return QDateTime::fromSecsSinceEpoch(s, QTimeZone::utc());
}

QString iso(const std::optional<QDateTime> &t)
{
    return t ? t->toUTC().toString(Qt::ISODate) : QStringLiteral("none");
}

CronSchedule schedule(const QString &cron, const QString &zone)
{
    auto s = CronSchedule::parse(cron, zone);
    if (!s)
        qFatal("bad test schedule %s %s: %s", qPrintable(cron), qPrintable(zone), qPrintable(s.error().message));
    return *s;
}

// ---- The brute-force oracle: written from DESIGN.md §1, not from the engine. ----------------------

// UTC offsets of a zone over a stretch of time, from the zone's transition list.
class OffsetTable
{
public:
    OffsetTable(const QTimeZone &zone, qint64 from, qint64 to)
    {
        m_initial = zone.offsetFromUtc(utcSecs(from));
        for (const QTimeZone::OffsetData &d : zone.transitions(utcSecs(from), utcSecs(to))) {
            m_at.push_back(d.atUtc.toSecsSinceEpoch());
            m_offset.push_back(d.offsetFromUtc);
        }
        m_distinct.insert(m_initial);
        m_distinct.insert(m_offset.begin(), m_offset.end());
    }
    int offsetAt(qint64 s) const
    {
        const auto it = std::upper_bound(m_at.begin(), m_at.end(), s);
        return it == m_at.begin() ? m_initial : m_offset[size_t(it - m_at.begin() - 1)];
    }
    const std::set<int> &distinctOffsets() const { return m_distinct; }

private:
    int m_initial = 0;
    std::vector<qint64> m_at;
    std::vector<int> m_offset;
    std::set<int> m_distinct;
};

class Oracle
{
public:
    Oracle(const CronExpression &e, const OffsetTable &table) : m_e(e), m_table(table) {}

    // Does the wall time (minutes since 1970-01-01 00:00, naive) match all five fields?
    bool wallMatches(qint64 wallMinute) const
    {
        const qint64 day = wallMinute >= 0 ? wallMinute / 1440 : -((-wallMinute + 1439) / 1440);
        if (day != m_cachedDay) {
            m_cachedDay = day;
            const QDate d = QDate(1970, 1, 1).addDays(day);
            m_cachedDayMatches = m_e.monthMatches(d.month()) && m_e.dayMatches(d.day(), d.dayOfWeek() == 7 ? 0 : d.dayOfWeek());
        }
        if (!m_cachedDayMatches)
            return false;
        const int minuteOfDay = int(wallMinute - day * 1440);
        return m_e.hourMatches(minuteOfDay / 60) && m_e.minuteMatches(minuteOfDay % 60);
    }

    qint64 wallAt(qint64 t) const { return (t + m_table.offsetAt(t)) / 60; }

    // Whether the schedule fires at the (minute-aligned) UTC instant t.
    bool firesAt(qint64 t) const
    {
        const bool fixed = m_e.isFixedTime();
        const int before = m_table.offsetAt(t - 1);
        const int after = m_table.offsetAt(t);
        if (fixed && after > before) {
            // t is the first instant after a spring-forward gap: fires if any skipped wall time matches.
            for (qint64 w = (t + before) / 60; w < (t + after) / 60; ++w)
                if (wallMatches(w))
                    return true;
        }
        const qint64 w = wallAt(t);
        if (!wallMatches(w))
            return false;
        if (!fixed)
            return true;
        // Fixed time: only the first occurrence of a wall time — no earlier instant shows the same wall.
        for (int o : m_table.distinctOffsets()) {
            const qint64 earlier = w * 60 - o;
            if (earlier < t && m_table.offsetAt(earlier) == o)
                return false;
        }
        return true;
    }

    std::optional<qint64> next(qint64 t0, qint64 horizonMinutes) const
    {
        const qint64 start = (t0 >= 0 ? t0 / 60 : (t0 - 59) / 60) * 60 + 60;
        for (qint64 t = start; t <= t0 + horizonMinutes * 60; t += 60)
            if (firesAt(t))
                return t;
        return std::nullopt;
    }

    std::optional<qint64> previous(qint64 t0, qint64 horizonMinutes) const
    {
        const qint64 start = (t0 % 60 == 0) ? t0 - 60 : t0 - (t0 % 60);
        for (qint64 t = start; t >= t0 - horizonMinutes * 60; t -= 60)
            if (firesAt(t))
                return t;
        return std::nullopt;
    }

private:
    const CronExpression &m_e;
    const OffsetTable &m_table;
    mutable qint64 m_cachedDay = std::numeric_limits<qint64>::min();
    mutable bool m_cachedDayMatches = false;
};

// ---- Random expressions ---------------------------------------------------------------------------

QString randomAtom(QRandomGenerator &rng, int lo, int hi, const QStringList &names, int nameBase)
{
    auto value = [&] {
        const int v = rng.bounded(lo, hi + 1);
        if (!names.isEmpty() && v - nameBase >= 0 && v - nameBase < names.size() && rng.bounded(3) == 0)
            return names[v - nameBase];
        return QString::number(v);
    };
    switch (rng.bounded(4)) {
    case 0:
        return value();
    case 1: {
        const int a = rng.bounded(lo, hi + 1);
        const int b = rng.bounded(a, hi + 1);
        return QStringLiteral("%1-%2").arg(a).arg(b);
    }
    case 2: {
        const int a = rng.bounded(lo, hi + 1);
        const int b = rng.bounded(a, hi + 1);
        return QStringLiteral("%1-%2/%3").arg(a).arg(b).arg(rng.bounded(1, 8));
    }
    default:
        return value();
    }
}

QString randomField(QRandomGenerator &rng, int lo, int hi, int starPercent, const QList<int> &favourites,
                    const QStringList &names = {}, int nameBase = 0)
{
    const int roll = rng.bounded(100);
    if (roll < starPercent)
        return rng.bounded(3) == 0 ? QStringLiteral("*/%1").arg(rng.bounded(1, std::min(hi, 30) + 1)) : QStringLiteral("*");
    if (!favourites.isEmpty() && roll < starPercent + 25)
        return QString::number(favourites[rng.bounded(favourites.size())]);
    QStringList parts;
    const int n = rng.bounded(1, 4);
    for (int i = 0; i < n; ++i)
        parts << randomAtom(rng, lo, hi, names, nameBase);
    return parts.join(QLatin1Char(','));
}

QString randomCron(QRandomGenerator &rng)
{
    static const QStringList months{QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"), QStringLiteral("apr"),
                                    QStringLiteral("may"), QStringLiteral("jun"), QStringLiteral("jul"), QStringLiteral("aug"),
                                    QStringLiteral("sep"), QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("dec")};
    static const QStringList days{QStringLiteral("sun"), QStringLiteral("mon"), QStringLiteral("tue"), QStringLiteral("wed"),
                                  QStringLiteral("thu"), QStringLiteral("fri"), QStringLiteral("sat")};
    if (rng.bounded(20) == 0) {
        static const QStringList macros{QStringLiteral("@hourly"), QStringLiteral("@daily"), QStringLiteral("@weekly"),
                                        QStringLiteral("@monthly"), QStringLiteral("@yearly")};
        return macros[rng.bounded(macros.size())];
    }
    return QStringList{randomField(rng, 0, 59, 25, {0, 15, 30, 45, 59}),
                       randomField(rng, 0, 23, 30, {0, 1, 2, 3, 23}),
                       randomField(rng, 1, 31, 65, {1, 29, 30, 31}),
                       randomField(rng, 1, 12, 75, {}, months, 1),
                       randomField(rng, 0, 7, 65, {}, days, 0)}
        .join(QLatin1Char(' '));
}

} // namespace

class TstCronSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fires_data();
    void fires();
    void refusesBadInput_data();
    void refusesBadInput();
    void neverFiring();
    void subMinuteInstants();
    void matchesBruteForce();
};

void TstCronSchedule::fires_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QStringList>("expected");   // the next fires, UTC

    const QString u = QStringLiteral("UTC");
    // Field forms and macros (2026-01-01 is a Thursday).
    QTest::newRow("single") << "30 12 * * *" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-01T12:30:00Z", "2026-01-02T12:30:00Z"};
    QTest::newRow("list") << "0,30 12 * * *" << u << "2026-01-01T12:00:00Z" << QStringList{"2026-01-01T12:30:00Z", "2026-01-02T12:00:00Z", "2026-01-02T12:30:00Z"};
    QTest::newRow("range step") << "5-10/2 * * * *" << u << "2026-01-01T00:00:00Z"
                                << QStringList{"2026-01-01T00:05:00Z", "2026-01-01T00:07:00Z", "2026-01-01T00:09:00Z", "2026-01-01T01:05:00Z"};
    QTest::newRow("star step") << "*/20 * * * *" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-01T00:20:00Z", "2026-01-01T00:40:00Z", "2026-01-01T01:00:00Z"};
    QTest::newRow("hours range weekdays") << "0 9-17/4 * * mon-fri" << u << "2026-01-02T10:00:00Z"
                                          << QStringList{"2026-01-02T13:00:00Z", "2026-01-02T17:00:00Z", "2026-01-05T09:00:00Z"};
    QTest::newRow("days of month") << "0 0 1,15 * *" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-15T00:00:00Z", "2026-02-01T00:00:00Z"};
    QTest::newRow("month names") << "0 0 1 FEB,apr *" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-02-01T00:00:00Z", "2026-04-01T00:00:00Z", "2027-02-01T00:00:00Z"};
    QTest::newRow("sunday as 7") << "0 0 * * 7" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"};
    QTest::newRow("@hourly") << "@hourly" << u << "2026-01-01T00:10:00Z" << QStringList{"2026-01-01T01:00:00Z", "2026-01-01T02:00:00Z"};
    QTest::newRow("@daily") << "@daily" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"};
    QTest::newRow("@midnight") << "@midnight" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-02T00:00:00Z"};
    QTest::newRow("@weekly") << "@weekly" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-04T00:00:00Z", "2026-01-11T00:00:00Z"};
    QTest::newRow("@monthly") << "@monthly" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"};
    QTest::newRow("@yearly") << "@yearly" << u << "2026-01-01T00:00:00Z" << QStringList{"2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z"};
    QTest::newRow("@annually") << "@annually" << u << "2026-06-01T00:00:00Z" << QStringList{"2027-01-01T00:00:00Z"};
    QTest::newRow("day 31 skips short months") << "0 0 31 * *" << u << "2026-01-31T12:00:00Z"
                                               << QStringList{"2026-03-31T00:00:00Z", "2026-05-31T00:00:00Z", "2026-07-31T00:00:00Z", "2026-08-31T00:00:00Z"};
    QTest::newRow("feb 29") << "0 0 29 2 *" << u << "2026-01-01T00:00:00Z" << QStringList{"2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"};
    // cronie's day rule: both restricted → either; a field starting with `*` → both must match.
    QTest::newRow("OR rule") << "0 0 13 * fri" << u << "2026-01-01T00:00:00Z"
                             << QStringList{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"};
    QTest::newRow("star quirk dom") << "0 0 */1 * fri" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z"};
    QTest::newRow("full range dom is restricted") << "0 0 1-31 * fri" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"};
    QTest::newRow("star quirk dow") << "0 0 13 * */1" << u << "2026-01-01T00:00:00Z" << QStringList{"2026-01-13T00:00:00Z", "2026-02-13T00:00:00Z"};

    // Europe/Berlin 2026: gap 02:00→03:00 on 29 Mar (01:00Z); repeat 03:00→02:00 on 25 Oct (01:00Z).
    const QString b = QStringLiteral("Europe/Berlin");
    QTest::newRow("berlin gap fixed") << "30 2 * * *" << b << "2026-03-28T00:00:00Z"
                                      << QStringList{"2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"};
    QTest::newRow("berlin gap from one second before") << "30 2 * * *" << b << "2026-03-29T00:59:59Z"
                                                       << QStringList{"2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z"};
    QTest::newRow("new york gap from one second before") << "30 2 * * *" << QStringLiteral("America/New_York") << "2026-03-08T06:59:59Z"
                                                         << QStringList{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"};
    QTest::newRow("berlin gap collapses") << "0,30 2 * * *" << b << "2026-03-28T12:00:00Z"
                                          << QStringList{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T00:30:00Z"};
    QTest::newRow("berlin gap and 03:00") << "0 2,3 * * *" << b << "2026-03-28T12:00:00Z"
                                          << QStringList{"2026-03-29T01:00:00Z", "2026-03-30T00:00:00Z", "2026-03-30T01:00:00Z"};
    QTest::newRow("berlin repeat fixed") << "30 2 * * *" << b << "2026-10-24T12:00:00Z" << QStringList{"2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"};
    QTest::newRow("berlin repeat fixed from inside") << "30 2 * * *" << b << "2026-10-25T01:10:00Z" << QStringList{"2026-10-26T01:30:00Z"};
    QTest::newRow("berlin gap star") << "*/15 * * * *" << b << "2026-03-29T00:40:00Z"
                                     << QStringList{"2026-03-29T00:45:00Z", "2026-03-29T01:00:00Z", "2026-03-29T01:15:00Z"};
    QTest::newRow("berlin gap star hour") << "* 2 * * *" << b << "2026-03-28T12:00:00Z" << QStringList{"2026-03-30T00:00:00Z", "2026-03-30T00:01:00Z"};
    QTest::newRow("berlin repeat star") << "*/15 * * * *" << b << "2026-10-25T00:00:00Z"
                                        << QStringList{"2026-10-25T00:15:00Z", "2026-10-25T00:30:00Z", "2026-10-25T00:45:00Z",
                                                       "2026-10-25T01:00:00Z", "2026-10-25T01:15:00Z"};
    QTest::newRow("berlin repeat star minute") << "* 2 * * *" << b << "2026-10-25T00:58:00Z"
                                               << QStringList{"2026-10-25T00:59:00Z", "2026-10-25T01:00:00Z", "2026-10-25T01:01:00Z"};
    // America/New_York 2026: gap 02:00→03:00 on 8 Mar (07:00Z); repeat 02:00→01:00 on 1 Nov (06:00Z).
    const QString ny = QStringLiteral("America/New_York");
    QTest::newRow("new york gap fixed") << "30 2 * * *" << ny << "2026-03-07T12:00:00Z" << QStringList{"2026-03-08T07:00:00Z", "2026-03-09T06:30:00Z"};
    QTest::newRow("new york repeat fixed") << "30 1 * * *" << ny << "2026-10-31T12:00:00Z" << QStringList{"2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"};
    QTest::newRow("new york repeat star") << "*/30 1 * * *" << ny << "2026-10-31T12:00:00Z"
                                          << QStringList{"2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T06:00:00Z",
                                                         "2026-11-01T06:30:00Z", "2026-11-02T06:00:00Z"};
    QTest::newRow("new york gap star") << "*/30 2 * * *" << ny << "2026-03-07T12:00:00Z" << QStringList{"2026-03-09T06:00:00Z", "2026-03-09T06:30:00Z"};
    // Australia/Lord_Howe 2026: 30-minute DST. Repeat 02:00→01:30 on 5 Apr (15:00Z 4 Apr);
    // gap 02:00→02:30 on 4 Oct (15:30Z 3 Oct).
    const QString lh = QStringLiteral("Australia/Lord_Howe");
    QTest::newRow("lord howe gap fixed") << "15 2 * * *" << lh << "2026-10-03T00:00:00Z" << QStringList{"2026-10-03T15:30:00Z", "2026-10-04T15:15:00Z"};
    QTest::newRow("lord howe gap star") << "*/15 2 * * *" << lh << "2026-10-03T00:00:00Z"
                                        << QStringList{"2026-10-03T15:30:00Z", "2026-10-03T15:45:00Z", "2026-10-04T15:00:00Z"};
    QTest::newRow("lord howe repeat fixed") << "45 1 * * *" << lh << "2026-04-04T00:00:00Z" << QStringList{"2026-04-04T14:45:00Z", "2026-04-05T15:15:00Z"};
    QTest::newRow("lord howe repeat star") << "*/20 1 * * *" << lh << "2026-04-04T12:00:00Z"
                                           << QStringList{"2026-04-04T14:00:00Z", "2026-04-04T14:20:00Z", "2026-04-04T14:40:00Z",
                                                          "2026-04-04T15:10:00Z", "2026-04-05T14:30:00Z"};
    // Asia/Kolkata: +05:30 all year; Berlin's transition days change nothing.
    const QString k = QStringLiteral("Asia/Kolkata");
    QTest::newRow("kolkata fixed") << "30 2 * * *" << k << "2026-03-28T00:00:00Z" << QStringList{"2026-03-28T21:00:00Z", "2026-03-29T21:00:00Z"};
    QTest::newRow("kolkata star") << "*/30 2 * * *" << k << "2026-10-24T00:00:00Z"
                                  << QStringList{"2026-10-24T20:30:00Z", "2026-10-24T21:00:00Z", "2026-10-25T20:30:00Z"};
}

void TstCronSchedule::fires()
{
    QFETCH(QString, cron);
    QFETCH(QString, zone);
    QFETCH(QString, from);
    QFETCH(QStringList, expected);
    const CronSchedule s = schedule(cron, zone);
    QDateTime t = utc(from);
    for (const QString &want : expected) {
        const auto next = s.nextAfter(t);
        QCOMPARE(iso(next), want);
        QCOMPARE(next->timeSpec(), Qt::UTC);
        // previousBefore mirrors nextAfter.
        QCOMPARE(iso(s.previousBefore(next->addSecs(60))), want);
        if (t != utc(from))
            QCOMPARE(iso(s.previousBefore(*next)), iso(t));
        t = *next;
    }
}

void TstCronSchedule::refusesBadInput_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad zone") << "0 0 * * *" << "Mars/Olympus" << "Mars/Olympus";
    QTest::newRow("bad cron") << "61 0 * * *" << "UTC" << "61";
}

void TstCronSchedule::refusesBadInput()
{
    QFETCH(QString, cron);
    QFETCH(QString, zone);
    QFETCH(QString, message);
    const auto s = CronSchedule::parse(cron, zone);
    QVERIFY(!s);
    QVERIFY2(s.error().message.contains(message), qPrintable(s.error().message));
}

void TstCronSchedule::neverFiring()
{
    const CronSchedule s = schedule(QStringLiteral("0 0 30 2 *"), QStringLiteral("Europe/Berlin"));
    QElapsedTimer timer;
    timer.start();
    QVERIFY(!s.nextAfter(utc(QStringLiteral("2026-01-01T00:00:00Z"))));
    QVERIFY(!s.previousBefore(utc(QStringLiteral("2026-01-01T00:00:00Z"))));
    QVERIFY2(timer.elapsed() < 2000, "a never-firing schedule must not walk minute by minute");
    // A Feb 29 schedule is found across the leap-year gap, backwards too.
    const CronSchedule leap = schedule(QStringLiteral("0 0 29 2 *"), QStringLiteral("UTC"));
    QCOMPARE(iso(leap.previousBefore(utc(QStringLiteral("2027-06-01T00:00:00Z")))), QStringLiteral("2024-02-29T00:00:00Z"));
}

void TstCronSchedule::subMinuteInstants()
{
    const CronSchedule s = schedule(QStringLiteral("*/5 * * * *"), QStringLiteral("UTC"));
    QCOMPARE(iso(s.nextAfter(utc(QStringLiteral("2026-01-01T00:04:59Z")))), QStringLiteral("2026-01-01T00:05:00Z"));
    QCOMPARE(iso(s.nextAfter(utc(QStringLiteral("2026-01-01T00:05:00Z")))), QStringLiteral("2026-01-01T00:10:00Z"));
    QCOMPARE(iso(s.previousBefore(utc(QStringLiteral("2026-01-01T00:05:01Z")))), QStringLiteral("2026-01-01T00:05:00Z"));
    QCOMPARE(iso(s.previousBefore(utc(QStringLiteral("2026-01-01T00:05:00Z")))), QStringLiteral("2026-01-01T00:00:00Z"));
    QVERIFY(!s.nextAfter(QDateTime()));
    QVERIFY(!s.previousBefore(QDateTime()));
    // Input in another time spec is the same instant.
    QCOMPARE(iso(s.nextAfter(QDateTime::fromString(QStringLiteral("2026-01-01T01:04:59+01:00"), Qt::ISODate))), QStringLiteral("2026-01-01T00:05:00Z"));
}

void TstCronSchedule::matchesBruteForce()
{
    const QStringList zones{QStringLiteral("Europe/Berlin"), QStringLiteral("America/New_York"), QStringLiteral("Australia/Lord_Howe"),
                            QStringLiteral("Asia/Kolkata"), QStringLiteral("Pacific/Chatham"), QStringLiteral("America/Santiago"),
                            QStringLiteral("Europe/London"), QStringLiteral("UTC")};
    const qint64 rangeFrom = utc(QStringLiteral("2022-01-01T00:00:00Z")).toSecsSinceEpoch();
    const qint64 rangeTo = utc(QStringLiteral("2031-01-01T00:00:00Z")).toSecsSinceEpoch();
    QHash<QString, QList<qint64>> transitions;
    for (const QString &z : zones) {
        const QTimeZone zone(z.toUtf8());
        QVERIFY2(zone.isValid(), qPrintable(QStringLiteral("zone %1 missing: install the Debian package tzdata").arg(z)));
        for (const auto &d : zone.transitions(utcSecs(rangeFrom), utcSecs(rangeTo)))
            transitions[z] << d.atUtc.toSecsSinceEpoch();
    }

    QRandomGenerator rng(20260329);
    constexpr int kCases = 4000;
    constexpr qint64 kHorizonMinutes = 35 * 1440;
    int compared = 0;
    for (int i = 0; i < kCases; ++i) {
        const QString cron = randomCron(rng);
        const QString zoneName = zones[rng.bounded(zones.size())];
        qint64 t0;
        const QList<qint64> &near = transitions[zoneName];
        if (!near.isEmpty() && rng.bounded(2) == 0)
            t0 = near[rng.bounded(near.size())] - rng.bounded(3 * 86400) + rng.bounded(3600);
        else
            t0 = rangeFrom + qint64(rng.bounded(quint64(rangeTo - rangeFrom)));
        if (rng.bounded(2) == 0)
            t0 -= t0 % 60;   // exactly on a minute half of the time
        const CronSchedule s = schedule(cron, zoneName);
        const OffsetTable table(s.zone(), t0 - kHorizonMinutes * 60 - 86400, t0 + kHorizonMinutes * 60 + 86400);
        const Oracle oracle(s.expression(), table);
        const QString where = QStringLiteral("case %1: \"%2\" in %3 from %4").arg(i).arg(cron, zoneName, iso(utcSecs(t0)));

        const auto next = s.nextAfter(utcSecs(t0));
        const auto want = oracle.next(t0, kHorizonMinutes);
        if (want) {
            ++compared;
            QVERIFY2(iso(next) == iso(utcSecs(*want)), qPrintable(where + QStringLiteral(": engine %1, brute force %2").arg(iso(next), iso(utcSecs(*want)))));
            QCOMPARE(iso(s.previousBefore(next->addSecs(60))), iso(next));
            const auto prev = s.previousBefore(*next);
            if (prev) {
                QVERIFY2(prev->toSecsSinceEpoch() <= t0, qPrintable(where));
                QVERIFY2(iso(s.nextAfter(*prev)) == iso(next), qPrintable(where + QStringLiteral(": previous %1").arg(iso(prev))));
            }
        } else {
            QVERIFY2(!next || next->toSecsSinceEpoch() > t0 + kHorizonMinutes * 60, qPrintable(where + QStringLiteral(": engine %1, brute force none").arg(iso(next))));
        }

        const auto before = s.previousBefore(utcSecs(t0));
        const auto wantBefore = oracle.previous(t0, kHorizonMinutes);
        if (wantBefore)
            QVERIFY2(iso(before) == iso(utcSecs(*wantBefore)), qPrintable(where + QStringLiteral(": previous engine %1, brute force %2").arg(iso(before), iso(utcSecs(*wantBefore)))));
        else
            QVERIFY2(!before || before->toSecsSinceEpoch() < t0 - kHorizonMinutes * 60, qPrintable(where + QStringLiteral(": previous engine %1, brute force none").arg(iso(before))));
    }
    QVERIFY2(compared > kCases / 2, qPrintable(QStringLiteral("only %1 cases had a fire within the horizon").arg(compared)));
}

QTEST_GUILESS_MAIN(TstCronSchedule)
#include "tst_cronschedule.moc"
