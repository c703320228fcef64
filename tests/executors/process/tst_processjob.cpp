#include "process/processjob.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace sluice;
using namespace std::chrono_literals;

namespace {

// Everything a job did, collected through its signals.
struct Recorder {
    QList<OutputLine> lines;
    QList<qint64> startedPids;
    QList<ProcessResult> results;

    explicit Recorder(ProcessJob &job)
    {
        QObject::connect(&job, &ProcessJob::lineReceived, &job, [this](const OutputLine &l) { lines << l; });
        QObject::connect(&job, &ProcessJob::started, &job, [this](qint64 pid) { startedPids << pid; });
        QObject::connect(&job, &ProcessJob::finished, &job, [this](const ProcessResult &r) { results << r; });
    }
    QStringList texts(bool isStderr) const
    {
        QStringList out;
        for (const OutputLine &l : lines)
            if (l.isStderr == isStderr)
                out << l.text;
        return out;
    }
    QString firstStdout() const
    {
        const QStringList t = texts(false);
        return t.isEmpty() ? QString() : t.first();
    }
};

ProcessSpec sh(const QString &script)
{
    ProcessSpec spec;
    spec.program = QStringLiteral("/bin/sh");
    spec.arguments = {QStringLiteral("-c"), script};
    return spec;
}

// The state letter of /proc/PID/stat, or 0 when the process no longer exists. A zombie ('Z')
// is dead: it only waits to be reaped by its (possibly non-reaping) parent.
char procState(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray stat = f.readAll();
    const qsizetype close = stat.lastIndexOf(')');
    return close > 0 && close + 2 < stat.size() ? stat.at(close + 2) : 0;
}
bool isAlive(qint64 pid)
{
    const char s = procState(pid);
    return s != 0 && s != 'Z' && s != 'X';
}
qint64 processGroup(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = f.readAll();
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 2 ? fields.at(2).toLongLong() : -1; // state ppid pgrp
}

} // namespace

class TestProcessJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void successViaPath();
    void ownProcessGroup();
    void failedExitCode_data();
    void failedExitCode();
    void failedToStart_data();
    void failedToStart();
    void programFoundOnSpecPath();
    void crashed_data();
    void crashed();
    void stdoutAndStderr();
    void lineSplitting_data();
    void lineSplitting();
    void manyLinesInOrder();
    void veryLongLines();
    void environmentAndWorkingDirectory();
    void environmentChangesReachTheNextChild();
    void stdinIsEmpty();
    void timeout();
    void cancelBeforeStart();
    void cancelWhileRunning();
    void cancelAfterFinish();
    void startTwice();
    void cancelKillsGrandchild();
    void timeoutKillsGrandchild();
    void sigtermIgnoredGetsSigkill();
    void survivorsOfSigtermKilledWithLeader();
    void destroyWhileRunningKillsGroup();
};

void TestProcessJob::successViaPath()
{
    ProcessSpec spec;
    spec.program = QStringLiteral("true");
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QVERIFY(job.isRunning());
    QTRY_COMPARE(rec.results.size(), 1);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::Success));
    QCOMPARE(r.exitCode, 0);
    QVERIFY(r.errorText.isEmpty());
    QVERIFY(r.startedAtMs > 0);
    QVERIFY(r.finishedAtMs >= r.startedAtMs);
    QCOMPARE(rec.startedPids.size(), 1);
    QVERIFY(rec.startedPids.first() > 0);
    QVERIFY(!job.isRunning());
    QCOMPARE(job.pid(), 0);
}

void TestProcessJob::ownProcessGroup()
{
    ProcessJob job(sh(QStringLiteral("echo ready; exec sleep 30")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 pid = job.pid();
    QVERIFY(pid > 0);
    QCOMPARE(rec.startedPids.value(0), pid);
    QCOMPARE(processGroup(pid), pid); // a group leader: its group is its own pid
    QVERIFY(processGroup(pid) != processGroup(QCoreApplication::applicationPid()));
    job.cancel();
    QTRY_COMPARE(rec.results.size(), 1);
}

void TestProcessJob::failedExitCode_data()
{
    QTest::addColumn<int>("code");
    QTest::newRow("1") << 1;
    QTest::newRow("2") << 2;
    QTest::newRow("42") << 42;
    QTest::newRow("255") << 255;
}

void TestProcessJob::failedExitCode()
{
    QFETCH(int, code);
    ProcessJob job(sh(QStringLiteral("exit %1").arg(code)));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::Failed));
    QCOMPARE(r.exitCode, code);
    QVERIFY2(r.errorText.contains(QStringLiteral("exit code %1").arg(code)), qPrintable(r.errorText));
}

