#include "scheduler/walltimer.h"

#include "core/clock.h"

#include <QLoggingCategory>
#include <QSocketNotifier>

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sluice {

Q_LOGGING_CATEGORY(lcExecScheduler, "sluice.exec.scheduler", QtInfoMsg)

WallTimer::WallTimer(QObject *parent)
    : QObject(parent)
{
    m_fd = ::timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
    if (m_fd < 0) {
        m_error = QStringLiteral("cannot create a wall-clock timer (timerfd_create): %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        qCWarning(lcExecScheduler).noquote() << m_error;
        return;
    }
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &WallTimer::handleReadable);
}

WallTimer::~WallTimer()
{
    if (m_fd >= 0) {
        m_notifier->setEnabled(false);
        ::close(m_fd);
    }
}

void WallTimer::setMaxSleepMs(qint64 ms)
{
    m_maxSleepMs = std::max<qint64>(1, ms);
}

bool WallTimer::program(qint64 atUtcMs)
{
    itimerspec spec{};
    if (atUtcMs > 0) {
        spec.it_value.tv_sec = atUtcMs / 1000;
        spec.it_value.tv_nsec = (atUtcMs % 1000) * 1'000'000;
        if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0)
            spec.it_value.tv_nsec = 1;   // all zero would disarm
    }
    const int flags = atUtcMs > 0 ? (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET) : 0;
    if (::timerfd_settime(m_fd, flags, &spec, nullptr) != 0) {
        m_error = QStringLiteral("cannot arm the wall-clock timer (timerfd_settime): %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        qCWarning(lcExecScheduler).noquote() << m_error;
        return false;
    }
    return true;
}

void WallTimer::arm(qint64 dueUtcMs)
{
    if (m_fd < 0)
        return;
    // An instant at or before the epoch is "now": timerfd treats an all-zero value as disarm.
    const qint64 due = std::max<qint64>(1, dueUtcMs);
    const qint64 wakeAt = std::min(due, nowMs() + m_maxSleepMs);
    // timerfd_settime would forget a clock set that has not been read yet: look first. Such a set
    // (or one found by an earlier arm() whose report is still on its way) replaces this arming by a
    // clockChanged(), so the owner re-plans with the new clock.
    quint64 expirations = 0;
    if (::read(m_fd, &expirations, sizeof expirations) < 0 && errno == ECANCELED)
        m_clockSetPending = true;
    if (m_clockSetPending) {
        m_due.reset();
        program(0);
        QMetaObject::invokeMethod(this, &WallTimer::reportPendingClockSet, Qt::QueuedConnection);
        return;
    }
    if (!program(wakeAt)) {
        m_due.reset();
        return;
    }
    m_due = dueUtcMs;
}

void WallTimer::disarm()
{
    if (m_fd < 0)
        return;
    m_due.reset();
    m_clockSetPending = false;
    program(0);   // also drops an expiry or a clock set not read yet
}

void WallTimer::reportPendingClockSet()
{
    if (!m_clockSetPending)
        return;
    m_clockSetPending = false;
    qCInfo(lcExecScheduler) << "the system clock was set";
    Q_EMIT clockChanged();
}

void WallTimer::handleReadable()
{
    ++m_wakeUps;
    quint64 expirations = 0;
    const auto n = ::read(m_fd, &expirations, sizeof expirations);
    if (n < 0 && errno == ECANCELED) {
        qCInfo(lcExecScheduler) << "the system clock was set";
        m_due.reset();
        program(0);
        Q_EMIT clockChanged();
        return;
    }
    if (n != sizeof expirations || !m_due)
        return;   // EAGAIN: disarmed or re-armed since the kernel flagged the fd
    const qint64 due = *m_due;
    m_due.reset();
    Q_EMIT fired(nowMs() >= due ? Wake::Due : Wake::Cap, due);
}

} // namespace sluice
