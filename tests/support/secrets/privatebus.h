#pragma once

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

namespace sluice::test {

// A D-Bus session bus of our own (dbus-daemon from the Debian package dbus-daemon) that offers no
// activatable services: nothing answers on it unless a test registers it. Stopped when destroyed.
class PrivateBus
{
public:
    PrivateBus() = default;
    PrivateBus(const PrivateBus &) = delete;
    PrivateBus &operator=(const PrivateBus &) = delete;
    ~PrivateBus()
    {
        if (m_daemon.state() != QProcess::NotRunning) {
            m_daemon.terminate();
            if (!m_daemon.waitForFinished(5000))
                m_daemon.kill();
            m_daemon.waitForFinished();
        }
    }

    // Starts the daemon; returns an empty string on success, else what went wrong.
    QString start()
    {
        const QString program = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
        if (program.isEmpty())
            return QStringLiteral("dbus-daemon is missing: install the Debian package dbus-daemon (or dbus)");
        if (!m_dir.isValid())
            return QStringLiteral("cannot create a temporary directory");
        QFile config(m_dir.filePath(QStringLiteral("bus.conf")));
        if (!config.open(QIODevice::WriteOnly))
            return config.errorString();
        config.write(QStringLiteral("<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                                    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                                    "<busconfig>\n"
                                    "  <type>session</type>\n"
                                    "  <listen>unix:path=%1/bus</listen>\n"
                                    "  <auth>EXTERNAL</auth>\n"
                                    "  <policy context=\"default\"><allow send_destination=\"*\" eavesdrop=\"true\"/>"
                                    "<allow eavesdrop=\"true\"/><allow own=\"*\"/></policy>\n"
                                    "</busconfig>\n")
                         .arg(m_dir.path())
                         .toUtf8());
        config.close();
        m_daemon.start(program, {QStringLiteral("--config-file=") + config.fileName(), QStringLiteral("--nofork"),
                                 QStringLiteral("--print-address=1")});
        if (!m_daemon.waitForStarted(10000))
            return QStringLiteral("dbus-daemon did not start: %1").arg(m_daemon.errorString());
        while (!m_daemon.canReadLine())
            if (!m_daemon.waitForReadyRead(10000))
                return QStringLiteral("dbus-daemon printed no address");
        m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
        return m_address.startsWith(QStringLiteral("unix:")) ? QString() : QStringLiteral("unexpected bus address %1").arg(m_address);
    }

    [[nodiscard]] const QString &address() const { return m_address; }

private:
    QTemporaryDir m_dir;
    QProcess m_daemon;
    QString m_address;
};

} // namespace sluice::test
