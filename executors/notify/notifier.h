#pragma once

#include "notify/notificationcontent.h"
#include "store/notificationstore.h"

#include <QCoro/QCoroTask>
#include <QList>
#include <QString>

#include <chrono>
#include <memory>
#include <optional>

class QNetworkAccessManager;

namespace sluice {

class Database;

// How one channel's notification went. `error` is one line naming the host (never the URL) or the
// cause; `attemptId` is the notification_attempt row (0 if recording it failed, which is logged).
struct NotifyOutcome
{
    QString channel;
    ChannelKind kind = ChannelKind::Webhook;
    NotifyLevel level = NotifyLevel::Test;
    bool ok = false;
    std::optional<int> httpStatus;
    QString error;
    qint64 attemptId = 0;
};

// Sends notifications to an org's channels (DESIGN.md §1 "Notifications") and records every attempt.
//
// Guarantees:
// - Never fails its caller: every problem (no URL in the keychain, a refused connection, a timeout,
//   a non-2xx answer, no desktop notification service, a failed insert) ends up in that channel's
//   outcome and, where the database allows, in notification_attempt.
// - Channels are notified concurrently: each waits at most Options::timeout for its answer, so one
//   slow channel delays the result by no more than its timeout and never delays the others.
// - Webhook URLs are read from the keychain just before sending and appear in no log line, no error
//   text and no database row (errors name the host; other texts go through a SecretScrubber that
//   knows the URL).
// - 2xx is success; anything else is recorded with its HTTP status.
//
// Slack and Teams get their incoming-webhook formats; a generic webhook gets a JSON document
// (Content-Type application/json); desktop channels call org.freedesktop.Notifications.Notify on the
// session bus of this process.
//
// The Database must belong to the calling thread and outlive every coroutine started here; so must
// the Notifier itself. The thread needs a running event loop.
class Notifier
{
public:
    struct Options
    {
        std::chrono::milliseconds timeout{10'000};              // per HTTP request / D-Bus call
        QString keychainService = QStringLiteral("sluice");     // SecretStore service
        std::chrono::milliseconds keychainTimeout{30'000};
    };

    explicit Notifier(Database &db);
    Notifier(Database &db, Options options);
    ~Notifier();
    Notifier(const Notifier &) = delete;
    Notifier &operator=(const Notifier &) = delete;

    // Notifies every channel of the run's org that wants the run's level (levelForRunStatus; a run
    // whose status notifies nobody gives an empty list without touching anything), when the run's
    // pipeline lists that level in its notify_on (a single-task run: the channels decide alone). One
    // outcome per channel notified, in channel-name order; attempts are recorded with notice.runId.
    [[nodiscard]] QCoro::Task<QList<NotifyOutcome>> notifyRun(RunNotice notice);
    // The same for a run read from the store (RunStore::run): what the runner and the agent call once a
    // run has finished. A run that cannot be read is logged and notifies nobody (an empty list).
    [[nodiscard]] QCoro::Task<QList<NotifyOutcome>> notifyRun(qint64 runId);

    // Sends a test notification to one channel (whatever its levels) and records the attempt with
    // level `test` and no run.
    [[nodiscard]] QCoro::Task<NotifyOutcome> testChannel(NotificationChannel channel, QString orgSlug);

    // Ok for an http(s) URL with a host; the error never repeats the URL.
    [[nodiscard]] static Result<void> validateWebhookUrl(const QString &url);

private:
    QCoro::Task<NotifyOutcome> send(NotificationChannel channel, NotificationContent content, std::optional<qint64> runId);
    QCoro::Task<NotifyOutcome> sendHttp(const NotificationChannel &channel, const NotificationContent &content);
    QCoro::Task<NotifyOutcome> sendDesktop(const NotificationChannel &channel, const NotificationContent &content);
    void record(NotifyOutcome &outcome, const NotificationChannel &channel, std::optional<qint64> runId);

    Database &m_db;
    Options m_options;
    std::unique_ptr<QNetworkAccessManager> m_nam;
};

} // namespace sluice
