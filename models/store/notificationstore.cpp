#include "notificationstore.h"

#include "core/clock.h"
#include "store/database.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QUuid>

namespace sluice {

namespace {

const QString kEntity = QStringLiteral("notification_channel");

const QString kSelectChannel = QStringLiteral(
    "SELECT id, uuid, org_id, name, kind, on_failure, on_warning, on_success, secret_key, created_at, updated_at "
    "FROM notification_channel ");

const QString kSelectAttempt = QStringLiteral(
    "SELECT id, channel_id, channel_name, run_id, level, attempted_at, ok, http_status, error FROM notification_attempt ");

NotificationChannel readChannel(const QSqlQuery &q)
{
    NotificationChannel c;
    c.id = q.value(0).toLongLong();
    c.uuid = q.value(1).toString();
    c.orgId = q.value(2).toLongLong();
    c.name = q.value(3).toString();
    c.kind = channelKindFromString(q.value(4).toString()).value_or(ChannelKind::Webhook);
    c.levels.failure = q.value(5).toBool();
    c.levels.warning = q.value(6).toBool();
    c.levels.success = q.value(7).toBool();
    c.secretKey = q.value(8).toString();
    c.createdAt = q.value(9).toLongLong();
    c.updatedAt = q.value(10).toLongLong();
    return c;
}

NotificationAttempt readAttempt(const QSqlQuery &q)
{
    NotificationAttempt a;
    a.id = q.value(0).toLongLong();
    if (!q.value(1).isNull())
        a.channelId = q.value(1).toLongLong();
    a.channelName = q.value(2).toString();
    if (!q.value(3).isNull())
        a.runId = q.value(3).toLongLong();
    a.level = notifyLevelFromString(q.value(4).toString()).value_or(NotifyLevel::Test);
    a.attemptedAt = q.value(5).toLongLong();
    a.ok = q.value(6).toBool();
    if (!q.value(7).isNull())
        a.httpStatus = q.value(7).toInt();
    a.error = q.value(8).toString();
    return a;
}

Result<QList<NotificationAttempt>> readAttempts(Result<Query> q)
{
    if (!q)
        return fail(q.error());
    QList<NotificationAttempt> attempts;
    while (q->next())
        attempts.append(readAttempt(*q));
    return attempts;
}

// What the audit trail records of a channel: everything but the URL (which the store never has).
QJsonObject auditValues(const NotificationChannel &c)
{
    QJsonObject o = toJson(c);
    o.remove(QStringLiteral("uuid"));
    return o;
}

} // namespace

QString toString(NotifyLevel level)
{
    switch (level) {
    case NotifyLevel::Failure: return QStringLiteral("failure");
    case NotifyLevel::Warning: return QStringLiteral("warning");
    case NotifyLevel::Success: return QStringLiteral("success");
    case NotifyLevel::Test: return QStringLiteral("test");
    }
    return QStringLiteral("failure");
}

std::optional<NotifyLevel> notifyLevelFromString(const QString &text)
{
    for (NotifyLevel l : {NotifyLevel::Failure, NotifyLevel::Warning, NotifyLevel::Success, NotifyLevel::Test})
        if (toString(l) == text)
            return l;
    return std::nullopt;
}

std::optional<NotifyLevel> levelForRunStatus(RunStatus runStatus)
{
    switch (runStatus) {
    case RunStatus::Failed:
    case RunStatus::Crashed: return NotifyLevel::Failure;
    case RunStatus::PartialSuccess: return NotifyLevel::Warning;
    case RunStatus::Successful: return NotifyLevel::Success;
    case RunStatus::Queued:
    case RunStatus::Running:
    case RunStatus::Cancelled:
    case RunStatus::Skipped: break;
    }
    return std::nullopt;
}

QString toString(ChannelKind kind)
{
    switch (kind) {
    case ChannelKind::Slack: return QStringLiteral("slack");
    case ChannelKind::Teams: return QStringLiteral("teams");
    case ChannelKind::Webhook: return QStringLiteral("webhook");
    case ChannelKind::Desktop: return QStringLiteral("desktop");
    }
    return QStringLiteral("webhook");
}

std::optional<ChannelKind> channelKindFromString(const QString &text)
{
    for (ChannelKind k : {ChannelKind::Slack, ChannelKind::Teams, ChannelKind::Webhook, ChannelKind::Desktop})
        if (toString(k) == text)
            return k;
    return std::nullopt;
}

Result<NotificationLevels> NotificationLevels::parse(const QStringList &words)
{
    NotificationLevels levels{false, false, false};
    bool any = false;
    for (const QString &word : words) {
        for (const QString &part : word.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString name = part.trimmed().toLower();
            if (name == QLatin1String("failure"))
                levels.failure = true;
            else if (name == QLatin1String("warning"))
                levels.warning = true;
            else if (name == QLatin1String("success"))
                levels.success = true;
            else
                return fail(Error::invalid(QStringLiteral("unknown notification level \"%1\"; use failure, warning and/or success, "
                                                          "comma separated").arg(name)));
            any = true;
        }
    }
    if (!any)
        return fail(Error::invalid(QStringLiteral("no notification level given; use failure, warning and/or success, comma separated")));
    return levels;
}

QStringList NotificationLevels::names() const
{
    QStringList n;
    if (failure)
        n << QStringLiteral("failure");
    if (warning)
        n << QStringLiteral("warning");
    if (success)
        n << QStringLiteral("success");
    return n;
}

bool NotificationChannel::wants(NotifyLevel level) const
{
    switch (level) {
    case NotifyLevel::Failure: return levels.failure;
    case NotifyLevel::Warning: return levels.warning;
    case NotifyLevel::Success: return levels.success;
    case NotifyLevel::Test: return true;
    }
    return false;
}

QJsonObject toJson(const NotificationChannel &channel)
{
    QJsonObject o{{QStringLiteral("uuid"), channel.uuid},
                  {QStringLiteral("name"), channel.name},
                  {QStringLiteral("kind"), toString(channel.kind)},
                  {QStringLiteral("on"), QJsonArray::fromStringList(channel.levels.names())}};
    o.insert(QStringLiteral("secret_key"), channel.secretKey.isEmpty() ? QJsonValue() : QJsonValue(channel.secretKey));
    return o;
}

QJsonObject toJson(const NotificationAttempt &attempt)
{
    QJsonObject o{{QStringLiteral("channel"), attempt.channelName},
                  {QStringLiteral("level"), toString(attempt.level)},
                  {QStringLiteral("attempted_at"), QDateTime::fromMSecsSinceEpoch(attempt.attemptedAt, Qt::UTC).toString(Qt::ISODateWithMs)},
                  {QStringLiteral("ok"), attempt.ok}};
    o.insert(QStringLiteral("http_status"), attempt.httpStatus ? QJsonValue(*attempt.httpStatus) : QJsonValue());
    o.insert(QStringLiteral("error"), attempt.error.isEmpty() ? QJsonValue() : QJsonValue(attempt.error));
    return o;
}

NotificationStore::NotificationStore(Database &db, QString actor)
    : m_db(db), m_audit(db, std::move(actor))
{
}

QString NotificationStore::secretKeyFor(const QString &orgSlug, const QString &channelName)
{
    return QStringLiteral("notify/%1/%2").arg(orgSlug, channelName);
}

Result<void> NotificationStore::validateName(const QString &name)
{
    static const QRegularExpression re(QRegularExpression::anchoredPattern(QStringLiteral("[a-z0-9][a-z0-9_-]{0,63}")));
    if (re.match(name).hasMatch())
        return {};
    return fail(Error::invalid(QStringLiteral("\"%1\" is not a valid channel name: use 1-64 lowercase letters, digits, '-' and '_', "
                                              "starting with a letter or digit (e.g. team-slack)").arg(name)));
}

Result<NotificationChannel> NotificationStore::add(qint64 orgId, const QString &name, ChannelKind kind,
                                                   const NotificationLevels &levels)
{
    if (auto ok = validateName(name); !ok)
        return fail(ok.error());
    return m_db.write([&]() -> Result<NotificationChannel> {
        auto slug = m_db.scalar(QStringLiteral("SELECT slug FROM org WHERE id = ?"), {orgId});
        if (!slug)
            return fail(slug.error());
        if (!slug->isValid())
            return fail(Error::notFound(QStringLiteral("no org with id %1").arg(orgId)));
        auto existing = m_db.scalar(QStringLiteral("SELECT id FROM notification_channel WHERE org_id = ? AND name = ?"), {orgId, name});
        if (!existing)
            return fail(existing.error());
        if (existing->isValid())
            return fail(Error::conflict(QStringLiteral("org %1 already has a notification channel named \"%2\"; pick another name "
                                                       "or delete it first with `sluicectl notify delete`").arg(slug->toString(), name)));
        const QString uuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        const qint64 now = nowMs();
        const QVariant key = needsUrl(kind) ? QVariant(secretKeyFor(slug->toString(), name)) : QVariant();
        auto q = m_db.exec(QStringLiteral("INSERT INTO notification_channel (uuid, org_id, name, kind, on_failure, on_warning, on_success, "
                                          "secret_key, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                           {uuid, orgId, name, toString(kind), levels.failure, levels.warning, levels.success, key, now, now});
        if (!q)
            return fail(q.error());
        auto channel = find(orgId, name);
        if (!channel)
            return channel;
        if (auto a = m_audit.created(orgId, kEntity, channel->uuid, auditValues(*channel)); !a)
            return fail(a.error());
        return channel;
    });
}

Result<QList<NotificationChannel>> NotificationStore::list(qint64 orgId)
{
    auto q = m_db.exec(kSelectChannel + QStringLiteral("WHERE org_id = ? ORDER BY name"), {orgId});
    if (!q)
        return fail(q.error());
    QList<NotificationChannel> channels;
    while (q->next())
        channels.append(readChannel(*q));
    return channels;
}

Result<NotificationChannel> NotificationStore::find(qint64 orgId, const QString &name)
{
    auto q = m_db.exec(kSelectChannel + QStringLiteral("WHERE org_id = ? AND name = ?"), {orgId, name});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no notification channel named \"%1\" in this org; see `sluicectl notify list --org SLUG`")
                                        .arg(name)));
    return readChannel(*q);
}

