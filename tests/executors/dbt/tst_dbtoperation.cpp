// The dbt operation against the dbt double, which replays real dbt 1.8.9 recordings: every recorded
// JSON command of every scenario, CLI misuse, a stale run_results.json, a missing binary, garbage lines,
// cancel, and the exact argv.
#include "dbt/dbtoperation.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

const QString kRecordings = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What the recording says, read independently of the code under test (QJsonDocument, line by line).
struct Recorded {
    int exitCode = -1;
    int jsonLines = 0, messageLines = 0;
    QString exc;                 // MainEncounteredError data.exc
    bool hasStats = false;
    DbtStats stats;
    QStringList resultIds;       // from the recorded run_results.json, if any
    QString invocationId;
};

Recorded readRecording(const QString &scenario, const QString &name)
{
    Recorded r;
    const QString base = kRecordings + QStringLiteral("/fixtures/%1/json/%2").arg(scenario, name);
    r.exitCode = readFile(base + QStringLiteral(".rc")).trimmed().toInt();
    for (const QByteArray &line : readFile(base + QStringLiteral(".stdout")).split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QJsonObject info = o.value(QStringLiteral("info")).toObject();
        const QJsonObject data = o.value(QStringLiteral("data")).toObject();
        ++r.jsonLines;
        r.invocationId = info.value(QStringLiteral("invocation_id")).toString();
        if (!info.value(QStringLiteral("msg")).toString().isEmpty())
            ++r.messageLines;
        if (info.value(QStringLiteral("name")).toString() == QLatin1String("MainEncounteredError"))
            r.exc = data.value(QStringLiteral("exc")).toString();
        if (info.value(QStringLiteral("name")).toString() == QLatin1String("StatsLine")) {
            const QJsonObject s = data.value(QStringLiteral("stats")).toObject();
            r.hasStats = true;
            r.stats = {s.value(QStringLiteral("pass")).toInt(), s.value(QStringLiteral("warn")).toInt(),
                       s.value(QStringLiteral("error")).toInt(), s.value(QStringLiteral("skip")).toInt(),
                       s.value(QStringLiteral("total")).toInt()};
        }
    }
    const QJsonObject results = QJsonDocument::fromJson(readFile(kRecordings + QStringLiteral("/artifacts/%1/json/%2/run_results.json").arg(scenario, name))).object();
    for (const QJsonValue &v : results.value(QStringLiteral("results")).toArray())
        r.resultIds.append(v.toObject().value(QStringLiteral("unique_id")).toString());
    return r;
}

struct Run {
    DbtResult result;
    QList<DbtEvent> events;
    QList<OutputLine> lines;
    int progressSignals = 0;
    int finishedSignals = 0;
    DbtProgress progress;
};

DbtSpec doubleSpec(const QString &scenario, const QStringList &arguments, const QString &projectDir)
{
    DbtSpec spec;
    spec.dbtExecutable = QStringLiteral(DBTDOUBLE_PATH);
    spec.arguments = arguments;
    spec.projectDir = projectDir;
    spec.profilesDir = projectDir + QStringLiteral("/profiles");
    spec.target = QStringLiteral("prod");
    spec.environment.insert(QStringLiteral("SLUICE_DBT_DOUBLE_SCENARIO"), scenario);
    spec.timeout = std::chrono::seconds(60);
    return spec;
}

// Runs the operation to its end (or fails the test after 30 s).
bool runToEnd(DbtOperation &op, Run &run)
{
    QObject::connect(&op, &DbtOperation::eventReceived, [&](const DbtEvent &e) { run.events.append(e); });
    QObject::connect(&op, &DbtOperation::logLine, [&](const OutputLine &l) { run.lines.append(l); });
    QObject::connect(&op, &DbtOperation::progressChanged, [&](const DbtProgress &p) { ++run.progressSignals; run.progress = p; });
    QObject::connect(&op, &DbtOperation::finished, [&](const DbtResult &r) { ++run.finishedSignals; run.result = r; });
    op.start();
    if (run.finishedSignals != 0)
        return false; // finished must never fire from inside start()
    return QTest::qWaitFor([&] { return run.finishedSignals > 0; }, 30000);
}

} // namespace

