// The domain rules as the store applies them: orgs, org tasks, pipelines (ordering, schedules,
// renumbering), warehouses and workspaces, each change with its audit rows. Both backends.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/orgstore.h"
#include "domain/retrypolicy.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"

#include <QJsonArray>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

QStringList slugsOf(const Pipeline &p)
{
    QStringList s;
    for (const PipelineStep &step : p.steps)
        s << step.task.slug;
    return s;
}

QList<int> seqsOf(const Pipeline &p)
{
    QList<int> s;
    for (const PipelineStep &step : p.steps)
        s << step.seq;
    return s;
}

} // namespace

class tst_Stores : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    const QString m_actor = QStringLiteral("tester@host");
    Org m_org;

    OrgTask task(const QString &slug, const QString &connection = {}, const QString &command = {})
    {
        OrgTaskDraft d;
        d.slug = slug;
        d.connectionId = connection;
        d.command = command;
        auto t = OrgTaskStore(*m_db, m_actor).create(m_org.id, d);
        if (!t)
            qFatal("creating %s failed: %s", qPrintable(slug), qPrintable(t.error().message));
        return *t;
    }

    int count(const QString &table)
    {
        return m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM ") + table)->toInt();
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh(true);
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(*db);
        auto org = OrgStore(*m_db, m_actor).create(QStringLiteral("acme"), QStringLiteral("Acme NGO"));
        QVERIFY(org);
        m_org = *org;
    }

    void cleanup() { m_db.reset(); }

    void orgRules()
    {
        OrgStore orgs(*m_db, m_actor);
        auto dup = orgs.create(QStringLiteral("acme"), QStringLiteral("Again"));
        QVERIFY(!dup);
        QCOMPARE(dup.error().kind, Error::Kind::Conflict);
        for (const QString &bad : {QStringLiteral("Acme"), QStringLiteral("-x"), QStringLiteral("a b"), QString(), QString(65, QLatin1Char('a'))}) {
            auto r = orgs.create(bad, QStringLiteral("x"));
            QVERIFY2(!r && r.error().kind == Error::Kind::Invalid, qPrintable(bad));
        }
        QVERIFY(!orgs.create(QStringLiteral("blank"), QStringLiteral("  ")));
        QCOMPARE(count(QStringLiteral("org")), 1);
        auto found = orgs.find(QStringLiteral("acme"));
        QVERIFY(found);
        QCOMPARE(found->name, QStringLiteral("Acme NGO"));
        QCOMPARE(orgs.find(QStringLiteral("nope")).error().kind, Error::Kind::NotFound);

        auto history = AuditLog(*m_db, m_actor).history(QStringLiteral("org"), QStringLiteral("acme"));
        QVERIFY(history);
        QCOMPARE(history->size(), 1);
        QCOMPARE(history->first().action, QStringLiteral("create"));
        QCOMPARE(history->first().actor, m_actor);
        QVERIFY(history->first().newValue.contains(QLatin1String("Acme NGO")));

        QVERIFY(orgs.setAirbyteWorkspace(QStringLiteral("acme"), QStringLiteral("ws-1")));
        history = AuditLog(*m_db, m_actor).history(QStringLiteral("org"), QStringLiteral("acme"));
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->last().property, QStringLiteral("airbyte_workspace_id"));
        QCOMPARE(history->last().oldValue, QString());
        QCOMPARE(history->last().newValue, QStringLiteral("ws-1"));
    }

    void orgTaskIsValidatedAndStored()
    {
        OrgTaskStore store(*m_db, m_actor);
        OrgTaskDraft d;
        d.slug = QStringLiteral("dbt-run");
        d.flags = {QStringLiteral("full-refresh")};
        d.options = {{QStringLiteral("select"), QStringLiteral("tag:daily")}, {QStringLiteral("vars"), QStringLiteral("{day: 1}")}};
        auto t = store.create(m_org.id, d);
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));
        auto read = store.get(t->uuid);
        QVERIFY(read);
        QCOMPARE(read->parameters.flags, QStringList{QStringLiteral("full-refresh")});
        QCOMPARE(read->parameters.options.value(QStringLiteral("select")), QStringLiteral("tag:daily"));
        QVERIFY(read->type == TaskType::Dbt);
        QCOMPARE(read->generatedBy, QStringLiteral("client"));

        d.flags = {QStringLiteral("fail-fast")};
        auto bad = store.create(m_org.id, d);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(QLatin1String("fail-fast")));
        QCOMPARE(count(QStringLiteral("org_task")), 1);

        auto shell = store.create(m_org.id, {QStringLiteral("shell"), {}, {}, {}, QStringLiteral("   "), {}});
        QVERIFY(!shell);
        QCOMPARE(shell.error().kind, Error::Kind::Invalid);
        auto sync = store.create(m_org.id, {QStringLiteral("airbyte-sync"), {}, {}, {}, {}, {}});
        QVERIFY(!sync);
        QVERIFY(sync.error().message.contains(QLatin1String("connection")));
        QCOMPARE(count(QStringLiteral("org_task")), 1);
        QCOMPARE(store.list(m_org.id)->size(), 1);
    }

    // An edit is validated as a create is, keeps the task's kind and identity, is audited per property,
    // and a refused or empty edit writes nothing.
    void taskEditIsValidatedAndAudited()
    {
        OrgTaskStore store(*m_db, m_actor);
        OrgTaskDraft d;
        d.slug = QStringLiteral("dbt-run");
        d.options = {{QStringLiteral("select"), QStringLiteral("tag:daily")}};
        auto t = store.create(m_org.id, d);
        QVERIFY2(t, qPrintable(t ? QString() : t.error().message));

        OrgTaskDraft e = d;
        e.flags = {QStringLiteral("full-refresh")};
        e.options = {{QStringLiteral("select"), QStringLiteral("+orders")}, {QStringLiteral("exclude"), QStringLiteral("tag:slow")}};
        e.label = QStringLiteral("  Orders and upstream ");
        auto edited = store.update(t->uuid, e);
        QVERIFY2(edited, qPrintable(edited ? QString() : edited.error().message));
        QCOMPARE(edited->id, t->id);
        QCOMPARE(edited->label, QStringLiteral("Orders and upstream"));
        auto read = store.get(t->uuid);
        QVERIFY(read);
        QCOMPARE(read->parameters.flags, QStringList{QStringLiteral("full-refresh")});
        QCOMPARE(read->parameters.options.value(QStringLiteral("select")), QStringLiteral("+orders"));
        QCOMPARE(read->parameters.options.value(QStringLiteral("exclude")), QStringLiteral("tag:slow"));

        auto history = AuditLog(*m_db, m_actor).history(QStringLiteral("org_task"), t->uuid);
        QVERIFY(history);
        QStringList properties;
        for (const AuditEvent &ev : *history)
            if (ev.action == QLatin1String("update"))
                properties << ev.property;
        QCOMPARE(properties, (QStringList{QStringLiteral("label"), QStringLiteral("parameters")}));
        const int auditAfterEdit = count(QStringLiteral("audit_event"));

        QVERIFY(store.update(t->uuid, e));   // the same again: nothing to record
        QCOMPARE(count(QStringLiteral("audit_event")), auditAfterEdit);

        OrgTaskDraft bad = e;
        bad.options.append({QStringLiteral("vars"), QStringLiteral("[1, 2]")});
        auto refused = store.update(t->uuid, bad);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QLatin1String("dictionary")), qPrintable(refused.error().message));
        OrgTaskDraft otherKind = e;
        otherKind.slug = QStringLiteral("dbt-test");
        otherKind.flags.clear();
        auto kind = store.update(t->uuid, otherKind);
        QVERIFY(!kind);
        QVERIFY2(kind.error().message.contains(QLatin1String("cannot change")), qPrintable(kind.error().message));
        QCOMPARE(count(QStringLiteral("audit_event")), auditAfterEdit);
        QCOMPARE(store.get(t->uuid)->parameters, read->parameters);

        auto missing = store.update(QStringLiteral("00000000-0000-4000-8000-000000000000"), e);
        QVERIFY(!missing);
        QCOMPARE(missing.error().kind, Error::Kind::NotFound);
    }

    void systemTasksAreFoundNotDuplicated()
    {
        OrgTaskStore store(*m_db, m_actor);
        auto a = store.findOrCreateSystem(m_org.id, QStringLiteral("git-pull"));
        auto b = store.findOrCreateSystem(m_org.id, QStringLiteral("git-pull"));
        QVERIFY(a && b);
        QCOMPARE(a->uuid, b->uuid);
        QCOMPARE(a->generatedBy, QStringLiteral("system"));
        QCOMPARE(count(QStringLiteral("org_task")), 1);
    }

    void pipelineOrderingWithAutomaticChain()
    {
        const OrgTask test = task(QStringLiteral("dbt-test"));
        const OrgTask run = task(QStringLiteral("dbt-run"));
        const OrgTask sync2 = task(QStringLiteral("airbyte-sync"), QStringLiteral("conn-2"));
        const OrgTask sync1 = task(QStringLiteral("airbyte-sync"), QStringLiteral("conn-1"));
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        d.taskUuids = QStringList{test.uuid, sync2.uuid, run.uuid, sync1.uuid};
        auto p = PipelineStore(*m_db, m_actor).create(m_org.id, d);
        QVERIFY2(p, qPrintable(p ? QString() : p.error().message));
        QCOMPARE(slugsOf(*p), (QStringList{QStringLiteral("airbyte-sync"), QStringLiteral("airbyte-sync"), QStringLiteral("git-pull"),
                                           QStringLiteral("dbt-clean"), QStringLiteral("dbt-deps"), QStringLiteral("dbt-test"),
                                           QStringLiteral("dbt-run")}));
        QCOMPARE(p->steps[0].task.uuid, sync2.uuid);   // syncs keep the user's order
        QCOMPARE(p->steps[1].task.uuid, sync1.uuid);
        QCOMPARE(seqsOf(*p), (QList<int>{0, 1, 2, 3, 4, 5, 6}));
        QCOMPARE(p->steps[2].task.generatedBy, QStringLiteral("system"));

        // Read back from the database exactly as saved.
        auto read = PipelineStore(*m_db, m_actor).find(p->uuid);
        QVERIFY(read);
        QCOMPARE(slugsOf(*read), slugsOf(*p));
        QCOMPARE(seqsOf(*read), seqsOf(*p));
    }

    void pipelineWithoutAutoDeps()
    {
        const OrgTask run = task(QStringLiteral("dbt-run"));
        PipelineDraft d;
        d.name = QStringLiteral("bare");
        d.taskUuids = QStringList{run.uuid};
        d.autoDeps = false;
        auto p = PipelineStore(*m_db, m_actor).create(m_org.id, d);
        QVERIFY(p);
        QCOMPARE(slugsOf(*p), QStringList{QStringLiteral("dbt-run")});
        QCOMPARE(count(QStringLiteral("org_task")), 1);
    }

    void editRenumbersAndRecomputesChain()
    {
        const OrgTask run = task(QStringLiteral("dbt-run"));
        const OrgTask test = task(QStringLiteral("dbt-test"));
        const OrgTask sync = task(QStringLiteral("airbyte-sync"), QStringLiteral("c"));
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("p");
        d.taskUuids = QStringList{run.uuid, test.uuid};
        auto p = store.create(m_org.id, d);
        QVERIFY(p);
        QCOMPARE(p->steps.size(), 5);

        PipelineDraft off;
        off.autoDeps = false;
        auto edited = store.edit(p->uuid, off);
        QVERIFY2(edited, qPrintable(edited ? QString() : edited.error().message));
        QCOMPARE(slugsOf(*edited), (QStringList{QStringLiteral("dbt-run"), QStringLiteral("dbt-test")}));
        QCOMPARE(seqsOf(*edited), (QList<int>{0, 1}));

        PipelineDraft retask;
        retask.taskUuids = QStringList{test.uuid, sync.uuid};
        retask.autoDeps = true;
        edited = store.edit(p->uuid, retask);
        QVERIFY(edited);
        QCOMPARE(slugsOf(*edited), (QStringList{QStringLiteral("airbyte-sync"), QStringLiteral("git-pull"), QStringLiteral("dbt-clean"),
                                                QStringLiteral("dbt-deps"), QStringLiteral("dbt-test")}));
        QCOMPARE(seqsOf(*edited), (QList<int>{0, 1, 2, 3, 4}));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline_task WHERE pipeline_id = ?"), {p->id})->toInt(), 5);
    }

    void scheduleIsValidatedOnSave()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("s");
        d.cron = QStringLiteral("0 25 * * *");
        d.timezone = QStringLiteral("UTC");
        auto bad = store.create(m_org.id, d);
        QVERIFY(!bad);
        QVERIFY2(bad.error().message.contains(QLatin1String("hour")), qPrintable(bad.error().message));
        d.cron = QStringLiteral("0 2 * * *");
        d.timezone = QStringLiteral("Europe/Atlantis");
        bad = store.create(m_org.id, d);
        QVERIFY(!bad);
        QVERIFY(bad.error().message.contains(QLatin1String("Europe/Atlantis")));
        d.cron = QString();
        d.timezone = QStringLiteral("UTC");
        QVERIFY(!store.create(m_org.id, d));
        QCOMPARE(count(QStringLiteral("pipeline")), 0);

        d.cron = QStringLiteral("30 6 * * mon-fri");
        d.timezone = QStringLiteral("America/New_York");
        auto ok = store.create(m_org.id, d);
        QVERIFY(ok);
        QCOMPARE(ok->cron, QStringLiteral("30 6 * * mon-fri"));
        QCOMPARE(ok->timezone, QStringLiteral("America/New_York"));

        PipelineDraft badEdit;
        badEdit.cron = QStringLiteral("*/0 * * * *");
        QVERIFY(!store.edit(ok->uuid, badEdit));
        QCOMPARE(store.find(ok->uuid)->cron, QStringLiteral("30 6 * * mon-fri"));

        PipelineDraft unschedule;
        unschedule.cron = QString();
        auto manual = store.edit(ok->uuid, unschedule);
        QVERIFY(manual);
        QVERIFY(manual->cron.isEmpty());
        QVERIFY(manual->timezone.isEmpty());
    }

    void namesAreUniquePerOrg()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        QVERIFY(store.create(m_org.id, d));
        auto dup = store.create(m_org.id, d);
        QVERIFY(!dup);
        QCOMPARE(dup.error().kind, Error::Kind::Conflict);
        auto other = OrgStore(*m_db, m_actor).create(QStringLiteral("beta"), QStringLiteral("Beta"));
        QVERIFY(other);
        QVERIFY(store.create(other->id, d));
        auto ambiguous = store.find(QStringLiteral("nightly"));
        QVERIFY(!ambiguous);
        QVERIFY(ambiguous.error().message.contains(QLatin1String("acme")));
        QVERIFY(ambiguous.error().message.contains(QLatin1String("beta")));
    }

    void tasksOfAnotherOrgAreRefused()
    {
        auto other = OrgStore(*m_db, m_actor).create(QStringLiteral("beta"), QStringLiteral("Beta"));
        QVERIFY(other);
        auto foreign = OrgTaskStore(*m_db, m_actor).create(other->id, {QStringLiteral("dbt-run"), {}, {}, {}, {}, {}});
        QVERIFY(foreign);
        PipelineDraft d;
        d.name = QStringLiteral("x");
        d.taskUuids = QStringList{foreign->uuid};
        auto p = PipelineStore(*m_db, m_actor).create(m_org.id, d);
        QVERIFY(!p);
        QVERIFY(p.error().message.contains(QLatin1String("another org")));
        QCOMPARE(count(QStringLiteral("pipeline")), 0);
    }

    void deletingRules()
    {
        const OrgTask run = task(QStringLiteral("dbt-run"));
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        d.taskUuids = QStringList{run.uuid};
        auto p = store.create(m_org.id, d);
        QVERIFY(p);

        auto used = OrgTaskStore(*m_db, m_actor).remove(run.uuid);
        QVERIFY(!used);
        QVERIFY(used.error().message.contains(QLatin1String("nightly")));

        QVERIFY(m_db->exec(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, trigger_kind, requested_by, queued_at, status) "
                                          "VALUES ('r1', ?, ?, 'manual', 'me', 0, 'running')"),
                           {m_org.id, p->id}));
        auto busy = store.remove(p->uuid);
        QVERIFY(!busy);
        QVERIFY(busy.error().message.contains(QLatin1String("running")));
        QVERIFY(m_db->exec(QStringLiteral("UPDATE run SET status = 'successful' WHERE uuid = 'r1'")));
        QVERIFY(store.remove(p->uuid));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT pipeline_name FROM run WHERE uuid = 'r1'"))->toString(), QStringLiteral("nightly"));
        QVERIFY(OrgTaskStore(*m_db, m_actor).remove(run.uuid));
        auto history = AuditLog(*m_db, m_actor).history(QStringLiteral("pipeline"), p->uuid);
        QCOMPARE(history->last().action, QStringLiteral("delete"));
    }

    void editIsAuditedPropertyByProperty()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        d.cron = QStringLiteral("0 2 * * *");
        d.timezone = QStringLiteral("UTC");
        auto p = store.create(m_org.id, d);
        QVERIFY(p);
        PipelineDraft e;
        e.cron = QStringLiteral("0 3 * * *");
        e.active = false;
        QVERIFY(store.edit(p->uuid, e));
        QVERIFY(store.edit(p->uuid, {}));   // no change, no rows

        auto history = AuditLog(*m_db, QStringLiteral("someone")).history(QStringLiteral("pipeline"), p->uuid);
        QVERIFY(history);
        QCOMPARE(history->size(), 3);
        QCOMPARE(history->at(0).action, QStringLiteral("create"));
        QCOMPARE(history->at(1).property, QStringLiteral("active"));
        QCOMPARE(history->at(1).oldValue, QStringLiteral("true"));
        QCOMPARE(history->at(1).newValue, QStringLiteral("false"));
        QCOMPARE(history->at(2).property, QStringLiteral("cron"));
        QCOMPARE(history->at(2).oldValue, QStringLiteral("0 2 * * *"));
        QCOMPARE(history->at(2).newValue, QStringLiteral("0 3 * * *"));
        QCOMPARE(history->at(2).actor, m_actor);
        QCOMPARE(history->at(2).orgId, m_org.id);
    }

    void failedEditChangesNothing()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("a");
        QVERIFY(store.create(m_org.id, d));
        d.name = QStringLiteral("b");
        auto b = store.create(m_org.id, d);
        QVERIFY(b);
        const int auditBefore = count(QStringLiteral("audit_event"));
        PipelineDraft rename;
        rename.name = QStringLiteral("a");
        rename.active = false;
        QVERIFY(!store.edit(b->uuid, rename));
        auto after = store.find(b->uuid);
        QCOMPARE(after->name, QStringLiteral("b"));
        QVERIFY(after->active);
        QCOMPARE(count(QStringLiteral("audit_event")), auditBefore);
    }

    void notifyOnRoundTrip()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        auto p = store.create(m_org.id, d);
        QVERIFY2(p, qPrintable(why(p)));
        QCOMPARE(p->notifyOn, QStringList{QStringLiteral("failure")});   // the default: tell about failures
        QCOMPARE(toJson(*p).value(QStringLiteral("notify_on")).toArray(), QJsonArray{QStringLiteral("failure")});

        PipelineDraft e;
        e.notifyOn = QStringList{QStringLiteral(" Success , failure")};
        auto edited = store.edit(p->uuid, e);
        QVERIFY2(edited, qPrintable(why(edited)));
        QCOMPARE(store.find(p->uuid)->notifyOn, (QStringList{QStringLiteral("failure"), QStringLiteral("success")}));
        QCOMPARE(*store.notifyOn(p->id), std::optional<QStringList>(QStringList{QStringLiteral("failure"), QStringLiteral("success")}));
        QVERIFY(!store.notifyOn(p->id + 1000)->has_value());

        e.notifyOn = QStringList();   // never
        QVERIFY(store.edit(p->uuid, e));
        QCOMPARE(store.find(p->uuid)->notifyOn, QStringList());
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT notify_on FROM pipeline WHERE id = ?"), {p->id})->toString(), QStringLiteral("[]"));

        // An unknown outcome is refused naming it, and changes nothing.
        PipelineDraft bad;
        bad.notifyOn = QStringList{QStringLiteral("failure,sometimes")};
        auto refused = store.edit(p->uuid, bad);
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, Error::Kind::Invalid);
        QVERIFY2(refused.error().message.contains(QLatin1String("\"sometimes\"")), qPrintable(refused.error().message));
        QCOMPARE(store.find(p->uuid)->notifyOn, QStringList());
    }

    void agentTagAndRetryPolicyRoundTrip()
    {
        PipelineStore store(*m_db, m_actor);
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        auto p = store.create(m_org.id, d);
        QVERIFY(p);
        QCOMPARE(p->agentTag, QString());
        QCOMPARE(p->retryPolicy, QStringLiteral("{}"));
        QVERIFY(toJson(*p).value(QStringLiteral("agent_tag")).isNull());
        QCOMPARE(toJson(*p).value(QStringLiteral("retry_policy")).toObject(), QJsonObject());

        PipelineDraft e;
        e.agentTag = QStringLiteral(" has-dbt ");
        e.retryPolicy = QStringLiteral(R"({ "default": {"retries": 2, "delays_s": [30]} })");
        auto edited = store.edit(p->uuid, e);
        QVERIFY2(edited, qPrintable(edited ? QString() : edited.error().message));
        auto read = store.find(p->uuid);
        QVERIFY(read);
        QCOMPARE(read->agentTag, QStringLiteral("has-dbt"));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT agent_tag FROM pipeline WHERE id = ?"), {p->id})->toString(), QStringLiteral("has-dbt"));
        auto policy = RetryPolicy::fromJsonText(read->retryPolicy);
        QVERIFY(policy);
        QVERIFY(policy->defaults);
        QCOMPARE(policy->defaults->retries, 2);
        QCOMPARE(policy->defaults->delaysS, QList<double>{30});
        const QJsonObject json = toJson(*read);
        QCOMPARE(json.value(QStringLiteral("agent_tag")).toString(), QStringLiteral("has-dbt"));
        QCOMPARE(json.value(QStringLiteral("retry_policy")).toObject().value(QStringLiteral("default")).toObject().value(QStringLiteral("retries")).toInt(), 2);

        auto history = AuditLog(*m_db, m_actor).history(QStringLiteral("pipeline"), p->uuid);
        QVERIFY(history);
        QStringList properties;
        for (const AuditEvent &ev : *history)
            properties << ev.property;
        QVERIFY2(properties.contains(QLatin1String("agent_tag")), qPrintable(properties.join(QLatin1Char(','))));
        QVERIFY2(properties.contains(QLatin1String("retry_policy")), qPrintable(properties.join(QLatin1Char(','))));
        for (const AuditEvent &ev : *history) {
            if (ev.property == QLatin1String("agent_tag")) {
                QCOMPARE(ev.oldValue, QString());
                QCOMPARE(ev.newValue, QStringLiteral("has-dbt"));
            }
        }

        // A bad policy is refused naming the key, and changes nothing; so is a tag with a space.
        const int auditBefore = count(QStringLiteral("audit_event"));
        PipelineDraft bad;
        bad.retryPolicy = QStringLiteral(R"({"default": {"retrys": 1}})");
        bad.agentTag = QString();
        auto refused = store.edit(p->uuid, bad);
        QVERIFY(!refused);
        QVERIFY(refused.error().kind == Error::Kind::Invalid);
        QVERIFY2(refused.error().message.contains(QLatin1String("retry_policy.default.retrys")), qPrintable(refused.error().message));
        PipelineDraft badTag;
        badTag.agentTag = QStringLiteral("has dbt");
        QVERIFY(!store.edit(p->uuid, badTag));
        QCOMPARE(count(QStringLiteral("audit_event")), auditBefore);
        QCOMPARE(store.find(p->uuid)->agentTag, QStringLiteral("has-dbt"));

        PipelineDraft badCreate;
        badCreate.name = QStringLiteral("other");
        badCreate.retryPolicy = QStringLiteral("[1]");
        auto notCreated = store.create(m_org.id, badCreate);
        QVERIFY(!notCreated);
        QVERIFY(notCreated.error().message.contains(QLatin1String("retry_policy")));
        QCOMPARE(count(QStringLiteral("pipeline")), 1);

        // Clearing: an empty tag is any agent (NULL), an empty policy the defaults.
        PipelineDraft clear;
        clear.agentTag = QString();
        clear.retryPolicy = QString();
        auto cleared = store.edit(p->uuid, clear);
        QVERIFY(cleared);
        QCOMPARE(cleared->agentTag, QString());
        QCOMPARE(cleared->retryPolicy, QStringLiteral("{}"));
        QVERIFY(m_db->scalar(QStringLiteral("SELECT agent_tag FROM pipeline WHERE id = ?"), {p->id})->isNull());
    }

    void warehouseKeepsSecretsOut()
    {
        WarehouseStore store(*m_db, m_actor);
        Warehouse w;
        w.type = QStringLiteral("postgres");
        w.settings = {{QStringLiteral("host"), QStringLiteral("db.example")}, {QStringLiteral("password"), QStringLiteral("hunter2")}};
        auto r = store.set(m_org.id, w);
        QVERIFY(!r);
        QVERIFY(r.error().message.contains(QLatin1String("keychain")));
        QVERIFY(!r.error().message.contains(QLatin1String("hunter2")));
        QCOMPARE(count(QStringLiteral("warehouse")), 0);

        // A key's file may be named (the key stays in its file); the key itself may not be stored.
        w.settings.remove(QStringLiteral("password"));
        w.settings.insert(QStringLiteral("private_key"), QStringLiteral("-----BEGIN PRIVATE KEY-----"));
        QVERIFY(!store.set(m_org.id, w));
        w.settings.remove(QStringLiteral("private_key"));
        QVERIFY(WarehouseStore::isSecretSettingName(QStringLiteral("private_key_passphrase")));
        QVERIFY(!WarehouseStore::isSecretSettingName(QStringLiteral("private_key_path")));
        w.settings.insert(QStringLiteral("private_key_path"), QStringLiteral("-----BEGIN PRIVATE KEY-----\nMIIE"));
        r = store.set(m_org.id, w);
        QVERIFY(!r);
        QVERIFY2(r.error().message.contains(QLatin1String("holds a key, not a file's path")) && !r.error().message.contains(QLatin1String("MIIE")),
                 qPrintable(r.error().message));
        w.settings.remove(QStringLiteral("private_key_path"));
        w.settings.insert(QStringLiteral("port"), 5432);
        QVERIFY(store.set(m_org.id, w));
        w.type = QStringLiteral("oracle");
        QVERIFY(!store.set(m_org.id, w));
        w.type = QStringLiteral("postgres");
        w.settings.insert(QStringLiteral("port"), 6432);
        QVERIFY(store.set(m_org.id, w));
        auto read = store.get(m_org.id);
        QVERIFY(read);
        QCOMPARE(read->settings.value(QStringLiteral("port")).toInt(), 6432);
        auto history = AuditLog(*m_db, m_actor).history(QStringLiteral("warehouse"), QString::number(m_org.id));
        QCOMPARE(history->size(), 2);
        QCOMPARE(history->last().property, QStringLiteral("settings"));
        QVERIFY(history->last().oldValue.contains(QLatin1String("5432")));
        QVERIFY(history->last().newValue.contains(QLatin1String("6432")));
    }

    void workspaceRefusesCredentialsInUrl()
    {
        WorkspaceStore store(*m_db, m_actor);
        DbtWorkspace w;
        w.gitUrl = QStringLiteral("https://x-access-token:ghp_secret@github.com/acme/dbt.git");
        auto r = store.set(m_org.id, w);
        QVERIFY(!r);
        QVERIFY(!r.error().message.contains(QLatin1String("ghp_secret")));
        w.gitUrl = QStringLiteral("https://github.com/acme/dbt.git");
        w.projectDir = QStringLiteral("../outside");
        QVERIFY(!store.set(m_org.id, w));
        w.projectDir = QString();   // the repository's root
        auto atRoot = store.set(m_org.id, w);
        QVERIFY2(atRoot, qPrintable(atRoot ? QString() : atRoot.error().message));
        QCOMPARE(store.get(m_org.id)->projectDir, QString());
        w.projectDir = QStringLiteral("transform");
        QVERIFY(store.set(m_org.id, w));
        QCOMPARE(store.get(m_org.id)->projectDir, QStringLiteral("transform"));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM audit_event WHERE new_value LIKE '%ghp_secret%' OR old_value LIKE '%ghp_secret%'"))->toInt(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_Stores)
#include "tst_stores.moc"
