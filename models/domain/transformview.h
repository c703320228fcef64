#pragma once

// What the Transform page shows of one org, as the TransformService reads it (plain values, sent
// across threads by queued signals).

#include "dbt/manifest.h"
#include "dbt/modelbuilders.h"
#include "domain/entities.h"
#include "domain/runs.h"
#include "store/lockstore.h"
#include "store/workspacestore.h"

#include <QList>
#include <QMetaType>
#include <QStringList>

#include <optional>

namespace sluice {

// One org task with the command line it runs (commandpreview.h) and who holds it now.
struct TransformTaskRow {
    qint64 id = 0;                       // the org task's id (rows are matched by it)
    OrgTask task;
    QStringList commandLine;
    std::optional<TaskLockStatus> lock;  // empty: nobody holds it
    [[nodiscard]] bool isSystem() const { return task.generatedBy == QLatin1String("system"); }
};

// One manifest resource with the latest recorded result of it.
struct TransformModelRow {
    qint64 id = 0;                       // the row's position in the manifest (stable for one manifest)
    DbtManifestNode node;
    std::optional<LastNodeResult> last;
    QList<ModelBuilder> builtBy;         // the pipelines whose dbt tasks build it
};

// The org's dbt side: its workspace and, for each missing piece, what is missing and the fix.
struct TransformOverview {
    qint64 orgId = 0;
    QString orgSlug;
    std::optional<DbtWorkspace> workspace;
    QString workspaceProblem;            // no workspace set / no checkout yet: what to do
    QString currentCommit;               // "1a2b3c4d5e6f Fix orders — Alice, 2 Dec 2026 14:03 (main)" with a checkout
    int behindOrigin = -1;               // commits origin/<branch> has that the checkout lacks (last fetch); -1: unknown
    int aheadOfOrigin = 0;               // local commits origin lacks
    QStringList projectDirCandidates;    // folders of the checkout holding dbt_project.yml ("" is the root)
    QString dbtVersion;                  // dbt-core's version as `dbt --version` says; empty: not known (yet)
    std::optional<bool> tokenStored;     // whether the keychain holds the org's git token; empty: not known
    QString keychainProblem;             // no keychain reachable (or it failed): what that means and the fix
    QString dbtFound;                    // "dbt at /usr/bin/dbt" or empty
    QString dbtProblem;                  // no dbt executable: the fix
    QString manifestPath;
    QString manifestSummary;             // "dbt 1.8.9, manifest v12, 28 nodes" or empty
    QString manifestProblem;             // no manifest yet / unreadable: the fix
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::DbtWorkspace)
Q_DECLARE_METATYPE(sluice::OrgTaskDraft)
Q_DECLARE_METATYPE(sluice::TransformOverview)
Q_DECLARE_METATYPE(sluice::TransformTaskRow)
Q_DECLARE_METATYPE(sluice::TransformModelRow)
