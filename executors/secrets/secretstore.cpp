#include "secretstore.h"

#include <QCoro/QCoroFuture>
#include <QCoro/QCoroSignal>
#include <QCoro/QCoroTimer>
#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QLoggingCategory>
#include <QPromise>
#include <QRegularExpression>
#include <QThread>

#include <qt6keychain/keychain.h>

#include <memory>

Q_LOGGING_CATEGORY(lcSecrets, "sluice.exec.secrets", QtInfoMsg)

namespace sluice {

namespace {

// Every "no keychain" error starts with this, so isUnavailable() can recognise it.
const QString kUnavailable = QStringLiteral("no system keychain is reachable (Secret Service over D-Bus)");
const QString kUnavailableFix = QStringLiteral("start gnome-keyring or KWallet, or run inside a desktop session");

// Who may answer for QtKeychain on the session bus: the Secret Service (gnome-keyring, KeePassXC,
// recent KWallet) or KWallet's own interface.
const QStringList kKeychainServices = {QStringLiteral("org.freedesktop.secrets"), QStringLiteral("org.kde.kwalletd6"),
                                       QStringLiteral("org.kde.kwalletd5")};

Error unavailable(const QString &detail)
{
    return Error::internal(QStringLiteral("%1: %2; %3").arg(kUnavailable, detail, kUnavailableFix));
}

// Jobs are owned here rather than auto-deleted, so that their result can be read after `finished`.
struct JobDeleter
{
    void operator()(QKeychain::Job *job) const { job->deleteLater(); }
};
template<class J>
using JobPtr = std::unique_ptr<J, JobDeleter>;

template<class J>
JobPtr<J> makeJob(const QString &service, const QString &key)
{
    JobPtr<J> job(new J(service));
    job->setAutoDelete(false);
    job->setInsecureFallback(false); // never the plain-file store, whatever QtKeychain's default becomes
    job->setKey(key);
    return job;
}

// Translates a finished job's error. EntryNotFound is the caller's business (a normal answer) and
// never reaches here. The job's own text is included: QtKeychain and libsecret never put values in it.
Error toError(const QKeychain::Job &job, const QString &what)
{
    const QString detail = job.errorString().isEmpty() ? QStringLiteral("unknown error") : job.errorString();
    switch (job.error()) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return unavailable(detail);
    case QKeychain::AccessDeniedByUser:
        return Error::invalid(QStringLiteral("access to the keychain was refused at its prompt while trying to %1; "
                                             "allow Sluice to use the keychain and try again").arg(what));
    case QKeychain::AccessDenied:
        return Error::internal(QStringLiteral("the keychain refused access while trying to %1 (%2); it is probably "
                                              "locked: unlock it (log in to the desktop session or open Passwords and Keys) "
                                              "and try again").arg(what, detail));
    case QKeychain::CouldNotDeleteEntry:
        return Error::internal(QStringLiteral("the keychain could not %1 (%2)").arg(what, detail));
    case QKeychain::OtherError:
    case QKeychain::EntryNotFound:
    case QKeychain::NoError:
        break;
    }
    // libsecret reports transport problems as OtherError with GDBus's text (every GDBus error text
    // says "GDBus.Error", so only the names of lost-connection errors count).
    static const QRegularExpression transport(QStringLiteral("not provided by any \\.service|ServiceUnknown|NameHasNoOwner|NoServer|"
                                                             "Disconnected|Could not connect|autolaunch"),
                                              QRegularExpression::CaseInsensitiveOption);
    if (transport.match(detail).hasMatch())
        return unavailable(detail);
    return Error::internal(QStringLiteral("the keychain could not %1: %2").arg(what, detail));
}

// Makes sure someone on the session bus can answer before QtKeychain is asked: without this, a
// missing Secret Service surfaces as libsecret's raw transport text, or as a long D-Bus timeout.
QCoro::Task<Result<void>> ensureReachable(std::chrono::milliseconds timeout)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        const QString why = bus.lastError().message();
        co_return fail(unavailable(why.isEmpty() ? QStringLiteral("there is no D-Bus session bus")
                                                 : QStringLiteral("there is no D-Bus session bus (%1)").arg(why)));
    }
    for (const char *method : {"ListNames", "ListActivatableNames"}) {
        const QDBusMessage call = QDBusMessage::createMethodCall(QStringLiteral("org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                                                                 QStringLiteral("org.freedesktop.DBus"), QString::fromLatin1(method));
        QDBusPendingCallWatcher watcher(bus.asyncCall(call, int(timeout.count())));
        if (!watcher.isFinished())
            co_await qCoro(&watcher, &QDBusPendingCallWatcher::finished);
        const QDBusPendingReply<QStringList> reply = watcher;
        if (reply.isError())
            co_return fail(unavailable(QStringLiteral("the D-Bus session bus did not answer (%1)").arg(reply.error().message())));
        const QStringList names = reply.value();
        for (const QString &service : kKeychainServices)
            if (names.contains(service))
                co_return Result<void>{};
    }
    co_return fail(unavailable(QStringLiteral("nothing on the D-Bus session bus provides the Secret Service or KWallet")));
}

// Runs a started job to its end, or gives up after `timeout`. On timeout the job is left to finish
// (and delete itself) on its own: QtKeychain's callbacks still point at it.
template<class J>
QCoro::Task<bool> finish(JobPtr<J> &job, std::chrono::milliseconds timeout)
{
    job->start(); // queued by QtKeychain: `finished` cannot fire before the co_await below connects
    const auto done = co_await qCoro(job.get(), &QKeychain::Job::finished, timeout);
    if (done.has_value()) {
        // Resumed inside the job's `finished` emission: QtKeychain still uses the job when the emission
        // returns (its executor disconnects it and starts the next job). Leave the emission before the
        // caller may destroy the job or start another one.
        co_await QCoro::sleepFor(std::chrono::milliseconds(0));
        co_return true;
    }
    job->setAutoDelete(true);
    static_cast<void>(job.release());
    co_return false;
}

Error timedOut(std::chrono::milliseconds timeout, const QString &what)
{
    return Error::internal(QStringLiteral("the keychain did not answer within %1 s while trying to %2; it may be locked and "
                                          "waiting for its password: unlock it and try again")
                               .arg(std::chrono::duration_cast<std::chrono::seconds>(timeout).count())
                               .arg(what));
}


// The one thread of the process on which QtKeychain is used. QtKeychain (its job queue and its
// libsecret callbacks) is not made for several threads of one process, and a desktop app reaches the
// keychain from more than one service thread; every operation therefore runs here. Started on
// first use; stopped when the QCoreApplication is destroyed (a job still running then is abandoned,
// which a process that is exiting can afford).
QObject *keychainContext()
{
    static QObject *context = [] {
        auto *thread = new QThread;
        thread->setObjectName(QStringLiteral("keychain"));
        auto *object = new QObject;
        object->moveToThread(thread);
        QObject::connect(thread, &QThread::finished, object, &QObject::deleteLater, Qt::DirectConnection);
        thread->start();
        qAddPostRoutine([] {
            QThread *t = keychainContext()->thread();
            t->quit();
            if (t->wait(QDeadlineTimer(std::chrono::seconds(5))))
                delete t;
        });
        return object;
    }();
    return context;
}

// Runs `op` to its end and hands its result to `promise`. Started detached: its frame lives until it
// returns, though the Task it gives is dropped at once (and it owns `op` and the Task `op` made).
template<class T>
QCoro::Task<void> fulfil(std::function<QCoro::Task<Result<T>>()> op, std::shared_ptr<QPromise<Result<T>>> promise)
{
    Result<T> result = co_await op();
    promise->addResult(std::move(result));
    promise->finish();
}

// Runs `op` (a coroutine made on and for the keychain thread) there, and gives its result to the
// calling thread, which needs a running event loop. On the keychain thread itself it just runs.
template<class T>
QCoro::Task<Result<T>> onKeychainThread(std::function<QCoro::Task<Result<T>>()> op)
{
    QObject *context = keychainContext();
    if (QThread::currentThread() == context->thread())
        co_return co_await op();
    auto promise = std::make_shared<QPromise<Result<T>>>();
    QFuture<Result<T>> future = promise->future();
    promise->start();
    QMetaObject::invokeMethod(context, [promise, op = std::move(op)] { static_cast<void>(fulfil<T>(op, promise)); },
                              Qt::QueuedConnection);
    co_return co_await future;
}

// The operations themselves, run on the keychain thread; they own everything they use.
QCoro::Task<Result<std::optional<QString>>> getHere(QString service, std::chrono::milliseconds timeout, QString key);
QCoro::Task<Result<void>> setHere(QString service, std::chrono::milliseconds timeout, QString key, QString value);
QCoro::Task<Result<void>> removeHere(QString service, std::chrono::milliseconds timeout, QString key);

} // namespace

