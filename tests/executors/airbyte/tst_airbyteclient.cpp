// AirbyteClient against the Airbyte double: every endpoint, the three auth modes, and every fault
// (5xx, HTML, malformed JSON, dropped connection, slow reply, server down) ending in a clear error.
#include "airbyte/airbyteclient.h"
#include "airbytedouble.h"

#include <QCoro/QCoroTask>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

#include "testhelpers.h"

using namespace sluice;
using sluice::test::why;
using sluice::test::AirbyteDouble;
using namespace std::chrono_literals;

class TestAirbyteClient : public QObject
{
    Q_OBJECT

private:
    struct World {
        std::unique_ptr<AirbyteDouble> server;
        QString workspace, source, destination, connection;
    };

    static World makeWorld() { return makeWorld(AirbyteDouble::Options{}); }

    static World makeWorld(AirbyteDouble::Options options)
    {
        World w;
        w.server = std::make_unique<AirbyteDouble>(options);
        if (w.server->listen() == 0)
            qFatal("the Airbyte double could not listen on 127.0.0.1");
        w.workspace = w.server->addWorkspace(QStringLiteral("Acme"));
        w.source = w.server->addSource(w.workspace, QStringLiteral("CRM"));
        w.destination = w.server->addDestination(w.workspace, QStringLiteral("Warehouse"));
        w.connection = w.server->addConnection(w.workspace, w.source, w.destination, QStringLiteral("CRM to warehouse"));
        return w;
    }

    static AirbyteClientOptions fastOptions(const QUrl &url) { return fastOptions(url, AirbyteAuth{}); }

