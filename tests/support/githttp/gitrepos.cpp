#include "gitrepos.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>

namespace sluice::test {

GitRepos::GitRepos(QString root) : m_root(std::move(root))
{
    QDir().mkpath(reposRoot());
    QDir().mkpath(m_root + QStringLiteral("/seeds"));
}

QString GitRepos::git(const QString &dir, const QStringList &args, QString *error, const QMap<QString, QString> &environment)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_AUTHOR_NAME"), QStringLiteral("Sluice Test"));
    env.insert(QStringLiteral("GIT_AUTHOR_EMAIL"), QStringLiteral("test@sluice.invalid"));
    env.insert(QStringLiteral("GIT_COMMITTER_NAME"), QStringLiteral("Sluice Test"));
    env.insert(QStringLiteral("GIT_COMMITTER_EMAIL"), QStringLiteral("test@sluice.invalid"));
    env.insert(QStringLiteral("GIT_CONFIG_NOSYSTEM"), QStringLiteral("1"));
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    for (auto it = environment.cbegin(); it != environment.cend(); ++it)
        env.insert(it.key(), it.value());
    p.setProcessEnvironment(env);
    p.start(QStringLiteral("git"), QStringList{QStringLiteral("-c"), QStringLiteral("init.defaultBranch=main")} + args);
    if (!p.waitForStarted(10000)) {
        *error = QStringLiteral("cannot run git (install the Debian package `git`): %1").arg(p.errorString());
        return {};
    }
    p.waitForFinished(120000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        *error = QStringLiteral("git %1 failed in %2: %3").arg(args.join(QLatin1Char(' ')), dir,
                                                              QString::fromUtf8(p.readAllStandardError()));
        return {};
    }
    QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
    return out.isNull() ? QStringLiteral("") : out; // never null on success
}

bool GitRepos::writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

QByteArray GitRepos::readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool GitRepos::create(const QString &name, QString *error)
{
    const QString seed = seedPath(name);
    QDir().mkpath(seed);
    if (git(reposRoot(), {QStringLiteral("init"), QStringLiteral("--bare"), QStringLiteral("-q"), barePath(name)}, error).isNull())
        return false;
    if (git(seed, {QStringLiteral("init"), QStringLiteral("-q")}, error).isNull())
        return false;
    if (git(seed, {QStringLiteral("remote"), QStringLiteral("add"), QStringLiteral("origin"), barePath(name)}, error).isNull())
        return false;
    writeFile(seed + QStringLiteral("/dbt_project.yml"), "name: demo\nprofile: demo\n");
    writeFile(seed + QStringLiteral("/models/a.sql"), "select 1 as id\n");
    if (git(seed, {QStringLiteral("add"), QStringLiteral("-A")}, error).isNull()
        || git(seed, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Initial project")}, error).isNull()
        || git(seed, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("main")}, error).isNull())
        return false;
    if (git(seed, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("dev")}, error).isNull())
        return false;
    writeFile(seed + QStringLiteral("/dev.txt"), "only on dev\n");
    if (git(seed, {QStringLiteral("add"), QStringLiteral("-A")}, error).isNull()
        || git(seed, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Dev work")}, error).isNull()
        || git(seed, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("dev")}, error).isNull()
        || git(seed, {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")}, error).isNull())
        return false;
    return true;
}

bool GitRepos::addManyFiles(const QString &name, int fileCount, int fileSize, QString *error)
{
    const QString seed = seedPath(name);
    QByteArray data(fileSize, Qt::Uninitialized);
    for (int i = 0; i < fileCount; ++i) {
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(data.data()), fileSize / 4);
        if (!writeFile(seed + QStringLiteral("/data/%1/f%2.bin").arg(i % 50).arg(i), data)) {
            *error = QStringLiteral("cannot write test files under %1").arg(seed);
            return false;
        }
    }
    return !git(seed, {QStringLiteral("add"), QStringLiteral("-A")}, error).isNull()
        && !git(seed, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Many files")}, error).isNull()
        && !git(seed, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("HEAD")}, error).isNull();
}

QString GitRepos::commitAndPush(const QString &name, const QString &file, const QByteArray &content,
                                const QString &message, QString *error)
{
    const QString seed = seedPath(name);
    if (!writeFile(seed + QLatin1Char('/') + file, content)) {
        *error = QStringLiteral("cannot write %1").arg(file);
        return {};
    }
    if (git(seed, {QStringLiteral("add"), QStringLiteral("-A")}, error).isNull()
        || git(seed, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), message}, error).isNull()
        || git(seed, {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("HEAD")}, error).isNull())
        return {};
    return git(seed, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, error);
}

} // namespace sluice::test
