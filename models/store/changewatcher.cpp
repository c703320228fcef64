#include "store/changewatcher.h"

#include "store/database.h"

#include <QSqlDriver>

namespace sluice {

ChangeWatcher::ChangeWatcher(Database &db, QObject *parent) : QObject(parent), m_db(db)
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(kSettle);
    connect(&m_settle, &QTimer::timeout, this, [this] {
        QSet<QString> tables = m_pendingUnknown ? QSet<QString>() : m_pending;
        m_pending.clear();
        m_pendingUnknown = false;
        Q_EMIT changed(tables);
    });
    connect(&m_poll, &QTimer::timeout, this, &ChangeWatcher::poll);
}

ChangeWatcher::~ChangeWatcher()
{
    stop();
}

QString ChangeWatcher::channel()
{
    return QStringLiteral("sluice_change");
}

Result<void> ChangeWatcher::start(std::chrono::milliseconds pollInterval)
{
    if (m_db.dialect().isSqlite()) {
        auto v = m_db.scalar(QStringLiteral("PRAGMA data_version"));
        if (!v)
            return fail(v.error());
        m_dataVersion = v->toLongLong();
        m_poll.start(pollInterval);
        return {};
    }
    QSqlDriver *driver = m_db.handle().driver();
    if (!driver || !driver->subscribeToNotification(channel()))
        return fail(Error::database(QStringLiteral("PostgreSQL refused to send change notifications (LISTEN %1): %2")
                                           .arg(channel(), driver ? driver->lastError().text() : QStringLiteral("no driver"))));
    m_listening = true;
    connect(driver, &QSqlDriver::notification, this,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                if (name == channel())
                    noteChange(payload.toString());
            });
    return {};
}

void ChangeWatcher::stop()
{
    m_poll.stop();
    if (m_listening) {
        if (QSqlDriver *driver = m_db.handle().driver()) {
            driver->unsubscribeFromNotification(channel());
            disconnect(driver, nullptr, this, nullptr);
        }
        m_listening = false;
    }
}

void ChangeWatcher::noteChange(const QString &table)
{
    if (table.isEmpty())
        m_pendingUnknown = true;
    else
        m_pending.insert(table);
    if (!m_settle.isActive())
        m_settle.start();
}

void ChangeWatcher::poll()
{
    auto v = m_db.scalar(QStringLiteral("PRAGMA data_version"));
    if (!v)
        return; // a busy or vanished file: the next poll tries again, and the reader's own errors say why
    const qint64 version = v->toLongLong();
    if (version != m_dataVersion) {
        m_dataVersion = version;
        noteChange(QString());
    }
}

} // namespace sluice
