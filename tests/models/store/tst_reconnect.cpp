// Database on a PostgreSQL server that restarts or goes away: the call that finds the connection lost
// fails with a clear error and is not replayed, the connection is reopened (with its session settings),
// attempts are rate-limited while the server is down, and a transaction cut by the outage is rolled
// back with the next write() working again. The suite runs its own server (tests/support/pgserver.h).
#include "pgserver.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "store/database.h"

#include <QElapsedTimer>
#include <QTest>

#include <memory>

using namespace sluice;
using sluice::test::PgServer;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

class tst_Reconnect : public QObject
{
    Q_OBJECT

    PgServer m_server;
    std::unique_ptr<StoreFixture> m_fixture;
    std::unique_ptr<Database> m_db;

    qint64 backendPid()
    {
        auto pid = m_db->scalar(QStringLiteral("SELECT pg_backend_pid()"));
        return pid ? pid->toLongLong() : -1;
    }

    QList<int> values()
    {
        QList<int> out;
        auto q = m_db->exec(QStringLiteral("SELECT v FROM t ORDER BY v"));
        while (q && q->next())
            out.append(q->value(0).toInt());
        return out;
    }

    QString serverName() const
    {
        return QStringLiteral("127.0.0.1:%1").arg(m_db->url().port);
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString error = m_server.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
        qputenv("SLUICE_TEST_BACKEND", "postgres");
        qputenv("SLUICE_TEST_PG_URL_FILE", m_server.urlFile().toLocal8Bit());
        m_fixture = std::make_unique<StoreFixture>();
        QVERIFY2(m_fixture->unavailableReason().isEmpty(), qPrintable(m_fixture->unavailableReason()));
    }

    void init()
    {
        auto db = m_fixture->openFresh(false);
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        auto t = m_db->exec(QStringLiteral("CREATE TABLE t (v INTEGER PRIMARY KEY)"));
        QVERIFY2(t, qPrintable(why(t)));
    }

    void cleanup()
    {
        m_db.reset();
        // A test that failed half-way may have left the server down.
        (void)m_server.command(QStringLiteral("up"));
    }

    void cleanupTestCase()
    {
        m_fixture.reset();   // drops its databases while the server still runs
    }

    void otherErrorsKeepTheConnection()
    {
        const qint64 pid = backendPid();
        QVERIFY(pid > 0);
        auto bad = m_db->exec(QStringLiteral("SELEC 1"));
        QVERIFY(!bad);
        QCOMPARE(bad.error().kind, Error::Kind::Database);
        auto dup = m_db->change(QStringLiteral("INSERT INTO t (v) VALUES (?)"), {1});
        QVERIFY2(dup, qPrintable(why(dup)));
        auto again = m_db->change(QStringLiteral("INSERT INTO t (v) VALUES (?)"), {1});
        QVERIFY(!again);
        QCOMPARE(again.error().kind, Error::Kind::Conflict);
        QCOMPARE(backendPid(), pid);
    }

    void restartedServer()
    {
        const QString insert = QStringLiteral("INSERT INTO t (v) VALUES (?)");
        auto first = m_db->change(insert, {1});   // a kept prepared statement, on the old connection
        QVERIFY2(first, qPrintable(why(first)));
        const qint64 pid = backendPid();
        QVERIFY(pid > 0);

        const QString restarted = m_server.command(QStringLiteral("restart"));
        QVERIFY2(restarted.isEmpty(), qPrintable(restarted));

        // The call that finds the connection lost fails, clearly, and is not replayed.
        auto lost = m_db->change(insert, {2});
        QVERIFY(!lost);
        QCOMPARE(lost.error().kind, Error::Kind::Database);
        verifyMentions(lost.error().message, {QStringLiteral("lost the connection"), serverName(), m_db->url().database,
                                              QStringLiteral("retry")});
        QVERIFY(!lost.error().message.contains(QLatin1Char('\n')));

        // The server was back: the connection was reopened at once, so the caller's retry works.
        auto retried = m_db->change(insert, {2});
        QVERIFY2(retried, qPrintable(why(retried)));
        QCOMPARE(*retried, 1);
        QCOMPARE(values(), (QList<int>{1, 2}));
        const qint64 newPid = backendPid();
        QVERIFY(newPid > 0);
        QVERIFY(newPid != pid);
        // The session settings of the open path are applied to the new connection too.
        auto level = m_db->scalar(QStringLiteral("SHOW client_min_messages"));
        QVERIFY2(level, qPrintable(why(level)));
        QCOMPARE(level->toString(), QStringLiteral("warning"));
        // fetch() and scalar() with values (kept statements) work on the new connection.
        auto rows = m_db->fetch(QStringLiteral("SELECT v FROM t WHERE v >= ? ORDER BY v"), {1});
        QVERIFY2(rows, qPrintable(why(rows)));
        QCOMPARE(rows->size(), 2);
        auto count = m_db->scalar(QStringLiteral("SELECT count(*) FROM t WHERE v > ?"), {0});
        QVERIFY2(count, qPrintable(why(count)));
        QCOMPARE(count->toInt(), 2);
    }

