// The notifier (executors/notify/notifier.h) against a real HTTP receiver, a real keychain (inside
// tests/support/with-keyring.sh) and a fake desktop notification service on the private session bus,
// with attempts recorded in a real database of each backend.
#include "fakenotifications.h"
#include "storefixture.h"
#include "testhelpers.h"
#include "webhookdouble.h"

#include "notify/notifier.h"
#include "secrets/secretstore.h"
#include "store/orgstore.h"
#include "store/runstore.h"

#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTest>

#include <tuple>

using namespace sluice;
using namespace std::chrono_literals;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

// Part of every webhook URL's path: it must never show up outside the keychain.
const QString kCanary = QStringLiteral("canary-5e1f0b7a9c3d");
const QString kService = QStringLiteral("sluice-notify-test");

QStringList g_log;
QtMessageHandler g_previous = nullptr;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    g_log.append(message);
    if (g_previous)
        g_previous(type, context, message);
}

QJsonObject jsonOf(const QByteArray &body)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning() << "not JSON:" << body;
    return doc.object();
}

} // namespace

class tst_Notifier : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    test::WebhookDouble m_double;
    int m_counter = 0;
    QStringList m_errors;   // every outcome error seen, for the canary check

    struct OrgRef
    {
        qint64 id = 0;
        QString slug;
    };

    OrgRef newOrg()
    {
        const QString slug = QStringLiteral("org-%1").arg(++m_counter);
        auto org = OrgStore(*m_db, QStringLiteral("tester")).create(slug, slug);
        if (!org)
            qWarning() << org.error().message;
        return {org ? org->id : 0, slug};
    }

    // A webhook URL on the double whose path carries the canary.
    QString hookUrl(const QString &prefix) { return m_double.url(QStringLiteral("%1/%2-%3").arg(prefix, kCanary).arg(++m_counter)).toString(); }

    NotificationChannel addChannel(const OrgRef &org, const QString &name, ChannelKind kind, NotificationLevels levels, const QString &url)
    {
        auto channel = NotificationStore(*m_db, QStringLiteral("tester")).add(org.id, name, kind, levels);
        if (!channel) {
            qWarning() << channel.error().message;
            return {};
        }
        if (!url.isEmpty()) {
            SecretStore secrets(kService);
            if (auto ok = QCoro::waitFor(secrets.set(channel->secretKey, url)); !ok)
                qWarning() << ok.error().message;
        }
        return *channel;
    }

    // A finished run of `org` with three tasks; the second needed two attempts and failed.
    RunNotice makeNotice(const OrgRef &org, const QString &status)
    {
        const QString uuid = QStringLiteral("00000000-0000-4000-8000-%1").arg(++m_counter, 12, 10, QLatin1Char('0'));
        auto id = m_db->scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_name, trigger_kind, scheduled_for, requested_by, "
                                              "status, status_reason, queued_at, started_at, finished_at) "
                                              "VALUES (?, ?, 'nightly', 'scheduled', ?, 'scheduler@host', ?, ?, ?, ?, ?) RETURNING id"),
                               {uuid, org.id, kSlot, status, kReason, kSlot, kSlot + 1000, kSlot + 62'000});
        if (!id)
            qWarning() << id.error().message;
        RunRecord record;
        record.run.id = id ? id->toLongLong() : 0;
        record.run.uuid = uuid;
        record.run.orgId = org.id;
        record.run.pipelineName = QStringLiteral("nightly");
        record.run.trigger = QStringLiteral("scheduled");
        record.run.scheduledFor = kSlot;
        record.run.status = *runStatusFromSql(status);
        record.run.startedAt = kSlot + 1000;
        record.run.finishedAt = kSlot + 62'000;
        record.orgSlug = org.slug;
        record.statusReason = kReason;
        auto task = [](int seq, const QString &slug, int attempt, const QString &st, std::optional<int> exit, const QString &error) {
            TaskRunRecord t;
            t.seq = seq;
            t.slug = slug;
            t.attempt = attempt;
            t.status = *taskRunStatusFromSql(st);
            t.exitCode = exit;
            t.errorDetail = error;
            return t;
        };
        record.tasks = {task(0, QStringLiteral("git-pull"), 1, QStringLiteral("successful"), 0, {}),
                        task(1, QStringLiteral("dbt-run"), 1, QStringLiteral("failed"), 1, QStringLiteral("first attempt")),
                        task(1, QStringLiteral("dbt-run"), 2, QStringLiteral("failed"), 2, kTaskError),
                        task(2, QStringLiteral("dbt-test"), 1, QStringLiteral("skipped"), std::nullopt, {})};
        return RunNotice::fromRecord(record);
    }

    Notifier::Options options(std::chrono::milliseconds timeout = 5s)
    {
        Notifier::Options o;
        o.timeout = timeout;
        o.keychainService = kService;
        return o;
    }

    QList<NotifyOutcome> notify(const RunNotice &notice, std::chrono::milliseconds timeout = 5s)
    {
        Notifier notifier(*m_db, options(timeout));
        auto outcomes = QCoro::waitFor(notifier.notifyRun(notice));
        for (const NotifyOutcome &o : outcomes)
            m_errors << o.error;
        return outcomes;
    }

    QList<NotificationAttempt> attemptsOf(qint64 runId)
    {
        auto a = NotificationStore(*m_db, QStringLiteral("tester")).attemptsForRun(runId);
        if (!a)
            qWarning() << a.error().message;
        return a.value_or(QList<NotificationAttempt>{});
    }

    static constexpr qint64 kSlot = 1'767'225'600'000;   // 2026-01-01T00:00:00Z
    const QString kReason = QStringLiteral("task #1 dbt-run failed: exit <2> & stopped");
    const QString kTaskError = QStringLiteral("Database Error in model orders: relation \"raw.orders\" does not exist");

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "run this suite through tests/support/with-keyring.sh (packages dbus, gnome-keyring)");
        auto db = m_fixture.openFresh();
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        QVERIFY(m_double.listen() > 0);
        g_previous = qInstallMessageHandler(captureLog);
    }

    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previous);
    }

    void init() { m_double.clear(); }

    void slackPayload()
    {
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("slack"), ChannelKind::Slack, {}, hookUrl(QStringLiteral("/hook/slack")));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY2(outcomes[0].ok, qPrintable(outcomes[0].error));
        QCOMPARE(outcomes[0].httpStatus, std::optional<int>(200));
        QCOMPARE(outcomes[0].channel, QStringLiteral("slack"));
        QCOMPARE(toString(outcomes[0].level), QStringLiteral("failure"));

        QCOMPARE(m_double.requests().size(), 1);
        const auto &r = m_double.requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QVERIFY(r.path.startsWith(QLatin1String("/hook/slack/") + kCanary));
        QCOMPARE(r.contentType, QByteArray("application/json"));
        const QJsonObject body = jsonOf(r.body);
        QCOMPARE(body.keys(), QStringList{QStringLiteral("text")});
        const QStringList lines = body.value(QStringLiteral("text")).toString().split(QLatin1Char('\n'));
        QCOMPARE(lines.value(0), QStringLiteral("*nightly failed (%1)*").arg(org.slug));
        QCOMPARE(lines.value(1), QStringLiteral("Status: failed (task #1 dbt-run failed: exit &lt;2&gt; &amp; stopped)"));
        QCOMPARE(lines.value(2), QStringLiteral("Failing task: #1 dbt-run, exit code 2, attempt 2: %1").arg(kTaskError));
        QCOMPARE(lines.value(3), QStringLiteral("Trigger: scheduled, slot 2026-01-01T00:00:00Z"));
        QCOMPARE(lines.value(4), QStringLiteral("Ran 1m 1s from 2026-01-01T00:00:01Z to 2026-01-01T00:01:02Z"));
        QCOMPARE(lines.value(5), QStringLiteral("`sluicectl run show %1`").arg(notice.runUuid));
        QCOMPARE(lines.size(), 6);

        const auto attempts = attemptsOf(notice.runId);
        QCOMPARE(attempts.size(), 1);
        QCOMPARE(attempts[0].channelName, QStringLiteral("slack"));
        QCOMPARE(toString(attempts[0].level), QStringLiteral("failure"));
        QVERIFY(attempts[0].ok);
        QCOMPARE(attempts[0].httpStatus, std::optional<int>(200));
        QVERIFY(attempts[0].error.isEmpty());
        QCOMPARE(attempts[0].id, outcomes[0].attemptId);
    }

    void teamsPayload_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("color");
        QTest::addColumn<QString>("title");
        QTest::newRow("failed") << "failed" << "D13438" << "nightly failed (%1)";
        QTest::newRow("partial_success") << "partial_success" << "FFB900" << "nightly succeeded with warnings (%1)";
        QTest::newRow("successful") << "successful" << "2EB67D" << "nightly succeeded (%1)";
    }
    void teamsPayload()
    {
        QFETCH(QString, status);
        QFETCH(QString, color);
        QFETCH(QString, title);
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("teams"), ChannelKind::Teams, {true, true, true}, hookUrl(QStringLiteral("/hook/teams")));
        const RunNotice notice = makeNotice(org, status);
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY2(outcomes[0].ok, qPrintable(outcomes[0].error));
        QCOMPARE(m_double.requests().size(), 1);
        QCOMPARE(m_double.requests()[0].contentType, QByteArray("application/json"));
        const QJsonObject card = jsonOf(m_double.requests()[0].body);
        QCOMPARE(card.value(QStringLiteral("@type")).toString(), QStringLiteral("MessageCard"));
        QCOMPARE(card.value(QStringLiteral("@context")).toString(), QStringLiteral("https://schema.org/extensions"));
        QCOMPARE(card.value(QStringLiteral("themeColor")).toString(), color);
        QCOMPARE(card.value(QStringLiteral("title")).toString(), title.arg(org.slug));
        QCOMPARE(card.value(QStringLiteral("summary")).toString(), title.arg(org.slug));
        const QStringList text = card.value(QStringLiteral("text")).toString().split(QStringLiteral("  \n"));
        QCOMPARE(text.value(0), QStringLiteral("Status: %1 (%2)").arg(status, kReason));
        QCOMPARE(text.last(), QStringLiteral("`sluicectl run show %1`").arg(notice.runUuid));
        QCOMPARE(card.keys().size(), 6);
    }

    void webhookPayload()
    {
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("hook"), ChannelKind::Webhook, {}, hookUrl(QStringLiteral("/hook/generic")));
        const RunNotice notice = makeNotice(org, QStringLiteral("crashed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY2(outcomes[0].ok, qPrintable(outcomes[0].error));
        QCOMPARE(m_double.requests().size(), 1);
        QCOMPARE(m_double.requests()[0].contentType, QByteArray("application/json"));
        const QJsonObject doc = jsonOf(m_double.requests()[0].body);
        QCOMPARE(doc.value(QStringLiteral("event")).toString(), QStringLiteral("run.finished"));
        QCOMPARE(doc.value(QStringLiteral("level")).toString(), QStringLiteral("failure"));
        const QJsonObject run = doc.value(QStringLiteral("run")).toObject();
        QCOMPARE(run.value(QStringLiteral("uuid")).toString(), notice.runUuid);
        QCOMPARE(run.value(QStringLiteral("pipeline")).toString(), QStringLiteral("nightly"));
        QCOMPARE(run.value(QStringLiteral("org")).toString(), org.slug);
        QCOMPARE(run.value(QStringLiteral("status")).toString(), QStringLiteral("crashed"));
        QCOMPARE(run.value(QStringLiteral("status_reason")).toString(), kReason);
        QCOMPARE(run.value(QStringLiteral("trigger")).toString(), QStringLiteral("scheduled"));
        QCOMPARE(run.value(QStringLiteral("scheduled_for")).toString(), QStringLiteral("2026-01-01T00:00:00Z"));
        QCOMPARE(run.value(QStringLiteral("started_at")).toString(), QStringLiteral("2026-01-01T00:00:01Z"));
        QCOMPARE(run.value(QStringLiteral("finished_at")).toString(), QStringLiteral("2026-01-01T00:01:02Z"));
        const QJsonArray tasks = run.value(QStringLiteral("tasks")).toArray();
        QCOMPARE(tasks.size(), 3);   // the latest attempt of each seq
        const QJsonObject failed = tasks[1].toObject();
        QCOMPARE(failed.value(QStringLiteral("seq")).toInt(), 1);
        QCOMPARE(failed.value(QStringLiteral("slug")).toString(), QStringLiteral("dbt-run"));
        QCOMPARE(failed.value(QStringLiteral("status")).toString(), QStringLiteral("failed"));
        QCOMPARE(failed.value(QStringLiteral("attempt")).toInt(), 2);
        QCOMPARE(failed.value(QStringLiteral("exit_code")).toInt(), 2);
        QCOMPARE(failed.value(QStringLiteral("error")).toString(), kTaskError);
        const QJsonObject skipped = tasks[2].toObject();
        QCOMPARE(skipped.value(QStringLiteral("slug")).toString(), QStringLiteral("dbt-test"));
        QVERIFY(skipped.value(QStringLiteral("exit_code")).isNull());
        QVERIFY(skipped.value(QStringLiteral("error")).isNull());
        QCOMPARE(tasks[0].toObject().value(QStringLiteral("exit_code")).toInt(-1), 0);
    }

    // notifyRun(runId): the run as RunStore reads it back, with its task runs.
    void fromStore()
    {
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("hook"), ChannelKind::Webhook, {}, hookUrl(QStringLiteral("/hook/stored")));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        for (const auto &[seq, attempt, status, exit, detail] :
             {std::tuple{0, 1, "successful", 0, ""}, std::tuple{1, 1, "failed", 1, "first"}, std::tuple{1, 2, "failed", 2, "second try failed"}}) {
            auto q = m_db->exec(QStringLiteral("INSERT INTO task_run (run_id, task_slug, seq, attempt, status, exit_code, error_detail) "
                                               "VALUES (?, ?, ?, ?, ?, ?, ?)"),
                                {notice.runId, seq == 0 ? QStringLiteral("git-pull") : QStringLiteral("dbt-run"), seq, attempt,
                                 QString::fromLatin1(status), exit, *detail ? QVariant(QString::fromLatin1(detail)) : QVariant(QMetaType(QMetaType::QString))});
            QVERIFY2(q, qPrintable(why(q)));
        }
        Notifier notifier(*m_db, options());
        const auto outcomes = QCoro::waitFor(notifier.notifyRun(notice.runId));
        QCOMPARE(outcomes.size(), 1);
        QVERIFY2(outcomes[0].ok, qPrintable(outcomes[0].error));
        QCOMPARE(m_double.requests().size(), 1);
        const QJsonObject run = jsonOf(m_double.requests()[0].body).value(QStringLiteral("run")).toObject();
        QCOMPARE(run.value(QStringLiteral("uuid")).toString(), notice.runUuid);
        QCOMPARE(run.value(QStringLiteral("org")).toString(), org.slug);
        QCOMPARE(run.value(QStringLiteral("status_reason")).toString(), kReason);
        QCOMPARE(run.value(QStringLiteral("scheduled_for")).toString(), QStringLiteral("2026-01-01T00:00:00Z"));
        const QJsonArray tasks = run.value(QStringLiteral("tasks")).toArray();
        QCOMPARE(tasks.size(), 2);
        QCOMPARE(tasks[1].toObject().value(QStringLiteral("attempt")).toInt(), 2);
        QCOMPARE(tasks[1].toObject().value(QStringLiteral("error")).toString(), QStringLiteral("second try failed"));
        QCOMPARE(attemptsOf(notice.runId).size(), 1);

        // A run that does not exist notifies nobody and does not fail.
        QCOMPARE(QCoro::waitFor(notifier.notifyRun(qint64(987654321))).size(), 0);
    }

    void serverError()
    {
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("broken"), ChannelKind::Slack, {}, hookUrl(QStringLiteral("/status/500")));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(!outcomes[0].ok);
        QCOMPARE(outcomes[0].httpStatus, std::optional<int>(500));
        // The double's error page repeats the URL's path: what is kept of it is masked.
        QVERIFY2(outcomes[0].error.startsWith(QStringLiteral("HTTP 500 from 127.0.0.1:%1: no such hook: ").arg(m_double.url({}).port())),
                 qPrintable(outcomes[0].error));
        QVERIFY2(!outcomes[0].error.contains(kCanary), qPrintable(outcomes[0].error));
        const auto attempts = attemptsOf(notice.runId);
        QCOMPARE(attempts.size(), 1);
        QVERIFY(!attempts[0].ok);
        QCOMPARE(attempts[0].httpStatus, std::optional<int>(500));
        QCOMPARE(attempts[0].error, outcomes[0].error);
    }

    void timeout()
    {
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("slow"), ChannelKind::Webhook, {}, hookUrl(QStringLiteral("/hang")));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        QElapsedTimer clock;
        clock.start();
        const auto outcomes = notify(notice, 300ms);
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(!outcomes[0].ok);
        QCOMPARE(outcomes[0].httpStatus, std::nullopt);
        QCOMPARE(outcomes[0].error, QStringLiteral("no answer from 127.0.0.1:%1 within 300 ms").arg(m_double.url({}).port()));
        QCOMPARE(m_double.requests().size(), 1);   // it was sent; the answer never came
        // (Qt timers may fire up to 5 % early.)
        QVERIFY2(elapsed >= 250 && elapsed < 5000, qPrintable(QString::number(elapsed)));
        const auto attempts = attemptsOf(notice.runId);
        QCOMPARE(attempts.size(), 1);
        QCOMPARE(attempts[0].error, outcomes[0].error);
        QCOMPARE(attempts[0].httpStatus, std::nullopt);
    }

    void slowChannelDoesNotBlockOthers()
    {
        const OrgRef org = newOrg();
        // Channels go out in name order: a sequential notifier would wait for "a-slow" first.
        addChannel(org, QStringLiteral("a-slow"), ChannelKind::Webhook, {}, hookUrl(QStringLiteral("/hang")));
        addChannel(org, QStringLiteral("b-quick"), ChannelKind::Slack, {}, hookUrl(QStringLiteral("/hook/quick")));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        m_double.resetClock();
        const auto outcomes = notify(notice, 3s);
        QCOMPARE(outcomes.size(), 2);
        QCOMPARE(outcomes[0].channel, QStringLiteral("a-slow"));
        QVERIFY(!outcomes[0].ok);
        QVERIFY2(outcomes[1].ok, qPrintable(outcomes[1].error));
        QCOMPARE(m_double.requests().size(), 2);
        for (const auto &r : m_double.requests()) {
            if (r.path.startsWith(QLatin1String("/hook/quick")))
                QVERIFY2(r.receivedAfterMs < 3000, qPrintable(QStringLiteral("the quick channel was reached after %1 ms").arg(r.receivedAfterMs)));
        }
        QCOMPARE(attemptsOf(notice.runId).size(), 2);
    }

    void connectionRefused()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("dead"), ChannelKind::Teams, {}, QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(port).arg(kCanary));
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(!outcomes[0].ok);
        QCOMPARE(outcomes[0].error, QStringLiteral("127.0.0.1:%1 refused the connection").arg(port));
        const auto attempts = attemptsOf(notice.runId);
        QCOMPARE(attempts.size(), 1);
        QVERIFY(!attempts[0].ok);
        QCOMPARE(attempts[0].error, outcomes[0].error);
    }

    void missingUrl()
    {
        const OrgRef org = newOrg();
        const auto channel = addChannel(org, QStringLiteral("no-url"), ChannelKind::Slack, {}, {});
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY(!outcomes[0].ok);
        sluice::test::verifyMentions(outcomes[0].error, {channel.secretKey, QStringLiteral("sluicectl secrets set")});
        QCOMPARE(m_double.requests().size(), 0);
        QCOMPARE(attemptsOf(notice.runId).size(), 1);
    }

    void levels_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QStringList>("on");
        QTest::addColumn<bool>("notified");
        QTest::newRow("failed, failure-only") << "failed" << QStringList{"failure"} << true;
        QTest::newRow("crashed, failure-only") << "crashed" << QStringList{"failure"} << true;
        QTest::newRow("successful, failure-only") << "successful" << QStringList{"failure"} << false;
        QTest::newRow("successful, success") << "successful" << QStringList{"success"} << true;
        QTest::newRow("partial, failure-only") << "partial_success" << QStringList{"failure"} << false;
        QTest::newRow("partial, warning") << "partial_success" << QStringList{"warning"} << true;
        QTest::newRow("failed, success-only") << "failed" << QStringList{"success,warning"} << false;
        QTest::newRow("cancelled, all") << "cancelled" << QStringList{"failure,warning,success"} << false;
        QTest::newRow("skipped, all") << "skipped" << QStringList{"failure,warning,success"} << false;
    }
    void levels()
    {
        QFETCH(QString, status);
        QFETCH(QStringList, on);
        QFETCH(bool, notified);
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("filtered"), ChannelKind::Webhook, *NotificationLevels::parse(on), hookUrl(QStringLiteral("/hook/levels")));
        const RunNotice notice = makeNotice(org, status);
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), notified ? 1 : 0);
        QCOMPARE(m_double.requests().size(), notified ? 1 : 0);
        QCOMPARE(attemptsOf(notice.runId).size(), notified ? 1 : 0);
    }

    // The pipeline's notify_on says which outcomes are worth telling; each channel filters on top.
    void pipelineNotifyOn_data()
    {
        QTest::addColumn<QString>("notifyOn");
        QTest::addColumn<QString>("status");
        QTest::addColumn<bool>("notified");
        QTest::newRow("default failure, failed") << R"(["failure"])" << "failed" << true;
        QTest::newRow("default failure, successful") << R"(["failure"])" << "successful" << false;
        QTest::newRow("default failure, partial") << R"(["failure"])" << "partial_success" << false;
        QTest::newRow("success, successful") << R"(["success"])" << "successful" << true;
        QTest::newRow("success, failed") << R"(["success"])" << "failed" << false;
        QTest::newRow("none, failed") << "[]" << "failed" << false;
    }
    void pipelineNotifyOn()
    {
        QFETCH(QString, notifyOn);
        QFETCH(QString, status);
        QFETCH(bool, notified);
        const OrgRef org = newOrg();
        // The channel wants everything: only the pipeline's setting filters here.
        addChannel(org, QStringLiteral("all"), ChannelKind::Webhook, *NotificationLevels::parse({QStringLiteral("failure,warning,success")}),
                   hookUrl(QStringLiteral("/hook/notify-on")));
        auto pipelineId = m_db->scalar(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, notify_on, created_at, updated_at) "
                                                      "VALUES (?, ?, 'nightly', ?, 0, 0) RETURNING id"),
                                       {QStringLiteral("pipe-%1").arg(++m_counter), org.id, notifyOn});
        QVERIFY2(pipelineId, qPrintable(why(pipelineId)));
        RunNotice notice = makeNotice(org, status);
        notice.pipelineId = pipelineId->toLongLong();
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), notified ? 1 : 0);
        QCOMPARE(m_double.requests().size(), notified ? 1 : 0);
        QCOMPARE(attemptsOf(notice.runId).size(), notified ? 1 : 0);
    }

    void testChannel()
    {
        const OrgRef org = newOrg();
        const auto channel = addChannel(org, QStringLiteral("check"), ChannelKind::Webhook, {false, false, true}, hookUrl(QStringLiteral("/hook/test")));
        Notifier notifier(*m_db, options());
        const NotifyOutcome outcome = QCoro::waitFor(notifier.testChannel(channel, org.slug));
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(toString(outcome.level), QStringLiteral("test"));
        QCOMPARE(m_double.requests().size(), 1);
        const QJsonObject doc = jsonOf(m_double.requests()[0].body);
        QCOMPARE(doc.value(QStringLiteral("event")).toString(), QStringLiteral("channel.test"));
        QCOMPARE(doc.value(QStringLiteral("level")).toString(), QStringLiteral("test"));
        QCOMPARE(doc.value(QStringLiteral("org")).toString(), org.slug);
        QCOMPARE(doc.value(QStringLiteral("channel")).toString(), QStringLiteral("check"));
        auto attempts = NotificationStore(*m_db, QStringLiteral("tester")).attemptsForChannel(channel.id);
        QVERIFY2(attempts, qPrintable(why(attempts)));
        QCOMPARE(attempts->size(), 1);
        QCOMPARE(attempts->first().runId, std::nullopt);
        QCOMPARE(toString(attempts->first().level), QStringLiteral("test"));
        QVERIFY(attempts->first().ok);
    }

    void desktop()
    {
        test::FakeNotifications fake;
        const QString started = fake.start();
        QVERIFY2(started.isEmpty(), qPrintable(started));
        const OrgRef org = newOrg();
        addChannel(org, QStringLiteral("desk"), ChannelKind::Desktop, {true, true, false}, {});
        const RunNotice notice = makeNotice(org, QStringLiteral("failed"));
        const auto outcomes = notify(notice);
        QCOMPARE(outcomes.size(), 1);
        QVERIFY2(outcomes[0].ok, qPrintable(outcomes[0].error));
        QCOMPARE(outcomes[0].httpStatus, std::nullopt);
        QCOMPARE(fake.calls().size(), 1);
        const auto &call = fake.calls().first();
        QCOMPARE(call.appName, QStringLiteral("Sluice"));
        QCOMPARE(call.summary, QStringLiteral("nightly failed (%1)").arg(org.slug));
        QCOMPARE(call.icon, QStringLiteral("dialog-error"));
        QCOMPARE(call.expireTimeout, -1);
        QCOMPARE(call.hints.value(QStringLiteral("urgency")).toInt(), 2);
        const QStringList body = call.body.split(QLatin1Char('\n'));
        QCOMPARE(body.value(0), QStringLiteral("Status: failed (%1)").arg(kReason));
        QCOMPARE(body.last(), QStringLiteral("sluicectl run show %1").arg(notice.runUuid));
        QCOMPARE(m_double.requests().size(), 0);

        const RunNotice warning = makeNotice(org, QStringLiteral("partial_success"));
        QVERIFY(notify(warning).value(0).ok);
        QCOMPARE(fake.calls().size(), 2);
        QCOMPARE(fake.calls()[1].hints.value(QStringLiteral("urgency")).toInt(), 1);
        QCOMPARE(fake.calls()[1].icon, QStringLiteral("dialog-warning"));

        // Without a notification service: recorded, not thrown.
        fake.stop();
        const RunNotice again = makeNotice(org, QStringLiteral("failed"));
        const auto missing = notify(again);
        QCOMPARE(missing.size(), 1);
        QVERIFY(!missing[0].ok);
        sluice::test::verifyMentions(missing[0].error, {QStringLiteral("org.freedesktop.Notifications")});
        const auto attempts = attemptsOf(again.runId);
        QCOMPARE(attempts.size(), 1);
        QVERIFY(!attempts[0].ok);
    }

    // Runs last (Qt Test runs slots in declaration order): everything above used URLs with the canary.
    void urlNeverLeaks()
    {
        QVERIFY2(!m_errors.isEmpty(), "the suite recorded no outcomes to check");
        for (const QString &e : std::as_const(m_errors))
            QVERIFY2(!e.contains(kCanary), qPrintable(e));
        for (const QString &line : std::as_const(g_log))
            QVERIFY2(!line.contains(kCanary), qPrintable(line));
        // Every text column of the tables the notifier and the store write.
        for (const QString &table : {QStringLiteral("notification_attempt"), QStringLiteral("notification_channel"), QStringLiteral("audit_event")}) {
            auto q = m_db->exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QVERIFY2(q, qPrintable(why(q)));
            int rows = 0;
            while (q->next()) {
                ++rows;
                for (int i = 0; i < q->record().count(); ++i)
                    QVERIFY2(!q->value(i).toString().contains(kCanary), qPrintable(QStringLiteral("%1.%2").arg(table, q->record().fieldName(i))));
            }
            QVERIFY2(rows > 0, qPrintable(table));
        }
        // The URLs are where they belong.
        auto stored = QCoro::waitFor(SecretStore(kService).get(QStringLiteral("notify/org-1/slack")));
        QVERIFY2(stored && *stored && (*stored)->contains(kCanary), "the first channel's URL is not in the keychain");
    }
};

QTEST_GUILESS_MAIN(tst_Notifier)
#include "tst_notifier.moc"