void TestProcessJob::failedToStart_data()
{
    QTest::addColumn<QString>("program");
    QTest::addColumn<QString>("workingDirectory");
    QTest::addColumn<QString>("expected");

    QTest::newRow("missing on PATH") << QStringLiteral("sluice-no-such-program") << QString()
                                     << QStringLiteral("was not found on PATH");
    QTest::newRow("missing absolute") << QStringLiteral("/nonexistent/sluice-tool") << QString()
                                      << QStringLiteral("does not exist");
    QTest::newRow("not executable") << QStringLiteral("@NOEXEC@") << QString()
                                    << QStringLiteral("is not executable");
    QTest::newRow("not a program") << QStringLiteral("@BADFORMAT@") << QString()
                                   << QStringLiteral("is not a program this system can run");
    QTest::newRow("missing interpreter") << QStringLiteral("@BADINTERP@") << QString()
                                         << QStringLiteral("interpreter '/nonexistent/interpreter' (named on its #! line) is missing");
    QTest::newRow("directory") << QStringLiteral("/tmp") << QString() << QStringLiteral("is a directory");
    QTest::newRow("bad working dir") << QStringLiteral("true") << QStringLiteral("/nonexistent/dir")
                                     << QStringLiteral("working directory '/nonexistent/dir' does not exist");
    QTest::newRow("working dir is a file") << QStringLiteral("true") << QStringLiteral("/etc/hostname")
                                           << QStringLiteral("is not a directory");
    QTest::newRow("empty program") << QString() << QString() << QStringLiteral("no program given");
}

void TestProcessJob::failedToStart()
{
    QFETCH(QString, program);
    QFETCH(QString, workingDirectory);
    QFETCH(QString, expected);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Files that pass every check before the fork; the last two fail only at exec.
    const QMap<QString, QByteArray> files = {
        {QStringLiteral("@NOEXEC@"), QByteArrayLiteral("#!/bin/sh\necho hi\n")},
        {QStringLiteral("@BADFORMAT@"), QByteArray("\x7f" "ELF garbage\0\1\2", 15)},
        {QStringLiteral("@BADINTERP@"), QByteArrayLiteral("#!/nonexistent/interpreter\necho hi\n")},
    };
    if (files.contains(program)) {
        const QByteArray content = files.value(program);
        const bool executable = program != QStringLiteral("@NOEXEC@");
        program = dir.filePath(QStringLiteral("tool"));
        QFile f(program);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                 | (executable ? QFileDevice::ExeOwner : QFileDevice::Permissions())));
    }
    ProcessSpec spec;
    spec.program = program;
    spec.workingDirectory = workingDirectory;
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QCOMPARE(rec.results.size(), 0); // never from inside start()
    QTRY_COMPARE(rec.results.size(), 1);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::FailedToStart));
    QVERIFY2(r.errorText.contains(expected), qPrintable(r.errorText));
    QVERIFY(rec.startedPids.isEmpty());
    QVERIFY(!job.isRunning());
    job.cancel(); // after the end: nothing more
    QCoreApplication::processEvents();
    QCOMPARE(rec.results.size(), 1);
}

void TestProcessJob::programFoundOnSpecPath()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString tool = dir.filePath(QStringLiteral("sluice-test-tool"));
    QFile f(tool);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("#!/bin/sh\necho \"tool $1\"\n");
    f.close();
    QVERIFY(f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));

    ProcessSpec spec;
    spec.program = QStringLiteral("sluice-test-tool");
    spec.arguments = {QStringLiteral("arg")};
    spec.environment.insert(QStringLiteral("PATH"), dir.path() + QStringLiteral(":/usr/bin:/bin"));
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("tool arg")});
}

void TestProcessJob::crashed_data()
{
    QTest::addColumn<QString>("signal");
    QTest::addColumn<QString>("expected");
    QTest::newRow("SIGSEGV") << QStringLiteral("SEGV") << QStringLiteral("signal 11");
    QTest::newRow("SIGKILL") << QStringLiteral("KILL") << QStringLiteral("signal 9");
    QTest::newRow("SIGABRT") << QStringLiteral("ABRT") << QStringLiteral("signal 6");
}

