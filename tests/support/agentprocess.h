#pragma once

#include <QObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QStringList>

#include <csignal>
#include <memory>

namespace sluice::test {

// One real `sluice-agent --headless` process on `url`; its stderr is kept for the test to read. Each
// agent gets its own SLUICE_AGENT_LOCK_DIR: the one-agent-per-host lock is per host and database, and in
// these tests the "hosts" are processes.
struct AgentProcess
{
    std::unique_ptr<QProcess> process = std::make_unique<QProcess>();
    QString output;
    bool stopped = false;

    void start(const QString &agentPath, const QString &url, const QString &lockDir, const QStringList &tags, qint64 leaseMs)
    {
        QStringList args{QStringLiteral("--headless"), QStringLiteral("--db"), url, QStringLiteral("--lease-ms"), QString::number(leaseMs)};
        for (const QString &t : tags)
            args << QStringLiteral("--tag") << t;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLUICE_AGENT_LOCK_DIR"), lockDir);
        process->setProcessEnvironment(env);
        process->setProcessChannelMode(QProcess::SeparateChannels);
        QObject::connect(process.get(), &QProcess::readyReadStandardError, process.get(),
                         [this] { output += QString::fromUtf8(process->readAllStandardError()); });
        process->start(agentPath, args);
    }
    [[nodiscard]] qint64 pid() const { return process->processId(); }
    void signal(int sig) { ::kill(pid_t(pid()), sig); }
};

} // namespace sluice::test
