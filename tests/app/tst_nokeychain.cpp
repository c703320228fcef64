// The first start without a keychain (no Secret Service on the session bus: this suite runs with a
// D-Bus address nobody listens on), through the real MainWindow, its services and a real store of each
// backend: the Transform page says plainly that secrets cannot be stored and how to fix it; a git token
// typed anyway is refused with that reason, and reaches neither the store nor a file.
#include "storefixture.h"
#include "testhelpers.h"

#include "desktopservices.h"
#include "desktoptestoptions.h"
#include "mainwindow.h"
#include "pages/transform/projectcard.h"
#include "pages/transform/transformpage.h"

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;

namespace {
const QString kActor = QStringLiteral("alice@laptop");
}

class tst_NoKeychain : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        QVERIFY2(qEnvironmentVariable("DBUS_SESSION_BUS_ADDRESS").contains(QLatin1String("nobody-listens")),
                 "run by ctest, which points the session bus nowhere");
    }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(sluice::test::why(fresh)));
        m_db = std::move(fresh->db);
    }

    void cleanup() { m_db.reset(); }

    void theTransformPageSaysThereIsNoKeychainAndRefusesTheToken()
    {
        MainWindow window;
        window.show();
        window.showPage(MainWindow::Transform);
        DesktopServices services(window, m_db->url(), test::desktopTestOptions(kActor));
        services.start();
        TransformPage *page = window.transformPage();
        ProjectCard *card = page->projectCard();
        const auto hint = [page]() -> QString {
            const auto labels = page->findChildren<QLabel *>();
            for (QLabel *l : labels)
                if (l->accessibleName() == QLatin1String("What is missing") && !l->isHidden())
                    return l->text();
            return {};
        };
        QTRY_VERIFY2_WITH_TIMEOUT(hint().contains(QLatin1String("No system keychain")), qPrintable(hint()), 15'000);
        QVERIFY2(hint().contains(QLatin1String("start gnome-keyring or KWallet")), qPrintable(hint()));
        QVERIFY2(card->tokenText()->text().contains(QLatin1String("no keychain")), qPrintable(card->tokenText()->text()));

        const QString token = QStringLiteral("glpat-nokeychain-%1").arg(QDateTime::currentMSecsSinceEpoch());
        QTest::keyClicks(card->tokenField(), token);
        card->storeTokenButton()->click();
        QTRY_VERIFY2_WITH_TIMEOUT(card->tokenText()->text().contains(QLatin1String("keychain is not available")), qPrintable(card->tokenText()->text()), 15'000);
        QVERIFY(card->storeTokenButton()->isEnabled()); // can be tried again once a keychain runs
        if (m_db->url().isSqlite()) {
            QFile file(m_db->url().path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY(!file.readAll().contains(token.toUtf8()));
        }

        QSignalSpy finished(&services, &DesktopServices::finished);
        Q_EMIT window.quitRequested();
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 15'000);
    }
};

QTEST_MAIN(tst_NoKeychain)
#include "tst_nokeychain.moc"
