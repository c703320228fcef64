// WallTimer: fires at a near wall-clock instant (not before), re-arming replaces, the cap wakes first
// and says so, disarm, a past instant fires at once, wake-ups are counted one per wake, and a set
// system clock is reported (TFD_TIMER_CANCEL_ON_SET) — the last by setting the clock to its own time,
// which needs CAP_SYS_TIME.
#include "scheduler/walltimer.h"

#include "core/clock.h"

#include <QSignalSpy>
#include <QTest>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <optional>

using namespace sluice;

class TstWallTimer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void firesAtNearInstant();
    void rearmReplaces();
    void capWakesFirst();
    void pastInstantFiresAtOnce();
    void disarmStopsIt();
    void countsWakeUps();
    void reportsClockSet();
};

namespace {

// Records when each fired() arrived, on the wall clock. The clock of a VM can be set under a test by
// its host: then, as the agent does, the instant armed through arm() is armed again and the set is
// counted (clockSets; each one is a wake-up of its own).
struct FireLog
{
    QList<WallTimer::Wake> wakes;
    QList<qint64> dues;
    QList<qint64> at;
    unsigned clockSets = 0;
    std::optional<qint64> armed;

    explicit FireLog(WallTimer &timer) : m_timer(timer)
    {
        QObject::connect(&timer, &WallTimer::fired, &timer, [this](WallTimer::Wake w, qint64 due) {
            wakes << w;
            dues << due;
            at << nowMs();
            armed.reset();
        });
        QObject::connect(&timer, &WallTimer::clockChanged, &timer, [this] {
            ++clockSets;
            if (armed)
                m_timer.arm(*armed);
        });
    }
    void arm(qint64 due)
    {
        armed = due;
        m_timer.arm(due);
    }

private:
    WallTimer &m_timer;
};

// Sets CLOCK_REALTIME to the time it shows, corrected by the monotonic time spent between reading and
// setting, so the step is a few hundred nanoseconds at most. False (errno set) when not permitted.
bool setClockToItself()
{
    timespec real{};
    timespec before{};
    timespec after{};
    ::clock_gettime(CLOCK_MONOTONIC, &before);
    ::clock_gettime(CLOCK_REALTIME, &real);
    ::clock_gettime(CLOCK_MONOTONIC, &after);
    const auto ns = [](const timespec &t) { return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec; };
    const qint64 target = ns(real) + (ns(after) - ns(before));
    const timespec set{time_t(target / 1'000'000'000), long(target % 1'000'000'000)};
    return ::clock_settime(CLOCK_REALTIME, &set) == 0;
}

} // namespace

void TstWallTimer::initTestCase()
{
    WallTimer timer;
    QVERIFY2(timer.isValid(), qPrintable(timer.errorString()));
    QCOMPARE(timer.maxSleepMs(), 60'000);
    QVERIFY(!timer.isArmed());
}

void TstWallTimer::firesAtNearInstant()
{
    WallTimer timer;
    FireLog log(timer);
    const qint64 due = nowMs() + 150;
    log.arm(due);
    QVERIFY(timer.isArmed());
    QCOMPARE(timer.dueMs(), std::optional(due));
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 1, 5000);
    QCOMPARE(log.wakes.first(), WallTimer::Wake::Due);
    QCOMPARE(log.dues.first(), due);
    QVERIFY2(log.at.first() >= due, qPrintable(QStringLiteral("fired %1 ms early").arg(due - log.at.first())));
    QVERIFY(!timer.isArmed());
    QCOMPARE(timer.wakeUps(), 1u + log.clockSets);
}

void TstWallTimer::rearmReplaces()
{
    WallTimer timer;
    FireLog log(timer);
    const qint64 first = nowMs() + 100;
    const qint64 second = first + 300;
    log.arm(first);
    log.arm(second);
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 1, 5000);
    QCOMPARE(log.dues.first(), second);
    QVERIFY2(log.at.first() >= second, "fired at the replaced instant");
    // Re-arming to an earlier instant works too.
    const qint64 later = nowMs() + 5000;
    const qint64 sooner = nowMs() + 100;
    log.arm(later);
    log.arm(sooner);
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 2, 3000);
    QCOMPARE(log.dues.last(), sooner);
    QCOMPARE(timer.wakeUps(), 2u + log.clockSets);
}

