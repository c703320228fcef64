// The desktop window with its runs, as a person uses it: the real MainWindow wired by DesktopRuns to a
// RunService on its own thread and a real store of each backend. Select a pipeline, press Ctrl+R, and
// the Runs page shows the run with its log as the task writes it, then its outcome; cancel works from
// the page. The task waits for a flag file the test creates: nothing here waits on the clock.
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopruns.h"
#include "itemmodels/runlistmodel.h"
#include "mainwindow.h"
#include "pages/orchestratepage.h"
#include "pages/runspage.h"
#include "store/catalogstore.h"
#include "store/orgstore.h"
#include "store/snapshot.h"
#include "widgets/logview.h"

#include <QFile>
#include <QLabel>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTest>

#include <memory>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
}

class tst_DesktopRuns : public QObject
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

    static RunServiceOptions options()
    {
        RunServiceOptions o;
        o.actor = kActor;
        o.pollInterval = std::chrono::milliseconds(100);
        o.listInterval = std::chrono::milliseconds(200);
        o.liveFlush = std::chrono::milliseconds(20);
        o.runner.secrets = std::nullopt;
        o.runner.killGrace = std::chrono::milliseconds(1000);
        o.runner.log.flushInterval = std::chrono::milliseconds(50);
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
        MainWindow window;
        auto snapshot = loadSnapshot(m_url, false);
        QVERIFY2(snapshot, qPrintable(snapshot ? QString() : snapshot.error().message));
        window.showSnapshot(*snapshot);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto runs = std::make_unique<DesktopRuns>(window, m_url, options());
        runs->start();
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

    void cancelFromTheRunsPage()
    {
        const Pipeline p = pipeline(QStringLiteral("Stuck"), waitingCommand(QStringLiteral("never")));
        QVERIFY(!p.uuid.isEmpty());
        MainWindow window;
        auto snapshot = loadSnapshot(m_url, false);
        QVERIFY(snapshot);
        window.showSnapshot(*snapshot);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto runs = std::make_unique<DesktopRuns>(window, m_url, options());
        runs->start();
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

QTEST_MAIN(tst_DesktopRuns)
#include "tst_desktopruns.moc"
