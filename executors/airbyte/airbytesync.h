#pragma once

#include "airbytetypes.h"
#include "core/error.h"
#include "process/outcome.h"

#include <QCoro/QCoroTask>
#include <QObject>
#include <QPointer>

#include <chrono>

namespace sluice {

class AirbyteClient;

struct AirbyteSyncOptions {
    std::chrono::milliseconds pollInterval{5000};
    std::chrono::milliseconds timeout{std::chrono::hours(6)};   // overall; 0 = none
    // What the job does: sync the connection, or drop its synced data — reset (connections/reset, every
    // server) or clear (connections/clear, Airbyte 0.63 and later; a server without it resets).
    enum class Operation { Sync, Reset, Clear };
    Operation operation = Operation::Sync;
    // Reset / Clear: only these streams (connections/{reset,clear}/stream); empty: every stream. Each
    // must be a stream of the connection's catalog, else the job is not started (FailedToStart, Invalid,
    // naming the stream and the ones the connection has). Ignored by Sync.
    QList<StreamRef> streams;
};

struct AirbyteSyncResult {
    Outcome outcome = Outcome::FailedToStart;
    qint64 jobId = -1;            // -1 when no job was started or found
    bool attached = false;        // the sync was already running (409) and we followed that job
    QString jobStatus;            // Airbyte's last status of the job
    qint64 recordsSynced = 0;
    qint64 bytesSynced = 0;
    QString errorText;            // why, for every outcome but Success
    // Before a job ran: the kind of the refusal (Invalid: inactive connection or a 4xx; NotFound;
    // Internal: the server could not be reached, timed out, or answered 5xx, 408 or 429).
    Error::Kind failedBecause = Error::Kind::Invalid;
};

// One Airbyte job on a connection, start to end: check the connection is active, POST connections/sync
// (or reset, or clear: options.operation), and poll jobs/get until the job ends.
//
// Contract:
// - start() may be called once; later calls are ignored.
// - jobStarted fires once the job id is known (attached = a job of the same kind was already running:
//   the server answered 409 and the newest pending/running job of that kind of the connection, from
//   jobs/list, is followed instead of failing or starting another).
// - statusChanged fires when the job's status changes; progress whenever the counts change.
// - `incomplete` (an attempt failed, Airbyte will retry) counts as still running.
// - finished fires exactly once per start(), always from the event loop, for every way it ends:
//   Success (succeeded), Failed (failed, or Airbyte cancelled it itself), TimedOut (the overall
//   timeout: the job is cancelled on the server first), Canceled (cancel(): the job is cancelled on
//   the server), FailedToStart (inactive connection, unreachable server, sync refused).
// - Records and bytes are summed from the job's attempts (see parseJobInfo).
// - cancel() before the job is known makes the flow stop before starting it; after finished it does
//   nothing.
class AirbyteSync : public QObject
{
    Q_OBJECT
public:
    AirbyteSync(AirbyteClient *client, QString connectionId, AirbyteSyncOptions options = {}, QObject *parent = nullptr);
    ~AirbyteSync() override;

    void start();
    void cancel();

    [[nodiscard]] const AirbyteSyncResult &result() const { return m_result; }
    [[nodiscard]] bool isRunning() const { return m_started && !m_finished; }

Q_SIGNALS:
    void jobStarted(qint64 jobId, bool attached);
    void statusChanged(const QString &status);
    void progress(qint64 recordsSynced, qint64 bytesSynced);
    void finished(const sluice::AirbyteSyncResult &result);
    // Internal: wakes a poll wait when cancel() is called.
    void cancelRequested();

private:
    QCoro::Task<> run();
    QCoro::Task<AirbyteSyncResult> flow();
    QCoro::Task<AirbyteSyncResult> stopJob(AirbyteSyncResult result, Outcome outcome, QString why);
    void update(const AirbyteJob &job, AirbyteSyncResult &result);

    QPointer<AirbyteClient> m_client;
    QString m_connectionId;
    AirbyteSyncOptions m_options;
    AirbyteSyncResult m_result;
    QString m_lastStatus;
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelRequested = false;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::AirbyteSyncResult)
