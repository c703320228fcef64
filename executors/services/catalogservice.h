#pragma once

#include "domain/entities.h"
#include "domain/storestatus.h"
#include "store/dburl.h"

#include <QMetaType>
#include <QObject>
#include <QSet>

class QTimer;

#include <memory>

namespace sluice {

class ChangeWatcher;
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
//   Live: a ChangeWatcher on the connection reads them again (at most every kRelistDelay) when another
//   process or machine changes orgs, tasks or pipelines.
// - listOrgTasks(orgId): orgTasksListed(orgId, tasks): every task of the org, for the pipeline editor.
// - savePipeline(uuid, orgId, draft): creates the pipeline in the org (empty uuid) or edits it, through
//   PipelineStore (validated — name, tasks, schedule and zone — and audited); pipelineSaved(pipeline) or
//   pipelineRefused(message), worded for the editor that asked (it stays open with what was typed).
// - duplicatePipeline(uuid): an inactive copy (PipelineStore::duplicate); pipelineSaved(copy) or refused.
// - deletePipeline(uuid): refused while a run of it is queued or running; runs and logs are kept;
//   pipelineDeleted(uuid) or refused(message).
// - setPipelineActive(uuid, active): pipelineSaved or refused.
// Every change lists the pipelines again.
// A store that cannot be read gives problem(message); the next refresh tries again.
class CatalogService : public QObject
{
    Q_OBJECT
public:
    CatalogService(DbUrl url, CatalogServiceOptions options, QObject *parent = nullptr);
    ~CatalogService() override;

    static constexpr int kRelistDelayMs = 400;

public Q_SLOTS:
    void start();
    void refresh();
    void listOrgTasks(qint64 orgId);
    void savePipeline(const QString &uuid, qint64 orgId, const sluice::PipelineDraft &draft);
    void duplicatePipeline(const QString &uuid);
    void deletePipeline(const QString &uuid);
    void setPipelineActive(const QString &uuid, bool active);

Q_SIGNALS:
    void storeOpened(const sluice::StoreStatus &status);
    void storeFailed(const QString &message);
    void orgsListed(const QList<sluice::Org> &orgs);
    void pipelinesListed(const QList<sluice::Pipeline> &pipelines);
    void orgTasksListed(qint64 orgId, const QList<sluice::OrgTask> &tasks);
    void pipelineSaved(const sluice::Pipeline &pipeline);
    void pipelineRefused(const QString &message);
    void pipelineDeleted(const QString &uuid);
    void refused(const QString &message);
    void problem(const QString &message);

private:
    void onChanged(const QSet<QString> &tables);

    DbUrl m_url;
    CatalogServiceOptions m_options;
    std::unique_ptr<Database> m_db;
    ChangeWatcher *m_watcher = nullptr;
    QTimer *m_relist = nullptr;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::Org)
Q_DECLARE_METATYPE(sluice::Pipeline)
Q_DECLARE_METATYPE(sluice::OrgTask)
Q_DECLARE_METATYPE(sluice::PipelineDraft)
