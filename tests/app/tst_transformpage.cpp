// The Transform page as a person uses it, through the real MainWindow wired by DesktopServices to its
// services and a real store of each backend: the org's dbt project and what is missing, its tasks with
// the exact command lines, a lock taken by another connection (as another machine's agent would) shown
// within a second and released again, Execute running a task alone with its log below, the models of
// the workspace's manifest, and the dbt selection box counting as dbt would (errors at the field).
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "itemmodels/modellistmodel.h"
#include "itemmodels/tasklistmodel.h"
#include "mainwindow.h"
#include "pages/transform/transformpage.h"
#include "store/lockstore.h"
#include "store/orgtaskstore.h"
#include "store/runstore.h"
#include "store/workspacestore.h"
#include "widgets/logview.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QUrl>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
const QString kManifest = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/artifacts/ok/json/ls/manifest.json");
}

class tst_TransformPage : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;

    static DesktopServicesOptions options()
    {
        DesktopServicesOptions d;
        d.catalog.actor = kActor;
        d.runs.actor = kActor;
        d.runs.pollInterval = std::chrono::milliseconds(100);
        d.runs.listInterval = std::chrono::milliseconds(200);
        d.runs.liveFlush = std::chrono::milliseconds(20);
        d.runs.runner.secrets = std::nullopt;
        d.runs.runner.log.flushInterval = std::chrono::milliseconds(50);
        return d;
    }

    // A workspace whose checkout (a new folder for each test) holds the recorded jaffle_shop manifest in
    // target/; m_checkout names it.
    QString m_checkout;
    int m_checkouts = 0;
    void setUpWorkspace()
    {
        const QString checkout = m_checkout = m_fixture.tempDir().filePath(QStringLiteral("checkout-%1").arg(++m_checkouts));
        QVERIFY(QDir().mkpath(checkout + QStringLiteral("/.git")));
        QVERIFY(QDir().mkpath(checkout + QStringLiteral("/jaffle/target")));
        QVERIFY(QFile::copy(kManifest, checkout + QStringLiteral("/jaffle/target/manifest.json")));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://git.example/acme/jaffle.git");
        ws.branch = QStringLiteral("main");
        ws.projectDir = QStringLiteral("jaffle");
        ws.checkoutPath = checkout;
        QVERIFY(WorkspaceStore(*m_db, kActor).set(m_org.id, ws));
    }

    static QString cell(QAbstractItemModel *m, int row, int column) { return m->index(row, column).data().toString(); }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
    }

    void cleanup() { m_db.reset(); }

    void noProjectSaysWhatIsMissing()
    {
        MainWindow window;
        window.show();
        DesktopServices services(window, m_db->url(), options());
        services.start();
        TransformPage *page = window.transformPage();
        const auto saysSo = [page](const QString &name, const QString &text) {
            const auto labels = page->findChildren<QLabel *>();
            return std::any_of(labels.cbegin(), labels.cend(), [&](QLabel *l) {
                return l->accessibleName() == name && !l->isHidden() && l->text().contains(text);
            });
        };
        QTRY_VERIFY_WITH_TIMEOUT(saysSo(QStringLiteral("What is missing"), QStringLiteral("sluicectl workspace set --org acme")), 15'000);
        QVERIFY(page->gitUrlField()->text().isEmpty());
        QVERIFY(page->gitUrlField()->placeholderText().startsWith(QLatin1String("https://")));
    }

    // A manifest that cannot be read is named with the fix, and no models are listed from it.
    void anUnreadableManifestSaysWhy()
    {
        setUpWorkspace();
        const QString manifest = m_checkout + QStringLiteral("/jaffle/target/manifest.json");
        QFile f(manifest);
        QVERIFY(f.setPermissions(f.permissions() | QFileDevice::WriteOwner));
        QVERIFY(f.open(QIODevice::ReadWrite));
        const QByteArray whole = f.readAll();
        QVERIFY(f.resize(0));
        f.write(whole.left(whole.size() / 3));
        f.close();
        MainWindow window;
        window.show();
        DesktopServices services(window, m_db->url(), options());
        services.start();
        TransformPage *page = window.transformPage();
        const auto missing = [page] {
            const auto labels = page->findChildren<QLabel *>();
            for (QLabel *l : labels)
                if (l->accessibleName() == QLatin1String("What is missing") && !l->isHidden())
                    return l->text();
            return QString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(missing().contains(manifest) && missing().contains(QLatin1String("dbt compile")), qPrintable(missing()), 15'000);
        QCOMPARE(page->modelModel()->rowCount(), 0);
    }

    // In the window alone: type the repository's URL and branch, Save, Clone — the checkout and its
    // commit show; a URL carrying a password is refused and what was typed stays.
    void setUpAndCloneFromTheWindow()
    {
        const QString bare = m_fixture.tempDir().filePath(QStringLiteral("origin.git"));
        const QString work = m_fixture.tempDir().filePath(QStringLiteral("author"));
        const auto git = [](const QString &dir, const QStringList &args) {
            QProcess p;
            p.setWorkingDirectory(dir);
            p.start(QStringLiteral("git"), QStringList{QStringLiteral("-c"), QStringLiteral("user.name=Ada"), QStringLiteral("-c"),
                                                       QStringLiteral("user.email=ada@example.org")} + args);
            return p.waitForFinished(30'000) && p.exitCode() == 0;
        };
        QVERIFY(QDir().mkpath(work + QStringLiteral("/jaffle")));
        QVERIFY(git(m_fixture.tempDir().path(), {QStringLiteral("init"), QStringLiteral("--bare"), QStringLiteral("-b"), QStringLiteral("main"), bare}));
        QVERIFY(git(work, {QStringLiteral("init"), QStringLiteral("-b"), QStringLiteral("main")}));
        QFile project(work + QStringLiteral("/jaffle/dbt_project.yml"));
        QVERIFY(project.open(QIODevice::WriteOnly));
        project.write("name: jaffle_shop\nprofile: sluice\n");
        project.close();
        QVERIFY(git(work, {QStringLiteral("add"), QStringLiteral(".")}));
        QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-m"), QStringLiteral("First models")}));
        QVERIFY(git(work, {QStringLiteral("push"), bare, QStringLiteral("main")}));

        MainWindow window;
        window.show();
        window.showPage(MainWindow::Transform);
        DesktopServices services(window, m_db->url(), options());
        services.start();
        TransformPage *page = window.transformPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->transferButton()->text(), QStringLiteral("C&lone"), 15'000); // the overview came

        // A URL with a password in it is refused; the fields keep what was typed.
        QTest::keyClicks(page->gitUrlField(), QStringLiteral("https://ada:hunter2@git.example/acme.git"));
        page->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(page->transferText()->text().startsWith(QLatin1String("Not saved")), qPrintable(page->transferText()->text()), 5000);
        QCOMPARE(page->gitUrlField()->text(), QStringLiteral("https://ada:hunter2@git.example/acme.git"));

        const QString checkout = m_fixture.tempDir().filePath(QStringLiteral("clone"));
        page->gitUrlField()->clear();
        QTest::keyClicks(page->gitUrlField(), QUrl::fromLocalFile(bare).toString());
        QTest::keyClicks(page->branchField(), QStringLiteral("main"));
        QTest::keyClicks(page->projectDirField(), QStringLiteral("jaffle"));
        QTest::keyClicks(page->checkoutField(), checkout);
        page->saveButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(page->transferText()->text(), QStringLiteral("Saved."), 5'000);
        QCOMPARE(WorkspaceStore(*m_db, kActor).get(m_org.id)->gitUrl, QUrl::fromLocalFile(bare).toString());
        page->transferButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(page->transferText()->text().startsWith(QLatin1String("Cloned")), qPrintable(page->transferText()->text()), 30'000);
        QVERIFY(QFileInfo::exists(checkout + QStringLiteral("/jaffle/dbt_project.yml")));
        const auto labels = page->findChildren<QLabel *>();
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(labels.cbegin(), labels.cend(), [](QLabel *l) {
                                     return l->accessibleName() == QLatin1String("Current commit") && l->text().contains(QLatin1String("First models"));
                                 }),
                                 5'000);
        // Pulling again: nothing new.
        QTRY_VERIFY_WITH_TIMEOUT(page->transferButton()->isEnabled(), 5'000);
        page->transferButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(page->transferText()->text().startsWith(QLatin1String("Already up to date")), qPrintable(page->transferText()->text()), 30'000);
    }

    void tasksLocksSelectionAndExecute()
    {
        setUpWorkspace();
        OrgTaskDraft run;
        run.slug = QStringLiteral("dbt-run");
        run.options = {{QStringLiteral("select"), QStringLiteral("+customers")}};
        run.label = QStringLiteral("Build customers");
        auto dbtRun = OrgTaskStore(*m_db, kActor).create(m_org.id, run);
        QVERIFY2(dbtRun, qPrintable(sluice::test::why(dbtRun)));
        const OrgTask shell = test::seedShellTask(*m_db, m_org.id, QStringLiteral("sh -c 'echo hello from the task'"), kActor);

        MainWindow window;
        window.show();
        window.showPage(MainWindow::Transform);
        DesktopServices services(window, m_db->url(), options());
        services.start();
        TransformPage *page = window.transformPage();
        QAbstractItemModelTester taskTester(page->taskModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester modelTester(page->modelModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        TaskListModel *tasks = page->taskModel();
        QTRY_COMPARE_WITH_TIMEOUT(tasks->rowCount(), 2, 15'000);

        // The exact command line, as the runner builds it.
        const int runRow = tasks->rowOfUuid(dbtRun->uuid);
        QVERIFY(runRow >= 0);
        QCOMPARE(cell(tasks, runRow, TaskListModel::Label), QStringLiteral("Build customers"));
        const QStringList argv = tasks->taskAt(runRow).commandLine;
        QCOMPARE(argv.mid(0, 2), (QStringList{QStringLiteral("dbt"), QStringLiteral("run")}));
        QVERIFY2(argv.contains(QStringLiteral("--select")) && argv.at(argv.indexOf(QStringLiteral("--select")) + 1) == QLatin1String("+customers"),
                 qPrintable(argv.join(QLatin1Char(' '))));
        QVERIFY(argv.contains(QStringLiteral("--project-dir")));
        QCOMPARE(cell(tasks, runRow, TaskListModel::Lock), QStringLiteral("Free"));

        // A lock taken through another connection shows within a second, and goes again.
        page->taskTable()->selectRow(runRow);
        auto other = Database::open(m_db->url());
        QVERIFY(other);
        NewRun request;
        request.requestedBy = QStringLiteral("bob@server");
        request.trigger = QStringLiteral("manual");
        request.dispatch = QStringLiteral("agent");
        auto runId = RunStore(**other).createTaskRun(*dbtRun, request);
        QVERIFY2(runId, qPrintable(sluice::test::why(runId)));
        QElapsedTimer clock;
        clock.start();
        auto grant = LockStore(**other).acquire(*runId, std::nullopt, {dbtRun->id}, QStringLiteral("bob@server"));
        QVERIFY2(grant, qPrintable(sluice::test::why(grant)));
        QTRY_VERIFY_WITH_TIMEOUT(cell(tasks, runRow, TaskListModel::Lock).contains(QLatin1String("bob@server")), 1500);
        QVERIFY2(clock.elapsed() < 1000 + 250, qPrintable(QString::number(clock.elapsed()))); // within a second (plus the check's step)
        QCOMPARE(page->selectedTaskUuid(), dbtRun->uuid);                                    // updated in place
        QVERIFY(LockStore(**other).release(*runId, grant->fence));
        QTRY_COMPARE_WITH_TIMEOUT(cell(tasks, runRow, TaskListModel::Lock), QStringLiteral("Free"), 1500);

        // Models of the manifest (tests left out): 5 models and 3 seeds.
        QTRY_COMPARE_WITH_TIMEOUT(page->modelModel()->rowCount(), 8, 15'000);

        // The selection box counts as dbt would; a bad expression is refused at the field.
        page->selectionField()->setText(QStringLiteral("+customers"));
        QTRY_VERIFY_WITH_TIMEOUT(page->selectionCount()->text().contains(QLatin1String("4 nodes")), 5'000);
        page->selectionField()->setText(QStringLiteral("colour:red"));
        QTRY_VERIFY_WITH_TIMEOUT(page->selectionCount()->text().contains(QLatin1String("'colour' is not a valid method name")), 5'000);
        QVERIFY(page->selectionField()->toolTip().contains(QLatin1String("colour")));

        // Execute a task alone: its log shows below, live, and the run ends successful.
        page->selectTask(shell.uuid);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        page->taskTable()->setFocus();
        QTest::keyClick(page->taskTable(), Qt::Key_Return, Qt::ControlModifier);
        const auto statusText = [page] {
            const auto labels = page->findChildren<QLabel *>();
            for (QLabel *l : labels)
                if (l->accessibleName() == QLatin1String("Task run status"))
                    return l->text();
            return QString();
        };
        QTRY_VERIFY2_WITH_TIMEOUT(page->log()->toPlainText().contains(QLatin1String("hello from the task")), qPrintable(statusText()), 15'000);
        QTRY_VERIFY2_WITH_TIMEOUT(statusText().contains(QLatin1String("ucce")), qPrintable(statusText()), 15'000);
        QSignalSpy finished(&services, &DesktopServices::finished);
        Q_EMIT window.quitRequested();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);
    }
};

QTEST_MAIN(tst_TransformPage)
#include "tst_transformpage.moc"
