#include "airbyteclient.h"

#include "secrets/secretscrubber.h"

#include <QCoro/QCoroNetworkReply>
#include <QCoro/QCoroTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcAirbyte, "sluice.exec.airbyte", QtInfoMsg)

namespace sluice {

struct AirbyteClient::Reply {
    int status = 0;                                   // HTTP status; 0 when none arrived
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;                              // Qt's text for a network error
    QByteArray body;
    QByteArray contentType;
    bool timedOut = false;

    [[nodiscard]] bool ok() const { return status >= 200 && status < 300; }
    // Worth another try: no reply, a server error, or a server that asks to be tried later (408, 429).
    [[nodiscard]] bool retryable() const { return status == 0 || status >= 500 || status == 408 || status == 429; }
};


AirbyteClient::AirbyteClient(AirbyteClientOptions options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_nam(new QNetworkAccessManager(this)),
      m_scrubber(std::make_unique<SecretScrubber>())
{
    m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
    if (!m_options.auth.secret.isEmpty())
        m_scrubber->add(m_options.auth.secret);
    const QString password = m_options.url.password();
    if (!password.isEmpty())
        m_scrubber->add(password);
}

AirbyteClient::~AirbyteClient() = default;

QString AirbyteClient::scrub(const QString &text) const
{
    return m_scrubber->scrub(text);
}

QUrl AirbyteClient::urlFor(const QString &endpoint) const
{
    QUrl u = m_options.url;
    QString path = u.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    QString api = m_options.apiPath;
    if (!api.startsWith(QLatin1Char('/')))
        api.prepend(QLatin1Char('/'));
    while (api.endsWith(QLatin1Char('/')))
        api.chop(1);
    u.setPath(path + api + QLatin1Char('/') + endpoint);
    return u;
}

QCoro::Task<AirbyteClient::Reply> AirbyteClient::sendOnce(const QByteArray &method, const QString &endpoint, const QByteArray &body)
{
    QNetworkRequest request(urlFor(endpoint));
    request.setTransferTimeout(int(m_options.transferTimeout.count()));
    request.setRawHeader("Accept", "application/json");
    if (method == "POST")
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    const bool tokenCall = endpoint == QLatin1String("applications/token");
    switch (m_options.auth.kind) {
    case AirbyteAuth::Kind::None:
        break;
    case AirbyteAuth::Kind::Basic:
        request.setRawHeader("Authorization", "Basic " + (m_options.auth.user + QLatin1Char(':') + m_options.auth.secret).toUtf8().toBase64());
        break;
    case AirbyteAuth::Kind::ClientCredentials:
        if (!tokenCall && !m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token.toUtf8());
        break;
    }
    std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> reply(
        m_nam->sendCustomRequest(request, method, body), [](QNetworkReply *r) { r->deleteLater(); });
    co_await reply.get();
    Reply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.error = reply->error();
    r.errorString = reply->errorString();
    if (reply->isOpen())
        r.body = reply->readAll();
    r.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
    // A transfer timeout aborts the reply; Qt reports it as OperationCanceledError.
    r.timedOut = r.error == QNetworkReply::OperationCanceledError || r.error == QNetworkReply::TimeoutError;
    qCDebug(lcAirbyte).noquote() << method << urlFor(endpoint).path() << "->" << r.status << (r.error != QNetworkReply::NoError ? scrub(r.errorString) : QString());
    co_return r;
}

QCoro::Task<AirbyteClient::Reply> AirbyteClient::send(QByteArray method, QString endpoint, std::optional<QJsonObject> body)
{
    const QByteArray payload = body ? QJsonDocument(*body).toJson(QJsonDocument::Compact) : QByteArray();
    auto delay = m_options.retryDelay;
    const int attempts = std::max(1, m_options.maxAttempts);
    bool refreshed = false;
    Reply reply;
    for (int attempt = 1;; ++attempt) {
        if (m_options.auth.kind == AirbyteAuth::Kind::ClientCredentials && m_token.isEmpty()
            && endpoint != QLatin1String("applications/token")) {
            if (auto token = co_await fetchToken(); !token) {
                reply = {};
                reply.errorString = token.error().message;
                reply.status = -1;   // marks "no token": errorFor passes the message through
                co_return reply;
            }
        }
        reply = co_await sendOnce(method, endpoint, payload);
        if (reply.status == 401 && m_options.auth.kind == AirbyteAuth::Kind::ClientCredentials && !refreshed
            && endpoint != QLatin1String("applications/token")) {
            // The application token expired (they last ~15 minutes): get a new one and try once more.
            refreshed = true;
            m_token.clear();
            --attempt;
            continue;
        }
        if (!reply.retryable() || attempt >= attempts)
            co_return reply;
        qCInfo(lcAirbyte).noquote() << "retrying" << endpoint << "after" << delay.count() << "ms (attempt" << attempt << "of" << attempts << ")";
        co_await QCoro::sleepFor(delay);
        delay = std::min(delay * 2, m_options.maxRetryDelay);
    }
}

QCoro::Task<Result<void>> AirbyteClient::fetchToken()
{
    QJsonObject body{{QStringLiteral("client_id"), m_options.auth.user}, {QStringLiteral("client_secret"), m_options.auth.secret}};
    const QByteArray method("POST");
    const QString endpoint = QStringLiteral("applications/token");
    Reply reply = co_await send(method, endpoint, body);
    if (!reply.ok()) {
        Error e = errorFor(QStringLiteral("applications/token"), reply);
        if (reply.status >= 400 && reply.status < 500)
            e.message += QStringLiteral(" — check the client id and the client secret in the keychain");
        co_return fail(e);
    }
    const QJsonObject o = QJsonDocument::fromJson(reply.body).object();
    const QString token = o.value(QLatin1String("access_token")).toString();
    if (token.isEmpty())
        co_return fail(Error::internal(QStringLiteral("Airbyte at %1 answered applications/token without an access_token")
                                           .arg(m_options.url.toString(QUrl::RemoveUserInfo))));
    m_scrubber->add(token);
    m_token = token;
    co_return Result<void>{};
}

namespace {

// The server's own words from an error body: JSON {message} (Config API), {detail, title} (problem
// objects, Prism), plus validation errors; an HTML page's title or text; else the start of the body.
QString serverMessage(const QByteArray &body, const QByteArray &contentType)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject o = doc.object();
        QString m = o.value(QLatin1String("message")).toString();
        if (m.isEmpty())
            m = o.value(QLatin1String("detail")).toString();
        if (m.isEmpty())
            m = o.value(QLatin1String("title")).toString();
        if (m.isEmpty())
            m = o.value(QLatin1String("data")).toObject().value(QLatin1String("message")).toString();
        QStringList details;
        for (const char *key : {"validationErrors", "validation"}) {
            for (const QJsonValue &v : o.value(QLatin1String(key)).toArray()) {
                const QJsonObject ve = v.toObject();
                const QString path = ve.value(QLatin1String("propertyPath")).toString();
                const QString text = ve.value(QLatin1String("message")).toString();
                details.append(path.isEmpty() ? text : path + QStringLiteral(": ") + text);
            }
        }
        if (!details.isEmpty())
            m += QStringLiteral(" (") + details.join(QStringLiteral("; ")) + QLatin1Char(')');
        if (!m.isEmpty())
            return m;
    }
    QString text = QString::fromUtf8(body.left(4096));
    const bool html = contentType.contains("html") || text.trimmed().startsWith(QLatin1Char('<'));
    if (html) {
        static const QRegularExpression title(QStringLiteral("<title[^>]*>(.*?)</title>"),
                                              QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
        const auto m = title.match(text);
        static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
        static const QRegularExpression space(QStringLiteral("\\s+"));
        QString plain = m.hasMatch() ? m.captured(1) : text;
        plain = plain.remove(tags).replace(space, QStringLiteral(" ")).trimmed();
        return QStringLiteral("an HTML page, not Airbyte's JSON (is the URL right, or is a proxy in the way?): ") + plain.left(200);
    }
    text = text.simplified();
    return text.size() > 200 ? text.left(200) + QStringLiteral("…") : text;
}

} // namespace

Error AirbyteClient::errorFor(const QString &endpoint, const Reply &reply) const
{
    const QString where = QStringLiteral("Airbyte at %1").arg(m_options.url.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash));
    const QString call = endpoint == QLatin1String("health") ? QStringLiteral("GET health") : endpoint;
    if (reply.status == -1)
        return Error::invalid(scrub(reply.errorString));
    if (reply.status == 0) {
        if (reply.timedOut)
            return Error::internal(QStringLiteral("%1 did not answer %2 within %3 s; check the server's load or raise the timeout")
                                       .arg(where, call).arg(double(m_options.transferTimeout.count()) / 1000.0));
        return Error::internal(scrub(QStringLiteral("%1 could not be reached (%2: %3); check the URL and that Airbyte is running")
                                         .arg(where, call, reply.errorString)));
    }
    const QString message = serverMessage(reply.body, reply.contentType);
    const QString text = scrub(QStringLiteral("%1 answered %2 with HTTP %3%4").arg(where, call).arg(reply.status)
                                   .arg(message.isEmpty() ? QString() : QStringLiteral(": ") + message));
    switch (reply.status) {
    case 404: return Error::notFound(text);
    case 409: return Error::conflict(text);
    case 401:
    case 403: return Error::invalid(text + QStringLiteral(" — check the server's auth settings and credentials"));
    case 408:   // request timeout and too many requests: the server asks to be tried again later
    case 429: return Error::internal(text);
    default:
        // Any other 4xx says the request itself is wrong; 5xx (and anything odder) that the server failed.
        return reply.status >= 400 && reply.status < 500 ? Error::invalid(text) : Error::internal(text);
    }
}

