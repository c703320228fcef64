#pragma once

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

namespace sluice::test {

// A private, throwaway PostgreSQL server (tests/support/pg-server.sh) for the tests of a database
// outage: they stop and restart it, which the server shared by the `postgres` ctest fixture must never
// see (other suites use it at the same time). Stopped, with its data removed, when this object goes.
class PgServer
{
public:
    PgServer() = default;
    ~PgServer()
    {
        if (m_started)
            (void)command(QStringLiteral("stop"));
    }
    PgServer(const PgServer &) = delete;
    PgServer &operator=(const PgServer &) = delete;

    // Starts the server: empty, or why it could not (pg-server.sh names the Debian package to install).
    [[nodiscard]] QString start()
    {
        if (!m_pointer.isValid())
            return QStringLiteral("cannot create a temporary folder");
        const QString error = command(QStringLiteral("start"));
        m_started = error.isEmpty();
        return error;
    }

    // The file holding the server's URL (for SLUICE_TEST_PG_URL_FILE).
    [[nodiscard]] QString urlFile() const { return m_pointer.filePath(QStringLiteral("url")); }

    // Runs `pg-server.sh COMMAND` (down, up, restart, stop) to the end: empty, or its error output.
    [[nodiscard]] QString command(const QString &name) const
    {
        QProcess p;
        p.start(script(), {name, m_pointer.path()});
        if (!p.waitForFinished(60'000))
            return QStringLiteral("pg-server.sh %1 did not finish within 60 s").arg(name);
        if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
            return QStringLiteral("pg-server.sh %1 failed: %2").arg(name, QString::fromLocal8Bit(p.readAllStandardError()).trimmed());
        return {};
    }

    // Starts `pg-server.sh COMMAND` without waiting; the caller watches QProcess::finished.
    [[nodiscard]] QProcess *commandAsync(const QString &name, QObject *parent) const
    {
        auto *p = new QProcess(parent);
        p->start(script(), {name, m_pointer.path()});
        return p;
    }

private:
    static QString script() { return QStringLiteral(SLUICE_SOURCE_DIR "/tests/support/pg-server.sh"); }

    QTemporaryDir m_pointer;
    bool m_started = false;
};

} // namespace sluice::test
