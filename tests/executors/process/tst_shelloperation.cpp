#include "process/shelloperation.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using namespace std::chrono_literals;

class TestShellOperation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void split_data();
    void split();
    void needsShell_data();
    void needsShell();
    void badCommands_data();
    void badCommands();
    void specWithoutShell();
    void specWithShell();
    void runsWhatTheShellWouldRun_data();
    void runsWhatTheShellWouldRun();
};

void TestShellOperation::split_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("words");
    QTest::newRow("plain") << QStringLiteral("dbt run --select my_model")
                           << QStringList{QStringLiteral("dbt"), QStringLiteral("run"), QStringLiteral("--select"), QStringLiteral("my_model")};
    QTest::newRow("extra blanks") << QStringLiteral("  a \t b  ") << QStringList{QStringLiteral("a"), QStringLiteral("b")};
    QTest::newRow("double quotes") << QStringLiteral("echo \"two words\" x\"y z\"")
                                   << QStringList{QStringLiteral("echo"), QStringLiteral("two words"), QStringLiteral("xy z")};
    QTest::newRow("single quotes literal") << QStringLiteral("echo 'a \"b\" \\n'")
                                           << QStringList{QStringLiteral("echo"), QStringLiteral("a \"b\" \\n")};
    QTest::newRow("escapes in double quotes") << QStringLiteral("echo \"q\\\"b\\\\s\\n\"")
                                              << QStringList{QStringLiteral("echo"), QStringLiteral("q\"b\\s\\n")};
    QTest::newRow("backslash outside") << QStringLiteral("echo a\\ b \\'c")
                                       << QStringList{QStringLiteral("echo"), QStringLiteral("a b"), QStringLiteral("'c")};
    QTest::newRow("empty argument") << QStringLiteral("prog '' \"\"")
                                    << QStringList{QStringLiteral("prog"), QString(), QString()};
    QTest::newRow("quoted specials") << QStringLiteral("grep 'a|b' \"x;y\" '$HOME' \\*")
                                     << QStringList{QStringLiteral("grep"), QStringLiteral("a|b"), QStringLiteral("x;y"), QStringLiteral("$HOME"), QStringLiteral("*")};
    QTest::newRow("mid-word tilde and hash") << QStringLiteral("echo a~b c#d x=y")
                                             << QStringList{QStringLiteral("echo"), QStringLiteral("a~b"), QStringLiteral("c#d"), QStringLiteral("x=y")};
    QTest::newRow("json argument") << QStringLiteral("dbt run --vars '{\"day\": \"2024-01-01\"}'")
                                   << QStringList{QStringLiteral("dbt"), QStringLiteral("run"), QStringLiteral("--vars"), QStringLiteral("{\"day\": \"2024-01-01\"}")};
}

void TestShellOperation::split()
{
    QFETCH(QString, command);
    QFETCH(QStringList, words);
    const auto s = splitShellCommand(command);
    QVERIFY2(s.has_value(), s ? "" : qPrintable(s.error().message));
    QVERIFY(!s->needsShell);
    QCOMPARE(s->words, words);
}

void TestShellOperation::needsShell_data()
{
    QTest::addColumn<QString>("command");
    for (const char *c : {"a | b", "a > out", "a < in", "a 2>&1", "a && b", "a || b", "a; b", "a &",
                          "echo $HOME", "echo ${X}", "echo \"$HOME\"", "echo `date`", "echo \"`date`\"",
                          "echo $(date)", "ls *.sql", "ls file?.txt", "ls [ab].txt", "cd /tmp",
                          "export A=1", "FOO=bar prog", "ls ~", "echo hi # comment", "(a)",
                          "if true; then echo; fi", "a\nb", "exit 3", ". ./env.sh", "! false"})
        QTest::newRow(QByteArray(c).replace('\n', "\\n").constData()) << QString::fromUtf8(c);
}

void TestShellOperation::needsShell()
{
    QFETCH(QString, command);
    const auto s = splitShellCommand(command);
    QVERIFY(s.has_value());
    QVERIFY(s->needsShell);
    const auto spec = shellProcessSpec({command, {}, {}, {}});
    QVERIFY(spec.has_value());
    QCOMPARE(spec->program, QStringLiteral("/bin/sh"));
    QCOMPARE(spec->arguments, (QStringList{QStringLiteral("-c"), command}));
}

