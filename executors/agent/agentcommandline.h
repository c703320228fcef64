#pragma once

#include "agentservice.h"
#include "core/error.h"

#include <QString>

class QCoreApplication;

namespace sluice {

// The command line of sluice-agent and of the tray it starts (sluice-agent-tray): the same options.
struct AgentCommandLine
{
    AgentServiceOptions service;
    QString database;       // --db as given (empty: $SLUICE_DB, else the local SQLite file)
    bool headless = false;  // --headless or --once
};

// Parses the application's arguments (--help and --version print and exit, as QCommandLineParser does).
// A bad value is Error::Invalid naming the option.
[[nodiscard]] Result<AgentCommandLine> parseAgentCommandLine(QCoreApplication &app);

} // namespace sluice
