#include "services/docsservice.h"

#include "dbt/dbtdocs.h"
#include "dbt/dbtoperation.h"
#include "dbt/docsserver.h"
#include "runner/orgsetup.h"
#include "services/dbtfinder.h"
#include "store/database.h"
#include "store/orgtaskstore.h"
#include "store/workspacestore.h"

#include <QDir>
#include <QFileInfo>

namespace sluice {

namespace {
const QString kDocsSlug = QStringLiteral("dbt-docs-generate");
}

DocsService::DocsService(DbUrl url, QString actor, QObject *parent) : QObject(parent), m_url(std::move(url)), m_actor(std::move(actor))
{
    qRegisterMetaType<sluice::DocsState>();
}

DocsService::~DocsService() = default;

void DocsService::start()
{
    if (m_db)
        return;
    auto db = Database::openExisting(m_url);
    if (!db) {
        Q_EMIT problem(tr("Cannot open the store for the dbt docs: %1").arg(db.error().message));
        return;
    }
    m_db = std::move(*db);
    if (m_orgId)
        refresh();
}

void DocsService::showOrg(qint64 orgId)
{
    m_orgId = orgId;
    refresh();
}

void DocsService::refresh()
{
    if (!m_db || !m_orgId)
        return;
    if (auto r = read())
        Q_EMIT docsShown(r->state);
}

std::optional<DocsService::Reading> DocsService::read()
{
    Reading r;
    r.state.orgId = m_orgId;
    auto ws = WorkspaceStore(*m_db, m_actor).get(m_orgId);
    if (!ws && ws.error().kind != Error::Kind::NotFound) {
        Q_EMIT problem(tr("Cannot read the dbt workspace for its docs: %1").arg(ws.error().message));
        return std::nullopt;
    }
    if (!ws) {
        r.state.generateProblem = r.state.openProblem = tr("No dbt project yet: set its git URL and branch above, Save, then Clone.");
        return r;
    }
    const QString projectDir = dbtProjectDir(*ws);
    r.targetDir = projectDir + QStringLiteral("/target");
    r.dbtVersion = ws->dbtVersion;
    r.state.staticSite = dbtSupportsStaticDocs(ws->dbtVersion);
    if (!QFileInfo(projectDir).isDir())
        r.state.generateProblem = tr("No checkout of the project yet: Clone it first.");
    else if (auto dbt = findDbtForWindow(ws->dbtExecutable); !dbt)
        r.state.generateProblem = dbt.error().message;
    const DocsSite site = locateDocs(r.targetDir);
    if (site.kind == DocsSite::Kind::None)
        r.state.openProblem = tr("No docs yet: Generate docs first (it runs dbt docs generate).");
    r.state.opensStatic = site.kind == DocsSite::Kind::StaticFile;
    const QFileInfo index(r.targetDir + QStringLiteral("/index.html"));
    if (index.isFile())
        r.state.generatedAt = index.lastModified();
    return r;
}

std::optional<DocsService::Reading> DocsService::readForRequest()
{
    if (!m_db || !m_orgId) {
        Q_EMIT docsRefused(m_orgId, tr("The store is not open yet (or no org is chosen); try again in a moment."));
        return std::nullopt;
    }
    return read();
}

void DocsService::generate()
{
    const qint64 orgId = m_orgId;
    auto r = readForRequest();
    if (!r)
        return;
    if (!r->state.generateProblem.isEmpty()) {
        Q_EMIT docsRefused(orgId, r->state.generateProblem);
        return;
    }
    const QStringList flags = docsGenerateFlags(r->dbtVersion);
    OrgTaskStore store(*m_db, m_actor);
    auto tasks = store.list(orgId);
    if (!tasks) {
        Q_EMIT docsRefused(orgId, tr("Cannot read the org's tasks: %1").arg(tasks.error().message));
        return;
    }
    // The org's own docs task when one has exactly these flags (a user's task is never changed here).
    for (const OrgTask &t : std::as_const(*tasks)) {
        if (t.slug == kDocsSlug && t.parameters.flags == flags && t.parameters.options.isEmpty()) {
            Q_EMIT docsTaskReady(orgId, t.uuid);
            return;
        }
    }
    OrgTaskDraft draft;
    draft.slug = kDocsSlug;
    draft.flags = flags;
    draft.label = tr("Docs site");
    auto created = store.create(orgId, draft);
    if (!created) {
        Q_EMIT docsRefused(orgId, tr("Cannot create the docs task: %1").arg(created.error().message));
        return;
    }
    Q_EMIT docsTaskReady(orgId, created->uuid);
}

void DocsService::open()
{
    const qint64 orgId = m_orgId;
    auto r = readForRequest();
    if (!r)
        return;
    Q_EMIT docsShown(r->state);
    const DocsSite site = locateDocs(r->targetDir);
    switch (site.kind) {
    case DocsSite::Kind::None:
        Q_EMIT docsRefused(orgId, r->state.openProblem);
        return;
    case DocsSite::Kind::StaticFile:
        Q_EMIT docsReady(orgId, QUrl::fromLocalFile(site.path));
        return;
    case DocsSite::Kind::Served:
        break;
    }
    DocsServer *server = serverFor(site.path);
    auto port = server->listen();
    if (!port) {
        Q_EMIT docsRefused(orgId, port.error().message);
        return;
    }
    Q_EMIT docsReady(orgId, server->url(QStringLiteral("index.html")));
}

DocsServer *DocsService::serverFor(const QString &targetDir)
{
    const QString key = QFileInfo(targetDir).canonicalFilePath();
    if (DocsServer *s = m_servers.value(key))
        return s;
    auto *s = new DocsServer(key, this);
    m_servers.insert(key, s);
    return s;
}

} // namespace sluice
