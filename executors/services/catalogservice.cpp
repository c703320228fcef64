#include "catalogservice.h"

#include "store/changewatcher.h"
#include "store/database.h"
#include "store/migrator.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/desktopstore.h"

#include <QLoggingCategory>
#include <QTimer>

Q_LOGGING_CATEGORY(lcCatalogService, "sluice.services.catalog")

namespace sluice {

CatalogService::CatalogService(DbUrl url, CatalogServiceOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    qRegisterMetaType<sluice::StoreStatus>();
    qRegisterMetaType<QList<sluice::Org>>();
    qRegisterMetaType<QList<sluice::Pipeline>>();
    qRegisterMetaType<sluice::Pipeline>();
    qRegisterMetaType<QList<sluice::OrgTask>>();
    qRegisterMetaType<sluice::PipelineDraft>();
}

CatalogService::~CatalogService() = default;

void CatalogService::start()
{
    if (m_db)
        return;
    auto db = openDesktopStore(m_url, m_options.embeddedDefault, m_options.actor);
    if (!db) {
        Q_EMIT storeFailed(db.error().message);
        return;
    }
    m_db = std::move(*db);
    auto state = Migrator(*m_db).state();
    Q_EMIT storeOpened(StoreStatus{m_url.toString(), m_db->dialect().displayName(), state ? state->current : 0});
    m_relist = new QTimer(this);
    m_relist->setSingleShot(true);
    m_relist->setInterval(kRelistDelayMs);
    connect(m_relist, &QTimer::timeout, this, &CatalogService::refresh);
    m_watcher = new ChangeWatcher(*m_db, this);
    connect(m_watcher, &ChangeWatcher::changed, this, &CatalogService::onChanged);
    if (auto started = m_watcher->start(); !started)
        Q_EMIT problem(tr("Pipelines changed elsewhere will show only on F5: %1").arg(started.error().message));
    refresh();
}

void CatalogService::onChanged(const QSet<QString> &tables)
{
    static const QSet<QString> watched{QStringLiteral("org"), QStringLiteral("pipeline"), QStringLiteral("pipeline_task"),
                                       QStringLiteral("org_task")};
    // SQLite says only that something changed: read again, but not more often than kRelistDelayMs while
    // a run writes its log.
    if ((tables.isEmpty() || tables.intersects(watched)) && !m_relist->isActive())
        m_relist->start();
}

void CatalogService::listOrgTasks(qint64 orgId)
{
    if (!m_db)
        return;
    auto tasks = OrgTaskStore(*m_db, m_options.actor).list(orgId);
    if (!tasks) {
        Q_EMIT problem(tr("Cannot read the org's tasks: %1").arg(tasks.error().message));
        return;
    }
    Q_EMIT orgTasksListed(orgId, *tasks);
}

void CatalogService::savePipeline(const QString &uuid, qint64 orgId, const PipelineDraft &draft)
{
    if (!m_db) {
        Q_EMIT pipelineRefused(tr("The store is not open yet."));
        return;
    }
    PipelineStore store(*m_db, m_options.actor);
    auto saved = uuid.isEmpty() ? store.create(orgId, draft) : store.edit(uuid, draft);
    if (!saved) {
        Q_EMIT pipelineRefused(saved.error().message);
        return;
    }
    Q_EMIT pipelineSaved(*saved);
    refresh();
}

void CatalogService::duplicatePipeline(const QString &uuid)
{
    if (!m_db)
        return;
    auto copy = PipelineStore(*m_db, m_options.actor).duplicate(uuid);
    if (!copy) {
        Q_EMIT refused(tr("Cannot duplicate the pipeline: %1").arg(copy.error().message));
        return;
    }
    Q_EMIT pipelineSaved(*copy);
    refresh();
}

void CatalogService::deletePipeline(const QString &uuid)
{
    if (!m_db)
        return;
    if (auto removed = PipelineStore(*m_db, m_options.actor).remove(uuid); !removed) {
        Q_EMIT refused(tr("Cannot delete the pipeline: %1").arg(removed.error().message));
        return;
    }
    Q_EMIT pipelineDeleted(uuid);
    refresh();
}

void CatalogService::setPipelineActive(const QString &uuid, bool active)
{
    if (!m_db)
        return;
    auto p = PipelineStore(*m_db, m_options.actor).setActive(uuid, active);
    if (!p) {
        Q_EMIT refused((active ? tr("Cannot activate the pipeline: %1") : tr("Cannot pause the pipeline: %1")).arg(p.error().message));
        return;
    }
    Q_EMIT pipelineSaved(*p);
    refresh();
}

void CatalogService::refresh()
{
    if (!m_db)
        return;
    auto orgs = OrgStore(*m_db, m_options.actor).list();
    if (!orgs) {
        qCWarning(lcCatalogService).noquote() << orgs.error().message;
        Q_EMIT problem(tr("Cannot read the orgs: %1").arg(orgs.error().message));
        return;
    }
    QList<Pipeline> pipelines;
    PipelineStore store(*m_db, m_options.actor);
    for (const Org &o : std::as_const(*orgs)) {
        auto list = store.list(o.id);
        if (!list) {
            Q_EMIT problem(tr("Cannot read the pipelines of %1: %2").arg(o.slug, list.error().message));
            return;
        }
        pipelines << *list;
    }
    Q_EMIT orgsListed(*orgs);
    Q_EMIT pipelinesListed(pipelines);
}

} // namespace sluice
