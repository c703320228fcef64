// Run-history pages and log pages (store/runhistory.h), on a real database of each backend.
#include "storefixture.h"

#include "store/runhistory.h"

#include <QTest>

#include <algorithm>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {

// The text of line `number` of a test log, so that every returned line can be checked exactly.
QString lineText(qint64 taskRunId, qint64 number)
{
    return QStringLiteral("task run %1 says line %2: ok").arg(taskRunId).arg(number);
}

qint64 lineTime(qint64 number) { return 1'700'000'000'000 + number * 10; }
bool lineIsStderr(qint64 number) { return number % 7 == 3; }

} // namespace

class tst_RunHistory : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org1 = 0, m_org2 = 0;
    qint64 m_pipe1 = 0, m_pipe2 = 0, m_pipe3 = 0;
    qint64 m_runCounter = 0;

    qint64 insertId(const QString &sql, const QVariantList &values)
    {
        auto v = m_db->scalar(sql, values);
        if (!v) {
            qWarning() << "insert failed:" << v.error().message;
            return 0;
        }
        return v->toLongLong();
    }

    // A run of `pipelineId` (0: a single-task run) in `orgId`; finished unless `finished` is false.
    qint64 addRun(qint64 orgId, qint64 pipelineId, bool finished = true)
    {
        ++m_runCounter;
        const qint64 queued = 1'000'000 + m_runCounter * 1000;
        return insertId(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_id, pipeline_name, trigger_kind, scheduled_for, "
                                       "requested_by, status, queued_at, started_at, finished_at) "
                                       "VALUES (?, ?, ?, ?, ?, ?, 'tester', ?, ?, ?, ?) RETURNING id"),
                        {QStringLiteral("run-%1").arg(m_runCounter), orgId,
                         pipelineId > 0 ? QVariant(pipelineId) : QVariant(),
                         pipelineId > 0 ? QVariant(QStringLiteral("pipe %1").arg(pipelineId)) : QVariant(),
                         pipelineId > 0 ? QStringLiteral("scheduled") : QStringLiteral("manual"),
                         pipelineId > 0 ? QVariant(queued) : QVariant(),
                         finished ? QStringLiteral("successful") : QStringLiteral("queued"), queued,
                         finished ? QVariant(queued + 10) : QVariant(), finished ? QVariant(queued + 20) : QVariant()});
    }

    qint64 addTaskRun(qint64 runId, int seq)
    {
        return insertId(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq) VALUES (?, 'dbt-run', ?) RETURNING id"),
                        {runId, seq});
    }

    // Lines firstLine .. firstLine + count - 1 of a test log, as one chunk.
    bool addChunk(qint64 taskRunId, qint64 firstLine, int count)
    {
        QStringList lines;
        for (qint64 n = firstLine; n < firstLine + count; ++n)
            lines << formatLogLine(lineTime(n), lineIsStderr(n), lineText(taskRunId, n));
        auto q = m_db->exec(QStringLiteral("INSERT INTO task_run_log (task_run_id, first_line, line_count, body, created_at) "
                                           "VALUES (?, ?, ?, ?, 0)"),
                            {taskRunId, firstLine, count, lines.join(QLatin1Char('\n'))});
        if (!q)
            qWarning() << "chunk insert failed:" << q.error().message;
        return q.has_value();
    }

    // Checks that `page` is exactly lines from .. to - 1 of the test log of `taskRunId`.
    static bool isTestLog(const QList<LogLine> &page, qint64 taskRunId, qint64 from, qint64 to)
    {
        if (page.size() != to - from) {
            qWarning() << "page has" << page.size() << "lines, expected" << (to - from);
            return false;
        }
        for (qint64 n = from; n < to; ++n) {
            const LogLine expected{n, lineTime(n), lineIsStderr(n), lineText(taskRunId, n)};
            if (!(page[n - from] == expected)) {
                qWarning() << "line" << n << "is" << page[n - from].number << page[n - from].atMs
                           << page[n - from].isStderr << page[n - from].text;
                return false;
            }
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        m_db = std::move(*db);
        m_runCounter = 0;
        const QString org = QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES (?, ?, 0, 0) RETURNING id");
        const QString pipe = QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id");
        m_org1 = insertId(org, {QStringLiteral("one"), QStringLiteral("One")});
        m_org2 = insertId(org, {QStringLiteral("two"), QStringLiteral("Two")});
        m_pipe1 = insertId(pipe, {QStringLiteral("p-1"), m_org1, QStringLiteral("first")});
        m_pipe2 = insertId(pipe, {QStringLiteral("p-2"), m_org1, QStringLiteral("second")});
        m_pipe3 = insertId(pipe, {QStringLiteral("p-3"), m_org2, QStringLiteral("third")});
        QVERIFY(m_org1 && m_org2 && m_pipe1 && m_pipe2 && m_pipe3);
    }

    void cleanup() { m_db.reset(); }

    // -- the stored line format ---------------------------------------------------------------------

    void formatIsEpochStreamText()
    {
        QCOMPARE(formatLogLine(1700000000123, false, QStringLiteral("hello world")), QStringLiteral("1700000000123 o hello world"));
        QCOMPARE(formatLogLine(5, true, QStringLiteral("boom")), QStringLiteral("5 e boom"));
        QCOMPARE(formatLogLine(5, false, QString()), QStringLiteral("5 o "));
        // One line stays one line: a newline inside the text would shift every later line number.
        QCOMPARE(formatLogLine(5, false, QStringLiteral("a\nb")), QStringLiteral("5 o a b"));
    }

    void parseReadsWhatFormatWrote()
    {
        const QString text = QStringLiteral("  leading spaces, a tab\there, ünïcode, trailing  ");
        const LogLine line = parseLogLine(formatLogLine(1700000000999, true, text), 42);
        QCOMPARE(line.number, qint64(42));
        QCOMPARE(line.atMs, qint64(1700000000999));
        QVERIFY(line.isStderr);
        QCOMPARE(line.text, text);

        const LogLine empty = parseLogLine(formatLogLine(7, false, QString()), 0);
        QCOMPARE(empty.atMs, qint64(7));
        QVERIFY(!empty.isStderr);
        QVERIFY(empty.text.isEmpty());
    }

    void parseKeepsDamagedLinesWhole()
    {
        for (const QString &bad : {QStringLiteral("no timestamp here"), QStringLiteral("123 x wrong stream"),
                                   QStringLiteral("123 oops"), QStringLiteral(""), QStringLiteral(" o leading space")}) {
            const LogLine line = parseLogLine(bad, 3);
            QCOMPARE(line.number, qint64(3));
            QCOMPARE(line.atMs, qint64(0));
            QVERIFY(!line.isStderr);
            QCOMPARE(line.text, bad);
        }
    }

    void parseChunkSlicesAndCaps()
    {
        const QString body = QStringList{formatLogLine(1, false, QStringLiteral("a")), formatLogLine(2, true, QStringLiteral("b")),
                                         formatLogLine(3, false, QStringLiteral("c")), formatLogLine(4, false, QStringLiteral("d"))}
                                 .join(QLatin1Char('\n'));
        const QList<LogLine> all = parseLogChunk(body, 10, 4);
        QCOMPARE(all.size(), 4);
        QCOMPARE(all.first().number, qint64(10));
        QCOMPARE(all.last().number, qint64(13));
        QVERIFY(all[1].isStderr);

        const QList<LogLine> middle = parseLogChunk(body, 10, 4, 11, 13);
        QCOMPARE(middle.size(), 2);
        QCOMPARE(middle[0].text, QStringLiteral("b"));
        QCOMPARE(middle[1].text, QStringLiteral("c"));

        // line_count is the truth: extra lines in the body are not read, missing ones are just absent.
        QCOMPARE(parseLogChunk(body, 10, 2).size(), 2);
        QCOMPARE(parseLogChunk(body, 10, 9).size(), 4);
        QVERIFY(parseLogChunk(body, 10, 4, 20, 30).isEmpty());
    }

    // -- log pages ----------------------------------------------------------------------------------

    void logPageSpansTwoChunks()
    {
        const qint64 run = addRun(m_org1, m_pipe1);
        const qint64 tr = addTaskRun(run, 0);
        const qint64 other = addTaskRun(run, 1);
        QVERIFY(addChunk(tr, 0, 500) && addChunk(tr, 500, 500) && addChunk(tr, 1000, 200));
        QVERIFY(addChunk(other, 0, 1000));   // another task run's log must never leak in

        RunHistory history(*m_db);
        auto page = history.logPage(tr, 250, 500);
        QVERIFY2(page, qPrintable(page ? QString() : page.error().message));
        QVERIFY(isTestLog(*page, tr, 250, 750));

        auto all = history.logPage(tr, 0, 5000);
        QVERIFY(all);
        QVERIFY(isTestLog(*all, tr, 0, 1200));
    }

    void logPageStartsMidChunk()
    {
        const qint64 tr = addTaskRun(addRun(m_org1, m_pipe1), 0);
        QVERIFY(addChunk(tr, 0, 500) && addChunk(tr, 500, 500) && addChunk(tr, 1000, 200));

        RunHistory history(*m_db);
        auto inside = history.logPage(tr, 510, 20);
        QVERIFY(inside);
        QVERIFY(isTestLog(*inside, tr, 510, 530));

        auto tail = history.logPage(tr, 1100, 500);   // runs past the end: only what exists
        QVERIFY(tail);
        QVERIFY(isTestLog(*tail, tr, 1100, 1200));

        auto first = history.logPage(tr, 0, 1);
        QVERIFY(first);
        QVERIFY(isTestLog(*first, tr, 0, 1));
    }

    void logPageFindsTheStartOfAFullSizeChunk()
    {
        // The chunk holding line 1999 starts 999 lines earlier: the lower bound of the range scan.
        const qint64 tr = addTaskRun(addRun(m_org1, m_pipe1), 0);
        QVERIFY(addChunk(tr, 0, kMaxLogChunkLines) && addChunk(tr, 1000, kMaxLogChunkLines) && addChunk(tr, 2000, 10));
        RunHistory history(*m_db);
        auto page = history.logPage(tr, 1999, 2);
        QVERIFY(page);
        QVERIFY(isTestLog(*page, tr, 1999, 2001));
        auto edge = history.logPage(tr, 999, 1);
        QVERIFY(edge);
        QVERIFY(isTestLog(*edge, tr, 999, 1000));
    }

    void logPageOverSmallChunks()
    {
        // A live task writes short chunks: the range then holds many chunks before the page starts.
        const qint64 tr = addTaskRun(addRun(m_org1, m_pipe1), 0);
        auto filled = m_db->write([&]() -> Result<void> {
            for (qint64 first = 0; first < 2000; first += 7) {
                if (!addChunk(tr, first, int(std::min<qint64>(7, 2000 - first))))
                    return fail(Error::internal(QStringLiteral("insert failed")));
            }
            return {};
        });
        QVERIFY(filled);
        RunHistory history(*m_db);
        auto page = history.logPage(tr, 1234, 100);
        QVERIFY(page);
        QVERIFY(isTestLog(*page, tr, 1234, 1334));
        auto tail = history.logPage(tr, 1990, 500);
        QVERIFY(tail);
        QVERIFY(isTestLog(*tail, tr, 1990, 2000));
    }

    void logPageKeepsStderr()
    {
        const qint64 tr = addTaskRun(addRun(m_org1, m_pipe1), 0);
        QVERIFY(addChunk(tr, 0, 30));
        RunHistory history(*m_db);
        auto page = history.logPage(tr, 0, 30);
        QVERIFY(page);
        QVERIFY(isTestLog(*page, tr, 0, 30));
        const auto stderrLines = std::count_if(page->cbegin(), page->cend(), [](const LogLine &l) { return l.isStderr; });
        QCOMPARE(int(stderrLines), 4);   // lines 3, 10, 17, 24
        QVERIFY(page->at(3).isStderr);
        QVERIFY(!page->at(4).isStderr);
    }

    void logPageOfNothingIsEmpty()
    {
        const qint64 tr = addTaskRun(addRun(m_org1, m_pipe1), 0);
        RunHistory history(*m_db);
        auto none = history.logPage(tr, 0, 500);     // no log written yet
        QVERIFY(none);
        QVERIFY(none->isEmpty());

        QVERIFY(addChunk(tr, 0, 100));
        auto past = history.logPage(tr, 100, 500);   // just past the last line
        QVERIFY(past);
        QVERIFY(past->isEmpty());
        auto missing = history.logPage(tr + 1000, 0, 500);
        QVERIFY(missing);
        QVERIFY(missing->isEmpty());
        auto zero = history.logPage(tr, 0, 0);
        QVERIFY(zero);
        QVERIFY(zero->isEmpty());
    }

    // -- run pages ----------------------------------------------------------------------------------

    void runSummaryReadsEveryColumn()
    {
        const qint64 done = addRun(m_org1, m_pipe1);
        const qint64 waiting = addRun(m_org1, m_pipe1, false);
        const qint64 single = addRun(m_org1, 0);
        RunHistory history(*m_db);
        auto page = history.newestRunsOfOrg(m_org1);
        QVERIFY2(page, qPrintable(page ? QString() : page.error().message));
        QCOMPARE(page->size(), 3);
        QCOMPARE(page->at(0).id, single);
        QCOMPARE(page->at(1).id, waiting);
        QCOMPARE(page->at(2).id, done);

        const RunSummary &s = page->at(0);
        QCOMPARE(s.uuid, QStringLiteral("run-3"));
        QCOMPARE(s.pipelineId, qint64(0));
        QVERIFY(s.pipelineName.isEmpty());
        QCOMPARE(s.trigger, QStringLiteral("manual"));
        QCOMPARE(s.scheduledFor, qint64(0));

        const RunSummary &w = page->at(1);
        QCOMPARE(toSql(w.status), QStringLiteral("queued"));
        QCOMPARE(w.queuedAt, qint64(1'002'000));
        QCOMPARE(w.startedAt, qint64(0));
        QCOMPARE(w.finishedAt, qint64(0));

        const RunSummary &d = page->at(2);
        QCOMPARE(d.uuid, QStringLiteral("run-1"));
        QCOMPARE(d.pipelineId, m_pipe1);
        QCOMPARE(d.orgId, m_org1);
        QCOMPARE(d.pipelineName, QStringLiteral("pipe %1").arg(m_pipe1));
        QCOMPARE(d.trigger, QStringLiteral("scheduled"));
        QCOMPARE(d.scheduledFor, qint64(1'001'000));
        QCOMPARE(toSql(d.status), QStringLiteral("successful"));
        QCOMPARE(d.queuedAt, qint64(1'001'000));
        QCOMPARE(d.startedAt, qint64(1'001'010));
        QCOMPARE(d.finishedAt, qint64(1'001'020));
    }

    void pipelinePagesAreNewestFirstAndPaginate()
    {
        QList<qint64> ofPipe1;
        auto filled = m_db->write([&]() -> Result<void> {
            for (int i = 0; i < 250; ++i) {
                const qint64 pipe = i % 3 == 0 ? m_pipe2 : (i % 3 == 1 ? m_pipe1 : m_pipe3);
                const qint64 id = addRun(pipe == m_pipe3 ? m_org2 : m_org1, pipe);
                if (id == 0)
                    return fail(Error::internal(QStringLiteral("insert failed")));
                if (pipe == m_pipe1)
                    ofPipe1.prepend(id);
            }
            return {};
        });
        QVERIFY(filled);
        QCOMPARE(ofPipe1.size(), 83);

        RunHistory history(*m_db);
        QList<qint64> seen;
        qint64 before = 0;
        for (int pageNo = 0; pageNo < 10; ++pageNo) {
            auto page = history.newestRunsOfPipeline(m_pipe1, 30, before);
            QVERIFY2(page, qPrintable(page ? QString() : page.error().message));
            if (page->isEmpty())
                break;
            QVERIFY(page->size() <= 30);
            for (const RunSummary &r : *page) {
                QCOMPARE(r.pipelineId, m_pipe1);
                seen << r.id;
            }
            before = page->last().id;
        }
        QCOMPARE(seen, ofPipe1);   // every run once, newest first, across pages of 30, 30, 23

        auto newest = history.newestRunsOfPipeline(m_pipe1);
        QVERIFY(newest);
        QCOMPARE(newest->size(), 83);
        QCOMPARE(newest->first().id, ofPipe1.first());
        auto none = history.newestRunsOfPipeline(m_pipe1, 0);
        QVERIFY(none);
        QVERIFY(none->isEmpty());
        auto unknown = history.newestRunsOfPipeline(m_pipe3 + 100);
        QVERIFY(unknown);
        QVERIFY(unknown->isEmpty());
    }

    void orgPagesAreNewestFirstAndPaginate()
    {
        QList<qint64> ofOrg1;
        auto filled = m_db->write([&]() -> Result<void> {
            for (int i = 0; i < 250; ++i) {
                const int kind = i % 4;   // pipe1, pipe3 (other org), single-task run, pipe2
                const qint64 org = kind == 1 ? m_org2 : m_org1;
                const qint64 pipe = kind == 0 ? m_pipe1 : (kind == 1 ? m_pipe3 : (kind == 2 ? 0 : m_pipe2));
                const qint64 id = addRun(org, pipe);
                if (id == 0)
                    return fail(Error::internal(QStringLiteral("insert failed")));
                if (org == m_org1)
                    ofOrg1.prepend(id);
            }
            return {};
        });
        QVERIFY(filled);

        RunHistory history(*m_db);
        auto first = history.newestRunsOfOrg(m_org1, 100);
        QVERIFY2(first, qPrintable(first ? QString() : first.error().message));
        QCOMPARE(first->size(), 100);
        QList<qint64> seen;
        for (const RunSummary &r : *first)
            seen << r.id;
        qint64 before = first->last().id;
        for (;;) {
            auto page = history.newestRunsOfOrg(m_org1, 100, before);
            QVERIFY(page);
            if (page->isEmpty())
                break;
            for (const RunSummary &r : *page) {
                QCOMPARE(r.orgId, m_org1);
                seen << r.id;
            }
            before = page->last().id;
        }
        QCOMPARE(seen, ofOrg1);
        QVERIFY(std::is_sorted(seen.crbegin(), seen.crend()));

        auto other = history.newestRunsOfOrg(m_org2, 1000);
        QVERIFY(other);
        QCOMPARE(other->size(), 250 - ofOrg1.size());
    }
};

QTEST_GUILESS_MAIN(tst_RunHistory)
#include "tst_runhistory.moc"
