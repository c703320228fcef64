// Event parsing over real dbt structured logs: the 1.8.9 recordings and every public JSON log.
#include "dbt/dbtevent.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>

using namespace sluice;

namespace QTest {
template<> inline char *toString(const sluice::DbtStats &s)
{
    return qstrdup(qPrintable(QStringLiteral("pass=%1 warn=%2 error=%3 skip=%4 total=%5").arg(s.pass).arg(s.warn).arg(s.error).arg(s.skip).arg(s.total)));
}
} // namespace QTest

namespace {

const QString kFixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");

QStringList files(const QString &root, const QStringList &patterns)
{
    QStringList out;
    QDirIterator it(root, patterns, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out.append(it.next());
    out.sort();
    return out;
}

QList<QByteArray> lines(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> out = f.readAll().split('\n');
    if (!out.isEmpty() && out.last().isEmpty())
        out.removeLast();
    return out;
}

QString recorded(const QString &scenario, const QString &command)
{
    return kFixtures + QStringLiteral("/recorded-1.8.9/fixtures/%1/json/%2.stdout").arg(scenario, command);
}

} // namespace

class TestDbtEvent : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(kFixtures).isDir(), qPrintable(QStringLiteral("missing fixtures at ") + kFixtures));
    }

    // Every line of every real JSON log parses as an event with its envelope; nothing becomes plain.
    void everyRealLogLineIsAnEvent_data()
    {
        QTest::addColumn<QString>("path");
        QStringList paths = files(kFixtures + QStringLiteral("/recorded-1.8.9/fixtures"), {QStringLiteral("*.stdout")});
        paths.erase(std::remove_if(paths.begin(), paths.end(), [](const QString &p) { return !p.contains(QLatin1String("/json/")); }),
                    paths.end());
        paths += files(kFixtures, {QStringLiteral("*.jsonl")});
        QVERIFY(paths.size() >= 25);
        for (const QString &p : paths)
            QTest::newRow(qPrintable(p.mid(kFixtures.size() + 1))) << p;
    }
    void everyRealLogLineIsAnEvent()
    {
        QFETCH(QString, path);
        DbtEventParser parser;
        const auto all = lines(path);
        QVERIFY(!all.isEmpty());
        for (const QByteArray &line : all) {
            const DbtEvent e = parser.parse(QByteArrayView(line));
            QVERIFY2(e.isJson(), line.left(200).constData());
            QVERIFY(!e.name.isEmpty());
            QVERIFY(!e.code.isEmpty());
            QVERIFY(!e.level.isEmpty());
            QVERIFY(!e.invocationId.isEmpty());
            QVERIFY(!e.msg.contains(QLatin1Char('\x1b')));
            if (e.isNodeResult() || e.kind == DbtEventKind::LogStartLine) {
                QVERIFY2(e.index >= 1 && e.index <= e.total, line.left(200).constData());
                QVERIFY(e.node.uniqueId.contains(QLatin1Char('.')));
            }
        }
    }

    // The events of the failing build, field by field against the recording.
    void failingBuildEvents()
    {
        DbtEventParser parser;
        DbtProgress progress;
        QList<DbtEvent> results;
        DbtEvent stats, summary;
        for (const QByteArray &line : lines(recorded(QStringLiteral("failing_test"), QStringLiteral("build")))) {
            DbtEvent e = parser.parse(QByteArrayView(line));
            progress.add(e);
            if (e.isNodeResult())
                results.append(e);
            if (e.kind == DbtEventKind::StatsLine)
                stats = e;
            if (e.kind == DbtEventKind::EndOfRunSummary)
                summary = e;
        }
        QCOMPARE(results.size(), 31); // 3 seeds + 7 tests + 19 skipped + 2 models
        QCOMPARE(toString(stats.kind), toString(DbtEventKind::StatsLine));
        QCOMPARE(stats.stats, (DbtStats{10, 1, 1, 19, 31}));
        QCOMPARE(summary.numErrors, 1);
        QCOMPARE(summary.numWarnings, 1);
        QVERIFY(progress.hasStats());
        QCOMPARE(progress.stats(), stats.stats);
        QCOMPARE(progress.total(), 31);
        QCOMPARE(progress.finishedNodes(), 31);
        QCOMPARE(progress.invocationId(), QStringLiteral("ac8895b9-96f4-458a-ac3a-b79fd378ab28"));
        QVERIFY(progress.sawEndOfRun());
        QVERIFY(progress.errorText().isEmpty());

        const auto failed = std::find_if(results.begin(), results.end(), [](const DbtEvent &e) { return e.status == QLatin1String("fail"); });
        QVERIFY(failed != results.end());
        QCOMPARE(toString(failed->kind), toString(DbtEventKind::LogTestResult));
        QCOMPARE(failed->failures, 3);
        QCOMPARE(failed->node.resourceType, QStringLiteral("test"));
        QVERIFY(failed->msg.contains(QLatin1String("FAIL 3")));

        const auto skipped = std::find_if(results.begin(), results.end(), [](const DbtEvent &e) { return e.kind == DbtEventKind::SkippingDetails; });
        QCOMPARE(skipped->status, QStringLiteral("skipped"));
        QCOMPARE(skipped->node.name, QStringLiteral("stg_orders"));
        QCOMPARE(skipped->node.uniqueId, QStringLiteral("model.jaffle_shop.stg_orders"));
        QCOMPARE(skipped->index, 8);
    }

    void seedAndModelResult()
    {
        DbtEventParser parser;
        const auto all = lines(recorded(QStringLiteral("ok"), QStringLiteral("seed")));
        const auto it = std::find_if(all.begin(), all.end(), [](const QByteArray &l) { return l.contains("\"LogSeedResult\""); });
        QVERIFY(it != all.end());
        const DbtEvent e = parser.parse(QByteArrayView(*it));
        QCOMPARE(toString(e.kind), toString(DbtEventKind::LogSeedResult));
        QCOMPARE(e.total, 3);
        QCOMPARE(e.status, QStringLiteral("success"));
        QVERIFY(e.executionTime > 0);
        QCOMPARE(e.node.resourceType, QStringLiteral("seed"));
        QCOMPARE(e.node.materialized, QStringLiteral("seed"));
        QVERIFY(e.node.uniqueId.startsWith(QLatin1String("seed.jaffle_shop.raw_")));
    }

    void mainEncounteredError()
    {
        DbtEventParser parser;
        DbtProgress progress;
        DbtEvent err;
        for (const QByteArray &line : lines(recorded(QStringLiteral("broken_jinja"), QStringLiteral("run")))) {
            DbtEvent e = parser.parse(QByteArrayView(line));
            progress.add(e);
            if (e.kind == DbtEventKind::MainEncounteredError)
                err = e;
        }
        QCOMPARE(err.level, QStringLiteral("error"));
        QVERIFY(err.exc.startsWith(QLatin1String("Compilation Error in model broken_model (models/broken_model.sql)")));
        QCOMPARE(progress.errorText(), err.exc);
        QCOMPARE(progress.total(), 0);
    }

    void commandCompletedFromDebugLog()
    {
        DbtEventParser parser;
        int seen = 0;
        for (const QByteArray &line : lines(kFixtures + QStringLiteral("/public-openlineage-jaffle-build-1.8.2/build_logs.jsonl"))) {
            const DbtEvent e = parser.parse(QByteArrayView(line));
            if (e.kind != DbtEventKind::CommandCompleted)
                continue;
            ++seen;
            QCOMPARE(e.command, QStringLiteral("dbt build"));
            QCOMPARE(e.success, false);
            QVERIFY(qAbs(e.elapsed - 26.023552) < 1e-6);
        }
        QCOMPARE(seen, 1);
    }

    void snapshotResult()
    {
        DbtEventParser parser;
        const QStringList paths = files(kFixtures + QStringLiteral("/public-logs-openlineage"), {QStringLiteral("*.jsonl")});
        int seen = 0;
        for (const QString &p : paths) {
            for (const QByteArray &line : lines(p)) {
                const DbtEvent e = parser.parse(QByteArrayView(line));
                if (e.kind != DbtEventKind::LogSnapshotResult)
                    continue;
                ++seen;
                QCOMPARE(e.node.resourceType, QStringLiteral("snapshot"));
                QVERIFY(!e.status.isEmpty());
            }
        }
        QVERIFY(seen >= 1);
    }

    // Anything that is not a complete JSON event is a plain line, kept verbatim.
    void plainLines_data()
    {
        QTest::addColumn<QByteArray>("line");
        const QByteArray real = lines(recorded(QStringLiteral("ok"), QStringLiteral("run"))).value(6);
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("text") << QByteArray("01:27:36  Running with dbt=1.8.9");
        QTest::newRow("python warning") << QByteArray("/usr/lib/python3/dist-packages/x.py:1: DeprecationWarning: y");
        QTest::newRow("truncated event") << real.left(real.size() / 2);
        QTest::newRow("truncated by one") << real.left(real.size() - 1);
        QTest::newRow("json array") << QByteArray("[1, 2, 3]");
        QTest::newRow("object without info") << QByteArray("{\"data\": {}}");
        QTest::newRow("info without name") << QByteArray("{\"info\": {\"msg\": \"x\"}}");
        QTest::newRow("info not an object") << QByteArray("{\"info\": 3}");
        QTest::newRow("brace garbage") << QByteArray("{{{{");
        QTest::newRow("invalid utf8") << QByteArray("{\"info\": {\"name\": \"\xff\xfe\"}}");
    }
    void plainLines()
    {
        QFETCH(QByteArray, line);
        DbtEventParser parser;
        const DbtEvent e = parser.parse(QByteArrayView(line));
        QCOMPARE(toString(e.kind), toString(DbtEventKind::Plain));
        QCOMPARE(e.text, QString::fromUtf8(line));
        DbtProgress progress;
        QCOMPARE(progress.add(e), false);
    }

    // Fields missing, null or of another type read as defaults; unknown events are Generic.
    void tolerantFields()
    {
        DbtEventParser parser;
        DbtEvent e = parser.parse(QStringLiteral(
            "{\"info\": {\"name\": \"LogModelResult\", \"msg\": \"\\u001b[32mOK\\u001b[0m done\", \"future\": [1]},"
            " \"data\": {\"index\": \"x\", \"total\": null, \"execution_time\": 2, \"node_info\": null, \"extra\": {\"a\": 1}}}"));
        QCOMPARE(toString(e.kind), toString(DbtEventKind::LogModelResult));
        QCOMPARE(e.msg, QStringLiteral("OK done"));
        QCOMPARE(e.index, 0);
        QCOMPARE(e.total, 0);
        QCOMPARE(e.executionTime, 2.0);
        QVERIFY(e.node.uniqueId.isEmpty());

        e = parser.parse(QStringLiteral("{\"info\": {\"name\": \"SomeFutureEvent\", \"msg\": \"hello\", \"level\": \"warn\"}}"));
        QCOMPARE(toString(e.kind), toString(DbtEventKind::Generic));
        QCOMPARE(e.text, QStringLiteral("hello"));
        QCOMPARE(e.level, QStringLiteral("warn"));

        // A line after a broken one parses normally (the parser keeps no bad state).
        e = parser.parse(QStringLiteral("{\"info\": {\"name\": \"StatsLine\"}, \"data\": {\"stats\": {\"pass\": 1.0, \"total\": 1, \"noop\": 0}}}"));
        QCOMPARE(toString(e.kind), toString(DbtEventKind::StatsLine));
        QCOMPARE(e.stats, (DbtStats{1, 0, 0, 0, 1}));
    }
};

QTEST_GUILESS_MAIN(TestDbtEvent)
#include "tst_dbtevent.moc"
