#include "githttpserver.h"

#include <QHostAddress>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <QUrl>

namespace sluice::test {

// One HTTP request on one socket (Connection: close after every response).
class GitHttpServer::Connection : public QObject
{
public:
    Connection(GitHttpServer *server, QTcpSocket *socket)
        : QObject(server), m_server(server), m_socket(socket)
    {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, &Connection::handleReadyRead);
        connect(socket, &QTcpSocket::disconnected, this, &Connection::handleDisconnected);
        m_throttleTimer.setInterval(20);
        connect(&m_throttleTimer, &QTimer::timeout, this, &Connection::pump);
    }

    ~Connection() override
    {
        if (m_process && m_process->state() != QProcess::NotRunning) {
            m_process->kill();
            m_process->waitForFinished(2000);
        }
    }

private:
    enum class Body { None, Length, Chunked };

    void handleReadyRead()
    {
        m_in += m_socket->readAll();
        if (!m_headersDone) {
            const qsizetype end = m_in.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QByteArray head = m_in.left(end);
            m_in.remove(0, end + 4);
            m_headersDone = true;
            if (!handleHeaders(head))
                return;
        }
        feedBody();
    }

    bool handleHeaders(const QByteArray &head)
    {
        const QList<QByteArray> lines = head.split('\n');
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        m_request.method = QString::fromLatin1(requestLine.value(0));
        m_request.target = QString::fromLatin1(requestLine.value(1));
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines[i].trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0)
                m_headers.insert(line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed());
        }
        // Basic auth: any user name, the password must be the token.
        const QByteArray auth = m_headers.value("authorization");
        QString user;
        if (auth.startsWith("Basic ")) {
            const QByteArray decoded = QByteArray::fromBase64(auth.mid(6));
            const qsizetype colon = decoded.indexOf(':');
            const QString expected = m_server->token();
            if (colon >= 0 && !expected.isEmpty() && QString::fromUtf8(decoded.mid(colon + 1)) == expected) {
                user = QString::fromUtf8(decoded.left(colon));
                m_request.authorized = true;
            }
        }
        if (!m_request.authorized) {
            m_request.status = 401;
            m_server->record(m_request);
            m_socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"sluice-test\"\r\n"
                            "Content-Length: 0\r\nConnection: close\r\n\r\n");
            m_socket->disconnectFromHost();
            return false;
        }
        startCgi(user);
        return true;
    }

    void startCgi(const QString &user)
    {
        const QUrl url(m_request.target);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GIT_PROJECT_ROOT"), m_server->m_projectRoot);
        env.insert(QStringLiteral("GIT_HTTP_EXPORT_ALL"), QStringLiteral("1"));
        env.insert(QStringLiteral("GATEWAY_INTERFACE"), QStringLiteral("CGI/1.1"));
        env.insert(QStringLiteral("SERVER_PROTOCOL"), QStringLiteral("HTTP/1.1"));
        env.insert(QStringLiteral("REQUEST_METHOD"), m_request.method);
        env.insert(QStringLiteral("PATH_INFO"), url.path(QUrl::FullyDecoded));
        env.insert(QStringLiteral("QUERY_STRING"), url.query(QUrl::FullyEncoded));
        env.insert(QStringLiteral("REMOTE_USER"), user);
        env.insert(QStringLiteral("REMOTE_ADDR"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("CONTENT_TYPE"), QString::fromLatin1(m_headers.value("content-type")));
        if (m_headers.value("transfer-encoding").toLower().contains("chunked")) {
            m_body = Body::Chunked;
        } else if (m_headers.contains("content-length")) {
            m_body = Body::Length;
            m_remaining = m_headers.value("content-length").toLongLong();
            env.insert(QStringLiteral("CONTENT_LENGTH"), QString::number(m_remaining));
        }
        for (auto it = m_headers.cbegin(); it != m_headers.cend(); ++it) {
            if (it.key() == "authorization" || it.key() == "content-type" || it.key() == "content-length")
                continue;
            QString name = QString::fromLatin1(it.key()).toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
            env.insert(QStringLiteral("HTTP_") + name, QString::fromLatin1(it.value()));
        }
        m_process = new QProcess(this);
        m_process->setProcessEnvironment(env);
        connect(m_process, &QProcess::readyReadStandardOutput, this, &Connection::handleCgiOutput);
        connect(m_process, &QProcess::finished, this, &Connection::handleCgiFinished);
        connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
            if (e == QProcess::FailedToStart)
                handleCgiFinished();
        });
        m_process->start(QStringLiteral("git"), {QStringLiteral("http-backend")});
        if (m_body == Body::None)
            m_process->closeWriteChannel();
    }

    // Streams what has arrived of the request body to the CGI's stdin.
    void feedBody()
    {
        if (!m_process)
            return;
        if (m_body == Body::Length) {
            const QByteArray part = m_in.left(m_remaining);
            m_in.remove(0, part.size());
            m_remaining -= part.size();
            m_process->write(part);
            if (m_remaining == 0) {
                m_body = Body::None;
                m_process->closeWriteChannel();
            }
        }
        while (m_body == Body::Chunked) {
            if (m_chunkLeft == 0) {
                const qsizetype eol = m_in.indexOf("\r\n");
                if (eol < 0)
                    return;
                bool ok = false;
                const qint64 size = m_in.left(eol).split(';').value(0).trimmed().toLongLong(&ok, 16);
                if (!ok || size == 0) { // last chunk (trailers are not used by git)
                    m_body = Body::None;
                    m_in.clear();
                    m_process->closeWriteChannel();
                    return;
                }
                m_in.remove(0, eol + 2);
                m_chunkLeft = size + 2; // data and its CRLF
            }
            const qint64 take = std::min<qint64>(m_chunkLeft, m_in.size());
            if (take == 0)
                return;
            const qint64 data = std::max<qint64>(0, std::min(take, m_chunkLeft - 2));
            m_process->write(m_in.left(data));
            m_in.remove(0, take);
            m_chunkLeft -= take;
        }
    }

    void handleCgiOutput()
    {
        QByteArray out = m_process->readAllStandardOutput();
        if (!m_cgiHeadersDone) {
            m_cgiHead += out;
            qsizetype end = m_cgiHead.indexOf("\r\n\r\n");
            qsizetype sep = 4;
            if (end < 0) {
                end = m_cgiHead.indexOf("\n\n");
                sep = 2;
            }
            if (end < 0)
                return;
            QByteArray status = "200 OK";
            QByteArray headers;
            for (const QByteArray &raw : m_cgiHead.left(end).split('\n')) {
                const QByteArray line = raw.trimmed();
                if (line.toLower().startsWith("status:"))
                    status = line.mid(7).trimmed();
                else if (!line.isEmpty())
                    headers += line + "\r\n";
            }
            out = m_cgiHead.mid(end + sep);
            m_cgiHead.clear();
            m_cgiHeadersDone = true;
            m_request.status = status.left(3).toInt();
            m_server->record(m_request);
            m_out += "HTTP/1.1 " + status + "\r\n" + headers + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
        }
        if (!out.isEmpty())
            m_out += QByteArray::number(out.size(), 16) + "\r\n" + out + "\r\n";
        pump();
    }

    void handleCgiFinished()
    {
        if (m_cgiDone)
            return;
        if (m_process->state() != QProcess::NotRunning || m_process->bytesAvailable() > 0)
            handleCgiOutput(); // what is left in the pipe; m_cgiDone is still false, so this does not close
        if (!m_cgiHeadersDone) {
            m_request.status = 500;
            m_server->record(m_request);
            m_out += "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        } else {
            m_out += "0\r\n\r\n";
        }
        m_cgiDone = true; // from here on, pump() closes the connection once everything is sent
        pump();
    }

    // Sends what the CGI produced, at the throttled rate if one is set; closes after the last byte.
    void pump()
    {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        const qint64 rate = m_server->throttle();
        qint64 n = m_out.size();
        if (rate > 0) {
            n = std::min<qint64>(n, std::max<qint64>(1, rate / 50));
            if (!m_throttleTimer.isActive())
                m_throttleTimer.start();
        }
        if (n > 0) {
            m_socket->write(m_out.left(n));
            m_out.remove(0, n);
        }
        if (m_out.isEmpty() && m_cgiDone) {
            m_throttleTimer.stop();
            m_socket->disconnectFromHost();
        }
    }

    void handleDisconnected()
    {
        m_throttleTimer.stop();
        if (m_process && m_process->state() != QProcess::NotRunning) {
            connect(m_process, &QProcess::finished, this, &QObject::deleteLater);
            m_process->kill();
            return;
        }
        deleteLater();
    }

    GitHttpServer *m_server;
    QTcpSocket *m_socket;
    QProcess *m_process = nullptr;
    QTimer m_throttleTimer;
    GitHttpServer::Request m_request;
    QMap<QByteArray, QByteArray> m_headers;
    QByteArray m_in;
    QByteArray m_out;
    QByteArray m_cgiHead;
    Body m_body = Body::None;
    qint64 m_remaining = 0;
    qint64 m_chunkLeft = 0;
    bool m_headersDone = false;
    bool m_cgiHeadersDone = false;
    bool m_cgiDone = false;
};