void TestShellOperation::badCommands_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("expected");
    QTest::newRow("empty") << QString() << QStringLiteral("the command is empty");
    QTest::newRow("blank") << QStringLiteral("   \t ") << QStringLiteral("the command is empty");
    QTest::newRow("open single") << QStringLiteral("echo 'abc") << QStringLiteral("unterminated single quote (') starting at character 6");
    QTest::newRow("open double") << QStringLiteral("echo \"abc") << QStringLiteral("unterminated double quote");
    QTest::newRow("escaped close") << QStringLiteral("echo \"abc\\\"") << QStringLiteral("unterminated double quote");
}

void TestShellOperation::badCommands()
{
    QFETCH(QString, command);
    QFETCH(QString, expected);
    const auto spec = shellProcessSpec({command, {}, {}, {}});
    QVERIFY(!spec.has_value());
    QCOMPARE(spec.error().kind, Error::Kind::Invalid);
    QVERIFY2(spec.error().message.contains(expected), qPrintable(spec.error().message));
}

void TestShellOperation::specWithoutShell()
{
    ShellCommand cmd;
    cmd.command = QStringLiteral("python3 -m 'my tool' --flag");
    cmd.workingDirectory = QStringLiteral("/srv/project");
    cmd.environment.insert(QStringLiteral("A"), QStringLiteral("1"));
    cmd.timeout = 90s;
    const auto spec = shellProcessSpec(cmd);
    QVERIFY(spec.has_value());
    QCOMPARE(spec->program, QStringLiteral("python3"));
    QCOMPARE(spec->arguments, (QStringList{QStringLiteral("-m"), QStringLiteral("my tool"), QStringLiteral("--flag")}));
    QCOMPARE(spec->workingDirectory, cmd.workingDirectory);
    QCOMPARE(spec->environment, cmd.environment);
    QCOMPARE(spec->timeout, 90s);
}

void TestShellOperation::specWithShell()
{
    ShellCommand cmd;
    cmd.command = QStringLiteral("echo $A | tr 1 2");
    cmd.workingDirectory = QStringLiteral("/tmp");
    cmd.environment.insert(QStringLiteral("A"), QStringLiteral("1"));
    const auto spec = shellProcessSpec(cmd);
    QVERIFY(spec.has_value());
    QCOMPARE(spec->program, QStringLiteral("/bin/sh"));
    QCOMPARE(spec->workingDirectory, QStringLiteral("/tmp"));
    QCOMPARE(spec->environment, cmd.environment);
}

// End to end: what ProcessJob runs from the spec prints what `sh -c COMMAND` prints.
void TestShellOperation::runsWhatTheShellWouldRun_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("argv") << QStringLiteral("printf '%s|' a 'b c' \"d\\\"e\" f\\ g")
                          << QStringList{QStringLiteral("a|b c|d\"e|f g|")};
    QTest::newRow("pipe") << QStringLiteral("echo hello | tr a-z A-Z") << QStringList{QStringLiteral("HELLO")};
    QTest::newRow("variable from env") << QStringLiteral("echo \"value=$SLUICE_SHELL_VAR\"")
                                       << QStringList{QStringLiteral("value=from env")};
    QTest::newRow("glob in working dir") << QStringLiteral("ls *.sql") << QStringList{QStringLiteral("a.sql"), QStringLiteral("b.sql")};
    QTest::newRow("and-list") << QStringLiteral("true && echo yes; false || echo no")
                              << QStringList{QStringLiteral("yes"), QStringLiteral("no")};
    QTest::newRow("redirect") << QStringLiteral("echo inner > out.txt && cat out.txt") << QStringList{QStringLiteral("inner")};
}

void TestShellOperation::runsWhatTheShellWouldRun()
{
    QFETCH(QString, command);
    QFETCH(QStringList, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const char *name : {"a.sql", "b.sql", "c.txt"}) {
        QFile f(dir.filePath(QString::fromUtf8(name)));
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    ShellCommand cmd;
    cmd.command = command;
    cmd.workingDirectory = dir.path();
    cmd.environment.insert(QStringLiteral("SLUICE_SHELL_VAR"), QStringLiteral("from env"));
    const auto spec = shellProcessSpec(cmd);
    QVERIFY(spec.has_value());
    ProcessJob job(*spec);
    QStringList lines;
    connect(&job, &ProcessJob::lineReceived, this, [&lines](const OutputLine &l) { lines << l.text; });
    QSignalSpy finished(&job, &ProcessJob::finished);
    job.start();
    QVERIFY(finished.wait(10000));
    QCOMPARE(toString(finished.first().first().value<ProcessResult>().outcome), toString(Outcome::Success));
    QCOMPARE(lines, expected);
}

QTEST_GUILESS_MAIN(TestShellOperation)
#include "tst_shelloperation.moc"
