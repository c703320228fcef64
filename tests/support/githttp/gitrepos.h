#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

namespace sluice::test {

// Git repositories for tests, made with the real `git` CLI (Debian package git).
// Blocking helpers: tests only. Each returns an empty string / false and fills *error on failure.
class GitRepos
{
public:
    // root: a scratch folder; bare repositories go to root/repos (the HTTP server's project root),
    // working clones that feed them to root/seeds.
    explicit GitRepos(QString root);

    [[nodiscard]] QString reposRoot() const { return m_root + QStringLiteral("/repos"); }
    [[nodiscard]] QString barePath(const QString &name) const { return reposRoot() + QLatin1Char('/') + name + QStringLiteral(".git"); }
    [[nodiscard]] QString seedPath(const QString &name) const { return m_root + QStringLiteral("/seeds/") + name; }

    // A bare repository `name` with branch main (dbt_project.yml, models/a.sql) and branch dev
    // (one more commit adding dev.txt), plus its seed clone on main. Returns false on failure.
    bool create(const QString &name, QString *error);
    // Adds `fileCount` files of `fileSize` random bytes each in one commit on main and pushes it.
    bool addManyFiles(const QString &name, int fileCount, int fileSize, QString *error);
    // Writes `file` in the seed clone, commits it on the current branch and pushes. Returns the sha.
    QString commitAndPush(const QString &name, const QString &file, const QByteArray &content,
                          const QString &message, QString *error);

    // Runs `git args` in `dir` with a fixed identity; returns stdout (trimmed), or a null string on failure.
    // `environment` is added to the child's environment (e.g. GIT_CONFIG_COUNT/KEY/VALUE settings).
    static QString git(const QString &dir, const QStringList &args, QString *error,
                       const QMap<QString, QString> &environment = {});
    static bool writeFile(const QString &path, const QByteArray &content);
    static QByteArray readFile(const QString &path);

private:
    QString m_root;
};

} // namespace sluice::test
