#include "snapshot.h"

#include "core/clock.h"
#include "store/catalogstore.h"
#include "store/database.h"
#include "store/migrator.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

namespace sluice {

Result<bool> seedDemoWorkspace(Database &db, const QString &actor)
{
    return db.write([&]() -> Result<bool> {
        OrgStore orgs(db, actor);
        auto existing = orgs.list();
        if (!existing)
            return fail(existing.error());
        if (!existing->isEmpty())
            return false;
        auto org = orgs.create(QStringLiteral("demo"), QStringLiteral("Demo workspace"));
        if (!org)
            return fail(org.error());
        OrgTaskStore tasks(db, actor);
        QStringList uuids;
        const QList<OrgTaskDraft> drafts = {
            {QStringLiteral("airbyte-sync"), {}, {}, QStringLiteral("00000000-0000-4000-8000-000000000001"), {}, QStringLiteral("Sync CRM")},
            {QStringLiteral("dbt-run"), {}, {}, {}, {}, {}},
            {QStringLiteral("dbt-test"), {}, {}, {}, {}, {}},
        };
        for (const OrgTaskDraft &d : drafts) {
            auto t = tasks.create(org->id, d);
            if (!t)
                return fail(t.error());
            uuids << t->uuid;
        }
        PipelineDraft p;
        p.name = QStringLiteral("Nightly ELT");
        p.taskUuids = uuids;
        p.cron = QStringLiteral("0 2 * * *");
        p.timezone = QStringLiteral("UTC");
        if (auto created = PipelineStore(db, actor).create(org->id, p); !created)
            return fail(created.error());
        return true;
    });
}

Result<StoreSnapshot> loadSnapshot(const DbUrl &url, bool embeddedDefault)
{
    Database::Options options;
    options.createParentDir = embeddedDefault;
    options.createIfMissing = embeddedDefault;
    auto db = Database::open(url, options);
    if (!db)
        return fail(db.error());
    if (embeddedDefault) {
        if (auto init = initialiseDatabase(**db, false); !init)
            return fail(init.error());
        if (auto seeded = seedDemoWorkspace(**db, currentActor()); !seeded)
            return fail(seeded.error());
    } else if (auto ok = Migrator(**db).requireCurrent(); !ok) {
        return fail(ok.error());
    }

    StoreSnapshot s;
    s.databaseUrl = url.toString();
    s.backend = (*db)->dialect().displayName();
    s.schemaVersion = Migrator::latestVersion();
    const QString actor = currentActor();
    auto orgs = OrgStore(**db, actor).list();
    if (!orgs)
        return fail(orgs.error());
    s.orgs = *orgs;
    PipelineStore pipelines(**db, actor);
    OrgTaskStore tasks(**db, actor);
    for (const Org &o : s.orgs) {
        auto list = pipelines.list(o.id);
        if (!list)
            return fail(list.error());
        s.pipelines << *list;
        auto t = tasks.list(o.id);
        if (!t)
            return fail(t.error());
        s.taskCount += int(t->size());
    }
    return s;
}

} // namespace sluice
