// Notification channels and attempts (store/notificationstore.h), on a real database of each backend.
#include "storefixture.h"
#include "testhelpers.h"

#include "store/auditlog.h"
#include "store/notificationstore.h"
#include "store/orgstore.h"

#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

class tst_NotificationStore : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    qint64 m_org = 0;
    qint64 m_otherOrg = 0;
    int m_counter = 0;

    qint64 addRun(qint64 orgId)
    {
        ++m_counter;
        auto id = m_db->scalar(QStringLiteral("INSERT INTO run (uuid, org_id, pipeline_name, trigger_kind, requested_by, status, queued_at) "
                                              "VALUES (?, ?, 'nightly', 'manual', 'tester', 'failed', 0) RETURNING id"),
                               {QStringLiteral("store-run-%1").arg(m_counter), orgId});
        return id ? id->toLongLong() : 0;
    }

    NotificationStore store() { return NotificationStore(*m_db, QStringLiteral("tester@host")); }

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        auto db = m_fixture.openFresh();
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        auto org = OrgStore(*m_db, QStringLiteral("tester")).create(QStringLiteral("acme"), QStringLiteral("Acme"));
        QVERIFY2(org, qPrintable(why(org)));
        m_org = org->id;
        auto other = OrgStore(*m_db, QStringLiteral("tester")).create(QStringLiteral("globex"), QStringLiteral("Globex"));
        QVERIFY2(other, qPrintable(why(other)));
        m_otherOrg = other->id;
    }

    void levelForRunStatus_data()
    {
        QTest::addColumn<QString>("status");
        QTest::addColumn<QString>("level");   // empty: nobody is notified
        QTest::newRow("failed") << "failed" << "failure";
        QTest::newRow("crashed") << "crashed" << "failure";
        QTest::newRow("partial_success") << "partial_success" << "warning";
        QTest::newRow("successful") << "successful" << "success";
        QTest::newRow("cancelled") << "cancelled" << "";
        QTest::newRow("skipped") << "skipped" << "";
        QTest::newRow("running") << "running" << "";
        QTest::newRow("queued") << "queued" << "";
    }
    void levelForRunStatus()
    {
        QFETCH(QString, status);
        QFETCH(QString, level);
        const auto got = sluice::levelForRunStatus(*runStatusFromSql(status));
        QCOMPARE(got ? toString(*got) : QString(), level);
    }

    void parseLevels_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<QStringList>("names");
        QTest::newRow("one") << QStringList{"failure"} << true << QStringList{"failure"};
        QTest::newRow("comma list") << QStringList{"success,warning"} << true << QStringList{"warning", "success"};
        QTest::newRow("repeated option") << QStringList{"success", "failure"} << true << QStringList{"failure", "success"};
        QTest::newRow("spaces and case") << QStringList{" Failure , WARNING"} << true << QStringList{"failure", "warning"};
        QTest::newRow("unknown") << QStringList{"failure,error"} << false << QStringList{};
        QTest::newRow("empty") << QStringList{","} << false << QStringList{};
    }
    void parseLevels()
    {
        QFETCH(QStringList, words);
        QFETCH(bool, valid);
        QFETCH(QStringList, names);
        const auto levels = NotificationLevels::parse(words);
        QCOMPARE(levels.has_value(), valid);
        if (valid)
            QCOMPARE(levels->names(), names);
        else
            sluice::test::verifyMentions(levels.error().message, {QStringLiteral("failure, warning and/or success")});
    }

    void addListFind()
    {
        auto s = store();
        auto slack = s.add(m_org, QStringLiteral("team-slack"), ChannelKind::Slack, {true, true, false});
        QVERIFY2(slack, qPrintable(why(slack)));
        QCOMPARE(slack->name, QStringLiteral("team-slack"));
        QCOMPARE(toString(slack->kind), toString(ChannelKind::Slack));
        QCOMPARE(slack->secretKey, QStringLiteral("notify/acme/team-slack"));
        QCOMPARE(slack->levels, (NotificationLevels{true, true, false}));
        QVERIFY(!slack->uuid.isEmpty());
        QVERIFY(slack->createdAt > 0);

        auto desktop = s.add(m_org, QStringLiteral("desk"), ChannelKind::Desktop, {false, false, true});
        QVERIFY2(desktop, qPrintable(why(desktop)));
        QVERIFY2(desktop->secretKey.isEmpty(), "a desktop channel has no URL, so no keychain key");
        QVERIFY(desktop->wants(NotifyLevel::Success));
        QVERIFY(!desktop->wants(NotifyLevel::Failure));
        QVERIFY(desktop->wants(NotifyLevel::Test));

        // The same name in another org is another channel.
        auto other = s.add(m_otherOrg, QStringLiteral("team-slack"), ChannelKind::Teams, {});
        QVERIFY2(other, qPrintable(why(other)));
        QCOMPARE(other->secretKey, QStringLiteral("notify/globex/team-slack"));

        auto list = s.list(m_org);
        QVERIFY2(list, qPrintable(why(list)));
        QCOMPARE(list->size(), 2);
        QCOMPARE(list->at(0).name, QStringLiteral("desk"));   // by name
        QCOMPARE(list->at(1).name, QStringLiteral("team-slack"));
        QCOMPARE(list->at(1).id, slack->id);

        auto found = s.find(m_otherOrg, QStringLiteral("team-slack"));
        QVERIFY2(found, qPrintable(why(found)));
        QCOMPARE(toString(found->kind), toString(ChannelKind::Teams));
        QCOMPARE(found->levels, NotificationLevels{});   // failure only by default

        auto missing = s.find(m_org, QStringLiteral("nope"));
        QVERIFY(!missing);
        QCOMPARE(missing.error().kind, Error::Kind::NotFound);
        sluice::test::verifyMentions(missing.error().message, {QStringLiteral("nope"), QStringLiteral("notify list")});
    }

    void refusesBadInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("kind");
        QTest::newRow("duplicate") << "team-slack" << int(Error::Kind::Conflict);
        QTest::newRow("upper case") << "Team" << int(Error::Kind::Invalid);
        QTest::newRow("slash") << "a/b" << int(Error::Kind::Invalid);
        QTest::newRow("empty") << "" << int(Error::Kind::Invalid);
        QTest::newRow("too long") << QString(65, QLatin1Char('a')) << int(Error::Kind::Invalid);
    }
    void refusesBadInput()
    {
        QFETCH(QString, name);
        QFETCH(int, kind);
        const qint64 before = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM notification_channel"))->toLongLong();
        auto r = store().add(m_org, name, ChannelKind::Webhook, {});
        QVERIFY(!r);
        QCOMPARE(int(r.error().kind), kind);
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM notification_channel"))->toLongLong(), before);
    }

    void setLevelsAndAudit()
    {
        auto s = store();
        auto added = s.add(m_org, QStringLiteral("audited"), ChannelKind::Webhook, {});
        QVERIFY2(added, qPrintable(why(added)));
        auto changed = s.setLevels(m_org, QStringLiteral("audited"), {false, true, true});
        QVERIFY2(changed, qPrintable(why(changed)));
        QCOMPARE(changed->levels, (NotificationLevels{false, true, true}));
        QCOMPARE(s.find(m_org, QStringLiteral("audited"))->levels, (NotificationLevels{false, true, true}));
        auto removed = s.remove(m_org, QStringLiteral("audited"));
        QVERIFY2(removed, qPrintable(why(removed)));
        QCOMPARE(removed->secretKey, QStringLiteral("notify/acme/audited"));
        QVERIFY(!s.find(m_org, QStringLiteral("audited")));

        auto history = AuditLog(*m_db, QStringLiteral("x")).history(QStringLiteral("notification_channel"), added->uuid);
        QVERIFY2(history, qPrintable(why(history)));
        QStringList actions;
        for (const AuditEvent &e : *history) {
            actions << e.action + QLatin1Char(':') + e.property;
            QCOMPARE(e.actor, QStringLiteral("tester@host"));
            QCOMPARE(e.orgId, m_org);
        }
        QCOMPARE(actions, (QStringList{"create:", "update:on", "delete:"}));
        const AuditEvent &update = history->at(1);
        QCOMPARE(update.oldValue, QStringLiteral("[\"failure\"]"));
        QCOMPARE(update.newValue, QStringLiteral("[\"warning\",\"success\"]"));
        sluice::test::verifyMentions(history->at(0).newValue, {QStringLiteral("\"name\":\"audited\""), QStringLiteral("\"kind\":\"webhook\""),
                                                              QStringLiteral("notify/acme/audited")});
        sluice::test::verifyMentions(history->at(2).oldValue, {QStringLiteral("\"name\":\"audited\"")});
        // What was recorded names the channel and its key, never a URL (the store never sees one).
        const auto recorded = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM audit_event WHERE entity = 'notification_channel' "
                                                          "AND (new_value LIKE '%http%' OR old_value LIKE '%http%')"));
        QCOMPARE(recorded->toLongLong(), 0);
        const auto created = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM audit_event WHERE entity = 'notification_channel' "
                                                         "AND entity_id = ? AND action = 'create'"), {added->uuid});
        QCOMPARE(created->toLongLong(), 1);
    }

    void attempts()
    {
        auto s = store();
        auto channel = s.add(m_org, QStringLiteral("hook"), ChannelKind::Webhook, {true, true, true});
        QVERIFY2(channel, qPrintable(why(channel)));
        const qint64 run = addRun(m_org);
        QVERIFY(run > 0);

        NotificationAttempt failed;
        failed.channelId = channel->id;
        failed.channelName = channel->name;
        failed.runId = run;
        failed.level = NotifyLevel::Failure;
        failed.attemptedAt = 1000;
        failed.ok = false;
        failed.httpStatus = 500;
        failed.error = QStringLiteral("HTTP 500 from 127.0.0.1:9");
        auto id1 = s.recordAttempt(failed);
        QVERIFY2(id1, qPrintable(why(id1)));

        NotificationAttempt test;
        test.channelId = channel->id;
        test.channelName = channel->name;
        test.level = NotifyLevel::Test;
        test.ok = true;
        test.httpStatus = 204;
        auto id2 = s.recordAttempt(test);
        QVERIFY2(id2, qPrintable(why(id2)));
        QVERIFY(*id2 > *id1);

        auto byRun = s.attemptsForRun(run);
        QVERIFY2(byRun, qPrintable(why(byRun)));
        QCOMPARE(byRun->size(), 1);
        const NotificationAttempt &a = byRun->first();
        QCOMPARE(a.id, *id1);
        QCOMPARE(a.channelId, std::optional<qint64>(channel->id));
        QCOMPARE(a.channelName, QStringLiteral("hook"));
        QCOMPARE(a.runId, std::optional<qint64>(run));
        QCOMPARE(toString(a.level), toString(NotifyLevel::Failure));
        QCOMPARE(a.attemptedAt, qint64(1000));
        QCOMPARE(a.ok, false);
        QCOMPARE(a.httpStatus, std::optional<int>(500));
        QCOMPARE(a.error, failed.error);

        auto byChannel = s.attemptsForChannel(channel->id);
        QVERIFY2(byChannel, qPrintable(why(byChannel)));
        QCOMPARE(byChannel->size(), 2);
        QCOMPARE(byChannel->at(0).id, *id2);   // newest first
        QCOMPARE(byChannel->at(0).runId, std::nullopt);
        QVERIFY(byChannel->at(0).attemptedAt > 1000);   // 0 meant now
        QVERIFY(byChannel->at(0).error.isEmpty());
        QCOMPARE(s.attemptsForChannel(channel->id, 1)->size(), 1);

        auto last = s.lastAttempts(m_org);
        QVERIFY2(last, qPrintable(why(last)));
        QVERIFY(last->contains(channel->id));
        QCOMPARE(last->value(channel->id).id, *id2);
        QVERIFY(!last->contains(s.find(m_org, QStringLiteral("team-slack"))->id));

        // Deleting the channel keeps its attempts, readable by name.
        QVERIFY(s.remove(m_org, QStringLiteral("hook")));
        auto kept = s.attemptsForRun(run);
        QVERIFY2(kept, qPrintable(why(kept)));
        QCOMPARE(kept->size(), 1);
        QCOMPARE(kept->first().channelId, std::nullopt);
        QCOMPARE(kept->first().channelName, QStringLiteral("hook"));
        QVERIFY(!s.lastAttempts(m_org)->contains(channel->id));
    }
};

QTEST_GUILESS_MAIN(tst_NotificationStore)
#include "tst_notificationstore.moc"
