// sluicectl dbt exec | models
//
// `dbt exec` writes the org's profile into a private temporary directory (removed afterwards), takes
// the warehouse secret from the keychain (org/<slug>/warehouse) and hands it to dbt only through the
// child's environment; every line shown is scrubbed of it.
#include "cli.h"
#include "interrupt.h"

#include "dbt/dbtartifacts.h"
#include "dbt/dbtinstaller.h"
#include "dbt/dbtoperation.h"
#include "dbt/nodeselection.h"
#include "dbt/profileswriter.h"
#include "runner/orgsetup.h"
#include "secrets/secretscrubber.h"
#include "secrets/secretstore.h"
#include "store/runstore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QCoro/QCoroTask>
#include <QDateTime>
#include <QDir>
#include <QTimeZone>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cstdio>

namespace sluice::cli {

namespace {

QJsonObject nodeJson(const DbtNodeResult &n)
{
    return {{QStringLiteral("unique_id"), n.uniqueId},
            {QStringLiteral("status"), n.status},
            {QStringLiteral("execution_time"), n.executionTime},
            {QStringLiteral("message"), n.message.isEmpty() ? QJsonValue() : QJsonValue(n.message)},
            {QStringLiteral("failures"), n.failures ? QJsonValue(double(*n.failures)) : QJsonValue()}};
}

QJsonObject resultJson(const DbtResult &r, const SecretScrubber &scrubber)
{
    QJsonArray nodes;
    for (const DbtNodeResult &n : r.nodes) {
        DbtNodeResult shown = n;
        shown.message = scrubber.scrub(n.message);
        nodes.append(nodeJson(shown));
    }
    QJsonObject o{{QStringLiteral("exit_code"), r.exitCode},
                  {QStringLiteral("status"), r.status()},
                  {QStringLiteral("stats"), QJsonObject{{QStringLiteral("pass"), r.stats.pass},
                                                        {QStringLiteral("warn"), r.stats.warn},
                                                        {QStringLiteral("error"), r.stats.error},
                                                        {QStringLiteral("skip"), r.stats.skip},
                                                        {QStringLiteral("total"), r.stats.total}}},
                  {QStringLiteral("nodes"), nodes}};
    if (!r.errorText.isEmpty())
        o.insert(QStringLiteral("error"), scrubber.scrub(r.errorText));
    if (!r.invocationId.isEmpty())
        o.insert(QStringLiteral("invocation_id"), r.invocationId);
    return o;
}

CommandResult execDbt(Context &ctx, const QStringList &words)
{
    const QString usage = QStringLiteral("usage: sluicectl dbt exec --org SLUG [--json] -- DBT_COMMAND [ARGS...]");
    auto cmd = forOrg(ctx, words, {}, QStringLiteral("dbt exec"), usage, -1);
    if (!cmd)
        return fail(cmd.error());
    if (cmd->args.positionals().isEmpty())
        return fail(Error::invalid(usage));
    Database *db = cmd->db;
    const Org &org = cmd->org;
    const Args *args = &cmd->args;
    QTemporaryDir privateDir; // 0700; removed with the profile when the command ends
    if (!privateDir.isValid())
        return fail(Error::internal(QStringLiteral("cannot create a private directory for the dbt profile: %1").arg(privateDir.errorString())));
    auto prepared = QCoro::waitFor(prepareDbt(*db, ctx.actor(), org, args->positionals(), privateDir.filePath(QStringLiteral("profiles")),
                                              keychainSecrets()));
    if (!prepared)
        return fail(prepared.error());
    SecretScrubber scrubber;
    for (const QString &s : std::as_const(prepared->secretValues))
        scrubber.add(s);
    const DbtSpec spec = prepared->spec;

    // Live output: dbt's lines on stdout, or (with --json, where stdout carries one JSON object) a
    // progress line per node on stderr.
    const bool json = ctx.json();
    QTextStream &out = ctx.out();
    DbtOperation op(spec);
    QObject::connect(&op, &DbtOperation::logLine, &op, [&](const OutputLine &line) {
        const QByteArray text = scrubber.scrub(line.text).toUtf8();
        if (line.isStderr) {
            std::fprintf(stderr, "%s\n", text.constData());
            return;
        }
        if (json)
            return;
        out << text << '\n';
        out.flush();
    });
    QObject::connect(&op, &DbtOperation::eventReceived, &op, [&](const DbtEvent &e) {
        if (!json || !e.isNodeResult())
            return;
        std::fprintf(stderr, "[%d/%d] %s %s\n", e.index, e.total,
                     qPrintable(e.node.nodeStatus.isEmpty() ? e.status : e.node.nodeStatus), qPrintable(e.node.uniqueId));
    });
    DbtResult result;
    QEventLoop loop;
    QObject::connect(&op, &DbtOperation::finished, &loop, [&](const DbtResult &r) {
        result = r;
        loop.quit();
    });
    op.start();
    loop.exec();

    if (json) {
        ctx.print(resultJson(result, scrubber));
    } else {
        out << "dbt " << spec.arguments.join(QLatin1Char(' ')) << ": " << result.status();
        if (result.hasStats)
            out << QStringLiteral(" (PASS=%1 WARN=%2 ERROR=%3 SKIP=%4 TOTAL=%5)")
                       .arg(result.stats.pass).arg(result.stats.warn).arg(result.stats.error).arg(result.stats.skip).arg(result.stats.total);
        out << '\n';
        out.flush();
    }
    if (result.outcome == Outcome::Success)
        return {};
    return fail(Error::invalid(QStringLiteral("dbt %1: %2").arg(result.status(), scrubber.scrub(result.errorText))));
}

// The manifest a `dbt models` / `dbt select` reads: --manifest PATH, or the org's workspace's
// target/manifest.json (with the project folder, for path: selection, and the org's id).
struct ManifestSource {
    QString path, projectDir;
    std::optional<qint64> orgId;
    Database *db = nullptr;
};

Result<ManifestSource> manifestSource(Context &ctx, const Args &args, const QString &usage)
{
    if (args.has(QStringLiteral("org")) == args.has(QStringLiteral("manifest")) || !args.positionals().isEmpty())
        return fail(Error::invalid(usage));
    ManifestSource src;
    src.path = args.value(QStringLiteral("manifest"));
    if (!args.has(QStringLiteral("org")))
        return src;
    const QString slug = args.value(QStringLiteral("org"));
    auto opened = ctx.openOrg(slug);
    if (!opened)
        return fail(opened.error());
    auto ws = WorkspaceStore(*opened->first, ctx.actor()).get(opened->second.id);
    if (!ws)
        return fail(ws.error());
    src.projectDir = dbtProjectDir(*ws);
    src.path = src.projectDir + QStringLiteral("/target/manifest.json");
    src.orgId = opened->second.id;
    src.db = opened->first;
    if (!QFileInfo::exists(src.path))
        return fail(Error::notFound(QStringLiteral("there is no %1 yet; run `sluicectl dbt exec --org %2 -- compile` first").arg(src.path, slug)));
    return src;
}

CommandResult listModels(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{QStringLiteral("org"), QStringLiteral("manifest")}, {}}, QStringLiteral("dbt models"));
    if (!args)
        return fail(args.error());
    auto src = manifestSource(ctx, *args, QStringLiteral("usage: sluicectl dbt models (--org SLUG | --manifest PATH) [--json]"));
    if (!src)
        return fail(src.error());
    const QString path = src->path;
    QHash<QString, LastNodeResult> last;
    if (src->orgId) {
        auto results = RunStore(*src->db).lastNodeResults(*src->orgId);
        if (!results)
            return fail(results.error());
        last = std::move(*results);
    }
    auto manifest = readManifest(path);
    if (!manifest)
        return fail(manifest.error());
    const QList<DbtManifestNode> models = manifest->models();
    if (ctx.json()) {
        QJsonArray list;
        for (const DbtManifestNode &m : models)
            list.append(QJsonObject{{QStringLiteral("unique_id"), m.uniqueId},
                                    {QStringLiteral("name"), m.name},
                                    {QStringLiteral("resource_type"), m.resourceType},
                                    {QStringLiteral("path"), m.originalFilePath.isEmpty() ? m.path : m.originalFilePath},
                                    {QStringLiteral("materialization"), m.materialization},
                                    {QStringLiteral("tags"), QJsonArray::fromStringList(m.tags)},
                                    {QStringLiteral("depends_on"), QJsonArray::fromStringList(m.dependsOn)},
                                    {QStringLiteral("children"), QJsonArray::fromStringList(manifest->childMap.value(m.uniqueId))},
                                    {QStringLiteral("last_status"), last.contains(m.uniqueId) ? QJsonValue(last.value(m.uniqueId).status) : QJsonValue()},
                                    {QStringLiteral("last_run_at"), last.contains(m.uniqueId) && last.value(m.uniqueId).finishedAt > 0
                                                                        ? QJsonValue(QDateTime::fromMSecsSinceEpoch(last.value(m.uniqueId).finishedAt, QTimeZone::utc()).toString(Qt::ISODateWithMs))
                                                                        : QJsonValue()},
                                    {QStringLiteral("last_execution_time"), last.value(m.uniqueId).executionTime ? QJsonValue(*last.value(m.uniqueId).executionTime) : QJsonValue()}});
        ctx.print(QJsonObject{{QStringLiteral("manifest"), path},
                              {QStringLiteral("schema_version"), manifest->schemaVersion},
                              {QStringLiteral("dbt_version"), manifest->dbtVersion},
                              {QStringLiteral("project"), manifest->projectName},
                              {QStringLiteral("models"), list}});
        return {};
    }
    if (models.isEmpty()) {
        ctx.out() << "No models in " << path << ".\n";
        return {};
    }
    QList<QStringList> rows;
    for (const DbtManifestNode &m : models)
        rows.append({m.name, m.materialization, m.originalFilePath.isEmpty() ? m.path : m.originalFilePath,
                     m.tags.join(QLatin1Char(',')), QString::number(m.dependsOn.size()),
                     last.contains(m.uniqueId) ? last.value(m.uniqueId).status : QStringLiteral("-")});
    ctx.table({QStringLiteral("MODEL"), QStringLiteral("MATERIALIZED"), QStringLiteral("PATH"), QStringLiteral("TAGS"), QStringLiteral("PARENTS"),
               QStringLiteral("LAST STATUS")},
              rows);
    return {};
}

