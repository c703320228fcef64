#include "workspacestore.h"

#include "core/clock.h"
#include "store/database.h"

#include <QUrl>

namespace sluice {

namespace {

QVariant nullIfEmpty(const QString &s) { return s.isEmpty() ? QVariant() : QVariant(s); }

} // namespace

QJsonObject toJson(const DbtWorkspace &w)
{
    auto v = [](const QString &s) { return s.isEmpty() ? QJsonValue() : QJsonValue(s); };
    return {{QStringLiteral("git_url"), v(w.gitUrl)},
            {QStringLiteral("branch"), w.branch},
            {QStringLiteral("project_dir"), w.projectDir},
            {QStringLiteral("checkout_path"), v(w.checkoutPath)},
            {QStringLiteral("dbt_executable"), v(w.dbtExecutable)},
            {QStringLiteral("dbt_version"), v(w.dbtVersion)},
            {QStringLiteral("dbt_adapter"), v(w.dbtAdapter)},
            {QStringLiteral("profile_name"), v(w.profileName)},
            {QStringLiteral("target_name"), w.targetName},
            {QStringLiteral("default_schema"), v(w.defaultSchema)}};
}

WorkspaceStore::WorkspaceStore(Database &db, QString actor) : m_db(db), m_audit(db, std::move(actor)) {}

Result<DbtWorkspace> WorkspaceStore::get(qint64 orgId)
{
    auto q = m_db.exec(QStringLiteral("SELECT git_url, branch, project_dir, checkout_path, dbt_executable, dbt_version, dbt_adapter, "
                                      "profile_name, target_name, default_schema FROM dbt_workspace WHERE org_id = ?"),
                       {orgId});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("the org has no dbt workspace yet; set one with `sluicectl workspace set`")));
    DbtWorkspace w;
    w.orgId = orgId;
    w.gitUrl = q->value(0).toString();
    w.branch = q->value(1).toString();
    w.projectDir = q->value(2).toString();
    w.checkoutPath = q->value(3).toString();
    w.dbtExecutable = q->value(4).toString();
    w.dbtVersion = q->value(5).toString();
    w.dbtAdapter = q->value(6).toString();
    w.profileName = q->value(7).toString();
    w.targetName = q->value(8).toString();
    w.defaultSchema = q->value(9).toString();
    return w;
}

Result<DbtWorkspace> WorkspaceStore::set(qint64 orgId, const DbtWorkspace &w)
{
    if (!w.gitUrl.isEmpty()) {
        const QUrl url(w.gitUrl);
        if (!url.password().isEmpty() || (url.scheme().startsWith(QLatin1String("http")) && !url.userName().isEmpty()))
            return fail(Error::invalid(QStringLiteral("the git URL carries credentials; remove them and store the token with "
                                                      "`sluicectl secrets set org/SLUG/git-token`")));
    }
    if (w.branch.trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("the workspace needs a branch")));
    if (w.projectDir.startsWith(QLatin1Char('/')) || w.projectDir.split(QLatin1Char('/')).contains(QStringLiteral("..")))
        return fail(Error::invalid(QStringLiteral("the project dir \"%1\" must be a path inside the repository").arg(w.projectDir)));
    return m_db.write([&]() -> Result<DbtWorkspace> {
        auto before = get(orgId);
        if (!before && before.error().kind != Error::Kind::NotFound)
            return before;
        auto q = m_db.exec(QStringLiteral(
            "INSERT INTO dbt_workspace (org_id, git_url, branch, project_dir, checkout_path, dbt_executable, dbt_version, "
            "dbt_adapter, profile_name, target_name, default_schema, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (org_id) DO UPDATE SET git_url = excluded.git_url, branch = excluded.branch, "
            "project_dir = excluded.project_dir, checkout_path = excluded.checkout_path, dbt_executable = excluded.dbt_executable, "
            "dbt_version = excluded.dbt_version, dbt_adapter = excluded.dbt_adapter, profile_name = excluded.profile_name, "
            "target_name = excluded.target_name, default_schema = excluded.default_schema, updated_at = excluded.updated_at"),
            // A null QString binds as NULL; the project dir is NOT NULL with '' for the repository's root.
            {orgId, nullIfEmpty(w.gitUrl), w.branch, w.projectDir.isNull() ? QStringLiteral("") : w.projectDir, nullIfEmpty(w.checkoutPath), nullIfEmpty(w.dbtExecutable),
             nullIfEmpty(w.dbtVersion), nullIfEmpty(w.dbtAdapter), nullIfEmpty(w.profileName), w.targetName,
             nullIfEmpty(w.defaultSchema), nowMs()});
        if (!q)
            return fail(q.error());
        DbtWorkspace saved = w;
        saved.orgId = orgId;
        const auto previous = before ? std::optional<QJsonObject>(toJson(*before)) : std::nullopt;
        if (auto a = m_audit.saved(orgId, QStringLiteral("dbt_workspace"), QString::number(orgId), previous, toJson(saved)); !a)
            return fail(a.error());
        return saved;
    });
}

} // namespace sluice