QCoro::Task<Result<QJsonObject>> AirbyteClient::call(QString endpoint, std::optional<QJsonObject> body)
{
    const bool get = endpoint == QLatin1String("health") || endpoint == QLatin1String("instance_configuration");
    const QByteArray method = get ? QByteArrayLiteral("GET") : QByteArrayLiteral("POST");
    Reply reply = co_await send(method, endpoint, std::move(body));
    if (!reply.ok())
        co_return fail(errorFor(endpoint, reply));
    if (reply.status == 204 || reply.body.trimmed().isEmpty())
        co_return QJsonObject{};
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(reply.body, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        const QString why = pe.error != QJsonParseError::NoError ? pe.errorString() : QStringLiteral("not a JSON object");
        const QString start = serverMessage(reply.body, reply.contentType);
        co_return fail(Error::internal(scrub(QStringLiteral("Airbyte at %1 answered %2 with a reply that is not valid JSON (%3): %4")
                                                 .arg(m_options.url.toString(QUrl::RemoveUserInfo), endpoint, why, start))));
    }
    co_return doc.object();
}

QCoro::Task<Result<void>> AirbyteClient::health()
{
    const QString endpoint = QStringLiteral("health");
    auto o = co_await call(endpoint, std::nullopt);
    if (!o)
        co_return fail(o.error());
    const QJsonValue available = o->contains(QLatin1String("available")) ? o->value(QLatin1String("available")) : o->value(QLatin1String("db"));
    if (!available.toBool())
        co_return fail(Error::internal(QStringLiteral("Airbyte at %1 says it is not available (health: %2)")
                                           .arg(m_options.url.toString(QUrl::RemoveUserInfo),
                                                QString::fromUtf8(QJsonDocument(*o).toJson(QJsonDocument::Compact)))));
    co_return Result<void>{};
}

