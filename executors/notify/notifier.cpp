#include "notifier.h"

#include "core/clock.h"
#include "secrets/secretscrubber.h"
#include "secrets/secretstore.h"
#include "store/database.h"
#include "store/pipelinestore.h"
#include "store/runstore.h"

#include <QCoro/QCoroNetworkReply>
#include <QCoro/QCoroSignal>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCall>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrl>

#include <vector>

namespace sluice {

Q_LOGGING_CATEGORY(lcNotify, "sluice.exec.notify", QtInfoMsg)

namespace {

constexpr qsizetype kMaxBodyInError = 200;

const QString kNotifyService = QStringLiteral("org.freedesktop.Notifications");

// Host and port of a URL: what errors may say about where a notification went.
QString hostOf(const QUrl &url)
{
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

QString networkError(QNetworkReply::NetworkError error, const QString &host, const QString &scrubbedText, qint64 timeoutMs)
{
    switch (error) {
    case QNetworkReply::ConnectionRefusedError:
        return QStringLiteral("%1 refused the connection").arg(host);
    case QNetworkReply::HostNotFoundError:
        return QStringLiteral("%1 could not be resolved; check the channel's URL").arg(host);
    case QNetworkReply::RemoteHostClosedError:
        return QStringLiteral("%1 closed the connection without answering").arg(host);
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError:
        return QStringLiteral("no answer from %1 within %2 ms").arg(host).arg(timeoutMs);
    case QNetworkReply::SslHandshakeFailedError:
        return QStringLiteral("the TLS handshake with %1 failed: %2").arg(host, scrubbedText);
    default:
        return QStringLiteral("could not reach %1: %2").arg(host, scrubbedText);
    }
}

} // namespace

Notifier::Notifier(Database &db) : Notifier(db, Options{}) {}

Notifier::Notifier(Database &db, Options options)
    : m_db(db), m_options(std::move(options)), m_nam(std::make_unique<QNetworkAccessManager>())
{
}

Notifier::~Notifier() = default;

Result<void> Notifier::validateWebhookUrl(const QString &url)
{
    const QUrl u(url.trimmed(), QUrl::StrictMode);
    if (!u.isValid() || (u.scheme() != QLatin1String("https") && u.scheme() != QLatin1String("http")) || u.host().isEmpty())
        return fail(Error::invalid(QStringLiteral("that is not a webhook URL: give the full http(s) URL of the incoming webhook "
                                                  "(e.g. https://hooks.slack.com/services/...) on standard input")));
    return {};
}

QCoro::Task<QList<NotifyOutcome>> Notifier::notifyRun(RunNotice notice)
{
    const auto level = levelForRunStatus(notice.status);
    if (!level)
        co_return QList<NotifyOutcome>{};
    // The pipeline says which of its outcomes are worth telling anyone; each channel then filters by
    // its own levels. A pipeline that cannot be read does not hold a notification back.
    if (notice.pipelineId > 0) {
        auto on = PipelineStore(m_db, currentActor()).notifyOn(notice.pipelineId);
        if (!on)
            qCWarning(lcNotify).noquote() << "could not read notify_on of pipeline" << notice.pipelineName << ":" << on.error().message;
        else if (*on && !(*on)->contains(toString(*level)))
            co_return QList<NotifyOutcome>{};
    }
    auto channels = NotificationStore(m_db, currentActor()).list(notice.orgId);
    if (!channels) {
        qCWarning(lcNotify).noquote() << "could not read the notification channels of org" << notice.orgSlug << ":" << channels.error().message;
        co_return QList<NotifyOutcome>{};
    }
    const NotificationContent content = runContent(notice, *level);
    const std::optional<qint64> runId = notice.runId > 0 ? std::optional<qint64>(notice.runId) : std::nullopt;
    // Tasks start eagerly: every channel's request is under way before the first one is awaited.
    std::vector<QCoro::Task<NotifyOutcome>> sends;
    for (const NotificationChannel &channel : *channels)
        if (channel.wants(*level))
            sends.push_back(send(channel, content, runId));
    QList<NotifyOutcome> outcomes;
    for (auto &s : sends)
        outcomes.append(co_await s);
    co_return outcomes;
}

QCoro::Task<QList<NotifyOutcome>> Notifier::notifyRun(qint64 runId)
{
    auto record = RunStore(m_db).run(runId);
    if (!record) {
        qCWarning(lcNotify).noquote() << "could not read run" << runId << "to notify about it:" << record.error().message;
        co_return QList<NotifyOutcome>{};
    }
    co_return co_await notifyRun(RunNotice::fromRecord(*record));
}

QCoro::Task<NotifyOutcome> Notifier::testChannel(NotificationChannel channel, QString orgSlug)
{
    const NotificationContent content = testContent(orgSlug, channel, nowMs());
    co_return co_await send(std::move(channel), content, std::nullopt);
}

QCoro::Task<NotifyOutcome> Notifier::send(NotificationChannel channel, NotificationContent content, std::optional<qint64> runId)
{
    // Not a conditional expression: g++ 12 miscompiles co_await inside ?: (the result is destroyed twice).
    NotifyOutcome outcome;
    if (channel.kind == ChannelKind::Desktop)
        outcome = co_await sendDesktop(channel, content);
    else
        outcome = co_await sendHttp(channel, content);
    outcome.channel = channel.name;
    outcome.kind = channel.kind;
    outcome.level = content.level;
    if (outcome.ok)
        qCInfo(lcNotify).noquote() << "notified channel" << channel.name << "(" + toString(channel.kind) + ")";
    else
        qCWarning(lcNotify).noquote() << "could not notify channel" << channel.name << ":" << outcome.error;
    record(outcome, channel, runId);
    co_return outcome;
}

QCoro::Task<NotifyOutcome> Notifier::sendHttp(const NotificationChannel &channel, const NotificationContent &content)
{
    NotifyOutcome outcome;
    const QString key = channel.secretKey;
    if (key.isEmpty()) {
        outcome.error = QStringLiteral("channel %1 has no keychain key for its URL; delete it and add it again").arg(channel.name);
        co_return outcome;
    }
    SecretStore secrets(m_options.keychainService);
    secrets.setTimeout(m_options.keychainTimeout);
    const auto stored = co_await secrets.get(key);
    if (!stored) {
        outcome.error = QStringLiteral("could not read the URL of channel %1 from the keychain: %2").arg(channel.name, stored.error().message);
        co_return outcome;
    }
    if (!*stored) {
        outcome.error = QStringLiteral("the keychain holds no URL for channel %1 (key %2); store it with `sluicectl secrets set %2`")
                            .arg(channel.name, key);
        co_return outcome;
    }
    const QString urlText = stored->value().trimmed();
    if (!validateWebhookUrl(urlText)) {
        outcome.error = QStringLiteral("the value stored under %1 is not an http(s) URL; store the webhook URL with `sluicectl secrets set %1`").arg(key);
        co_return outcome;
    }
    const QUrl url(urlText, QUrl::StrictMode);
    SecretScrubber scrubber;
    scrubber.add(urlText);
    scrubber.add(url.toString(QUrl::FullyEncoded));
    scrubber.add(url.path());
    scrubber.add(url.query());
    const QString host = hostOf(url);

    QByteArray body;
    switch (channel.kind) {
    case ChannelKind::Slack: body = slackBody(content); break;
    case ChannelKind::Teams: body = teamsBody(content); break;
    case ChannelKind::Webhook:
    case ChannelKind::Desktop: body = webhookBody(content); break;
    }
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArrayLiteral("Sluice"));
    // A redirect is an answer like any other non-2xx: following it could carry the payload elsewhere.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(int(m_options.timeout.count()));
    std::unique_ptr<QNetworkReply, void (*)(QNetworkReply *)> reply(m_nam->post(request, body),
                                                                    [](QNetworkReply *r) { r->deleteLater(); });
    const bool finished = co_await qCoro(reply.get()).waitForFinished(m_options.timeout);
    if (!finished) {
        reply->abort();
        outcome.error = QStringLiteral("no answer from %1 within %2 ms").arg(host).arg(m_options.timeout.count());
        co_return outcome;
    }
    const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    if (status.isValid() && status.toInt() > 0) {
        outcome.httpStatus = status.toInt();
        outcome.ok = *outcome.httpStatus >= 200 && *outcome.httpStatus < 300;
        if (!outcome.ok) {
            outcome.error = QStringLiteral("HTTP %1 from %2").arg(*outcome.httpStatus).arg(host);
            const QString answer = scrubber.scrub(QString::fromUtf8(reply->readAll()).simplified()).left(kMaxBodyInError);
            if (!answer.isEmpty())
                outcome.error += QStringLiteral(": ") + answer;
        }
        co_return outcome;
    }
    outcome.error = networkError(reply->error(), host, scrubber.scrub(reply->errorString().simplified()), m_options.timeout.count());
    co_return outcome;
}

QCoro::Task<NotifyOutcome> Notifier::sendDesktop(const NotificationChannel &channel, const NotificationContent &content)
{
    Q_UNUSED(channel);
    NotifyOutcome outcome;
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        outcome.error = QStringLiteral("no D-Bus session bus: desktop notifications need a desktop session (the agent runs in one)");
        co_return outcome;
    }
    QDBusMessage message = QDBusMessage::createMethodCall(kNotifyService, QStringLiteral("/org/freedesktop/Notifications"),
                                                          kNotifyService, QStringLiteral("Notify"));
    const uchar urgency = content.level == NotifyLevel::Failure ? 2 : 1;   // critical : normal
    const QString icon = content.level == NotifyLevel::Failure   ? QStringLiteral("dialog-error")
                         : content.level == NotifyLevel::Warning ? QStringLiteral("dialog-warning")
                                                                 : QStringLiteral("dialog-information");
    message << QStringLiteral("Sluice") << uint(0) << icon << content.title << desktopBody(content) << QStringList()
            << QVariantMap{{QStringLiteral("urgency"), QVariant::fromValue(urgency)},
                           {QStringLiteral("desktop-entry"), QStringLiteral("sluice")}}
            << qint32(-1);
    QDBusPendingCall call = bus.asyncCall(message, int(m_options.timeout.count()));
    if (!call.isFinished()) {
        QDBusPendingCallWatcher watcher(call);
        co_await qCoro(&watcher, &QDBusPendingCallWatcher::finished);
    }
    const QDBusPendingReply<uint> reply = call;
    if (reply.isError()) {
        const QDBusError error = reply.error();
        if (error.type() == QDBusError::ServiceUnknown)
            outcome.error = QStringLiteral("no desktop notification service (%1) on the session bus").arg(kNotifyService);
        else if (error.type() == QDBusError::NoReply || error.type() == QDBusError::Timeout || error.type() == QDBusError::TimedOut)
            outcome.error = QStringLiteral("the desktop notification service did not answer within %1 ms").arg(m_options.timeout.count());
        else
            outcome.error = QStringLiteral("the desktop notification service refused the notification: %1 (%2)")
                                .arg(error.message().simplified(), error.name());
        co_return outcome;
    }
    outcome.ok = true;
    co_return outcome;
}

void Notifier::record(NotifyOutcome &outcome, const NotificationChannel &channel, std::optional<qint64> runId)
{
    NotificationAttempt attempt;
    attempt.channelId = channel.id > 0 ? std::optional<qint64>(channel.id) : std::nullopt;
    attempt.channelName = channel.name;
    attempt.runId = runId;
    attempt.level = outcome.level;
    attempt.attemptedAt = nowMs();
    attempt.ok = outcome.ok;
    attempt.httpStatus = outcome.httpStatus;
    attempt.error = outcome.error;
    auto id = NotificationStore(m_db, currentActor()).recordAttempt(attempt);
    if (!id) {
        qCWarning(lcNotify).noquote() << "could not record the notification attempt for channel" << channel.name << ":" << id.error().message;
        return;
    }
    outcome.attemptId = *id;
}

} // namespace sluice
