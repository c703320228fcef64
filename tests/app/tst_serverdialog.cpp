// The Airbyte server dialog as a person uses it, through the real window wired by DesktopServices, a real
// store of each backend, a real keychain and the Airbyte double over HTTP: a server that is down, a wrong
// password, a refused client secret and a server that wants credentials each get their own words; a good
// Test shows the version and lists the workspaces; a workspace is made there; Save keeps the server, the
// secret in the keychain only, and the org's workspace, and the Ingest page then reads that server.
#include "airbytedouble.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "mainwindow.h"
#include "pages/ingest/ingestpage.h"
#include "pages/ingest/serverdialog.h"
#include "secrets/secretstore.h"
#include "store/airbyteserverstore.h"
#include "store/orgstore.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTest>

#include <QCoro/QCoroTask>

using namespace sluice;
using sluice::test::AirbyteDouble;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");

void type(QLineEdit *line, const QString &text)
{
    line->setText(text);
    Q_EMIT line->textEdited(text);
}

void chooseAuth(ServerDialog *d, AirbyteAuthKind kind) { d->authBox()->setCurrentIndex(d->authBox()->findData(int(kind))); }
} // namespace

class tst_ServerDialog : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    Org m_org;

    struct Window {
        MainWindow window;
        DesktopServices services;
        explicit Window(const DbUrl &url) : services(window, url, test::desktopTestOptions(kActor))
        {
            window.show();
            window.showPage(MainWindow::Ingest);
            services.start();
        }
        ServerDialog *open()
        {
            window.ingestPage()->serverButton()->click();
            return window.ingestPage()->serverDialog();
        }
    };

    static void test(ServerDialog *d, const QString &expect)
    {
        d->testButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(d->testButton()->isEnabled() && d->statusLabel()->text().contains(expect), qPrintable(d->statusLabel()->text()), 30'000);
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

    void cleanup() { m_db.reset(); }

    void basicAuthTestedChosenAndSaved()
    {
        AirbyteDouble::Options o;
        o.auth = AirbyteDouble::Auth::Basic;
        o.user = QStringLiteral("airbyte");
        o.secret = QStringLiteral("right-Pa55word");
        AirbyteDouble airbyte(o);
        QVERIFY(airbyte.listen() != 0);
        const QString existing = airbyte.addWorkspace(QStringLiteral("Default"));

        Window w(m_db->url());
        ServerDialog *d = w.open();
        QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("No Airbyte server yet")), 15'000);

        // Down: nothing listens on the port.
        quint16 closed = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost));
            closed = probe.serverPort();
        }
        type(d->urlField(), QStringLiteral("http://127.0.0.1:%1").arg(closed));
        test(d, QStringLiteral("Nothing answers at"));

        // The server wants credentials.
        type(d->urlField(), airbyte.url().toString());
        test(d, QStringLiteral("asks for credentials"));

        // A wrong password, then the right one: the version and the workspaces.
        chooseAuth(d, AirbyteAuthKind::Basic);
        type(d->userField(), QStringLiteral("airbyte"));
        type(d->secretField(), QStringLiteral("wrong"));
        test(d, QStringLiteral("refused the user name and password"));
        type(d->secretField(), QStringLiteral("right-Pa55word"));
        test(d, QStringLiteral("healthy, version 1.5.0"));
        QCOMPARE(d->workspaceBox()->count(), 1);
        QCOMPARE(d->workspaceBox()->itemData(0).toString(), existing);

        // A workspace made here is chosen.
        type(d->newWorkspaceField(), QStringLiteral("Acme analytics"));
        d->createButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("Workspace Acme analytics made")), qPrintable(d->statusLabel()->text()), 15'000);
        const QString made = d->workspaceBox()->currentData().toString();
        QVERIFY(!made.isEmpty() && made != existing);

        // Save: the server, its password in the keychain only, the org's workspace.
        d->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!d->isVisible(), 15'000);
        auto server = AirbyteServerStore(*m_db, kActor).find(QString());
        QVERIFY2(server, qPrintable(sluice::test::why(server)));
        QCOMPARE(server->url, airbyte.url());
        QVERIFY(server->authKind == AirbyteAuthKind::Basic);
        QCOMPARE(server->user, QStringLiteral("airbyte"));
        auto secret = QCoro::waitFor(SecretStore().get(SecretStore::airbyteKey(server->name)));
        QVERIFY(secret && secret->has_value());
        QCOMPARE(**secret, QStringLiteral("right-Pa55word"));
        QCOMPARE(OrgStore(*m_db, kActor).findById(m_org.id)->airbyteWorkspaceId, made);
        for (const QString &table : {QStringLiteral("airbyte_server"), QStringLiteral("audit_event"), QStringLiteral("org")}) {
            auto q = m_db->exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QVERIFY(q);
            while (q->next())
                for (int i = 0; i < q->record().count(); ++i)
                    QVERIFY2(!q->value(i).toString().contains(QStringLiteral("right-Pa55word")), qPrintable(table));
        }
        // The page now reads that server and workspace.
        const auto labels = w.window.ingestPage()->findChildren<QLabel *>();
        const auto banner = std::find_if(labels.cbegin(), labels.cend(), [](QLabel *l) { return l->accessibleName() == QStringLiteral("Airbyte server"); });
        QVERIFY(banner != labels.cend());
        QTRY_VERIFY2_WITH_TIMEOUT((*banner)->text().contains(made), qPrintable((*banner)->text()), 15'000);

        // A new password saved is the one the page signs in with next (no client kept with the old one).
        d = w.open();
        QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("Test to see")), 15'000);
        type(d->secretField(), QStringLiteral("wrong-again"));
        d->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!d->isVisible(), 15'000);
        QTRY_VERIFY2_WITH_TIMEOUT((*banner)->text().contains(QStringLiteral("HTTP 401")), qPrintable((*banner)->text()), 15'000);
        d = w.open();
        QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("Test to see")), 15'000);
        type(d->secretField(), QStringLiteral("right-Pa55word"));
        d->saveButton()->click();
        QTRY_VERIFY_WITH_TIMEOUT(!d->isVisible(), 15'000);
        QTRY_VERIFY2_WITH_TIMEOUT(!(*banner)->text().contains(QStringLiteral("HTTP 401")) && (*banner)->text().contains(made),
                                  qPrintable((*banner)->text()), 15'000);

        // Opened again: the stored secret is not shown, and is kept when the field stays empty.
        d = w.open();
        QTRY_VERIFY_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("Test to see")), 15'000);
        QCOMPARE(d->urlField()->text(), airbyte.url().toString());
        QVERIFY(d->secretField()->text().isEmpty());
        QVERIFY(d->secretField()->placeholderText().contains(QStringLiteral("leave empty to keep")));
        test(d, QStringLiteral("healthy"));
        d->reject();
    }

    void clientCredentialsRefusedAndOldServer()
    {
        AirbyteDouble::Options o;
        o.auth = AirbyteDouble::Auth::ClientCredentials;
        o.user = QStringLiteral("sluice-app");
        o.secret = QStringLiteral("current-secret");
        o.version.clear();   // a server before 1.0 does not say its version
        AirbyteDouble airbyte(o);
        QVERIFY(airbyte.listen() != 0);
        airbyte.addWorkspace(QStringLiteral("Default"));
        Window w(m_db->url());
        ServerDialog *d = w.open();
        QTRY_VERIFY_WITH_TIMEOUT(d->testButton()->isEnabled(), 15'000);
        type(d->urlField(), airbyte.url().toString());
        chooseAuth(d, AirbyteAuthKind::ClientCredentials);
        QCOMPARE(d->secretField()->accessibleName(), QStringLiteral("Client secret"));
        type(d->userField(), QStringLiteral("sluice-app"));
        type(d->secretField(), QStringLiteral("revoked-secret"));
        test(d, QStringLiteral("refused the client id and secret"));
        QVERIFY(d->statusLabel()->text().contains(QStringLiteral("Settings → Applications")));
        type(d->secretField(), QStringLiteral("current-secret"));
        test(d, QStringLiteral("does not say its version"));
        // A save without a typed secret and none stored is refused, keeping what was typed.
        d->secretField()->clear();
        d->saveButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(d->statusLabel()->text().contains(QStringLiteral("Type the client secret")), qPrintable(d->statusLabel()->text()), 15'000);
        QVERIFY(d->isVisible());
        QCOMPARE(d->userField()->text(), QStringLiteral("sluice-app"));
        QVERIFY(!AirbyteServerStore(*m_db, kActor).find(QString()));
        d->reject();
    }
};

QTEST_MAIN(tst_ServerDialog)
#include "tst_serverdialog.moc"