namespace {

template<class T, class Parse>
Result<QList<T>> parseList(const Result<QJsonObject> &o, const char *key, Parse parse)
{
    if (!o)
        return fail(o.error());
    QList<T> out;
    for (const QJsonValue &v : o->value(QLatin1String(key)).toArray())
        out.append(parse(v.toObject()));
    return out;
}

} // namespace

QCoro::Task<Result<QList<AirbyteWorkspace>>> AirbyteClient::workspaces()
{
    // workspaces/list takes no body at all (its spec declares none).
    const QString endpoint = QStringLiteral("workspaces/list");
    auto o = co_await call(endpoint, std::nullopt);
    if (!o && o.error().kind == Error::Kind::NotFound)
        o.error().message += QStringLiteral(" (newer servers list workspaces per organisation; give the workspace id directly)");
    co_return parseList<AirbyteWorkspace>(o, "workspaces", parseWorkspace);
}

QCoro::Task<Result<AirbyteInstance>> AirbyteClient::instanceConfiguration()
{
    const QString endpoint = QStringLiteral("instance_configuration");
    auto o = co_await call(endpoint, std::nullopt);
    if (!o)
        co_return fail(o.error());
    AirbyteInstance i;
    i.version = o->value(QLatin1String("version")).toString();
    i.edition = o->value(QLatin1String("edition")).toString();
    i.defaultOrganizationId = o->value(QLatin1String("defaultOrganizationId")).toString();
    i.defaultWorkspaceId = o->value(QLatin1String("defaultWorkspaceId")).toString();
    i.raw = *o;
    co_return i;
}

