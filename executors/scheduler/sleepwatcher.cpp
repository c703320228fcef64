#include "scheduler/sleepwatcher.h"

#include <QDBusAbstractInterface>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusUnixFileDescriptor>
#include <QLoggingCategory>
#include <QTimer>

#include <fcntl.h>
#include <unistd.h>

namespace sluice {

Q_DECLARE_LOGGING_CATEGORY(lcExecScheduler)

namespace {
const QString kService = QStringLiteral("org.freedesktop.login1");
const QString kPath = QStringLiteral("/org/freedesktop/login1");
constexpr const char *kInterface = "org.freedesktop.login1.Manager";
} // namespace

// The logind manager as a Qt proxy (the shape qdbusxml2cpp generates): connecting to its
// PrepareForSleep signal subscribes to the D-Bus signal, so no SLOT string is needed.
class LogindManagerProxy : public QDBusAbstractInterface
{
    Q_OBJECT

public:
    LogindManagerProxy(const QDBusConnection &bus, QObject *parent)
        : QDBusAbstractInterface(kService, kPath, kInterface, bus, parent)
    {
    }

Q_SIGNALS:
    void PrepareForSleep(bool start);
};

SleepWatcher::SleepWatcher(QObject *parent)
    : SleepWatcher(QDBusConnection::systemBus(), parent)
{
}

SleepWatcher::SleepWatcher(QDBusConnection bus, QObject *parent)
    : QObject(parent)
    , m_bus(std::move(bus))
{
}

SleepWatcher::~SleepWatcher()
{
    releaseInhibitor();
}

void SleepWatcher::start()
{
    if (m_started)
        return;
    m_started = true;
    if (!m_bus.isConnected()) {
        qCWarning(lcExecScheduler).noquote()
            << QStringLiteral("no D-Bus system bus (%1): suspend and resume are not watched; the agent re-checks its schedules at least every 60 s")
                   .arg(m_bus.lastError().message());
        QTimer::singleShot(0, this, [this] {
            m_checked = true;
            Q_EMIT availabilityChecked(false);
        });
        return;
    }
    m_manager = new LogindManagerProxy(m_bus, this);
    connect(m_manager, &LogindManagerProxy::PrepareForSleep, this, &SleepWatcher::handlePrepareForSleep);
    takeInhibitor();
}

void SleepWatcher::takeInhibitor()
{
    if (m_pending || m_lockFd >= 0 || !m_manager)
        return;
    const QDBusPendingCall call = m_manager->asyncCall(QStringLiteral("Inhibit"), QStringLiteral("sleep"), QStringLiteral("Sluice agent"),
                                                       QStringLiteral("hand back leases before suspend"), QStringLiteral("delay"));
    m_pending = new QDBusPendingCallWatcher(call, this);
    connect(m_pending, &QDBusPendingCallWatcher::finished, this, &SleepWatcher::handleInhibitReply);
}

void SleepWatcher::handleInhibitReply(QDBusPendingCallWatcher *call)
{
    call->deleteLater();
    const QDBusPendingReply<QDBusUnixFileDescriptor> reply = *call;
    const bool first = !m_checked;
    m_checked = true;
    if (reply.isError() || !reply.value().isValid()) {
        const QString why = reply.isError() ? reply.error().message() : QStringLiteral("no file descriptor in the reply");
        if (first)
            qCWarning(lcExecScheduler).noquote()
                << QStringLiteral("logind is not available on D-Bus (%1: %2): suspend will not be announced; the agent re-checks its schedules at least every 60 s")
                       .arg(kService, why);
        else
            qCWarning(lcExecScheduler).noquote() << QStringLiteral("logind refused a new sleep inhibitor lock: %1").arg(why);
    } else {
        // Our own descriptor: the reply's copies close when the message goes.
        m_lockFd = ::fcntl(reply.value().fileDescriptor(), F_DUPFD_CLOEXEC, 0);
        m_available = m_available || m_lockFd >= 0;
    }
    if (first)
        Q_EMIT availabilityChecked(m_available);
}

void SleepWatcher::handlePrepareForSleep(bool start)
{
    if (start) {
        qCInfo(lcExecScheduler) << "the machine is about to sleep";
        Q_EMIT aboutToSleep();
    } else {
        qCInfo(lcExecScheduler) << "the machine woke up";
        takeInhibitor();
        Q_EMIT resumed();
    }
}

void SleepWatcher::releaseInhibitor()
{
    if (m_lockFd < 0)
        return;
    ::close(m_lockFd);
    m_lockFd = -1;
}

} // namespace sluice

#include "sleepwatcher.moc"
