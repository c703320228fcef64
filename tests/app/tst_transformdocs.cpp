// The Transform page's docs, through the real MainWindow wired by DesktopServices to its services and a
// real store of each backend, with the dbt double: what stops Generate or Open is said (no project, no
// dbt, never generated); Generate runs the org's docs task as Execute runs a task (its log shows, --static
// exactly when the workspace's dbt is 1.7+, one task reused); Open gives a URL — the static file, or the
// loopback server over target/ — that, fetched, is the docs site (the browser is not started: the bar's
// opener is replaced); the server stops when the app quits.
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "mainwindow.h"
#include "pages/transform/docsbar.h"
#include "pages/transform/transformpage.h"
#include "store/orgtaskstore.h"
#include "store/warehousestore.h"
#include "store/workspacestore.h"
#include "widgets/logview.h"

#include <QDir>
#include <QFile>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {

const QString kActor = QStringLiteral("alice@laptop");
const QString kManifest = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/artifacts/ok/json/ls/manifest.json");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

struct Fetched
{
    bool ok = false;
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

Fetched fetch(const QUrl &url)
{
    QNetworkAccessManager nam;
    std::unique_ptr<QNetworkReply> reply(nam.get(QNetworkRequest(url)));
    QSignalSpy done(reply.get(), &QNetworkReply::finished);
    if (!done.wait(10'000))
        return {};
    return {reply->error() == QNetworkReply::NoError, reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll()};
}

} // namespace

class tst_TransformDocs : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;
    QString m_checkout;
    int m_checkouts = 0;

    static DesktopServicesOptions options() { return test::desktopTestOptions(kActor); }

    // A checkout (a new folder each time) with the recorded jaffle_shop manifest, dbt as given, and a
    // duckdb warehouse (no secret needed).
    void setUpWorkspace(const QString &dbtVersion, const QString &dbt)
    {
        m_checkout = m_fixture.tempDir().filePath(QStringLiteral("checkout-%1").arg(++m_checkouts));
        QVERIFY(QDir().mkpath(m_checkout + QStringLiteral("/.git")));
        QVERIFY(QDir().mkpath(m_checkout + QStringLiteral("/jaffle/target")));
        QVERIFY(QFile::copy(kManifest, m_checkout + QStringLiteral("/jaffle/target/manifest.json")));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://git.example/acme/jaffle.git");
        ws.projectDir = QStringLiteral("jaffle");
        ws.checkoutPath = m_checkout;
        ws.dbtExecutable = dbt;
        ws.dbtVersion = dbtVersion;
        QVERIFY(WorkspaceStore(*m_db, kActor).set(m_org.id, ws));
        Warehouse wh;
        wh.type = QStringLiteral("duckdb");
        wh.settings = QJsonObject{{QStringLiteral("path"), m_fixture.tempDir().filePath(QStringLiteral("w.duckdb"))}};
        QVERIFY(WarehouseStore(*m_db, kActor).set(m_org.id, wh));
    }
    QString target() const { return m_checkout + QStringLiteral("/jaffle/target"); }

    // The dbt double, but `dbt --version` says `version` (nothing it can read when empty), as an
    // older or odd dbt would: what decides --static is what the executable says, and the workspace
    // records that.
    QString doubleSaying(const QString &version)
    {
        const QString path = m_fixture.tempDir().filePath(QStringLiteral("dbt-%1/dbt").arg(version.isEmpty() ? QStringLiteral("unknown") : version));
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile script(path);
        if (!script.open(QIODevice::WriteOnly))
            return {};
        const QByteArray says = version.isEmpty() ? QByteArrayLiteral("echo 'dbt (development build)'")
                                                  : "printf 'Core:\\n  - installed: " + version.toUtf8() + "\\n'";
        script.write("#!/bin/sh\nif [ \"$1\" = --version ]; then " + says + "; exit 0; fi\nexec '" DBTDOUBLE_PATH "' \"$@\"\n");
        script.close();
        script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
        return path;
    }

    static QString runStatus(TransformPage *page)
    {
        const auto labels = page->findChildren<QLabel *>();
        for (QLabel *l : labels)
            if (l->accessibleName() == QLatin1String("Task run status"))
                return l->text();
        return {};
    }

    static void quit(MainWindow &window, DesktopServices &services)
    {
        QSignalSpy finished(&services, &DesktopServices::finished);
        Q_EMIT window.quitRequested();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
    }

    void cleanup()
    {
        m_db.reset();
        qunsetenv("SLUICE_DBT_DOUBLE_ARGV_FILE");
    }

    // What stops Generate and Open is said beside them, and the buttons are off.
    void saysWhyItCannot_data()
    {
        QTest::addColumn<QString>("setup");   // none | no-dbt | never
        QTest::addColumn<bool>("canGenerate");
        QTest::addColumn<QString>("reason");
        QTest::newRow("no project") << "none" << false << "No dbt project yet";
        QTest::newRow("no dbt") << "no-dbt" << false << "does not exist or cannot be run. Fix: Browse…";
        QTest::newRow("never generated") << "never" << true << "Generate docs first";
    }
    void saysWhyItCannot()
    {
        QFETCH(QString, setup);
        QFETCH(bool, canGenerate);
        QFETCH(QString, reason);
        if (setup == QLatin1String("no-dbt"))
            setUpWorkspace(QStringLiteral("1.8.9"), m_fixture.tempDir().filePath(QStringLiteral("no/such/dbt")));
        else if (setup == QLatin1String("never"))
            setUpWorkspace(QStringLiteral("1.8.9"), QStringLiteral(DBTDOUBLE_PATH));
        MainWindow window;
        window.show();
        window.showPage(MainWindow::Transform);
        DesktopServices services(window, m_db->url(), options());
        services.start();
        DocsBar *docs = window.transformPage()->docsBar();
        QTRY_VERIFY2_WITH_TIMEOUT(docs->statusText().contains(reason), qPrintable(docs->statusText()), 15'000);
        QCOMPARE(docs->generateButton()->isEnabled(), canGenerate);
        QVERIFY(!docs->openButton()->isEnabled());
        QVERIFY(docs->openButton()->toolTip().contains(QLatin1String("Generate docs first")) || !canGenerate);
        if (!canGenerate)
            QVERIFY2(docs->generateButton()->toolTip().contains(reason), qPrintable(docs->generateButton()->toolTip()));
        for (QWidget *w : {static_cast<QWidget *>(docs->generateButton()), static_cast<QWidget *>(docs->openButton())})
            QVERIFY(!w->accessibleName().isEmpty());
        QCOMPARE(docs->generateButton()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_R));
        QCOMPARE(docs->openButton()->shortcut(), QKeySequence(Qt::ALT | Qt::Key_C));
        quit(window, services);
    }

    void generateAndOpen_data()
    {
        QTest::addColumn<QString>("stored");   // the workspace's dbt version before
        QTest::addColumn<QString>("says");     // what its dbt's --version says
        QTest::addColumn<bool>("staticSite");
        QTest::newRow("dbt 1.8.9: --static, opened as a file") << "1.8.9" << "1.8.9" << true;
        QTest::newRow("dbt 1.6.4: served on 127.0.0.1") << "1.6.4" << "1.6.4" << false;
        QTest::newRow("version unknown: served") << "" << "" << false;
        QTest::newRow("recorded 1.6.4, upgraded to 1.8.9 since: --static") << "1.6.4" << "1.8.9" << true;
    }
    void generateAndOpen()
    {
        QFETCH(QString, stored);
        QFETCH(QString, says);
        QFETCH(bool, staticSite);
        setUpWorkspace(stored, says == QLatin1String("1.8.9") ? QStringLiteral(DBTDOUBLE_PATH) : doubleSaying(says));
        const QString argvFile = m_fixture.tempDir().filePath(QStringLiteral("argv-%1").arg(m_checkouts));
        qputenv("SLUICE_DBT_DOUBLE_ARGV_FILE", argvFile.toLocal8Bit());
        qputenv("SLUICE_DBT_DOUBLE_SCENARIO", "ok");

        MainWindow window;
        window.show();
        window.showPage(MainWindow::Transform);
        DesktopServices services(window, m_db->url(), options());
        services.start();
        TransformPage *page = window.transformPage();
        DocsBar *docs = page->docsBar();
        QList<QUrl> opened;
        docs->setOpener([&opened](const QUrl &url) {
            opened << url;
            return true;
        });
        QSignalSpy urls(docs, &DocsBar::urlReady);
        QTRY_VERIFY_WITH_TIMEOUT(docs->generateButton()->isEnabled(), 15'000);
        QVERIFY(!QFileInfo::exists(target() + QStringLiteral("/index.html")));
        // What the executable says is recorded on the workspace (an unreadable answer changes nothing).
        QTRY_COMPARE_WITH_TIMEOUT(WorkspaceStore(*m_db, kActor).get(m_org.id).value_or(DbtWorkspace{}).dbtVersion, says.isEmpty() ? stored : says, 10'000);

        // Generate: the docs task runs as Execute runs one, its log in the Tasks tab.
        auto *tabs = page->findChild<QTabWidget *>();
        QVERIFY(tabs);
        tabs->setCurrentIndex(1); // from the Models tab
        docs->generateButton()->click();
        QVERIFY(!docs->generateButton()->isEnabled()); // busy at once
        QTRY_VERIFY2_WITH_TIMEOUT(page->log()->toPlainText().contains(QLatin1String("Catalog written to")), qPrintable(runStatus(page)), 20'000);
        QCOMPARE(tabs->currentIndex(), 0);
        QTRY_VERIFY2_WITH_TIMEOUT(runStatus(page).contains(QLatin1String("ucce")), qPrintable(runStatus(page)), 15'000);
        QVERIFY(QFileInfo::exists(target() + QStringLiteral("/index.html")));
        QCOMPARE(QFileInfo::exists(target() + QStringLiteral("/static_index.html")), staticSite);
        const QString argv = QString::fromUtf8(readFile(argvFile));
        QVERIFY2(argv.contains(QLatin1String("docs\x1fgenerate")), qPrintable(argv));
        QCOMPARE(argv.contains(QLatin1String("--static")), staticSite);
        const auto docsTasks = [&] {
            QList<OrgTask> out;
            for (const OrgTask &t : OrgTaskStore(*m_db, kActor).list(m_org.id).value_or(QList<OrgTask>{}))
                if (t.slug == QLatin1String("dbt-docs-generate"))
                    out << t;
            return out;
        };
        QCOMPARE(docsTasks().size(), 1);
        QCOMPARE(docsTasks().first().parameters.flags, staticSite ? QStringList{QStringLiteral("static")} : QStringList{});

        // Open: the URL the browser would get is the docs site.
        QTRY_VERIFY_WITH_TIMEOUT(docs->openButton()->isEnabled() && docs->generateButton()->isEnabled(), 10'000);
        docs->openButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 1, 10'000);
        const QUrl url = urls.first().first().toUrl();
        QCOMPARE(opened, QList<QUrl>{url});
        if (staticSite) {
            QVERIFY2(url.isLocalFile(), qPrintable(url.toString()));
            QCOMPARE(url.toLocalFile(), QFileInfo(target() + QStringLiteral("/static_index.html")).absoluteFilePath());
            const Fetched page = fetch(url);
            QVERIFY(page.ok);
            QVERIFY(page.body.contains("dbt Docs"));
            QVERIFY(!page.body.contains("MANIFEST.JSON INLINE DATA")); // the manifest is inside
            QVERIFY(page.body.contains(readFile(target() + QStringLiteral("/manifest.json"))));
        } else {
            QCOMPARE(url.scheme(), QStringLiteral("http"));
            QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));
            QCOMPARE(url.path(), QStringLiteral("/index.html"));
            const Fetched index = fetch(url);
            QVERIFY(index.ok);
            QCOMPARE(index.status, 200);
            QCOMPARE(index.contentType, QByteArray("text/html; charset=utf-8"));
            QCOMPARE(index.body, readFile(target() + QStringLiteral("/index.html")));
            const Fetched manifest = fetch(url.resolved(QUrl(QStringLiteral("manifest.json"))));
            QCOMPARE(manifest.status, 200);
            QCOMPARE(manifest.contentType, QByteArray("application/json"));
            QCOMPARE(manifest.body, readFile(target() + QStringLiteral("/manifest.json")));
            QCOMPARE(fetch(url.resolved(QUrl(QStringLiteral("catalog.json")))).status, 200);
        }

        // Generate again: the same task; Open again: the same URL (the one server kept).
        docs->generateButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!docs->generateButton()->isEnabled(), 5'000);
        QTRY_VERIFY_WITH_TIMEOUT(docs->generateButton()->isEnabled(), 20'000);
        QCOMPARE(docsTasks().size(), 1);
        docs->openButton()->click();
        QTRY_COMPARE_WITH_TIMEOUT(urls.size(), 2, 10'000);
        QCOMPARE(urls.at(1).first().toUrl(), url);

        quit(window, services);
        if (!staticSite) // stopped with the app
            QVERIFY(!fetch(url).ok);
    }
};

QTEST_MAIN(tst_TransformDocs)
#include "tst_transformdocs.moc"