void TestProcessJob::crashed()
{
    QFETCH(QString, signal);
    QFETCH(QString, expected);
    QTemporaryDir dir; // any core file lands here
    QVERIFY(dir.isValid());
    ProcessSpec spec = sh(QStringLiteral("ulimit -c 0; echo before; kill -%1 $$; echo after").arg(signal));
    spec.workingDirectory = dir.path();
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::Crashed));
    QVERIFY2(r.errorText.contains(expected), qPrintable(r.errorText));
    QVERIFY2(r.errorText.contains(QStringLiteral("crashed")), qPrintable(r.errorText));
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("before")});
}

void TestProcessJob::stdoutAndStderr()
{
    ProcessJob job(sh(QStringLiteral("echo out1; echo err1 >&2; echo out2; echo err2 >&2")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    QCOMPARE(rec.texts(false), (QStringList{QStringLiteral("out1"), QStringLiteral("out2")}));
    QCOMPARE(rec.texts(true), (QStringList{QStringLiteral("err1"), QStringLiteral("err2")}));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const OutputLine &l : rec.lines) {
        QVERIFY(l.atMs >= rec.results.first().startedAtMs);
        QVERIFY(l.atMs <= now);
    }
}

void TestProcessJob::lineSplitting_data()
{
    QTest::addColumn<QString>("printf"); // argument to printf(1)
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("unterminated last line") << QStringLiteral("a\\nb") << QStringList{QStringLiteral("a"), QStringLiteral("b")};
    QTest::newRow("crlf") << QStringLiteral("x\\r\\ny\\r\\n") << QStringList{QStringLiteral("x"), QStringLiteral("y")};
    QTest::newRow("empty lines kept") << QStringLiteral("\\n\\nz\\n") << QStringList{QString(), QString(), QStringLiteral("z")};
    QTest::newRow("lone cr stays") << QStringLiteral("p\\rq\\n") << QStringList{QStringLiteral("p\rq")};
    QTest::newRow("utf-8") << QStringLiteral("gr\\303\\274\\303\\237e \\342\\202\\254\\n")
                           << QStringList{QString::fromUtf8("grüße €")};
    QTest::newRow("invalid utf-8") << QStringLiteral("ok\\377\\376end\\n")
                                   << QStringList{QStringLiteral("ok\uFFFD\uFFFDend")};
    QTest::newRow("nothing") << QString() << QStringList{};
}

void TestProcessJob::lineSplitting()
{
    QFETCH(QString, printf);
    QFETCH(QStringList, expected);
    ProcessSpec spec;
    spec.program = QStringLiteral("printf");
    spec.arguments = {printf};
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    QCOMPARE(rec.texts(false), expected);
}

void TestProcessJob::manyLinesInOrder()
{
    constexpr int count = 100000;
    // Both streams at once, so their reads interleave.
    ProcessJob job(sh(QStringLiteral("seq 1 %1 >&2 & seq 1 %1; wait").arg(count)));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(rec.results.size(), 1, 30000);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    for (bool isStderr : {false, true}) {
        const QStringList t = rec.texts(isStderr);
        QCOMPARE(t.size(), count);
        for (int i = 0; i < count; ++i)
            if (t.at(i).toInt() != i + 1)
                QFAIL(qPrintable(QStringLiteral("line %1 is '%2'").arg(i + 1).arg(t.at(i))));
    }
}

void TestProcessJob::veryLongLines()
{
    // A 3 MB line arrives whole; 20 MB with no newline at all arrives in 8 MiB pieces.
    ProcessJob job(sh(QStringLiteral("head -c 3000000 /dev/zero | tr '\\0' a; echo; "
                                     "head -c 20000000 /dev/zero | tr '\\0' b")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(rec.results.size(), 1, 30000);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    const QStringList t = rec.texts(false);
    QVERIFY(t.size() >= 2);
    QCOMPARE(t.first().size(), 3000000);
    QVERIFY(t.first().count(QLatin1Char('a')) == 3000000);
    qsizetype rest = 0;
    for (qsizetype i = 1; i < t.size(); ++i) {
        QVERIFY(t.at(i).size() <= 8 * 1024 * 1024);
        QCOMPARE(t.at(i).count(QLatin1Char('b')), t.at(i).size());
        rest += t.at(i).size();
    }
    QCOMPARE(rest, 20000000);
    QCOMPARE(t.size(), 4); // 3 MB line + 8 MiB + 8 MiB + the rest
}

void TestProcessJob::environmentAndWorkingDirectory()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    qputenv("SLUICE_TEST_INHERITED", "inherited");
    qputenv("SLUICE_TEST_DROPPED", "should not be seen");
    qputenv("SLUICE_TEST_OVERRIDDEN", "old");
    ProcessSpec spec = sh(QStringLiteral(
        "echo \"$SLUICE_TEST_INHERITED\"; echo \"${SLUICE_TEST_DROPPED-unset}\"; "
        "echo \"$SLUICE_TEST_OVERRIDDEN\"; echo \"$SLUICE_TEST_NEW\"; pwd -P"));
    spec.environment.insert(QStringLiteral("SLUICE_TEST_OVERRIDDEN"), QStringLiteral("new value"));
    spec.environment.insert(QStringLiteral("SLUICE_TEST_NEW"), QStringLiteral("with 'quotes' and $dollar"));
    spec.unsetEnvironment << QStringLiteral("SLUICE_TEST_DROPPED");
    spec.workingDirectory = dir.path();
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    QCOMPARE(rec.texts(false),
             (QStringList{QStringLiteral("inherited"), QStringLiteral("unset"), QStringLiteral("new value"),
                          QStringLiteral("with 'quotes' and $dollar"), QDir(dir.path()).canonicalPath()}));
}

// The inherited environment is kept between starts (it is costly to read): a change to this
// process's environment must still reach the next child, set, changed or removed.
void TestProcessJob::environmentChangesReachTheNextChild()
{
    auto probe = [] {
        ProcessSpec spec = sh(QStringLiteral("echo \"${SLUICE_TEST_PROBE-unset}\""));
        spec.environment.insert(QStringLiteral("SLUICE_TEST_EXTRA"), QStringLiteral("x"));   // the path that merges environments
        ProcessJob job(spec);
        Recorder rec(job);
        job.start();
        if (!QTest::qWaitFor([&] { return !rec.results.isEmpty(); }, 10'000))
            return QStringLiteral("<no result>");
        return rec.firstStdout();
    };
    qputenv("SLUICE_TEST_PROBE", "one");
    QCOMPARE(probe(), QStringLiteral("one"));
    QCOMPARE(probe(), QStringLiteral("one"));
    qputenv("SLUICE_TEST_PROBE", "two");
    QCOMPARE(probe(), QStringLiteral("two"));
    qunsetenv("SLUICE_TEST_PROBE");
    QCOMPARE(probe(), QStringLiteral("unset"));
}

void TestProcessJob::stdinIsEmpty()
{
    ProcessJob job(sh(QStringLiteral("cat; echo done")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("done")});
}

void TestProcessJob::timeout()
{
    ProcessSpec spec = sh(QStringLiteral("echo started; exec sleep 30"));
    spec.timeout = 300ms;
    ProcessJob job(spec);
    Recorder rec(job);
    QElapsedTimer clock;
    clock.start();
    job.start();
    QTRY_COMPARE_WITH_TIMEOUT(rec.results.size(), 1, 10000);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::TimedOut));
    QVERIFY2(r.errorText.contains(QStringLiteral("timed out after 0.3 s")), qPrintable(r.errorText));
    QVERIFY(clock.elapsed() >= 300);
    QVERIFY(clock.elapsed() < 5000); // SIGTERM sufficed; the 5 s grace was not needed
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("started")});
}

