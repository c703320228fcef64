// sluice-agent: runs scheduled pipelines — a tray icon on a desktop, or --headless on servers
// (packaging/sluice-agent.service). One agent per host and database (executors/agent/hostlock.h;
// SLUICE_AGENT_LOCK_DIR moves the lock file, which is how tests run several agents on one host).
#include "agent/agentservice.h"
#include "core/appidentity.h"
#include "store/database.h"
#include "store/migrator.h"
#include "tray/agenttray.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QCoro/QCoroTask>
#include <QDir>
#include <QPointer>
#include <QProcess>

#include <cstdio>
#include <memory>

namespace {

void logLine(const QString &line)
{
    std::fprintf(stderr, "sluice-agent: %s\n", qPrintable(line));
    std::fflush(stderr);
}

bool hasDisplay()
{
    return qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY")
        || qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
}

QList<sluice::AgentTray::NextRun> nextRuns(const sluice::Agent &agent)
{
    QList<sluice::AgentTray::NextRun> out;
    for (const sluice::Agent::NextRun &n : agent.nextRuns(8))
        out.append({n.pipelineName, n.dueMs});
    return out;
}

QList<sluice::AgentTray::RunningRun> runningRuns(const sluice::Agent &agent)
{
    QList<sluice::AgentTray::RunningRun> out;
    for (const sluice::Agent::RunningRun &r : agent.running())
        out.append({r.pipelineName, r.startedAtMs});
    return out;
}

// The tray agent: the same Agent, driven by the tray's intents. Returns the exit code.
int runTray(QApplication &app, sluice::Database &db, const sluice::AgentOptions &options)
{
    auto lock = sluice::HostLock::acquire(db.url().toString());
    if (!lock) {
        logLine(QStringLiteral("error: ") + lock.error().message);
        return 1;
    }
    sluice::Agent agent(db, options);
    sluice::AgentTray tray;
    auto refresh = [&] { tray.setState(nextRuns(agent), runningRuns(agent), agent.isPaused()); };
    QObject::connect(&agent, &sluice::Agent::stateChanged, &tray, refresh);
    QObject::connect(&agent, &sluice::Agent::warning, &tray, [&tray](const QString &w) {
        logLine(QStringLiteral("warning: ") + w);
        tray.setProblem(w);
    });
    QObject::connect(&tray, &sluice::AgentTray::pauseRequested, &agent, &sluice::Agent::setPaused);
    QObject::connect(&tray, &sluice::AgentTray::openSluiceRequested, &tray, [&db] {
        const QString gui = QCoreApplication::applicationDirPath() + QStringLiteral("/sluice");
        if (!QProcess::startDetached(gui, {QStringLiteral("--db"), db.url().toString()}))
            logLine(QStringLiteral("could not start %1").arg(gui));
    });
    bool quitting = false;
    QObject::connect(&tray, &sluice::AgentTray::quitRequested, &agent, [&] {
        if (quitting)
            return;
        quitting = true;
        // Quit: stop claiming, hand back what runs (cancel), unregister, then leave the event loop.
        auto stopped = agent.stop(true);
        stopped.then([&app] { app.quit(); });
    });
    if (auto started = agent.start(); !started) {
        logLine(QStringLiteral("error: ") + started.error().message);
        return 2;
    }
    refresh();
    tray.show();
    logLine(QStringLiteral("agent %1 serving %2 in the system tray").arg(agent.agentId()).arg(db.url().toString()));
    return app.exec();
}

} // namespace

int main(int argc, char *argv[])
{
    // The tray needs a QApplication (and a display); headless runs need only the core.
    bool headless = false;
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--headless" || a == "--once")
            headless = true;
    }
    if (!headless && !hasDisplay()) {
        std::fprintf(stderr, "sluice-agent: no display to show a tray icon on; running headless\n");
        headless = true;
    }
    std::unique_ptr<QCoreApplication> app = headless ? std::make_unique<QCoreApplication>(argc, argv)
                                                     : std::make_unique<QApplication>(argc, argv);
    sluice::initApplicationIdentity();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice agent: runs scheduled pipelines"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Database URL (default: $SLUICE_DB, else the local SQLite file)."),
                                      QStringLiteral("url"));
    const QCommandLineOption headlessOption(QStringLiteral("headless"), QStringLiteral("Run without a tray icon (Ctrl-C or SIGTERM stops it)."));
    const QCommandLineOption onceOption(QStringLiteral("once"), QStringLiteral("One scheduling pass: run everything due, then exit."));
    const QCommandLineOption tagOption(QStringLiteral("tag"), QStringLiteral("An agent tag (repeatable); pipelines that require a tag run only on agents that have it."),
                                       QStringLiteral("tag"));
    const QCommandLineOption leaseOption(QStringLiteral("lease-ms"), QStringLiteral("Lease of the locks of the runs it executes (default 30000)."),
                                         QStringLiteral("ms"));
    parser.addOptions({dbOption, headlessOption, onceOption, tagOption, leaseOption});
    parser.process(*app);

    sluice::AgentServiceOptions options;
    options.once = parser.isSet(onceOption);
    options.agent.tags = parser.values(tagOption);
    if (parser.isSet(leaseOption)) {
        bool ok = false;
        options.agent.leaseMs = parser.value(leaseOption).toLongLong(&ok);
        if (!ok || options.agent.leaseMs < 100) {
            logLine(QStringLiteral("error: --lease-ms takes a number of milliseconds >= 100"));
            return 1;
        }
    }

    auto resolved = sluice::resolveDbUrl(parser.value(dbOption));
    if (!resolved) {
        logLine(QStringLiteral("error: ") + resolved.error().message);
        return 1;
    }
    sluice::Database::Options dbOptions;
    dbOptions.createIfMissing = false;
    auto db = sluice::Database::open(resolved->url, dbOptions);
    if (!db) {
        logLine(QStringLiteral("error: ") + db.error().message);
        return 2;
    }
    if (auto ok = sluice::Migrator(**db).requireCurrent(); !ok) {
        logLine(QStringLiteral("error: ") + ok.error().message);
        return 2;
    }

    if (!headless) {
        if (sluice::AgentTray::isAvailable())
            return runTray(static_cast<QApplication &>(*app), **db, options.agent);
        logLine(QStringLiteral("no system tray is available on this desktop; running headless"));
    }
    auto report = QCoro::waitFor(sluice::serveAgent(**db, options, logLine));
    if (!report) {
        logLine(QStringLiteral("error: ") + report.error().message);
        return report.error().isUserError() ? 1 : 2;
    }
    if (options.once)
        logLine(QStringLiteral("one pass done: %1 run(s) executed, %2 slot(s) recorded skipped, %3 queued behind held locks")
                    .arg(report->finished)
                    .arg(report->skippedRecorded)
                    .arg(report->queued));
    return 0;
}
