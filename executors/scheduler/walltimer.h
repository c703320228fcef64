#pragma once

#include <QObject>

#include <optional>

class QSocketNotifier;

namespace sluice {

// A one-shot timer on the wall clock (Linux timerfd, CLOCK_REALTIME, absolute), for the agent to sleep
// until the next due slot without a polling loop:
// - it never sleeps longer than maxSleepMs() (60 s by default): a far due instant wakes it at the cap
//   first, so the owner re-checks (DESIGN.md §1: "never waits more than 60 s without re-checking");
// - it notices when the system clock is set (TFD_TIMER_CANCEL_ON_SET) while armed;
// - an instant passed while the machine was suspended fires on resume.
// Every wake-up (a readable timerfd) is counted in wakeUps(), for the idle benchmark.
class WallTimer : public QObject
{
    Q_OBJECT

public:
    enum class Wake {
        Due,   // the wall clock reached the armed instant
        Cap,   // maxSleepMs() passed first; the due instant is still ahead
    };
    Q_ENUM(Wake)

    static constexpr qint64 kDefaultMaxSleepMs = 60'000;

    explicit WallTimer(QObject *parent = nullptr);
    ~WallTimer() override;

    // False when the timerfd could not be created; errorString() says why. arm() then does nothing.
    [[nodiscard]] bool isValid() const { return m_fd >= 0; }
    [[nodiscard]] const QString &errorString() const { return m_error; }

    // Takes effect at the next arm() (>= 1 ms).
    void setMaxSleepMs(qint64 ms);
    [[nodiscard]] qint64 maxSleepMs() const { return m_maxSleepMs; }

    // Arms (or re-arms: replaces any earlier instant) for the UTC epoch instant dueUtcMs. An instant in
    // the past fires at once (asynchronously). Exactly one fired() or clockChanged() follows an arm()
    // unless disarm() or another arm() comes first.
    void arm(qint64 dueUtcMs);
    // Nothing fires until the next arm().
    void disarm();
    [[nodiscard]] bool isArmed() const { return m_due.has_value(); }
    [[nodiscard]] std::optional<qint64> dueMs() const { return m_due; }

    // How many times the timer woke the process (fired or clock change) since construction.
    quint64 wakeUps() const { return m_wakeUps; }

Q_SIGNALS:
    // The timer woke: at the due instant or at the cap (`wake` says which). The timer is disarmed.
    void fired(sluice::WallTimer::Wake wake, qint64 dueUtcMs);
    // The system clock was set while armed (also reported when arm() finds a set not yet reported; that
    // arm() is then dropped). The timer is disarmed: slots may now be due or far away, so the owner
    // re-plans and re-arms.
    void clockChanged();

private:
    void handleReadable();
    void reportPendingClockSet();
    bool program(qint64 atUtcMs);

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QString m_error;
    qint64 m_maxSleepMs = kDefaultMaxSleepMs;
    std::optional<qint64> m_due;
    bool m_clockSetPending = false;   // found by arm(), reported from the event loop
    quint64 m_wakeUps = 0;
};

} // namespace sluice
