// sluicectl workspace set | show | clone | pull
//
// The git token is read from the keychain (org/<slug>/git-token) once, before the transfer, and
// handed to libgit2 only through its credentials callback: never in the URL, argv or .git/config.
#include "cli.h"

#include "runner/orgsetup.h"

#include "git/gitjob.h"
#include "git/gitworkspace.h"
#include "secrets/secretstore.h"
#include "store/workspacestore.h"

#include <QCoro/QCoroTask>
#include <QDir>
#include <QEventLoop>
#include <QJsonObject>
#include <QStandardPaths>
#include <QUrl>

#include <cstdio>

namespace sluice::cli {

namespace {

QString defaultCheckoutPath(const QString &slug)
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/workspaces/") + slug;
}

void printProgress(const GitProgress &p, int *lastPercent, GitProgress::Phase *lastPhase)
{
    const bool transfer = p.phase == GitProgress::Phase::Transfer;
    const qint64 done = transfer ? p.receivedObjects : p.checkoutDone;
    const qint64 total = transfer ? p.totalObjects : p.checkoutTotal;
    if (total <= 0)
        return;
    const int percent = int(done * 100 / total);
    if (p.phase == *lastPhase && percent < *lastPercent + 10 && percent != 100)
        return;
    if (p.phase == *lastPhase && percent == *lastPercent)
        return;
    *lastPercent = percent;
    *lastPhase = p.phase;
    if (transfer)
        std::fprintf(stderr, "Receiving objects: %3d%% (%lld/%lld), %.1f MiB\n", percent, static_cast<long long>(done),
                     static_cast<long long>(total), double(p.receivedBytes) / (1024.0 * 1024.0));
    else
        std::fprintf(stderr, "Checking out files: %3d%% (%lld/%lld)\n", percent, static_cast<long long>(done),
                     static_cast<long long>(total));
}

QJsonObject commitJson(const GitCommitInfo &c)
{
    if (!c.isValid())
        return {};
    return {{QStringLiteral("sha"), c.sha}, {QStringLiteral("summary"), c.summary}, {QStringLiteral("branch"), c.branch}};
}

// Runs a clone or pull of the org's workspace, blocking this (CLI) thread on a local event loop.
CommandResult transfer(Context &ctx, const OrgCommand &cmd, GitJobSpec::Operation op)
{
    Database *db = cmd.db;
    const Org &org = cmd.org;
    const QString &slug = org.slug;
    auto ws = WorkspaceStore(*db, ctx.actor()).get(org.id);
    if (!ws)
        return fail(ws.error());
    if (ws->gitUrl.isEmpty())
        return fail(Error::invalid(QStringLiteral("the workspace of %1 has no git URL; set one with `sluicectl workspace set --org %1 --git-url URL`").arg(slug)));
    GitJobSpec spec;
    spec.operation = op;
    spec.url = ws->gitUrl;
    spec.branch = ws->branch;
    spec.path = ws->checkoutPath.isEmpty() ? defaultCheckoutPath(slug) : ws->checkoutPath;
    auto token = QCoro::waitFor(gitTokenFor(slug, ws->gitUrl, keychainSecrets()));
    if (!token)
        return fail(token.error());
    spec.token = token->provider;
    spec.tokenHint = gitTokenHint(slug);
    spec.tokenUser = gitTokenUser(ws->gitUrl);
    if (op == GitJobSpec::Operation::Clone && QDir(spec.path).exists(QStringLiteral(".git")))
        return fail(Error::conflict(QStringLiteral("%1 already holds a checkout; use `sluicectl workspace pull --org %2`").arg(spec.path, slug)));
    if (!QDir().mkpath(QFileInfo(spec.path).absolutePath()))
        return fail(Error::invalid(QStringLiteral("cannot create the folder for the checkout %1").arg(spec.path)));

    GitJob job(spec);
    QEventLoop loop;
    GitJobResult result;
    int lastPercent = -1;
    GitProgress::Phase lastPhase = GitProgress::Phase::Transfer;
    QObject::connect(&job, &GitJob::progress, &job, [&](const GitProgress &p) { printProgress(p, &lastPercent, &lastPhase); });
    QObject::connect(&job, &GitJob::finished, &loop, [&](const GitJobResult &r) {
        result = r;
        loop.quit();
    });
    job.start();
    loop.exec();
    if (result.outcome != Outcome::Success)
        return fail(GitError{result.errorKind, result.errorText}.toError());

    if (ctx.json()) {
        ctx.print(QJsonObject{{QStringLiteral("path"), spec.path},
                              {QStringLiteral("cloned"), result.cloned},
                              {QStringLiteral("fast_forwarded"), result.fastForwarded},
                              {QStringLiteral("before"), commitJson(result.before)},
                              {QStringLiteral("after"), commitJson(result.after)}});
    } else if (result.cloned) {
        ctx.out() << "Cloned " << spec.url << " (" << result.after.branch << ") into " << spec.path << "\n"
                  << "at " << result.after.sha.left(12) << ' ' << result.after.summary << '\n';
    } else if (result.fastForwarded) {
        ctx.out() << "Fast-forwarded " << result.after.branch << ' ' << result.before.sha.left(12) << ".."
                  << result.after.sha.left(12) << ": " << result.after.summary << '\n';
    } else {
        ctx.out() << "Already up to date at " << result.after.sha.left(12) << ' ' << result.after.summary << '\n';
    }
    ctx.out().flush();
    return {};
}

} // namespace

