#include "airbytedouble.h"
#include "airbytedouble_util.h"

#include <QAbstractHttpServer>
#include <QDateTime>
#include <QHostAddress>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>
#include <QTcpSocket>
#include <QTimer>
#include <QUuid>

namespace sluice::test {

using namespace airbytedouble;

// Qt HTTP Server parses the requests; the double writes the raw answer itself so that it can delay
// it, drop the connection or send bytes that are not JSON.
class AirbyteDouble::Server : public QAbstractHttpServer
{
public:
    explicit Server(AirbyteDouble *owner) : m_owner(owner) {}

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        const QByteArray method = request.method() == QHttpServerRequest::Method::Get ? QByteArrayLiteral("GET")
            : request.method() == QHttpServerRequest::Method::Post                   ? QByteArrayLiteral("POST")
                                                                                      : QByteArrayLiteral("OTHER");
        m_owner->handle(method, request.url().path(), request.headers(), request.body(), socket);
        return true;
    }
    void missingHandler(const QHttpServerRequest &, QTcpSocket *) override {}

private:
    AirbyteDouble *m_owner;
};


AirbyteDouble::AirbyteDouble(QObject *parent) : AirbyteDouble(Options{}, parent) {}

AirbyteDouble::AirbyteDouble(Options options, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_server(std::make_unique<Server>(this))
{
    m_clock.start();
}

AirbyteDouble::~AirbyteDouble() = default;

quint16 AirbyteDouble::listen(quint16 port)
{
    m_port = m_server->listen(QHostAddress::LocalHost, port);
    return m_port;
}

QUrl AirbyteDouble::url() const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_port));
}

QString AirbyteDouble::addWorkspace(const QString &name)
{
    const QString id = newId();
    m_workspaces.insert(id, {{QStringLiteral("workspaceId"), id}, {QStringLiteral("customerId"), newId()},
                             {QStringLiteral("organizationId"), organizationId()}, {QStringLiteral("name"), name},
                             {QStringLiteral("slug"), name.toLower().replace(QLatin1Char(' '), QLatin1Char('-'))},
                             {QStringLiteral("email"), QStringLiteral("ops@example.org")},
                             {QStringLiteral("initialSetupComplete"), true}, {QStringLiteral("displaySetupWizard"), false},
                             {QStringLiteral("tombstone"), false}});
    return id;
}

QString AirbyteDouble::addSource(const QString &workspaceId, const QString &name, const QString &connector)
{
    const QString id = newId();
    m_sources.insert(id, {{QStringLiteral("sourceId"), id}, {QStringLiteral("sourceDefinitionId"), newId()},
                          {QStringLiteral("workspaceId"), workspaceId}, {QStringLiteral("name"), name},
                          {QStringLiteral("sourceName"), connector}, {QStringLiteral("createdAt"), nowSecs()},
                          {QStringLiteral("connectionConfiguration"), QJsonObject{{QStringLiteral("host"), QStringLiteral("db.internal")},
                                                                                  {QStringLiteral("password"), QStringLiteral("**********")}}}});
    return id;
}

QString AirbyteDouble::addDestination(const QString &workspaceId, const QString &name, const QString &connector)
{
    const QString id = newId();
    m_destinations.insert(id, {{QStringLiteral("destinationId"), id}, {QStringLiteral("destinationDefinitionId"), newId()},
                               {QStringLiteral("workspaceId"), workspaceId}, {QStringLiteral("name"), name},
                               {QStringLiteral("destinationName"), connector}, {QStringLiteral("createdAt"), nowSecs()},
                               {QStringLiteral("connectionConfiguration"), QJsonObject{{QStringLiteral("project_id"), QStringLiteral("analytics")}}}});
    return id;
}

