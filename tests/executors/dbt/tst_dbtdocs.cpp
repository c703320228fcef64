// dbt's docs site: --static chosen by the workspace's dbt version and accepted by the catalog's rules
// (and by nothing else), the docs task's argv, and which file Open takes from target/ by the files'
// times (a static_index.html older than the last generate is not opened).
#include "dbt/dbtdocs.h"
#include "rules/taskrules.h"
#include "runner/orgsetup.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

void touch(const QString &path, const QDateTime &when)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("x");
    QVERIFY(f.flush()); // written before the time is set, or closing would set it again
    QVERIFY(f.setFileTime(when, QFileDevice::FileModificationTime));
}

} // namespace

class tst_DbtDocs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void staticByVersion_data()
    {
        QTest::addColumn<QString>("version");
        QTest::addColumn<bool>("supported");
        QTest::newRow("1.6.0") << "1.6.0" << false;
        QTest::newRow("1.6.9") << "1.6.9" << false;
        QTest::newRow("1.7.0") << "1.7.0" << true;
        QTest::newRow("1.7.0rc1") << "1.7.0rc1" << true;
        QTest::newRow("1.8.9") << "1.8.9" << true;
        QTest::newRow("1.10.2") << "1.10.2" << true;   // numerically, not as text
        QTest::newRow("v1.7.2") << "v1.7.2" << true;
        QTest::newRow("dbt-core 1.9.1") << "dbt-core 1.9.1" << true;
        QTest::newRow("0.21.1") << "0.21.1" << false;
        QTest::newRow("2.0.0-beta (Fusion)") << "2.0.0-beta.30" << false;
        QTest::newRow("unknown: empty") << "" << false;
        QTest::newRow("unknown: text") << "latest" << false;
    }
    void staticByVersion()
    {
        QFETCH(QString, version);
        QFETCH(bool, supported);
        QCOMPARE(dbtSupportsStaticDocs(version), supported);
        QCOMPARE(docsGenerateFlags(version), supported ? QStringList{QStringLiteral("static")} : QStringList{});
    }

    // The catalog takes the flag for the docs task (so the store saves it), and only there.
    void catalogAcceptsStatic()
    {
        const TaskCatalog &catalog = TaskCatalog::builtin();
        OrgTaskDraft docs;
        docs.slug = QStringLiteral("dbt-docs-generate");
        docs.flags = docsGenerateFlags(QStringLiteral("1.8.9"));
        QVERIFY(checkOrgTask(catalog, docs).isEmpty());
        auto params = validateOrgTask(catalog, docs);
        QVERIFY(params);
        QCOMPARE(params->flags, QStringList{QStringLiteral("static")});
        QCOMPARE(dbtTaskArguments(*catalog.find(docs.slug), *params),
                 (QStringList{QStringLiteral("docs"), QStringLiteral("generate"), QStringLiteral("--static")}));
        docs.flags = docsGenerateFlags(QStringLiteral("1.6.0"));
        QVERIFY(validateOrgTask(catalog, docs));

        OrgTaskDraft run;
        run.slug = QStringLiteral("dbt-run");
        run.flags = {QStringLiteral("static")};
        const QList<TaskProblem> problems = checkOrgTask(catalog, run);
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().field, QStringLiteral("flag:static"));
    }

    void locate_data()
    {
        // Seconds after a fixed time for each file; -1: the file is absent.
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("catalog");
        QTest::addColumn<int>("staticIndex");
        QTest::addColumn<int>("kind");
        QTest::newRow("never generated") << -1 << -1 << -1 << int(DocsSite::Kind::None);
        QTest::newRow("static alone (it is self-contained)") << -1 << -1 << 5 << int(DocsSite::Kind::StaticFile);
        QTest::newRow("generated without --static") << 10 << 12 << -1 << int(DocsSite::Kind::Served);
        QTest::newRow("generated with --static") << 10 << 12 << 13 << int(DocsSite::Kind::StaticFile);
        QTest::newRow("same second") << 10 << 12 << 12 << int(DocsSite::Kind::StaticFile);
        QTest::newRow("static left from an earlier generate") << 20 << 22 << 13 << int(DocsSite::Kind::Served);
        QTest::newRow("static older than the catalog only") << 10 << 22 << 13 << int(DocsSite::Kind::Served);
    }
    void locate()
    {
        QFETCH(int, index);
        QFETCH(int, catalog);
        QFETCH(int, staticIndex);
        QFETCH(int, kind);
        QTemporaryDir dir;
        const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'700'000'000);
        const QList<std::pair<QString, int>> files{{QStringLiteral("index.html"), index},
                                                   {QStringLiteral("catalog.json"), catalog},
                                                   {QStringLiteral("static_index.html"), staticIndex}};
        for (const auto &[name, at] : files)
            if (at >= 0)
                touch(dir.filePath(name), t0.addSecs(at));
        const DocsSite site = locateDocs(dir.path());
        QCOMPARE(int(site.kind), kind);
        if (site.kind == DocsSite::Kind::StaticFile)
            QCOMPARE(site.path, dir.filePath(QStringLiteral("static_index.html")));
        if (site.kind == DocsSite::Kind::Served)
            QCOMPARE(site.path, QDir(dir.path()).absolutePath());
    }
};

QTEST_GUILESS_MAIN(tst_DbtDocs)
#include "tst_dbtdocs.moc"
