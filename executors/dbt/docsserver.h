#pragma once

#include "core/error.h"

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QUrl>

#include <optional>

namespace sluice {

// Serves one dbt target/ folder read-only over HTTP on 127.0.0.1, so that dbt's docs site (index.html,
// which fetches manifest.json and catalog.json) works in a browser: opened from file:// Chromium refuses
// those fetches. Lives in the thread that created it (a service thread, never the GUI's); stops when
// destroyed.
// What it answers:
// - GET of a regular file under the folder (after following links, still under it): 200 with the file
//   and its Content-Type (contentType()), `Cache-Control: no-store` (a new generate shows at once) and
//   `X-Content-Type-Options: nosniff`. "/" is index.html.
// - 404 for everything else: a missing file, a folder (no listings), a path with a `..`, `.` or hidden
//   (dot) segment, a backslash or NUL, or an absolute path ("//etc/passwd"), whatever its encoding.
// - 403 when the Host header is not 127.0.0.1:PORT or localhost:PORT (a page elsewhere that rebinds its
//   DNS name to 127.0.0.1 gets nothing); 405 for methods other than GET.
class DocsServer : public QObject
{
    Q_OBJECT
public:
    explicit DocsServer(QString root, QObject *parent = nullptr);
    ~DocsServer() override;

    // Starts listening on 127.0.0.1 on a free port (the system picks it); once listening, returns the
    // same port again. An error when no port could be bound.
    [[nodiscard]] Result<quint16> listen();
    [[nodiscard]] quint16 port() const { return m_port; }
    [[nodiscard]] const QString &root() const { return m_root; }
    // http://127.0.0.1:PORT/<file> (empty while not listening).
    [[nodiscard]] QUrl url(const QString &file = QStringLiteral("index.html")) const;

    // The file under `root` that the decoded URL path `path` names, or none (the rules above).
    [[nodiscard]] static std::optional<QString> resolve(const QString &root, const QString &path);
    // The Content-Type sent for a file name: html, json, js, css, svg, png, ico, txt and sql by
    // extension (text ones with charset=utf-8); anything else application/octet-stream.
    [[nodiscard]] static QByteArray contentType(const QString &fileName);

private:
    class Http;

    QString m_root;
    Http *m_http = nullptr;   // a child: created by listen()
    quint16 m_port = 0;
};

} // namespace sluice
