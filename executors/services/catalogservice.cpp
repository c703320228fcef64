#include "catalogservice.h"

#include "store/database.h"
#include "store/migrator.h"
#include "store/orgstore.h"
#include "store/pipelinestore.h"
#include "store/desktopstore.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCatalogService, "sluice.services.catalog")

namespace sluice {

CatalogService::CatalogService(DbUrl url, CatalogServiceOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    qRegisterMetaType<sluice::StoreStatus>();
    qRegisterMetaType<QList<sluice::Org>>();
    qRegisterMetaType<QList<sluice::Pipeline>>();
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