    static AirbyteClientOptions fastOptions(const QUrl &url, AirbyteAuth auth)
    {
        AirbyteClientOptions o;
        o.url = url;
        o.auth = auth;
        o.transferTimeout = 1000ms;
        o.maxAttempts = 3;
        o.retryDelay = 10ms;
        o.maxRetryDelay = 40ms;
        return o;
    }

private Q_SLOTS:
    void everyEndpoint()
    {
        World w = makeWorld();
        AirbyteClient client(fastOptions(w.server->url()));

        QVERIFY(QCoro::waitFor(client.health()).has_value());

        auto workspaces = QCoro::waitFor(client.workspaces());
        QVERIFY2(workspaces, qPrintable(why(workspaces)));
        QCOMPARE(workspaces->size(), 1);
        QCOMPARE(workspaces->first().id, w.workspace);
        QCOMPARE(workspaces->first().name, QStringLiteral("Acme"));

        auto sources = QCoro::waitFor(client.sources(w.workspace));
        QVERIFY(sources);
        QCOMPARE(sources->size(), 1);
        QCOMPARE(sources->first().id, w.source);
        QCOMPARE(sources->first().typeName, QStringLiteral("Postgres"));
        auto destinations = QCoro::waitFor(client.destinations(w.workspace));
        QVERIFY(destinations);
        QCOMPARE(destinations->size(), 1);
        QCOMPARE(destinations->first().id, w.destination);
        QCOMPARE(destinations->first().typeName, QStringLiteral("BigQuery"));

        auto schema = QCoro::waitFor(client.discoverSchema(w.source));
        QVERIFY(schema);
        QVERIFY(schema->value(QLatin1String("jobInfo")).toObject().value(QLatin1String("succeeded")).toBool());

        auto connections = QCoro::waitFor(client.connections(w.workspace));
        QVERIFY(connections);
        QCOMPARE(connections->size(), 1);
        QCOMPARE(connections->first().status, QStringLiteral("active"));

        auto created = QCoro::waitFor(client.createConnection({{QStringLiteral("sourceId"), w.source},
                                                               {QStringLiteral("destinationId"), w.destination},
                                                               {QStringLiteral("status"), QStringLiteral("inactive")},
                                                               {QStringLiteral("name"), QStringLiteral("second")}}));
        QVERIFY2(created, qPrintable(why(created)));
        QCOMPARE(created->name, QStringLiteral("second"));
        QCOMPARE(created->status, QStringLiteral("inactive"));
        QJsonObject update = created->raw;
        update.insert(QStringLiteral("name"), QStringLiteral("renamed"));
        auto updated = QCoro::waitFor(client.updateConnection(update));
        QVERIFY(updated);
        QCOMPARE(updated->name, QStringLiteral("renamed"));
        auto got = QCoro::waitFor(client.connection(created->id));
        QVERIFY(got);
        QCOMPARE(got->name, QStringLiteral("renamed"));
        QVERIFY(QCoro::waitFor(client.deleteConnection(created->id)).has_value());
        auto gone = QCoro::waitFor(client.connection(created->id));
        QVERIFY(!gone);
        QCOMPARE(gone.error().kind, Error::Kind::NotFound);
        QVERIFY2(gone.error().message.contains(QLatin1String("Could not find connection")), qPrintable(why(gone)));

        auto sync = QCoro::waitFor(client.sync(w.connection));
        QVERIFY2(sync, qPrintable(why(sync)));
        QCOMPARE(sync->configType, QStringLiteral("sync"));
        QCOMPARE(sync->configId, w.connection);
        QVERIFY(!sync->isTerminal());
        auto again = QCoro::waitFor(client.sync(w.connection));
        QVERIFY(!again);
        QCOMPARE(again.error().kind, Error::Kind::Conflict);
        QVERIFY2(again.error().message.contains(QLatin1String("A sync is already running")), qPrintable(why(again)));

        auto job = QCoro::waitFor(client.job(sync->id));
        QVERIFY(job);
        QCOMPARE(job->id, sync->id);
        auto jobs = QCoro::waitFor(client.jobs(w.connection, {QStringLiteral("sync")}));
        QVERIFY(jobs);
        QCOMPARE(jobs->size(), 1);
        QCOMPARE(jobs->first().id, sync->id);
        auto cancelled = QCoro::waitFor(client.cancelJob(sync->id));
        QVERIFY(cancelled);
        QCOMPARE(cancelled->status, QStringLiteral("cancelled"));
        QVERIFY(w.server->jobCancelled(sync->id));

        auto reset = QCoro::waitFor(client.reset(w.connection));
        QVERIFY(reset);
        QCOMPARE(reset->configType, QStringLiteral("reset_connection"));
        auto clear = QCoro::waitFor(client.clear(w.connection));
        QVERIFY(clear);
        QCOMPARE(clear->configType, QStringLiteral("clear"));
        auto refresh = QCoro::waitFor(client.refresh(w.connection));
        QVERIFY2(refresh, qPrintable(why(refresh)));
        QCOMPARE(refresh->configType, QStringLiteral("refresh"));
        QCOMPARE(w.server->requests().last().body.value(QLatin1String("refreshMode")).toString(), QStringLiteral("Truncate"));

        // The wire format: POST with a JSON body under /api/v1, GET only for health; no auth header.
        for (const AirbyteDouble::Request &r : w.server->requests()) {
            QCOMPARE(r.method, r.endpoint == QLatin1String("health") ? QByteArray("GET") : QByteArray("POST"));
            QVERIFY(r.authorization.isEmpty());
        }
    }

    // Sources the way the Ingest page uses them: a secret goes in, is read back masked, survives an
    // update that sends the mask back, and a failed check is a value with the connector's words.
    void sourcesKeepSecretsOnTheServer()
    {
        World w = makeWorld();
        const QJsonObject spec{{QStringLiteral("connectionSpecification"),
                                QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                            {QStringLiteral("properties"), QJsonObject{
                                                 {QStringLiteral("host"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}},
                                                 {QStringLiteral("password"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                                                                          {QStringLiteral("airbyte_secret"), true}}}}}}}};
        const QString def = w.server->addSourceDefinition(QStringLiteral("Shop DB"), spec);
        AirbyteClient client(fastOptions(w.server->url()));
        auto created = QCoro::waitFor(client.createSource(w.workspace, def, QStringLiteral("shop"),
                                                          {{QStringLiteral("host"), QStringLiteral("h")}, {QStringLiteral("password"), QStringLiteral("s3cret")}}));
        QVERIFY2(created, qPrintable(why(created)));
        QCOMPARE(created->typeName, QStringLiteral("Shop DB"));
        const QJsonObject read = created->raw.value(u"connectionConfiguration").toObject();
        QCOMPARE(read.value(u"password").toString(), QStringLiteral("**********"));
        auto updated = QCoro::waitFor(client.updateSource(created->id, QStringLiteral("shop 2"),
                                                          {{QStringLiteral("host"), QStringLiteral("h2")}, {QStringLiteral("password"), QStringLiteral("**********")}}));
        QVERIFY2(updated, qPrintable(why(updated)));
        QCOMPARE(w.server->storedConfiguration(created->id).value(u"password").toString(), QStringLiteral("s3cret"));
        QCOMPARE(w.server->storedConfiguration(created->id).value(u"host").toString(), QStringLiteral("h2"));

