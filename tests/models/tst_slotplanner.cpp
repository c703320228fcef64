// SlotPlanner: which slots run and which are recorded as skipped after downtime, suspend or a clock
// jump (policies once / skip / all with its cap), the on-time grace boundary, DST gap and repeated hour,
// a backwards clock, months-long gaps without allocating a slot per minute — and a property test that
// every due slot is either run or skipped, exactly once. ScheduleQueue against a sorted reference.
#include "schedule/slotplanner.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>

#include <algorithm>
#include <map>

using namespace sluice;

namespace {

qint64 ms(const QString &iso)
{
    const QDateTime t = QDateTime::fromString(iso, Qt::ISODateWithMs);
    if (!t.isValid())
        qFatal("bad test instant %s", qPrintable(iso));
    return t.toMSecsSinceEpoch();
}

QString iso(qint64 msSinceEpoch)
{
    return QDateTime::fromMSecsSinceEpoch(msSinceEpoch, Qt::UTC).toString(Qt::ISODate);
}

QString iso(const std::optional<qint64> &t)
{
    return t ? iso(*t) : QStringLiteral("none");
}

CronSchedule schedule(const QString &cron, const QString &zone)
{
    auto s = CronSchedule::parse(cron, zone);
    if (!s)
        qFatal("bad test schedule %s %s: %s", qPrintable(cron), qPrintable(zone), qPrintable(s.error().message));
    return *s;
}

QString describe(const PlannedSlot &p)
{
    return iso(p.atMs) + (p.trigger == SlotTrigger::OnTime ? QStringLiteral(" on-time") : QStringLiteral(" catch-up"));
}

QStringList describe(const QList<PlannedSlot> &slots)
{
    QStringList out;
    for (const PlannedSlot &p : slots)
        out << describe(p);
    return out;
}

// "from" to "to" inclusive every `stepMinutes`, each described with `trigger`: the expected lists,
// computed here by plain UTC arithmetic (valid for schedules in UTC only).
QStringList every(const QString &from, const QString &to, int stepMinutes, const QString &trigger)
{
    QStringList out;
    for (qint64 t = ms(from); t <= ms(to); t += qint64(stepMinutes) * 60'000)
        out << iso(t) + QLatin1Char(' ') + trigger;
    return out;
}

// Every slot in (after, upTo], by walking the engine one slot at a time.
QList<qint64> slotsBetween(const CronSchedule &s, qint64 after, qint64 upTo)
{
    QList<qint64> out;
    SlotPlanner walker(s, MissedPolicy::Skip);
    for (auto t = walker.nextAfter(after); t && *t <= upTo; t = walker.nextAfter(*t))
        out << *t;
    return out;
}

} // namespace

class TstSlotPlanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void plans_data();
    void plans();
    void reasonNamesCause_data();
    void reasonNamesCause();
    void monthsOfMinutesStayBounded();
    void cursorWalksRangeInBatches();
    void everyDueSlotRunOrSkippedOnce();
    void queueOrdersManyPipelines();
    void queueUpdateAndRemove();
};

