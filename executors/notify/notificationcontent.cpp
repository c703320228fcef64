#include "notificationcontent.h"

#include "store/runstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

#include <map>

namespace sluice {

namespace {

constexpr qsizetype kMaxErrorLength = 300;

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QJsonValue isoOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(isoUtc(ms)) : QJsonValue();
}

QString shortError(QString text)
{
    text = text.simplified();
    if (text.size() > kMaxErrorLength)
        text = text.left(kMaxErrorLength - 1) + QChar(0x2026);
    return text;
}

QString duration(qint64 ms)
{
    qint64 s = ms / 1000;
    if (s < 60)
        return QStringLiteral("%1s").arg(s);
    const qint64 h = s / 3600;
    const qint64 m = (s % 3600) / 60;
    s %= 60;
    return h > 0 ? QStringLiteral("%1h %2m %3s").arg(h).arg(m).arg(s) : QStringLiteral("%1m %2s").arg(m).arg(s);
}

QString statusWords(RunStatus status)
{
    if (status == RunStatus::PartialSuccess)
        return QStringLiteral("succeeded with warnings");
    if (status == RunStatus::Successful)
        return QStringLiteral("succeeded");
    return toSql(status);   // failed, crashed
}

QString slackEscape(QString text)
{
    return text.replace(QLatin1Char('&'), QLatin1String("&amp;"))
        .replace(QLatin1Char('<'), QLatin1String("&lt;"))
        .replace(QLatin1Char('>'), QLatin1String("&gt;"));
}

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

std::optional<RunNotice::Task> RunNotice::failingTask() const
{
    for (const Task &t : tasks)
        if (t.status == TaskRunStatus::Failed || t.status == TaskRunStatus::Crashed)
            return t;
    return std::nullopt;
}

RunNotice RunNotice::fromRecord(const RunRecord &record)
{
    RunNotice n;
    n.runId = record.run.id;
    n.runUuid = record.run.uuid;
    n.orgId = record.run.orgId;
    n.orgSlug = record.orgSlug;
    n.pipelineId = record.run.pipelineId;
    n.pipelineName = record.run.pipelineName;
    n.status = record.run.status;
    n.statusReason = record.statusReason;
    n.trigger = record.run.trigger;
    n.scheduledFor = record.run.scheduledFor;
    n.startedAt = record.run.startedAt;
    n.finishedAt = record.run.finishedAt;
    // The latest attempt of each seq (computed here rather than with RunRecord::latestAttempts() so
    // that this file depends only on the record's fields).
    std::map<int, const TaskRunRecord *> latest;
    for (const TaskRunRecord &t : record.tasks) {
        auto it = latest.find(t.seq);
        if (it == latest.end() || it->second->attempt <= t.attempt)
            latest[t.seq] = &t;
    }
    for (const auto &[seq, t] : latest)
        n.tasks.append(Task{seq, t->slug, t->status, t->attempt, t->exitCode, t->errorDetail});
    return n;
}

NotificationContent runContent(const RunNotice &notice, NotifyLevel level)
{
    NotificationContent c;
    c.level = level;
    const QString pipeline = notice.pipelineName.isEmpty() ? QStringLiteral("(unnamed run)") : notice.pipelineName;
    c.title = QStringLiteral("%1 %2 (%3)").arg(pipeline, statusWords(notice.status), notice.orgSlug);

    QString status = QStringLiteral("Status: %1").arg(toSql(notice.status));
    if (!notice.statusReason.isEmpty())
        status += QStringLiteral(" (%1)").arg(shortError(notice.statusReason));
    c.lines << status;
    if (const auto t = notice.failingTask()) {
        QString line = QStringLiteral("Failing task: #%1 %2").arg(t->seq).arg(t->slug);
        if (t->exitCode)
            line += QStringLiteral(", exit code %1").arg(*t->exitCode);
        if (t->attempt > 1)
            line += QStringLiteral(", attempt %1").arg(t->attempt);
        if (!t->error.isEmpty())
            line += QStringLiteral(": ") + shortError(t->error);
        c.lines << line;
    }
    QStringList warned;
    for (const RunNotice::Task &t : notice.tasks)
        if (t.status == TaskRunStatus::Warning)
            warned << t.slug;
    if (!warned.isEmpty())
        c.lines << QStringLiteral("Warnings in: %1").arg(warned.join(QStringLiteral(", ")));
    QString trigger = QStringLiteral("Trigger: %1").arg(notice.trigger);
    if (notice.scheduledFor > 0)
        trigger += QStringLiteral(", slot %1").arg(isoUtc(notice.scheduledFor));
    c.lines << trigger;
    if (notice.startedAt > 0 && notice.finishedAt >= notice.startedAt)
        c.lines << QStringLiteral("Ran %1 from %2 to %3")
                       .arg(duration(notice.finishedAt - notice.startedAt), isoUtc(notice.startedAt), isoUtc(notice.finishedAt));
    else if (notice.finishedAt > 0)
        c.lines << QStringLiteral("Finished %1").arg(isoUtc(notice.finishedAt));
    c.command = QStringLiteral("sluicectl run show %1").arg(notice.runUuid);

    QJsonArray tasks;
    for (const RunNotice::Task &t : notice.tasks) {
        QJsonObject o{{QStringLiteral("seq"), t.seq},
                      {QStringLiteral("slug"), t.slug},
                      {QStringLiteral("status"), toSql(t.status)},
                      {QStringLiteral("attempt"), t.attempt}};
        o.insert(QStringLiteral("exit_code"), t.exitCode ? QJsonValue(*t.exitCode) : QJsonValue());
        o.insert(QStringLiteral("error"), t.error.isEmpty() ? QJsonValue() : QJsonValue(shortError(t.error)));
        tasks.append(o);
    }
    QJsonObject run{{QStringLiteral("uuid"), notice.runUuid},
                    {QStringLiteral("pipeline"), notice.pipelineName},
                    {QStringLiteral("org"), notice.orgSlug},
                    {QStringLiteral("status"), toSql(notice.status)},
                    {QStringLiteral("trigger"), notice.trigger},
                    {QStringLiteral("scheduled_for"), isoOrNull(notice.scheduledFor)},
                    {QStringLiteral("started_at"), isoOrNull(notice.startedAt)},
                    {QStringLiteral("finished_at"), isoOrNull(notice.finishedAt)},
                    {QStringLiteral("tasks"), tasks}};
    run.insert(QStringLiteral("status_reason"), notice.statusReason.isEmpty() ? QJsonValue() : QJsonValue(notice.statusReason));
    c.webhook = QJsonObject{{QStringLiteral("event"), QStringLiteral("run.finished")},
                            {QStringLiteral("level"), toString(level)},
                            {QStringLiteral("title"), c.title},
                            {QStringLiteral("run"), run}};
    return c;
}

NotificationContent testContent(const QString &orgSlug, const NotificationChannel &channel, qint64 nowMs)
{
    NotificationContent c;
    c.level = NotifyLevel::Test;
    c.title = QStringLiteral("Sluice test notification (%1)").arg(orgSlug);
    c.lines << QStringLiteral("Channel %1 (%2) of org %3 works.").arg(channel.name, toString(channel.kind), orgSlug)
            << QStringLiteral("It is told about: %1.").arg(channel.levels.names().join(QStringLiteral(", ")));
    c.webhook = QJsonObject{{QStringLiteral("event"), QStringLiteral("channel.test")},
                            {QStringLiteral("level"), toString(NotifyLevel::Test)},
                            {QStringLiteral("title"), c.title},
                            {QStringLiteral("org"), orgSlug},
                            {QStringLiteral("channel"), channel.name},
                            {QStringLiteral("sent_at"), isoUtc(nowMs)}};
    return c;
}

QString themeColor(NotifyLevel level)
{
    switch (level) {
    case NotifyLevel::Failure: return QStringLiteral("D13438");
    case NotifyLevel::Warning: return QStringLiteral("FFB900");
    case NotifyLevel::Success: return QStringLiteral("2EB67D");
    case NotifyLevel::Test: return QStringLiteral("0078D4");
    }
    return QStringLiteral("0078D4");
}

QByteArray slackBody(const NotificationContent &content)
{
    QStringList text{QStringLiteral("*%1*").arg(slackEscape(content.title))};
    for (const QString &line : content.lines)
        text << slackEscape(line);
    if (!content.command.isEmpty())
        text << QStringLiteral("`%1`").arg(slackEscape(content.command));
    return compact(QJsonObject{{QStringLiteral("text"), text.join(QLatin1Char('\n'))}});
}

QByteArray teamsBody(const NotificationContent &content)
{
    QStringList text = content.lines;
    if (!content.command.isEmpty())
        text << QStringLiteral("`%1`").arg(content.command);
    // Teams renders a Markdown line break as two spaces before the newline.
    return compact(QJsonObject{{QStringLiteral("@type"), QStringLiteral("MessageCard")},
                               {QStringLiteral("@context"), QStringLiteral("https://schema.org/extensions")},
                               {QStringLiteral("summary"), content.title},
                               {QStringLiteral("themeColor"), themeColor(content.level)},
                               {QStringLiteral("title"), content.title},
                               {QStringLiteral("text"), text.join(QStringLiteral("  \n"))}});
}

QByteArray webhookBody(const NotificationContent &content)
{
    return compact(content.webhook);
}

QString desktopBody(const NotificationContent &content)
{
    QStringList text = content.lines;
    if (!content.command.isEmpty())
        text << content.command;
    return text.join(QLatin1Char('\n'));
}

} // namespace sluice