        w.server->setCheckFailure(def, QStringLiteral("password authentication failed for user \"loader\""));
        auto check = QCoro::waitFor(client.checkSource(created->id));
        QVERIFY2(check, qPrintable(why(check)));
        QVERIFY(!check->succeeded);
        QVERIFY(check->message.contains(QLatin1String("password authentication failed")));

        auto unknown = QCoro::waitFor(client.sourceSpec(QStringLiteral("00000000-0000-0000-0000-000000000000"), w.workspace));
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().kind, Error::Kind::NotFound);
        QVERIFY(QCoro::waitFor(client.deleteSource(created->id)));
        auto gone = QCoro::waitFor(client.source(created->id));
        QVERIFY(!gone);
        QCOMPARE(gone.error().kind, Error::Kind::NotFound);
    }

    void auth_data()
    {
        QTest::addColumn<int>("serverAuth");
        QTest::addColumn<int>("clientAuth");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<bool>("ok");
        QTest::newRow("basic") << int(AirbyteDouble::Auth::Basic) << int(AirbyteAuth::Kind::Basic) << QStringLiteral("s3cret-pass") << true;
        QTest::newRow("basic, wrong password") << int(AirbyteDouble::Auth::Basic) << int(AirbyteAuth::Kind::Basic) << QStringLiteral("wrong-pass") << false;
        QTest::newRow("basic server, no auth") << int(AirbyteDouble::Auth::Basic) << int(AirbyteAuth::Kind::None) << QString() << false;
        QTest::newRow("client") << int(AirbyteDouble::Auth::ClientCredentials) << int(AirbyteAuth::Kind::ClientCredentials) << QStringLiteral("s3cret-pass") << true;
        QTest::newRow("client, wrong secret") << int(AirbyteDouble::Auth::ClientCredentials) << int(AirbyteAuth::Kind::ClientCredentials) << QStringLiteral("wrong-pass") << false;
    }

    void auth()
    {
        QFETCH(int, serverAuth);
        QFETCH(int, clientAuth);
        QFETCH(QString, secret);
        QFETCH(bool, ok);
        AirbyteDouble::Options so;
        so.auth = AirbyteDouble::Auth(serverAuth);
        so.user = QStringLiteral("sluice-app");
        so.secret = QStringLiteral("s3cret-pass");
        World w = makeWorld(so);
        AirbyteClient client(fastOptions(w.server->url(), {AirbyteAuth::Kind(clientAuth), QStringLiteral("sluice-app"), secret}));
        auto result = QCoro::waitFor(client.connections(w.workspace));
        QCOMPARE(result.has_value(), ok);
        if (!ok) {
            QCOMPARE(result.error().kind, Error::Kind::Invalid);
            QVERIFY2(result.error().message.contains(QLatin1String("401")), qPrintable(why(result)));
            QVERIFY(!result.error().message.contains(secret.isEmpty() ? QStringLiteral("<none>") : secret));
            QVERIFY(!result.error().message.contains(QStringLiteral("s3cret-pass")));
            QCOMPARE(w.server->count(QStringLiteral("connections/list")) + w.server->count(QStringLiteral("applications/token")), 1);   // 4xx: no retry
        } else {
            QCOMPARE(result->size(), 1);
        }
    }

    void tokenRefreshedOn401()
    {
        AirbyteDouble::Options so;
        so.auth = AirbyteDouble::Auth::ClientCredentials;
        so.user = QStringLiteral("client-id");
        so.secret = QStringLiteral("client-secret-value");
        World w = makeWorld(so);
        AirbyteClient client(fastOptions(w.server->url(), {AirbyteAuth::Kind::ClientCredentials, so.user, so.secret}));
        QVERIFY(QCoro::waitFor(client.connection(w.connection)).has_value());
        const QString first = w.server->lastIssuedToken();
        QVERIFY(QCoro::waitFor(client.connection(w.connection)).has_value());
        QCOMPARE(w.server->count(QStringLiteral("applications/token")), 1);   // the token is reused

        w.server->expireTokens();   // as after ~15 minutes
        auto after = QCoro::waitFor(client.connection(w.connection));
        QVERIFY2(after, qPrintable(why(after)));
        QCOMPARE(w.server->count(QStringLiteral("applications/token")), 2);
        QVERIFY(w.server->lastIssuedToken() != first);
        QCOMPARE(w.server->requests().last().authorization, "Bearer " + w.server->lastIssuedToken().toUtf8());
        // The token request carries the credentials in its body, never in a header.
        for (const AirbyteDouble::Request &r : w.server->requests()) {
            if (r.endpoint == QLatin1String("applications/token")) {
                QCOMPARE(r.body.value(QLatin1String("client_id")).toString(), so.user);
                QVERIFY(r.authorization.isEmpty());
            }
        }
    }

    void faults_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("expected");   // empty: the call succeeds
        QTest::addColumn<int>("requests");        // how many reached the server
        QTest::newRow("500 once, then ok") << int(AirbyteDouble::Fault::Kind::HttpError) << 1 << QString() << 2;
        QTest::newRow("500 always") << int(AirbyteDouble::Fault::Kind::HttpError) << -1
                                    << QStringLiteral("HTTP 500: Internal Server Error: injected fault on connections/get") << 3;
        QTest::newRow("HTML 502") << int(AirbyteDouble::Fault::Kind::Html) << -1 << QStringLiteral("HTML page, not Airbyte's JSON") << 3;
        QTest::newRow("malformed JSON") << int(AirbyteDouble::Fault::Kind::MalformedJson) << -1 << QStringLiteral("not valid JSON") << 1;
        QTest::newRow("dropped once, then ok") << int(AirbyteDouble::Fault::Kind::Drop) << 1 << QString() << 2;
        QTest::newRow("dropped always") << int(AirbyteDouble::Fault::Kind::Drop) << -1 << QStringLiteral("could not be reached") << 3;
        QTest::newRow("slow past the timeout") << int(AirbyteDouble::Fault::Kind::Delay) << -1 << QStringLiteral("did not answer connections/get within 1 s") << 3;
    }

    void faults()
    {
        QFETCH(int, kind);
        QFETCH(int, count);
        QFETCH(QString, expected);
        QFETCH(int, requests);
        World w = makeWorld();
        AirbyteDouble::Fault f;
        f.kind = AirbyteDouble::Fault::Kind(kind);
        f.endpoint = QStringLiteral("connections/get");
        f.count = count;
        f.status = kind == int(AirbyteDouble::Fault::Kind::Html) ? 502 : 500;
        f.delay = 3000ms;
        w.server->addFault(f);
        AirbyteClient client(fastOptions(w.server->url()));
        QElapsedTimer clock;
        clock.start();
        auto result = QCoro::waitFor(client.connection(w.connection));
        QVERIFY(clock.elapsed() < 8000);   // bounded: 3 attempts × 1 s timeout + backoff
        if (expected.isEmpty()) {
            QVERIFY2(result, qPrintable(why(result)));
            QCOMPARE(result->id, w.connection);
        } else {
            QVERIFY(!result);
            QVERIFY2(result.error().message.contains(expected), qPrintable(why(result)));
            QVERIFY2(result.error().message.contains(w.server->url().toString()), qPrintable(why(result)));
        }
        if (kind == int(AirbyteDouble::Fault::Kind::Drop)) {
            // Qt's HTTP layer itself resends once when a reused keep-alive connection is closed.
            QTRY_VERIFY(w.server->count(QStringLiteral("connections/get")) >= requests);
            QVERIFY(w.server->count(QStringLiteral("connections/get")) <= 2 * requests);
        } else {
            QTRY_COMPARE(w.server->count(QStringLiteral("connections/get")), requests);
        }
    }

    void statusKinds_data()
    {
        // A 4xx says the request is wrong: not retried, Invalid (404: NotFound, 409: Conflict) — but 408
        // and 429 ask to be tried later, as 5xx: retried, Internal (what a task retry may wait out).
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("requests");
        QTest::newRow("400") << 400 << int(Error::Kind::Invalid) << 1;
        QTest::newRow("404") << 404 << int(Error::Kind::NotFound) << 1;
        QTest::newRow("405") << 405 << int(Error::Kind::Invalid) << 1;
        QTest::newRow("408") << 408 << int(Error::Kind::Internal) << 3;
        QTest::newRow("410") << 410 << int(Error::Kind::Invalid) << 1;
        QTest::newRow("429") << 429 << int(Error::Kind::Internal) << 3;
        QTest::newRow("503") << 503 << int(Error::Kind::Internal) << 3;
    }

    void statusKinds()
    {
        QFETCH(int, status);
        QFETCH(int, kind);
        QFETCH(int, requests);
        World w = makeWorld();
        AirbyteDouble::Fault f;
        f.kind = AirbyteDouble::Fault::Kind::HttpError;
        f.endpoint = QStringLiteral("connections/get");
        f.count = -1;
        f.status = status;
        w.server->addFault(f);
        AirbyteClient client(fastOptions(w.server->url()));
        auto result = QCoro::waitFor(client.connection(w.connection));
        QVERIFY(!result);
        QCOMPARE(int(result.error().kind), kind);
        QVERIFY2(result.error().message.contains(QStringLiteral("HTTP %1").arg(status)), qPrintable(why(result)));
        QTRY_COMPARE(w.server->count(QStringLiteral("connections/get")), requests);
    }

    void serverDown()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost));
        const quint16 port = probe.serverPort();
        probe.close();
        AirbyteClient client(fastOptions(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port))));
        auto result = QCoro::waitFor(client.health());
        QVERIFY(!result);
        QCOMPARE(result.error().kind, Error::Kind::Internal);
        QVERIFY2(result.error().message.contains(QLatin1String("could not be reached")), qPrintable(why(result)));
        QVERIFY2(result.error().message.contains(QLatin1String("check the URL and that Airbyte is running")), qPrintable(why(result)));
    }

    void htmlOnSuccessStatus()
    {
        // A login page or a web UI answering 200 where the API should be.
        World w = makeWorld();
        AirbyteDouble::Fault f;
        f.kind = AirbyteDouble::Fault::Kind::Html;
        f.status = 200;
        f.count = -1;
        f.body = "<!DOCTYPE html><html><head><title>Airbyte | Sign in</title></head><body>...</body></html>";
        w.server->addFault(f);
        AirbyteClient client(fastOptions(w.server->url()));
        auto result = QCoro::waitFor(client.workspaces());
        QVERIFY(!result);
        QVERIFY2(result.error().message.contains(QLatin1String("not valid JSON")), qPrintable(why(result)));
        QVERIFY2(result.error().message.contains(QLatin1String("Airbyte | Sign in")), qPrintable(why(result)));
    }

    void secretsNeverInErrors()
    {
        AirbyteDouble::Options so;
        so.auth = AirbyteDouble::Auth::Basic;
        so.secret = QStringLiteral("canary-Pa55word");
        World w = makeWorld(so);
        // The server echoes the secret in its error body; the client must mask it.
        AirbyteDouble::Fault f;
        f.count = -1;
        f.body = R"({"message":"bad config: password canary-Pa55word rejected"})";
        w.server->addFault(f);
        AirbyteClient client(fastOptions(w.server->url(), {AirbyteAuth::Kind::Basic, QStringLiteral("airbyte"), so.secret}));
        auto result = QCoro::waitFor(client.workspaces());
        QVERIFY(!result);
        QVERIFY2(!result.error().message.contains(so.secret), qPrintable(why(result)));
        QVERIFY2(result.error().message.contains(QLatin1String("password **** rejected")), qPrintable(why(result)));
    }
};

QTEST_GUILESS_MAIN(TestAirbyteClient)
#include "tst_airbyteclient.moc"