CommandResult runWorkspace(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("workspace ") + verb;
    if (verb == QLatin1String("set")) {
        auto cmd = forOrg(ctx, words,
                          {{QStringLiteral("git-url"), QStringLiteral("branch"), QStringLiteral("project-dir"), QStringLiteral("dbt"),
                            QStringLiteral("checkout")},
                           {}},
                          command,
                          QStringLiteral("usage: sluicectl workspace set --org SLUG --git-url URL --branch B "
                                         "[--project-dir D] [--dbt PATH] [--checkout PATH]"));
        if (!cmd)
            return fail(cmd.error());
        const Args *args = &cmd->args;
        const QString &slug = cmd->org.slug;
        Database *db = cmd->db;
        const Org &org = cmd->org;
        WorkspaceStore store(*db, ctx.actor());
        auto current = store.get(org.id);
        if (!current && current.error().kind != Error::Kind::NotFound)
            return fail(current.error());
        DbtWorkspace w = current ? *current : DbtWorkspace{};
        w.orgId = org.id;
        if (args->has(QStringLiteral("git-url")))
            w.gitUrl = args->value(QStringLiteral("git-url"));
        if (args->has(QStringLiteral("branch")))
            w.branch = args->value(QStringLiteral("branch"));
        if (args->has(QStringLiteral("project-dir")))
            w.projectDir = args->value(QStringLiteral("project-dir"));
        if (args->has(QStringLiteral("dbt")))
            w.dbtExecutable = args->value(QStringLiteral("dbt"));
        if (args->has(QStringLiteral("checkout")))
            w.checkoutPath = QDir(args->value(QStringLiteral("checkout"))).absolutePath();
        if (w.checkoutPath.isEmpty())
            w.checkoutPath = defaultCheckoutPath(slug);
        if (w.gitUrl.isEmpty())
            return fail(Error::invalid(QStringLiteral("the workspace needs a git URL: --git-url URL")));
        auto saved = store.set(org.id, w);
        if (!saved)
            return fail(saved.error());
        if (ctx.json())
            ctx.print(toJson(*saved));
        else
            ctx.out() << "Workspace of " << slug << ": " << saved->gitUrl << " (" << saved->branch << ") → " << saved->checkoutPath << '\n';
        return {};
    }
    if (verb == QLatin1String("show") || verb == QLatin1String("clone") || verb == QLatin1String("pull")) {
        auto cmd = forOrg(ctx, words, {}, command, QStringLiteral("usage: sluicectl %1 --org SLUG").arg(command));
        if (!cmd)
            return fail(cmd.error());
        if (verb == QLatin1String("clone"))
            return transfer(ctx, *cmd, GitJobSpec::Operation::Clone);
        if (verb == QLatin1String("pull"))
            return transfer(ctx, *cmd, GitJobSpec::Operation::CloneOrPull);
        auto ws = WorkspaceStore(*cmd->db, ctx.actor()).get(cmd->org.id);
        if (!ws)
            return fail(ws.error());
        QJsonObject o = toJson(*ws);
        GitCommitInfo head;
        if (!ws->checkoutPath.isEmpty() && QDir(ws->checkoutPath).exists(QStringLiteral(".git"))) {
            if (auto repo = GitWorkspace::open(ws->checkoutPath)) {
                if (auto commit = repo->currentCommit())
                    head = *commit;
            }
        }
        o.insert(QStringLiteral("checkout"), head.isValid() ? QJsonValue(commitJson(head)) : QJsonValue());
        if (ctx.json()) {
            ctx.print(o);
        } else {
            auto v = [](const QString &s) { return s.isEmpty() ? QStringLiteral("(none)") : s; };
            ctx.out() << "git url:      " << v(ws->gitUrl) << '\n'
                      << "branch:       " << ws->branch << '\n'
                      << "project dir:  " << v(ws->projectDir) << '\n'
                      << "checkout:     " << v(ws->checkoutPath) << '\n'
                      << "dbt:          " << (ws->dbtExecutable.isEmpty() ? QStringLiteral("(from PATH)") : ws->dbtExecutable) << '\n'
                      << "current:      "
                      << (head.isValid() ? QStringLiteral("%1 %2 (%3)").arg(head.sha.left(12), head.summary, v(head.branch))
                                         : QStringLiteral("(not cloned yet)"))
                      << '\n';
        }
        return {};
    }
    return fail(Error::invalid(QStringLiteral("unknown command `workspace %1`; use workspace set, show, clone or pull").arg(verb)));
}

} // namespace sluice::cli