Result<NotificationChannel> NotificationStore::setLevels(qint64 orgId, const QString &name, const NotificationLevels &levels)
{
    return m_db.write([&]() -> Result<NotificationChannel> {
        auto before = find(orgId, name);
        if (!before)
            return before;
        if (auto q = m_db.exec(QStringLiteral("UPDATE notification_channel SET on_failure = ?, on_warning = ?, on_success = ?, "
                                              "updated_at = ? WHERE id = ?"),
                               {levels.failure, levels.warning, levels.success, nowMs(), before->id});
            !q)
            return fail(q.error());
        auto after = find(orgId, name);
        if (!after)
            return after;
        if (auto a = m_audit.changed(orgId, kEntity, after->uuid, auditValues(*before), auditValues(*after)); !a)
            return fail(a.error());
        return after;
    });
}

Result<NotificationChannel> NotificationStore::remove(qint64 orgId, const QString &name)
{
    return m_db.write([&]() -> Result<NotificationChannel> {
        auto channel = find(orgId, name);
        if (!channel)
            return channel;
        if (auto q = m_db.exec(QStringLiteral("DELETE FROM notification_channel WHERE id = ?"), {channel->id}); !q)
            return fail(q.error());
        if (auto a = m_audit.deleted(orgId, kEntity, channel->uuid, auditValues(*channel)); !a)
            return fail(a.error());
        return channel;
    });
}