QString AirbyteDouble::addConnection(const QString &workspaceId, const QString &sourceId, const QString &destinationId,
                                     const QString &name, const QString &status)
{
    const QString id = newId();
    // syncCatalog.streams stays empty: the spec's AirbyteStream requires `json_schema` yet forbids any
    // property but `jsonSchema`, so no stream can pass a strict validator.
    m_connections.insert(id, {{QStringLiteral("connectionId"), id}, {QStringLiteral("name"), name},
                              {QStringLiteral("namespaceDefinition"), QStringLiteral("destination")},
                              {QStringLiteral("prefix"), QString()}, {QStringLiteral("sourceId"), sourceId},
                              {QStringLiteral("destinationId"), destinationId}, {QStringLiteral("operationIds"), QJsonArray()},
                              {QStringLiteral("syncCatalog"), QJsonObject{{QStringLiteral("streams"), QJsonArray()}}},
                              {QStringLiteral("scheduleType"), QStringLiteral("manual")}, {QStringLiteral("status"), status},
                              {QStringLiteral("breakingChange"), false}, {QStringLiteral("workspaceId"), workspaceId},
                              {QStringLiteral("created_at"), nowSecs()}});
    return id;
}

void AirbyteDouble::setConnectionStatus(const QString &connectionId, const QString &status)
{
    m_connections[connectionId].insert(QStringLiteral("status"), status);
}

void AirbyteDouble::setJobPlan(const QString &connectionId, const JobPlan &plan)
{
    m_plans.insert(connectionId, plan);
}

qint64 AirbyteDouble::startJob(const QString &connectionId, const QString &configType)
{
    Job job;
    job.id = m_nextJobId++;
    job.configType = configType;
    job.connectionId = connectionId;
    job.createdAtSecs = nowSecs();
    job.createdAtMs = m_clock.elapsed();
    job.plan = m_plans.value(connectionId, JobPlan{});
    m_jobs.insert(job.id, job);
    return job.id;
}

void AirbyteDouble::cancelJob(qint64 jobId)
{
    if (m_jobs.contains(jobId) && m_jobs[jobId].cancelledAtMs < 0)
        m_jobs[jobId].cancelledAtMs = m_clock.elapsed();
}

QString AirbyteDouble::jobStatus(qint64 jobId) const
{
    return m_jobs.contains(jobId) ? statusOf(m_jobs[jobId]) : QString();
}

bool AirbyteDouble::jobCancelled(qint64 jobId) const
{
    return m_jobs.contains(jobId) && m_jobs[jobId].cancelledAtMs >= 0;
}

void AirbyteDouble::addFault(const Fault &fault)
{
    m_faults.append(fault);
}

void AirbyteDouble::clearFaults()
{
    m_faults.clear();
}

void AirbyteDouble::expireTokens()
{
    m_tokens.clear();
}

int AirbyteDouble::count(const QString &endpoint) const
{
    return int(std::count_if(m_requests.begin(), m_requests.end(), [&](const Request &r) { return r.endpoint == endpoint; }));
}

// ---- job life -------------------------------------------------------------------------------

QString AirbyteDouble::statusOf(const Job &job) const
{
    if (job.cancelledAtMs >= 0)
        return QStringLiteral("cancelled");
    const qint64 t = m_clock.elapsed() - job.createdAtMs;
    const qint64 pending = job.plan.pendingFor.count(), d = std::max<qint64>(1, job.plan.attemptDuration.count());
    if (t < pending)
        return QStringLiteral("pending");
    const qint64 k = (t - pending) / d;
    const qint64 n = job.plan.attempts.size();
    if (k >= n)
        return job.plan.attempts.value(n - 1) == QLatin1String("succeeded") ? QStringLiteral("succeeded") : QStringLiteral("failed");
    if (k > 0 && (t - pending - k * d) < d / 2)
        return QStringLiteral("incomplete");
    return QStringLiteral("running");
}

