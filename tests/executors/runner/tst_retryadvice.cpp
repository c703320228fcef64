// RetryAdvice (executors/runner/retryadvice.h): which failures another attempt may cure. The dbt texts are
// those real dbt 1.8.9 printed (the recordings in shared/fixtures), the others drivers' own wording.
#include "runner/retryadvice.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace sluice;

namespace {

// The MainEncounteredError text of a recorded dbt invocation (what DbtResult::errorText holds for it).
QString recordedError(const QString &scenario, const QString &command)
{
    QFile f(QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/fixtures/%1/json/%2.stdout").arg(scenario, command));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QString last;
    for (const QByteArray &line : f.readAll().split('\n')) {
        const QJsonObject event = QJsonDocument::fromJson(line).object();
        const QJsonObject info = event.value(QStringLiteral("info")).toObject();
        if (info.value(QStringLiteral("level")).toString() == QLatin1String("error"))
            last = info.value(QStringLiteral("msg")).toString();
    }
    return last;
}

} // namespace

class tst_RetryAdvice : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void transientTexts_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("transient");
        QTest::newRow("dbt: postgres refused") << recordedError(QStringLiteral("bad_conn"), QStringLiteral("run")) << true;
        QTest::newRow("dbt: SQL error") << recordedError(QStringLiteral("broken_sql"), QStringLiteral("run")) << false;
        QTest::newRow("dbt: Jinja error") << recordedError(QStringLiteral("broken_jinja"), QStringLiteral("run")) << false;
        QTest::newRow("psycopg: host unknown") << QStringLiteral("could not translate host name \"db.invalid\" to address: Name or service not known") << true;
        QTest::newRow("psycopg: server went away") << QStringLiteral("server closed the connection unexpectedly") << true;
        QTest::newRow("postgres: too many") << QStringLiteral("FATAL: remaining connection slots are reserved for non-replication superuser connections") << true;
        QTest::newRow("snowflake: 503") << QStringLiteral("250003: Failed to get the response. Hanging? method: post, url: https://x.snowflakecomputing.com, 503 Service Unavailable") << true;
        QTest::newRow("bigquery: rate limit") << QStringLiteral("403 Exceeded rate limits: too many table update operations for this table") << true;
        QTest::newRow("postgres: serialization") << QStringLiteral("could not serialize access due to concurrent update") << true;
        QTest::newRow("postgres: missing relation") << QStringLiteral("relation \"raw.orders\" does not exist") << false;
        QTest::newRow("postgres: bad password") << QStringLiteral("FATAL: password authentication failed for user \"dbt\"") << false;
        QTest::newRow("dbt: profile") << QStringLiteral("Could not find profile named 'jaffle_shop'") << false;
    }

    void transientTexts()
    {
        QFETCH(QString, text);
        QFETCH(bool, transient);
        QVERIFY2(!text.isEmpty(), "the recording holds an error event");
        QCOMPARE(readsLikeATransientFailure(text), transient);
    }

    void dbtResults()
    {
        DbtResult refused;
        refused.outcome = Outcome::Failed;
        refused.exitCode = 2;
        refused.errorText = recordedError(QStringLiteral("bad_conn"), QStringLiteral("run"));
        QVERIFY(adviseAfter(refused).mayPass);

        DbtResult sqlError;
        sqlError.outcome = Outcome::Failed;
        sqlError.exitCode = 1;
        sqlError.errorText = QStringLiteral("dbt finished with failures: model.jaffle_shop.orders: syntax error at or near \"selec\"");
        sqlError.nodes.append(DbtNodeResult{QStringLiteral("model.jaffle_shop.orders"), QStringLiteral("error"), 0.1,
                                            QStringLiteral("Database Error in model orders: syntax error at or near \"selec\""), std::nullopt});
        QVERIFY(!adviseAfter(sqlError).mayPass);
        // ...unless a node failed because the warehouse connection went away meanwhile.
        sqlError.nodes.append(DbtNodeResult{QStringLiteral("model.jaffle_shop.customers"), QStringLiteral("error"), 0.1,
                                            QStringLiteral("Database Error in model customers: server closed the connection unexpectedly"), std::nullopt});
        QVERIFY(adviseAfter(sqlError).mayPass);

        DbtResult missing;
        missing.outcome = Outcome::FailedToStart;
        QVERIFY(!adviseAfter(missing).mayPass);
        DbtResult slow;
        slow.outcome = Outcome::TimedOut;
        QVERIFY(adviseAfter(slow).mayPass);
    }

    void airbyteResults()
    {
        AirbyteSyncResult r;
        r.outcome = Outcome::FailedToStart;
        r.failedBecause = Error::Kind::Internal;   // down, timed out, 5xx, 408, 429
        QVERIFY(adviseAfter(r).mayPass);
        r.failedBecause = Error::Kind::Invalid;    // inactive connection, another 4xx
        QVERIFY(!adviseAfter(r).mayPass);
        r.failedBecause = Error::Kind::NotFound;   // the connection is gone
        QVERIFY(!adviseAfter(r).mayPass);
        r.outcome = Outcome::Failed;
        r.jobId = 12;                              // the job ran and failed on the server
        QVERIFY(adviseAfter(r).mayPass);
    }

    void setupAndGit()
    {
        QVERIFY(!adviseAfterSetup(Error::notFound(QStringLiteral("no Airbyte server is set up"))).mayPass);
        QVERIFY(!adviseAfterSetup(Error::invalid(QStringLiteral("unknown option"))).mayPass);
        QVERIFY(adviseAfterSetup(Error::database(QStringLiteral("the store did not answer"))).mayPass);
        GitJobResult g;
        g.outcome = Outcome::Failed;
        g.errorKind = GitError::Kind::Auth;
        QVERIFY(!adviseAfter(g).mayPass);
        g.errorKind = GitError::Kind::Diverged;
        QVERIFY(!adviseAfter(g).mayPass);
        g.errorKind = GitError::Kind::Other;       // network, disk
        QVERIFY(adviseAfter(g).mayPass);
    }
};

QTEST_GUILESS_MAIN(tst_RetryAdvice)
#include "tst_retryadvice.moc"
