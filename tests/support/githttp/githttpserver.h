#pragma once

#include <QMutex>
#include <QObject>
#include <QString>
#include <QStringList>

#include <memory>

class QTcpServer;
class QThread;

namespace sluice::test {

// A real smart-HTTP git server for tests: `git http-backend` behind a small CGI host on 127.0.0.1.
// Every request must carry HTTP Basic auth whose password is the expected token (any user name);
// otherwise it is answered 401 with a WWW-Authenticate challenge and the CGI is not run.
// Request bodies (Content-Length or chunked) are streamed to the CGI's stdin as they arrive; the
// CGI's output is streamed back chunked, optionally throttled so that a transfer takes a while.
// Lives on the thread that created it; use GitHttpServerThread to serve while the test blocks.
class GitHttpServer : public QObject
{
    Q_OBJECT
public:
    struct Request
    {
        QString method;
        QString target;        // path and query as sent
        int status = 0;        // what the server answered
        bool authorized = false;
    };

    GitHttpServer(QString projectRoot, QString token, QObject *parent = nullptr);
    ~GitHttpServer() override;

    // Listens on 127.0.0.1 on a free port; returns false with errorString() set on failure.
    bool listen();
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] QString errorString() const { return m_error; }
    [[nodiscard]] QString urlFor(const QString &repository) const;

    // Bytes per second of CGI output sent to clients; 0 (default): as fast as possible. Thread-safe.
    void setThrottle(qint64 bytesPerSecond);
    [[nodiscard]] qint64 throttle() const;
    void setToken(const QString &token);
    [[nodiscard]] QString token() const;

    // Every request answered so far, in order. Thread-safe.
    [[nodiscard]] QList<Request> requests() const;

private:
    class Connection;
    friend class Connection;
    void record(const Request &r);

    QString m_projectRoot;
    QTcpServer *m_server = nullptr;
    quint16 m_port = 0;
    QString m_error;
    mutable QMutex m_mutex; // guards the fields below
    QString m_token;
    qint64 m_throttle = 0;
    QList<Request> m_requests;
};

// Runs a GitHttpServer on a thread of its own, so that a test may block (a synchronous libgit2 call)
// while the server answers. The constructor returns once the server listens (or failed to).
class GitHttpServerThread
{
public:
    GitHttpServerThread(const QString &projectRoot, const QString &token);
    ~GitHttpServerThread();
    GitHttpServerThread(const GitHttpServerThread &) = delete;
    GitHttpServerThread &operator=(const GitHttpServerThread &) = delete;

    [[nodiscard]] bool isListening() const { return m_server && m_server->port() != 0; }
    [[nodiscard]] QString errorString() const { return m_error; }
    // Thread-safe accessors of the server (urlFor, setThrottle, setToken, requests).
    [[nodiscard]] GitHttpServer *server() const { return m_server; }

private:
    std::unique_ptr<QThread> m_thread;
    std::unique_ptr<QObject> m_context; // lives on m_thread; what calls into the thread go through
    GitHttpServer *m_server = nullptr;
    QString m_error;
};

} // namespace sluice::test
