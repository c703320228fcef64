#include "agentcommandline.h"

#include <QCommandLineParser>
#include <QCoreApplication>

namespace sluice {

Result<AgentCommandLine> parseAgentCommandLine(QCoreApplication &app)
{
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
    parser.process(app);

    AgentCommandLine out;
    out.database = parser.value(dbOption);
    out.service.once = parser.isSet(onceOption);
    out.headless = out.service.once || parser.isSet(headlessOption);
    out.service.agent.tags = parser.values(tagOption);
    if (parser.isSet(leaseOption)) {
        bool ok = false;
        out.service.agent.leaseMs = parser.value(leaseOption).toLongLong(&ok);
        if (!ok || out.service.agent.leaseMs < 100)
            return fail(Error::invalid(QStringLiteral("--lease-ms takes a number of milliseconds >= 100")));
    }
    return out;
}

} // namespace sluice