namespace {

// A few lines of the kind Airbyte's worker writes, for the attempt's log.
QJsonArray attemptLog(const auto &job, qint64 attempt, const QString &status, qint64 records)
{
    QJsonArray lines{QStringLiteral("----- START REPLICATION -----"),
                     QStringLiteral("Running sync worker for job %1, attempt %2 (connection %3)").arg(job.id).arg(attempt).arg(job.connectionId),
                     QStringLiteral("Records read: %1").arg(records)};
    if (status == QLatin1String("failed"))
        lines.append(QStringLiteral("Sync failed: %1").arg(job.plan.failureMessage));
    else if (status != QLatin1String("running"))
        lines.append(QStringLiteral("----- END REPLICATION -----"));
    return lines;
}

} // namespace

QJsonArray AirbyteDouble::attemptsOf(const Job &job, bool wrapped) const
{
    const qint64 end = job.cancelledAtMs >= 0 ? job.cancelledAtMs : m_clock.elapsed();
    const qint64 t = end - job.createdAtMs;
    const qint64 pending = job.plan.pendingFor.count(), d = std::max<qint64>(1, job.plan.attemptDuration.count());
    QJsonArray out;
    if (t < pending)
        return out;
    const qint64 n = job.plan.attempts.size();
    const qint64 k = std::min((t - pending) / d, n);
    for (qint64 i = 0; i <= std::min(k, n - 1); ++i) {
        const bool done = i < k;
        const qint64 into = (t - pending) - i * d;
        if (!done && i > 0 && into < d / 2 && job.cancelledAtMs < 0)
            break;   // between attempts: the job is `incomplete`, the next attempt not created yet
        QString status = done ? job.plan.attempts.at(i) : QStringLiteral("running");
        if (!done && job.cancelledAtMs >= 0)
            status = QStringLiteral("failed");
        const double share = done ? 1.0 : double(into) / double(d);
        const qint64 records = qint64(double(job.plan.recordsPerAttempt) * share);
        const qint64 bytes = qint64(double(job.plan.bytesPerAttempt) * share);
        const qint64 created = job.createdAtSecs + (pending + i * d) / 1000;
        QJsonObject a{{QStringLiteral("id"), i}, {QStringLiteral("status"), status}, {QStringLiteral("createdAt"), created},
                      {QStringLiteral("updatedAt"), nowSecs()}, {QStringLiteral("recordsSynced"), records},
                      {QStringLiteral("bytesSynced"), bytes},
                      {QStringLiteral("totalStats"), QJsonObject{{QStringLiteral("recordsEmitted"), records}, {QStringLiteral("bytesEmitted"), bytes},
                                                                 {QStringLiteral("recordsCommitted"), records}, {QStringLiteral("bytesCommitted"), bytes},
                                                                 {QStringLiteral("stateMessagesEmitted"), 1}}},
                      {QStringLiteral("streamStats"), QJsonArray()}};
        if (status != QLatin1String("running"))
            a.insert(QStringLiteral("endedAt"), nowSecs());
        if (status == QLatin1String("failed")) {
            const bool cancelled = job.cancelledAtMs >= 0 && !done;
            a.insert(QStringLiteral("failureSummary"),
                     QJsonObject{{QStringLiteral("failures"),
                                  QJsonArray{QJsonObject{{QStringLiteral("failureOrigin"), cancelled ? QStringLiteral("airbyte_platform") : QStringLiteral("source")},
                                                         {QStringLiteral("failureType"), cancelled ? QStringLiteral("manual_cancellation") : QStringLiteral("config_error")},
                                                         {QStringLiteral("externalMessage"), cancelled ? QStringLiteral("This attempt was cancelled") : job.plan.failureMessage},
                                                         {QStringLiteral("timestamp"), QDateTime::currentMSecsSinceEpoch()}}}},
                                 {QStringLiteral("partialSuccess"), false}});
        }
        if (wrapped)
            out.append(QJsonObject{{QStringLiteral("attempt"), a}, {QStringLiteral("logType"), QStringLiteral("formatted")},
                                   {QStringLiteral("logs"), QJsonObject{{QStringLiteral("logLines"), attemptLog(job, i, status, records)}}}});
        else
            out.append(a);
    }
    return out;
}

