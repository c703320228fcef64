// ChangeWatcher on both databases: a write through another connection (as sluicectl or an agent
// would make) is reported within a second; on PostgreSQL with the tables it touched; the watcher's
// own reads do not report anything.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/changewatcher.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;
using namespace sluice::test;

class TstChangeWatcher : public QObject {
    Q_OBJECT
    StoreFixture m_fixture;

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void anotherConnectionsWriteIsSeen()
    {
        auto fresh = m_fixture.openFreshWithOrg(QStringLiteral("tester"));
        QVERIFY2(fresh, fresh ? "" : qPrintable(fresh.error().message));
        auto other = Database::open(fresh->db->url());
        QVERIFY2(other, other ? "" : qPrintable(other.error().message));

        ChangeWatcher watcher(*fresh->db);
        QVERIFY2(watcher.start(), "start");
        QSignalSpy spy(&watcher, &ChangeWatcher::changed);

        // Nothing written: nothing reported (a few poll intervals pass).
        QTest::qWait(int(ChangeWatcher::kPollInterval.count()) * 3);
        QCOMPARE(spy.count(), 0);

        QElapsedTimer clock;
        clock.start();
        auto task = OrgTaskStore(**other, QStringLiteral("cli")).create(fresh->org.id, {QStringLiteral("dbt-run"), {}, {}, {}, {}, {}});
        QVERIFY2(task, task ? "" : qPrintable(task.error().message));
        QVERIFY(spy.wait(1000));
        QVERIFY2(clock.elapsed() < 1000, qPrintable(QString::number(clock.elapsed())));
        const QSet<QString> tables = spy.takeFirst().at(0).value<QSet<QString>>();
        if (StoreFixture::isPostgres())
            QVERIFY2(tables.contains(QStringLiteral("org_task")), qPrintable(QStringList(tables.begin(), tables.end()).join(QLatin1Char(','))));
        else
            QVERIFY(tables.isEmpty()); // SQLite cannot say which table

        // Several writes in quick succession come as few reports, not one per statement.
        for (int i = 0; i < 5; ++i)
            QVERIFY(OrgTaskStore(**other, QStringLiteral("cli")).create(fresh->org.id, {QStringLiteral("dbt-test"), {}, {}, {}, {}, QStringLiteral("t%1").arg(i)}));
        QVERIFY(spy.wait(1000));
        QTest::qWait(300);
        QVERIFY2(spy.count() <= 3, qPrintable(QString::number(spy.count())));

        // Stopped: no more reports.
        spy.clear();
        watcher.stop();
        QVERIFY(OrgTaskStore(**other, QStringLiteral("cli")).create(fresh->org.id, {QStringLiteral("dbt-seed"), {}, {}, {}, {}, {}}));
        QTest::qWait(500);
        QCOMPARE(spy.count(), 0);
    }
};

QTEST_GUILESS_MAIN(TstChangeWatcher)
#include "tst_changewatcher.moc"
