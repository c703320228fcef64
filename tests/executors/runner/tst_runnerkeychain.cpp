// PipelineRunner in a process without a keychain (an agent on a server): the org's secrets cannot be
// read for masking; that is logged once per process, not once per run, and later runs skip the lookup
// (RunnerOptions::unavailableKeychainRecheck, runner/keychainmemo.h). Runs without KEYRING, on a
// session bus address that leads nowhere. Masking with a keychain is covered by tst_pipelinerunner.
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/keychainmemo.h"
#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"
#include "store/runstore.h"
#include "store/workspacestore.h"

#include <QCoro/QCoroTask>
#include <QTest>

#include <memory>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

const QString kActor = QStringLiteral("alice@server");

// The runner's lines about the keychain, captured by a message handler.
QStringList g_keychainLines;
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "sluice.exec.runner") == 0 && message.contains(QLatin1String("to mask them")))
        g_keychainLines.append(message);
    if (g_previous)
        g_previous(type, context, message);
}

} // namespace

class tst_RunnerKeychain : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;
    Pipeline m_pipeline;
    std::shared_ptr<KeychainMemo> m_memo;   // what one owner of runs (an agent, say) has learned of the keychain

    RunnerOptions options(std::chrono::milliseconds recheck)
    {
        RunnerOptions o;
        o.lockedBy = kActor;
        o.keychain = m_memo;
        o.unavailableKeychainRecheck = recheck;
        o.log.flushInterval = std::chrono::milliseconds(50);
        return o;
    }

    // Runs the pipeline once; its status.
    QString runOnce(std::chrono::milliseconds recheck)
    {
        NewRun request;
        request.requestedBy = kActor;
        auto runId = RunStore(*m_db).createPipelineRun(m_pipeline, request);
        if (!runId)
            return why(runId);
        PipelineRunner runner(*m_db, *runId, options(recheck));
        auto slot = std::make_shared<std::optional<Result<RunStatus>>>();
        QCoro::connect(runner.run(), this, [slot](Result<RunStatus> r) { *slot = std::move(r); });
        if (!QTest::qWaitFor([&] { return slot->has_value(); }, 60'000))
            return QStringLiteral("the run did not end within 60 s");
        return **slot ? toSql(***slot) : why(**slot);
    }

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        // No keychain: a session bus that does not exist (before anything in this process uses D-Bus).
        qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + m_fixture.tempDir().filePath(QStringLiteral("no-bus")).toUtf8());
        g_previous = qInstallMessageHandler(capture);
    }

    void cleanupTestCase() { qInstallMessageHandler(g_previous); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        OrgTaskDraft t;
        t.slug = QStringLiteral("shell");
        t.command = QStringLiteral("echo hello");
        auto task = OrgTaskStore(*m_db, kActor).create(m_org.id, t);
        QVERIFY2(task, qPrintable(why(task)));
        PipelineDraft d;
        d.name = QStringLiteral("nightly");
        d.taskUuids = QStringList{task->uuid};
        d.autoDeps = false;
        auto p = PipelineStore(*m_db, kActor).create(m_org.id, d);
        QVERIFY2(p, qPrintable(why(p)));
        m_pipeline = *p;
        m_memo = std::make_shared<KeychainMemo>();
        g_keychainLines.clear();
    }

    void cleanup() { m_db.reset(); }

    void notedOncePerOwner()
    {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(runOnce(std::chrono::seconds(60)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 1);
        QVERIFY2(g_keychainLines.first().contains(QLatin1String("no system keychain is reachable")), qPrintable(g_keychainLines.first()));
        QVERIFY2(g_keychainLines.first().contains(QLatin1String("60 s")), qPrintable(g_keychainLines.first()));
        QVERIFY(m_memo->shouldSkip(std::chrono::seconds(60)));   // later runs skip the lookup
        QVERIFY(!m_memo->shouldSkip(std::chrono::milliseconds(0)));
        // Another owner (another agent in the same test process, say) has learned nothing yet: it says it once too.
        m_memo = std::make_shared<KeychainMemo>();
        QCOMPARE(runOnce(std::chrono::seconds(60)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 2);
    }

    void afterTheWindowItIsAskedAgainQuietly()
    {
        QCOMPARE(runOnce(std::chrono::milliseconds(1)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 1);
        QTRY_VERIFY(!m_memo->shouldSkip(std::chrono::milliseconds(1)));
        // The window has passed: the lookup is made again, still unreachable, and nothing more is said.
        QCOMPARE(runOnce(std::chrono::milliseconds(1)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 1);
        // Once the keychain has answered, a later outage is noted again.
        m_memo->markAvailable();
        QCOMPARE(runOnce(std::chrono::seconds(60)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 2);
    }

    void withoutRecheckEveryRunSaysIt()
    {
        for (int i = 0; i < 2; ++i)
            QCOMPARE(runOnce(std::chrono::milliseconds(0)), QStringLiteral("successful"));
        QCOMPARE(g_keychainLines.size(), 2);
        QVERIFY(!m_memo->shouldSkip(std::chrono::seconds(60)));
    }

    // A task that needs a secret while the keychain cannot be read fails naming the keychain's
    // trouble, not "the secret is not set" (which would send the user to store it again).
    void aNeededSecretNamesTheKeychainNotAMissingSecret()
    {
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://git.example/acme/jaffle.git");   // https: a token is read first
        ws.projectDir = QStringLiteral("jaffle");
        ws.checkoutPath = m_fixture.tempDir().filePath(QStringLiteral("checkout"));
        auto w = WorkspaceStore(*m_db, kActor).set(m_org.id, ws);
        QVERIFY2(w, qPrintable(why(w)));
        auto pull = OrgTaskStore(*m_db, kActor).findOrCreateSystem(m_org.id, QStringLiteral("git-pull"));
        QVERIFY2(pull, qPrintable(why(pull)));
        PipelineDraft d;
        d.name = QStringLiteral("pull");
        d.taskUuids = QStringList{pull->uuid};
        d.autoDeps = false;
        auto p = PipelineStore(*m_db, kActor).create(m_org.id, d);
        QVERIFY2(p, qPrintable(why(p)));
        m_pipeline = *p;

        QCOMPARE(runOnce(std::chrono::milliseconds(0)), QStringLiteral("failed"));
        auto runs = RunStore(*m_db).list({});
        QVERIFY2(runs, qPrintable(why(runs)));
        auto rec = RunStore(*m_db).run(runs->first().id);
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(rec->tasks.size(), 1);
        const QString detail = rec->tasks.first().errorDetail;
        QVERIFY2(detail.contains(QLatin1String("no system keychain is reachable")), qPrintable(detail));
        QVERIFY2(detail.contains(SecretStore::gitTokenKey(m_org.slug)), qPrintable(detail));
        QVERIFY2(!detail.contains(QLatin1String("not set")) && !detail.contains(QLatin1String("none is stored")), qPrintable(detail));
    }
};

QTEST_GUILESS_MAIN(tst_RunnerKeychain)
#include "tst_runnerkeychain.moc"
