// splitSqlScript: statements split at top-level semicolons only; `--` comments dropped; quoted strings
// and identifiers (with doubled quotes) kept whole; empty statements dropped.
#include "store/sqlscript.h"

#include <QDir>
#include <QFile>
#include <QTest>

using namespace sluice;

class tst_SqlScript : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void split_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QStringList>("statements");

        // Nothing to run.
        QTest::newRow("empty") << "" << QStringList{};
        QTest::newRow("blanks") << "  \n\t \r\n" << QStringList{};
        QTest::newRow("semicolons only") << ";;; ;\n;" << QStringList{};
        QTest::newRow("comment only") << "-- nothing here; really" << QStringList{};
        QTest::newRow("comments and semicolons") << "-- a\n;\n-- b;\n;" << QStringList{};

        // Plain statements.
        QTest::newRow("one") << "SELECT 1;" << QStringList{"SELECT 1"};
        QTest::newRow("two on a line") << "SELECT 1; SELECT 2;" << QStringList{"SELECT 1", "SELECT 2"};
        QTest::newRow("trailing statement without semicolon") << "SELECT 1;\nSELECT 2" << QStringList{"SELECT 1", "SELECT 2"};
        QTest::newRow("single statement without semicolon") << "  SELECT 1  " << QStringList{"SELECT 1"};
        QTest::newRow("empty statements between") << "  SELECT 1  ;  ;\n;  SELECT 2 ; " << QStringList{"SELECT 1", "SELECT 2"};
        QTest::newRow("CRLF line ends") << "SELECT 1;\r\nSELECT 2;\r\n" << QStringList{"SELECT 1", "SELECT 2"};
        QTest::newRow("multi-line statement kept as written")
            << "CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n);\n"
            << QStringList{"CREATE TABLE t (\n    id INTEGER PRIMARY KEY,\n    name TEXT NOT NULL\n)"};

        // Comments.
        QTest::newRow("comment before") << "-- header; with a semicolon\nSELECT 1;" << QStringList{"SELECT 1"};
        QTest::newRow("comment after") << "SELECT 1; -- trailing; comment" << QStringList{"SELECT 1"};
        QTest::newRow("comment after, no semicolon") << "SELECT 1 -- the end" << QStringList{"SELECT 1"};
        QTest::newRow("comment inside a statement") << "SELECT 1 -- one; two\n, 2;" << QStringList{"SELECT 1 \n, 2"};
        QTest::newRow("comments between columns")
            << "CREATE TABLE t (\n  a INT, -- first; column\n  b INT -- second\n);"
            << QStringList{"CREATE TABLE t (\n  a INT, \n  b INT \n)"};
        QTest::newRow("comment at end of script") << "SELECT 1;--" << QStringList{"SELECT 1"};
        QTest::newRow("quote inside a comment") << "SELECT \"x\" -- it's a comment\n;SELECT 2;" << QStringList{"SELECT \"x\"", "SELECT 2"};
        QTest::newRow("double quote inside a comment") << "-- a \"quoted; name\nSELECT 1;" << QStringList{"SELECT 1"};
        QTest::newRow("single dash is not a comment") << "SELECT 1 - -1; SELECT 5-2;" << QStringList{"SELECT 1 - -1", "SELECT 5-2"};

        // Quoted strings and identifiers.
        QTest::newRow("semicolon in a string") << "INSERT INTO t VALUES ('a;b');" << QStringList{"INSERT INTO t VALUES ('a;b')"};
        QTest::newRow("semicolon in an identifier") << "SELECT \"odd;name\" FROM t; SELECT 2" << QStringList{"SELECT \"odd;name\" FROM t", "SELECT 2"};
        QTest::newRow("doubled quote in a string") << "SELECT 'it''s; here'; SELECT 2;" << QStringList{"SELECT 'it''s; here'", "SELECT 2"};
        QTest::newRow("doubled quote in an identifier") << "SELECT \"a\"\"b;c\" FROM t;" << QStringList{"SELECT \"a\"\"b;c\" FROM t"};
        QTest::newRow("doubled quote just before the semicolon") << "SELECT 'a'';'; SELECT 1" << QStringList{"SELECT 'a'';'", "SELECT 1"};
        QTest::newRow("empty string") << "SELECT '';SELECT 1;" << QStringList{"SELECT ''", "SELECT 1"};
        QTest::newRow("string of one quote") << "SELECT '''';SELECT 1;" << QStringList{"SELECT ''''", "SELECT 1"};
        QTest::newRow("dashes in a string") << "SELECT '--not a comment;' ;" << QStringList{"SELECT '--not a comment;'"};
        QTest::newRow("dashes in an identifier") << "SELECT \"a--b\" FROM t;" << QStringList{"SELECT \"a--b\" FROM t"};
        QTest::newRow("other quote inside a string") << "SELECT 'say \"hi;\"'; SELECT \"it's;\";"
                                                     << QStringList{"SELECT 'say \"hi;\"'", "SELECT \"it's;\""};
        QTest::newRow("blanks inside a string kept") << "INSERT INTO t VALUES ('  a  ;  b  ')  ;"
                                                     << QStringList{"INSERT INTO t VALUES ('  a  ;  b  ')"};
        QTest::newRow("newline inside a string") << "INSERT INTO t VALUES ('line 1;\n-- line 2');"
                                                 << QStringList{"INSERT INTO t VALUES ('line 1;\n-- line 2')"};
        QTest::newRow("unterminated string swallows the rest") << "SELECT 'abc; SELECT 2;" << QStringList{"SELECT 'abc; SELECT 2;"};

        // PostgreSQL function bodies.
        QTest::newRow("dollar-quoted body") << "CREATE FUNCTION f() AS $$ BEGIN x; y; END $$; SELECT 2"
                                            << QStringList{"CREATE FUNCTION f() AS $$ BEGIN x; y; END $$", "SELECT 2"};
        QTest::newRow("tagged dollar quote holds $$") << "DO $fn$ a; '$$'; b $fn$; SELECT 3;"
                                                      << QStringList{"DO $fn$ a; '$$'; b $fn$", "SELECT 3"};
        QTest::newRow("dollar parameter is not a quote") << "SELECT $1; SELECT 2" << QStringList{"SELECT $1", "SELECT 2"};
        QTest::newRow("tag with digits") << "DO $fn1$ a; b $fn1$; SELECT 4" << QStringList{"DO $fn1$ a; b $fn1$", "SELECT 4"};
        QTest::newRow("dollar inside a name") << "SELECT a$b$c; SELECT 5" << QStringList{"SELECT a$b$c", "SELECT 5"};
    }

    void split()
    {
        QFETCH(QString, script);
        QFETCH(QStringList, statements);

        QCOMPARE(splitSqlScript(script), statements);
    }

    // The shipped migrations split into real statements: none empty, none a leftover comment.
    void shippedMigrations()
    {
        const QDir dir(QStringLiteral(":/sql/migrations"));
        const QStringList files = dir.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
        QVERIFY2(!files.isEmpty(), "no migrations in the resources");
        for (const QString &name : files) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QStringList statements = splitSqlScript(QString::fromUtf8(f.readAll()));
            QVERIFY2(!statements.isEmpty(), qPrintable(name));
            for (const QString &s : statements) {
                QVERIFY2(!s.isEmpty() && s == s.trimmed(), qPrintable(name));
                QVERIFY2(!s.startsWith(QLatin1String("--")), qPrintable(name + QStringLiteral(": ") + s));
                QVERIFY2(s.at(0).isLetter(), qPrintable(name + QStringLiteral(": ") + s));
            }
        }
    }
};

QTEST_GUILESS_MAIN(tst_SqlScript)
#include "tst_sqlscript.moc"