GitHttpServer::GitHttpServer(QString projectRoot, QString token, QObject *parent)
    : QObject(parent), m_projectRoot(std::move(projectRoot)), m_token(std::move(token))
{
}

GitHttpServer::~GitHttpServer() = default;

bool GitHttpServer::listen()
{
    m_server = new QTcpServer(this);
    if (!m_server->listen(QHostAddress::LocalHost, 0)) {
        m_error = m_server->errorString();
        return false;
    }
    m_port = m_server->serverPort();
    connect(m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server->nextPendingConnection())
            new Connection(this, socket);
    });
    return true;
}

QString GitHttpServer::urlFor(const QString &repository) const
{
    return QStringLiteral("http://127.0.0.1:%1/%2").arg(m_port).arg(repository);
}

void GitHttpServer::setThrottle(qint64 bytesPerSecond)
{
    QMutexLocker lock(&m_mutex);
    m_throttle = bytesPerSecond;
}

qint64 GitHttpServer::throttle() const
{
    QMutexLocker lock(&m_mutex);
    return m_throttle;
}

void GitHttpServer::setToken(const QString &token)
{
    QMutexLocker lock(&m_mutex);
    m_token = token;
}

QString GitHttpServer::token() const
{
    QMutexLocker lock(&m_mutex);
    return m_token;
}

QList<GitHttpServer::Request> GitHttpServer::requests() const
{
    QMutexLocker lock(&m_mutex);
    return m_requests;
}

void GitHttpServer::record(const Request &r)
{
    QMutexLocker lock(&m_mutex);
    m_requests.append(r);
}

GitHttpServerThread::GitHttpServerThread(const QString &projectRoot, const QString &token)
    : m_thread(std::make_unique<QThread>()), m_context(std::make_unique<QObject>())
{
    m_context->moveToThread(m_thread.get());
    m_thread->start();
    QMetaObject::invokeMethod(
        m_context.get(),
        [&] {
            m_server = new GitHttpServer(projectRoot, token);
            if (!m_server->listen())
                m_error = m_server->errorString();
        },
        Qt::BlockingQueuedConnection);
}

GitHttpServerThread::~GitHttpServerThread()
{
    QMetaObject::invokeMethod(m_context.get(), [this] { delete m_server; }, Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
}

} // namespace sluice::test
