#pragma once

#include "domain/runs.h"

#include "store/notificationstore.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace sluice {

struct RunRecord;

// What a notification tells about a finished run. Built from a RunRecord (RunStore::run) by
// fromRecord(), or by hand. Texts in it are already free of secrets (task errors are scrubbed when
// the runner stores them).
struct RunNotice
{
    struct Task
    {
        int seq = 0;
        QString slug;
        TaskRunStatus status = TaskRunStatus::Queued;
        int attempt = 1;
        std::optional<int> exitCode;
        QString error;          // error detail of the task run, one line
    };

    qint64 runId = 0;           // notification_attempt.run_id
    QString runUuid;
    qint64 orgId = 0;
    QString orgSlug;
    qint64 pipelineId = 0;      // 0: a single-task run, or the pipeline is gone (its notify_on is then not asked)
    QString pipelineName;
    RunStatus status = RunStatus::Queued;   // the run's final status
    QString statusReason;
    QString trigger;
    qint64 scheduledFor = 0;    // UTC epoch ms; 0 = not scheduled
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QList<Task> tasks;          // the latest attempt of each seq, in seq order

    // The first failed or crashed task, if any.
    [[nodiscard]] std::optional<Task> failingTask() const;

    [[nodiscard]] static RunNotice fromRecord(const RunRecord &record);
};

// One notification, rendered once and then shaped for each channel kind.
struct NotificationContent
{
    NotifyLevel level = NotifyLevel::Test;
    QString title;              // one line, e.g. "nightly failed (acme)"
    QStringList lines;          // plain-text body lines
    QString command;            // e.g. "sluicectl run show <uuid>"; empty for a test
    QJsonObject webhook;        // the generic webhook's JSON document
};

// The content for a finished run notified at `level`.
[[nodiscard]] NotificationContent runContent(const RunNotice &notice, NotifyLevel level);
// The content of `sluicectl notify test`.
[[nodiscard]] NotificationContent testContent(const QString &orgSlug, const NotificationChannel &channel, qint64 nowMs);

// Slack incoming webhook: {"text": "..."} in Slack's mrkdwn (&, <, > escaped).
[[nodiscard]] QByteArray slackBody(const NotificationContent &content);
// Teams incoming webhook: a MessageCard (@type, @context, summary, themeColor, title, text).
[[nodiscard]] QByteArray teamsBody(const NotificationContent &content);
// Generic webhook: content.webhook as compact JSON.
[[nodiscard]] QByteArray webhookBody(const NotificationContent &content);
// The desktop notification's body: the lines and the command, one per line.
[[nodiscard]] QString desktopBody(const NotificationContent &content);

// The colour Teams shows for a level (hex RGB without '#').
[[nodiscard]] QString themeColor(NotifyLevel level);

} // namespace sluice
