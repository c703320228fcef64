// sluice-agent-tray: the agent as a tray icon (next runs, running now, pause all, open Sluice, quit).
// sluice-agent hands over to it on a desktop; it takes the same options. The Agent and its runs live on a
// thread of their own (AgentHost, its own connection): a slow or unreachable database never freezes the
// tray's menu, which talks to it through queued signals only. On a desktop without a system tray it
// serves headless, as sluice-agent --headless does.
#include "agent/agentcommandline.h"
#include "agent/agenthost.h"
#include "agent/agentservice.h"
#include "agent/hostlock.h"
#include "core/appidentity.h"
#include "store/database.h"
#include "store/migrator.h"
#include "tray/agenttray.h"

#include <QApplication>
#include <QCoro/QCoroTask>
#include <QProcess>
#include <QThread>

#include <cstdio>

namespace {

void logLine(const QString &line)
{
    std::fprintf(stderr, "sluice-agent: %s\n", qPrintable(line));
    std::fflush(stderr);
}

QList<sluice::AgentTray::NextRun> nextRuns(const sluice::AgentSnapshot &s)
{
    QList<sluice::AgentTray::NextRun> out;
    for (const sluice::Agent::NextRun &n : s.next)
        out.append({n.pipelineName, n.dueMs});
    return out;
}

QList<sluice::AgentTray::RunningRun> runningRuns(const sluice::AgentSnapshot &s)
{
    QList<sluice::AgentTray::RunningRun> out;
    for (const sluice::Agent::RunningRun &r : s.running)
        out.append({r.pipelineName, r.startedAtMs});
    return out;
}

int serveHeadless(const sluice::DbUrl &url, const sluice::AgentServiceOptions &options)
{
    sluice::Database::Options dbOptions;
    dbOptions.createIfMissing = false;
    auto db = sluice::Database::open(url, dbOptions);
    if (!db) {
        logLine(QStringLiteral("error: ") + db.error().message);
        return 2;
    }
    auto report = QCoro::waitFor(sluice::serveAgent(**db, options, logLine));
    if (!report) {
        logLine(QStringLiteral("error: ") + report.error().message);
        return report.error().isUserError() ? 1 : 2;
    }
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    sluice::initApplicationIdentity();
    QApplication::setQuitOnLastWindowClosed(false);
    auto command = sluice::parseAgentCommandLine(app);
    if (!command) {
        logLine(QStringLiteral("error: ") + command.error().message);
        return 1;
    }
    auto resolved = sluice::resolveDbUrl(command->database);
    if (!resolved) {
        logLine(QStringLiteral("error: ") + resolved.error().message);
        return 1;
    }
    const sluice::DbUrl url = resolved->url;
    if (command->headless || !sluice::AgentTray::isAvailable()) {
        if (!command->headless)
            logLine(QStringLiteral("no system tray is available on this desktop; running headless"));
        return serveHeadless(url, command->service);
    }

    auto lock = sluice::HostLock::acquire(url.toString());
    if (!lock) {
        logLine(QStringLiteral("error: ") + lock.error().message);
        return 1;
    }
    QThread thread;
    thread.setObjectName(QStringLiteral("agent"));
    auto *host = new sluice::AgentHost(url, command->service.agent);
    host->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, host, &QObject::deleteLater);

    sluice::AgentTray tray;
    // The agent's answers → the tray (queued back to the GUI thread).
    QObject::connect(host, &sluice::AgentHost::snapshot, &tray, [&tray](const sluice::AgentSnapshot &s) {
        tray.setState(nextRuns(s), runningRuns(s), s.paused);
    });
    QObject::connect(host, &sluice::AgentHost::warning, &tray, [&tray](const QString &w) {
        logLine(QStringLiteral("warning: ") + w);
        tray.setProblem(w);
    });
    QObject::connect(host, &sluice::AgentHost::started, &tray, [&tray, &url](qint64 id) {
        tray.show();
        logLine(QStringLiteral("agent %1 serving %2 in the system tray").arg(id).arg(url.toString()));
    });
    int exitCode = 0;
    QObject::connect(host, &sluice::AgentHost::failed, &app, [&](const QString &message) {
        logLine(QStringLiteral("error: ") + message);
        exitCode = 2;
        thread.quit();
    });
    QObject::connect(host, &sluice::AgentHost::stopped, &app, [&thread] { thread.quit(); });
    QObject::connect(&thread, &QThread::finished, &app, &QApplication::quit);
    // The tray's intents → the agent (queued: it lives in another thread).
    QObject::connect(&tray, &sluice::AgentTray::pauseRequested, host, &sluice::AgentHost::setPaused);
    QObject::connect(&tray, &sluice::AgentTray::quitRequested, host, &sluice::AgentHost::stop);
    QObject::connect(&tray, &sluice::AgentTray::openSluiceRequested, &tray, [&url] {
        const QString gui = QCoreApplication::applicationDirPath() + QStringLiteral("/sluice");
        if (!QProcess::startDetached(gui, {QStringLiteral("--db"), url.toString()}))
            logLine(QStringLiteral("could not start %1").arg(gui));
    });

    thread.start();
    QMetaObject::invokeMethod(host, &sluice::AgentHost::start, Qt::QueuedConnection);
    const int code = app.exec();
    thread.quit();
    thread.wait();   // the event loop has ended: the agent has stopped (or failed to start) by then
    return code ? code : exitCode;
}
