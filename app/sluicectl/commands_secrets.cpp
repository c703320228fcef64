// sluicectl secrets set | check | delete
//
// Values travel only on stdin (never argv, where any user could read them in the process list) and
// are never printed. Exit codes: 0 done, 1 a bad key or value, 2 no keychain or a keychain failure.
#include "cli.h"

#include "secrets/secretstore.h"

#include <QCoro/QCoroTask>
#include <QJsonObject>

#include <cstdio>


namespace sluice::cli {

namespace {

Result<QString> readValue(const QString &key)
{
    auto bytes = readHiddenInput(QStringLiteral("Secret for %1 (input hidden): ").arg(key), QStringLiteral("the secret"));
    if (!bytes)
        return fail(bytes.error());
    if (bytes->isEmpty())
        return fail(Error::invalid(QStringLiteral("no secret was given on standard input; pipe it in, e.g. "
                                                  "`sluicectl secrets set %1 < file` or type it at the prompt").arg(key)));
    return QString::fromUtf8(*bytes);
}

Result<QString> keyArgument(const QStringList &words, const QString &command, const QString &usage)
{
    auto args = Args::parse(words, {}, command);
    if (!args)
        return fail(args.error());
    if (args->positionals().size() != 1)
        return fail(Error::invalid(QStringLiteral("usage: %1").arg(usage)));
    const QString key = args->positionals().first();
    if (auto ok = SecretStore::validateKey(key); !ok)
        return fail(ok.error());
    return key;
}

void printState(Context &ctx, const QString &key, bool set, const QString &text)
{
    if (ctx.json())
        ctx.print(QJsonObject{{QStringLiteral("key"), key}, {QStringLiteral("set"), set}});
    else
        ctx.out() << text << '\n';
    ctx.out().flush();
}

} // namespace

CommandResult runSecrets(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("secrets ") + verb;
    const SecretStore store;
    if (verb == QLatin1String("set")) {
        // A second positional is most likely the value itself: refuse it without echoing it.
        auto key = keyArgument(words, command,
                               QStringLiteral("sluicectl secrets set KEY  (the value is read from standard input, never "
                                              "from the command line, where other users could see it)"));
        if (!key)
            return fail(key.error());
        auto value = readValue(*key);
        if (!value)
            return fail(value.error());
        if (auto ok = QCoro::waitFor(store.set(*key, *value)); !ok)
            return fail(ok.error());
        printState(ctx, *key, true, QStringLiteral("Stored the secret %1 in the keychain.").arg(*key));
        return {};
    }
    if (verb == QLatin1String("check")) {
        auto key = keyArgument(words, command, QStringLiteral("sluicectl secrets check KEY"));
        if (!key)
            return fail(key.error());
        auto set = QCoro::waitFor(store.check(*key));
        if (!set)
            return fail(set.error());
        printState(ctx, *key, *set, *set ? QStringLiteral("%1 is set.").arg(*key) : QStringLiteral("%1 is not set.").arg(*key));
        if (!*set)
            return quietNo();   // scripts test it: `if sluicectl secrets check KEY; then ...`
        return {};
    }
    if (verb == QLatin1String("delete")) {
        auto key = keyArgument(words, command, QStringLiteral("sluicectl secrets delete KEY"));
        if (!key)
            return fail(key.error());
        auto wasSet = QCoro::waitFor(store.check(*key));
        if (!wasSet)
            return fail(wasSet.error());
        if (*wasSet) {
            if (auto ok = QCoro::waitFor(store.remove(*key)); !ok)
                return fail(ok.error());
        }
        printState(ctx, *key, false, *wasSet ? QStringLiteral("Deleted the secret %1.").arg(*key)
                                             : QStringLiteral("%1 was not set; nothing to delete.").arg(*key));
        return {};
    }
    // The verb is not echoed: a value typed in the wrong place must not reach the terminal's scrollback.
    return fail(Error::invalid(QStringLiteral("unknown secrets command; use secrets set KEY, secrets check KEY or secrets delete KEY")));
}

} // namespace sluice::cli
