#pragma once

#include "dbt/dbtinstaller.h"

#include "catalog/taskcatalog.h"
#include "core/error.h"
#include "dbt/dbtoperation.h"
#include "domain/entities.h"
#include "git/gittypes.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QCoro/QCoroTask>

#include <functional>
#include <optional>

namespace sluice {

class Database;

// What everything that runs an org's dbt or git prepares the same way — the pipeline runner,
// `sluicectl dbt exec` and `workspace clone|pull`, the desktop app's services — with the same words
// when something is missing.

// Reads one keychain entry: std::nullopt when it is not set, an error when the keychain cannot be read.
// The runner's lookup also remembers the value for masking; the CLI's asks SecretStore directly.
using SecretLookup = std::function<QCoro::Task<Result<std::optional<QString>>>(const QString &key)>;

// The system keychain, asked directly for each key (the CLI's lookup).
[[nodiscard]] SecretLookup keychainSecrets();

// One keychain entry through `secrets`; a keychain that cannot be read is an error naming the key:
// "cannot read org/acme/warehouse from the keychain: ...".
[[nodiscard]] QCoro::Task<Result<std::optional<QString>>> readSecret(SecretLookup secrets, QString key);

// The dbt project's directory: the workspace's checkout joined with its project dir.
[[nodiscard]] QString dbtProjectDir(const DbtWorkspace &workspace);

// The folders under `checkout` that hold a dbt_project.yml, relative to it ("" for the root itself),
// at most `depth` levels down; dbt's own folders (target, dbt_packages, logs), hidden folders and
// node_modules are not looked into. Sorted, shallowest first.
[[nodiscard]] QStringList findDbtProjects(const QString &checkout, int depth = 3);

// The install of dbt-<adapter>==<version> for an org: a virtualenv of its own in Sluice's data
// folder (venvs/<org>/dbt-<adapter>-<version>), pip's own configuration deciding where from.
[[nodiscard]] DbtInstallSpec dbtInstallSpecFor(const QString &orgSlug, const QString &version, const QString &adapter);
// Sets the installed dbt (executable, version, adapter) on the org's workspace, audited.
[[nodiscard]] Result<void> recordDbtInstall(Database &db, const QString &actor, qint64 orgId, const DbtInstallResult &result,
                                            const QString &adapter);
// The profile and target the org's dbt runs with (the workspace's, else "sluice" and "prod").
[[nodiscard]] QString dbtProfileName(const DbtWorkspace &workspace);
[[nodiscard]] QString dbtTargetName(const DbtWorkspace &workspace);

// Whether the org's dbt needs the warehouse secret from the keychain: not for duckdb (a file), and not
// when the user said the warehouse is reached without one (`warehouse set --no-secret`: trust or peer
// authentication, or a password in ~/.pgpass or PGPASSWORD).
[[nodiscard]] bool warehouseNeedsSecret(const Warehouse &warehouse);

// The dbt argv of a catalog dbt task with an org task's parameters: the command's words, then
// `--flag` for each flag and `--option value` for each option (separate argv entries, no shell).
[[nodiscard]] QStringList dbtTaskArguments(const CatalogTask &task, const TaskParameters &parameters);

// dbt ready to run for the org: the spec (profile written, secrets only in its environment) and every
// secret value placed there, for the caller's scrubber.
struct PreparedDbt
{
    DbtSpec spec;
    QStringList secretValues;
};

// Loads the org's workspace and warehouse, reads the warehouse secret through `secrets` when it needs
// one, writes the profile into `profilesDir` (made 0700; the caller removes it) and builds the spec for
// `arguments`. Errors name what is missing and the command that fixes it (Error::NotFound: no
// workspace, no warehouse, no secret, no checkout; Error::Invalid: a setting the profile cannot take).
[[nodiscard]] QCoro::Task<Result<PreparedDbt>> prepareDbt(Database &db, QString actor, Org org, QStringList arguments,
                                                          QString profilesDir, SecretLookup secrets);
// prepareDbt for a warehouse not (yet) saved — what a form holds, to test it before saving: `secret`, when
// given and not empty, is used instead of the keychain's.
[[nodiscard]] QCoro::Task<Result<PreparedDbt>> prepareDbtFor(Database &db, QString actor, Org org, Warehouse warehouse,
                                                             std::optional<QString> secret, QStringList arguments,
                                                             QString profilesDir, SecretLookup secrets);

// The token a git transfer of the org's workspace gives the server. For an HTTPS remote it is read from
// the keychain now (the provider answers libgit2 later, on the job's thread); a token that is not set is
// an error only when the server asks for one (public repositories need none). Other remotes get none.
// A keychain that cannot be read is the returned error.
struct GitToken
{
    GitTokenProvider provider;  // empty: the remote gets no token
};
// The token for an org's http(s) remote (none for ssh/file remotes). Over plain http:// to a host
// other than this machine the token is never handed out: a server that asks for it gets an error
// saying why (a public repository still clones).
[[nodiscard]] QCoro::Task<Result<GitToken>> gitTokenFor(QString orgSlug, QString url, SecretLookup secrets);
// Whether `url` is plain http:// to a host other than loopback.
[[nodiscard]] bool sendsTokenInTheClear(const QString &url);
// The user name a git host expects beside an HTTPS access token: GitLab "oauth2", Bitbucket
// "x-token-auth", GitHub and others "x-access-token".
[[nodiscard]] QString gitTokenUser(const QString &url);
// Appended to "the git token was refused": how to fix it.
[[nodiscard]] QString gitTokenHint(const QString &orgSlug);

} // namespace sluice
