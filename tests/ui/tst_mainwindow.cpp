// The main window as a person meets it: six pages reachable by click and by Ctrl+1..6, an honest
// empty state where there is nothing yet, the pipelines of the store once a snapshot arrives.
#include "itemmodels/pipelinelistmodel.h"
#include "mainwindow.h"
#include "widgets/emptystate.h"

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace sluice;

namespace {

Pipeline samplePipeline()
{
    Pipeline p;
    p.uuid = QStringLiteral("11111111-1111-4111-8111-111111111111");
    p.name = QStringLiteral("Nightly");
    p.orgSlug = QStringLiteral("acme");
    p.cron = QStringLiteral("0 2 * * *");
    p.timezone = QStringLiteral("Europe/Berlin");
    OrgTask sync;
    sync.slug = QStringLiteral("airbyte-sync");
    OrgTask run;
    run.slug = QStringLiteral("dbt-run");
    p.steps = {{0, sync}, {1, run}};
    return p;
}

} // namespace

class tst_MainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipelineModelIsAWellBehavedModel()
    {
        PipelineListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setPipelines({samplePipeline()});
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, PipelineListModel::Tasks).data().toString(), QStringLiteral("airbyte-sync → dbt-run"));
        QCOMPARE(model.index(0, PipelineListModel::Schedule).data().toString(), QStringLiteral("Daily at 02:00 (Europe/Berlin)"));
        Pipeline manual = samplePipeline();
        manual.cron.clear();
        manual.active = false;
        model.setPipelines({samplePipeline(), manual});
        QCOMPARE(model.index(1, PipelineListModel::Schedule).data().toString(), QStringLiteral("Manual"));
        QCOMPARE(model.index(1, PipelineListModel::Active).data().toString(), QStringLiteral("Paused"));
        model.setPipelines({});
        QCOMPARE(model.rowCount(), 0);
    }

    void pagesAndShortcuts()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *nav = w.findChild<QListWidget *>();
        auto *pages = w.findChild<QStackedWidget *>();
        QVERIFY(nav && pages);
        QCOMPARE(nav->count(), 6);
        QStringList names;
        for (int i = 0; i < nav->count(); ++i)
            names << nav->item(i)->text();
        QCOMPARE(names, (QStringList{QStringLiteral("Ingest"), QStringLiteral("Transform"), QStringLiteral("Orchestrate"),
                                     QStringLiteral("Runs"), QStringLiteral("Settings"), QStringLiteral("Admin")}));
        // Opens on Orchestrate, and the page shown is the page selected.
        QCOMPARE(nav->currentRow(), int(MainWindow::Orchestrate));
        QCOMPARE(pages->currentIndex(), int(MainWindow::Orchestrate));
        for (int i = 0; i < 6; ++i) {
            QTest::keyClick(&w, Qt::Key(Qt::Key_1 + i), Qt::ControlModifier);
            QCOMPARE(pages->currentIndex(), i);
            QCOMPARE(nav->currentRow(), i);
        }
    }

    void orchestrateShowsEmptyStateThenPipelines()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto *pages = w.findChild<QStackedWidget *>();
        QWidget *orchestrate = pages->widget(MainWindow::Orchestrate);
        auto *table = orchestrate->findChild<QTableView *>();
        auto *empty = orchestrate->findChild<EmptyState *>();
        QVERIFY(table && empty);
        QVERIFY(empty->isVisible());
        QVERIFY(!table->isVisible());

        StoreSnapshot s;
        s.databaseUrl = QStringLiteral("sqlite:///tmp/x.db");
        s.backend = QStringLiteral("SQLite");
        s.schemaVersion = 3;
        s.pipelines = {samplePipeline()};
        w.showSnapshot(s);
        QVERIFY(table->isVisible());
        QVERIFY(!empty->isVisible());
        QCOMPARE(table->model()->rowCount(), 1);
        QVERIFY(w.statusBar()->findChild<QLabel *>()->text().contains(QLatin1String("sqlite:///tmp/x.db")));

        s.pipelines.clear();
        w.showSnapshot(s);
        QVERIFY(empty->isVisible());
    }

    void everyOtherPageSaysWhatWillBeThere()
    {
        MainWindow w;
        auto *pages = w.findChild<QStackedWidget *>();
        for (int i = 0; i < pages->count(); ++i) {
            if (i == MainWindow::Orchestrate)
                continue;
            auto *empty = qobject_cast<EmptyState *>(pages->widget(i));
            QVERIFY2(empty, qPrintable(QString::number(i)));
            const auto labels = empty->findChildren<QLabel *>();
            QCOMPARE(labels.size(), 2);
            QVERIFY(!labels[0]->text().isEmpty());
            QVERIFY(labels[1]->text().size() > 30);
        }
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
