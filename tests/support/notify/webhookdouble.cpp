#include "webhookdouble.h"

#include <QAbstractHttpServer>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QTcpSocket>

namespace sluice::test {

class WebhookDouble::Server : public QAbstractHttpServer
{
public:
    explicit Server(WebhookDouble *owner) : m_owner(owner) {}

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        QByteArray contentType;
        for (const auto &[k, v] : request.headers())
            if (k.compare("content-type", Qt::CaseInsensitive) == 0)
                contentType = v;
        const QByteArray method = request.method() == QHttpServerRequest::Method::Post ? QByteArrayLiteral("POST")
                                  : request.method() == QHttpServerRequest::Method::Get ? QByteArrayLiteral("GET")
                                                                                        : QByteArrayLiteral("OTHER");
        m_owner->handle(method, request.url().path(), contentType, request.body(), socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}

private:
    WebhookDouble *m_owner;
};

WebhookDouble::WebhookDouble(QObject *parent) : QObject(parent), m_server(std::make_unique<Server>(this))
{
    m_clock.start();
}

WebhookDouble::~WebhookDouble() = default;

quint16 WebhookDouble::listen()
{
    m_port = m_server->listen(QHostAddress::LocalHost, 0);
    m_clock.restart();
    return m_port;
}

QUrl WebhookDouble::url(const QString &path) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path));
}

void WebhookDouble::handle(const QByteArray &method, const QString &path, const QByteArray &contentType, const QByteArray &body,
                           QTcpSocket *socket)
{
    m_requests.append({method, path, contentType, body, m_clock.elapsed()});
    Q_EMIT requestReceived();
    if (path.startsWith(QLatin1String("/hang/"))) {
        m_hanging.append(socket);
        return;
    }
    int status = 200;
    QByteArray answer = "ok";
    if (path.startsWith(QLatin1String("/status/"))) {
        status = path.section(QLatin1Char('/'), 2, 2).toInt();
        answer = "no such hook: " + path.toUtf8();
    }
    socket->write("HTTP/1.1 " + QByteArray::number(status) + (status < 300 ? " OK" : " Error") +
                  "\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(answer.size()) +
                  "\r\nConnection: keep-alive\r\n\r\n" + answer);
}

} // namespace sluice::test
