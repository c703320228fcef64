#pragma once

#include "core/error.h"
#include "domain/status.h"
#include "store/auditlog.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

class Database;

// Why a notification is sent: a finished run's outcome, or `sluicectl notify test`.
enum class NotifyLevel { Failure, Warning, Success, Test };

[[nodiscard]] QString toString(NotifyLevel level);
[[nodiscard]] std::optional<NotifyLevel> notifyLevelFromString(const QString &text);

// The level a finished run notifies with: failed / crashed → Failure, partial_success → Warning,
// successful → Success. cancelled, skipped and unfinished runs (queued, running) notify nobody
// (std::nullopt).
[[nodiscard]] std::optional<NotifyLevel> levelForRunStatus(RunStatus runStatus);

enum class ChannelKind { Slack, Teams, Webhook, Desktop };

[[nodiscard]] QString toString(ChannelKind kind);
[[nodiscard]] std::optional<ChannelKind> channelKindFromString(const QString &text);
// Slack, Teams and generic webhooks send to a URL kept in the keychain; desktop needs none.
[[nodiscard]] inline bool needsUrl(ChannelKind kind) { return kind != ChannelKind::Desktop; }

// Which run outcomes a channel is told about.
struct NotificationLevels
{
    bool failure = true;
    bool warning = false;
    bool success = false;

    // Parses "failure,warning,success" (any subset, comma separated, at least one).
    [[nodiscard]] static Result<NotificationLevels> parse(const QStringList &words);
    [[nodiscard]] QStringList names() const;
    friend bool operator==(const NotificationLevels &, const NotificationLevels &) = default;
};

// One channel of an org (table notification_channel). `secretKey` is the keychain key holding the
// webhook URL (notify/<org slug>/<channel name>); empty for desktop channels. The URL itself is never
// stored in the database.
struct NotificationChannel
{
    qint64 id = 0;
    QString uuid;
    qint64 orgId = 0;
    QString name;
    ChannelKind kind = ChannelKind::Slack;
    NotificationLevels levels;
    QString secretKey;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;

    // Whether a notification of `level` goes to this channel (a test always does).
    [[nodiscard]] bool wants(NotifyLevel level) const;
};

// One attempt to notify a channel (table notification_attempt). `error` is one line that never holds
// the channel's URL; `runId` is empty for a test; `channelId` is empty once the channel was deleted.
struct NotificationAttempt
{
    qint64 id = 0;
    std::optional<qint64> channelId;
    QString channelName;
    std::optional<qint64> runId;
    NotifyLevel level = NotifyLevel::Test;
    qint64 attemptedAt = 0;
    bool ok = false;
    std::optional<int> httpStatus;
    QString error;
};

// Notification channels of orgs and the record of every attempt to notify them. Channel changes are
// written to the audit log in the same transaction (never a URL: only the key that names it).
// Synchronous statements on the caller's connection.
class NotificationStore
{
public:
    NotificationStore(Database &db, QString actor);

    // Adds a channel. The name is lowercase letters, digits, '-' and '_' (it is part of the keychain
    // key); a name already used in the org is Error::Conflict.
    [[nodiscard]] Result<NotificationChannel> add(qint64 orgId, const QString &name, ChannelKind kind,
                                                  const NotificationLevels &levels);
    [[nodiscard]] Result<QList<NotificationChannel>> list(qint64 orgId);
    // Error::NotFound naming `notify list` when the org has no such channel.
    [[nodiscard]] Result<NotificationChannel> find(qint64 orgId, const QString &name);
    [[nodiscard]] Result<NotificationChannel> setLevels(qint64 orgId, const QString &name, const NotificationLevels &levels);
    // Deletes the channel and returns it as it was (the caller removes its keychain entry). Its
    // attempts stay, with channel_id NULL and channel_name kept.
    [[nodiscard]] Result<NotificationChannel> remove(qint64 orgId, const QString &name);

    // Records one attempt; returns its id. `attemptedAt` 0 means now.
    [[nodiscard]] Result<qint64> recordAttempt(const NotificationAttempt &attempt);
    // Attempts for a run, oldest first.
    [[nodiscard]] Result<QList<NotificationAttempt>> attemptsForRun(qint64 runId);
    // The newest `limit` attempts for a channel, newest first.
    [[nodiscard]] Result<QList<NotificationAttempt>> attemptsForChannel(qint64 channelId, int limit = 20);
    // The newest attempt of each channel of the org that has one, by channel id.
    [[nodiscard]] Result<QHash<qint64, NotificationAttempt>> lastAttempts(qint64 orgId);

    // The keychain key for a channel's URL: notify/<org slug>/<channel name>.
    [[nodiscard]] static QString secretKeyFor(const QString &orgSlug, const QString &channelName);
    [[nodiscard]] static Result<void> validateName(const QString &name);

private:
    Database &m_db;
    AuditLog m_audit;
};

[[nodiscard]] QJsonObject toJson(const NotificationChannel &channel);
[[nodiscard]] QJsonObject toJson(const NotificationAttempt &attempt);

} // namespace sluice
