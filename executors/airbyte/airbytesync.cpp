#include "airbytesync.h"

#include "airbyteclient.h"

#include <QCoro/QCoroSignal>
#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QTimer>

Q_DECLARE_LOGGING_CATEGORY(lcAirbyte)

namespace sluice {

namespace {

// How many polls in a row may fail (after the client's own retries) before the sync gives up on
// the server. A job that is gone (404) ends the sync at once.
constexpr int kMaxPollFailures = 3;

bool isActiveStatus(const QString &s)
{
    return s == QLatin1String("pending") || s == QLatin1String("queued") || s == QLatin1String("running")
        || s == QLatin1String("incomplete");
}

} // namespace

AirbyteSync::AirbyteSync(AirbyteClient *client, QString connectionId, AirbyteSyncOptions options, QObject *parent)
    : QObject(parent), m_client(client), m_connectionId(std::move(connectionId)), m_options(options)
{
}

AirbyteSync::~AirbyteSync()
{
    if (isRunning())
        qCWarning(lcAirbyte) << "AirbyteSync destroyed while its flow runs; the Airbyte job is left as it is";
}

void AirbyteSync::start()
{
    if (m_started)
        return;
    m_started = true;
    // Launch from the event loop so that finished never fires from inside start().
    QTimer::singleShot(0, this, [this] { run(); });
}

void AirbyteSync::cancel()
{
    if (m_finished || m_cancelRequested)
        return;
    m_cancelRequested = true;
    Q_EMIT cancelRequested();
}

QCoro::Task<> AirbyteSync::run()
{
    AirbyteSyncResult result = co_await flow();
    m_result = result;
    m_finished = true;
    Q_EMIT finished(m_result);
}

void AirbyteSync::update(const AirbyteJob &job, AirbyteSyncResult &result)
{
    const bool countsChanged = job.recordsSynced != result.recordsSynced || job.bytesSynced != result.bytesSynced;
    result.jobStatus = job.status;
    result.recordsSynced = job.recordsSynced;
    result.bytesSynced = job.bytesSynced;
    if (job.status != m_lastStatus) {
        m_lastStatus = job.status;
        Q_EMIT statusChanged(job.status);
    }
    if (countsChanged)
        Q_EMIT progress(job.recordsSynced, job.bytesSynced);
}

QCoro::Task<AirbyteSyncResult> AirbyteSync::stopJob(AirbyteSyncResult result, Outcome outcome, QString why)
{
    result.outcome = outcome;
    result.errorText = why;
    auto cancelled = co_await m_client->cancelJob(result.jobId);
    if (cancelled)
        update(*cancelled, result);
    else
        result.errorText += QStringLiteral("; cancelling Airbyte job %1 failed too: %2").arg(result.jobId).arg(cancelled.error().message);
    co_return result;
}

QCoro::Task<AirbyteSyncResult> AirbyteSync::flow()
{
    AirbyteSyncResult result;
    const QDeadlineTimer deadline = m_options.timeout.count() > 0 ? QDeadlineTimer(m_options.timeout) : QDeadlineTimer(QDeadlineTimer::Forever);
    if (!m_client) {
        result.errorText = QStringLiteral("no Airbyte client");
        co_return result;
    }
    if (m_cancelRequested) {
        result.outcome = Outcome::Canceled;
        result.errorText = QStringLiteral("cancelled before the sync started");
        co_return result;
    }

    auto connection = co_await m_client->connection(m_connectionId);
    if (!connection) {
        result.errorText = connection.error().message;
        result.failedBecause = connection.error().kind;
        co_return result;
    }
    if (connection->status != QLatin1String("active")) {
        result.errorText = QStringLiteral("the Airbyte connection \"%1\" (%2) is %3, not active; enable it in Airbyte to sync it")
                               .arg(connection->name, m_connectionId, connection->status.isEmpty() ? QStringLiteral("of unknown status") : connection->status);
        co_return result;
    }
    if (m_cancelRequested) {
        result.outcome = Outcome::Canceled;
        result.errorText = QStringLiteral("cancelled before the sync started");
        co_return result;
    }
    const bool drops = m_options.operation != AirbyteSyncOptions::Operation::Sync;
    if (drops && !m_options.streams.isEmpty() && connection->raw.contains(QLatin1String("syncCatalog"))) {
        // A stream removed since the task was made (a schema refresh, an edit in Airbyte's UI) is said
        // before anything is dropped, rather than left to the server.
        const QList<StreamRef> known = selectedStreams(SyncCatalog::fromJson(connection->raw.value(QLatin1String("syncCatalog")).toObject()));
        for (const StreamRef &s : std::as_const(m_options.streams)) {
            if (!known.contains(s)) {
                result.errorText = QStringLiteral("the Airbyte connection \"%1\" (%2) no longer syncs the stream %3 (it syncs %4); "
                                                  "choose the streams again")
                                       .arg(connection->name, m_connectionId, s.displayName(),
                                            known.isEmpty() ? QStringLiteral("none") : streamRefsWords(known));
                co_return result;
            }
        }
    }

    AirbyteJob job;
    Result<AirbyteJob> started = fail(Error::internal(QStringLiteral("no Airbyte job was asked for")));
    QStringList jobTypes;
    switch (m_options.operation) {
    case AirbyteSyncOptions::Operation::Sync:
        started = co_await m_client->sync(m_connectionId);
        jobTypes = {QStringLiteral("sync")};
        break;
    case AirbyteSyncOptions::Operation::Reset:
        started = co_await m_client->reset(m_connectionId, m_options.streams);
        jobTypes = {QStringLiteral("reset_connection")};
        break;
    case AirbyteSyncOptions::Operation::Clear:
        started = co_await m_client->clear(m_connectionId, m_options.streams);
        jobTypes = {QStringLiteral("clear"), QStringLiteral("reset_connection")};
        break;
    }
    if (started) {
        job = *started;
    } else if (started.error().kind == Error::Kind::Conflict) {
        // A job of this kind is already running (another client, the scheduler): follow that job.
        auto list = co_await m_client->jobs(m_connectionId, jobTypes, 20);
        if (!list) {
            result.errorText = started.error().message + QStringLiteral("; and the running job could not be found: ") + list.error().message;
            result.failedBecause = list.error().kind;
            co_return result;
        }
        const AirbyteJob *newest = nullptr;
        for (const AirbyteJob &j : *list) {
            if (isActiveStatus(j.status) && (!newest || j.createdAt > newest->createdAt || (j.createdAt == newest->createdAt && j.id > newest->id)))
                newest = &j;
        }
        if (!newest) {
            result.errorText = started.error().message + QStringLiteral("; but no pending or running job of that kind was found for it");
            co_return result;
        }
        job = *newest;
        result.attached = true;
    } else {
        result.errorText = started.error().message;
        result.failedBecause = started.error().kind;
        co_return result;
    }

    result.jobId = job.id;
    result.outcome = Outcome::Failed;
    Q_EMIT jobStarted(job.id, result.attached);
    update(job, result);

    int failures = 0;
    for (;;) {
        if (job.isTerminal())
            break;
        if (m_cancelRequested)
            {
            const QString why = QStringLiteral("cancelled by the user");
            co_return co_await stopJob(result, Outcome::Canceled, why);
        }
        if (deadline.hasExpired())
{
            const QString why = QStringLiteral("the sync did not finish within %1 s; Airbyte job %2 was cancelled")
                                    .arg(double(m_options.timeout.count()) / 1000.0).arg(job.id);
            co_return co_await stopJob(result, Outcome::TimedOut, why);
        }
        const auto wait = std::min<qint64>(m_options.pollInterval.count(), std::max<qint64>(0, deadline.remainingTime()));
        if (!m_cancelRequested)
            co_await qCoro(this, &AirbyteSync::cancelRequested, std::chrono::milliseconds(wait));
        if (m_cancelRequested)
            continue;
        auto polled = co_await m_client->job(job.id);
        if (!polled) {
            if (polled.error().kind == Error::Kind::NotFound || ++failures >= kMaxPollFailures) {
                result.errorText = QStringLiteral("lost track of Airbyte job %1: %2").arg(job.id).arg(polled.error().message);
                co_return result;
            }
            qCWarning(lcAirbyte).noquote() << "polling job" << job.id << "failed, will retry:" << polled.error().message;
            continue;
        }
        failures = 0;
        job = *polled;
        update(job, result);
    }

    if (job.status == QLatin1String("succeeded")) {
        result.outcome = Outcome::Success;
    } else {
        result.outcome = m_cancelRequested ? Outcome::Canceled : Outcome::Failed;
        result.errorText = job.status == QLatin1String("cancelled")
            ? QStringLiteral("Airbyte job %1 was cancelled").arg(job.id)
            : QStringLiteral("Airbyte job %1 failed after %2 attempt(s)%3").arg(job.id).arg(job.attempts)
                  .arg(job.failureMessage.isEmpty() ? QString() : QStringLiteral(": ") + job.failureMessage);
    }
    co_return result;
}

} // namespace sluice
