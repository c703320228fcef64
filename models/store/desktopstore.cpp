#include "desktopstore.h"

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
            return false;   // a store the user has: left as it is (an old demo included)
        auto org = orgs.create(QStringLiteral("demo"), QStringLiteral("Demo workspace"));
        if (!org)
            return fail(org.error());
        OrgTaskStore tasks(db, actor);
        const auto create = [&](OrgTaskDraft d) -> Result<QString> {
            auto t = tasks.create(org->id, d);
            if (!t)
                return fail(t.error());
            return t->uuid;
        };

        // Runs on any machine, at once: real processes whose output streams into the live log.
        QStringList shell;
        for (const OrgTaskDraft &d : {
                 OrgTaskDraft{QStringLiteral("shell"), {}, {},  {},
                              QStringLiteral("sh -c 'for i in 1 2 3 4 5; do echo \"order $i: $((i * 12)).00 EUR\"; sleep 0.4; done; "
                                             "echo \"5 sample orders read\"'"),
                              QStringLiteral("Extract sample orders")},
                 OrgTaskDraft{QStringLiteral("shell"), {}, {}, {},
                              QStringLiteral("sh -c 'echo \"5 orders, 180.00 EUR in all\"; echo \"every order has an amount\"'"),
                              QStringLiteral("Check the totals")},
             }) {
            auto uuid = create(d);
            if (!uuid)
                return fail(uuid.error());
            shell << *uuid;
        }
        PipelineDraft demo;
        demo.name = QStringLiteral("Demo: shell steps");
        demo.taskUuids = shell;
        demo.autoDeps = false;
        if (auto created = PipelineStore(db, actor).create(org->id, demo); !created)
            return fail(created.error());

        // The ELT part, present but manual until what it needs is there: an Airbyte server with a real
        // connection, a dbt executable and a project. Its labels say so; a run fails at once naming the fix.
        QStringList elt;
        for (const OrgTaskDraft &d : {
                 OrgTaskDraft{QStringLiteral("airbyte-sync"), {}, {}, QStringLiteral("00000000-0000-4000-8000-000000000001"), {},
                              QStringLiteral("Sync CRM (needs an Airbyte server: sluicectl airbyte server set --url URL)")},
                 OrgTaskDraft{QStringLiteral("dbt-run"), {}, {}, {}, {},
                              QStringLiteral("dbt run (needs a dbt project and executable: sluicectl workspace set --org demo)")},
                 OrgTaskDraft{QStringLiteral("dbt-test"), {}, {}, {}, {}, QStringLiteral("dbt test")},
             }) {
            auto uuid = create(d);
            if (!uuid)
                return fail(uuid.error());
            elt << *uuid;
        }
        PipelineDraft p;
        p.name = QStringLiteral("ELT: Airbyte sync, then dbt (set up Airbyte and dbt first)");
        p.taskUuids = elt;
        p.kind = QStringLiteral("manual");
        if (auto created = PipelineStore(db, actor).create(org->id, p); !created)
            return fail(created.error());
        return true;
    });
}

Result<std::unique_ptr<Database>> openDesktopStore(const DbUrl &url, bool embeddedDefault, const QString &actor)
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
        if (auto seeded = seedDemoWorkspace(**db, actor); !seeded)
            return fail(seeded.error());
    } else if (auto ok = Migrator(**db).requireCurrent(); !ok) {
        return fail(ok.error());
    }
    return db;
}

} // namespace sluice
