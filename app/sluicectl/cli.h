#pragma once

#include "args.h"
#include "core/error.h"
#include "domain/entities.h"
#include "domain/runs.h"
#include "store/database.h"

#include <QJsonValue>
#include <QTextStream>

#include <memory>

namespace sluice {
class RunStore;
}

namespace sluice::cli {

// What every command gets: the global options, the output streams, and the store once opened.
class Context
{
public:
    Context(QString dbUrl, bool json);

    enum class Access {
        Use,        // ordinary commands: the database exists and its schema is exactly this build's
        Inspect,    // db status: the database exists; its schema may be anything
        Initialise, // db init/upgrade: a missing SQLite file (and the default's folder) may be created
    };
    [[nodiscard]] Result<Database *> open(Access access = Access::Use);
    // open() and look up an org by slug: what every per-org command starts with.
    [[nodiscard]] Result<std::pair<Database *, Org>> openOrg(const QString &slug);

    [[nodiscard]] bool json() const { return m_json; }
    [[nodiscard]] const QString &actor() const { return m_actor; }
    QTextStream &out() { return m_out; }

    // Prints a JSON document (with --json).
    void print(const QJsonValue &value);
    // Prints rows as aligned columns under a header.
    void table(const QStringList &header, const QList<QStringList> &rows);

private:
    QString m_dbUrl;
    bool m_json = false;
    QString m_actor;
    QTextStream m_out;
    std::unique_ptr<Database> m_db;
};

using CommandResult = Result<void>;

// What a command about one org starts with: its arguments parsed, `--org SLUG` given, the positionals it
// takes (exactly `positionals`, or any number when it is -1), the store opened and the org found.
struct OrgCommand
{
    Args args;
    Database *db = nullptr;
    Org org;
};
// `usage` is the error when --org is missing or the positionals do not fit.
[[nodiscard]] Result<OrgCommand> forOrg(Context &ctx, const QStringList &words, Args::Spec spec, const QString &command,
                                        const QString &usage, qsizetype positionals = 0);

// What a command that asks a question returns for "no" (`secrets check` of a key that is not set): exit
// code 1, as `secret-tool lookup` and `git config --get` give, with nothing more on stderr — the answer
// itself is already on stdout.
[[nodiscard]] inline std::unexpected<Error> quietNo() { return fail(Error::notFound({})); }

// One function per command group, each in its own commands_<group>.cpp.
CommandResult runDb(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runOrg(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runTask(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runPipeline(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runSecrets(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runWarehouse(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runWorkspace(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runDbt(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runAirbyte(Context &ctx, const QString &verb, const QStringList &words);
// `airbyte sources …` and `airbyte definitions` (commands_airbyte_sources.cpp).
CommandResult runAirbyteSources(Context &ctx, const QStringList &words);
CommandResult runAirbyteDefinitions(Context &ctx, const QStringList &words);
// `airbyte connection …` and `airbyte jobs` (commands_airbyte_connections.cpp).
CommandResult runAirbyteConnection(Context &ctx, const QStringList &words);
CommandResult runAirbyteJobs(Context &ctx, const QStringList &words);
CommandResult runLock(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runRun(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runNotify(Context &ctx, const QString &verb, const QStringList &words);
CommandResult runAgent(Context &ctx, const QString &verb, const QStringList &words);
// `pipeline run` and `task run` (commands_execute.cpp): run now in this process, or queue for agents.
CommandResult runPipelineRun(Context &ctx, const QStringList &words);
CommandResult runTaskRun(Context &ctx, const QStringList &words);
// `run retry ID [--from-failure] [--queue] [--wait] [--follow]` (commands_execute.cpp): a retry run,
// executed here or queued, as `pipeline run` does.
CommandResult runRetry(Context &ctx, const QStringList &words);
// A run by its number or its uuid (commands_run.cpp).
Result<RunRecord> findRun(RunStore &store, const QString &key);

// The whole program: parses global options, dispatches, prints errors; returns the exit code
// (0 success, 1 user error, 2 internal or database error).
int run(const QStringList &arguments);

// Reads a secret from standard input, never from argv: from a terminal one line with echo off (after
// `prompt` on stderr); from a pipe or file everything, less one trailing newline. `what` names the
// value in the error when stdin cannot be read. Empty input is returned as empty.
[[nodiscard]] Result<QByteArray> readHiddenInput(const QString &prompt, const QString &what);

} // namespace sluice::cli