    void serverDownThenBack()
    {
        QCOMPARE(backendPid() > 0, true);
        const QString down = m_server.command(QStringLiteral("down"));
        QVERIFY2(down.isEmpty(), qPrintable(down));

        QElapsedTimer sinceLoss;   // started before the reconnect attempt of the call that finds the loss
        sinceLoss.start();
        auto lost = m_db->scalar(QStringLiteral("SELECT 1"));
        QVERIFY(!lost);
        QCOMPARE(lost.error().kind, Error::Kind::Database);
        verifyMentions(lost.error().message, {QStringLiteral("lost the connection"), serverName()});

        // Within the rate limit no connection is attempted; the error says it will be retried.
        auto limited = m_db->change(QStringLiteral("INSERT INTO t (v) VALUES (?)"), {7});
        QVERIFY(!limited);
        if (sinceLoss.elapsed() < Database::kReconnectIntervalMs - 100)
            verifyMentions(limited.error().message, {serverName(), QStringLiteral("retried in")});
        QVERIFY(!limited.error().message.contains(QLatin1Char('\n')));

        // After it, a new attempt is made, which fails while the server is down and says so.
        QTest::qWait(int(Database::kReconnectIntervalMs) + 50);
        auto refused = m_db->scalar(QStringLiteral("SELECT 1"));
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, Error::Kind::Database);
        verifyMentions(refused.error().message, {QStringLiteral("cannot reconnect"), serverName(), QStringLiteral("retried")});
        QVERIFY(!refused.error().message.contains(QLatin1Char('\n')));

        const QString up = m_server.command(QStringLiteral("up"));
        QVERIFY2(up.isEmpty(), qPrintable(up));
        QTRY_VERIFY_WITH_TIMEOUT(m_db->scalar(QStringLiteral("SELECT 1")).has_value(), 10'000);
        auto insert = m_db->change(QStringLiteral("INSERT INTO t (v) VALUES (?)"), {8});
        QVERIFY2(insert, qPrintable(why(insert)));
        QCOMPARE(values(), QList<int>{8});   // the failed insert of 7 was never replayed
    }

    void lostInsideWriteRollsBack()
    {
        const QString insert = QStringLiteral("INSERT INTO t (v) VALUES (?)");
        QString inside;
        auto w = m_db->write([&]() -> Result<void> {
            if (auto a = m_db->change(insert, {3}); !a)
                return fail(a.error());
            if (const QString e = m_server.command(QStringLiteral("restart")); !e.isEmpty())
                return fail(Error::internal(e));
            auto b = m_db->change(insert, {4});
            if (b)
                return fail(Error::internal(QStringLiteral("a statement on a lost connection succeeded")));
            // Still inside the transaction: nothing more is sent; the error says what happens next.
            auto c = m_db->scalar(QStringLiteral("SELECT 1"));
            inside = c ? QString() : c.error().message;
            return fail(b.error());
        });
        QVERIFY(!w);
        QCOMPARE(w.error().kind, Error::Kind::Database);
        verifyMentions(w.error().message, {QStringLiteral("lost the connection"), serverName()});
        verifyMentions(inside, {QStringLiteral("inside a transaction"), QStringLiteral("rolled back")});
        QVERIFY(!m_db->inTransaction());

        // The next write() reopens the connection in its begin() and works.
        auto next = m_db->write([&]() -> Result<void> {
            if (auto a = m_db->change(insert, {5}); !a)
                return fail(a.error());
            return {};
        });
        QVERIFY2(next, qPrintable(why(next)));
        QCOMPARE(values(), QList<int>{5});   // 3 was rolled back with the lost transaction
    }
};

QTEST_GUILESS_MAIN(tst_Reconnect)
#include "tst_reconnect.moc"