namespace {

// A reset / clear job's streams: the ones named, else every selected stream of the connection.
QJsonArray droppedStreams(const QJsonArray &named, const QJsonObject &connection)
{
    if (!named.isEmpty())
        return named;
    QJsonArray out;
    for (const QJsonValue &v : connection.value(QLatin1String("syncCatalog")).toObject().value(QLatin1String("streams")).toArray()) {
        const QJsonObject stream = v.toObject().value(QLatin1String("stream")).toObject();
        if (!v.toObject().value(QLatin1String("config")).toObject().value(QLatin1String("selected")).toBool(true))
            continue;
        QJsonObject d{{QStringLiteral("name"), stream.value(QLatin1String("name"))}};
        if (stream.contains(QLatin1String("namespace")))
            d.insert(QStringLiteral("namespace"), stream.value(QLatin1String("namespace")));
        out.append(d);
    }
    return out;
}

} // namespace

QJsonObject AirbyteDouble::catalogOf(const QString &ns, const QStringList &synced, const QStringList &unsynced)
{
    QJsonArray streams;
    for (const bool selected : {true, false}) {
        for (const QString &name : selected ? synced : unsynced) {
            QJsonObject stream{{QStringLiteral("name"), name}, {QStringLiteral("jsonSchema"), QJsonObject{}},
                               {QStringLiteral("supportedSyncModes"), QJsonArray{QStringLiteral("full_refresh")}}};
            if (!ns.isEmpty())
                stream.insert(QStringLiteral("namespace"), ns);
            streams.append(QJsonObject{{QStringLiteral("stream"), stream},
                                       {QStringLiteral("config"), QJsonObject{{QStringLiteral("selected"), selected},
                                                                              {QStringLiteral("syncMode"), QStringLiteral("full_refresh")},
                                                                              {QStringLiteral("destinationSyncMode"), QStringLiteral("overwrite")}}}});
        }
    }
    return {{QStringLiteral("streams"), streams}};
}

QStringList AirbyteDouble::jobStreams(qint64 jobId) const
{
    QStringList out;
    if (!m_jobs.contains(jobId))
        return out;
    const Job &job = m_jobs[jobId];
    for (const QJsonValue &v : droppedStreams(job.streams, m_connections.value(job.connectionId))) {
        const QJsonObject d = v.toObject();
        const QString ns = d.value(QLatin1String("namespace")).toString();
        out.append(ns.isEmpty() ? d.value(QLatin1String("name")).toString() : ns + QLatin1Char('.') + d.value(QLatin1String("name")).toString());
    }
    return out;
}

QJsonObject AirbyteDouble::jobRead(const Job &job) const
{
    QJsonObject o{{QStringLiteral("id"), job.id}, {QStringLiteral("configType"), job.configType},
                  {QStringLiteral("configId"), job.connectionId}, {QStringLiteral("createdAt"), job.createdAtSecs},
                  {QStringLiteral("updatedAt"), nowSecs()}, {QStringLiteral("status"), statusOf(job)}};
    if (job.configType == QLatin1String("reset_connection") || job.configType == QLatin1String("clear"))
        o.insert(QStringLiteral("resetConfig"),
                 QJsonObject{{QStringLiteral("streamsToReset"), droppedStreams(job.streams, m_connections.value(job.connectionId))}});
    if (m_clock.elapsed() - job.createdAtMs >= job.plan.pendingFor.count())
        o.insert(QStringLiteral("startedAt"), job.createdAtSecs);
    return o;
}

