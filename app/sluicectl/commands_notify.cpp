// sluicectl notify add | list | test | set | delete
//
// Webhook URLs are secrets: read from standard input only (never argv), stored in the keychain under
// notify/<org slug>/<channel name>, never printed. Exit codes: 0 done, 1 a user error or a failed
// test notification, 2 a keychain or database failure.
#include "cli.h"

#include "notify/notifier.h"
#include "secrets/secretstore.h"
#include "store/notificationstore.h"

#include <QCoro/QCoroTask>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdio>


namespace sluice::cli {

namespace {

const QString kOrg = QStringLiteral("org");
const QString kName = QStringLiteral("name");
const QString kKind = QStringLiteral("kind");
const QString kOn = QStringLiteral("on");

// Reads the webhook URL: from a terminal, one line with echo off; from a pipe or file, everything,
// trimmed. The text is never echoed back, also not in errors.
Result<QString> readUrl(const QString &channel)
{
    auto bytes = readHiddenInput(QStringLiteral("Webhook URL for channel %1 (input hidden): ").arg(channel),
                                 QStringLiteral("the webhook URL"));
    if (!bytes)
        return fail(bytes.error());
    const QString url = QString::fromUtf8(*bytes).trimmed();
    if (url.isEmpty())
        return fail(Error::invalid(QStringLiteral("no webhook URL was given on standard input; pipe it in, e.g. "
                                                  "`sluicectl notify add ... < url.txt`, or type it at the prompt")));
    if (auto ok = Notifier::validateWebhookUrl(url); !ok)
        return fail(ok.error());
    return url;
}

Result<Args> parseOrgName(const QStringList &words, const QString &command, const QString &usage, const QStringList &extraValued = {})
{
    auto args = Args::parse(words, {QStringList{kOrg, kName} + extraValued, {}}, command);
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty() || !args->has(kOrg) || !args->has(kName))
        return fail(Error::invalid(QStringLiteral("usage: %1").arg(usage)));
    return args;
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

QString describe(const NotificationAttempt &a)
{
    QString text = QStringLiteral("%1 %2 (%3)").arg(a.ok ? QStringLiteral("ok") : QStringLiteral("FAILED"), iso(a.attemptedAt), toString(a.level));
    if (!a.ok && !a.error.isEmpty())
        text += QStringLiteral(": ") + a.error;
    return text;
}

QJsonObject toJson(const NotifyOutcome &o)
{
    QJsonObject j{{QStringLiteral("channel"), o.channel},
                  {QStringLiteral("kind"), toString(o.kind)},
                  {QStringLiteral("level"), toString(o.level)},
                  {QStringLiteral("ok"), o.ok}};
    j.insert(QStringLiteral("http_status"), o.httpStatus ? QJsonValue(*o.httpStatus) : QJsonValue());
    j.insert(QStringLiteral("error"), o.error.isEmpty() ? QJsonValue() : QJsonValue(o.error));
    return j;
}

CommandResult add(Context &ctx, const QStringList &words)
{
    const QString usage = QStringLiteral("sluicectl notify add --org SLUG --name NAME --kind slack|teams|webhook|desktop "
                                         "[--on failure,warning,success]  (the webhook URL is read from standard input)");
    auto args = parseOrgName(words, QStringLiteral("notify add"), usage, {kKind, kOn});
    if (!args)
        return fail(args.error());
    if (!args->has(kKind))
        return fail(Error::invalid(QStringLiteral("usage: %1").arg(usage)));
    const auto kind = channelKindFromString(args->value(kKind));
    if (!kind)
        return fail(Error::invalid(QStringLiteral("unknown channel kind \"%1\"; use slack, teams, webhook or desktop").arg(args->value(kKind))));
    NotificationLevels levels;
    if (args->has(kOn)) {
        auto parsed = NotificationLevels::parse(args->values(kOn));
        if (!parsed)
            return fail(parsed.error());
        levels = *parsed;
    }
    const QString name = args->value(kName);
    if (auto ok = NotificationStore::validateName(name); !ok)
        return fail(ok.error());
    auto opened = ctx.openOrg(args->value(kOrg));
    if (!opened)
        return fail(opened.error());
    auto [db, org] = *opened;
    NotificationStore store(*db, ctx.actor());
    // Refuse a duplicate before asking for the URL (add() checks again, in its transaction).
    if (auto existing = store.find(org.id, name); existing)
        return fail(Error::conflict(QStringLiteral("org %1 already has a notification channel named \"%2\"; pick another name "
                                                   "or delete it first with `sluicectl notify delete --org %1 --name %2`").arg(org.slug, name)));
    QString url;
    if (needsUrl(*kind)) {
        auto read = readUrl(name);
        if (!read)
            return fail(read.error());
        url = *read;
    }
    auto channel = store.add(org.id, name, *kind, levels);
    if (!channel)
        return fail(channel.error());
    if (needsUrl(*kind)) {
        if (auto stored = QCoro::waitFor(SecretStore().set(channel->secretKey, url)); !stored) {
            // Without its URL the channel is useless: take it back out.
            if (auto undone = store.remove(org.id, name); !undone)
                return fail(Error::internal(QStringLiteral("%1; the channel was added without its URL and could not be removed (%2): "
                                                           "delete it with `sluicectl notify delete --org %3 --name %4`")
                                                .arg(stored.error().message, undone.error().message, org.slug, name)));
            return fail(stored.error());
        }
    }
    if (ctx.json())
        ctx.print(toJson(*channel));
    else
        ctx.out() << "Added " << toString(*kind) << " channel " << name << " to org " << org.slug << " (notified on "
                  << channel->levels.names().join(QStringLiteral(", ")) << ")"
                  << (needsUrl(*kind) ? QStringLiteral("; its URL is in the keychain under %1.").arg(channel->secretKey) : QStringLiteral("."))
                  << '\n';
    if (!ctx.json() && (channel->levels.warning || channel->levels.success))
        ctx.out() << "Pipelines notify on failure unless told otherwise: widen one with "
                     "`sluicectl pipeline edit NAME --notify-on failure,warning,success`.\n";
    return {};
}

CommandResult list(Context &ctx, const QStringList &words)
{
    auto args = Args::parse(words, {{kOrg}, {}}, QStringLiteral("notify list"));
    if (!args)
        return fail(args.error());
    if (!args->positionals().isEmpty() || !args->has(kOrg))
        return fail(Error::invalid(QStringLiteral("usage: sluicectl notify list --org SLUG")));
    auto opened = ctx.openOrg(args->value(kOrg));
    if (!opened)
        return fail(opened.error());
    auto [db, org] = *opened;
    NotificationStore store(*db, ctx.actor());
    auto channels = store.list(org.id);
    if (!channels)
        return fail(channels.error());
    auto last = store.lastAttempts(org.id);
    if (!last)
        return fail(last.error());
    if (ctx.json()) {
        QJsonArray a;
        for (const NotificationChannel &c : *channels) {
            QJsonObject o = toJson(c);
            o.insert(QStringLiteral("last_attempt"), last->contains(c.id) ? QJsonValue(toJson(last->value(c.id))) : QJsonValue());
            a.append(o);
        }
        ctx.print(a);
    } else if (channels->isEmpty()) {
        ctx.out() << "Org " << org.slug << " has no notification channels. Add one with "
                  << "`sluicectl notify add --org " << org.slug << " --name NAME --kind slack|teams|webhook|desktop`.\n";
    } else {
        QList<QStringList> rows;
        for (const NotificationChannel &c : *channels)
            rows.append({c.name, toString(c.kind), c.levels.names().join(QLatin1Char(',')),
                         last->contains(c.id) ? describe(last->value(c.id)) : QStringLiteral("never")});
        ctx.table({QStringLiteral("NAME"), QStringLiteral("KIND"), QStringLiteral("ON"), QStringLiteral("LAST ATTEMPT")}, rows);
    }
    return {};
}

CommandResult test(Context &ctx, const QStringList &words)
{
    auto args = parseOrgName(words, QStringLiteral("notify test"), QStringLiteral("sluicectl notify test --org SLUG --name NAME"));
    if (!args)
        return fail(args.error());
    auto opened = ctx.openOrg(args->value(kOrg));
    if (!opened)
        return fail(opened.error());
    auto [db, org] = *opened;
    auto channel = NotificationStore(*db, ctx.actor()).find(org.id, args->value(kName));
    if (!channel)
        return fail(channel.error());
    Notifier notifier(*db);
    const NotifyOutcome outcome = QCoro::waitFor(notifier.testChannel(*channel, org.slug));
    if (ctx.json())
        ctx.print(toJson(outcome));
    else if (outcome.ok)
        ctx.out() << "Sent a test notification to channel " << channel->name << " (" << toString(channel->kind) << ")"
                  << (outcome.httpStatus ? QStringLiteral(": HTTP %1.").arg(*outcome.httpStatus) : QStringLiteral(".")) << '\n';
    ctx.out().flush();
    if (!outcome.ok)
        return fail(Error::invalid(QStringLiteral("the test notification to channel %1 failed: %2 (the attempt is recorded; "
                                                  "see `sluicectl notify list --org %3`)").arg(channel->name, outcome.error, org.slug)));
    return {};
}

CommandResult setLevels(Context &ctx, const QStringList &words)
{
    const QString usage = QStringLiteral("sluicectl notify set --org SLUG --name NAME --on failure,warning,success");
    auto args = parseOrgName(words, QStringLiteral("notify set"), usage, {kOn});
    if (!args)
        return fail(args.error());
    if (!args->has(kOn))
        return fail(Error::invalid(QStringLiteral("usage: %1").arg(usage)));
    auto levels = NotificationLevels::parse(args->values(kOn));
    if (!levels)
        return fail(levels.error());
    auto opened = ctx.openOrg(args->value(kOrg));
    if (!opened)
        return fail(opened.error());
    auto [db, org] = *opened;
    auto channel = NotificationStore(*db, ctx.actor()).setLevels(org.id, args->value(kName), *levels);
    if (!channel)
        return fail(channel.error());
    if (ctx.json())
        ctx.print(toJson(*channel));
    else
        ctx.out() << "Channel " << channel->name << " is now notified on " << channel->levels.names().join(QStringLiteral(", ")) << ".\n";
    return {};
}

CommandResult remove(Context &ctx, const QStringList &words)
{
    auto args = parseOrgName(words, QStringLiteral("notify delete"), QStringLiteral("sluicectl notify delete --org SLUG --name NAME"));
    if (!args)
        return fail(args.error());
    auto opened = ctx.openOrg(args->value(kOrg));
    if (!opened)
        return fail(opened.error());
    auto [db, org] = *opened;
    NotificationStore store(*db, ctx.actor());
    auto channel = store.find(org.id, args->value(kName));
    if (!channel)
        return fail(channel.error());
    // The URL goes first: a channel whose key could not be removed stays listed, so the delete can be retried.
    if (!channel->secretKey.isEmpty()) {
        if (auto removed = QCoro::waitFor(SecretStore().remove(channel->secretKey)); !removed)
            return fail(removed.error());
    }
    auto deleted = store.remove(org.id, channel->name);
    if (!deleted)
        return fail(deleted.error());
    if (ctx.json())
        ctx.print(QJsonObject{{QStringLiteral("name"), deleted->name}, {QStringLiteral("deleted"), true}});
    else
        ctx.out() << "Deleted channel " << deleted->name << " of org " << org.slug
                  << (deleted->secretKey.isEmpty() ? QStringLiteral(".") : QStringLiteral(" and its URL in the keychain.")) << '\n';
    return {};
}

} // namespace

CommandResult runNotify(Context &ctx, const QString &verb, const QStringList &words)
{
    if (verb == QLatin1String("add"))
        return add(ctx, words);
    if (verb == QLatin1String("list"))
        return list(ctx, words);
    if (verb == QLatin1String("test"))
        return test(ctx, words);
    if (verb == QLatin1String("set"))
        return setLevels(ctx, words);
    if (verb == QLatin1String("delete"))
        return remove(ctx, words);
    return fail(Error::invalid(QStringLiteral("unknown command `notify %1`; use notify add, list, test, set or delete").arg(verb)));
}

} // namespace sluice::cli
