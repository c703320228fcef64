// The main window as a person meets it: six pages reachable by click and by Ctrl+1..6, an honest
// empty state where there is nothing yet, the pipelines of the store once a snapshot arrives.
#include "itemmodels/pipelinelistmodel.h"
#include "mainwindow.h"
#include "pages/orchestrate/orchestratepage.h"
#include "itemmodels/taskrunlistmodel.h"
#include "pages/runs/runspage.h"
#include "widgets/emptystate.h"
#include "widgets/logview.h"

#include <QAbstractItemModelTester>
#include <QAccessible>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSignalSpy>
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
        // A screen reader picks a page the way AT-SPI does: it toggles the list item's selection through
        // the item's accessible action, which selects without making the item current.
        QAccessibleInterface *list = QAccessible::queryAccessibleInterface(nav);
        QVERIFY(list);
        QCOMPARE(list->text(QAccessible::Name), QStringLiteral("Pages"));
        for (const int page : {int(MainWindow::Runs), int(MainWindow::Ingest), int(MainWindow::Transform)}) {
            QAccessibleInterface *item = list->child(page);
            QVERIFY(item && item->actionInterface());
            QVERIFY(item->actionInterface()->actionNames().contains(QAccessibleActionInterface::toggleAction()));
            item->actionInterface()->doAction(QAccessibleActionInterface::toggleAction());
            QCOMPARE(pages->currentIndex(), page);
            QCOMPARE(nav->currentRow(), page);
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

        w.showStore(StoreStatus{QStringLiteral("sqlite:///tmp/x.db"), QStringLiteral("SQLite"), 3});
        w.showOrgs({Org{}, Org{}});
        w.showPipelines({samplePipeline()});
        QVERIFY(table->isVisible());
        QVERIFY(!empty->isVisible());
        QCOMPARE(table->model()->rowCount(), 1);
        const QString status = w.statusBar()->findChild<QLabel *>()->text();
        QVERIFY2(status.contains(QLatin1String("sqlite:///tmp/x.db")) && status.contains(QLatin1String("schema v3"))
                     && status.contains(QLatin1String("2 orgs")),
                 qPrintable(status));

        w.showPipelines({});
        QVERIFY(empty->isVisible());
    }

    void refreshOnF5AndWhenTheWindowComesBack()
    {
        MainWindow w;
        QSignalSpy refresh(&w, &MainWindow::refreshRequested);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        QTRY_VERIFY(refresh.size() >= 1);   // back to the front: read again
        const qsizetype before = refresh.size();
        w.showPipelines({samplePipeline()});
        auto *table = w.orchestratePage()->findChild<QTableView *>();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_F5);
        QCOMPARE(refresh.size(), before + 1);
    }

    void aStoreThatFailedShowsWhyInTheWindow()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.showStoreFailed(QStringLiteral("there is no database at /x.db; create it with `sluicectl db init`"));
        QVERIFY(w.findChild<QMessageBox *>() == nullptr);
        QString shown;
        for (EmptyState *e : w.findChildren<EmptyState *>())
            if (e->isVisible())
                for (QLabel *l : e->findChildren<QLabel *>())
                    shown += l->text();
        QVERIFY2(shown.contains(QStringLiteral("sluicectl db init")) && shown.contains(QStringLiteral("Cannot open the database")), qPrintable(shown));
        QCOMPARE(w.statusBar()->findChild<QLabel *>()->text(), QStringLiteral("Database unavailable"));
    }

    void everyOtherPageSaysWhatWillBeThere()
    {
        MainWindow w;
        auto *pages = w.findChild<QStackedWidget *>();
        for (int i = 0; i < pages->count(); ++i) {
            if (i == MainWindow::Orchestrate)
                continue;
            // The Runs, Transform and Ingest pages are pages of their own, showing an empty state while they have nothing.
            auto *empty = i == MainWindow::Runs || i == MainWindow::Transform || i == MainWindow::Ingest ? pages->widget(i)->findChild<EmptyState *>()
                                                                              : qobject_cast<EmptyState *>(pages->widget(i));
            QVERIFY2(empty, qPrintable(QString::number(i)));
            const auto labels = empty->findChildren<QLabel *>();
            QCOMPARE(labels.size(), 2);
            QVERIFY(!labels[0]->text().isEmpty());
            QVERIFY(labels[1]->text().size() > 30);
        }
    }

    static QString statusText(QWidget *page)
    {
        QString all;
        for (QLabel *l : page->findChildren<QLabel *>())
            all += l->text() + QLatin1Char('\n');
        return all;
    }

    void runsPageShowsRunsAndTheSelectedRun()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.showPage(MainWindow::Runs);
        RunsPage *page = w.runsPage();
        QSignalSpy selected(page, &RunsPage::runSelected);
        QSignalSpy cancels(page, &RunsPage::cancelRequested);
        auto *empty = page->findChild<EmptyState *>();
        QVERIFY(empty && empty->isVisible());
        RunSummary older;
        older.id = 7;
        older.pipelineName = QStringLiteral("Nightly");
        older.status = RunStatus::Failed;
        RunSummary newer = older;
        newer.id = 8;
        newer.status = RunStatus::Running;
        newer.startedAt = 1000;
        page->showRuns({newer, older}, 5000);
        QVERIFY(!empty->isVisible());
        // The newest run is selected by itself and asked for.
        QCOMPARE(page->selectedRunId(), 8);
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected.first().first().toLongLong(), 8);
        RunRecord record;
        record.run = newer;
        record.requestedBy = QStringLiteral("alice@laptop");
        TaskRunRecord t;
        t.id = 80;
        t.slug = QStringLiteral("dbt-run");
        t.status = TaskRunStatus::Running;
        record.tasks = {t};
        page->showRun(record, 5000);
        QCOMPARE(page->taskModel()->rowCount(), 1);
        TaskLogBatch batch{8, 80, 0, 1, QStringLiteral("dbt-run"), {LogLine{0, 0, false, QStringLiteral("Running with dbt=1.8.9")},
                                                                  LogLine{1, 0, true, QStringLiteral("a warning")}}};
        // Before the service says it watches the run, batches are an earlier watch's: not shown.
        page->appendLog(batch);
        QCOMPARE(page->logView()->lineCount(), 0);
        page->handleWatchStarted(7);   // not the selected run
        page->appendLog(batch);
        QCOMPARE(page->logView()->lineCount(), 0);
        page->handleWatchStarted(8);
        page->appendLog(batch);
        page->appendLog(TaskLogBatch{7, 70, 0, 1, QStringLiteral("dbt-run"), {LogLine{0, 0, false, QStringLiteral("other run")}}});
        QCOMPARE(page->logView()->lineCount(), 2);
        const QString text = page->logView()->toPlainText();
        QVERIFY(text.contains(QStringLiteral("Task 0: dbt-run")));
        QVERIFY(text.contains(QStringLiteral("Running with dbt=1.8.9")));
        QVERIFY(!text.contains(QStringLiteral("other run")));
        // Ctrl+F finds in the log; Ctrl+. asks to cancel the running run.
        auto *table = page->findChild<QTableView *>();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_F, Qt::ControlModifier);
        auto *find = page->findChild<QLineEdit *>();
        QVERIFY(find->hasFocus());
        QTest::keyClicks(find, QStringLiteral("warning"));
        QTest::keyClick(find, Qt::Key_Return);
        QCOMPARE(page->logView()->textCursor().selectedText(), QStringLiteral("warning"));
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Period, Qt::ControlModifier);
        QCOMPARE(cancels.size(), 1);
        QCOMPARE(cancels.first().first().toLongLong(), 8);
        // A refresh with the same runs keeps the selection and the log; another run selected clears it.
        page->showRuns({newer, older}, 6000);
        QCOMPARE(page->selectedRunId(), 8);
        QCOMPARE(page->logView()->lineCount(), 2);
        table->selectRow(1);
        QCOMPARE(page->selectedRunId(), 7);
        QCOMPARE(page->logView()->lineCount(), 0);
        QVERIFY(statusText(page).contains(QStringLiteral("Failed")));   // the new run's status at once
        // A finished run cannot be cancelled.
        RunRecord failed;
        failed.run = older;
        page->showRun(failed, 6000);
        QTest::keyClick(table, Qt::Key_Period, Qt::ControlModifier);
        QCOMPARE(cancels.size(), 1);
        // A new run on top (a reset): the selection stays on the run shown.
        RunSummary newest = older;
        newest.id = 9;
        newest.status = RunStatus::Queued;
        page->showRuns({newest, newer, older}, 7000);
        QCOMPARE(page->selectedRunId(), 7);
        QCOMPARE(selected.size(), 2);
        // The run shown leaves the list: the newest is shown instead.
        page->showRuns({newest, newer}, 7000);
        QCOMPARE(page->selectedRunId(), 9);
    }

    void closingWithRunsInProgressAsksFirst()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy quit(&w, &MainWindow::quitRequested);
        w.setLocalRunCount(1);
        // Closing asks (without a nested event loop); keeping the runs leaves the window open.
        QVERIFY(!w.close());
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr && box->isVisible());
        QVERIFY(box->text().contains(QStringLiteral("1 run")));
        box->button(QMessageBox::Cancel)->click();
        QTRY_VERIFY(w.findChild<QMessageBox *>() == nullptr);
        QCOMPARE(quit.size(), 0);
        QVERIFY(w.isVisible());
        // Agreeing hides the window at once and asks whoever executes the runs to cancel them (the process
        // ends once they are recorded).
        QVERIFY(!w.close());
        QTRY_VERIFY((box = w.findChild<QMessageBox *>()) != nullptr && box->isVisible());
        QCOMPARE(box->button(QMessageBox::Yes)->text(), QStringLiteral("Cancel runs and quit"));
        box->button(QMessageBox::Yes)->click();
        QTRY_COMPARE(quit.size(), 1);
        QVERIFY(!w.isVisible());
        // Without runs in progress a close never asks, and says it is quitting once.
        MainWindow idle;
        QSignalSpy idleQuit(&idle, &MainWindow::quitRequested);
        idle.show();
        QVERIFY(QTest::qWaitForWindowExposed(&idle));
        QVERIFY(idle.close());
        QVERIFY(idle.findChild<QMessageBox *>() == nullptr);
        QCOMPARE(idleQuit.size(), 1);
    }

    void orchestrateAsksForRuns()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.showPipelines({samplePipeline()});
        QSignalSpy asked(w.orchestratePage(), &OrchestratePage::runRequested);
        auto *table = w.orchestratePage()->findChild<QTableView *>();
        table->setFocus();
        QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier);
        QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked.at(0).at(0).toString(), samplePipeline().uuid);
        QCOMPARE(asked.at(0).at(1).toBool(), false);
        QCOMPARE(asked.at(1).at(1).toBool(), true);
        // As a person gets there: a click on "Orchestrate" leaves the focus in the page list.
        auto *nav = w.findChild<QListWidget *>();
        nav->setFocus();
        QTest::keyClick(nav, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(asked.size(), 3);
        // Another page shown: its keys are its own.
        w.showPage(MainWindow::Runs);
        QTest::keyClick(nav, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(asked.size(), 3);
        w.showPage(MainWindow::Orchestrate);
        table->clearSelection();
        QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier);
        QCOMPARE(asked.size(), 3);   // nothing selected, nothing asked
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
