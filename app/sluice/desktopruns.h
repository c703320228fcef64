#pragma once

#include "runner/runservice.h"

#include <QObject>
#include <QThread>

namespace sluice {

class MainWindow;

// The desktop app's runs: a RunService on a thread of its own (its own connection to the store), wired
// to the window — Orchestrate's "Run now"/"Queue for an agent", the Runs page's selection, cancel and
// refresh, and back the run list, the watched run, its log lines, refusals and problems. The GUI thread
// only ever exchanges queued signals with it.
// Quitting: the window's quitRequested() (the user agreed to cancel the runs in progress) makes the
// service cancel them; drained() says they have ended. Destroying this object does the same for runs
// still in progress (waiting up to kShutdownWaitMs for them to end), then stops the thread.
class DesktopRuns : public QObject
{
    Q_OBJECT
public:
    DesktopRuns(MainWindow &window, DbUrl url, RunServiceOptions options, QObject *parent = nullptr);
    ~DesktopRuns() override;

    // Starts the thread and opens the store there.
    void start();
    [[nodiscard]] RunService *service() const { return m_service; }

Q_SIGNALS:
    void drained();

private:
    static constexpr unsigned long kShutdownWaitMs = 15'000;

    QThread m_thread;
    RunService *m_service;   // lives in m_thread; deleted there when it finishes
};

} // namespace sluice
