// The Ingest page as a person uses it, through the real MainWindow wired by DesktopServices to its
// services, a real store of each backend and the Airbyte double over HTTP: the server missing and the
// fix; a source made from a connector's spec (oneOf, secrets, groups) that is validated at its fields
// before anything is sent, checked on the server and saved; a connection synced through the runner
// (its lock shown, then the last-sync cell and the history), cancelled, cleared; a source kept while a
// connection reads from it.
#include "airbytedouble.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "itemmodels/ingestmodels.h"
#include "mainwindow.h"
#include "itemmodels/streamlistmodel.h"
#include "pages/ingest/connectiondialog.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/dropdatadialog.h"
#include "pages/ingest/ingestpage.h"
#include "pages/ingest/sourcedialog.h"
#include "store/airbyteserverstore.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/runstore.h"
#include "widgets/specformwidget.h"

#include <QAbstractItemModelTester>
#include <QAbstractButton>
#include <QComboBox>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QRadioButton>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace sluice;
using sluice::test::AirbyteDouble;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");

QJsonObject specDocument(const QString &file)
{
    QFile f(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/") + file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QString cell(const QAbstractItemModel *m, int row, int column) { return m->index(row, column).data().toString(); }

void setLine(QWidget *editor, const QString &text)
{
    auto *line = qobject_cast<QLineEdit *>(editor);
    QVERIFY2(line, "the field is a line edit");
    line->setText(text);
    Q_EMIT line->textEdited(text);
}

QLabel *serverLabel(QWidget *page)
{
    const auto labels = page->findChildren<QLabel *>();
    const auto it = std::find_if(labels.cbegin(), labels.cend(), [](QLabel *l) { return l->accessibleName() == QStringLiteral("Airbyte server"); });
    return it == labels.cend() ? nullptr : *it;
}

// Presses Yes on the question box the page opened.
void answerYes(QWidget *page)
{
    QMessageBox *box = nullptr;
    QTRY_VERIFY((box = page->findChild<QMessageBox *>()) && box->isVisible());
    box->button(QMessageBox::Yes)->click();
}
// Answers the Reset / Clear dialog the page opened: every stream (`tick` empty), or the streams named.
// The Reset / Clear dialog the page shows (an answered one may linger until deleted); null after 5 s.
DropDataDialog *shownDropDialog(QWidget *page)
{
    DropDataDialog *shown = nullptr;
    (void)QTest::qWaitFor([&] {
        for (DropDataDialog *d : page->findChildren<DropDataDialog *>())
            if (d->isVisible())
                shown = d;
        return shown != nullptr;
    }, 5'000);
    return shown;
}

void dropData(QWidget *page, const QStringList &tick)
{
    DropDataDialog *dialog = shownDropDialog(page);
    QVERIFY(dialog);
    QVERIFY(dialog->everyStreamButton()->isChecked());
    QVERIFY(dialog->dropButton()->isEnabled());
    for (const QString &name : tick) {
        const auto items = dialog->streamList()->findItems(name, Qt::MatchExactly);
        QCOMPARE(items.size(), 1);
        items.first()->setCheckState(Qt::Checked);
    }
    QCOMPARE(dialog->chosenStreamsButton()->isChecked(), !tick.isEmpty());   // ticking a stream chooses streams
    dialog->dropButton()->click();
}

} // namespace

class tst_IngestPage : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;
    std::unique_ptr<AirbyteDouble> m_airbyte;
    QString m_workspace;

    static DesktopServicesOptions options()
    {
        DesktopServicesOptions o = test::desktopTestOptions(kActor);
        o.runs.runner.airbyteSync.pollInterval = std::chrono::milliseconds(50);
        return o;
    }

    // Points the store at the double and the org at a workspace of it.
    void connectServer()
    {
        AirbyteServer s;
        s.url = m_airbyte->url();
        s.authKind = AirbyteAuthKind::None;
        QVERIFY2(AirbyteServerStore(*m_db, kActor).set(s), "server saved");
        m_workspace = m_airbyte->addWorkspace(QStringLiteral("Default"));
        QVERIFY(OrgStore(*m_db, kActor).setAirbyteWorkspace(m_org.slug, m_workspace));
    }

    // sluicectl on this store, its output as JSON. The double answers on this thread, so the child is
    // waited for with the event loop running (never waitForFinished).
    struct Cli {
        int exitCode = -1;
        QByteArray out, err;
    };
    Cli sluicectl(const QStringList &args)
    {
        QProcess p;
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_db->url().toString()} + args);
        Cli c;
        if (!QTest::qWaitFor([&] { return p.state() == QProcess::NotRunning; }, 30'000)) {
            p.kill();
            p.waitForFinished();
            return c;
        }
        c.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
        c.out = p.readAllStandardOutput();
        c.err = p.readAllStandardError();
        return c;
    }

    struct IngestWindow {
        MainWindow window;
        DesktopServices services;
        explicit IngestWindow(const DbUrl &url) : services(window, url, options())
        {
            window.show();
            window.showPage(MainWindow::Ingest);
            services.start();
        }
        IngestPage *page() const { return window.ingestPage(); }
    };

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_airbyte = std::make_unique<AirbyteDouble>();
        QVERIFY2(m_airbyte->listen() != 0, "the Airbyte double listens on 127.0.0.1");
    }

    void cleanup()
    {
        m_db.reset();
        m_airbyte.reset();
    }

    void noServerSaysWhatIsMissing()
    {
        IngestWindow w(m_db->url());
        QLabel *server = serverLabel(w.page());
        QVERIFY(server);
        QTRY_VERIFY_WITH_TIMEOUT(server->text().contains(QStringLiteral("sluicectl airbyte server set")), 15'000);
        // The tabs say it too, instead of an empty table, and New source waits for a server.
        const auto saying = [&w](const QString &text) {
            const auto labels = w.page()->findChildren<QLabel *>();
            return std::count_if(labels.cbegin(), labels.cend(), [&](QLabel *l) { return l->text().contains(text); });
        };
        QTRY_VERIFY(saying(QStringLiteral("sluicectl airbyte server set")) >= 3);   // the banner, Connections, Sources
        const auto buttons = w.page()->findChildren<QPushButton *>();
        const auto newSource = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *b) { return b->text() == QStringLiteral("&New source…"); });
        QVERIFY(newSource != buttons.cend());
        QVERIFY(!(*newSource)->isEnabled());

        // A server without a workspace for the org: that fix is named.
        AirbyteServer s;
        s.url = m_airbyte->url();
        QVERIFY(AirbyteServerStore(*m_db, kActor).set(s));
        QMetaObject::invokeMethod(w.services.ingest(), &IngestService::refresh, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(server->text().contains(QStringLiteral("--airbyte-workspace")), 15'000);
    }

    // New source from the warehouse-db spec: pick it by search, see its fields, get a missing field of the
    // chosen oneOf branch marked before anything is sent, check, save; the secret reaches the server only.
    void createSourceFromSpec()
    {
        connectServer();
        const QString definition = m_airbyte->addSourceDefinition(QStringLiteral("Warehouse DB"), specDocument(QStringLiteral("source-warehouse-db.json")));
        m_airbyte->addSourceDefinition(QStringLiteral("Google Sheets"), specDocument(QStringLiteral("server-source-spec.json")));
        IngestWindow w(m_db->url());
        IngestPage *page = w.page();
        QAbstractItemModelTester tester(page->sourceModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY_WITH_TIMEOUT(serverLabel(page)->text().contains(m_workspace), 15'000);
        page->tabs()->setCurrentIndex(1);
        const auto buttons = page->tabs()->widget(1)->findChildren<QPushButton *>();   // the Sources tab's
        const auto newSource = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *b) { return b->text() == QStringLiteral("&New source…"); });
        QTRY_VERIFY2((*newSource)->isEnabled(), qPrintable(serverLabel(page)->text()));
        (*newSource)->click();

        SourceDialog *dialog = page->sourceDialog();
        QTRY_VERIFY(dialog->isVisible());
        QTRY_COMPARE_WITH_TIMEOUT(dialog->definitionList()->model()->rowCount(), 2, 15'000);
        dialog->searchField()->setText(QStringLiteral("wareh"));
        QCOMPARE(dialog->definitionList()->model()->rowCount(), 1);
        QVERIFY(dialog->chooseDefinition(QStringLiteral("Warehouse DB")));
        SpecFormWidget *form = dialog->form();
        QTRY_VERIFY_WITH_TIMEOUT(form->editorAt(QStringLiteral("host")), 15'000);
        QCOMPARE(dialog->nameField()->text(), QStringLiteral("Warehouse DB"));
        QVERIFY(qobject_cast<QLineEdit *>(form->editorAt(QStringLiteral("password")))->echoMode() == QLineEdit::Password);

        // Every control of the dialog can be told apart by a screen reader: a name, a buddy label, or its text.
        QSet<const QWidget *> buddies;
        for (const QLabel *l : dialog->findChildren<QLabel *>())
            if (l->buddy())
                buddies.insert(l->buddy());
        for (QWidget *c : dialog->findChildren<QWidget *>()) {
            if (!c->isVisibleTo(dialog) || !(qobject_cast<QLineEdit *>(c) || qobject_cast<QComboBox *>(c) || qobject_cast<QAbstractButton *>(c)
                                             || qobject_cast<QPlainTextEdit *>(c) || qobject_cast<QListView *>(c)))
                continue;
            if (c->parentWidget() && qobject_cast<QComboBox *>(c->parentWidget()))
                continue;   // a combo box's own line edit
            const auto *b = qobject_cast<QAbstractButton *>(c);
            QVERIFY2(!c->accessibleName().isEmpty() || buddies.contains(c) || (b && !b->text().isEmpty()),
                     qPrintable(QStringLiteral("unnamed %1").arg(QString::fromLatin1(c->metaObject()->className()))));
        }

        setLine(form->editorAt(QStringLiteral("host")), QStringLiteral("db.internal"));
        setLine(form->editorAt(QStringLiteral("database")), QStringLiteral("shop"));
        setLine(form->editorAt(QStringLiteral("username")), QStringLiteral("loader"));
        setLine(form->editorAt(QStringLiteral("password")), QStringLiteral("hunter2-canary"));
        auto *ssl = qobject_cast<QComboBox *>(form->editorAt(QStringLiteral("ssl_mode")));
        QVERIFY2(ssl, "the oneOf group is a drop-down");
        ssl->setCurrentIndex(ssl->findText(QStringLiteral("verify-ca")));
        QVERIFY(form->editorAt(QStringLiteral("ssl_mode.ca_certificate")));
        dialog->nameField()->setText(QStringLiteral("Shop DB"));

        // The branch's required certificate is missing: marked at its field, nothing sent.
        dialog->saveButton()->click();
        QCOMPARE(form->problemAt(QStringLiteral("ssl_mode.ca_certificate")), QStringLiteral("required"));
        QCOMPARE(m_airbyte->count(QStringLiteral("sources/create")), 0);
        QVERIFY(dialog->isVisible());

        ssl->setCurrentIndex(ssl->findText(QStringLiteral("require")));
        // A failing check shows the connector's words and keeps everything typed.
        m_airbyte->setCheckFailure(definition, QStringLiteral("password authentication failed for user \"loader\""));
        dialog->checkButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusLabel()->text().contains(QStringLiteral("password authentication failed")), 15'000);
        QCOMPARE(qobject_cast<QLineEdit *>(form->editorAt(QStringLiteral("host")))->text(), QStringLiteral("db.internal"));
        m_airbyte->setCheckFailure(definition, QString());
        dialog->checkButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(dialog->statusLabel()->text().contains(QStringLiteral("succeeded")), 15'000);

        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(page->sourceModel()->rowCount(), 1, 15'000);
        QCOMPARE(cell(page->sourceModel(), 0, SourceListModel::Name), QStringLiteral("Shop DB"));
        QCOMPARE(cell(page->sourceModel(), 0, SourceListModel::Type), QStringLiteral("Warehouse DB"));
        const QString sourceId = page->sourceModel()->sourceAt(0).id;
        const QJsonObject stored = m_airbyte->storedConfiguration(sourceId);
        QCOMPARE(stored.value(u"password").toString(), QStringLiteral("hunter2-canary"));
        QCOMPARE(stored.value(u"port").toInt(), 5432);   // the spec's default filled the field
        QCOMPARE(stored.value(u"ssl_mode").toObject().value(u"mode").toString(), QStringLiteral("require"));

        // Edit: the secret comes back masked and, left so, stays as stored.
        page->sourceTable()->selectRow(0);
        const auto edit = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *b) { return b->text() == QStringLiteral("&Edit…"); });
        (*edit)->click();
        QTRY_VERIFY(dialog->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(form->editorAt(QStringLiteral("host"))
                                     && qobject_cast<QLineEdit *>(form->editorAt(QStringLiteral("host")))->text() == QStringLiteral("db.internal"),
                                 15'000);
        QCOMPARE(qobject_cast<QLineEdit *>(form->editorAt(QStringLiteral("password")))->text(), QStringLiteral("**********"));
        setLine(form->editorAt(QStringLiteral("host")), QStringLiteral("db2.internal"));
        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(m_airbyte->count(QStringLiteral("sources/update")), 1, 5000);
        QCOMPARE(m_airbyte->storedConfiguration(sourceId).value(u"host").toString(), QStringLiteral("db2.internal"));
        QCOMPARE(m_airbyte->storedConfiguration(sourceId).value(u"password").toString(), QStringLiteral("hunter2-canary"));

        // Check from the list records the result in the row.
        const auto check = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *b) { return b->text() == QStringLiteral("Check &connection"); });
        (*check)->click();
        QTRY_VERIFY_WITH_TIMEOUT(cell(page->sourceModel(), 0, SourceListModel::LastCheck).startsWith(QStringLiteral("Succeeded")), 15'000);
    }

    void deleteSourceRefusedWhileAConnectionReadsIt()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("shop → warehouse"));
        IngestWindow w(m_db->url());
        IngestPage *page = w.page();
        page->tabs()->setCurrentIndex(1);
        QTRY_COMPARE_WITH_TIMEOUT(page->sourceModel()->rowCount(), 1, 15'000);
        QCOMPARE(cell(page->sourceModel(), 0, SourceListModel::UsedBy), QStringLiteral("shop → warehouse"));
        page->sourceTable()->selectRow(0);
        const auto buttons = page->tabs()->widget(1)->findChildren<QPushButton *>();
        const auto del = std::find_if(buttons.cbegin(), buttons.cend(), [](QPushButton *b) { return b->text() == QStringLiteral("&Delete…"); });
        (*del)->click();
        answerYes(page);
        QTRY_VERIFY_WITH_TIMEOUT(page->noticeLabel()->text().contains(QStringLiteral("shop → warehouse")), 15'000);
        QVERIFY(m_airbyte->hasSource(source));
    }

    // Sync now runs the connection's airbyte-sync task through the runner: the lock shows while it runs,
    // then the last-sync cell says who and how many records, and the history lists the job with its log.
    void syncShowsLockThenLastSyncAndHistory()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        const QString connection = m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("shop → warehouse"));
        m_airbyte->setSyncCatalog(connection, AirbyteDouble::catalogOf(QStringLiteral("public"), {QStringLiteral("users"), QStringLiteral("orders")}));
        AirbyteDouble::JobPlan plan;
        plan.attemptDuration = std::chrono::milliseconds(1500);
        plan.recordsPerAttempt = 1234;
        m_airbyte->setJobPlan(connection, plan);
        IngestWindow w(m_db->url());
        ConnectionsTab *tab = w.page()->connectionsTab();
        QAbstractItemModelTester tester(tab->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester jobsTester(tab->jobModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 1, 15'000);
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::Route), QStringLiteral("Shop DB → Warehouse"));
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::LastSync), QStringLiteral("Never synced"));
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::Status), QStringLiteral("Active"));
        QCOMPARE(tab->selectedId(), connection);

        const auto buttons = tab->findChildren<QPushButton *>();
        const auto byText = [&](const QString &t) {
            return *std::find_if(buttons.cbegin(), buttons.cend(), [&](QPushButton *b) { return b->text() == t; });
        };
        byText(QStringLiteral("&Sync now"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::Lock).startsWith(QStringLiteral("Running")), 15'000);
        QVERIFY(byText(QStringLiteral("&Cancel sync"))->isEnabled());
        QVERIFY(!byText(QStringLiteral("&Sync now"))->isEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::LastSync).startsWith(QStringLiteral("Succeeded")), 20'000);
        const QString last = cell(tab->model(), 0, ConnectionListModel::LastSync);
        QVERIFY2(last.contains(kActor), qPrintable(last));
        QVERIFY2(last.contains(QLocale().toString(1234)), qPrintable(last));
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::Lock), QStringLiteral("Free"));
        // The task the page made is the org's, a normal airbyte-sync task with the connection.
        auto tasks = OrgTaskStore(*m_db, kActor).list(m_org.id);
        QVERIFY(tasks);
        QVERIFY(std::any_of(tasks->cbegin(), tasks->cend(), [&](const OrgTask &t) { return t.slug == u"airbyte-sync" && t.connectionId == connection; }));

        byText(QStringLiteral("Refresh &history"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(tab->jobModel()->rowCount(), 1, 15'000);
        QCOMPARE(cell(tab->jobModel(), 0, SyncJobListModel::Status), QStringLiteral("Succeeded"));
        QCOMPARE(cell(tab->jobModel(), 0, SyncJobListModel::Records), QLocale().toString(1234));
        tab->jobTable()->selectRow(0);
        auto *attempts = tab->findChild<QPlainTextEdit *>();
        QTRY_VERIFY_WITH_TIMEOUT(attempts->toPlainText().contains(QStringLiteral("END REPLICATION")), 15'000);

        // A second sync, cancelled while it runs: the run is cancelled and the job too.
        plan.attemptDuration = std::chrono::milliseconds(30'000);
        m_airbyte->setJobPlan(connection, plan);
        byText(QStringLiteral("&Sync now"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(byText(QStringLiteral("&Cancel sync"))->isEnabled(), 15'000);
        QTRY_VERIFY_WITH_TIMEOUT(m_airbyte->count(QStringLiteral("connections/sync")) == 2, 15'000);
        byText(QStringLiteral("&Cancel sync"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::LastSync).startsWith(QStringLiteral("Cancelled")), 20'000);
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::Lock), QStringLiteral("Free"));

        // Clear asks first, then runs the airbyte-clear task: a clear job shows in the history.
        plan.attemptDuration = std::chrono::milliseconds(100);
        m_airbyte->setJobPlan(connection, plan);
        byText(QStringLiteral("C&lear…"))->click();
        dropData(tab, {});
        QTRY_VERIFY_WITH_TIMEOUT(m_airbyte->count(QStringLiteral("connections/clear")) == 1, 15'000);
        // The clear's run ends and lets go of its lock (no run of this window is left when it closes).
        QTRY_VERIFY_WITH_TIMEOUT(LockStore(*m_db).status(m_org.id, 0).value_or(QList<TaskLockStatus>{TaskLockStatus{}}).isEmpty(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::Lock), QStringLiteral("Free"), 15'000);
        byText(QStringLiteral("Refresh &history"))->click();
        QTRY_VERIFY_WITH_TIMEOUT(tab->jobModel()->rowCount() == 3 && cell(tab->jobModel(), 0, SyncJobListModel::Kind).startsWith(QStringLiteral("Clear")), 15'000);
        QCOMPARE(cell(tab->jobModel(), 0, SyncJobListModel::Kind), QStringLiteral("Clear · 2 streams"));
        QCOMPARE(cell(tab->jobModel(), 0, SyncJobListModel::Status), QStringLiteral("Succeeded"));
        QCOMPARE(cell(tab->jobModel(), 1, SyncJobListModel::Status), QStringLiteral("Cancelled"));

        // Clear of one chosen stream: its own task (the streams option, named in its label), the
        // per-stream route, and the history names the stream.
        byText(QStringLiteral("C&lear…"))->click();
        dropData(tab, {QStringLiteral("public.orders")});
        QTRY_VERIFY_WITH_TIMEOUT(m_airbyte->count(QStringLiteral("connections/clear/stream")) == 1, 15'000);
        QCOMPARE(m_airbyte->count(QStringLiteral("connections/clear")), 1);
        const auto streamsSent = [&] {
            for (const auto &req : m_airbyte->requests())
                if (req.endpoint == QLatin1String("connections/clear/stream"))
                    return req.body.value(QLatin1String("streams")).toArray();
            return QJsonArray();
        }();
        QCOMPARE(streamsSent, (QJsonArray{QJsonObject{{QStringLiteral("streamName"), QStringLiteral("orders")},
                                                      {QStringLiteral("streamNamespace"), QStringLiteral("public")}}}));
        QTRY_VERIFY_WITH_TIMEOUT(LockStore(*m_db).status(m_org.id, 0).value_or(QList<TaskLockStatus>{TaskLockStatus{}}).isEmpty(), 15'000);
        tasks = OrgTaskStore(*m_db, kActor).list(m_org.id);
        QVERIFY(tasks);
        const auto streamTask = std::find_if(tasks->cbegin(), tasks->cend(), [&](const OrgTask &t) {
            return t.slug == u"airbyte-clear" && t.parameters.options.contains(QStringLiteral("streams"));
        });
        QVERIFY(streamTask != tasks->cend());
        QCOMPARE(streamTask->label, QStringLiteral("Clear public.orders of shop → warehouse"));
        byText(QStringLiteral("Refresh &history"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(tab->jobModel()->rowCount(), 4, 15'000);
        QCOMPARE(cell(tab->jobModel(), 0, SyncJobListModel::Kind), QStringLiteral("Clear · public.orders"));

        // The same choice again runs the same task: one task per choice of streams, not one per click.
        QTRY_COMPARE_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::Lock), QStringLiteral("Free"), 15'000);
        tab->selectConnection(connection);
        QTRY_VERIFY(byText(QStringLiteral("C&lear…"))->isEnabled());
        byText(QStringLiteral("C&lear…"))->click();
        dropData(tab, {QStringLiteral("public.orders")});
        QTRY_VERIFY_WITH_TIMEOUT(m_airbyte->count(QStringLiteral("connections/clear/stream")) == 2, 15'000);
        tasks = OrgTaskStore(*m_db, kActor).list(m_org.id);
        QVERIFY(tasks);
        QCOMPARE(std::count_if(tasks->cbegin(), tasks->cend(), [](const OrgTask &t) { return t.parameters.options.contains(QStringLiteral("streams")); }), 1);
        QTRY_VERIFY_WITH_TIMEOUT(LockStore(*m_db).status(m_org.id, 0).value_or(QList<TaskLockStatus>{TaskLockStatus{}}).isEmpty(), 15'000);

        // Choosing streams but ticking none leaves nothing to drop: the button waits; Cancel sends nothing.
        QTRY_COMPARE_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::Lock), QStringLiteral("Free"), 15'000);
        QTRY_VERIFY(byText(QStringLiteral("&Reset…"))->isEnabled());
        byText(QStringLiteral("&Reset…"))->click();
        DropDataDialog *dialog = shownDropDialog(tab);
        QVERIFY(dialog);
        QCOMPARE(dialog->streamList()->count(), 2);
        dialog->chosenStreamsButton()->setChecked(true);
        QVERIFY(!dialog->dropButton()->isEnabled());
        dialog->filterField()->setText(QStringLiteral("ord"));
        QVERIFY(dialog->streamList()->item(0)->isHidden());
        QVERIFY(!dialog->streamList()->item(1)->isHidden());
        dialog->reject();
        QTest::qWait(200);
        QCOMPARE(m_airbyte->count(QStringLiteral("connections/reset")) + m_airbyte->count(QStringLiteral("connections/reset/stream")), 0);
    }

    // A sync the server ran for someone else (its scheduler, its web UI) shows in the last-sync cell once
    // the page reads the server again, said to be Airbyte's.
    void syncStartedElsewhereShowsInLastSync()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("CRM"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        const QString connection = m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("crm → warehouse"));
        AirbyteDouble::JobPlan plan;
        plan.attemptDuration = std::chrono::milliseconds(100);
        plan.recordsPerAttempt = 777;
        m_airbyte->setJobPlan(connection, plan);
        IngestWindow w(m_db->url());
        ConnectionsTab *tab = w.page()->connectionsTab();
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 1, 15'000);
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::LastSync), QStringLiteral("Never synced"));
        const qint64 job = m_airbyte->startJob(connection);
        QTRY_COMPARE_WITH_TIMEOUT(m_airbyte->jobStatus(job), QStringLiteral("succeeded"), 15'000);
        QMetaObject::invokeMethod(w.services.ingest(), &IngestService::refresh, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(cell(tab->model(), 0, ConnectionListModel::LastSync).startsWith(QStringLiteral("Succeeded")), 15'000);
        const QString last = cell(tab->model(), 0, ConnectionListModel::LastSync);
        QVERIFY2(last.contains(QStringLiteral("Airbyte")), qPrintable(last));
        QVERIFY2(last.contains(QLocale().toString(777)), qPrintable(last));
    }

    // New connection: discover the source's streams, choose one with an incremental, deduplicated mode (its
    // cursor and key asked for before anything is sent), a prefix; then Refresh schema lists what changed.
    void createConnectionWithChosenStreamsThenRefreshSchema()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        const auto streamOf = [](const QString &name, const QJsonObject &properties, const QStringList &modes) {
            return QJsonObject{{QStringLiteral("stream"),
                                QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), QStringLiteral("public")},
                                            {QStringLiteral("jsonSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                                                                       {QStringLiteral("properties"), properties}}},
                                            {QStringLiteral("supportedSyncModes"), QJsonArray::fromStringList(modes)}}},
                               {QStringLiteral("config"), QJsonObject{{QStringLiteral("syncMode"), QStringLiteral("full_refresh")},
                                                                      {QStringLiteral("destinationSyncMode"), QStringLiteral("overwrite")},
                                                                      {QStringLiteral("selected"), true}}}};
        };
        const QJsonObject integer{{QStringLiteral("type"), QStringLiteral("integer")}}, text{{QStringLiteral("type"), QStringLiteral("string")}};
        const QStringList both{QStringLiteral("full_refresh"), QStringLiteral("incremental")};
        QJsonObject orderFields{{QStringLiteral("id"), integer}, {QStringLiteral("updated_at"), text}, {QStringLiteral("total"), integer}};
        m_airbyte->setDiscoveredCatalog(source, {{QStringLiteral("streams"), QJsonArray{streamOf(QStringLiteral("orders"), orderFields, both),
                                                                                         streamOf(QStringLiteral("customers"), {{QStringLiteral("id"), integer}},
                                                                                                  {QStringLiteral("full_refresh")})}}});
        IngestWindow w(m_db->url());
        ConnectionsTab *tab = w.page()->connectionsTab();
        QTRY_VERIFY_WITH_TIMEOUT(serverLabel(w.page())->text().contains(m_workspace), 15'000);
        const auto buttons = tab->findChildren<QPushButton *>();
        const auto byText = [&](const QString &t) {
            return *std::find_if(buttons.cbegin(), buttons.cend(), [&](QPushButton *b) { return b->text() == t; });
        };
        QTRY_VERIFY(byText(QStringLiteral("&New connection…"))->isEnabled());
        byText(QStringLiteral("&New connection…"))->click();
        ConnectionDialog *dialog = w.page()->connectionDialog();
        QTRY_VERIFY(dialog->isVisible());
        QAbstractItemModelTester tester(dialog->streams(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(dialog->sourceBox()->count(), 1);
        QCOMPARE(dialog->nameField()->text(), QStringLiteral("Shop DB (Postgres) → Warehouse (BigQuery)"));
        dialog->nameField()->setText(QStringLiteral("shop → warehouse"));
        dialog->discoverButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(dialog->streams()->rowCount(), 2, 15'000);
        QCOMPARE(dialog->streams()->catalog().selectedCount(), 0);   // the user chooses
        dialog->saveButton()->click();
        QCOMPARE(dialog->statusLabel()->text(), QStringLiteral("Choose at least one stream to sync."));
        StreamListModel *streams = dialog->streams();
        const int orders = streams->index(0, StreamListModel::Stream).data().toString() == QStringLiteral("public.orders") ? 0 : 1;
        QVERIFY(streams->setData(streams->index(orders, StreamListModel::Sync), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(streams->setData(streams->index(orders, StreamListModel::Mode), QStringLiteral("incremental_append_dedup")));
        dialog->saveButton()->click();
        QCOMPARE(dialog->statusLabel()->text(), QStringLiteral("public.orders: incremental needs a cursor field"));
        QCOMPARE(m_airbyte->count(QStringLiteral("connections/create")), 0);
        QVERIFY(streams->setData(streams->index(orders, StreamListModel::Cursor), QStringLiteral("updated_at")));
        QVERIFY(streams->setData(streams->index(orders, StreamListModel::PrimaryKey), QStringLiteral("id")));
        dialog->prefixField()->setText(QStringLiteral("shop_"));
        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 15'000);
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 1, 15'000);
        const QString id = tab->model()->connectionAt(0).id;
        const QJsonObject stored = m_airbyte->connectionRead(id);
        QCOMPARE(stored.value(u"prefix").toString(), QStringLiteral("shop_"));
        QCOMPARE(stored.value(u"name").toString(), QStringLiteral("shop → warehouse"));
        const SyncCatalog saved = SyncCatalog::fromJson(stored.value(u"syncCatalog").toObject());
        QCOMPARE(saved.streams.size(), 2);
        QCOMPARE(saved.selectedCount(), 1);
        const CatalogStream &o = saved.streams.at(orders);
        QVERIFY(o.selected);
        QCOMPARE(o.mode(), QStringLiteral("incremental_append_dedup"));
        QCOMPARE(o.cursorField, QStringList{QStringLiteral("updated_at")});
        QCOMPARE(o.primaryKey, QList<QStringList>{QStringList{QStringLiteral("id")}});

        // The source gains a field and a stream: Refresh schema says so, and Save keeps the choices.
        orderFields.insert(QStringLiteral("discount"), QJsonObject{{QStringLiteral("type"), QStringLiteral("number")}});
        m_airbyte->setDiscoveredCatalog(source, {{QStringLiteral("streams"), QJsonArray{streamOf(QStringLiteral("orders"), orderFields, both),
                                                                                         streamOf(QStringLiteral("customers"), {{QStringLiteral("id"), integer}},
                                                                                                  {QStringLiteral("full_refresh")}),
                                                                                         streamOf(QStringLiteral("refunds"), {{QStringLiteral("id"), integer}}, both)}}});
        tab->selectConnection(id);
        byText(QStringLiteral("Refresh &schema…"))->click();
        QTRY_VERIFY(dialog->isVisible());
        QTRY_VERIFY_WITH_TIMEOUT(dialog->changesView()->toPlainText().contains(QStringLiteral("stream public.refunds added")), 15'000);
        QVERIFY(dialog->changesView()->toPlainText().contains(QStringLiteral("public.orders: field discount added (number)")));
        QCOMPARE(dialog->streams()->rowCount(), 3);
        dialog->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog->isVisible(), 15'000);
        const SyncCatalog refreshed = SyncCatalog::fromJson(m_airbyte->connectionRead(id).value(u"syncCatalog").toObject());
        QCOMPARE(refreshed.streams.size(), 3);
        QCOMPARE(refreshed.selectedCount(), 1);
        const auto kept = std::find_if(refreshed.streams.cbegin(), refreshed.streams.cend(), [](const CatalogStream &s) { return s.selected; });
        QCOMPARE(kept->name, QStringLiteral("orders"));
        QCOMPARE(kept->mode(), QStringLiteral("incremental_append_dedup"));
    }

    // The Connections tab from the command line: create with chosen streams, show, edit, clear, jobs, delete.
    void connectionCommands()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        const auto streamOf = [](const QString &name) {
            return QJsonObject{{QStringLiteral("stream"), QJsonObject{{QStringLiteral("name"), name},
                                                                      {QStringLiteral("supportedSyncModes"), QJsonArray{QStringLiteral("full_refresh")}}}},
                               {QStringLiteral("config"), QJsonObject{{QStringLiteral("syncMode"), QStringLiteral("full_refresh")},
                                                                      {QStringLiteral("destinationSyncMode"), QStringLiteral("overwrite")}}}};
        };
        m_airbyte->setDiscoveredCatalog(source, {{QStringLiteral("streams"), QJsonArray{streamOf(QStringLiteral("orders")), streamOf(QStringLiteral("customers"))}}});

        Cli bad = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("create"), QStringLiteral("--org"), m_org.slug,
                             QStringLiteral("--source"), source, QStringLiteral("--destination"), destination, QStringLiteral("--name"), QStringLiteral("x"),
                             QStringLiteral("--streams"), QStringLiteral("nope")});
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains("no stream named \"nope\""), bad.err.constData());
        QCOMPARE(m_airbyte->count(QStringLiteral("connections/create")), 0);

        Cli created = sluicectl({QStringLiteral("--json"), QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("create"),
                                 QStringLiteral("--org"), m_org.slug, QStringLiteral("--source"), source, QStringLiteral("--destination"), destination,
                                 QStringLiteral("--name"), QStringLiteral("shop"), QStringLiteral("--streams"), QStringLiteral("orders")});
        QVERIFY2(created.exitCode == 0, created.err.constData());
        const QString id = QJsonDocument::fromJson(created.out).object().value(u"connection_id").toString();
        QVERIFY(!id.isEmpty());
        const SyncCatalog catalog = SyncCatalog::fromJson(m_airbyte->connectionRead(id).value(u"syncCatalog").toObject());
        QCOMPARE(catalog.selectedCount(), 1);
        QVERIFY(std::any_of(catalog.streams.cbegin(), catalog.streams.cend(), [](const CatalogStream &s) { return s.selected && s.name == u"orders"; }));

        Cli shown = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("show"), id});
        QVERIFY2(shown.exitCode == 0, shown.err.constData());
        QVERIFY2(shown.out.contains("stream orders: full_refresh / overwrite") && !shown.out.contains("stream customers"), shown.out.constData());

        QCOMPARE(sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("edit"), id, QStringLiteral("--status"),
                            QStringLiteral("inactive")}).exitCode, 0);
        QCOMPARE(m_airbyte->connectionRead(id).value(u"status").toString(), QStringLiteral("inactive"));
        Cli wrong = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("edit"), id, QStringLiteral("--status"), QStringLiteral("paused")});
        QCOMPARE(wrong.exitCode, 1);
        QVERIFY(wrong.err.contains("active or inactive"));

        Cli cleared = sluicectl({QStringLiteral("--json"), QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("clear"), id});
        QVERIFY2(cleared.exitCode == 0, cleared.err.constData());
        // Chosen streams: a stream the connection does not sync is refused before anything is dropped.
        Cli notSynced = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("clear"), id,
                                   QStringLiteral("--streams"), QStringLiteral("customers")});
        QCOMPARE(notSynced.exitCode, 1);
        QVERIFY2(notSynced.err.contains("syncs no stream \"customers\"; it has orders"), notSynced.err.constData());
        QCOMPARE(m_airbyte->count(QStringLiteral("connections/clear/stream")), 0);
        Cli oneStream = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("clear"), id,
                                   QStringLiteral("--streams"), QStringLiteral("orders")});
        QVERIFY2(oneStream.exitCode == 0, oneStream.err.constData());
        QVERIFY2(oneStream.out.contains("clear (orders) job"), oneStream.out.constData());
        QCOMPARE(m_airbyte->requests().last().endpoint, QStringLiteral("connections/clear/stream"));
        QCOMPARE(m_airbyte->requests().last().body.value(u"streams").toArray(),
                 (QJsonArray{QJsonObject{{QStringLiteral("streamName"), QStringLiteral("orders")}}}));
        Cli jobs = sluicectl({QStringLiteral("--json"), QStringLiteral("airbyte"), QStringLiteral("jobs"), QStringLiteral("--connection"), id});
        QVERIFY2(jobs.exitCode == 0, jobs.err.constData());
        const QJsonArray list = QJsonDocument::fromJson(jobs.out).array();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.first().toObject().value(u"config_type").toString(), QStringLiteral("clear"));
        QCOMPARE(list.first().toObject().value(u"streams").toArray(), QJsonArray{QStringLiteral("orders")});
        QCOMPARE(list.last().toObject().value(u"config_type").toString(), QStringLiteral("clear"));

        QCOMPARE(sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("delete"), id}).exitCode, 0);
        QVERIFY(m_airbyte->connectionRead(id).isEmpty());
        Cli gone = sluicectl({QStringLiteral("airbyte"), QStringLiteral("connection"), QStringLiteral("show"), id});
        QVERIFY(gone.exitCode != 0);
    }

    // A connection deleted on the server while listed: the next refresh drops it, nothing breaks.
    void connectionDeletedOnTheServerLeavesTheList()
    {
        connectServer();
        const QString source = m_airbyte->addSource(m_workspace, QStringLiteral("Shop DB"));
        const QString destination = m_airbyte->addDestination(m_workspace, QStringLiteral("Warehouse"));
        const QString gone = m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("gone"));
        m_airbyte->addConnection(m_workspace, source, destination, QStringLiteral("kept"));
        IngestWindow w(m_db->url());
        ConnectionsTab *tab = w.page()->connectionsTab();
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 2, 15'000);
        m_airbyte->removeConnection(gone);
        QMetaObject::invokeMethod(w.services.ingest(), &IngestService::refresh, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(tab->model()->rowCount(), 1, 15'000);
        QCOMPARE(cell(tab->model(), 0, ConnectionListModel::Name), QStringLiteral("kept"));
    }
};

QTEST_MAIN(tst_IngestPage)
#include "tst_ingestpage.moc"
