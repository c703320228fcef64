// Database::exec() lends kept prepared statements (store/database.h, Query): what a caller reads is
// never disturbed by another exec() of the same text, a statement comes back to the pool when its
// Query goes, a failed statement is not kept, and a Query may outlive its Database. Both backends.
#include "storefixture.h"
#include "testhelpers.h"

#include <QSqlRecord>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

class tst_StatementPool : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;

    const QString kNumbers = QStringLiteral("SELECT n FROM pool_numbers WHERE n >= ? ORDER BY n");

    QList<int> readAll(Query &q)
    {
        QList<int> out;
        while (q.next())
            out << q.value(0).toInt();
        return out;
    }

private Q_SLOTS:
    void init()
    {
        if (const QString reason = m_fixture.unavailableReason(); !reason.isEmpty())
            QFAIL(qPrintable(reason));
        auto db = m_fixture.openFresh(false);
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        QVERIFY(m_db->exec(QStringLiteral("CREATE TABLE pool_numbers (n INTEGER NOT NULL PRIMARY KEY)")));
        for (int n = 1; n <= 5; ++n)
            QVERIFY(m_db->exec(QStringLiteral("INSERT INTO pool_numbers (n) VALUES (?)"), {n}));
    }

    void cleanup() { m_db.reset(); }

    void theSameTextTwiceAtOnceKeepsBothResults()
    {
        {
            auto outer = m_db->exec(kNumbers, {2});
            QVERIFY2(outer, qPrintable(why(outer)));
            QVERIFY(outer->next());
            QCOMPARE(outer->value(0).toInt(), 2);
            QCOMPARE(m_db->idleStatements(kNumbers), 0);   // lent out
            // While the first result is half read, the same text runs again with another value.
            auto inner = m_db->exec(kNumbers, {4});
            QVERIFY2(inner, qPrintable(why(inner)));
            QCOMPARE(readAll(*inner), (QList<int>{4, 5}));
            QCOMPARE(readAll(*outer), (QList<int>{3, 4, 5}));
        }
        // Both went: one statement is kept for the text, the other freed.
        QCOMPARE(m_db->idleStatements(kNumbers), 1);
    }

    void aFinishedStatementIsReusedWithNewValues()
    {
        for (int from = 1; from <= 5; ++from) {
            auto q = m_db->exec(kNumbers, {from});
            QVERIFY2(q, qPrintable(why(q)));
            QCOMPARE(m_db->idleStatements(kNumbers), 0);   // the kept statement is the one in use
            QCOMPARE(readAll(*q).size(), 6 - from);
        }
        QCOMPARE(m_db->idleStatements(kNumbers), 1);
        // A result left half read goes back to the pool too; the next use starts afresh.
        {
            auto q = m_db->exec(kNumbers, {1});
            QVERIFY2(q, qPrintable(why(q)));
            QVERIFY(q->next());
        }
        auto again = m_db->exec(kNumbers, {3});
        QVERIFY2(again, qPrintable(why(again)));
        QCOMPARE(readAll(*again), (QList<int>{3, 4, 5}));
    }

    void aMovedQueryKeepsItsResult()
    {
        auto q = m_db->exec(kNumbers, {3});
        QVERIFY2(q, qPrintable(why(q)));
        Query moved = std::move(*q);
        QCOMPARE(readAll(moved), (QList<int>{3, 4, 5}));
        Query assigned;
        assigned = std::move(moved);
        { Query gone = std::move(q.value()); }   // an emptied Query hands nothing back
        QCOMPARE(m_db->idleStatements(kNumbers), 0);   // `assigned` still holds the statement
        auto next = m_db->exec(kNumbers, {5});
        QVERIFY2(next, qPrintable(why(next)));
        QCOMPARE(readAll(*next), (QList<int>{5}));
    }

    void aFailedStatementIsNotKept()
    {
        const QString insert = QStringLiteral("INSERT INTO pool_numbers (n) VALUES (?)");
        auto dup = m_db->exec(insert, {3});
        QVERIFY(!dup);
        QCOMPARE(dup.error().kind, Error::Kind::Conflict);
        QCOMPARE(m_db->idleStatements(insert), 0);
        auto fresh = m_db->exec(insert, {6});
        QVERIFY2(fresh, qPrintable(why(fresh)));
        auto count = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM pool_numbers"));
        QVERIFY2(count, qPrintable(why(count)));
        QCOMPARE(count->toInt(), 6);
    }

    void writesInsideATransactionSeeEachOther()
    {
        auto r = m_db->write([&]() -> Result<int> {
            if (auto i = m_db->exec(QStringLiteral("INSERT INTO pool_numbers (n) VALUES (?)"), {10}); !i)
                return fail(i.error());
            auto q = m_db->exec(kNumbers, {10});
            if (!q)
                return fail(q.error());
            return int(readAll(*q).size());
        });
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(*r, 1);
    }

    void aQueryMayOutliveItsDatabase()
    {
        // The connection goes first; the Query is then freed on its own (a use of the gone pool or
        // connection would crash here, or be reported by a sanitizer build).
        auto q = m_db->exec(kNumbers, {1});
        QVERIFY2(q, qPrintable(why(q)));
        QVERIFY(q->next());
        QCOMPARE(q->value(0).toInt(), 1);
        Query kept = std::move(*q);
        m_db.reset();
    }
};

QTEST_GUILESS_MAIN(tst_StatementPool)
#include "tst_statementpool.moc"