// dbt select: the nodes an expression selects, computed as dbt does (models/dbt/nodeselection.h).
CommandResult selectNodes(Context &ctx, const QStringList &words)
{
    const QString usage = QStringLiteral(
        "usage: sluicectl dbt select (--org SLUG | --manifest PATH) [--select EXPR]... [--exclude EXPR]... "
        "[--resource-type T]... [--command ls|run|test|build|seed|snapshot|compile|docs-generate] "
        "[--indirect-selection eager|cautious|buildable|empty] [--json]");
    auto args = Args::parse(words,
                            {{QStringLiteral("org"), QStringLiteral("manifest"), QStringLiteral("select"), QStringLiteral("exclude"),
                              QStringLiteral("resource-type"), QStringLiteral("command"), QStringLiteral("indirect-selection")},
                             {}},
                            QStringLiteral("dbt select"));
    if (!args)
        return fail(args.error());
    auto src = manifestSource(ctx, *args, usage);
    if (!src)
        return fail(src.error());
    QString command = args->has(QStringLiteral("command")) ? args->value(QStringLiteral("command")) : QStringLiteral("ls");
    command.replace(QLatin1Char('-'), QLatin1Char(' '));
    static const QStringList commands{QStringLiteral("ls"), QStringLiteral("list"), QStringLiteral("run"), QStringLiteral("test"),
                                      QStringLiteral("build"), QStringLiteral("seed"), QStringLiteral("snapshot"), QStringLiteral("compile"),
                                      QStringLiteral("docs generate"), QStringLiteral("source freshness")};
    if (!commands.contains(command))
        return fail(Error::invalid(QStringLiteral("--command %1 is not a dbt command that selects nodes; use one of ls, run, test, build, seed, snapshot, compile, docs-generate")
                                       .arg(args->value(QStringLiteral("command")))));
    DbtSelectionRequest request;
    request.select = args->values(QStringLiteral("select"));
    request.exclude = args->values(QStringLiteral("exclude"));
    applyDbtCommandDefaults(request, command, args->values(QStringLiteral("resource-type")));
    static const QStringList types{QStringLiteral("model"), QStringLiteral("analysis"), QStringLiteral("test"), QStringLiteral("snapshot"),
                                   QStringLiteral("operation"), QStringLiteral("seed"), QStringLiteral("source"), QStringLiteral("exposure"),
                                   QStringLiteral("metric"), QStringLiteral("saved_query"), QStringLiteral("semantic_model"),
                                   QStringLiteral("unit_test"), QStringLiteral("all"), QStringLiteral("default")};
    for (const QString &t : args->values(QStringLiteral("resource-type")))
        if (!types.contains(t))
            return fail(Error::invalid(QStringLiteral("--resource-type %1 is not a dbt resource type; use one of %2").arg(t, types.join(QStringLiteral(", ")))));
    const QString mode = args->has(QStringLiteral("indirect-selection")) ? args->value(QStringLiteral("indirect-selection")) : QStringLiteral("eager");
    static const QHash<QString, DbtIndirectSelection> modes{{QStringLiteral("eager"), DbtIndirectSelection::Eager},
                                                            {QStringLiteral("cautious"), DbtIndirectSelection::Cautious},
                                                            {QStringLiteral("buildable"), DbtIndirectSelection::Buildable},
                                                            {QStringLiteral("empty"), DbtIndirectSelection::Empty}};
    if (!modes.contains(mode))
        return fail(Error::invalid(QStringLiteral("--indirect-selection %1 is not one of eager, cautious, buildable, empty").arg(mode)));
    request.indirect = modes.value(mode);
    request.projectDir = src->projectDir;
    if (src->orgId) {
        auto results = RunStore(*src->db).lastNodeResults(*src->orgId);
        if (!results)
            return fail(results.error());
        QHash<QString, QString> statuses;
        for (auto it = results->cbegin(); it != results->cend(); ++it)
            statuses.insert(it.key(), it->status);
        request.lastResults = std::move(statuses);
    }
    auto manifest = readManifest(src->path);
    if (!manifest)
        return fail(manifest.error());
    const DbtNodeSelector selector(std::move(*manifest));
    auto selected = selector.select(request);
    if (!selected)
        return fail(selected.error());
    for (const QString &w : selected->warnings)
        std::fprintf(stderr, "warning: %s\n", qPrintable(w));
    if (ctx.json()) {
        QJsonArray list;
        for (const QString &id : selected->uniqueIds) {
            const DbtManifestNode *n = selector.node(id);
            list.append(QJsonObject{{QStringLiteral("unique_id"), id},
                                    {QStringLiteral("name"), n->name},
                                    {QStringLiteral("resource_type"), n->resourceType}});
        }
        ctx.print(list);
        return {};
    }
    for (const QString &id : selected->uniqueIds)
        ctx.out() << id << '\n';
    return {};
}