QCoro::Task<Result<QList<AirbyteWorkspace>>> AirbyteClient::workspacesOfOrganization(QString organizationId)
{
    const QString endpoint = QStringLiteral("workspaces/list_by_organization_id");
    const QJsonObject body{{QStringLiteral("organizationId"), organizationId}};
    auto o = co_await call(endpoint, body);
    co_return parseList<AirbyteWorkspace>(o, "workspaces", parseWorkspace);
}

QCoro::Task<Result<AirbyteWorkspace>> AirbyteClient::createWorkspace(QString name, QString organizationId)
{
    const QString endpoint = QStringLiteral("workspaces/create");
    QJsonObject body{{QStringLiteral("name"), name}};
    if (!organizationId.isEmpty())
        body.insert(QStringLiteral("organizationId"), organizationId);
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseWorkspace(*o);
}

QCoro::Task<Result<QList<AirbyteActor>>> AirbyteClient::sources(QString workspaceId)
{
    const QString endpoint = QStringLiteral("sources/list");
    const QJsonObject body{{QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, body);
    co_return parseList<AirbyteActor>(o, "sources", parseSource);
}

QCoro::Task<Result<QList<AirbyteActor>>> AirbyteClient::destinations(QString workspaceId)
{
    const QString endpoint = QStringLiteral("destinations/list");
    const QJsonObject body{{QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, body);
    co_return parseList<AirbyteActor>(o, "destinations", parseDestination);
}

QCoro::Task<Result<QJsonObject>> AirbyteClient::discoverSchema(QString sourceId)
{
    return call(QStringLiteral("sources/discover_schema"), QJsonObject{{QStringLiteral("sourceId"), sourceId}});
}

QCoro::Task<Result<QList<AirbyteConnection>>> AirbyteClient::connections(QString workspaceId)
{
    const QString endpoint = QStringLiteral("connections/list");
    const QJsonObject body{{QStringLiteral("workspaceId"), workspaceId}};
    auto o = co_await call(endpoint, body);
    co_return parseList<AirbyteConnection>(o, "connections", parseConnection);
}

QCoro::Task<Result<AirbyteConnection>> AirbyteClient::connection(QString connectionId)
{
    const QString endpoint = QStringLiteral("connections/get");
    const QJsonObject body{{QStringLiteral("connectionId"), connectionId}};
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return parseConnection(*o);
}

QCoro::Task<Result<AirbyteConnection>> AirbyteClient::createConnection(QJsonObject body)
{
    const QString endpoint = QStringLiteral("connections/create");
    auto o = co_await call(endpoint, std::move(body));
    if (!o)
        co_return fail(o.error());
    co_return parseConnection(*o);
}

QCoro::Task<Result<AirbyteConnection>> AirbyteClient::updateConnection(QJsonObject body)
{
    const QString endpoint = QStringLiteral("connections/update");
    auto o = co_await call(endpoint, std::move(body));
    if (!o)
        co_return fail(o.error());
    co_return parseConnection(*o);
}

QCoro::Task<Result<void>> AirbyteClient::deleteConnection(QString connectionId)
{
    const QString endpoint = QStringLiteral("connections/delete");
    const QJsonObject body{{QStringLiteral("connectionId"), connectionId}};
    auto o = co_await call(endpoint, body);
    if (!o)
        co_return fail(o.error());
    co_return Result<void>{};
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::jobCall(QString endpoint, QJsonObject body)
{
    auto o = co_await call(endpoint, std::move(body));
    if (!o)
        co_return fail(o.error());
    AirbyteJob job = parseJobInfo(*o);
    if (job.id < 0)
        co_return fail(Error::internal(QStringLiteral("Airbyte at %1 answered %2 without a job id")
                                           .arg(m_options.url.toString(QUrl::RemoveUserInfo), endpoint)));
    co_return job;
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::sync(QString connectionId)
{
    return jobCall(QStringLiteral("connections/sync"), {{QStringLiteral("connectionId"), connectionId}});
}

namespace {

// connections/{reset,clear}[/stream]'s body: ConnectionIdRequestBody, or ConnectionStreamRequestBody
// when streams are named.
QJsonObject dropBody(const QString &connectionId, const QList<StreamRef> &streams)
{
    QJsonObject body{{QStringLiteral("connectionId"), connectionId}};
    if (streams.isEmpty())
        return body;
    QJsonArray items;
    for (const StreamRef &s : streams) {
        QJsonObject item{{QStringLiteral("streamName"), s.name}};
        if (!s.ns.isEmpty())
            item.insert(QStringLiteral("streamNamespace"), s.ns);
        items.append(item);
    }
    body.insert(QStringLiteral("streams"), items);
    return body;
}

QString dropEndpoint(const char *operation, const QList<StreamRef> &streams)
{
    return QStringLiteral("connections/") + QLatin1String(operation) + (streams.isEmpty() ? QString() : QStringLiteral("/stream"));
}

} // namespace

QCoro::Task<Result<AirbyteJob>> AirbyteClient::reset(QString connectionId, QList<StreamRef> streams)
{
    return jobCall(dropEndpoint("reset", streams), dropBody(connectionId, streams));
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::clear(QString connectionId, QList<StreamRef> streams)
{
    const QString endpoint = dropEndpoint("clear", streams);
    const QJsonObject body = dropBody(connectionId, streams);
    auto job = co_await jobCall(endpoint, body);
    if (!job && job.error().kind == Error::Kind::NotFound)   // a server from before connections/clear
        co_return co_await reset(std::move(connectionId), std::move(streams));
    co_return job;
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::refresh(QString connectionId, QString refreshMode)
{
    return jobCall(QStringLiteral("connections/refresh"),
                               {{QStringLiteral("connectionId"), connectionId}, {QStringLiteral("refreshMode"), refreshMode}});
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::job(qint64 jobId)
{
    return jobCall(QStringLiteral("jobs/get"), {{QStringLiteral("id"), jobId}});
}

QCoro::Task<Result<QList<AirbyteJob>>> AirbyteClient::jobs(QString connectionId, QStringList configTypes, int pageSize)
{
    QJsonObject body{{QStringLiteral("configTypes"), QJsonArray::fromStringList(configTypes)},
                     {QStringLiteral("configId"), connectionId}};
    if (pageSize > 0)
        body.insert(QStringLiteral("pagination"), QJsonObject{{QStringLiteral("pageSize"), pageSize}, {QStringLiteral("rowOffset"), 0}});
    const QString endpoint = QStringLiteral("jobs/list");
    auto o = co_await call(endpoint, body);
    co_return parseList<AirbyteJob>(o, "jobs", parseJobInfo);
}

QCoro::Task<Result<AirbyteJob>> AirbyteClient::cancelJob(qint64 jobId)
{
    return jobCall(QStringLiteral("jobs/cancel"), {{QStringLiteral("id"), jobId}});
}

} // namespace sluice
