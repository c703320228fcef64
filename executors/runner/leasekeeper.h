#pragma once

#include <QObject>
#include <QString>

#include <chrono>

class QTimer;

namespace sluice {

class LockStore;
class RunStore;

// Keeps a running run's locks alive and listens for cancel requests from other processes.
// Contract:
// - after start(), renews the run's locks (LockStore::renew with `fence`) every leaseMs/3;
//   a renewal refused because the lease is gone (Error::LeaseLost) emits leaseLost once and stops the
//   keeper; a renewal that fails otherwise (database unreachable) is retried at the next tick, and
//   once the lease has run out on our own clock without a successful renewal, leaseLost fires too
//   (the database will judge the lease expired as well; the run becomes `crashed` by whoever sees it).
// - polls RunStore::cancelRequested every `cancelPoll`; cancelRequested fires once when it turns true.
// - stop() stops both timers; nothing fires after it.
class LeaseKeeper : public QObject
{
    Q_OBJECT
public:
    LeaseKeeper(LockStore &locks, RunStore &runs, qint64 runId, qint64 fence, qint64 leaseMs,
                std::chrono::milliseconds cancelPoll = std::chrono::seconds(1), QObject *parent = nullptr);
    ~LeaseKeeper() override;

    void start();
    void stop();

    [[nodiscard]] bool isLeaseLost() const { return m_lost; }
    [[nodiscard]] qint64 renewals() const { return m_renewals; }

Q_SIGNALS:
    void leaseLost(const QString &why);
    void cancelRequested();
    void renewFailed(const QString &error);   // a renewal failed for a reason other than a lost lease

private:
    void renew();
    void pollCancel();
    void lose(const QString &why);

    LockStore &m_locks;
    RunStore &m_runs;
    qint64 m_runId = 0, m_fence = 0, m_leaseMs = 0;
    QTimer *m_renewTimer = nullptr;
    QTimer *m_cancelTimer = nullptr;
    qint64 m_lastRenewalMs = 0;     // our monotonic clock, at the last successful renewal (or start)
    qint64 m_renewals = 0;
    bool m_lost = false;
    bool m_cancelSeen = false;
};

} // namespace sluice
