#include "orgsetup.h"

#include "dbt/profileswriter.h"
#include "secrets/secretstore.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>

#include <QStandardPaths>

namespace sluice {

namespace {
// prepareDbt's work once the workspace and the warehouse are known.
QCoro::Task<Result<PreparedDbt>> prepareDbtWith(DbtWorkspace ws, Warehouse warehouse, std::optional<QString> given, Org org,
                                                QStringList arguments, QString profilesDir, SecretLookup secrets);
} // namespace

SecretLookup keychainSecrets()
{
    return [](const QString &key) -> QCoro::Task<Result<std::optional<QString>>> {
        const SecretStore store;
        co_return co_await store.get(key);
    };
}

QCoro::Task<Result<std::optional<QString>>> readSecret(SecretLookup secrets, QString key)
{
    auto value = co_await secrets(key);
    if (!value)
        co_return fail(Error{value.error().kind, QStringLiteral("cannot read %1 from the keychain: %2").arg(key, value.error().message)});
    co_return *value;
}

QString dbtProfileName(const DbtWorkspace &ws)
{
    return ws.profileName.isEmpty() ? QStringLiteral("sluice") : ws.profileName;
}

QString dbtTargetName(const DbtWorkspace &ws)
{
    return ws.targetName.isEmpty() ? QStringLiteral("prod") : ws.targetName;
}

QString dbtProjectDir(const DbtWorkspace &ws)
{
    return QDir::cleanPath(QDir(ws.checkoutPath).absoluteFilePath(ws.projectDir.isEmpty() ? QStringLiteral(".") : ws.projectDir));
}

bool warehouseNeedsSecret(const Warehouse &warehouse)
{
    return warehouse.type != QLatin1String("duckdb") && warehouse.usesSecret;
}

QStringList dbtTaskArguments(const CatalogTask &task, const TaskParameters &parameters)
{
    QStringList args = task.command.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &flag : parameters.flags)
        args << QStringLiteral("--") + flag;
    for (auto it = parameters.options.begin(); it != parameters.options.end(); ++it)
        args << QStringLiteral("--") + it.key() << it.value();
    return args;
}

QCoro::Task<Result<PreparedDbt>> prepareDbt(Database &db, QString actor, Org org, QStringList arguments, QString profilesDir,
                                            SecretLookup secrets)
{
    auto ws = WorkspaceStore(db, actor).get(org.id);
    if (!ws) {
        if (ws.error().kind == Error::Kind::NotFound)
            co_return fail(Error::notFound(QStringLiteral("org %1 has no dbt workspace; set it with `sluicectl workspace set --org %1`").arg(org.slug)));
        co_return fail(ws.error());
    }
    auto warehouse = WarehouseStore(db, actor).get(org.id);
    if (!warehouse) {
        if (warehouse.error().kind == Error::Kind::NotFound)
            co_return fail(Error::notFound(QStringLiteral("org %1 has no warehouse; set it with `sluicectl warehouse set --org %1`").arg(org.slug)));
        co_return fail(warehouse.error());
    }
    Result<PreparedDbt> prepared = co_await prepareDbtWith(*ws, *warehouse, std::nullopt, org, arguments, profilesDir, secrets);
    co_return prepared;
}

QCoro::Task<Result<PreparedDbt>> prepareDbtFor(Database &db, QString actor, Org org, Warehouse warehouse, std::optional<QString> secret,
                                               QStringList arguments, QString profilesDir, SecretLookup secrets)
{
    auto ws = WorkspaceStore(db, actor).get(org.id);
    if (!ws) {
        if (ws.error().kind == Error::Kind::NotFound)
            co_return fail(Error::notFound(QStringLiteral("org %1 has no dbt workspace; set it with `sluicectl workspace set --org %1`").arg(org.slug)));
        co_return fail(ws.error());
    }
    Result<PreparedDbt> prepared = co_await prepareDbtWith(*ws, warehouse, secret, org, arguments, profilesDir, secrets);
    co_return prepared;
}

namespace {
QCoro::Task<Result<PreparedDbt>> prepareDbtWith(DbtWorkspace ws0, Warehouse warehouse0, std::optional<QString> given, Org org,
                                                QStringList arguments, QString profilesDir, SecretLookup secrets)
{
    const DbtWorkspace *ws = &ws0;
    const Warehouse *warehouse = &warehouse0;
    const QString key = SecretStore::warehouseKey(org.slug);
    QString secret;
    if (warehouseNeedsSecret(*warehouse) && given && !given->isEmpty()) {
        secret = *given;
    } else if (warehouseNeedsSecret(*warehouse)) {
        auto value = co_await readSecret(secrets, key);
        if (!value)
            co_return fail(value.error());
        if (!value->has_value())
            co_return fail(Error::notFound(QStringLiteral("the warehouse secret is not set; store it with `sluicectl secrets set %1`, or, "
                                                          "when the warehouse needs none (trust or peer authentication, ~/.pgpass), say so "
                                                          "with `sluicectl warehouse set --org %2 --no-secret`")
                                               .arg(key, org.slug)));
        secret = **value;
    }

    ProfileRequest request;
    request.profileName = dbtProfileName(*ws);
    request.targetName = dbtTargetName(*ws);
    request.warehouseType = warehouse->type;
    request.settings = warehouse->settings;
    request.secret = secret;
    request.withoutSecret = !warehouseNeedsSecret(*warehouse);
    request.defaultSchema = ws->defaultSchema;
    auto profile = writeProfiles(profilesDir, request);
    if (!profile) {
        Error e = profile.error();
        e.message.replace(QStringLiteral("org/SLUG/warehouse"), key)
            .replace(QStringLiteral("--setting"), QStringLiteral("--org %1 --setting").arg(org.slug));
        co_return fail(e);
    }

    PreparedDbt out;
    out.secretValues = profile->secretValues;
    DbtSpec &spec = out.spec;
    spec.dbtExecutable = ws->dbtExecutable;
    spec.arguments = arguments;
    spec.projectDir = dbtProjectDir(*ws);
    spec.profilesDir = profile->directory;
    spec.profile = request.profileName;
    spec.target = request.targetName;
    spec.environment = profile->environment;
    if (!QFileInfo(spec.projectDir).isDir())
        co_return fail(Error::notFound(QStringLiteral("the dbt project %1 does not exist; clone it with `sluicectl workspace clone --org %2`")
                                           .arg(spec.projectDir, org.slug)));
    co_return out;
}
} // namespace

