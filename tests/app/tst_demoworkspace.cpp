// The demo workspace a new user finds on first start (store/snapshot.h): honest and runnable on a fresh
// machine. Its shell pipeline succeeds when run, with real processes and a real log; its Airbyte/dbt
// pipeline is manual and, run before Airbyte and dbt are set up, fails at once naming the fixes —
// without waiting to retry what cannot pass. A store seeded by the old demo is left as it is.
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "store/catalogstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runhistory.h"
#include "store/desktopstore.h"

#include <QCoro/QCoroTask>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

class tst_DemoWorkspace : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;

    Pipeline named(const QList<Pipeline> &pipelines, const QString &prefix)
    {
        for (const Pipeline &p : pipelines)
            if (p.name.startsWith(prefix))
                return p;
        return {};
    }

    Result<RunStatus> runNow(const Pipeline &p)
    {
        NewRun request;
        request.requestedBy = QStringLiteral("new@user");
        auto runId = RunStore(*m_db).createPipelineRun(p, request);
        if (!runId)
            return fail(runId.error());
        RunnerOptions options;
        options.lockedBy = request.requestedBy;
        options.secrets = std::nullopt;   // a fresh machine may have no keychain yet
        options.sleep = [](qint64) -> QCoro::Task<void> { co_return; };
        PipelineRunner runner(*m_db, *runId, options);
        return QCoro::waitFor(runner.run());
    }

    QStringList logOf(qint64 taskRunId)
    {
        QStringList texts;
        if (auto page = RunHistory(*m_db).logPage(taskRunId, 0, 1000))
            for (const LogLine &l : *page)
                texts.append(l.text);
        return texts;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
    }

    void cleanup() { m_db.reset(); }

    void runNowOnTheDemoSucceeds()
    {
        auto seeded = seedDemoWorkspace(*m_db, QStringLiteral("sluice"));
        QVERIFY2(seeded && *seeded, qPrintable(why(seeded)));
        auto org = OrgStore(*m_db, QStringLiteral("t")).find(QStringLiteral("demo"));
        QVERIFY2(org, qPrintable(why(org)));
        auto pipelines = PipelineStore(*m_db, QStringLiteral("t")).list(org->id);
        QVERIFY(pipelines);
        QCOMPARE(pipelines->size(), 2);
        const Pipeline shell = named(*pipelines, QStringLiteral("Demo: shell steps"));
        QCOMPARE(shell.steps.size(), 2);
        for (const PipelineStep &s : shell.steps)
            QCOMPARE(s.task.slug, QStringLiteral("shell"));

        const auto status = runNow(shell);
        QVERIFY2(status, qPrintable(why(status)));
        QCOMPARE(toSql(*status), QStringLiteral("successful"));
        auto runs = RunStore(*m_db).list(RunFilter{});
        QVERIFY(runs && runs->size() == 1);
        const RunRecord rec = *RunStore(*m_db).run(runs->first().id);
        QCOMPARE(rec.tasks.size(), 2);
        const QStringList extract = logOf(rec.tasks.at(0).id);
        QCOMPARE(extract.size(), 6);
        QCOMPARE(extract.first(), QStringLiteral("order 1: 12.00 EUR"));
        QCOMPARE(extract.last(), QStringLiteral("5 sample orders read"));
        QCOMPARE(logOf(rec.tasks.at(1).id).first(), QStringLiteral("5 orders, 180.00 EUR in all"));
    }

    void theEltPartIsManualAndSaysWhatItNeeds()
    {
        QVERIFY(seedDemoWorkspace(*m_db, QStringLiteral("sluice")));
        auto org = OrgStore(*m_db, QStringLiteral("t")).find(QStringLiteral("demo"));
        QVERIFY(org);
        const Pipeline elt = named(*PipelineStore(*m_db, QStringLiteral("t")).list(org->id), QStringLiteral("ELT"));
        QVERIFY(!elt.uuid.isEmpty());
        QVERIFY2(elt.cron.isEmpty(), "nothing schedules what cannot succeed yet");
        QCOMPARE(elt.kind, QStringLiteral("manual"));
        QStringList slugs, labels;
        for (const PipelineStep &s : elt.steps) {
            slugs << s.task.slug;
            labels << s.task.label;
        }
        QVERIFY(slugs.contains(QStringLiteral("airbyte-sync")) && slugs.contains(QStringLiteral("dbt-run")) && slugs.contains(QStringLiteral("dbt-test")));
        verifyMentions(labels.join(QLatin1Char(' ')), {QStringLiteral("Airbyte server"), QStringLiteral("dbt")});
        // No agent plans it (nothing scheduled fails every night).
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM pipeline WHERE cron IS NOT NULL"))->toLongLong(), 0);

        // Run before it is set up: it fails at once (no two-minute wait to retry the sync), naming the fix.
        QElapsedTimer clock;
        clock.start();
        const auto status = runNow(elt);
        QVERIFY2(status, qPrintable(why(status)));
        QCOMPARE(toSql(*status), QStringLiteral("failed"));
        QVERIFY(clock.elapsed() < 10'000);
        auto runs = RunStore(*m_db).list(RunFilter{});
        const RunRecord rec = *RunStore(*m_db).run(runs->first().id);
        QCOMPARE(rec.tasks.first().attempt, 1);
        QCOMPARE(rec.tasks.size(), elt.steps.size());   // one attempt of the sync, the rest skipped
        verifyMentions(rec.statusReason, {QStringLiteral("no Airbyte server is set up"), QStringLiteral("sluicectl airbyte server set")});
        verifyMentions(logOf(rec.tasks.first().id).join(QLatin1Char('\n')), {QStringLiteral("not tried again")});
    }

    void aStoreSeededByTheOldDemoIsLeftAlone()
    {
        // What the first demo seeded: org demo, a sync with a made-up connection, dbt run and test, and
        // "Nightly ELT" at 02:00 UTC. Opening the store again changes nothing of it.
        auto org = OrgStore(*m_db, QStringLiteral("sluice")).create(QStringLiteral("demo"), QStringLiteral("Demo workspace"));
        QVERIFY(org);
        QStringList uuids;
        for (const OrgTaskDraft &d : {OrgTaskDraft{QStringLiteral("airbyte-sync"), {}, {}, QStringLiteral("00000000-0000-4000-8000-000000000001"), {},
                                                   QStringLiteral("Sync CRM")},
                                      OrgTaskDraft{QStringLiteral("dbt-run"), {}, {}, {}, {}, {}},
                                      OrgTaskDraft{QStringLiteral("dbt-test"), {}, {}, {}, {}, {}}})
            uuids << OrgTaskStore(*m_db, QStringLiteral("sluice")).create(org->id, d)->uuid;
        PipelineDraft nightly;
        nightly.name = QStringLiteral("Nightly ELT");
        nightly.taskUuids = uuids;
        nightly.cron = QStringLiteral("0 2 * * *");
        nightly.timezone = QStringLiteral("UTC");
        QVERIFY(PipelineStore(*m_db, QStringLiteral("sluice")).create(org->id, nightly));
        const auto count = [&](const QString &table) { return m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table))->toLongLong(); };
        const qint64 pipelines = count(QStringLiteral("pipeline")), tasks = count(QStringLiteral("org_task")), audit = count(QStringLiteral("audit_event"));

        auto seeded = seedDemoWorkspace(*m_db, QStringLiteral("sluice"));
        QVERIFY(seeded);
        QCOMPARE(*seeded, false);
        QCOMPARE(count(QStringLiteral("pipeline")), pipelines);
        QCOMPARE(count(QStringLiteral("org_task")), tasks);
        QCOMPARE(count(QStringLiteral("audit_event")), audit);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT cron FROM pipeline WHERE name = 'Nightly ELT'"))->toString(), QStringLiteral("0 2 * * *"));
    }
};

QTEST_GUILESS_MAIN(tst_DemoWorkspace)
#include "tst_demoworkspace.moc"
