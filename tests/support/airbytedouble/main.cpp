// airbyte-double: the Airbyte Config API double as a standalone server, for trying sluicectl by hand.
//   airbyte-double [--port N] [--auth none|basic|client] [--user U] [--secret S]
// Seeds one workspace with a source, a destination and two connections (one inactive) and prints
// {"url", "workspace_id", "connection_id", "inactive_connection_id"} as one JSON line on stdout.
#include "airbytedouble.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>

#include <cstdio>

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("port"), QStringLiteral("Port (0: any)."), QStringLiteral("N"), QStringLiteral("0")});
    parser.addOption({QStringLiteral("auth"), QStringLiteral("none|basic|client"), QStringLiteral("KIND"), QStringLiteral("none")});
    parser.addOption({QStringLiteral("user"), QStringLiteral("Basic user / client id."), QStringLiteral("U"), QStringLiteral("airbyte")});
    parser.addOption({QStringLiteral("secret"), QStringLiteral("Basic password / client secret."), QStringLiteral("S"), QStringLiteral("password")});
    parser.process(app);

    sluice::test::AirbyteDouble::Options options;
    const QString auth = parser.value(QStringLiteral("auth"));
    options.auth = auth == QLatin1String("basic")    ? sluice::test::AirbyteDouble::Auth::Basic
                 : auth == QLatin1String("client") ? sluice::test::AirbyteDouble::Auth::ClientCredentials
                                                   : sluice::test::AirbyteDouble::Auth::None;
    options.user = parser.value(QStringLiteral("user"));
    options.secret = parser.value(QStringLiteral("secret"));
    sluice::test::AirbyteDouble server(options);
    if (server.listen(quint16(parser.value(QStringLiteral("port")).toUInt())) == 0) {
        std::fprintf(stderr, "airbyte-double: could not listen on 127.0.0.1\n");
        return 1;
    }
    const QString ws = server.addWorkspace(QStringLiteral("Default Workspace"));
    const QString src = server.addSource(ws, QStringLiteral("CRM database"));
    const QString dst = server.addDestination(ws, QStringLiteral("Warehouse"));
    const QString conn = server.addConnection(ws, src, dst, QStringLiteral("CRM → Warehouse"));
    const QString off = server.addConnection(ws, src, dst, QStringLiteral("Old export"), QStringLiteral("inactive"));
    sluice::test::AirbyteDouble::JobPlan plan;
    plan.pendingFor = std::chrono::milliseconds(500);
    plan.attemptDuration = std::chrono::milliseconds(3000);
    server.setJobPlan(conn, plan);
    const QJsonObject info{{QStringLiteral("url"), server.url().toString()}, {QStringLiteral("workspace_id"), ws},
                           {QStringLiteral("connection_id"), conn}, {QStringLiteral("inactive_connection_id"), off}};
    std::printf("%s\n", QJsonDocument(info).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return app.exec();
}
