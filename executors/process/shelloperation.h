#pragma once

#include "processjob.h"

#include "core/error.h"

#include <QMap>
#include <QString>
#include <QStringList>

#include <chrono>

namespace sluice {

// A shell task as the user wrote it: one command line, plus where and with what it runs.
struct ShellCommand {
    QString command;
    QString workingDirectory;            // empty: inherit
    QMap<QString, QString> environment;  // added to (overriding) the inherited environment
    std::chrono::milliseconds timeout{0}; // 0: none
};

// A command line split into words the way /bin/sh would quote them, and whether it uses any
// syntax only a shell can carry out (pipes, redirections, &&, ;, $VAR, globs, backticks, ~,
// comments, VAR=value prefixes, subshells, shell keywords and builtins such as cd or export).
struct SplitCommand {
    QStringList words;
    bool needsShell = false;
};

// Splits with POSIX quoting: '...' is literal; "..." groups and honours \" \\ \$ \`; a backslash
// outside quotes makes the next character literal. Fails on an unterminated quote or an empty command.
// When needsShell is true, `words` is the best-effort split and must not be exec'd as argv.
[[nodiscard]] Result<SplitCommand> splitShellCommand(QStringView command);

// Turns a shell task into what ProcessJob runs: the words as argv (no shell) when the command
// needs none, else `/bin/sh -c COMMAND`. Working directory, environment and timeout carry over.
[[nodiscard]] Result<ProcessSpec> shellProcessSpec(const ShellCommand &command);

} // namespace sluice