void TstSlotPlanner::plans_data()
{
    QTest::addColumn<QString>("cron");
    QTest::addColumn<QString>("zone");
    QTest::addColumn<MissedPolicy>("policy");
    QTest::addColumn<int>("cap");
    QTest::addColumn<qint64>("graceMs");
    QTest::addColumn<QString>("resume");
    QTest::addColumn<QString>("now");
    QTest::addColumn<QStringList>("runs");
    QTest::addColumn<QString>("skippedFirst");   // empty: nothing skipped
    QTest::addColumn<QString>("skippedLast");
    QTest::addColumn<qint64>("skippedCount");
    QTest::addColumn<QString>("reason");         // a part the reason must contain
    QTest::addColumn<QString>("next");
    QTest::addColumn<bool>("clockWentBack");

    const QString utc = QStringLiteral("UTC");
    const QString every5 = QStringLiteral("*/5 * * * *");
    const qint64 grace = SlotPlanner::kDefaultGraceMs;
    const QString none;

    // Down for 8 hours after the 00:00 slot; started at 08:02, so 00:05 … 08:00 (96 slots) were missed.
    QTest::newRow("8h down, once: 1 catch-up, 95 skipped")
        << every5 << utc << MissedPolicy::Once << 50 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:02:00Z"
        << QStringList{"2026-03-10T08:00:00Z catch-up"} << "2026-03-10T00:05:00Z" << "2026-03-10T07:55:00Z" << qint64(95)
        << "policy once runs only the latest missed slot" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("8h down, skip: nothing runs, 96 skipped")
        << every5 << utc << MissedPolicy::Skip << 50 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:02:00Z"
        << QStringList{} << "2026-03-10T00:05:00Z" << "2026-03-10T08:00:00Z" << qint64(96)
        << "policy skip" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("8h down, all capped at 50: the latest 50 run oldest first, 46 skipped")
        << every5 << utc << MissedPolicy::All << 50 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:02:00Z"
        << every(QStringLiteral("2026-03-10T03:55:00Z"), QStringLiteral("2026-03-10T08:00:00Z"), 5, QStringLiteral("catch-up"))
        << "2026-03-10T00:05:00Z" << "2026-03-10T03:50:00Z" << qint64(46)
        << "more than 50 slots were missed" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("8h down, all under its cap: all 96 run")
        << every5 << utc << MissedPolicy::All << 100 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:02:00Z"
        << every(QStringLiteral("2026-03-10T00:05:00Z"), QStringLiteral("2026-03-10T08:00:00Z"), 5, QStringLiteral("catch-up"))
        << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("all with cap 0 skips every missed slot")
        << every5 << utc << MissedPolicy::All << 0 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T00:32:00Z"
        << QStringList{} << "2026-03-10T00:05:00Z" << "2026-03-10T00:30:00Z" << qint64(6)
        << "only the latest 0" << "2026-03-10T00:35:00Z" << false;
    // Started 30 s after the 08:00 slot: it runs on time, and under `once` it is the one run.
    QTest::newRow("8h down, once, latest slot on time: it is the only run")
        << every5 << utc << MissedPolicy::Once << 50 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:00:30Z"
        << QStringList{"2026-03-10T08:00:00Z on-time"} << "2026-03-10T00:05:00Z" << "2026-03-10T07:55:00Z" << qint64(95)
        << "a later slot ran on time" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("8h down, all, latest on time: 50 catch-ups then the on-time slot")
        << every5 << utc << MissedPolicy::All << 50 << grace << "2026-03-10T00:00:00Z" << "2026-03-10T08:00:30Z"
        << every(QStringLiteral("2026-03-10T03:50:00Z"), QStringLiteral("2026-03-10T07:55:00Z"), 5, QStringLiteral("catch-up"))
               + QStringList{"2026-03-10T08:00:00Z on-time"}
        << "2026-03-10T00:05:00Z" << "2026-03-10T03:45:00Z" << qint64(45)
        << "policy all" << "2026-03-10T08:05:00Z" << false;

    // The on-time boundary: a slot less than `grace` old is on time; exactly `grace` old is missed.
    QTest::newRow("grace: 1 ms short of 60 s is on time")
        << every5 << utc << MissedPolicy::Skip << 50 << grace << "2026-03-10T07:55:00Z" << "2026-03-10T08:00:59.999Z"
        << QStringList{"2026-03-10T08:00:00Z on-time"} << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("grace: exactly 60 s is missed (skip)")
        << every5 << utc << MissedPolicy::Skip << 50 << grace << "2026-03-10T07:55:00Z" << "2026-03-10T08:01:00Z"
        << QStringList{} << "2026-03-10T08:00:00Z" << "2026-03-10T08:00:00Z" << qint64(1)
        << "policy skip" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("grace: exactly 60 s is missed (once catches it up)")
        << every5 << utc << MissedPolicy::Once << 50 << grace << "2026-03-10T07:55:00Z" << "2026-03-10T08:01:00Z"
        << QStringList{"2026-03-10T08:00:00Z catch-up"} << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("grace: the slot at now itself is on time")
        << every5 << utc << MissedPolicy::Skip << 50 << grace << "2026-03-10T07:55:00Z" << "2026-03-10T08:00:00Z"
        << QStringList{"2026-03-10T08:00:00Z on-time"} << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("grace of 5 min: 08:00 on time, 07:55 missed")
        << every5 << utc << MissedPolicy::Skip << 50 << qint64(300'000) << "2026-03-10T07:40:00Z" << "2026-03-10T08:03:00Z"
        << QStringList{"2026-03-10T08:00:00Z on-time"} << "2026-03-10T07:45:00Z" << "2026-03-10T07:55:00Z" << qint64(3)
        << "policy skip" << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("grace 0: every due slot is missed")
        << every5 << utc << MissedPolicy::Skip << 50 << qint64(0) << "2026-03-10T07:55:00Z" << "2026-03-10T08:00:00Z"
        << QStringList{} << "2026-03-10T08:00:00Z" << "2026-03-10T08:00:00Z" << qint64(1)
        << "policy skip" << "2026-03-10T08:05:00Z" << false;

    QTest::newRow("nothing due: only the next instant")
        << every5 << utc << MissedPolicy::Once << 50 << grace << "2026-03-10T08:00:00Z" << "2026-03-10T08:04:59Z"
        << QStringList{} << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("resume between slots, ms precision: the slot after it is due")
        << every5 << utc << MissedPolicy::Skip << 50 << grace << "2026-03-10T07:59:59.999Z" << "2026-03-10T08:00:00.001Z"
        << QStringList{"2026-03-10T08:00:00Z on-time"} << none << none << qint64(0) << none << "2026-03-10T08:05:00Z" << false;
    QTest::newRow("clock back by an hour: nothing runs, next from now")
        << every5 << utc << MissedPolicy::All << 50 << grace << "2026-03-10T08:00:00Z" << "2026-03-10T07:02:00Z"
        << QStringList{} << none << none << qint64(0) << none << "2026-03-10T07:05:00Z" << true;
    QTest::newRow("clock back by 1 ms")
        << every5 << utc << MissedPolicy::Once << 50 << grace << "2026-03-10T08:00:00Z" << "2026-03-10T07:59:59.999Z"
        << QStringList{} << none << none << qint64(0) << none << "2026-03-10T08:00:00Z" << true;

    // Berlin springs forward on 2026-03-29 at 01:00 UTC (02:00 CET → 03:00 CEST): a fixed 02:30 fires
    // once right after the gap, at 01:00 UTC; the day before it fired at 01:30 UTC.
    const QString berlin = QStringLiteral("Europe/Berlin");
    QTest::newRow("DST gap, once: the gap slot is the latest missed")
        << "30 2 * * *" << berlin << MissedPolicy::Once << 50 << grace << "2026-03-27T12:00:00Z" << "2026-03-29T05:00:00Z"
        << QStringList{"2026-03-29T01:00:00Z catch-up"} << "2026-03-28T01:30:00Z" << "2026-03-28T01:30:00Z" << qint64(1)
        << "policy once" << "2026-03-30T00:30:00Z" << false;
    QTest::newRow("DST gap, the gap slot on time right after the jump")
        << "30 2 * * *" << berlin << MissedPolicy::Skip << 50 << grace << "2026-03-28T12:00:00Z" << "2026-03-29T01:00:30Z"
        << QStringList{"2026-03-29T01:00:00Z on-time"} << none << none << qint64(0) << none << "2026-03-30T00:30:00Z" << false;
    QTest::newRow("DST gap, resumed 1 s before the jump: the gap slot is still due")
        << "30 2 * * *" << berlin << MissedPolicy::Skip << 50 << grace << "2026-03-29T00:59:59Z" << "2026-03-29T01:05:00Z"
        << QStringList{} << "2026-03-29T01:00:00Z" << "2026-03-29T01:00:00Z" << qint64(1)
        << "policy skip" << "2026-03-30T00:30:00Z" << false;
    QTest::newRow("DST gap, 1 s before the jump the gap slot is next")
        << "30 2 * * *" << berlin << MissedPolicy::Skip << 50 << grace << "2026-03-29T00:59:00Z" << "2026-03-29T00:59:59.500Z"
        << QStringList{} << none << none << qint64(0) << none << "2026-03-29T01:00:00Z" << false;
    QTest::newRow("DST gap, several gap times collapse into one slot")
        << "0,15,30,45 2 * * *" << berlin << MissedPolicy::All << 50 << grace << "2026-03-28T23:00:00Z" << "2026-03-29T02:00:00Z"
        << QStringList{"2026-03-29T01:00:00Z catch-up"} << none << none << qint64(0) << none << "2026-03-30T00:00:00Z" << false;
    // Berlin falls back on 2026-10-25 at 01:00 UTC (03:00 CEST → 02:00 CET): 02:00-02:59 happen twice.
    QTest::newRow("DST repeat, fixed time: the repeated 02:30 is one slot")
        << "30 2 * * *" << berlin << MissedPolicy::All << 50 << grace << "2026-10-24T12:00:00Z" << "2026-10-25T03:00:00Z"
        << QStringList{"2026-10-25T00:30:00Z catch-up"} << none << none << qint64(0) << none << "2026-10-26T01:30:00Z" << false;
    QTest::newRow("DST repeat, wall-clock schedule: the repeated hour counts twice")
        << "*/30 * * * *" << berlin << MissedPolicy::Skip << 50 << grace << "2026-10-24T23:00:00Z" << "2026-10-25T02:10:00Z"
        << QStringList{} << "2026-10-24T23:30:00Z" << "2026-10-25T02:00:00Z" << qint64(6)
        << "policy skip" << "2026-10-25T02:30:00Z" << false;
    QTest::newRow("DST repeat, wall-clock schedule, once: the second 02:30 is the latest")
        << "*/30 2 * * *" << berlin << MissedPolicy::Once << 50 << grace << "2026-10-24T12:00:00Z" << "2026-10-25T03:00:00Z"
        << QStringList{"2026-10-25T01:30:00Z catch-up"} << "2026-10-25T00:00:00Z" << "2026-10-25T01:00:00Z" << qint64(3)
        << "policy once" << "2026-10-26T01:00:00Z" << false;
}

void TstSlotPlanner::plans()
{
    QFETCH(QString, cron);
    QFETCH(QString, zone);
    QFETCH(MissedPolicy, policy);
    QFETCH(int, cap);
    QFETCH(qint64, graceMs);
    QFETCH(QString, resume);
    QFETCH(QString, now);
    QFETCH(QStringList, runs);
    QFETCH(QString, skippedFirst);
    QFETCH(QString, skippedLast);
    QFETCH(qint64, skippedCount);
    QFETCH(QString, reason);
    QFETCH(QString, next);
    QFETCH(bool, clockWentBack);

    SlotPlanner planner(schedule(cron, zone), policy);
    planner.setCatchUpCap(cap);
    planner.setGraceMs(graceMs);
    const SlotPlan plan = planner.plan(ms(resume), ms(now));

    QCOMPARE(describe(plan.toRun), runs);
    QCOMPARE(plan.clockWentBack, clockWentBack);
    QCOMPARE(iso(plan.nextDueMs), next);
    QCOMPARE(plan.resumeAfterMs, ms(now));
    if (skippedFirst.isEmpty()) {
        QVERIFY2(plan.skipped.isEmpty(), qPrintable(iso(plan.skipped.firstMs) + QStringLiteral("..") + iso(plan.skipped.lastMs)));
    } else {
        QVERIFY(!plan.skipped.isEmpty());
        QCOMPARE(iso(plan.skipped.firstMs), skippedFirst);
        QCOMPARE(iso(plan.skipped.lastMs), skippedLast);
        QVERIFY2(plan.skipped.reason.contains(reason), qPrintable(plan.skipped.reason));
    }
    SlotCursor cursor = planner.cursor(plan.skipped);
    QCOMPARE(cursor.countRemaining(), skippedCount);
    // Skipped slots are all older than every slot that runs.
    if (!plan.skipped.isEmpty() && !plan.toRun.isEmpty())
        QVERIFY(plan.skipped.lastMs < plan.toRun.first().atMs);
}

void TstSlotPlanner::reasonNamesCause_data()
{
    QTest::addColumn<MissedCause>("cause");
    QTest::addColumn<QString>("words");
    QTest::newRow("unknown") << MissedCause::Unknown << "missed: policy once runs only the latest missed slot";
    QTest::newRow("no agent") << MissedCause::NoAgent << "missed while no agent was running: policy once runs only the latest missed slot";
    QTest::newRow("asleep") << MissedCause::Asleep << "missed while the machine was asleep: policy once runs only the latest missed slot";
    QTest::newRow("clock") << MissedCause::ClockChanged << "missed when the system clock was changed: policy once runs only the latest missed slot";
}

void TstSlotPlanner::reasonNamesCause()
{
    QFETCH(MissedCause, cause);
    QFETCH(QString, words);
    SlotPlanner planner(schedule(QStringLiteral("*/5 * * * *"), QStringLiteral("UTC")), MissedPolicy::Once);
    const SlotPlan plan = planner.plan(ms(QStringLiteral("2026-03-10T00:00:00Z")), ms(QStringLiteral("2026-03-10T08:02:00Z")), cause);
    QCOMPARE(plan.skipped.reason, words);
}

// Five months of an every-minute schedule: the plan is a handful of cron searches whatever the policy,
// and the skipped slots are a range that a cursor walks in bounded batches.
void TstSlotPlanner::monthsOfMinutesStayBounded()
{
    const CronSchedule everyMinute = schedule(QStringLiteral("* * * * *"), QStringLiteral("UTC"));
    const qint64 resume = ms(QStringLiteral("2026-01-01T00:00:00Z"));
    const qint64 now = ms(QStringLiteral("2026-06-01T00:00:30Z"));
    const qint64 missed = (now - 30'000 - resume) / 60'000 - 1;   // 00:01 on Jan 1 … 23:59 on May 31
    QCOMPARE(missed, qint64(151) * 1440 - 1);

    for (MissedPolicy policy : {MissedPolicy::Skip, MissedPolicy::Once, MissedPolicy::All}) {
        SlotPlanner planner(everyMinute, policy);
        QElapsedTimer timer;
        timer.start();
        const SlotPlan plan = planner.plan(resume, now);
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QStringLiteral("planning took %1 ms").arg(timer.elapsed())));
        QCOMPARE(plan.toRun.last(), (PlannedSlot{ms(QStringLiteral("2026-06-01T00:00:00Z")), SlotTrigger::OnTime}));
        QCOMPARE(iso(plan.skipped.firstMs), QStringLiteral("2026-01-01T00:01:00Z"));
        QVERIFY(plan.toRun.size() <= SlotPlanner::kDefaultCatchUpCap + 1);
        if (policy == MissedPolicy::All) {
            QCOMPARE(plan.toRun.size(), SlotPlanner::kDefaultCatchUpCap + 1);
            QCOMPARE(iso(plan.toRun.first().atMs), QStringLiteral("2026-05-31T23:10:00Z"));
        }
    }

    // Walk the skip plan's range in batches of at most 5,000: every missed slot comes out once, in order.
    SlotPlanner planner(everyMinute, MissedPolicy::Skip);
    const SlotPlan plan = planner.plan(resume, now);
    SlotCursor cursor = planner.cursor(plan.skipped);
    qint64 count = 0;
    qint64 previous = resume;
    for (;;) {
        const QList<qint64> batch = cursor.nextBatch(5000);
        QVERIFY(batch.size() <= 5000);
        if (batch.isEmpty())
            break;
        QCOMPARE(batch.first(), previous + 60'000);
        QCOMPARE(batch.last(), batch.first() + (batch.size() - 1) * 60'000);
        previous = batch.last();
        count += batch.size();
    }
    QCOMPARE(count, missed);
    QCOMPARE(iso(previous), QStringLiteral("2026-05-31T23:59:00Z"));
}

void TstSlotPlanner::cursorWalksRangeInBatches()
{
    const CronSchedule s = schedule(QStringLiteral("0 */6 * * *"), QStringLiteral("UTC"));
    // Bounds are inclusive and need not be slots themselves.
    SlotCursor cursor(s, ms(QStringLiteral("2026-03-10T00:00:00Z")), ms(QStringLiteral("2026-03-11T06:00:00Z")));
    QCOMPARE(cursor.nextBatch(2), (QList<qint64>{ms(QStringLiteral("2026-03-10T00:00:00Z")), ms(QStringLiteral("2026-03-10T06:00:00Z"))}));
    QCOMPARE(cursor.next(), std::optional<qint64>(ms(QStringLiteral("2026-03-10T12:00:00Z"))));
    QCOMPARE(cursor.nextBatch(10).size(), 3);   // 18:00, 00:00, 06:00
    QCOMPARE(cursor.next(), std::nullopt);
    QVERIFY(cursor.nextBatch(10).isEmpty());

    SlotCursor between(s, ms(QStringLiteral("2026-03-10T00:00:01Z")), ms(QStringLiteral("2026-03-10T05:59:59Z")));
    QCOMPARE(between.next(), std::nullopt);
    SlotCursor empty(s, SkippedSlots{});
    QCOMPARE(empty.countRemaining(), qint64(0));
}

// For random schedules, zones, gaps and policies: run ∪ skipped is exactly the due slots, each once;
// skipped ones are older than run ones; on-time and catch-up are told apart by the grace.
void TstSlotPlanner::everyDueSlotRunOrSkippedOnce()
{
    const QStringList crons{QStringLiteral("*/7 * * * *"), QStringLiteral("30 2 * * *"), QStringLiteral("*/20 1-3 * * *"),
                            QStringLiteral("0 * * * *"), QStringLiteral("15,45 */2 * * 1-5")};
    const QStringList zones{QStringLiteral("Europe/Berlin"), QStringLiteral("America/New_York"),
                            QStringLiteral("Australia/Lord_Howe"), QStringLiteral("Asia/Kolkata")};
    QRandomGenerator rng(4242);
    const qint64 base = ms(QStringLiteral("2026-01-01T00:00:00Z"));
    for (int i = 0; i < 300; ++i) {
        const QString cron = crons[int(rng.bounded(crons.size()))];
        const CronSchedule s = schedule(cron, zones[int(rng.bounded(zones.size()))]);
        const auto policy = MissedPolicy(rng.bounded(3));
        const qint64 resume = base + qint64(rng.bounded(365 * 24 * 60)) * 60'000 + rng.bounded(60'000);
        const qint64 now = resume + qint64(rng.bounded(3 * 24 * 60)) * 60'000 + rng.bounded(60'000);
        SlotPlanner planner(s, policy);
        planner.setCatchUpCap(int(rng.bounded(8)));
        planner.setGraceMs(qint64(rng.bounded(4)) * 60'000);
        const SlotPlan plan = planner.plan(resume, now);
        const QString where = QStringLiteral("case %1: %2 %3 policy %4 resume %5 now %6")
                                  .arg(i)
                                  .arg(cron, QString::fromUtf8(s.zone().id()), toString(policy), iso(resume), iso(now));

        QList<qint64> covered;
        SlotCursor cursor = planner.cursor(plan.skipped);
        while (auto t = cursor.next())
            covered << *t;
        for (const PlannedSlot &p : plan.toRun) {
            QVERIFY2(covered.isEmpty() || covered.last() < p.atMs, qPrintable(where));
            covered << p.atMs;
            const bool onTime = now - p.atMs < planner.graceMs();
            QVERIFY2(onTime == (p.trigger == SlotTrigger::OnTime), qPrintable(where));
        }
        const QList<qint64> due = slotsBetween(s, resume, now);
        auto list = [](const QList<qint64> &l) {
            QStringList out;
            for (qint64 t : l)
                out << iso(t);
            return out.join(QLatin1Char(' '));
        };
        QVERIFY2(covered == due, qPrintable(where + QStringLiteral(": run or skipped ") + list(covered) + QStringLiteral(", due ") + list(due)));
        const int catchUps = int(std::count_if(plan.toRun.begin(), plan.toRun.end(),
                                               [](const PlannedSlot &p) { return p.trigger == SlotTrigger::CatchUp; }));
        if (policy == MissedPolicy::Skip)
            QVERIFY2(catchUps == 0, qPrintable(where));
        else if (policy == MissedPolicy::Once)
            QVERIFY2(catchUps <= 1, qPrintable(where));
        else
            QVERIFY2(catchUps <= planner.catchUpCap(), qPrintable(where));
        QVERIFY2(plan.skipped.isEmpty() || !plan.skipped.reason.isEmpty(), qPrintable(where));
        QCOMPARE(plan.nextDueMs, planner.nextAfter(now));
    }
}

void TstSlotPlanner::queueOrdersManyPipelines()
{
    ScheduleQueue queue;
    std::map<qint64, qint64> reference;   // pipelineId -> due
    QRandomGenerator rng(7);
    const qint64 base = ms(QStringLiteral("2026-03-10T00:00:00Z"));
    for (qint64 id = 1; id <= 1500; ++id) {
        const qint64 due = base + qint64(rng.bounded(86'400)) * 1000;
        queue.set(id, due);
        reference[id] = due;
    }
    for (int i = 0; i < 5000; ++i) {
        const qint64 id = 1 + rng.bounded(1600);
        if (rng.bounded(4) == 0) {
            QCOMPARE(queue.remove(id), reference.erase(id) == 1);
        } else {
            const qint64 due = base + qint64(rng.bounded(86'400)) * 1000;
            queue.set(id, due);
            reference[id] = due;
        }
    }
    QList<ScheduleQueue::Entry> sorted;
    for (const auto &[id, due] : reference)
        sorted.append({due, id});
    std::sort(sorted.begin(), sorted.end(), [](const auto &a, const auto &b) {
        return std::pair(a.dueMs, a.pipelineId) < std::pair(b.dueMs, b.pipelineId);
    });
    QCOMPARE(queue.size(), qsizetype(reference.size()));
    QCOMPARE(queue.first(int(sorted.size()) + 5), sorted);
    QCOMPARE(queue.earliest(), std::optional(sorted.first()));
    const qint64 noon = base + 12 * 3600 * 1000;
    const auto dueByNoon = std::count_if(sorted.begin(), sorted.end(), [&](const auto &e) { return e.dueMs <= noon; });
    QCOMPARE(queue.dueBy(noon), sorted.first(dueByNoon));
    for (const auto &[id, due] : reference)
        QCOMPARE(queue.dueOf(id), std::optional(due));
}

void TstSlotPlanner::queueUpdateAndRemove()
{
    ScheduleQueue queue;
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.earliest(), std::nullopt);
    queue.set(1, 300);
    queue.set(2, 100);
    queue.set(3, 200);
    QCOMPARE(queue.earliest(), (std::optional(ScheduleQueue::Entry{100, 2})));
    queue.set(2, 400);   // moved later: 3 is now first
    QCOMPARE(queue.earliest(), (std::optional(ScheduleQueue::Entry{200, 3})));
    QCOMPARE(queue.size(), 3);
    queue.set(1, 200);   // a tie is ordered by id
    QCOMPARE(queue.first(2), (QList<ScheduleQueue::Entry>{{200, 1}, {200, 3}}));
    QVERIFY(queue.remove(1));
    QVERIFY(!queue.remove(1));
    QCOMPARE(queue.dueOf(1), std::nullopt);
    QCOMPARE(queue.dueBy(399), (QList<ScheduleQueue::Entry>{{200, 3}}));
    queue.clear();
    QVERIFY(queue.isEmpty());
    QCOMPARE(queue.earliest(), std::nullopt);
}

QTEST_GUILESS_MAIN(TstSlotPlanner)
#include "tst_slotplanner.moc"
