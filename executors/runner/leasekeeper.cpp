#include "leasekeeper.h"

#include "store/lockstore.h"
#include "store/runstore.h"

#include <QDeadlineTimer>
#include <QTimer>

namespace sluice {

namespace {
qint64 monotonicMs() { return QDeadlineTimer::current().deadline(); }
}

LeaseKeeper::LeaseKeeper(LockStore &locks, RunStore &runs, qint64 runId, qint64 fence, qint64 leaseMs,
                         std::chrono::milliseconds cancelPoll, QObject *parent)
    : QObject(parent)
    , m_locks(locks)
    , m_runs(runs)
    , m_runId(runId)
    , m_fence(fence)
    , m_leaseMs(leaseMs)
    , m_renewTimer(new QTimer(this))
    , m_cancelTimer(new QTimer(this))
{
    m_renewTimer->setInterval(int(std::max<qint64>(1, leaseMs / 3)));
    m_cancelTimer->setInterval(cancelPoll);
    connect(m_renewTimer, &QTimer::timeout, this, &LeaseKeeper::renew);
    connect(m_cancelTimer, &QTimer::timeout, this, &LeaseKeeper::pollCancel);
}

LeaseKeeper::~LeaseKeeper() = default;

void LeaseKeeper::start()
{
    if (m_lost)
        return;
    m_lastRenewalMs = monotonicMs();
    m_renewTimer->start();
    m_cancelTimer->start();
}

void LeaseKeeper::stop()
{
    m_renewTimer->stop();
    m_cancelTimer->stop();
}

void LeaseKeeper::lose(const QString &why)
{
    if (m_lost)
        return;
    m_lost = true;
    stop();
    Q_EMIT leaseLost(why);
}

void LeaseKeeper::renew()
{
    auto r = m_locks.renew(m_runId, m_fence, m_leaseMs);
    if (r) {
        m_lastRenewalMs = monotonicMs();
        ++m_renewals;
        return;
    }
    if (r.error().kind == Error::Kind::LeaseLost) {
        lose(r.error().message);
        return;
    }
    Q_EMIT renewFailed(r.error().message);
    if (monotonicMs() - m_lastRenewalMs >= m_leaseMs)
        lose(QStringLiteral("the lease ran out while the database was unreachable: %1").arg(r.error().message));
}

void LeaseKeeper::pollCancel()
{
    if (m_cancelSeen)
        return;
    auto r = m_runs.cancelRequested(m_runId);
    if (r && *r) {
        m_cancelSeen = true;
        m_cancelTimer->stop();
        Q_EMIT cancelRequested();
    }
}

} // namespace sluice