void TestProcessJob::cancelBeforeStart()
{
    ProcessJob job(sh(QStringLiteral("echo should not run")));
    Recorder rec(job);
    job.cancel();
    QCOMPARE(rec.results.size(), 0);
    job.start();
    QCOMPARE(rec.results.size(), 0);
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Canceled));
    QVERIFY(!rec.results.first().errorText.isEmpty());
    QVERIFY(rec.startedPids.isEmpty());
    QVERIFY(rec.lines.isEmpty());
    QTest::qWait(50);
    QCOMPARE(rec.results.size(), 1);
}

void TestProcessJob::cancelWhileRunning()
{
    ProcessJob job(sh(QStringLiteral("echo ready; exec sleep 30")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 pid = job.pid();
    QElapsedTimer clock;
    clock.start();
    job.cancel();
    job.cancel(); // twice: still one end
    QTRY_COMPARE(rec.results.size(), 1);
    QVERIFY(clock.elapsed() < 4000);
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::Canceled));
    QVERIFY2(r.errorText.contains(QStringLiteral("canceled")), qPrintable(r.errorText));
    QVERIFY(!isAlive(pid));
    QTest::qWait(50);
    QCOMPARE(rec.results.size(), 1);
}

void TestProcessJob::cancelAfterFinish()
{
    ProcessJob job(sh(QStringLiteral("exit 0")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    job.cancel();
    QTest::qWait(50);
    QCOMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Success));
}

