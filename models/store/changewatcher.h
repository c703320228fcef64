#pragma once

// Tells a reader when the store changed under it, so that a view can update within a second what
// another process or machine wrote (a run started, a lock taken, a task edited with sluicectl):
//  - PostgreSQL: LISTEN on channel `sluice_change`, which migration 9's triggers notify with the name
//    of every table a transaction wrote (delivered at commit); QSqlDriver turns them into signals on
//    this object's thread, so the thread needs an event loop.
//  - SQLite: PRAGMA data_version, read every poll interval; it changes when another connection
//    commits. Which tables changed is not known, so changed() carries an empty set.
// Notifications are gathered for a short settle time and reported as one changed().
// Lives on the thread that owns `db` (the service's own connection).

#include "core/error.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <chrono>

namespace sluice {

class Database;

class ChangeWatcher : public QObject {
    Q_OBJECT
public:
    static constexpr std::chrono::milliseconds kSettle{60};
    static constexpr std::chrono::milliseconds kPollInterval{250};

    explicit ChangeWatcher(Database &db, QObject *parent = nullptr);
    ~ChangeWatcher() override;

    // Starts watching. Error when the database refuses LISTEN or the data_version read.
    [[nodiscard]] Result<void> start(std::chrono::milliseconds pollInterval = kPollInterval);
    void stop();

    // The notification channel the triggers use.
    static QString channel();

Q_SIGNALS:
    // `tables` names what changed (PostgreSQL); empty means "something, not known what" (SQLite).
    void changed(const QSet<QString> &tables);

private:
    void noteChange(const QString &table);
    void poll();

    Database &m_db;
    QTimer m_poll, m_settle;
    QSet<QString> m_pending;
    bool m_pendingUnknown = false;
    bool m_listening = false;
    qint64 m_dataVersion = -1;
};

} // namespace sluice
