#include "dbt/docsserver.h"

#include <QAbstractHttpServer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QLoggingCategory>

namespace sluice {

Q_LOGGING_CATEGORY(lcDocs, "sluice.exec.dbt.docs")

namespace {

using Status = QHttpServerResponder::StatusCode;

struct Reply
{
    Status status = Status::NotFound;
    QByteArray type = QByteArrayLiteral("text/plain; charset=utf-8");
    QByteArray body;
};

Reply text(Status status, const QString &body)
{
    return {status, QByteArrayLiteral("text/plain; charset=utf-8"), body.toUtf8() + '\n'};
}

} // namespace

// Every request goes to DocsServer::Http::handleRequest (no router: the one rule is "a file under root").
class DocsServer::Http final : public QAbstractHttpServer
{
public:
    explicit Http(DocsServer &owner) : QAbstractHttpServer(&owner), m_owner(owner) {}

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        const Reply r = answer(request);
        makeResponder(request, socket)
            .write(r.body, {{QByteArrayLiteral("Content-Type"), r.type},
                            {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-store")},
                            {QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")}},
                   r.status);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {} // never: handleRequest takes all

private:
    Reply answer(const QHttpServerRequest &request) const
    {
        const QByteArray port = QByteArray::number(m_owner.m_port);
        const QByteArray host = request.value(QByteArrayLiteral("Host")).toLower();
        if (host != "127.0.0.1:" + port && host != "localhost:" + port)
            return text(Status::Forbidden, DocsServer::tr("This server answers only to 127.0.0.1:%1 and localhost:%1.").arg(m_owner.m_port));
        if (request.method() != QHttpServerRequest::Method::Get)
            return text(Status::MethodNotAllowed, DocsServer::tr("Only GET is served."));
        const auto file = resolve(m_owner.m_root, request.url().path(QUrl::FullyDecoded));
        if (!file)
            return text(Status::NotFound, DocsServer::tr("Not found."));
        QFile f(*file);
        if (!f.open(QIODevice::ReadOnly))
            return text(Status::NotFound, DocsServer::tr("Not found."));
        return {Status::Ok, contentType(*file), f.readAll()};
    }

    DocsServer &m_owner;
};

DocsServer::DocsServer(QString root, QObject *parent) : QObject(parent), m_root(std::move(root)) {}

DocsServer::~DocsServer() = default; // m_http is a child: it stops listening as it goes

Result<quint16> DocsServer::listen()
{
    if (m_port)
        return m_port;
    auto *http = new Http(*this);
    const quint16 port = http->listen(QHostAddress::LocalHost, 0);
    if (!port) {
        delete http;
        return fail(Error::internal(tr("Cannot serve the docs of %1: no free port on 127.0.0.1").arg(m_root)));
    }
    m_http = http;
    m_port = port;
    qCDebug(lcDocs) << "serving" << m_root << "on 127.0.0.1:" << port;
    return port;
}

QUrl DocsServer::url(const QString &file) const
{
    if (!m_port)
        return {};
    QUrl u;
    u.setScheme(QStringLiteral("http"));
    u.setHost(QStringLiteral("127.0.0.1"));
    u.setPort(m_port);
    u.setPath(QLatin1Char('/') + file);
    return u;
}

std::optional<QString> DocsServer::resolve(const QString &root, const QString &path)
{
    if (!path.startsWith(QLatin1Char('/')) || path.contains(QLatin1Char('\\')) || path.contains(QChar(0)))
        return std::nullopt;
    QString relative = path.mid(1);
    if (relative.isEmpty())
        relative = QStringLiteral("index.html");
    const QStringList segments = relative.split(QLatin1Char('/'));
    for (const QString &s : segments) // an empty segment: "//etc/passwd" or "a//b"; a dot one: "..", ".", ".git"
        if (s.isEmpty() || s.startsWith(QLatin1Char('.')))
            return std::nullopt;
    const QString base = QFileInfo(root).canonicalFilePath();
    if (base.isEmpty())
        return std::nullopt;
    const QFileInfo file(base + QLatin1Char('/') + relative);
    const QString real = file.canonicalFilePath(); // links followed: it must still be under root
    if (real.isEmpty() || !real.startsWith(base + QLatin1Char('/')) || !QFileInfo(real).isFile())
        return std::nullopt;
    return real;
}

QByteArray DocsServer::contentType(const QString &fileName)
{
    const QString ext = QFileInfo(fileName).suffix().toLower();
    static const QHash<QString, QByteArray> types{
        {QStringLiteral("html"), QByteArrayLiteral("text/html; charset=utf-8")},
        {QStringLiteral("htm"), QByteArrayLiteral("text/html; charset=utf-8")},
        {QStringLiteral("json"), QByteArrayLiteral("application/json")},
        {QStringLiteral("js"), QByteArrayLiteral("text/javascript; charset=utf-8")},
        {QStringLiteral("css"), QByteArrayLiteral("text/css; charset=utf-8")},
        {QStringLiteral("svg"), QByteArrayLiteral("image/svg+xml")},
        {QStringLiteral("png"), QByteArrayLiteral("image/png")},
        {QStringLiteral("ico"), QByteArrayLiteral("image/x-icon")},
        {QStringLiteral("txt"), QByteArrayLiteral("text/plain; charset=utf-8")},
        {QStringLiteral("sql"), QByteArrayLiteral("text/plain; charset=utf-8")},
    };
    return types.value(ext, QByteArrayLiteral("application/octet-stream"));
}

} // namespace sluice