class TestDbtOperation : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QFileInfo(QStringLiteral(DBTDOUBLE_PATH)).isExecutable(), DBTDOUBLE_PATH);
        QVERIFY2(QFileInfo(kRecordings).isDir(), qPrintable(kRecordings));
    }

    // Every recorded JSON command of every scenario, through the operation.
    void recordedCommands_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("status");
        // The contract (DESIGN.md §2): 0 success; 1 with only failing/warning tests → warning; 1 otherwise
        // → failed; 2 → failed with MainEncounteredError's text.
        const QMap<QString, QString> expected = {
            {QStringLiteral("failing_test/test"), QStringLiteral("warning")},
            {QStringLiteral("failing_test/build"), QStringLiteral("warning")},
            {QStringLiteral("broken_sql/run"), QStringLiteral("failed")},
            {QStringLiteral("broken_jinja/run"), QStringLiteral("failed")},
            {QStringLiteral("broken_jinja/compile"), QStringLiteral("failed")},
            {QStringLiteral("bad_conn/debug"), QStringLiteral("failed")},
            {QStringLiteral("bad_conn/run"), QStringLiteral("failed")},
        };
        QDirIterator it(kRecordings + QStringLiteral("/fixtures"), {QStringLiteral("*.cmd")}, QDir::Files, QDirIterator::Subdirectories);
        QStringList cmds;
        while (it.hasNext())
            cmds.append(it.next());
        cmds.sort();
        int rows = 0;
        for (const QString &cmd : std::as_const(cmds)) {
            if (!cmd.contains(QLatin1String("/json/")))
                continue;
            const QString scenario = cmd.section(QLatin1Char('/'), -3, -3);
            const QString name = QFileInfo(cmd).completeBaseName();
            QStringList words = QString::fromUtf8(readFile(cmd)).simplified().split(QLatin1Char(' '));
            // "dbt --log-format json <command...>"; the operation adds the log flags and the dirs itself.
            words = words.mid(3);
            const qsizetype profiles = words.indexOf(QStringLiteral("--profiles-dir"));
            if (profiles >= 0)
                words.remove(profiles, 2);
            QTest::newRow(qPrintable(scenario + QLatin1Char('/') + name))
                << scenario << name << words << expected.value(scenario + QLatin1Char('/') + name, QStringLiteral("success"));
            ++rows;
        }
        QCOMPARE(rows, 20); // 10 ok + 2 broken_sql + 2 broken_jinja + 4 failing_test + 2 bad_conn
    }
    void recordedCommands()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, name);
        QFETCH(QStringList, arguments);
        QFETCH(QString, status);
        const Recorded rec = readRecording(scenario, name);

        QTemporaryDir project;
        QVERIFY(project.isValid());
        DbtOperation op(doubleSpec(scenario, arguments, project.path()));
        Run run;
        QVERIFY(runToEnd(op, run));
        const DbtResult &r = run.result;
        QCOMPARE(run.finishedSignals, 1);
        QCOMPARE(r.exitCode, rec.exitCode);
        QCOMPARE(r.status(), status);
        QCOMPARE(r.invocationId, rec.invocationId);
        QCOMPARE(run.events.size(), rec.jsonLines);
        QCOMPARE(run.lines.size(), rec.messageLines);
        QVERIFY(std::none_of(run.lines.cbegin(), run.lines.cend(), [](const OutputLine &l) { return l.text.contains(QLatin1Char('\x1b')); }));
        QCOMPARE(r.hasStats, rec.hasStats);
        QCOMPARE(r.stats.total, rec.stats.total);
        QCOMPARE(r.stats.error, rec.stats.error);
        QCOMPARE(r.stats.pass, rec.stats.pass);

        QStringList ids;
        for (const DbtNodeResult &n : r.nodes)
            ids.append(n.uniqueId);
        QCOMPARE(ids, rec.resultIds);
        QCOMPARE(r.runResultsNote.isEmpty(), !rec.resultIds.isEmpty());

        if (rec.exitCode == 2) {
            QVERIFY(!rec.exc.isEmpty());
            QCOMPARE(r.errorText, rec.exc);
            QCOMPARE(toString(r.outcome), toString(Outcome::Failed));
        } else if (status == QLatin1String("success")) {
            QVERIFY2(r.errorText.isEmpty(), qPrintable(r.errorText));
            QCOMPARE(toString(r.outcome), toString(Outcome::Success));
            QVERIFY(!r.warning);
        } else if (status == QLatin1String("warning")) {
            QCOMPARE(toString(r.outcome), toString(Outcome::Success));
            QVERIFY(r.warning);
            QVERIFY2(r.errorText.contains(QLatin1String("test.jaffle_shop.")), qPrintable(r.errorText));
        } else {
            QCOMPARE(toString(r.outcome), toString(Outcome::Failed));
            QVERIFY(!r.errorText.isEmpty());
        }
        if (scenario == QLatin1String("broken_sql"))
            QVERIFY2(!name.startsWith(QLatin1String("run")) || r.errorText.contains(QLatin1String("model.jaffle_shop.broken_model")), qPrintable(r.errorText));
        if (name == QLatin1String("debug") && scenario == QLatin1String("bad_conn"))
            QVERIFY2(r.errorText.contains(QLatin1String("unable to connect")), qPrintable(r.errorText));

        // Progress: every node result moved it, and it ends at the last node.
        const int nodeEvents = int(std::count_if(run.events.cbegin(), run.events.cend(), [](const DbtEvent &e) { return e.isNodeResult(); }));
        QCOMPARE(op.progress().finishedNodes(), nodeEvents);
        if (nodeEvents > 0) {
            QVERIFY(run.progressSignals >= nodeEvents);
            QCOMPARE(run.progress.total(), rec.stats.total);
        }
    }

    // failing_test build: node details from run_results, and the failed test's row count.
    void failingTestNodes()
    {
        QTemporaryDir project;
        DbtOperation op(doubleSpec(QStringLiteral("failing_test"), {QStringLiteral("build")}, project.path()));
        Run run;
        QVERIFY(runToEnd(op, run));
        const auto fail = std::find_if(run.result.nodes.cbegin(), run.result.nodes.cend(), [](const DbtNodeResult &n) { return n.status == QLatin1String("fail"); });
        QVERIFY(fail != run.result.nodes.cend());
        QCOMPARE(fail->failures, std::optional<qint64>(3));
        QVERIFY(fail->message.contains(QLatin1String("3")));
        const auto skipped = std::count_if(run.result.nodes.cbegin(), run.result.nodes.cend(), [](const DbtNodeResult &n) { return n.status == QLatin1String("skipped"); });
        QCOMPARE(int(skipped), run.result.stats.skip);
    }

    // dbt that stops before running leaves an older run_results.json behind: it must not be reported.
    void staleRunResultsAreIgnored()
    {
        QTemporaryDir project;
        {
            DbtOperation ok(doubleSpec(QStringLiteral("ok"), {QStringLiteral("run")}, project.path()));
            Run run;
            QVERIFY(runToEnd(ok, run));
            QCOMPARE(run.result.nodes.size(), 5);
        }
        DbtOperation bad(doubleSpec(QStringLiteral("bad_conn"), {QStringLiteral("run")}, project.path()));
        Run run;
        QVERIFY(runToEnd(bad, run));
        QVERIFY(QFileInfo::exists(project.filePath(QStringLiteral("target/run_results.json"))));
        QCOMPARE(run.result.status(), QStringLiteral("failed"));
        QVERIFY(run.result.nodes.isEmpty());
        QVERIFY2(run.result.runResultsNote.contains(QLatin1String("earlier dbt invocation")), qPrintable(run.result.runResultsNote));
        QVERIFY(run.result.errorText.contains(QLatin1String("Connection refused")));
    }

    void cliMisuse()
    {
        QTemporaryDir project;
        DbtOperation op(doubleSpec(QStringLiteral("cli"), {QStringLiteral("notacommand")}, project.path()));
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.result.exitCode, 2);
        QCOMPARE(toString(run.result.outcome), toString(Outcome::Failed));
        QVERIFY2(run.result.errorText.contains(QLatin1String("Error: No such command 'notacommand'.")), qPrintable(run.result.errorText));
        QVERIFY(run.events.isEmpty());
        QVERIFY(std::all_of(run.lines.cbegin(), run.lines.cend(), [](const OutputLine &l) { return l.isStderr; }));
        QVERIFY(!run.lines.isEmpty());
    }

    // A recording in dbt's text format: every line is a plain log line, nothing is an event.
    void textOutputIsPlainLines()
    {
        QTemporaryDir project;
        DbtOperation op(doubleSpec(QStringLiteral("cli"), {QStringLiteral("run"), QStringLiteral("--select"), QStringLiteral("does_not_exist")}, project.path()));
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.result.status(), QStringLiteral("success"));
        QVERIFY(run.events.isEmpty());
        QCOMPARE(run.lines.size(), 6);
        QVERIFY(run.lines.last().text.endsWith(QLatin1String("Nothing to do. Try checking your model configs and model specification args")));
        QVERIFY(run.result.nodes.isEmpty());
    }

    void missingBinary_data()
    {
        QTest::addColumn<QString>("executable");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("mustContain");
        QTest::newRow("configured path missing") << "/nonexistent/bin/dbt" << QString() << "sluicectl workspace set --org SLUG --dbt PATH";
        QTest::newRow("not on PATH") << QString() << "/nonexistent-a:/nonexistent-b" << "dbt was not found on PATH";
        QTest::newRow("not executable") << QStringLiteral(SLUICE_SOURCE_DIR "/CMakeLists.txt") << QString() << "not executable";
    }
    void missingBinary()
    {
        QFETCH(QString, executable);
        QFETCH(QString, path);
        QFETCH(QString, mustContain);
        QTemporaryDir project;
        DbtSpec spec = doubleSpec(QStringLiteral("ok"), {QStringLiteral("run")}, project.path());
        spec.dbtExecutable = executable;
        if (!path.isEmpty())
            spec.environment.insert(QStringLiteral("PATH"), path);
        DbtOperation op(spec);
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.finishedSignals, 1);
        QCOMPARE(toString(run.result.outcome), toString(Outcome::FailedToStart));
        QCOMPARE(run.result.status(), QStringLiteral("failed to start"));
        QVERIFY2(run.result.errorText.contains(mustContain), qPrintable(run.result.errorText));
        QVERIFY(!QFileInfo::exists(project.filePath(QStringLiteral("target"))));
    }

    // A dbt that prints non-JSON and truncated lines among events: the lines stay plain, never an error.
    void garbageLines()
    {
        QTemporaryDir dir;
        const QByteArray event = readFile(kRecordings + QStringLiteral("/fixtures/ok/json/run.stdout")).split('\n').value(6);
        QVERIFY(event.contains("LogStartLine"));
        QFile script(dir.filePath(QStringLiteral("dbt")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\n"
                     "echo 'plain text before'\n"
                     "printf '%s\\n' '" + event.left(event.size() / 2) + "'\n"
                     "printf '%s\\n' '" + event + "'\n"
                     "echo 'warning on stderr' >&2\n"
                     "printf '%s' '{\"info\": {\"name\": \"StatsLine\"'\n" // truncated, no newline at exit
                     "exit 0\n");
        script.close();
        QVERIFY(script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        DbtSpec spec = doubleSpec(QStringLiteral("ok"), {QStringLiteral("run")}, dir.path());
        spec.dbtExecutable = script.fileName();
        DbtOperation op(spec);
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.result.status(), QStringLiteral("success"));
        QCOMPARE(run.events.size(), 1);
        QCOMPARE(toString(run.events.first().kind), toString(DbtEventKind::LogStartLine));
        QStringList texts;
        for (const OutputLine &l : run.lines)
            texts.append(l.text);
        QCOMPARE(texts.size(), 5);
        QCOMPARE(texts.at(0), QStringLiteral("plain text before"));
        QCOMPARE(texts.at(1), QString::fromUtf8(event.left(event.size() / 2)));
        QVERIFY(texts.at(2).startsWith(QLatin1String("1 of 5 START sql view model")));
        QVERIFY(texts.contains(QStringLiteral("warning on stderr")));
        QVERIFY(texts.contains(QStringLiteral("{\"info\": {\"name\": \"StatsLine\"")));
        QCOMPARE(op.progress().index(), 1);
        QCOMPARE(op.progress().total(), 5);
        QVERIFY(!run.result.hasStats);
    }

    // The argv dbt receives: log flags, the user's words, and each value as its own entry; secrets only
    // in the environment.
    void argv()
    {
        QTemporaryDir project;
        const QString argvFile = project.filePath(QStringLiteral("argv"));
        DbtSpec spec = doubleSpec(QStringLiteral("ok"), {QStringLiteral("run"), QStringLiteral("--select"), QStringLiteral("customers")}, project.path() + QStringLiteral("/my project"));
        QVERIFY(QDir().mkpath(spec.projectDir));
        spec.environment.insert(QStringLiteral("SLUICE_DBT_DOUBLE_ARGV_FILE"), argvFile);
        spec.environment.insert(QStringLiteral("DBT_ENV_SECRET_PASSWORD"), QStringLiteral("canary-secret-4711"));
        DbtOperation op(spec);
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.result.status(), QStringLiteral("success"));
        QCOMPARE(run.result.nodes.size(), 1);
        const QByteArray recorded = readFile(argvFile);
        QVERIFY(!recorded.contains("canary-secret-4711"));
        const QStringList received = QString::fromUtf8(recorded.trimmed()).split(QChar(0x1f));
        const QStringList expected = {QStringLiteral("run"), QStringLiteral("--log-format"), QStringLiteral("json"), QStringLiteral("--no-use-colors"),
                                      QStringLiteral("--select"), QStringLiteral("customers"),
                                      QStringLiteral("--project-dir"), spec.projectDir,
                                      QStringLiteral("--profiles-dir"), spec.profilesDir,
                                      QStringLiteral("--target"), QStringLiteral("prod")};
        QCOMPARE(received, expected);
        QCOMPARE(DbtOperation::buildArguments(spec), expected);
        DbtSpec docs;
        docs.arguments = {QStringLiteral("docs"), QStringLiteral("generate")};
        QCOMPARE(DbtOperation::buildArguments(docs),
                 (QStringList{QStringLiteral("docs"), QStringLiteral("generate"), QStringLiteral("--log-format"), QStringLiteral("json"), QStringLiteral("--no-use-colors")}));
    }

    void cancelWhileRunning()
    {
        QTemporaryDir project;
        DbtSpec spec = doubleSpec(QStringLiteral("ok"), {QStringLiteral("build")}, project.path());
        spec.environment.insert(QStringLiteral("SLUICE_DBT_DOUBLE_LINE_DELAY_MS"), QStringLiteral("100"));
        spec.killGrace = std::chrono::milliseconds(2000);
        DbtOperation op(spec);
        Run run;
        QObject::connect(&op, &DbtOperation::progressChanged, &op, [&op] { op.cancel(); });
        QVERIFY(runToEnd(op, run));
        QCOMPARE(run.finishedSignals, 1);
        QCOMPARE(toString(run.result.outcome), toString(Outcome::Canceled));
        QCOMPARE(run.result.status(), QStringLiteral("canceled"));
        QVERIFY(run.events.size() < 68);
        QVERIFY(run.result.nodes.isEmpty());
    }

    void cancelBeforeStart()
    {
        QTemporaryDir project;
        DbtOperation op(doubleSpec(QStringLiteral("ok"), {QStringLiteral("run")}, project.path()));
        op.cancel();
        Run run;
        QVERIFY(runToEnd(op, run));
        QCOMPARE(toString(run.result.outcome), toString(Outcome::Canceled));
        QVERIFY(run.events.isEmpty());
        QVERIFY(!QFileInfo::exists(project.filePath(QStringLiteral("target"))));
    }
};

QTEST_GUILESS_MAIN(TestDbtOperation)
#include "tst_dbtoperation.moc"
