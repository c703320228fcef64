// The loopback docs server over a temporary target/: index.html and manifest.json with their types,
// "/" as index.html, nothing outside the folder whatever the spelling (.., encoded dots and slashes,
// absolute paths, links out, hidden files, folders), foreign Host headers and other methods refused,
// one port per server, and no answer on any address but 127.0.0.1.
#include "dbt/docsserver.h"

#include <QDir>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkInterface>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

const QByteArray kSecret = QByteArrayLiteral("the secret beside target/");
const QByteArray kIndex = QByteArrayLiteral("<!doctype html><title>dbt Docs</title>");
const QByteArray kManifest = QByteArrayLiteral("{\"metadata\": {\"dbt_version\": \"1.8.9\"}}");

void write(const QString &path, const QByteArray &bytes)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(bytes);
}

struct Answer
{
    int status = 0;
    QByteArray contentType;
    QByteArray body;
};

} // namespace

class tst_DocsServer : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;   // project/target (served), project/secret.txt and /outside/secret.txt (not)
    QString m_target;

    Answer get(const QUrl &url)
    {
        QNetworkAccessManager nam;
        QNetworkRequest request(url);
        std::unique_ptr<QNetworkReply> reply(nam.get(request));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!done.wait(5000))
            return {};
        return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(),
                reply->readAll()};
    }

    // A request written byte for byte (QNetworkAccessManager would normalise the path first). The
    // server lives in this thread: the answer is awaited with the event loop turning.
    static Answer raw(quint16 port, const QByteArray &request)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        QByteArray all;
        bool sent = false;
        const auto complete = [&] {
            if (!sent && socket.state() == QAbstractSocket::ConnectedState) {
                socket.write(request);
                sent = true;
            }
            all += socket.readAll();
            const qsizetype headEnd = all.indexOf("\r\n\r\n");
            if (headEnd < 0)
                return socket.state() == QAbstractSocket::UnconnectedState;
            const qsizetype lengthAt = all.toLower().indexOf("content-length:");
            if (lengthAt < 0 || lengthAt > headEnd)
                return socket.state() == QAbstractSocket::UnconnectedState;
            const qsizetype lineEnd = all.indexOf("\r\n", lengthAt);
            const int length = all.mid(lengthAt + 15, lineEnd - lengthAt - 15).trimmed().toInt();
            return all.size() >= headEnd + 4 + length;
        };
        if (!QTest::qWaitFor(complete, 5000))
            return {};
        Answer a;
        a.status = all.left(all.indexOf("\r\n")).split(' ').value(1).toInt();
        a.body = all.mid(all.indexOf("\r\n\r\n") + 4);
        return a;
    }

    static QByteArray getLine(const QByteArray &target, quint16 port)
    {
        return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\nConnection: close\r\n\r\n";
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_target = m_dir.filePath(QStringLiteral("project/target"));
        write(m_target + QStringLiteral("/index.html"), kIndex);
        write(m_target + QStringLiteral("/manifest.json"), kManifest);
        write(m_target + QStringLiteral("/catalog.json"), "{}");
        write(m_target + QStringLiteral("/compiled/jaffle/models/orders.sql"), "select 1");
        write(m_target + QStringLiteral("/.hidden"), kSecret);
        write(m_dir.filePath(QStringLiteral("project/secret.txt")), kSecret);
        write(m_dir.filePath(QStringLiteral("outside/secret.txt")), kSecret);
        QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("outside/secret.txt")), m_target + QStringLiteral("/link-out.txt")));
        QVERIFY(QFile::link(m_dir.filePath(QStringLiteral("outside")), m_target + QStringLiteral("/dir-out")));
    }

    void resolve_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("file");   // relative to target/; empty: refused
        QTest::newRow("index") << "/index.html" << "index.html";
        QTest::newRow("root is index") << "/" << "index.html";
        QTest::newRow("manifest") << "/manifest.json" << "manifest.json";
        QTest::newRow("nested") << "/compiled/jaffle/models/orders.sql" << "compiled/jaffle/models/orders.sql";
        QTest::newRow("missing") << "/run_results.json" << "";
        QTest::newRow("parent") << "/../secret.txt" << "";
        QTest::newRow("parent inside") << "/compiled/../index.html" << "";
        QTest::newRow("dot") << "/./index.html" << "";
        QTest::newRow("absolute") << "//etc/passwd" << "";
        QTest::newRow("absolute, relative to root") << "/etc/passwd" << "";
        QTest::newRow("not rooted") << "index.html" << "";
        QTest::newRow("empty segment") << "/compiled//jaffle/models/orders.sql" << "";
        QTest::newRow("backslash") << "/..\\secret.txt" << "";
        QTest::newRow("hidden") << "/.hidden" << "";
        QTest::newRow("folder") << "/compiled" << "";
        QTest::newRow("link out") << "/link-out.txt" << "";
        QTest::newRow("folder link out") << "/dir-out/secret.txt" << "";
    }
    void resolve()
    {
        QFETCH(QString, path);
        QFETCH(QString, file);
        const auto got = DocsServer::resolve(m_target, path);
        if (file.isEmpty()) {
            QVERIFY2(!got, qPrintable(got.value_or(QString())));
        } else {
            QVERIFY(got);
            QCOMPARE(*got, QFileInfo(m_target + QLatin1Char('/') + file).canonicalFilePath());
        }
    }

    void contentTypes()
    {
        QCOMPARE(DocsServer::contentType(QStringLiteral("index.html")), QByteArray("text/html; charset=utf-8"));
        QCOMPARE(DocsServer::contentType(QStringLiteral("manifest.json")), QByteArray("application/json"));
        QCOMPARE(DocsServer::contentType(QStringLiteral("a/b.JS")), QByteArray("text/javascript; charset=utf-8"));
        QCOMPARE(DocsServer::contentType(QStringLiteral("orders.sql")), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(DocsServer::contentType(QStringLiteral("graph.gpickle")), QByteArray("application/octet-stream"));
    }

    void servesTheFolder()
    {
        DocsServer server(m_target);
        QCOMPARE(server.port(), quint16(0));
        QVERIFY(server.url().isEmpty());
        auto port = server.listen();
        QVERIFY2(port, port ? "" : qPrintable(port.error().message));
        QVERIFY(*port != 0);
        QCOMPARE(server.listen().value_or(0), *port); // listening already: the same port
        QCOMPARE(server.url(), QUrl(QStringLiteral("http://127.0.0.1:%1/index.html").arg(*port)));

        Answer index = get(server.url());
        QCOMPARE(index.status, 200);
        QCOMPARE(index.contentType, QByteArray("text/html; charset=utf-8"));
        QCOMPARE(index.body, kIndex);
        Answer manifest = get(server.url(QStringLiteral("manifest.json")));
        QCOMPARE(manifest.status, 200);
        QCOMPARE(manifest.contentType, QByteArray("application/json"));
        QCOMPARE(manifest.body, kManifest);
        QCOMPARE(get(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(*port))).body, kIndex);
        QCOMPARE(get(QUrl(QStringLiteral("http://localhost:%1/catalog.json").arg(*port))).status, 200);
        QCOMPARE(get(server.url(QStringLiteral("run_results.json"))).status, 404);
        const Answer folder = get(server.url(QStringLiteral("compiled")));
        QCOMPARE(folder.status, 404);
        QVERIFY(!folder.body.contains("jaffle"));   // no listing
    }

    void refusesWhatIsOutside_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::newRow("..") << QByteArray("/../secret.txt");
        QTest::newRow("../.. to outside") << QByteArray("/../../outside/secret.txt");
        QTest::newRow("encoded dots") << QByteArray("/%2e%2e/secret.txt");
        QTest::newRow("encoded slash") << QByteArray("/..%2fsecret.txt");
        QTest::newRow("double encoded") << QByteArray("/%252e%252e/secret.txt");
        QTest::newRow("absolute") << QByteArray("//etc/passwd");
        QTest::newRow("encoded absolute") << QByteArray("/%2Fetc%2Fpasswd");
        QTest::newRow("backslash") << QByteArray("/..%5csecret.txt");
        QTest::newRow("hidden") << QByteArray("/.hidden");
        QTest::newRow("link out") << QByteArray("/link-out.txt");
        QTest::newRow("absolute-form") << QByteArray("http://127.0.0.1/../secret.txt");
    }
    void refusesWhatIsOutside()
    {
        QFETCH(QByteArray, target);
        DocsServer server(m_target);
        auto port = server.listen();
        QVERIFY(port);
        QCOMPARE(raw(*port, getLine("/index.html", *port)).status, 200); // the raw client itself works
        const Answer a = raw(*port, getLine(target, *port));
        QVERIFY2(a.status >= 400, qPrintable(QString::number(a.status)));
        QVERIFY(!a.body.contains(kSecret));
        QVERIFY(!a.body.contains("root:"));
    }

    void refusesOtherHostsAndMethods()
    {
        DocsServer server(m_target);
        auto port = server.listen();
        QVERIFY(port);
        const QByteArray p = QByteArray::number(*port);
        // A page elsewhere whose DNS name was rebound to 127.0.0.1 sends its own name.
        Answer rebound = raw(*port, "GET /manifest.json HTTP/1.1\r\nHost: evil.example:" + p + "\r\nConnection: close\r\n\r\n");
        QCOMPARE(rebound.status, 403);
        QVERIFY(!rebound.body.contains(kManifest));
        QCOMPARE(raw(*port, "POST /index.html HTTP/1.1\r\nHost: 127.0.0.1:" + p + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").status, 405);
    }

    // Bound to 127.0.0.1 only: the same port on this machine's other addresses (IPv6 loopback, the
    // network interfaces) does not answer.
    void listensOnLoopbackOnly()
    {
        DocsServer server(m_target);
        auto port = server.listen();
        QVERIFY(port);
        QList<QHostAddress> others{QHostAddress::LocalHostIPv6};
        for (const QHostAddress &a : QNetworkInterface::allAddresses())
            if (!a.isLoopback() && a.protocol() == QAbstractSocket::IPv4Protocol)
                others << a;
        for (const QHostAddress &a : std::as_const(others)) {
            QTcpSocket socket;
            socket.connectToHost(a, *port);
            QVERIFY2(!socket.waitForConnected(1000), qPrintable(a.toString()));
        }
        QCOMPARE(raw(*port, getLine("/index.html", *port)).status, 200);
    }

    // Each server its own port; a stopped (destroyed) server answers no more.
    void stopsWhenDestroyed()
    {
        quint16 first = 0;
        {
            DocsServer a(m_target), b(m_target);
            first = a.listen().value_or(0);
            QVERIFY(first);
            QVERIFY(b.listen().value_or(first) != first);
        }
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, first);
        QVERIFY(!socket.waitForConnected(1000));
    }
};

QTEST_GUILESS_MAIN(tst_DocsServer)
#include "tst_docsserver.moc"