SecretStore::SecretStore(QString service) : m_service(std::move(service))
{
}

Result<void> SecretStore::validateKey(const QString &key)
{
    // org/<slug>/<item>: slug as OrgStore::validateSlug; item lowercase words with dashes.
    static const QRegularExpression orgKey(QRegularExpression::anchoredPattern(QStringLiteral("org/[a-z0-9][a-z0-9-]{0,63}/[a-z][a-z0-9-]{0,63}")));
    // airbyte/<server>: a server name or host[:port].
    static const QRegularExpression airbyteKey(QRegularExpression::anchoredPattern(QStringLiteral("airbyte/[A-Za-z0-9][A-Za-z0-9._:-]{0,252}")));
    // notify/<channel> or notify/<slug>/<channel>.
    static const QRegularExpression notifyKey(QRegularExpression::anchoredPattern(QStringLiteral("notify/[a-z0-9][a-z0-9_-]{0,63}(/[a-z0-9][a-z0-9_-]{0,63})?")));
    if (orgKey.match(key).hasMatch() || airbyteKey.match(key).hasMatch() || notifyKey.match(key).hasMatch())
        return {};
    // The rejected text is not echoed: a malformed key is often a value typed in the wrong place.
    return fail(Error::invalid(QStringLiteral("that is not a valid secret key: use org/SLUG/ITEM (e.g. org/acme/warehouse, "
                                              "org/acme/git-token), airbyte/SERVER or notify/CHANNEL, in lowercase letters, "
                                              "digits and dashes")));
}