QString gitTokenHint(const QString &orgSlug)
{
    return QStringLiteral("update it with `sluicectl secrets set %1`").arg(SecretStore::gitTokenKey(orgSlug));
}

QString gitTokenUser(const QString &url)
{
    const QString host = QUrl(url).host().toLower();
    if (host == QLatin1String("gitlab.com") || host.startsWith(QLatin1String("gitlab.")))
        return QStringLiteral("oauth2");
    if (host == QLatin1String("bitbucket.org") || host.startsWith(QLatin1String("bitbucket.")))
        return QStringLiteral("x-token-auth");
    return QStringLiteral("x-access-token"); // GitHub (and what most other servers accept for a token)
}

bool sendsTokenInTheClear(const QString &url)
{
    const QUrl u(url);
    if (u.scheme().compare(QLatin1String("http"), Qt::CaseInsensitive) != 0)
        return false;
    const QString host = u.host().toLower();
    return host != QLatin1String("localhost") && host != QLatin1String("127.0.0.1") && host != QLatin1String("::1")
        && !host.startsWith(QLatin1String("127."));
}

QCoro::Task<Result<GitToken>> gitTokenFor(QString orgSlug, QString url, SecretLookup secrets)
{
    if (!QUrl(url).scheme().startsWith(QLatin1String("http"), Qt::CaseInsensitive))
        co_return GitToken{};
    if (sendsTokenInTheClear(url)) {
        // A public repository over http:// still clones; a server that asks for the token gets none.
        const QString message = QStringLiteral("the git server %1 asks for the token over plain http://, which would send it unencrypted; "
                                               "use its https:// URL (sluicectl workspace set --git-url https://…)")
                                    .arg(QUrl(url).host());
        co_return GitToken{[message]() -> Result<QString> { return fail(Error::invalid(message)); }};
    }
    const QString key = SecretStore::gitTokenKey(orgSlug);
    auto stored = co_await readSecret(secrets, key);
    if (!stored)
        co_return fail(stored.error());
    if (!stored->has_value()) {
        const QString message = QStringLiteral("the git server asks for a token and none is stored; store it with `sluicectl secrets set %1`").arg(key);
        co_return GitToken{[message]() -> Result<QString> { return fail(Error::notFound(message)); }};
    }
    const QString token = **stored;
    co_return GitToken{[token]() -> Result<QString> { return token; }};
}

QStringList findDbtProjects(const QString &checkout, int depth)
{
    QStringList found;
    QList<std::pair<QString, int>> queue{{QString(), 0}};
    const QDir root(checkout);
    while (!queue.isEmpty()) {
        const auto [rel, level] = queue.takeFirst();
        const QDir dir(rel.isEmpty() ? checkout : root.filePath(rel));
        if (dir.exists(QStringLiteral("dbt_project.yml")))
            found << rel;
        if (level >= depth)
            continue;
        static const QStringList skipped{QStringLiteral("target"), QStringLiteral("dbt_packages"), QStringLiteral("dbt_modules"),
                                         QStringLiteral("logs"), QStringLiteral("node_modules")};
        QStringList subdirs = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks, QDir::Name);
        for (const QString &sub : subdirs)
            if (!sub.startsWith(QLatin1Char('.')) && !skipped.contains(sub))
                queue.append({rel.isEmpty() ? sub : rel + QLatin1Char('/') + sub, level + 1});
    }
    return found;
}

DbtInstallSpec dbtInstallSpecFor(const QString &orgSlug, const QString &version, const QString &adapter)
{
    DbtInstallSpec spec;
    spec.venvDir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                   + QStringLiteral("/venvs/%1/dbt-%2-%3").arg(orgSlug, adapter, version);
    spec.adapter = adapter;
    spec.dbtVersion = version;
    return spec;
}

Result<void> recordDbtInstall(Database &db, const QString &actor, qint64 orgId, const DbtInstallResult &result, const QString &adapter)
{
    WorkspaceStore store(db, actor);
    auto ws = store.get(orgId);
    if (!ws)
        return fail(ws.error());
    ws->dbtExecutable = result.dbtExecutable;
    ws->dbtVersion = result.dbtVersion;
    ws->dbtAdapter = adapter;
    if (auto saved = store.set(orgId, *ws); !saved)
        return fail(saved.error());
    return {};
}

} // namespace sluice
