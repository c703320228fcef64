#pragma once

#include "domain/entities.h"
#include "domain/storestatus.h"
#include "store/dburl.h"

#include <QMetaType>
#include <QObject>

#include <memory>

namespace sluice {

class Database;

struct CatalogServiceOptions
{
    QString actor;              // who asks ("alice@laptop")
    // The app's own SQLite file: created, migrated and seeded with the demo workspace when new. Any
    // other store must already exist and be current (`sluicectl db init` / `db upgrade` make it so).
    bool embeddedDefault = false;
};

// The orgs and pipelines of the store, served on a thread of its own with its own connection (opened
// by start(), in the thread the service lives in), so the window never waits for the database. Every
// slot is meant to be invoked through a queued connection; every answer is a signal.
// - start(): opens the store (see CatalogServiceOptions::embeddedDefault); storeOpened(status) and then
//   the lists, or storeFailed(message) — the message names the problem and the fix.
// - refresh(): orgsListed and pipelinesListed, read again (F5, the window coming back to the front).
// A store that cannot be read gives problem(message); the next refresh tries again.
class CatalogService : public QObject
{
    Q_OBJECT
public:
    CatalogService(DbUrl url, CatalogServiceOptions options, QObject *parent = nullptr);
    ~CatalogService() override;

public Q_SLOTS:
    void start();
    void refresh();

Q_SIGNALS:
    void storeOpened(const sluice::StoreStatus &status);
    void storeFailed(const QString &message);
    void orgsListed(const QList<sluice::Org> &orgs);
    void pipelinesListed(const QList<sluice::Pipeline> &pipelines);
    void problem(const QString &message);

private:
    DbUrl m_url;
    CatalogServiceOptions m_options;
    std::unique_ptr<Database> m_db;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::Org)
Q_DECLARE_METATYPE(sluice::Pipeline)
