#pragma once

// Pattern matching as dbt does it, because node selection must give the same nodes as `dbt ls`:
// `fnmatch` is Python's fnmatch.fnmatchcase (dbt's selector methods use it on POSIX, where it is
// case-sensitive): `*` any run of characters (dots and slashes included), `?` one character,
// `[seq]` / `[!seq]` a class with ranges, an unclosed `[` a literal. `PathGlob` is pathlib's
// Path.glob (Python 3.11), which dbt's `path:` method runs against the project root.

#include "core/error.h"

#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>

namespace sluice {

[[nodiscard]] bool fnmatch(QStringView name, QStringView pattern);
[[nodiscard]] bool hasWildcard(QStringView pattern); // contains * ? [ or ]

// A tree of relative paths ("models/staging/x.sql"; "" is the root) that a glob walks.
class PathTree {
public:
    struct Entry {
        QString name;
        bool isDir = false;
        bool isSymlink = false;
    };
    virtual ~PathTree() = default;
    [[nodiscard]] virtual QList<Entry> children(const QString &dir) const = 0;
    [[nodiscard]] virtual bool isDir(const QString &path) const = 0;
    [[nodiscard]] virtual bool exists(const QString &path) const = 0;
};

// The files a manifest names (and their folders), for when the project is not on disk.
class VirtualPathTree final : public PathTree {
public:
    void addFile(const QString &relativePath); // adds its parent folders too
    [[nodiscard]] QList<Entry> children(const QString &dir) const override;
    [[nodiscard]] bool isDir(const QString &path) const override;
    [[nodiscard]] bool exists(const QString &path) const override;

private:
    QSet<QString> m_files, m_dirs{QString()};
    QHash<QString, QSet<QString>> m_children; // dir → names of its entries
};

// A real folder on disk.
class DiskPathTree final : public PathTree {
public:
    explicit DiskPathTree(QString root) : m_root(std::move(root)) {}
    [[nodiscard]] QList<Entry> children(const QString &dir) const override;
    [[nodiscard]] bool isDir(const QString &path) const override;
    [[nodiscard]] bool exists(const QString &path) const override;

private:
    [[nodiscard]] QString absolute(const QString &relative) const;
    QString m_root;
};

// The relative paths `pattern` matches in `tree` ("" stands for the root itself, as "**" yields it).
// An absolute or empty pattern is an Error, as in pathlib.
[[nodiscard]] Result<QSet<QString>> globPaths(const PathTree &tree, const QString &pattern);

} // namespace sluice
