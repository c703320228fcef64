#pragma once

// Builds fake dbt wheels for tests (see makewheels.py next to this file): pure-Python, installable
// offline with `pip install --no-index --find-links DIR dbt-<adapter>==<version>`, creating bin/dbt
// whose `--version` prints dbt 1.8's "Core:\n  - installed: <core>" block. Header-only; tests may block.

#include <QProcess>
#include <QString>
#include <QStringList>

#include <expected>

namespace sluice::testsupport {

struct FakeDbtWheels {
    QString coreVersion = QStringLiteral("1.8.9");
    QStringList adapters{QStringLiteral("postgres=1.8.2")}; // NAME=VERSION
};

// Writes the wheels into outDir with python3 (the same interpreter the tests need for virtualenvs).
// Returns the wheel paths, or a message naming the Debian package to install.
inline std::expected<QStringList, QString> buildFakeDbtWheels(const QString &outDir, const FakeDbtWheels &what = {})
{
    QStringList args{QStringLiteral(SLUICE_SOURCE_DIR "/tests/support/wheels/makewheels.py"), outDir,
                     QStringLiteral("--core"), what.coreVersion};
    for (const QString &a : what.adapters)
        args << QStringLiteral("--adapter") << a;
    QProcess p;
    p.start(QStringLiteral("python3"), args);
    if (!p.waitForStarted(10000))
        return std::unexpected(QStringLiteral("python3 did not start (%1): install the Debian package python3").arg(p.errorString()));
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0)
        return std::unexpected(QStringLiteral("makewheels.py failed: %1").arg(QString::fromUtf8(p.readAllStandardError())));
    return QString::fromUtf8(p.readAllStandardOutput()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

} // namespace sluice::testsupport
