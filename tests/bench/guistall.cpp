#include "guistall.h"

#include <QEventLoop>
#include <QThread>

#include <utility>

namespace sluice::bench {

namespace {
StallMeter *g_meter = nullptr;
int g_depth = 0; // deliveries nest (a handler that sends an event); only the outermost is timed
constexpr double kSameRunMs = 0.2;
} // namespace

bool MeteredApplication::notify(QObject *receiver, QEvent *event)
{
    if (!g_meter || !g_meter->running() || g_depth > 0 || QThread::currentThread() != thread())
        return QApplication::notify(receiver, event);
    const double began = g_meter->now();
    ++g_depth;
    const bool result = QApplication::notify(receiver, event);
    --g_depth;
    if (g_meter) // a handler may have stopped or destroyed it
        g_meter->delivered(began, g_meter->now());
    return result;
}

StallMeter::StallMeter()
{
    if (!dynamic_cast<MeteredApplication *>(QCoreApplication::instance()))
        qFatal("StallMeter needs a MeteredApplication: it times the events that application delivers");
    g_meter = this;
    m_timer.setTimerType(Qt::PreciseTimer);
    m_timer.setInterval(1);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        const double t = now();
        m_longestGap = std::max(m_longestGap, t - m_lastTick);
        m_lastTick = t;
        m_ticked = true; // the loop came round to its timers: what follows is another pass
    });
}

StallMeter::~StallMeter()
{
    if (g_meter == this)
        g_meter = nullptr;
}

void StallMeter::start()
{
    m_clock.start();
    m_running = true;
    m_longestGap = m_longestBusy = 0;
    m_lastTick = 0;
    m_runBegan = m_runEnded = -1;
    m_ticked = false;
    m_timer.start();
}

StallMeter::Stalls StallMeter::stop()
{
    m_timer.stop();
    m_running = false;
    return {m_longestBusy, std::max(m_longestGap, now() - m_lastTick)};
}

void StallMeter::delivered(double began, double ended)
{
    if (!m_running)
        return;
    if (m_runEnded < 0 || began - m_runEnded > kSameRunMs || std::exchange(m_ticked, false))
        m_runBegan = began;
    m_runEnded = ended;
    m_longestBusy = std::max(m_longestBusy, m_runEnded - m_runBegan);
}

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, Qt::PreciseTimer, &loop, &QEventLoop::quit);
    loop.exec();
}

bool runUntil(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer poll;
    poll.setTimerType(Qt::PreciseTimer);
    poll.setInterval(1);
    bool ok = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (done()) {
            ok = true;
            loop.quit();
        }
    });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    poll.start();
    loop.exec();
    return ok || done();
}

} // namespace sluice::bench