bool AirbyteDouble::hasRunningSync(const QString &connectionId) const
{
    for (const Job &j : m_jobs) {
        if (j.connectionId == connectionId && j.configType == QLatin1String("sync")) {
            const QString s = statusOf(j);
            if (s == QLatin1String("pending") || s == QLatin1String("running") || s == QLatin1String("incomplete"))
                return true;
        }
    }
    return false;
}

// ---- HTTP -----------------------------------------------------------------------------------

void AirbyteDouble::write(QTcpSocket *socket, const Answer &a)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(a.status) + " " + (a.status < 300 ? "OK" : "Error") + "\r\n";
    if (a.status != 204) {
        head += "Content-Type: " + a.contentType + "\r\n";
        head += "Content-Length: " + QByteArray::number(a.body.size()) + "\r\n";
    }
    head += "Connection: keep-alive\r\n\r\n";
    socket->write(head + (a.status == 204 ? QByteArray() : a.body));
}

bool AirbyteDouble::authorised(const QString &endpoint, const QByteArray &authorization) const
{
    if (endpoint == QLatin1String("health") || endpoint == QLatin1String("applications/token"))
        return true;
    switch (m_options.auth) {
    case Auth::None:
        return true;
    case Auth::Basic:
        return authorization == "Basic " + (m_options.user + QLatin1Char(':') + m_options.secret).toUtf8().toBase64();
    case Auth::ClientCredentials: {
        if (!authorization.startsWith("Bearer "))
            return false;
        const QString token = QString::fromUtf8(authorization.mid(7));
        return m_tokens.contains(token) && m_tokens.value(token) > m_clock.elapsed();
    }
    }
    return false;
}

void AirbyteDouble::handle(const QByteArray &method, const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers,
                           const QByteArray &body, QTcpSocket *socket)
{
    QString endpoint = path;
    if (endpoint.startsWith(QLatin1String("/api/")))
        endpoint = endpoint.mid(4);
    endpoint = endpoint.startsWith(QLatin1String("/v1/")) ? endpoint.mid(4) : QString();
    while (endpoint.endsWith(QLatin1Char('/')))
        endpoint.chop(1);
    QByteArray authorization;
    for (const auto &[k, v] : headers) {
        if (k.compare("authorization", Qt::CaseInsensitive) == 0)
            authorization = v;
    }
    const QJsonObject request = QJsonDocument::fromJson(body).object();
    m_requests.append({method, endpoint, authorization, request});

    for (auto it = m_faults.begin(); it != m_faults.end(); ++it) {
        if (!it->endpoint.isEmpty() && it->endpoint != endpoint)
            continue;
        const Fault f = *it;
        if (it->count > 0 && --it->count == 0)
            m_faults.erase(it);
        switch (f.kind) {
        case Fault::Kind::HttpError:
            write(socket, {f.status, f.body.isEmpty() ? knownException(QStringLiteral("Internal Server Error: injected fault on %1").arg(endpoint),
                                                                       QStringLiteral("java.lang.IllegalStateException"))
                                                      : f.body});
            return;
        case Fault::Kind::MalformedJson:
            write(socket, {200, QByteArrayLiteral("{\"job\": {\"id\": 7, \"status\": \"runn")});
            return;
        case Fault::Kind::Html:
            write(socket, {f.status, f.body.isEmpty() ? QByteArrayLiteral("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>")
                                                      : f.body,
                           "text/html"});
            return;
        case Fault::Kind::Drop:
            socket->abort();
            return;
        case Fault::Kind::Delay: {
            QPointer<QTcpSocket> guard(socket);
            QTimer::singleShot(f.delay, this, [=, this] {
                if (guard && guard->state() == QAbstractSocket::ConnectedState)
                    write(guard, route(method, endpoint, request, authorization));
            });
            return;
        }
        }
    }
    write(socket, route(method, endpoint, request, authorization));
}

