// sluicectl notify add | list | test | set | delete: the real binary as a child process, a real database
// of each backend, the real keychain (inside tests/support/with-keyring.sh) and a webhook receiver
// in this process. The webhook URL (with a canary in its path) goes in on stdin and must never come
// out: not on stdout or stderr, not in the database.
#include "storefixture.h"
#include "clirun.h"
#include "testhelpers.h"
#include "webhookdouble.h"

#include "secrets/secretstore.h"

#include <QCoro/QCoroTask>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlRecord>
#include <QTcpServer>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

const QString kCanary = QStringLiteral("canary-c4d2a91e7f60");

using Outcome = sluice::test::CliOutcome;

} // namespace

class tst_NotifyCli : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    QString m_url;
    test::WebhookDouble m_double;
    QByteArray m_allOutput;   // everything every sluicectl run printed

    // Runs sluicectl with `input` on stdin while this process keeps serving the webhook double.
    Outcome ctl(QStringList args, const QByteArray &input = {})
    {
        args.prepend(m_url);
        args.prepend(QStringLiteral("--db"));
        Outcome o = test::runCli(QStringLiteral(SLUICECTL_PATH), args, QProcessEnvironment::systemEnvironment(), input);
        m_allOutput += o.out + o.err;
        return o;
    }

    QString hookUrl(const QString &prefix) const { return m_double.url(QStringLiteral("%1/%2").arg(prefix, kCanary)).toString(); }

    static QStringList org(const QStringList &rest) { return QStringList{QStringLiteral("--org"), QStringLiteral("acme")} + rest; }

