#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <memory>

class QTcpSocket;

namespace sluice::test {

// A webhook receiver on loopback (Qt HTTP Server) that records every request it gets. What it answers
// depends on the path:
//   /status/<code>/...   HTTP <code>, with a body that repeats the request path (as some servers do in
//                        their error pages: the client must not copy it into its error texts unscrubbed)
//   /hang/...            never answers (the connection stays open)
//   anything else        HTTP 200 "ok"
class WebhookDouble : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QByteArray method;
        QString path;
        QByteArray contentType;
        QByteArray body;
        qint64 receivedAfterMs = 0;   // since listen() / resetClock()
    };

    explicit WebhookDouble(QObject *parent = nullptr);
    ~WebhookDouble() override;

    // Listens on 127.0.0.1 at a free port. Returns the port, 0 on failure.
    quint16 listen();
    [[nodiscard]] QUrl url(const QString &path) const;

    [[nodiscard]] const QList<Request> &requests() const { return m_requests; }
    void clear() { m_requests.clear(); }
    void resetClock() { m_clock.restart(); }

Q_SIGNALS:
    // Emitted after a request was recorded (before the answer, if any, is written).
    void requestReceived();

private:
    class Server;
    void handle(const QByteArray &method, const QString &path, const QByteArray &contentType, const QByteArray &body, QTcpSocket *socket);

    std::unique_ptr<Server> m_server;
    QList<Request> m_requests;
    QList<QTcpSocket *> m_hanging;
    QElapsedTimer m_clock;
    quint16 m_port = 0;
};

} // namespace sluice::test