Result<qint64> NotificationStore::recordAttempt(const NotificationAttempt &a)
{
    return m_db.write([&]() -> Result<qint64> {
        auto q = m_db.exec(QStringLiteral("INSERT INTO notification_attempt (channel_id, channel_name, run_id, level, attempted_at, ok, "
                                          "http_status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                           {a.channelId ? QVariant(*a.channelId) : QVariant(QMetaType(QMetaType::LongLong)), a.channelName,
                            a.runId ? QVariant(*a.runId) : QVariant(QMetaType(QMetaType::LongLong)), toString(a.level),
                            a.attemptedAt > 0 ? a.attemptedAt : nowMs(), a.ok,
                            a.httpStatus ? QVariant(*a.httpStatus) : QVariant(QMetaType(QMetaType::Int)),
                            a.error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(a.error)});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::internal(QStringLiteral("recording a notification attempt returned no id")));
        return q->value(0).toLongLong();
    });
}

Result<QList<NotificationAttempt>> NotificationStore::attemptsForRun(qint64 runId)
{
    return readAttempts(m_db.exec(kSelectAttempt + QStringLiteral("WHERE run_id = ? ORDER BY id"), {runId}));
}

Result<QList<NotificationAttempt>> NotificationStore::attemptsForChannel(qint64 channelId, int limit)
{
    return readAttempts(m_db.exec(kSelectAttempt + QStringLiteral("WHERE channel_id = ? ORDER BY id DESC LIMIT ?"),
                                  {channelId, qMax(1, limit)}));
}

Result<QHash<qint64, NotificationAttempt>> NotificationStore::lastAttempts(qint64 orgId)
{
    auto attempts = readAttempts(m_db.exec(
        kSelectAttempt + QStringLiteral("WHERE id IN (SELECT MAX(a.id) FROM notification_attempt a JOIN notification_channel c "
                                        "ON c.id = a.channel_id WHERE c.org_id = ? GROUP BY a.channel_id)"),
        {orgId}));
    if (!attempts)
        return fail(attempts.error());
    QHash<qint64, NotificationAttempt> byChannel;
    for (const NotificationAttempt &a : *attempts)
        byChannel.insert(a.channelId.value_or(0), a);
    return byChannel;
}

} // namespace sluice