void TstWallTimer::capWakesFirst()
{
    WallTimer timer;
    timer.setMaxSleepMs(200);
    FireLog log(timer);
    const qint64 armedAt = nowMs();
    const qint64 due = armedAt + 3'600'000;
    log.arm(due);
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 1, 5000);
    QCOMPARE(log.wakes.first(), WallTimer::Wake::Cap);
    QCOMPARE(log.dues.first(), due);
    QVERIFY2(log.at.first() >= armedAt + 200, qPrintable(QStringLiteral("woke after %1 ms").arg(log.at.first() - armedAt)));
    QVERIFY(!timer.isArmed());
    // The default cap (60 s) applies when not configured: a due an hour away is not slept to.
    WallTimer plain;
    QCOMPARE(plain.maxSleepMs(), WallTimer::kDefaultMaxSleepMs);
}

void TstWallTimer::pastInstantFiresAtOnce()
{
    WallTimer timer;
    FireLog log(timer);
    const qint64 due = nowMs() - 10'000;
    timer.arm(due);
    QCOMPARE(log.wakes.size(), 0);   // asynchronously, from the event loop
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 1, 2000);
    QCOMPARE(log.wakes.first(), WallTimer::Wake::Due);
    QCOMPARE(log.dues.first(), due);
}

void TstWallTimer::disarmStopsIt()
{
    WallTimer timer;
    FireLog log(timer);
    timer.arm(nowMs() + 100);
    timer.disarm();
    QVERIFY(!timer.isArmed());
    // A second timer set well after the first one's instant tells when to look.
    WallTimer witness;
    FireLog witnessLog(witness);
    witnessLog.arm(nowMs() + 400);
    QTRY_COMPARE_WITH_TIMEOUT(witnessLog.wakes.size(), 1, 5000);
    QCOMPARE(log.wakes.size(), 0);
    QCOMPARE(timer.wakeUps(), 0u);
    // Disarming an instant that has already expired but not been delivered drops it too.
    timer.arm(nowMs() - 1);
    timer.disarm();
    witnessLog.arm(nowMs() + 100);
    QTRY_COMPARE_WITH_TIMEOUT(witnessLog.wakes.size(), 2, 5000);
    QCOMPARE(log.wakes.size(), 0);
}

void TstWallTimer::countsWakeUps()
{
    WallTimer timer;
    timer.setMaxSleepMs(50);
    FireLog log(timer);
    const qint64 due = nowMs() + 3'600'000;
    connect(&timer, &WallTimer::fired, this, [&](WallTimer::Wake, qint64) {
        if (log.wakes.size() < 5)
            log.arm(due);
    });
    log.arm(due);
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 5, 5000);
    QVERIFY(!timer.isArmed());
    QCOMPARE(timer.wakeUps(), 5u + log.clockSets);
    QVERIFY(std::all_of(log.wakes.begin(), log.wakes.end(), [](WallTimer::Wake w) { return w == WallTimer::Wake::Cap; }));
}

void TstWallTimer::reportsClockSet()
{
    WallTimer timer;
    FireLog log(timer);
    QSignalSpy changed(&timer, &WallTimer::clockChanged);
    timer.arm(nowMs() + 3'600'000);
    // Set the clock to the time it already shows (a step of microseconds): the kernel treats any set as
    // a clock change. Needs CAP_SYS_TIME (root in a VM or a privileged container).
    if (!setClockToItself()) {
        if (errno == EPERM)
            QSKIP("setting the system clock needs CAP_SYS_TIME; clock-change detection is not exercised here");
        QFAIL(qPrintable(QStringLiteral("clock_settime failed: %1").arg(QString::fromLocal8Bit(std::strerror(errno)))));
    }
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
    QCOMPARE(log.wakes.size(), 0);
    QVERIFY(!timer.isArmed());
    QCOMPARE(timer.wakeUps(), 1u);

    // Disarmed, a clock set is not reported (and re-arming after one works as before).
    QVERIFY(setClockToItself());
    timer.arm(nowMs() + 100);
    QTRY_COMPARE_WITH_TIMEOUT(log.wakes.size(), 1, 5000);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(log.wakes.first(), WallTimer::Wake::Due);

    // A set not read yet when the timer is re-armed is still reported; disarming drops it.
    timer.arm(nowMs() + 3'600'000);
    QVERIFY(setClockToItself());
    timer.arm(nowMs() + 3'600'000);
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 5000);
    timer.arm(nowMs() + 3'600'000);
    QVERIFY(setClockToItself());
    timer.disarm();
    WallTimer witness;
    FireLog witnessLog(witness);
    witness.arm(nowMs() + 200);
    QTRY_COMPARE_WITH_TIMEOUT(witnessLog.wakes.size(), 1, 5000);
    QCOMPARE(changed.count(), 2);
    QCOMPARE(log.wakes.size(), 1);
}

QTEST_GUILESS_MAIN(TstWallTimer)
#include "tst_walltimer.moc"