AirbyteDouble::Answer AirbyteDouble::route(const QByteArray &method, const QString &endpoint, const QJsonObject &body,
                                           const QByteArray &authorization)
{
    const auto ok = [](const QJsonObject &o) { return Answer{200, json(o), "application/json"}; };
    const auto notFound = [](const QString &what, const QString &id) {
        return Answer{404, json({{QStringLiteral("id"), id}, {QStringLiteral("message"), QStringLiteral("Could not find %1 with id: %2").arg(what, id)},
                                 {QStringLiteral("exceptionClassName"), QStringLiteral("io.airbyte.commons.server.errors.IdNotFoundKnownException")},
                                 {QStringLiteral("exceptionStack"), QJsonArray()}}),
                      "application/json"};
    };
    // instance_configuration answers without auth, as the server's login page needs it.
    if (endpoint == QLatin1String("instance_configuration") && method == "GET") {
        QJsonObject o{{QStringLiteral("edition"), QStringLiteral("community")}, {QStringLiteral("webappUrl"), url().toString()},
                      {QStringLiteral("airbyteUrl"), url().toString()}, {QStringLiteral("initialSetupComplete"), true},
                      {QStringLiteral("defaultUserId"), m_defaultUserId}, {QStringLiteral("defaultOrganizationId"), organizationId()},
                      {QStringLiteral("defaultOrganizationEmail"), QStringLiteral("ops@example.org")},
                      {QStringLiteral("defaultWorkspaceId"), m_workspaces.isEmpty() ? m_defaultUserId : m_workspaces.firstKey()},
                      {QStringLiteral("trackingStrategy"), QStringLiteral("logging")}, {QStringLiteral("licenseStatus"), QStringLiteral("pro")},
                      {QStringLiteral("auth"), QJsonObject{{QStringLiteral("mode"), QStringLiteral("simple")},
                                                           {QStringLiteral("clientId"), QStringLiteral("airbyte-webapp")},
                                                           {QStringLiteral("defaultRealm"), QStringLiteral("airbyte")}}}};
        if (!m_options.version.isEmpty())
            o.insert(QStringLiteral("version"), m_options.version);
        return ok(o);
    }
    if (!authorised(endpoint, authorization))
        return {401, json({{QStringLiteral("message"), QStringLiteral("Unauthorized")}}), "application/json"};
    if (endpoint == QLatin1String("health")) {
        if (method != "GET")
            return {405, knownException(QStringLiteral("Method Not Allowed"), QString()), "application/json"};
        return ok({{QStringLiteral("available"), true}});
    }
    if (method != "POST")
        return {405, knownException(QStringLiteral("Method Not Allowed"), QString()), "application/json"};

    if (endpoint == QLatin1String("applications/token")) {
        if (m_options.auth != Auth::ClientCredentials || body.value(QLatin1String("client_id")).toString() != m_options.user
            || body.value(QLatin1String("client_secret")).toString() != m_options.secret)
            return {401, json({{QStringLiteral("message"), QStringLiteral("Invalid client credentials")}}), "application/json"};
        m_lastToken = QStringLiteral("tok-") + newId();
        m_tokens.insert(m_lastToken, m_clock.elapsed() + m_options.tokenLifetime.count());
        return ok({{QStringLiteral("access_token"), m_lastToken}});
    }

    if (auto answer = routeActors(endpoint, body))
        return *answer;
    const QString workspaceId = body.value(QLatin1String("workspaceId")).toString();
    const QString connectionId = body.value(QLatin1String("connectionId")).toString();
    const auto listIn = [&](const QMap<QString, QJsonObject> &all, const char *key) {
        QJsonArray a;
        for (const QJsonObject &o : all) {
            if (o.value(QLatin1String("workspaceId")).toString() == workspaceId)
                a.append(o);
        }
        return ok({{QLatin1String(key), a}});
    };
    if (endpoint == QLatin1String("workspaces/list_by_organization_id")) {
        QJsonArray a;
        for (const QJsonObject &o : m_workspaces)
            if (o.value(QLatin1String("organizationId")) == body.value(QLatin1String("organizationId")))
                a.append(o);
        return ok({{QStringLiteral("workspaces"), a}});
    }
    if (endpoint == QLatin1String("workspaces/create")) {
        const QString name = body.value(QLatin1String("name")).toString();
        if (name.trimmed().isEmpty())
            return {422, knownException(QStringLiteral("The workspace needs a name"), QString()), "application/json"};
        return ok(m_workspaces.value(addWorkspace(name)));
    }
    if (endpoint == QLatin1String("workspaces/list")) {
        QJsonArray a;
        for (const QJsonObject &o : m_workspaces)
            a.append(o);
        return ok({{QStringLiteral("workspaces"), a}});
    }
    if (endpoint == QLatin1String("sources/list")) {
        QMap<QString, QJsonObject> shown;
        for (const QJsonObject &o : m_sources)
            shown.insert(o.value(QLatin1String("sourceId")).toString(), masked(o, "sourceDefinitionId"));
        return listIn(shown, "sources");
    }
    if (endpoint == QLatin1String("destinations/list")) {
        QMap<QString, QJsonObject> shown;
        for (const QJsonObject &o : m_destinations)
            shown.insert(o.value(QLatin1String("destinationId")).toString(), masked(o, "destinationDefinitionId"));
        return listIn(shown, "destinations");
    }
    if (endpoint == QLatin1String("connections/list"))
        return listIn(m_connections, "connections");
    if (endpoint == QLatin1String("sources/discover_schema")) {
        const QString sourceId = body.value(QLatin1String("sourceId")).toString();
        if (!m_sources.contains(sourceId))
            return notFound(QStringLiteral("source"), sourceId);
        const qint64 now = nowSecs();
        return ok({{QStringLiteral("catalog"), m_catalogs.value(sourceId, QJsonObject{{QStringLiteral("streams"), QJsonArray()}})},
                   {QStringLiteral("catalogId"), newId()},
                   {QStringLiteral("jobInfo"), QJsonObject{{QStringLiteral("id"), newId()}, {QStringLiteral("configType"), QStringLiteral("discover_schema")},
                                                           {QStringLiteral("configId"), sourceId}, {QStringLiteral("createdAt"), now},
                                                           {QStringLiteral("endedAt"), now}, {QStringLiteral("succeeded"), true}}}});
    }
    if (endpoint == QLatin1String("connections/create")) {
        const QString id = addConnection(m_sources.value(body.value(QLatin1String("sourceId")).toString()).value(QLatin1String("workspaceId")).toString(),
                                         body.value(QLatin1String("sourceId")).toString(), body.value(QLatin1String("destinationId")).toString(),
                                         body.value(QLatin1String("name")).toString(QStringLiteral("New connection")),
                                         body.value(QLatin1String("status")).toString(QStringLiteral("active")));
        for (const char *key : {"syncCatalog", "namespaceDefinition", "namespaceFormat", "prefix", "scheduleType"})
            if (body.contains(QLatin1String(key)))
                m_connections[id].insert(QLatin1String(key), body.value(QLatin1String(key)));
        return ok(m_connections.value(id));
    }
    if (endpoint.startsWith(QLatin1String("connections/")) || endpoint == QLatin1String("connections/update")) {
        if (!m_connections.contains(connectionId))
            return notFound(QStringLiteral("connection"), connectionId);
        if (endpoint == QLatin1String("connections/get"))
            return ok(m_connections.value(connectionId));
        if (endpoint == QLatin1String("connections/update")) {
            QJsonObject &c = m_connections[connectionId];
            for (auto it = body.begin(); it != body.end(); ++it)
                c.insert(it.key(), it.value());
            return ok(c);
        }
        if (endpoint == QLatin1String("connections/delete")) {
            m_connections.remove(connectionId);
            return {204, {}, {}};
        }
        QString type;
        if (endpoint == QLatin1String("connections/sync"))
            type = QStringLiteral("sync");
        else if (endpoint == QLatin1String("connections/reset") || endpoint == QLatin1String("connections/reset/stream"))
            type = QStringLiteral("reset_connection");
        else if (endpoint == QLatin1String("connections/clear") || endpoint == QLatin1String("connections/clear/stream"))
            type = QStringLiteral("clear");
        else if (endpoint == QLatin1String("connections/refresh"))
            type = QStringLiteral("refresh");
        if (type.isEmpty())
            return {404, knownException(QStringLiteral("Page Not Found"), QString()), "application/json"};
        if (type == QLatin1String("sync") && hasRunningSync(connectionId))
            return {409, json({{QStringLiteral("message"), QStringLiteral("A sync is already running for: %1").arg(connectionId)},
                               {QStringLiteral("exceptionClassName"), QStringLiteral("io.airbyte.commons.server.errors.ValueConflictKnownException")},
                               {QStringLiteral("exceptionStack"), QJsonArray()}}),
                    "application/json"};
        QJsonArray named;   // ConnectionStreamRequestBody's streams as StreamDescriptors
        if (endpoint.endsWith(QLatin1String("/stream"))) {
            for (const QJsonValue &v : body.value(QLatin1String("streams")).toArray()) {
                QJsonObject d{{QStringLiteral("name"), v.toObject().value(QLatin1String("streamName"))}};
                if (v.toObject().contains(QLatin1String("streamNamespace")))
                    d.insert(QStringLiteral("namespace"), v.toObject().value(QLatin1String("streamNamespace")));
                named.append(d);
            }
        }
        Job &job = m_jobs[startJob(connectionId, type)];
        job.streams = named;
        if (type == QLatin1String("refresh"))
            return ok({{QStringLiteral("job"), jobRead(job)}});
        return ok({{QStringLiteral("job"), jobRead(job)}, {QStringLiteral("attempts"), attemptsOf(job, true)}});
    }
    if (endpoint == QLatin1String("jobs/get") || endpoint == QLatin1String("jobs/cancel")) {
        const qint64 id = body.value(QLatin1String("id")).toInteger(-1);
        if (!m_jobs.contains(id))
            return notFound(QStringLiteral("job"), QString::number(id));
        Job &job = m_jobs[id];
        const QString status = statusOf(job);
        const bool ended = status == QLatin1String("succeeded") || status == QLatin1String("failed") || status == QLatin1String("cancelled");
        if (endpoint == QLatin1String("jobs/cancel") && !ended)
            job.cancelledAtMs = m_clock.elapsed();
        return ok({{QStringLiteral("job"), jobRead(job)}, {QStringLiteral("attempts"), attemptsOf(job, true)}});
    }
    if (endpoint == QLatin1String("jobs/list")) {
        const QString configId = body.value(QLatin1String("configId")).toString();
        QStringList types;
        for (const QJsonValue &v : body.value(QLatin1String("configTypes")).toArray())
            types.append(v.toString());
        QJsonArray out;
        const QList<Job> all = m_jobs.values();
        for (auto it = all.crbegin(); it != all.crend(); ++it) {   // newest first
            if ((configId.isEmpty() || it->connectionId == configId) && types.contains(it->configType))
                out.append(QJsonObject{{QStringLiteral("job"), jobRead(*it)}, {QStringLiteral("attempts"), attemptsOf(*it, false)}});
        }
        const int pageSize = body.value(QLatin1String("pagination")).toObject().value(QLatin1String("pageSize")).toInt(200);
        const qint64 total = out.size();
        while (out.size() > pageSize)
            out.removeLast();
        return ok({{QStringLiteral("jobs"), out}, {QStringLiteral("totalJobCount"), total}});
    }
    return {404, knownException(QStringLiteral("Page Not Found"), QString()), "application/json"};
}

} // namespace sluice::test