void TestProcessJob::startTwice()
{
    ProcessJob job(sh(QStringLiteral("echo once")));
    Recorder rec(job);
    job.start();
    QTest::ignoreMessage(QtWarningMsg, "ProcessJob::start() called twice; ignored");
    job.start();
    QTRY_COMPARE(rec.results.size(), 1);
    QTest::qWait(50);
    QCOMPARE(rec.results.size(), 1);
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("once")});
}

void TestProcessJob::cancelKillsGrandchild()
{
    ProcessJob job(sh(QStringLiteral("sleep 1000 & echo $!; wait")));
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 grandchild = rec.firstStdout().toLongLong();
    QVERIFY(grandchild > 0);
    QVERIFY(isAlive(grandchild));
    QCOMPARE(processGroup(grandchild), job.pid());
    job.cancel();
    QTRY_COMPARE(rec.results.size(), 1);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Canceled));
    QTRY_VERIFY(!isAlive(grandchild));
}

void TestProcessJob::timeoutKillsGrandchild()
{
    ProcessSpec spec = sh(QStringLiteral("sleep 1000 & echo $!; wait"));
    spec.timeout = 300ms;
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 grandchild = rec.firstStdout().toLongLong();
    QVERIFY(isAlive(grandchild));
    QTRY_COMPARE_WITH_TIMEOUT(rec.results.size(), 1, 10000);
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::TimedOut));
    QTRY_VERIFY(!isAlive(grandchild));
}

void TestProcessJob::sigtermIgnoredGetsSigkill()
{
    // Both the shell and its sleep inherit the ignored SIGTERM.
    ProcessSpec spec = sh(QStringLiteral("trap '' TERM; echo ready; sleep 1000; echo survived"));
    spec.killGrace = 400ms;
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 pid = job.pid();
    QElapsedTimer clock;
    clock.start();
    job.cancel();
    QTRY_COMPARE_WITH_TIMEOUT(rec.results.size(), 1, 10000);
    QVERIFY2(clock.elapsed() >= 390, qPrintable(QString::number(clock.elapsed())));
    const ProcessResult &r = rec.results.first();
    QCOMPARE(toString(r.outcome), toString(Outcome::Canceled));
    QVERIFY2(r.errorText.contains(QStringLiteral("SIGKILL")), qPrintable(r.errorText));
    QVERIFY2(r.errorText.contains(QStringLiteral("0.4 s")), qPrintable(r.errorText));
    QVERIFY(!isAlive(pid));
    QCOMPARE(rec.texts(false), QStringList{QStringLiteral("ready")});
}

void TestProcessJob::survivorsOfSigtermKilledWithLeader()
{
    // The leader dies on SIGTERM at once; a grandchild that ignores SIGTERM must not outlive it.
    ProcessSpec spec = sh(QStringLiteral("sh -c 'trap \"\" TERM; echo ready; exec sleep 1000' & wait"));
    spec.killGrace = 60s;
    ProcessJob job(spec);
    Recorder rec(job);
    job.start();
    QTRY_COMPARE(rec.lines.size(), 1);
    // The grandchild is the only other member of the job's group.
    qint64 grandchild = 0;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        const qint64 p = entry.toLongLong();
        if (p > 0 && p != job.pid() && processGroup(p) == job.pid())
            grandchild = p;
    }
    QVERIFY(grandchild > 0);
    QElapsedTimer clock;
    clock.start();
    job.cancel();
    QTRY_COMPARE(rec.results.size(), 1);
    QVERIFY(clock.elapsed() < 10000); // did not wait out the 60 s grace
    QCOMPARE(toString(rec.results.first().outcome), toString(Outcome::Canceled));
    QTRY_VERIFY(!isAlive(grandchild));
}

void TestProcessJob::destroyWhileRunningKillsGroup()
{
    auto job = std::make_unique<ProcessJob>(sh(QStringLiteral("sleep 1000 & echo $!; wait")));
    Recorder rec(*job);
    job->start();
    QTRY_COMPARE(rec.lines.size(), 1);
    const qint64 pid = job->pid();
    const qint64 grandchild = rec.firstStdout().toLongLong();
    QVERIFY(isAlive(pid));
    QVERIFY(isAlive(grandchild));
    QElapsedTimer clock;
    clock.start();
    job.reset();
    QVERIFY(clock.elapsed() < 1000); // the destructor does not wait for the child
    QVERIFY(rec.results.isEmpty());  // and emits nothing
    QTRY_VERIFY(!isAlive(grandchild));
    // The leader is reaped by the orphaned QProcess, not left a zombie.
    QTRY_COMPARE(procState(pid), char(0));
}

QTEST_GUILESS_MAIN(TestProcessJob)
#include "tst_processjob.moc"
