#include "services/transformservice.h"

#include "core/clock.h"
#include "dbt/dbtartifacts.h"
#include "dbt/modelbuilders.h"
#include "dbt/dbtoperation.h"
#include "dbt/nodeselection.h"
#include "git/gitjob.h"
#include "git/gitworkspace.h"
#include "runner/commandpreview.h"
#include "runner/orgsetup.h"
#include "services/dbtfinder.h"
#include "store/changewatcher.h"
#include "store/database.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runstore.h"

#include <QDateTime>
#include <QDir>
#include <QLocale>
#include <QStandardPaths>
#include <QFileInfo>

namespace sluice {

TransformService::TransformService(DbUrl url, QString actor, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_actor(std::move(actor))
{
    qRegisterMetaType<sluice::TransformOverview>();
    qRegisterMetaType<sluice::DbtWorkspace>();
    qRegisterMetaType<sluice::OrgTaskDraft>();
    qRegisterMetaType<QList<sluice::TransformTaskRow>>();
    qRegisterMetaType<QList<sluice::TransformModelRow>>();
}

TransformService::~TransformService()
{
    // The watcher unsubscribes through the connection: before m_db goes.
    delete m_watcher;
    m_watcher = nullptr;
}

void TransformService::start()
{
    if (m_db)
        return;
    auto db = Database::openExisting(m_url);
    if (!db) {
        Q_EMIT problem(tr("Cannot open the store for the Transform page: %1").arg(db.error().message));
        return;
    }
    m_db = std::move(*db);
    m_watcher = new ChangeWatcher(*m_db, this);
    connect(m_watcher, &ChangeWatcher::changed, this, &TransformService::onChanged);
    if (auto started = m_watcher->start(); !started)
        Q_EMIT problem(tr("Changes made elsewhere will show only on F5: %1").arg(started.error().message));
    if (m_orgId)
        refresh();
}

void TransformService::showOrg(qint64 orgId)
{
    if (orgId != m_orgId) {
        m_orgId = orgId;
        m_selector.reset();
        m_manifestPath.clear();
        m_manifestStamp = {};
        m_manifestError.clear();
    }
    refresh();
}

void TransformService::refresh()
{
    if (!m_db || !m_orgId)
        return;
    m_keychainAsked.clear(); // F5 asks the keychain again (it may have been started since)
    readOverview();
    readTasks();
    readModels();
}

void TransformService::onChanged(const QSet<QString> &tables)
{
    if (!m_orgId)
        return;
    const auto touches = [&](std::initializer_list<const char *> names) {
        if (tables.isEmpty())
            return true; // SQLite: not known which
        for (const char *n : names)
            if (tables.contains(QLatin1String(n)))
                return true;
        return false;
    };
    if (touches({"dbt_workspace", "warehouse", "org"}))
        readOverview();
    if (touches({"org_task", "lock_lease", "lock_task", "run", "task_run", "dbt_workspace"}))
        readTasks();
    if (touches({"run", "task_run", "dbt_workspace", "pipeline", "pipeline_task", "org_task"}))
        readModels();
}

void TransformService::readOverview()
{
    TransformOverview o;
    o.orgId = m_orgId;
    auto org = OrgStore(*m_db, m_actor).findById(m_orgId);
    if (!org) {
        Q_EMIT problem(tr("Cannot read the org: %1").arg(org.error().message));
        return;
    }
    m_orgSlug = o.orgSlug = org->slug;
    auto ws = WorkspaceStore(*m_db, m_actor).get(m_orgId);
    if (!ws && ws.error().kind != Error::Kind::NotFound) {
        Q_EMIT problem(tr("Cannot read the dbt workspace: %1").arg(ws.error().message));
        return;
    }
    m_workspace = ws ? std::optional<DbtWorkspace>(*ws) : std::nullopt;
    o.workspace = m_workspace;
    if (!m_workspace) {
        o.workspaceProblem = tr("This org has no dbt project yet. Fix: type its git URL above, choose the branch and Save "
                                "(or `sluicectl workspace set --org %1 --git-url URL --branch main`).").arg(o.orgSlug);
    } else if (!QDir(m_workspace->checkoutPath).exists(QStringLiteral(".git"))) {
        o.workspaceProblem = tr("There is no checkout of %1 yet. Fix: Clone (or `sluicectl workspace clone --org %2`).")
                                 .arg(m_workspace->gitUrl, o.orgSlug);
    }
    if (m_workspace && QDir(m_workspace->checkoutPath).exists(QStringLiteral(".git"))) {
        if (auto repo = GitWorkspace::open(m_workspace->checkoutPath)) {
            if (auto head = repo->currentCommit(); head && head->isValid()) {
                const QString when = head->authorTime ? QLocale().toString(QDateTime::fromMSecsSinceEpoch(head->authorTime), QLocale::ShortFormat)
                                                      : QString();
                o.currentCommit = tr("%1 %2 — %3, %4 (%5)").arg(head->sha.left(12), head->summary, head->author, when, head->branch);
            }
            if (auto d = repo->divergenceFromOrigin(m_workspace->branch); d && d->has_value()) {
                o.behindOrigin = (*d)->behind;
                o.aheadOfOrigin = (*d)->ahead;
            }
        }
        o.projectDirCandidates = findDbtProjects(m_workspace->checkoutPath);
    }
    auto dbt = findDbtForWindow(m_workspace ? m_workspace->dbtExecutable : QString());
    if (dbt) {
        o.dbtFound = *dbt;
        if (const auto known = m_dbtVersions.constFind(*dbt); known != m_dbtVersions.cend())
            o.dbtVersion = known.value();
        else
            probeDbtVersion(*dbt);
    } else {
        o.dbtProblem = dbt.error().message;
    }
    if (m_workspace) {
        o.manifestPath = dbtProjectDir(*m_workspace) + QStringLiteral("/target/manifest.json");
        loadManifest(o.manifestPath);
        if (m_selector) {
            const DbtManifest &m = m_selector->manifest();
            o.manifestSummary = tr("dbt %1, manifest v%2, %3 nodes").arg(m.dbtVersion).arg(m.schemaVersion).arg(m.nodes.size() + m.otherResources.size());
        } else if (!QFileInfo::exists(o.manifestPath)) {
            o.manifestProblem = tr("No manifest yet, so models cannot be listed or selections counted. Fix: run a dbt task "
                                   "(any dbt command writes target/manifest.json), or `sluicectl dbt exec --org %1 -- compile`.")
                                    .arg(o.orgSlug);
        }
    }
    if (!m_keychainAsked.contains(o.orgSlug)) {
        m_keychainAsked.insert(o.orgSlug);
        [[maybe_unused]] auto asking = askKeychain(o.orgSlug);
    }
    if (const auto it = m_tokenStored.constFind(o.orgSlug); it != m_tokenStored.cend())
        o.tokenStored = it.value();
    o.keychainProblem = m_keychainProblem;
    if (o.manifestProblem.isEmpty() && !m_manifestError.isEmpty())
        o.manifestProblem = m_selector ? tr("%1 (showing the last manifest that could be read)").arg(m_manifestError) : m_manifestError;
    Q_EMIT overviewShown(o);
}

void TransformService::loadManifest(const QString &path)
{
    const QFileInfo fi(path);
    if (!fi.exists()) {
        m_selector.reset();
        m_manifestPath = path;
        m_manifestError.clear();
        return;
    }
    if (path == m_manifestPath && fi.lastModified() == m_manifestStamp && m_selector)
        return;
    if (path != m_manifestPath)
        m_selector.reset(); // another project: what was read of the old one does not stand in
    m_manifestPath = path;
    m_manifestStamp = fi.lastModified();
    auto manifest = readManifest(path);
    if (!manifest) {
        // dbt may be rewriting the file right now: keep what was read before, try again on the next change.
        m_manifestStamp = {};
        m_manifestError = manifest.error().message;
        return;
    }
    m_manifestError.clear();
    m_selector = std::make_unique<DbtNodeSelector>(std::move(*manifest));
}

void TransformService::readTasks()
{
    auto tasks = OrgTaskStore(*m_db, m_actor).list(m_orgId);
    if (!tasks) {
        Q_EMIT problem(tr("Cannot read the tasks: %1").arg(tasks.error().message));
        return;
    }
    auto locks = LockStore(*m_db).status(m_orgId, 0);
    if (!locks) {
        Q_EMIT problem(tr("Cannot read the task locks: %1").arg(locks.error().message));
        return;
    }
    QHash<qint64, TaskLockStatus> byTask;
    for (const TaskLockStatus &l : std::as_const(*locks))
        byTask.insert(l.orgTaskId, l);
    QList<TransformTaskRow> rows;
    for (const OrgTask &t : std::as_const(*tasks)) {
        TransformTaskRow r;
        r.id = t.id;
        r.task = t;
        r.commandLine = taskCommandLine(t, m_workspace);
        if (auto it = byTask.constFind(t.id); it != byTask.cend())
            r.lock = *it;
        rows.append(std::move(r));
    }
    Q_EMIT tasksShown(m_orgId, rows, QDateTime::currentMSecsSinceEpoch());
}

void TransformService::readModels()
{
    if (m_workspace)
        loadManifest(dbtProjectDir(*m_workspace) + QStringLiteral("/target/manifest.json"));
    auto last = RunStore(*m_db).lastNodeResults(m_orgId);
    if (!last) {
        Q_EMIT problem(tr("Cannot read the last dbt results: %1").arg(last.error().message));
        return;
    }
    m_lastStatuses.clear();
    for (auto it = last->cbegin(); it != last->cend(); ++it)
        m_lastStatuses.insert(it.key(), it->status);
    QList<TransformModelRow> rows;
    QHash<QString, QList<ModelBuilder>> builders;
    if (m_selector) {
        auto pipelines = PipelineStore(*m_db, m_actor).list(m_orgId);
        if (!pipelines)
            Q_EMIT problem(tr("Cannot read the pipelines that build the models: %1").arg(pipelines.error().message));
        else
            builders = pipelinesBuildingNodes(*m_selector, *pipelines, TaskCatalog::builtin(), nowMs(), m_lastStatuses,
                                              m_workspace ? dbtProjectDir(*m_workspace) : QString());
    }
    if (m_selector) {
        const DbtManifest &m = m_selector->manifest();
        qint64 i = 0;
        for (const DbtManifestNode &n : m.nodes + m.otherResources) {
            ++i;
            if (n.resourceType == QLatin1String("test") || n.resourceType == QLatin1String("operation") || n.resourceType == QLatin1String("unit_test"))
                continue;
            TransformModelRow r;
            r.id = i;
            r.node = n;
            if (auto it = last->constFind(n.uniqueId); it != last->cend())
                r.last = *it;
            r.builtBy = builders.value(n.uniqueId);
            rows.append(std::move(r));
        }
    }
    Q_EMIT modelsShown(m_orgId, rows);
}

void TransformService::countSelection(int ticket, const QString &command, const QString &select, const QString &exclude)
{
    if (!m_selector) {
        Q_EMIT selectionCounted(ticket, -1, {}, {}, tr("No manifest yet to count against; run a dbt task once."), true);
        return;
    }
    DbtSelectionRequest r;
    if (!select.trimmed().isEmpty())
        r.select = {select.trimmed()};
    if (!exclude.trimmed().isEmpty())
        r.exclude = {exclude.trimmed()};
    applyDbtCommandDefaults(r, command);
    r.lastResults = m_lastStatuses;
    if (m_workspace)
        r.projectDir = dbtProjectDir(*m_workspace);
    auto selected = m_selector->select(r);
    if (!selected) {
        Q_EMIT selectionCounted(ticket, -1, {}, {}, selected.error().message, true);
        return;
    }
    QStringList names;
    for (const QString &id : selected->uniqueIds.mid(0, kSampleNames))
        names << m_selector->node(id)->name;
    Q_EMIT selectionCounted(ticket, int(selected->uniqueIds.size()), names, selected->uniqueIds, selected->warnings.join(QLatin1Char('\n')),
                            false);
}

void TransformService::saveTask(const QString &uuid, const OrgTaskDraft &draft)
{
    if (!m_db || !m_orgId) {
        Q_EMIT taskRefused(tr("the store is not open yet (or no org is chosen); try again in a moment"));
        return;
    }
    OrgTaskStore store(*m_db, m_actor);
    auto saved = uuid.isEmpty() ? store.create(m_orgId, draft) : store.update(uuid, draft);
    if (!saved) {
        Q_EMIT taskRefused(saved.error().message);
        return;
    }
    Q_EMIT taskSaved(saved->uuid);
    readTasks();
}

void TransformService::deleteTask(const QString &uuid)
{
    if (!m_db)
        return;
    auto task = OrgTaskStore(*m_db, m_actor).get(uuid);
    if (!task) {
        Q_EMIT refused(task.error().message);
        return;
    }
    if (task->generatedBy == QLatin1String("system")) {
        Q_EMIT refused(tr("%1 is a task Sluice runs on its own before dbt (it is added to pipelines automatically); it cannot be deleted.")
                           .arg(task->label.isEmpty() ? task->slug : task->label));
        return;
    }
    if (auto removed = OrgTaskStore(*m_db, m_actor).remove(uuid); !removed) {
        Q_EMIT refused(removed.error().message);
        return;
    }
    Q_EMIT taskDeleted(uuid);
    readTasks();
}

} // namespace sluice
