// LogWriter (executors/runner): chunked, ordered storage of a task run's lines through RunHolder, on a
// real database of each backend: a database that refuses writes for a while loses nothing, a lost
// lease stops the writing.
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/logwriter.h"
#include "secrets/secretscrubber.h"
#include "store/lockstore.h"
#include "store/runhistory.h"
#include "store/runholder.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

class tst_LogWriter : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;      // the writer's connection
    qint64 m_runId = 0, m_taskRunId = 0, m_fence = 0;

    LogWriterOptions fast()
    {
        LogWriterOptions o;
        o.flushInterval = std::chrono::milliseconds(10);
        o.firstBackoff = std::chrono::milliseconds(20);
        o.maxBackoff = std::chrono::milliseconds(80);
        return o;
    }

    static OutputLine line(int i) { return OutputLine{1'700'000'000'000 + i, i % 7 == 0, QStringLiteral("line %1").arg(i)}; }

    QStringList stored()
    {
        QStringList texts;
        auto page = RunHistory(*m_db).logPage(m_taskRunId, 0, 100'000);
        if (page)
            for (const LogLine &l : *page)
                texts.append(l.text);
        return texts;
    }

    bool finish(LogWriter &w)
    {
        return QCoro::waitFor(w.finish());
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFresh();
        QVERIFY2(fresh, qPrintable(why(fresh)));
        const DbUrl url = (*fresh)->url();
        fresh->reset();
        Database::Options options;
        options.busyTimeoutMs = 50;
        auto db = Database::open(url, options);
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        if (StoreFixture::isPostgres())
            QVERIFY(m_db->exec(QStringLiteral("SET lock_timeout = '50ms'")));

        auto org = m_db->scalar(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', 0, 0) RETURNING id"));
        QVERIFY2(org, qPrintable(why(org)));
        auto task = m_db->scalar(QStringLiteral("SELECT id FROM task WHERE slug = 'shell'"));
        auto orgTask = m_db->scalar(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) VALUES ('ot-1', ?, ?, 0, 0) RETURNING id"),
                                    {org->toLongLong(), task->toLongLong()});
        QVERIFY2(orgTask, qPrintable(why(orgTask)));
        NewRun r;
        r.orgId = org->toLongLong();
        r.orgTaskId = orgTask->toLongLong();
        r.pipelineName = QStringLiteral("shell");
        r.requestedBy = QStringLiteral("alice@laptop");
        auto run = RunStore(*m_db).createRun(r, {RunTaskPlan{orgTask->toLongLong(), QStringLiteral("shell"), 0}});
        QVERIFY2(run, qPrintable(why(run)));
        m_runId = *run;
        auto grant = LockStore(*m_db).acquire(m_runId, std::nullopt, {orgTask->toLongLong()}, QStringLiteral("alice@laptop"));
        QVERIFY2(grant, qPrintable(why(grant)));
        m_fence = grant->fence;
        QVERIFY(RunHolder(*m_db, m_runId, m_fence).markRunning());
        m_taskRunId = RunStore(*m_db).run(m_runId)->tasks.first().id;
    }

    void cleanup() { m_db.reset(); }

    void numbersScrubsAndStoresInOrder()
    {
        SecretScrubber scrubber;
        scrubber.add(QStringLiteral("hunter2-secret"));
        RunHolder holder(*m_db, m_runId, m_fence);
        LogWriter w(holder, m_taskRunId, &scrubber, fast());
        QSignalSpy lines(&w, &LogWriter::lineAppended);
        for (int i = 0; i < 2500; ++i)
            w.append(line(i));
        w.append(OutputLine{1, true, QStringLiteral("password hunter2-secret")});
        QCOMPARE(lines.size(), 2501);
        QCOMPARE(lines.last().at(1).value<LogLine>().number, 2500);
        QCOMPARE(lines.last().at(1).value<LogLine>().text, QStringLiteral("password ****"));
        QVERIFY(finish(w));
        QCOMPARE(w.storedCount(), 2501);
        const QStringList texts = stored();
        QCOMPARE(texts.size(), 2501);
        for (int i = 0; i < 2500; ++i)
            QCOMPARE(texts.at(i), QStringLiteral("line %1").arg(i));
        QCOMPARE(texts.last(), QStringLiteral("password ****"));
        auto page = RunHistory(*m_db).logPage(m_taskRunId, 7, 1);
        QVERIFY(page && page->size() == 1);
        QVERIFY(page->first().isStderr);
        QCOMPARE(page->first().atMs, 1'700'000'000'007);
        // Chunks of at most kMaxLogChunkLines lines.
        auto chunks = m_db->scalar(QStringLiteral("SELECT MAX(line_count) FROM task_run_log WHERE task_run_id = ?"), {m_taskRunId});
        QVERIFY(chunks && chunks->toInt() <= kMaxLogChunkLines);
    }

    void databaseUnavailableLosesNothing()
    {
        // Another connection holds the tables: every write of the writer fails (busy / lock timeout).
        auto blocker = Database::open(m_db->url());
        QVERIFY2(blocker, qPrintable(why(blocker)));
        if (StoreFixture::isPostgres()) {
            QVERIFY((*blocker)->exec(QStringLiteral("BEGIN")));
            QVERIFY((*blocker)->exec(QStringLiteral("LOCK TABLE task_run_log IN EXCLUSIVE MODE")));
        } else {
            QVERIFY((*blocker)->exec(QStringLiteral("BEGIN EXCLUSIVE")));
        }

        RunHolder holder(*m_db, m_runId, m_fence);
        LogWriter w(holder, m_taskRunId, nullptr, fast());
        QSignalSpy failed(&w, &LogWriter::storeFailed);
        QSignalSpy lost(&w, &LogWriter::leaseLost);
        for (int i = 0; i < 1500; ++i)
            w.append(line(i));
        QTRY_VERIFY_WITH_TIMEOUT(failed.size() >= 3, 10'000);
        QCOMPARE(w.storedCount(), 0);
        for (int i = 1500; i < 3000; ++i)      // lines keep coming while the database is away
            w.append(line(i));

        QVERIFY((*blocker)->exec(QStringLiteral("ROLLBACK")));
        blocker->reset();
        QVERIFY(finish(w));
        QCOMPARE(lost.size(), 0);
        const QStringList texts = stored();
        QCOMPARE(texts.size(), 3000);
        for (int i = 0; i < 3000; ++i)
            QCOMPARE(texts.at(i), QStringLiteral("line %1").arg(i));
    }

    void leaseLostStopsWriting()
    {
        RunHolder holder(*m_db, m_runId, m_fence);
        LogWriter w(holder, m_taskRunId, nullptr, fast());
        QSignalSpy lost(&w, &LogWriter::leaseLost);
        QSignalSpy lines(&w, &LogWriter::lineAppended);
        for (int i = 0; i < 10; ++i)
            w.append(line(i));
        QTRY_COMPARE(w.storedCount(), 10);
        QVERIFY(LockStore(*m_db).release(m_runId, m_fence));
        for (int i = 10; i < 20; ++i)
            w.append(line(i));
        QVERIFY(!finish(w));
        QCOMPARE(lost.size(), 1);
        QVERIFY(w.isLeaseLost());
        w.append(line(20));
        QCOMPARE(lines.size(), 21);            // still numbered and shown
        QCOMPARE(stored().size(), 10);         // never stored
        QCOMPARE(RunStore(*m_db).logLineCount(m_taskRunId).value_or(-1), 10);
    }
};

QTEST_GUILESS_MAIN(tst_LogWriter)
#include "tst_logwriter.moc"
