#pragma once

// What the GUI benchmarks share: a meter of the GUI thread's stalls, and waits that run a real event
// loop. QTest::qWait and qWaitFor sleep up to 10 ms between two passes over the events (their own
// stall, which a meter would count as the app's); runFor and runUntil block in the dispatcher as the
// app's QApplication::exec does, so a timer or a posted event is served as soon as it is due.

#include <QApplication>
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <functional>

namespace sluice::bench {

// The application of a GUI benchmark: it times every event the GUI thread delivers, for StallMeter.
class MeteredApplication : public QApplication
{
public:
    using QApplication::QApplication;
    bool notify(QObject *receiver, QEvent *event) override;
};

// The GUI thread's stalls between start() and stop(), two ways:
//  - busy: the longest pass of the event loop, timed from its deliveries: a run of event deliveries on
//    the GUI thread with no wait between them (less than 0.2 ms) and no tick of the meter's 1 ms timer
//    among them (a loop that comes round to its timers between two events does not stall, however
//    busy) — the work the app did in one go, which the benchmarks judge against the frame;
//  - gap: the longest time between two ticks of a 1 ms timer — what a person would feel, the
//    machine's own scheduling noise included (an idle loop shows that noise).
// Needs a MeteredApplication; one meter runs at a time.
class StallMeter : public QObject
{
public:
    StallMeter();
    ~StallMeter() override;
    struct Stalls { double busy = 0, gap = 0; };
    void start();
    Stalls stop();

    // For MeteredApplication: one top-level delivery, from `began` to `ended` (ms on the meter's clock).
    void delivered(double began, double ended);
    double now() const { return double(m_clock.nsecsElapsed()) / 1e6; }
    bool running() const { return m_running; }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    bool m_running = false, m_ticked = false;
    double m_lastTick = 0, m_longestGap = 0, m_longestBusy = 0, m_runBegan = -1, m_runEnded = -1;
};

// Runs the event loop for `ms` milliseconds.
void runFor(int ms);

// Runs the event loop until `done` returns true (checked every millisecond and after each wake-up)
// or `timeoutMs` passed; returns whether it did.
bool runUntil(const std::function<bool()> &done, int timeoutMs);

} // namespace sluice::bench
