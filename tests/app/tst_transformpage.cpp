// The Transform page as a person uses it, through the real MainWindow wired by DesktopServices to its
// services and a real store of each backend: the org's dbt project and what is missing, its tasks with
// the exact command lines, a lock taken by another connection (as another machine's agent would) shown
// within a second and released again, Execute running a task alone with its log below, the models of
// the workspace's manifest, and the dbt selection box counting as dbt would (errors at the field).
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"
#include "wheels/fakedbtwheels.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "itemmodels/modellistmodel.h"
#include "itemmodels/tasklistmodel.h"
#include "mainwindow.h"
#include "pages/transform/docsbar.h"
#include "pages/transform/lineagepanel.h"
#include "pages/transform/projectcard.h"
#include "pages/transform/selectorfield.h"
#include "pages/transform/taskdialog.h"
#include "pages/transform/transformpage.h"
#include "secrets/secretstore.h"
#include "store/lockstore.h"
#include "store/orgtaskstore.h"
#include "store/runstore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"
#include "widgets/logview.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QCoro/QCoroTask>
#include <QDateTime>
#include <QFileInfo>
#include <QCompleter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QScopeGuard>
#include <QTabWidget>
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

    static DesktopServicesOptions options() { return test::desktopTestOptions(kActor); }

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

    // sluicectl on this store with `input` on its stdin: its exit code (-1 when it did not end).
    int sluicectl(const QStringList &args, const QByteArray &input = {}) const
    {
        QProcess p;
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_db->url().toString()} + args);
        p.write(input);
        p.closeWriteChannel();
        return p.waitForFinished(30'000) && p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    // The window on a store, showing the Transform page, its services started.
    struct TransformWindow {
        MainWindow window;
        DesktopServices services;
        explicit TransformWindow(const DbUrl &url) : services(window, url, options())
        {
            window.show();
            window.showPage(MainWindow::Transform);
            services.start();
        }
    };

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
        QVERIFY(saysSo(QStringLiteral("What is missing"), QStringLiteral("choose the branch and Save"))); // the window's own fix first
        // dbt is not on this test's PATH: the fixes are the card's buttons, said once (the docs bar only
        // points up at them, its reason whole in its tooltip).
        QVERIFY(saysSo(QStringLiteral("What is missing"), QStringLiteral("Fix: Install dbt… creates a virtualenv")));
        // (the docs service answers on its own thread, apart from the overview)
        QTRY_COMPARE_WITH_TIMEOUT(page->docsBar()->findChild<QLabel *>()->text(), QStringLiteral("No docs yet: set up the project above first"), 15'000);
        QVERIFY(page->docsBar()->findChild<QLabel *>()->toolTip().contains(QLatin1String("No dbt project yet")));
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

        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        TransformPage *page = window.transformPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->transferButton()->text(), QStringLiteral("C&lone"), 15'000); // the overview came

        // Clone before anything is set: refused with the fix; Fetch stays off (there is no checkout).
        QVERIFY(!page->projectCard()->fetchButton()->isEnabled());
        page->transferButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(page->transferText()->text().contains(QLatin1String("git URL")), qPrintable(page->transferText()->text()), 5'000);
        QVERIFY(page->transferButton()->isEnabled());
        QVERIFY(!page->projectCard()->fetchButton()->isEnabled());

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

        ProjectCard *card = page->projectCard();
        // The commit names its author; the checkout's dbt project is offered as the project folder.
        QVERIFY2(card->commitText()->text().contains(QLatin1String("Ada")), qPrintable(card->commitText()->text()));
        QCOMPARE(card->projectDirField()->findText(QStringLiteral("jaffle")), 0);
        QVERIFY2(card->behindText()->text().contains(QLatin1String("up to date")), qPrintable(card->behindText()->text()));

        // The remote's branches, asked of it: main and a new one.
        QVERIFY(git(work, {QStringLiteral("push"), bare, QStringLiteral("main:feature/orders")}));
        card->branchesButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(card->branchField()->count(), 2, 10'000);
        QCOMPARE(card->branchField()->itemText(0), QStringLiteral("main"));   // the remote's default first
        QCOMPARE(card->branchField()->itemText(1), QStringLiteral("feature/orders"));
        QCOMPARE(card->branchField()->currentText(), QStringLiteral("main"));

        // Two new commits on origin: Fetch says how far behind the checkout is, and Pull brings them in.
        for (const QString &m : {QStringLiteral("Orders model"), QStringLiteral("Customers model")}) {
            QFile f(work + QStringLiteral("/jaffle/") + m + QStringLiteral(".sql"));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("select 1\n");
            f.close();
            QVERIFY(git(work, {QStringLiteral("add"), QStringLiteral(".")}));
            QVERIFY(git(work, {QStringLiteral("commit"), QStringLiteral("-m"), m}));
        }
        QVERIFY(git(work, {QStringLiteral("push"), bare, QStringLiteral("main")}));
        QTRY_VERIFY(card->fetchButton()->isEnabled());
        card->fetchButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->behindText()->text().contains(QLatin1String("2 commits behind origin")), qPrintable(card->behindText()->text()), 15'000);
        QVERIFY2(card->commitText()->text().contains(QLatin1String("First models")), qPrintable(card->commitText()->text()));   // nothing changed yet
        QTRY_VERIFY(page->transferButton()->isEnabled());
        page->transferButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->commitText()->text().contains(QLatin1String("Customers model")), qPrintable(card->commitText()->text()), 15'000);
        QTRY_VERIFY2_WITH_TIMEOUT(card->behindText()->text().contains(QLatin1String("up to date")), qPrintable(card->behindText()->text()), 5'000);

        // A dbt executable chosen by path: its version, as `dbt --version` tells it.
        const QString dbt = m_fixture.tempDir().filePath(QStringLiteral("bin/dbt"));
        QVERIFY(QDir().mkpath(QFileInfo(dbt).absolutePath()));
        QFile script(dbt);
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\necho 'Core:'\necho '  - installed: 1.8.9'\necho '  - latest:    1.9.1 - Update available!'\n");
        script.close();
        QVERIFY(script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner));
        card->dbtField()->setText(dbt);
        Q_EMIT card->dbtField()->textEdited(dbt);
        card->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->dbtText()->text() == QStringLiteral("dbt 1.8.9 at %1").arg(dbt), qPrintable(card->dbtText()->text()), 10'000);
        // ... recorded on the workspace, which the runner and docs go by.
        QTRY_COMPARE_WITH_TIMEOUT(WorkspaceStore(*m_db, kActor).get(m_org.id).value_or(DbtWorkspace{}).dbtVersion, QStringLiteral("1.8.9"), 5'000);
    }

    // Install dbt from the card: a virtualenv with dbt-postgres (fake wheels, offline: pip's own
    // configuration, here its environment, says where packages come from), with progress, its log and
    // Cancel; the result is the project's dbt, stored on the workspace.
    void installDbtFromTheCard()
    {
        const QString wheels = m_fixture.tempDir().filePath(QStringLiteral("wheels"));
        auto built = testsupport::buildFakeDbtWheels(wheels);
        QVERIFY2(built, qPrintable(built ? QString() : built.error()));
        const QString data = m_fixture.tempDir().filePath(QStringLiteral("xdg-data"));
        qputenv("XDG_DATA_HOME", data.toUtf8());
        qputenv("PIP_CONFIG_FILE", "/dev/null");
        qputenv("PIP_NO_INDEX", "1");
        qputenv("PIP_FIND_LINKS", wheels.toUtf8());
        const auto restore = qScopeGuard([] {
            for (const char *name : {"XDG_DATA_HOME", "PIP_CONFIG_FILE", "PIP_NO_INDEX", "PIP_FIND_LINKS"})
                qunsetenv(name);
        });
        setUpWorkspace();

        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        ProjectCard *card = window.transformPage()->projectCard();
        QTRY_COMPARE_WITH_TIMEOUT(card->gitUrlField()->text(), QStringLiteral("https://git.example/acme/jaffle.git"), 15'000);
        QVERIFY(card->dbtField()->text().isEmpty());

        card->installButton()->click();
        QVERIFY(card->startInstallButton()->isVisible());
        card->installAdapterField()->setCurrentText(QStringLiteral("postgres"));
        QCOMPARE(card->installAdapterField()->currentText(), QStringLiteral("postgres"));

        // Cancel while the virtualenv is being made: nothing is stored, Install is offered again.
        card->installVersionField()->setEditText(QStringLiteral("1.8.2"));
        card->startInstallButton()->click();
        QVERIFY(!card->startInstallButton()->isEnabled());
        QVERIFY(card->cancelInstallButton()->isVisible());
        card->cancelInstallButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->installText()->text().startsWith(QLatin1String("Not installed")), qPrintable(card->installText()->text()), 30'000);
        QVERIFY2(card->installText()->text().contains(QLatin1String("anceled")), qPrintable(card->installText()->text()));
        QVERIFY(card->startInstallButton()->isEnabled());
        QVERIFY(!card->cancelInstallButton()->isVisible());
        QVERIFY(WorkspaceStore(*m_db, kActor).get(m_org.id)->dbtExecutable.isEmpty());

        // A version no wheel has: pip's own words, and still nothing stored.
        card->installVersionField()->setEditText(QStringLiteral("0.0.1"));
        card->startInstallButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(card->startInstallButton()->isEnabled(), 120'000);
        QVERIFY2(card->installText()->text().startsWith(QLatin1String("Not installed")), qPrintable(card->installText()->text()));
        QVERIFY2(card->installText()->text().contains(QLatin1String("0.0.1")), qPrintable(card->installText()->text()));
        QVERIFY(WorkspaceStore(*m_db, kActor).get(m_org.id)->dbtExecutable.isEmpty());

        // The real install: progress to 100, pip's lines in the log, the path in the field and the store.
        card->installVersionField()->setEditText(QStringLiteral("1.8.2"));
        QSignalSpy progress(card->installProgressBar(), &QProgressBar::valueChanged);
        card->startInstallButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(card->startInstallButton()->isEnabled(), 180'000);
        QVERIFY2(card->installText()->text().contains(QLatin1String("is installed at")), qPrintable(card->installText()->text()));
        QCOMPARE(card->installProgressBar()->value(), 100);
        QVERIFY(progress.size() >= 3); // it moved on the way, not only at the end
        QVERIFY2(card->installLogView()->toPlainText().contains(QLatin1String("Successfully installed dbt-core-1.8.9 dbt-postgres-1.8.2")),
                 qPrintable(card->installLogView()->toPlainText()));
        const auto ws = WorkspaceStore(*m_db, kActor).get(m_org.id);
        QVERIFY(ws);
        QVERIFY2(ws->dbtExecutable.startsWith(data + QStringLiteral("/")) && ws->dbtExecutable.endsWith(QLatin1String("/dbt-postgres-1.8.2/bin/dbt")),
                 qPrintable(ws->dbtExecutable));
        QCOMPARE(ws->dbtVersion, QStringLiteral("1.8.9"));
        QCOMPARE(ws->dbtAdapter, QStringLiteral("postgres"));
        QTRY_COMPARE_WITH_TIMEOUT(card->dbtField()->text(), ws->dbtExecutable, 5'000);
        QSignalSpy finished(&services, &DesktopServices::finished);
        Q_EMIT window.quitRequested();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);
    }

    // The git token is typed once and goes to the keychain only: the field empties, the keychain holds
    // it under the org's key, the store does not; an empty field removes it.
    void gitTokenGoesToTheKeychainOnly()
    {
        const QString token = QStringLiteral("glpat-canary-%1").arg(QDateTime::currentMSecsSinceEpoch());
        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        ProjectCard *card = window.transformPage()->projectCard();
        QTRY_COMPARE_WITH_TIMEOUT(card->transferButton()->text(), QStringLiteral("C&lone"), 15'000); // the overview came
        QVERIFY(!card->storeTokenButton()->isEnabled());
        QCOMPARE(card->tokenField()->echoMode(), QLineEdit::Password);
        QTest::keyClicks(card->tokenField(), token);
        QVERIFY(card->storeTokenButton()->isEnabled());
        card->storeTokenButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->tokenText()->text().contains(QLatin1String("stored in the keychain")), qPrintable(card->tokenText()->text()), 15'000);
        QVERIFY(card->tokenField()->text().isEmpty());
        const QString key = SecretStore::gitTokenKey(m_org.slug);
        // Asked by another process (sluicectl), as any other client of the keychain would.
        const auto inKeychain = [this, &key] { return sluicectl({QStringLiteral("secrets"), QStringLiteral("check"), key}); };
        QCOMPARE(inKeychain(), 0);
        if (m_db->url().isSqlite()) {
            QFile file(m_db->url().path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains(token.toUtf8()));
        }
        // An empty field removes it.
        Q_EMIT card->tokenField()->textEdited(QString());
        card->storeTokenButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->tokenText()->text().contains(QLatin1String("removed")), qPrintable(card->tokenText()->text()), 15'000);
        QCOMPARE(inKeychain(), 1);
    }

    // A token stored by another process (sluicectl, from stdin) is known to the card when it opens,
    // and F5 asks again after it is removed there.
    void aTokenStoredElsewhereIsKnown()
    {
        const QString key = SecretStore::gitTokenKey(m_org.slug);
        QCOMPARE(sluicectl({QStringLiteral("secrets"), QStringLiteral("set"), key}, QByteArrayLiteral("ghp_elsewhere\n")), 0);
        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        ProjectCard *card = window.transformPage()->projectCard();
        QTRY_VERIFY2_WITH_TIMEOUT(card->tokenText()->text().contains(QLatin1String("A git token is stored in the keychain")),
                                  qPrintable(card->tokenText()->text()), 15'000);
        QCOMPARE(sluicectl({QStringLiteral("secrets"), QStringLiteral("delete"), key}), 0);
        const auto actions = window.transformPage()->findChildren<QAction *>();
        const auto refresh = std::find_if(actions.cbegin(), actions.cend(), [](QAction *a) { return a->shortcut() == QKeySequence(QKeySequence::Refresh); });
        QVERIFY(refresh != actions.cend());
        (*refresh)->trigger();
        QTRY_VERIFY2_WITH_TIMEOUT(card->tokenText()->text().contains(QLatin1String("No git token stored")), qPrintable(card->tokenText()->text()), 15'000);
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

        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
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
        // What it takes becomes the lineage's focus (dbt ls --select +customers --resource-type model on
        // jaffle_shop lists these four), with what reads them; a row chosen in the list takes it back.
        QTRY_VERIFY(page->showSelectionButton()->isEnabled());
        page->modelTable()->selectRow(0);
        page->showSelectionButton()->click();
        const QStringList taken{QStringLiteral("model.jaffle_shop.customers"), QStringLiteral("model.jaffle_shop.stg_customers"),
                                QStringLiteral("model.jaffle_shop.stg_orders"), QStringLiteral("model.jaffle_shop.stg_payments")};
        QCOMPARE(page->lineagePanel()->focusIds(), taken);
        QVERIFY(page->lineagePanel()->isVisible());
        QVERIFY(page->modelTable()->selectionModel()->selectedRows().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(page->lineagePanel()->graph().nodes.size() >= taken.size(), 10'000);
        page->modelTable()->selectRow(0);
        QCOMPARE(page->lineagePanel()->focusIds().size(), 1);
        page->selectionField()->setText(QStringLiteral("colour:red"));
        QTRY_VERIFY_WITH_TIMEOUT(page->selectionCount()->text().contains(QLatin1String("'colour' is not a valid method name")), 5'000);
        QVERIFY(page->selectionField()->toolTip().contains(QLatin1String("colour")));
        QVERIFY(!page->showSelectionButton()->isEnabled()); // nothing to show for an expression that does not resolve

        // Execute a task alone: its log shows below, live, and the run ends successful. Show in lineage
        // brought the Models tab up; the analyst goes back to Tasks.
        auto *tabs = page->findChild<QTabWidget *>();
        QVERIFY(tabs);
        QVERIFY(!page->taskTable()->isVisible());
        tabs->setCurrentIndex(0);
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

    // The dialog offers exactly what the catalog allows for the chosen kind and marks every problem at
    // its field (Save stays off); what was typed survives a change of kind and back.
    void taskDialogMarksProblemsAtTheirFields()
    {
        setUpWorkspace();
        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        TransformPage *page = window.transformPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->modelModel()->rowCount(), 8, 15'000);
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        page->gitUrlField()->setFocus();   // no tasks yet: no table to focus; Ctrl+N works anywhere on the page
        QTest::keyClick(page->gitUrlField(), Qt::Key_N, Qt::ControlModifier);   // New task
        QTRY_VERIFY(page->taskDialog());
        TaskDialog *dialog = page->taskDialog();
        QCOMPARE(dialog->kindBox()->currentData().toString(), QStringLiteral("dbt-run"));
        for (const QString &f : {QStringLiteral("flag:full-refresh"), QStringLiteral("option:select"), QStringLiteral("option:exclude"),
                                 QStringLiteral("option:vars"), QStringLiteral("option:target")}) {
            QVERIFY2(dialog->field(f), qPrintable(f));
            QVERIFY2(!dialog->field(f)->accessibleName().isEmpty(), qPrintable(f));
        }
        QVERIFY(!dialog->field(QStringLiteral("command")));
        QVERIFY(!dialog->field(QStringLiteral("env")));
        QVERIFY(!dialog->field(QStringLiteral("option:working-dir")));
        QVERIFY(dialog->saveButton()->isEnabled());

        auto *vars = qobject_cast<QPlainTextEdit *>(dialog->field(QStringLiteral("option:vars")));
        QVERIFY(vars);
        vars->setPlainText(QStringLiteral("[1, 2]"));
        QVERIFY2(dialog->problemAt(QStringLiteral("option:vars")).contains(QLatin1String("dictionary")), qPrintable(dialog->problemAt(QStringLiteral("option:vars"))));
        QVERIFY(!dialog->saveButton()->isEnabled());
        vars->setPlainText(QStringLiteral("start_date: 2024-01-01\nlimit: 5"));
        QVERIFY(dialog->problemAt(QStringLiteral("option:vars")).isEmpty());
        QVERIFY(dialog->saveButton()->isEnabled());

        SelectorField *select = dialog->selectorField(QStringLiteral("select"));
        QVERIFY(select);
        select->setText(QStringLiteral("colour:red"));
        QVERIFY2(dialog->problemAt(QStringLiteral("option:select")).contains(QLatin1String("colour")), qPrintable(dialog->problemAt(QStringLiteral("option:select"))));
        QVERIFY(!dialog->saveButton()->isEnabled());
        QVERIFY(dialog->field(QStringLiteral("option:select"))->accessibleDescription().contains(QLatin1String("colour")));
        select->setText(QStringLiteral("+orders"));
        QVERIFY(dialog->problemAt(QStringLiteral("option:select")).isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->countLabel()->text().contains(QLatin1String("nodes")), qPrintable(dialog->countLabel()->text()), 5'000);
        QVERIFY2(dialog->preview()->text().contains(QLatin1String("--select +orders")), qPrintable(dialog->preview()->text()));
        QVERIFY2(dialog->preview()->text().contains(QLatin1String("--vars 'start_date: 2024-01-01")), qPrintable(dialog->preview()->text()));

        // A shell task: its command, working directory and environment, and nothing of dbt's.
        dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(QStringLiteral("shell")));
        QVERIFY(!dialog->field(QStringLiteral("option:select")));
        QVERIFY(dialog->field(QStringLiteral("command")));
        QVERIFY(!dialog->problemAt(QStringLiteral("command")).isEmpty());   // a shell task needs its command
        QVERIFY(!dialog->saveButton()->isEnabled());
        qobject_cast<QLineEdit *>(dialog->field(QStringLiteral("command")))->setText(QStringLiteral("make export"));
        qobject_cast<QLineEdit *>(dialog->field(QStringLiteral("option:working-dir")))->setText(QStringLiteral("jobs"));
        QVERIFY(dialog->problemAt(QStringLiteral("option:working-dir")).contains(QLatin1String("absolute")));
        qobject_cast<QLineEdit *>(dialog->field(QStringLiteral("option:working-dir")))->setText(QStringLiteral("/srv/jobs"));
        auto *env = qobject_cast<QPlainTextEdit *>(dialog->field(QStringLiteral("env")));
        env->setPlainText(QStringLiteral("REGION=eu\nPGPASSWORD=hunter2"));
        QVERIFY2(dialog->problemAt(QStringLiteral("env")).contains(QLatin1String("keychain")), qPrintable(dialog->problemAt(QStringLiteral("env"))));
        env->setPlainText(QStringLiteral("REGION=eu\njust words"));
        QVERIFY2(dialog->problemAt(QStringLiteral("env")).contains(QLatin1String("line 2")), qPrintable(dialog->problemAt(QStringLiteral("env"))));
        env->setPlainText(QStringLiteral("REGION=eu"));
        QVERIFY(dialog->problemAt(QStringLiteral("env")).isEmpty());
        QVERIFY(dialog->saveButton()->isEnabled());
        QCOMPARE(dialog->preview()->text(), QStringLiteral("make export"));

        // Back to dbt-run: what was typed there is still there.
        dialog->kindBox()->setCurrentIndex(dialog->kindBox()->findData(QStringLiteral("dbt-run")));
        QCOMPARE(dialog->selectorField(QStringLiteral("select"))->text(), QStringLiteral("+orders"));
        dialog->reject();
    }

    // A new user's path: New task, pick the model with completion, see the count and the command line,
    // save; the task is listed and selected; Execute runs it with the dbt double (its lock shown while it
    // runs, its log below); Edit changes it; a refusal from the store keeps the dialog and what was typed.
    void createRunAndEditADbtTaskThroughTheDialog()
    {
        setUpWorkspace();
        auto ws = WorkspaceStore(*m_db, kActor).get(m_org.id);
        QVERIFY(ws);
        ws->dbtExecutable = QStringLiteral(DBTDOUBLE_PATH);
        QVERIFY(WorkspaceStore(*m_db, kActor).set(m_org.id, *ws));
        Warehouse wh;
        wh.type = QStringLiteral("duckdb");
        wh.settings = QJsonObject{{QStringLiteral("path"), m_fixture.tempDir().filePath(QStringLiteral("w.duckdb"))}};
        QVERIFY(WarehouseStore(*m_db, kActor).set(m_org.id, wh));
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "ok");
        qputenv("SLUICE_DBT_DOUBLE_LINE_DELAY_MS", "40");

        TransformWindow opened(m_db->url());
        auto &[window, services] = opened;
        TransformPage *page = window.transformPage();
        QTRY_COMPARE_WITH_TIMEOUT(page->modelModel()->rowCount(), 8, 15'000);
        QCOMPARE(page->taskModel()->rowCount(), 0);
        page->newTaskButton()->click();
        QTRY_VERIFY(page->taskDialog());
        TaskDialog *dialog = page->taskDialog();

        // Completion from the manifest: "cust" offers customers; taking it fills the word in.
        SelectorField *select = dialog->selectorField(QStringLiteral("select"));
        QVERIFY(select);
        select->edit()->setFocus();
        QTest::keyClicks(select->edit(), QStringLiteral("cust"));
        QVERIFY(select->completer()->completionCount() > 0);
        QCOMPARE(select->completer()->currentCompletion(), QStringLiteral("customers"));
        Q_EMIT select->completer()->activated(QStringLiteral("customers"));
        QCOMPARE(select->text(), QStringLiteral("customers"));
        QTRY_VERIFY2_WITH_TIMEOUT(dialog->countLabel()->text().contains(QLatin1String("dbt run would take 1 node: customers")),
                                  qPrintable(dialog->countLabel()->text()), 5'000);
        QVERIFY2(dialog->preview()->text().startsWith(QStringLiteral(DBTDOUBLE_PATH " run")), qPrintable(dialog->preview()->text()));
        QVERIFY(dialog->preview()->text().contains(QLatin1String("--select customers")));
        dialog->labelField()->setText(QStringLiteral("Customers only"));
        dialog->saveButton()->click();

        QTRY_VERIFY_WITH_TIMEOUT(!page->taskDialog(), 5'000);
        TaskListModel *tasks = page->taskModel();
        QTRY_COMPARE_WITH_TIMEOUT(tasks->rowCount(), 1, 5'000);
        QCOMPARE(cell(tasks, 0, TaskListModel::Label), QStringLiteral("Customers only"));
        QTRY_COMPARE(page->selectedTaskUuid(), tasks->taskAt(0).task.uuid);
        auto stored = OrgTaskStore(*m_db, kActor).list(m_org.id);
        QVERIFY(stored);
        QCOMPARE(stored->size(), 1);
        QCOMPARE(stored->first().parameters.options, (QMap<QString, QString>{{QStringLiteral("select"), QStringLiteral("customers")}}));

        // Execute: the lock badge while it runs, then the log and success.
        window.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&window));
        page->taskTable()->setFocus();
        QTest::keyClick(page->taskTable(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_VERIFY_WITH_TIMEOUT(cell(tasks, 0, TaskListModel::Lock) != QLatin1String("Free"), 5'000);
        QTRY_VERIFY2_WITH_TIMEOUT(page->log()->toPlainText().contains(QLatin1String("Completed successfully")), qPrintable(page->log()->toPlainText()),
                                  20'000);
        QVERIFY(page->log()->toPlainText().contains(QLatin1String("1 of 1 OK created sql table model dbt_dev.customers")));
        QTRY_COMPARE_WITH_TIMEOUT(cell(tasks, 0, TaskListModel::Lock), QStringLiteral("Free"), 5'000);

        // Edit (F2): the kind is fixed, the fields hold what is stored.
        const auto focusTable = [&] {
            window.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&window));
            page->taskTable()->setFocus();
            QTRY_VERIFY(page->taskTable()->hasFocus());
        };
        focusTable();
        QTest::keyClick(page->taskTable(), Qt::Key_F2);
        QTRY_VERIFY(page->taskDialog());
        dialog = page->taskDialog();
        QVERIFY(!dialog->kindBox()->isEnabled());
        QCOMPARE(dialog->selectorField(QStringLiteral("select"))->text(), QStringLiteral("customers"));
        QCOMPARE(dialog->labelField()->text(), QStringLiteral("Customers only"));
        qobject_cast<QCheckBox *>(dialog->field(QStringLiteral("flag:full-refresh")))->setChecked(true);
        QVERIFY(dialog->preview()->text().contains(QLatin1String("--full-refresh")));
        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!page->taskDialog(), 5'000);
        QTRY_VERIFY_WITH_TIMEOUT(tasks->taskAt(0).commandLine.contains(QStringLiteral("--full-refresh")), 5'000);

        // The store refuses (the task was deleted elsewhere meanwhile): the dialog stays, with the reason
        // and what was typed.
        focusTable();
        QTest::keyClick(page->taskTable(), Qt::Key_F2);
        QTRY_VERIFY(page->taskDialog());
        dialog = page->taskDialog();
        const QString uuid = dialog->taskUuid();
        dialog->labelField()->setText(QStringLiteral("Typed before the refusal"));
        QVERIFY(OrgTaskStore(*m_db, QStringLiteral("bob@server")).remove(uuid));
        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->refusalLabel()->isHidden(), 5'000);
        QVERIFY2(dialog->refusalLabel()->text().contains(uuid), qPrintable(dialog->refusalLabel()->text()));
        QVERIFY(page->taskDialog());
        QCOMPARE(dialog->labelField()->text(), QStringLiteral("Typed before the refusal"));
        QVERIFY(dialog->saveButton()->isEnabled());
        dialog->reject();
        qunsetenv("SLUICE_DBT_DOUBLE_LINE_DELAY_MS");

        QSignalSpy finished(&services, &DesktopServices::finished);
        Q_EMIT window.quitRequested();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);
    }
};

QTEST_MAIN(tst_TransformPage)
#include "tst_transformpage.moc"
