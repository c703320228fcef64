// The desktop window with its services, as a person uses it: the real MainWindow wired by DesktopServices
// to a CatalogService and a RunService on threads of their own, and a real store of each backend. The
// store opens and names its schema; a pipeline made elsewhere appears on F5 or when the window comes back
// to the front; select a pipeline, press Ctrl+R, and the Runs page shows the run with its log as the task
// writes it, then its outcome; cancel works from the page; quitting hides the window at once and ends
// once the runs are recorded. Tasks wait for flag files the test creates: nothing here waits on the clock.
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "itemmodels/runlistmodel.h"
#include "mainwindow.h"
#include "pages/orchestrate/orchestratepage.h"
#include "pages/runs/runspage.h"
#include "store/catalogstore.h"
#include "store/orgstore.h"
#include "store/desktopstore.h"
#include "store/runstore.h"
#include "widgets/emptystate.h"
#include "widgets/logview.h"

#include <QFile>
#include <QMessageBox>
#include <QSignalSpy>
#include <QStatusBar>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
}

class tst_DesktopServices : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    DbUrl m_url;
    std::unique_ptr<Database> m_db;
    Org m_org;

    QString flag(const QString &name) const { return m_fixture.tempDir().filePath(name); }

    Pipeline pipeline(const QString &name, const QString &command)
    {
        return test::seedPipeline(*m_db, m_org.id, name, {test::seedShellTask(*m_db, m_org.id, command, kActor)}, kActor);
    }

    QString waitingCommand(const QString &name) const
    {
        return QStringLiteral("sh -c 'echo started; while [ ! -e \"%1\" ]; do sleep 0.02; done; echo done'").arg(flag(name));
    }

    static DesktopServicesOptions options()
    {
        DesktopServicesOptions d;
        d.catalog.actor = kActor;
        RunServiceOptions &o = d.runs;
        o.actor = kActor;
        o.pollInterval = std::chrono::milliseconds(100);
        o.listInterval = std::chrono::milliseconds(200);
        o.liveFlush = std::chrono::milliseconds(20);
        o.runner.secrets = std::nullopt;
        o.runner.killGrace = std::chrono::milliseconds(1000);
        o.runner.log.flushInterval = std::chrono::milliseconds(50);
        return d;
    }

    // The window, shown, with its services started on the test's store; the pipelines are listed.
    struct Open
    {
        std::unique_ptr<MainWindow> window = std::make_unique<MainWindow>();
        std::unique_ptr<DesktopServices> services;
    };
    Open open(int pipelines)
    {
        Open o;
        o.window->show();
        o.services = std::make_unique<DesktopServices>(*o.window, m_url, options());
        o.services->start();
        auto *table = o.window->orchestratePage()->findChild<QTableView *>();
        if (!QTest::qWaitFor([&] { return table->model()->rowCount() == pipelines; }, 15'000))
            qWarning() << "the pipelines were not listed";
        return o;
    }

    static QString statusText(RunsPage *page)
    {
        const auto labels = page->findChildren<QLabel *>();
        QString all;
        for (QLabel *l : labels)
            all += l->text() + QLatin1Char('\n');
        return all;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_url = m_db->url();
    }

    void cleanup() { m_db.reset(); }

    void runNowShowsTheRunLiveThenItsOutcome()
    {
        const Pipeline p = pipeline(QStringLiteral("Nightly"), waitingCommand(QStringLiteral("go")));
        QVERIFY(!p.uuid.isEmpty());
        Open o = open(1);
        MainWindow &window = *o.window;
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        RunsPage *page = window.runsPage();
        // The empty Runs page says how to start one.
        QVERIFY(statusText(page).contains(QStringLiteral("No runs yet")));
        QCOMPARE(window.orchestratePage()->selectedPipelineUuid(), p.uuid);   // the first pipeline is selected

        auto *table = window.orchestratePage()->findChild<QTableView *>();
        QVERIFY(table);
        table->setFocus();
        QTest::keyClick(table, Qt::Key_R, Qt::ControlModifier);
        auto *pages = window.findChild<QStackedWidget *>();
        QTRY_COMPARE_WITH_TIMEOUT(pages->currentIndex(), int(MainWindow::Runs), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(page->selectedRunId() > 0, 15'000);
        const qint64 runId = page->selectedRunId();
        // Live: the task's first line is shown while it still runs; the run can be cancelled.
        QTRY_VERIFY_WITH_TIMEOUT(page->logView()->toPlainText().contains(QStringLiteral("started")), 15'000);
        QVERIFY(page->logView()->toPlainText().contains(QStringLiteral("Task 0: shell")));
        auto *cancel = page->findChild<QPushButton *>();
        QVERIFY(cancel && cancel->text() == QStringLiteral("Cancel run"));
        QTRY_VERIFY_WITH_TIMEOUT(cancel->isEnabled(), 5000);
        QTRY_VERIFY_WITH_TIMEOUT(statusText(page).contains(QStringLiteral("Running")), 5000);
        {
            QFile go(flag(QStringLiteral("go")));
            QVERIFY(go.open(QIODevice::WriteOnly));
        }
        QTRY_VERIFY_WITH_TIMEOUT(page->logView()->toPlainText().contains(QStringLiteral("done")), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(statusText(page).contains(QStringLiteral("Successful")), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(!cancel->isEnabled(), 5000);
        QCOMPARE(page->logView()->lineCount(), 2);
        const int row = page->runModel()->rowOf(runId);
        QVERIFY(row >= 0);
        QTRY_COMPARE_WITH_TIMEOUT(page->runModel()->index(page->runModel()->rowOf(runId), RunListModel::Status).data().toString(),
                                  QStringLiteral("Successful"), 5000);
        QCOMPARE(toSql(RunStore(*m_db).run(runId).value_or(RunRecord{}).run.status), QStringLiteral("successful"));
    }

    void theStoreOpensAndNamesItsSchema()
    {
        Open o = open(0);
        const QString status = o.window->statusBar()->findChild<QLabel *>()->text();
        const qint64 version = m_db->scalar(QStringLiteral("SELECT MAX(version) FROM schema_version"))->toLongLong();
        // The orgs are listed just after the store opens (another answer): wait for both.
        QTRY_VERIFY_WITH_TIMEOUT(o.window->statusBar()->findChild<QLabel *>()->text().contains(QStringLiteral("schema v%1").arg(version))
                                     && o.window->statusBar()->findChild<QLabel *>()->text().contains(QStringLiteral("1 org")),
                                 15'000);
        verifyMentions(o.window->statusBar()->findChild<QLabel *>()->text(), {m_url.toString(), QStringLiteral("1 org")});
        Q_UNUSED(status);
    }

    void aStoreThatCannotBeOpenedSaysWhyWithoutADialog()
    {
        MainWindow window;
        window.show();
        DesktopServices services(window, *DbUrl::parse(QStringLiteral("sqlite://") + m_fixture.tempDir().filePath(QStringLiteral("missing/none.db"))), options());
        services.start();
        EmptyState *error = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (EmptyState *e : window.findChildren<EmptyState *>())
                    if (e->isVisible() && e->findChildren<QLabel *>().value(0) && e->findChildren<QLabel *>().value(0)->text().contains(QStringLiteral("Cannot open")))
                        error = e;
                return error != nullptr;
            }(),
            15'000);
        QString text;
        for (QLabel *l : error->findChildren<QLabel *>())
            text += l->text();
        verifyMentions(text, {QStringLiteral("does not exist"), QStringLiteral("--db")});
        QVERIFY(window.findChild<QMessageBox *>() == nullptr);   // no modal box, no nested event loop
    }

    void aPipelineMadeElsewhereAppearsOnRefresh()
    {
        pipeline(QStringLiteral("First"), QStringLiteral("true"));
        Open o = open(1);
        auto *table = o.window->orchestratePage()->findChild<QTableView *>();
        table->selectRow(0);
        const QString selected = o.window->orchestratePage()->selectedPipelineUuid();
        // Another process (sluicectl, a colleague) adds one: F5 on Orchestrate shows it, selection kept.
        pipeline(QStringLiteral("Second"), QStringLiteral("true"));
        table->setFocus();
        QTest::keyClick(table, Qt::Key_F5);
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 2, 15'000);
        QCOMPARE(o.window->orchestratePage()->selectedPipelineUuid(), selected);
        // ...and the window coming back to the front reads the list again too.
        pipeline(QStringLiteral("Third"), QStringLiteral("true"));
        Q_EMIT o.window->refreshRequested();   // what activating the window emits (tested in tst_mainwindow)
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, 15'000);
    }

    void quittingHidesAtOnceAndEndsOnceTheRunsAreRecorded()
    {
        const Pipeline p = pipeline(QStringLiteral("Long"), waitingCommand(QStringLiteral("never")));
        Open o = open(1);
        QSignalSpy finished(o.services.get(), &DesktopServices::finished);
        Q_EMIT o.window->orchestratePage()->runRequested(p.uuid, false);
        RunsPage *page = o.window->runsPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->logView()->toPlainText().contains(QStringLiteral("started")), 15'000);
        const qint64 runId = page->selectedRunId();
        QVERIFY(!o.window->close());   // asks first
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = o.window->findChild<QMessageBox *>()) != nullptr && box->isVisible());
        box->button(QMessageBox::Yes)->click();
        QTRY_VERIFY(!o.window->isVisible());   // the window goes at once
        QVERIFY(finished.isEmpty() || toSql(RunStore(*m_db).run(runId)->run.status) == QLatin1String("cancelled"));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);   // the process may end: the run is recorded
        QCOMPARE(toSql(RunStore(*m_db).run(runId)->run.status), QStringLiteral("cancelled"));
        o.services.reset();   // no waiting: both threads have ended
    }

    void cancelFromTheRunsPage()
    {
        const Pipeline p = pipeline(QStringLiteral("Stuck"), waitingCommand(QStringLiteral("never")));
        QVERIFY(!p.uuid.isEmpty());
        Open o = open(1);
        MainWindow &window = *o.window;
        Q_EMIT window.orchestratePage()->runRequested(p.uuid, false);
        RunsPage *page = window.runsPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->logView()->toPlainText().contains(QStringLiteral("started")), 15'000);
        const qint64 runId = page->selectedRunId();
        auto *runTable = page->findChild<QTableView *>();
        QVERIFY(runTable);
        runTable->setFocus();
        QTest::keyClick(runTable, Qt::Key_Period, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(statusText(page).contains(QStringLiteral("Cancelled")), 15'000);
        QVERIFY(statusText(page).contains(QStringLiteral("Cancelling run %1").arg(runId)));
        QCOMPARE(toSql(RunStore(*m_db).run(runId).value_or(RunRecord{}).run.status), QStringLiteral("cancelled"));
        QVERIFY(!page->logView()->toPlainText().contains(QStringLiteral("done")));
    }
};

QTEST_MAIN(tst_DesktopServices)
#include "tst_desktopservices.moc"