QString SecretStore::warehouseKey(const QString &orgSlug)
{
    return QStringLiteral("org/%1/warehouse").arg(orgSlug);
}

QString SecretStore::gitTokenKey(const QString &orgSlug)
{
    return QStringLiteral("org/%1/git-token").arg(orgSlug);
}

QString SecretStore::airbyteKey(const QString &server)
{
    return QStringLiteral("airbyte/%1").arg(server);
}

QString SecretStore::notifyKey(const QString &channel)
{
    return QStringLiteral("notify/%1").arg(channel);
}

bool SecretStore::isUnavailable(const Error &error)
{
    return error.kind == Error::Kind::Internal && error.message.startsWith(kUnavailable);
}

QCoro::Task<Result<std::optional<QString>>> SecretStore::get(QString key) const
{
    // Not a coroutine: g++ 12 destroys a lambda temporary inside a co_await expression twice.
    return onKeychainThread<std::optional<QString>>([service = m_service, timeout = m_timeout, key = std::move(key)] { return getHere(service, timeout, key); });
}

namespace {

QCoro::Task<Result<std::optional<QString>>> getHere(QString service, std::chrono::milliseconds timeout, QString key)
{
    if (auto ok = SecretStore::validateKey(key); !ok)
        co_return fail(ok.error());
    if (auto ok = co_await ensureReachable(timeout); !ok)
        co_return fail(ok.error());
    auto job = makeJob<QKeychain::ReadPasswordJob>(service, key);
    const QString what = QStringLiteral("read %1").arg(key);
    if (!co_await finish(job, timeout))
        co_return fail(timedOut(timeout, what));
    if (job->error() == QKeychain::EntryNotFound)
        co_return std::optional<QString>{};
    if (job->error() != QKeychain::NoError)
        co_return fail(toError(*job, what));
    co_return std::optional<QString>{job->textData()};
}

} // namespace

QCoro::Task<Result<void>> SecretStore::set(QString key, QString value) const
{
    // Not a coroutine: g++ 12 destroys a lambda temporary inside a co_await expression twice.
    return onKeychainThread<void>([service = m_service, timeout = m_timeout, key = std::move(key), value = std::move(value)] { return setHere(service, timeout, key, value); });
}

namespace {

QCoro::Task<Result<void>> setHere(QString service, std::chrono::milliseconds timeout, QString key, QString value)
{
    if (auto ok = SecretStore::validateKey(key); !ok)
        co_return fail(ok.error());
    if (value.isEmpty())
        co_return fail(Error::invalid(QStringLiteral("refusing to store an empty secret for %1; to remove it, delete the key").arg(key)));
    if (auto ok = co_await ensureReachable(timeout); !ok)
        co_return fail(ok.error());
    auto job = makeJob<QKeychain::WritePasswordJob>(service, key);
    job->setTextData(value);
    const QString what = QStringLiteral("store %1").arg(key);
    if (!co_await finish(job, timeout))
        co_return fail(timedOut(timeout, what));
    if (job->error() != QKeychain::NoError)
        co_return fail(toError(*job, what));
    qCDebug(lcSecrets) << "stored" << key;
    co_return Result<void>{};
}

} // namespace

QCoro::Task<Result<void>> SecretStore::remove(QString key) const
{
    // Not a coroutine: g++ 12 destroys a lambda temporary inside a co_await expression twice.
    return onKeychainThread<void>([service = m_service, timeout = m_timeout, key = std::move(key)] { return removeHere(service, timeout, key); });
}

namespace {

QCoro::Task<Result<void>> removeHere(QString service, std::chrono::milliseconds timeout, QString key)
{
    if (auto ok = SecretStore::validateKey(key); !ok)
        co_return fail(ok.error());
    if (auto ok = co_await ensureReachable(timeout); !ok)
        co_return fail(ok.error());
    auto job = makeJob<QKeychain::DeletePasswordJob>(service, key);
    const QString what = QStringLiteral("delete %1").arg(key);
    if (!co_await finish(job, timeout))
        co_return fail(timedOut(timeout, what));
    if (job->error() != QKeychain::NoError && job->error() != QKeychain::EntryNotFound)
        co_return fail(toError(*job, what));
    qCDebug(lcSecrets) << "deleted" << key;
    co_return Result<void>{};
}

} // namespace

QCoro::Task<Result<void>> SecretStore::probe() const
{
    // Not a coroutine: g++ 12 destroys a lambda temporary inside a co_await expression twice.
    return onKeychainThread<void>([timeout = m_timeout] { return ensureReachable(timeout); });
}

QCoro::Task<Result<bool>> SecretStore::check(QString key) const
{
    auto value = co_await get(std::move(key));
    if (!value)
        co_return fail(value.error());
    co_return value->has_value();
}

} // namespace sluice
