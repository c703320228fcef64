// RetryPolicy (models/domain/retrypolicy.h): the pipeline's retry_policy JSON, its defaults and delays.
#include "testhelpers.h"

#include "domain/retrypolicy.h"

#include <QTest>

using namespace sluice;
using sluice::test::verifyMentions;
using sluice::test::why;

class tst_RetryPolicy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtinDefaults()
    {
        auto p = RetryPolicy::fromJsonText(QStringLiteral("{}"));
        QVERIFY2(p, qPrintable(why(p)));
        const RetryRule sync = p->ruleFor(QStringLiteral("airbyte-sync"));
        QCOMPARE(sync.retries, 1);
        QCOMPARE(sync.delayMs(1), 120'000);
        QCOMPARE(p->ruleFor(QStringLiteral("dbt-run")).retries, 0);
        QCOMPARE(p->ruleFor(QStringLiteral("shell")).timeoutMs(), 0);
        QVERIFY(RetryPolicy::fromJsonText(QString()).has_value());
    }

    void lookupOrder()
    {
        auto p = RetryPolicy::fromJsonText(QStringLiteral(R"({"default": {"retries": 1},
            "tasks": {"dbt-run": {"retries": 2}, "0d6f2f8e-1111-4222-8333-944455556666": {"retries": 3, "timeout_s": 60}}})"));
        QVERIFY2(p, qPrintable(why(p)));
        QCOMPARE(p->ruleFor(QStringLiteral("dbt-run"), QStringLiteral("0d6f2f8e-1111-4222-8333-944455556666")).retries, 3);
        QCOMPARE(p->ruleFor(QStringLiteral("dbt-run"), QStringLiteral("0d6f2f8e-1111-4222-8333-944455556667")).retries, 2);
        QCOMPARE(p->ruleFor(QStringLiteral("dbt-test")).retries, 1);
        QCOMPARE(p->ruleFor(QStringLiteral("airbyte-sync")).retries, 1);   // "default" wins over the built-in rule
        QCOMPARE(p->ruleFor(QStringLiteral("airbyte-sync")).delayMs(1), 0);
        QCOMPARE(p->ruleFor(QStringLiteral("x"), QStringLiteral("0d6f2f8e-1111-4222-8333-944455556666")).timeoutMs(), 60'000);
    }

    void delays_data()
    {
        QTest::addColumn<QString>("rule");
        QTest::addColumn<double>("unit");
        QTest::addColumn<QList<qint64>>("expected");   // retries 1, 2, 3, 4
        QTest::newRow("list repeats its last") << QStringLiteral(R"({"retries": 4, "delays_s": [1.5, 30]})") << 0.0
                                               << QList<qint64>{1500, 30000, 30000, 30000};
        QTest::newRow("none: at once") << QStringLiteral(R"({"retries": 4})") << 0.0 << QList<qint64>{0, 0, 0, 0};
        QTest::newRow("backoff capped") << QStringLiteral(R"({"retries": 4, "backoff": {"base_s": 10, "max_s": 35}})") << 0.9
                                        << QList<qint64>{10000, 20000, 35000, 35000};
        QTest::newRow("jitter low") << QStringLiteral(R"({"retries": 4, "backoff": {"base_s": 10, "max_s": 35, "jitter": true}})") << 0.0
                                    << QList<qint64>{5000, 10000, 17500, 17500};
        QTest::newRow("jitter high") << QStringLiteral(R"({"retries": 4, "backoff": {"base_s": 10, "max_s": 35, "jitter": true}})") << 1.0
                                     << QList<qint64>{10000, 20000, 35000, 35000};
    }

    void delays()
    {
        QFETCH(QString, rule);
        QFETCH(double, unit);
        QFETCH(QList<qint64>, expected);
        auto p = RetryPolicy::fromJsonText(QStringLiteral(R"({"default": %1})").arg(rule));
        QVERIFY2(p, qPrintable(why(p)));
        const RetryRule r = p->ruleFor(QStringLiteral("shell"));
        QList<qint64> got;
        for (int k = 1; k <= 4; ++k)
            got.append(r.delayMs(k, unit));
        QCOMPARE(got, expected);
    }

    void roundTrip()
    {
        const QString text = QStringLiteral(R"({"default": {"retries": 2, "backoff": {"base_s": 5, "max_s": 60, "jitter": true}, "timeout_s": 900},
            "tasks": {"airbyte-sync": {"retries": 0}, "dbt-run": {"retries": 1, "delays_s": [10, 20]}}})");
        auto p = RetryPolicy::fromJsonText(text);
        QVERIFY2(p, qPrintable(why(p)));
        auto again = RetryPolicy::fromJsonText(p->toJsonText());
        QVERIFY2(again, qPrintable(why(again)));
        QCOMPARE(*again, *p);
        QCOMPARE(again->ruleFor(QStringLiteral("airbyte-sync")).retries, 0);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QStringLiteral("{retries") << QStringLiteral("retry_policy");
        QTest::newRow("array") << QStringLiteral("[1]") << QStringLiteral("retry_policy");
        QTest::newRow("unknown top key") << QStringLiteral(R"({"defaults": {}})") << QStringLiteral("retry_policy.defaults");
        QTest::newRow("unknown rule key") << QStringLiteral(R"({"tasks": {"dbt-run": {"retry": 1}}})") << QStringLiteral("retry_policy.tasks.dbt-run.retry");
        QTest::newRow("negative retries") << QStringLiteral(R"({"default": {"retries": -1}})") << QStringLiteral("retry_policy.default.retries");
        QTest::newRow("fractional retries") << QStringLiteral(R"({"default": {"retries": 1.5}})") << QStringLiteral("retry_policy.default.retries");
        QTest::newRow("string retries") << QStringLiteral(R"({"default": {"retries": "2"}})") << QStringLiteral("retry_policy.default.retries");
        QTest::newRow("bad delay") << QStringLiteral(R"({"default": {"delays_s": [1, -2]}})") << QStringLiteral("retry_policy.default.delays_s");
        QTest::newRow("empty delays") << QStringLiteral(R"({"default": {"delays_s": []}})") << QStringLiteral("retry_policy.default.delays_s");
        QTest::newRow("both") << QStringLiteral(R"({"default": {"delays_s": [1], "backoff": {"base_s": 1}}})") << QStringLiteral("exclude");
        QTest::newRow("backoff key") << QStringLiteral(R"({"default": {"backoff": {"base_s": 1, "factor": 3}}})") << QStringLiteral("retry_policy.default.backoff.factor");
        QTest::newRow("backoff base") << QStringLiteral(R"({"default": {"backoff": {"max_s": 3}}})") << QStringLiteral("retry_policy.default.backoff.base_s");
        QTest::newRow("max below base") << QStringLiteral(R"({"default": {"backoff": {"base_s": 10, "max_s": 3}}})") << QStringLiteral("max_s");
        QTest::newRow("jitter type") << QStringLiteral(R"({"default": {"backoff": {"base_s": 1, "jitter": 1}}})") << QStringLiteral("retry_policy.default.backoff.jitter");
        QTest::newRow("timeout") << QStringLiteral(R"({"tasks": {"shell": {"timeout_s": "1h"}}})") << QStringLiteral("retry_policy.tasks.shell.timeout_s");
        QTest::newRow("task not object") << QStringLiteral(R"({"tasks": {"shell": 3}})") << QStringLiteral("retry_policy.tasks.shell");
    }

    void refused()
    {
        QFETCH(QString, json);
        QFETCH(QString, mentions);
        auto p = RetryPolicy::fromJsonText(json);
        QVERIFY(!p);
        QCOMPARE(p.error().kind, Error::Kind::Invalid);
        verifyMentions(p.error().message, {mentions});
    }
};

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