private Q_SLOTS:
    void initTestCase()
    {
        SLUICE_REQUIRE_BACKEND(m_fixture);
        QVERIFY2(!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"),
                 "run this suite through tests/support/with-keyring.sh (packages dbus, gnome-keyring)");
        auto db = m_fixture.openFresh();
        QVERIFY2(db, qPrintable(why(db)));
        m_db = std::move(*db);
        m_url = m_db->url().toString();
        QVERIFY(m_double.listen() > 0);
        const Outcome o = ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
    }

    void addAndList()
    {
        Outcome o = ctl(QStringList{QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("add")} +
                            org({QStringLiteral("--name"), QStringLiteral("ops"), QStringLiteral("--kind"), QStringLiteral("slack"),
                                 QStringLiteral("--on"), QStringLiteral("failure,warning")}),
                        hookUrl(QStringLiteral("/hook/ops")).toUtf8() + '\n');
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QJsonObject added = o.json().toObject();
        QCOMPARE(added.value(QStringLiteral("name")).toString(), QStringLiteral("ops"));
        QCOMPARE(added.value(QStringLiteral("kind")).toString(), QStringLiteral("slack"));
        QCOMPARE(added.value(QStringLiteral("secret_key")).toString(), QStringLiteral("notify/acme/ops"));
        QCOMPARE(added.value(QStringLiteral("on")).toArray(), (QJsonArray{QStringLiteral("failure"), QStringLiteral("warning")}));

        // The URL is in the keychain, exactly as given (less the newline).
        const auto stored = QCoro::waitFor(SecretStore().get(QStringLiteral("notify/acme/ops")));
        QVERIFY2(stored && *stored, "the URL is not in the keychain");
        QCOMPARE(**stored, hookUrl(QStringLiteral("/hook/ops")));

        o = ctl({QStringLiteral("notify"), QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                 QStringLiteral("desk"), QStringLiteral("--kind"), QStringLiteral("desktop"), QStringLiteral("--on"), QStringLiteral("success")});
        QVERIFY2(o.exitCode == 0, o.err.constData());

        o = ctl({QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        const QJsonArray list = o.json().toArray();
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("desk"));
        QVERIFY(list[0].toObject().value(QStringLiteral("secret_key")).isNull());
        QCOMPARE(list[1].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("ops"));
        QVERIFY(list[1].toObject().value(QStringLiteral("last_attempt")).isNull());

        o = ctl({QStringLiteral("notify"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        sluice::test::verifyMentions(QString::fromUtf8(o.out), {QStringLiteral("LAST ATTEMPT"), QStringLiteral("failure,warning"), QStringLiteral("never")});
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("mention");
        const QStringList add{QStringLiteral("notify"), QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme")};
        QTest::newRow("duplicate") << add + QStringList{"--name", "ops", "--kind", "teams"} << QByteArray("http://x/") << "already has";
        QTest::newRow("bad kind") << add + QStringList{"--name", "x", "--kind", "email"} << QByteArray() << "unknown channel kind";
        QTest::newRow("bad level") << add + QStringList{"--name", "x", "--kind", "slack", "--on", "always"} << QByteArray() << "unknown notification level";
        QTest::newRow("bad name") << add + QStringList{"--name", "Ops Team", "--kind", "slack"} << QByteArray() << "not a valid channel name";
        QTest::newRow("no url") << add + QStringList{"--name", "x", "--kind", "webhook"} << QByteArray() << "no webhook URL";
        QTest::newRow("not a url") << add + QStringList{"--name", "x", "--kind", "webhook"} << (kCanary + QStringLiteral(" oops")).toUtf8()
                                   << "not a webhook URL";
        QTest::newRow("ftp url") << add + QStringList{"--name", "x", "--kind", "webhook"} << ("ftp://host/" + kCanary).toUtf8() << "not a webhook URL";
        QTest::newRow("unknown channel") << QStringList{"notify", "test", "--org", "acme", "--name", "nope"} << QByteArray() << "no notification channel";
        QTest::newRow("unknown org") << QStringList{"notify", "list", "--org", "nope"} << QByteArray() << "nope";
        QTest::newRow("unknown verb") << QStringList{"notify", "send"} << QByteArray() << "notify add";
    }
    // A pipeline's notify_on, set and shown through the CLI.
    void pipelineNotifyOn()
    {
        Outcome o = ctl({QStringLiteral("--json"), QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"),
                         QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("loud"), QStringLiteral("--notify-on"),
                         QStringLiteral("warning,failure")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QCOMPARE(o.json().toObject().value(QStringLiteral("notify_on")).toArray(),
                 (QJsonArray{QStringLiteral("failure"), QStringLiteral("warning")}));
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), QStringLiteral("loud"), QStringLiteral("--notify-on"), QStringLiteral("none")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("show"), QStringLiteral("loud")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QVERIFY2(o.out.contains("notify on: nothing"), o.out.constData());
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), QStringLiteral("loud"), QStringLiteral("--notify-on"), QStringLiteral("always")});
        QVERIFY(test::isUserError(o, QStringLiteral("\"always\"")));
    }

    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, mention);
        const Outcome o = ctl(args, input);
        QCOMPARE(o.exitCode, 1);
        sluice::test::verifyMentions(QString::fromUtf8(o.err), {mention});
        QVERIFY(o.out.isEmpty());
        const auto x = QCoro::waitFor(SecretStore().check(QStringLiteral("notify/acme/x")));
        QVERIFY2(x && !*x, "a refused add left a keychain entry");
    }

    void testSends()
    {
        m_double.clear();
        const Outcome o = ctl({QStringLiteral("notify"), QStringLiteral("test"), QStringLiteral("--org"), QStringLiteral("acme"),
                               QStringLiteral("--name"), QStringLiteral("ops")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        sluice::test::verifyMentions(QString::fromUtf8(o.out), {QStringLiteral("ops"), QStringLiteral("HTTP 200")});
        QCOMPARE(m_double.requests().size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(m_double.requests()[0].body).object();
        sluice::test::verifyMentions(body.value(QStringLiteral("text")).toString(), {QStringLiteral("Sluice test notification (acme)")});

        const Outcome list = ctl({QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")});
        const QJsonObject last = list.json().toArray()[1].toObject().value(QStringLiteral("last_attempt")).toObject();
        QCOMPARE(last.value(QStringLiteral("ok")).toBool(), true);
        QCOMPARE(last.value(QStringLiteral("level")).toString(), QStringLiteral("test"));
        QCOMPARE(last.value(QStringLiteral("http_status")).toInt(), 200);
    }

    void testFailure()
    {
        Outcome o = ctl({QStringLiteral("notify"), QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                         QStringLiteral("broken"), QStringLiteral("--kind"), QStringLiteral("webhook")},
                        hookUrl(QStringLiteral("/status/500")).toUtf8());
        QVERIFY2(o.exitCode == 0, o.err.constData());
        o = ctl({QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("test"), QStringLiteral("--org"), QStringLiteral("acme"),
                 QStringLiteral("--name"), QStringLiteral("broken")});
        QCOMPARE(o.exitCode, 1);
        const QJsonObject outcome = o.json().toObject();
        QCOMPARE(outcome.value(QStringLiteral("ok")).toBool(true), false);
        QCOMPARE(outcome.value(QStringLiteral("http_status")).toInt(), 500);
        sluice::test::verifyMentions(QString::fromUtf8(o.err), {QStringLiteral("channel broken failed: HTTP 500 from 127.0.0.1"),
                                                                QStringLiteral("recorded")});

        o = ctl({QStringLiteral("notify"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        sluice::test::verifyMentions(QString::fromUtf8(o.out), {QStringLiteral("FAILED"), QStringLiteral("HTTP 500")});
    }

    void testRefusedConnection()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        Outcome o = ctl({QStringLiteral("notify"), QStringLiteral("add"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                         QStringLiteral("dead"), QStringLiteral("--kind"), QStringLiteral("teams")},
                        QStringLiteral("http://127.0.0.1:%1/hook/%2").arg(port).arg(kCanary).toUtf8());
        QVERIFY2(o.exitCode == 0, o.err.constData());
        o = ctl({QStringLiteral("notify"), QStringLiteral("test"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("dead")});
        QCOMPARE(o.exitCode, 1);
        sluice::test::verifyMentions(QString::fromUtf8(o.err), {QStringLiteral("refused the connection")});
    }

    void setLevels()
    {
        Outcome o = ctl({QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"),
                         QStringLiteral("--name"), QStringLiteral("ops"), QStringLiteral("--on"), QStringLiteral("success")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QCOMPARE(o.json().toObject().value(QStringLiteral("on")).toArray(), QJsonArray{QStringLiteral("success")});
    }

    void deleteRemovesKey()
    {
        Outcome o = ctl({QStringLiteral("notify"), QStringLiteral("delete"), QStringLiteral("--org"), QStringLiteral("acme"),
                         QStringLiteral("--name"), QStringLiteral("ops")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        const auto left = QCoro::waitFor(SecretStore().check(QStringLiteral("notify/acme/ops")));
        QVERIFY2(left && !*left, "the keychain entry outlived its channel");
        o = ctl({QStringLiteral("--json"), QStringLiteral("notify"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme")});
        QStringList names;
        for (const QJsonValue &c : o.json().toArray())
            names << c.toObject().value(QStringLiteral("name")).toString();
        QCOMPARE(names, (QStringList{QStringLiteral("broken"), QStringLiteral("dead"), QStringLiteral("desk")}));
        // Its attempt history stays, by name.
        const auto kept = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM notification_attempt WHERE channel_name = 'ops' AND channel_id IS NULL"));
        QVERIFY2(kept, qPrintable(why(kept)));
        QCOMPARE(kept->toLongLong(), 1);
        o = ctl({QStringLiteral("notify"), QStringLiteral("delete"), QStringLiteral("--org"), QStringLiteral("acme"),
                 QStringLiteral("--name"), QStringLiteral("ops")});
        QCOMPARE(o.exitCode, 1);
    }

    // Last: every run above had the canary on its stdin.
    // A run that sluicectl executes itself notifies as an agent's does: the pipeline's notify_on
    // (default failure) and each channel's levels decide.
    void aLocalRunNotifies()
    {
        Outcome o = ctl(QStringList{QStringLiteral("notify"), QStringLiteral("add")} +
                            org({QStringLiteral("--name"), QStringLiteral("local"), QStringLiteral("--kind"), QStringLiteral("webhook"),
                                 QStringLiteral("--on"), QStringLiteral("failure,success")}),
                        hookUrl(QStringLiteral("/hook/local")).toUtf8());
        QVERIFY2(o.exitCode == 0, o.err.constData());
        auto shellTask = [&](const QString &command) {
            const Outcome t = ctl({QStringLiteral("--json"), QStringLiteral("task"), QStringLiteral("create"), QStringLiteral("--org"),
                                   QStringLiteral("acme"), QStringLiteral("--slug"), QStringLiteral("shell"), QStringLiteral("--command"), command});
            return t.json().toObject().value(QStringLiteral("uuid")).toString();
        };
        const QString failing = shellTask(QStringLiteral("false")), passing = shellTask(QStringLiteral("true"));
        QVERIFY(!failing.isEmpty() && !passing.isEmpty());
        for (const auto &[name, task] : {std::pair{QStringLiteral("local-fail"), failing}, std::pair{QStringLiteral("local-ok"), passing}}) {
            o = ctl({QStringLiteral("pipeline"), QStringLiteral("create"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--name"),
                     name, QStringLiteral("--task"), task, QStringLiteral("--no-auto-deps")});
            QVERIFY2(o.exitCode == 0, o.err.constData());
        }
        auto toLocal = [&] {
            QList<QJsonObject> bodies;
            for (const auto &r : m_double.requests())
                if (r.path.startsWith(QLatin1String("/hook/local")))
                    bodies << QJsonDocument::fromJson(r.body).object();
            return bodies;
        };

        m_double.clear();
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("local-fail"), QStringLiteral("--wait")});
        QCOMPARE(o.exitCode, 1);
        QCOMPARE(toLocal().size(), 1);
        QCOMPARE(toLocal().first().value(QStringLiteral("run")).toObject().value(QStringLiteral("status")).toString(), QStringLiteral("failed"));

        // The channel wants successes too, but the pipeline notifies on failure only.
        m_double.clear();
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("local-ok"), QStringLiteral("--wait")});
        QVERIFY2(o.exitCode == 0, o.err.constData());
        QCOMPARE(toLocal().size(), 0);
    }

    void urlNeverLeaks()
    {
        QVERIFY(!m_allOutput.isEmpty());
        QVERIFY2(!m_allOutput.contains(kCanary.toUtf8()), m_allOutput.constData());
        for (const QString &table : {QStringLiteral("notification_attempt"), QStringLiteral("notification_channel"), QStringLiteral("audit_event")}) {
            auto q = m_db->exec(QStringLiteral("SELECT * FROM %1").arg(table));
            QVERIFY2(q, qPrintable(why(q)));
            while (q->next())
                for (int i = 0; i < q->record().count(); ++i)
                    QVERIFY2(!q->value(i).toString().contains(kCanary), qPrintable(QStringLiteral("%1.%2").arg(table, q->record().fieldName(i))));
        }
    }
};

QTEST_GUILESS_MAIN(tst_NotifyCli)
#include "tst_notifycli.moc"
