#pragma once

// Running the real sluicectl binary from a test: its exit code and output, and the shape of a user error.

#include <QByteArray>
#include <QDebug>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QStringList>

namespace sluice::test {

struct CliOutcome
{
    int exitCode = -1;   // -2: the process crashed; -1: it did not finish in time (it was killed)
    QByteArray out;
    QByteArray err;

    // stdout as a JSON array or object.
    [[nodiscard]] QJsonValue json() const
    {
        const QJsonDocument d = QJsonDocument::fromJson(out);
        return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
    }
};

// Runs `program` with `args` in `environment`, writes `input` to its stdin, and waits (spinning this
// thread's event loop, so in-process test servers keep answering) up to `timeoutMs`.
inline CliOutcome runCli(const QString &program, const QStringList &args, const QProcessEnvironment &environment,
                         const QByteArray &input = {}, int timeoutMs = 60000)
{
    QProcess p;
    QSignalSpy finished(&p, &QProcess::finished);
    p.setProcessEnvironment(environment);
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    if (!finished.wait(timeoutMs)) {
        p.kill();
        finished.wait(5000);
        qWarning() << program << "did not finish:" << args;
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
}

// A user error: exit 1, nothing on stdout, and exactly one line on stderr that contains `needle`.
inline bool isUserError(const CliOutcome &o, const QString &needle)
{
    const QString err = QString::fromUtf8(o.err);
    const bool ok = o.exitCode == 1 && err.count(QLatin1Char('\n')) == 1 && err.contains(needle) && o.out.isEmpty();
    if (!ok)
        qWarning() << "exit" << o.exitCode << "stderr" << err << "stdout" << o.out;
    return ok;
}

} // namespace sluice::test