// dbt install: a virtualenv with dbt-<adapter>==<version> for the org's workspace, set as its dbt
// (the window's Install dbt does the same through TransformService).
CommandResult installDbt(Context &ctx, const QStringList &words)
{
    const QString usage = QStringLiteral("usage: sluicectl dbt install --org SLUG --version V --adapter A [--venv DIR] [--find-links DIR] "
                                         "[--no-index]   (adapters: %1)")
                              .arg(DbtInstaller::knownAdapters().join(QStringLiteral(", ")));
    auto cmd = forOrg(ctx, words,
                      {{QStringLiteral("version"), QStringLiteral("adapter"), QStringLiteral("venv"), QStringLiteral("find-links")},
                       {QStringLiteral("no-index")}},
                      QStringLiteral("dbt install"), usage);
    if (!cmd)
        return fail(cmd.error());
    const Args &args = cmd->args;
    if (!args.has(QStringLiteral("version")) || !args.has(QStringLiteral("adapter")))
        return fail(Error::invalid(usage));
    if (auto ws = WorkspaceStore(*cmd->db, ctx.actor()).get(cmd->org.id); !ws)
        return fail(ws.error().kind == Error::Kind::NotFound
                        ? Error::notFound(QStringLiteral("org %1 has no dbt workspace; set it first with `sluicectl workspace set --org %1`")
                                              .arg(cmd->org.slug))
                        : ws.error());
    DbtInstallSpec spec = dbtInstallSpecFor(cmd->org.slug, args.value(QStringLiteral("version")), args.value(QStringLiteral("adapter")));
    if (args.has(QStringLiteral("venv")))
        spec.venvDir = QFileInfo(args.value(QStringLiteral("venv"))).absoluteFilePath();
    spec.findLinks = args.value(QStringLiteral("find-links"));
    spec.noIndex = args.has(QStringLiteral("no-index"));
    if (auto ok = DbtInstaller::validate(spec); !ok)
        return fail(ok.error());

    // Progress on stderr (stdout carries the result), pip's lines only with --verbose-like needs: the
    // step and percent as they change, and pip's ERROR lines as they come.
    DbtInstaller installer(spec);
    int shown = -1;
    QObject::connect(&installer, &DbtInstaller::progressChanged, &installer, [&](const DbtInstallProgress &p) {
        if (p.percent == shown)
            return;
        shown = p.percent;
        std::fprintf(stderr, "[%3d%%] %s: %s\n", p.percent, qPrintable(toString(p.step)), qPrintable(p.detail));
    });
    QObject::connect(&installer, &DbtInstaller::logLine, &installer, [](const OutputLine &line) {
        if (line.text.startsWith(QLatin1String("ERROR")))
            std::fprintf(stderr, "%s\n", qPrintable(line.text));
    });
    DbtInstallResult result;
    QEventLoop loop;
    QObject::connect(&installer, &DbtInstaller::finished, &loop, [&](const DbtInstallResult &r) {
        result = r;
        loop.quit();
    });
    InterruptGuard interrupt([&](int) {
        std::fprintf(stderr, "sluicectl: cancelling the install\n");
        installer.cancel();
    });
    installer.start();
    loop.exec();
    if (result.outcome != Outcome::Success)
        return fail(Error::invalid(QStringLiteral("dbt was not installed (%1): %2").arg(toString(result.step), result.errorText)));
    if (auto stored = recordDbtInstall(*cmd->db, ctx.actor(), cmd->org.id, result, spec.adapter); !stored)
        return fail(stored.error());
    if (ctx.json())
        ctx.print(QJsonObject{{QStringLiteral("dbt"), result.dbtExecutable},
                              {QStringLiteral("version"), result.dbtVersion},
                              {QStringLiteral("adapter"), spec.adapter},
                              {QStringLiteral("venv"), spec.venvDir}});
    else
        ctx.out() << "Installed dbt " << result.dbtVersion << " with " << spec.adapter << " at " << result.dbtExecutable
                  << "; it is org " << cmd->org.slug << "'s dbt now.\n";
    return {};
}

} // namespace

CommandResult runDbt(Context &ctx, const QString &verb, const QStringList &words)
{
    if (verb == QLatin1String("exec"))
        return execDbt(ctx, words);
    if (verb == QLatin1String("models"))
        return listModels(ctx, words);
    if (verb == QLatin1String("select"))
        return selectNodes(ctx, words);
    if (verb == QLatin1String("install"))
        return installDbt(ctx, words);
    return fail(Error::invalid(QStringLiteral("unknown command `dbt %1`; use dbt exec, dbt models, dbt select or dbt install").arg(verb)));
}

} // namespace sluice::cli
