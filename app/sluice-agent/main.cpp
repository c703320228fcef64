// sluice-agent: runs scheduled pipelines — headless on servers (packaging/sluice-agent.service), or, on a
// desktop, as a tray icon: then it hands over to sluice-agent-tray beside it (the same options), so that
// this program needs nothing but Qt Core and a server needs no Qt Widgets. One agent per host and
// database (executors/agent/hostlock.h; SLUICE_AGENT_LOCK_DIR moves the lock file, which is how tests run
// several agents on one host).
#include "agent/agentcommandline.h"
#include "agent/agentservice.h"
#include "core/appidentity.h"
#include "store/database.h"
#include "store/migrator.h"

#include <QCoreApplication>
#include <QCoro/QCoroTask>
#include <QFileInfo>

#include <cstdio>
#include <unistd.h>

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

bool wantsHeadless(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray a(argv[i]);
        if (a == "--headless" || a == "--once" || a == "--help" || a == "-h" || a == "--version" || a == "-v")
            return true;
    }
    return false;
}

// With a display: the tray program beside this one takes over (exec: the same process, the same
// arguments). Returns only when it cannot.
void handOverToTheTray(char *argv[])
{
    const QString self = QFileInfo(QStringLiteral("/proc/self/exe")).canonicalFilePath();
    const QByteArray tray = QFile::encodeName(QFileInfo(self).absolutePath() + QStringLiteral("/sluice-agent-tray"));
    if (::access(tray.constData(), X_OK) != 0) {
        std::fprintf(stderr, "sluice-agent: no tray program at %s; running headless\n", tray.constData());
        return;
    }
    argv[0] = const_cast<char *>(tray.constData());
    ::execv(tray.constData(), argv);
    std::fprintf(stderr, "sluice-agent: could not start %s; running headless\n", tray.constData());
}

} // namespace

int main(int argc, char *argv[])
{
    if (!wantsHeadless(argc, argv)) {
        if (hasDisplay())
            handOverToTheTray(argv);
        else
            std::fprintf(stderr, "sluice-agent: no display to show a tray icon on; running headless\n");
    }
    QCoreApplication app(argc, argv);
    sluice::initApplicationIdentity();
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
    auto report = QCoro::waitFor(sluice::serveAgent(**db, command->service, logLine));
    if (!report) {
        logLine(QStringLiteral("error: ") + report.error().message);
        return report.error().isUserError() ? 1 : 2;
    }
    if (command->service.once)
        logLine(QStringLiteral("one pass done: %1 run(s) executed, %2 slot(s) recorded skipped, %3 queued behind held locks")
                    .arg(report->finished)
                    .arg(report->skippedRecorded)
                    .arg(report->queued));
    return 0;
}
