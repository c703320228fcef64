#include "dbt/fnmatch.h"

#include <QDir>
#include <QFileInfo>

#include <vector>

namespace sluice {

namespace {

struct Token {
    enum class Kind { Literal, Any, Star, Class } kind = Kind::Literal;
    QChar ch;
    bool negated = false;
    QString singles;                       // a class's single characters
    std::vector<std::pair<QChar, QChar>> ranges;
    bool never = false;                    // an empty class: matches nothing
    bool anything = false;                 // "[!]": any character

    static Token of(Kind k)
    {
        Token t;
        t.kind = k;
        return t;
    }

    [[nodiscard]] bool matches(QChar c) const
    {
        switch (kind) {
        case Kind::Literal: return c == ch;
        case Kind::Any: return true;
        case Kind::Star: return true;
        case Kind::Class: {
            if (never)
                return false;
            if (anything)
                return true;
            bool in = singles.contains(c);
            for (const auto &[lo, hi] : ranges)
                in = in || (c >= lo && c <= hi);
            return in != negated;
        }
        }
        return false;
    }
};

// Python's fnmatch.translate, as tokens.
std::vector<Token> tokenize(QStringView pat)
{
    std::vector<Token> out;
    const qsizetype n = pat.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = pat[i++];
        if (c == QLatin1Char('*')) {
            if (out.empty() || out.back().kind != Token::Kind::Star)
                out.push_back(Token::of(Token::Kind::Star));
        } else if (c == QLatin1Char('?')) {
            out.push_back(Token::of(Token::Kind::Any));
        } else if (c == QLatin1Char('[')) {
            qsizetype j = i;
            if (j < n && pat[j] == QLatin1Char('!'))
                ++j;
            if (j < n && pat[j] == QLatin1Char(']'))
                ++j;
            while (j < n && pat[j] != QLatin1Char(']'))
                ++j;
            if (j >= n) {
                Token t;
                t.ch = c;
                out.push_back(t);
                continue;
            }
            QStringView stuff = pat.mid(i, j - i);
            i = j + 1;
            Token t;
            t.kind = Token::Kind::Class;
            if (stuff.isEmpty()) {
                t.never = true;
            } else if (stuff == QLatin1String("!")) {
                t.anything = true;
            } else {
                if (stuff.front() == QLatin1Char('!')) {
                    t.negated = true;
                    stuff = stuff.mid(1);
                }
                for (qsizetype k = 0; k < stuff.size();) {
                    if (k + 2 < stuff.size() && stuff[k + 1] == QLatin1Char('-')) {
                        if (stuff[k] <= stuff[k + 2]) // Python drops a range whose ends are reversed
                            t.ranges.emplace_back(stuff[k], stuff[k + 2]);
                        k += 3;
                    } else {
                        t.singles.append(stuff[k]);
                        ++k;
                    }
                }
                if (t.singles.isEmpty() && t.ranges.empty())
                    t.never = !t.negated, t.anything = t.negated;
            }
            out.push_back(std::move(t));
        } else {
            Token t;
            t.ch = c;
            out.push_back(t);
        }
    }
    return out;
}

} // namespace

bool fnmatch(QStringView name, QStringView pattern)
{
    const std::vector<Token> tokens = tokenize(pattern);
    // Greedy match with backtracking to the last star: linear for patterns without classes of stars.
    qsizetype s = 0;
    size_t t = 0;
    qsizetype starS = -1;
    size_t starT = 0;
    while (s < name.size()) {
        if (t < tokens.size() && tokens[t].kind == Token::Kind::Star) {
            starT = ++t;
            starS = s;
        } else if (t < tokens.size() && tokens[t].matches(name[s])) {
            ++t;
            ++s;
        } else if (starS >= 0) {
            t = starT;
            s = ++starS;
        } else {
            return false;
        }
    }
    while (t < tokens.size() && tokens[t].kind == Token::Kind::Star)
        ++t;
    return t == tokens.size();
}

bool hasWildcard(QStringView pattern)
{
    for (QChar c : pattern)
        if (c == QLatin1Char('*') || c == QLatin1Char('?') || c == QLatin1Char('[') || c == QLatin1Char(']'))
            return true;
    return false;
}

namespace {

QString joinPath(const QString &dir, const QString &name)
{
    return dir.isEmpty() ? name : dir + QLatin1Char('/') + name;
}

} // namespace

void VirtualPathTree::addFile(const QString &relativePath)
{
    QStringList parts = relativePath.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    parts.removeAll(QStringLiteral("."));
    if (parts.isEmpty())
        return;
    QString dir;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString path = joinPath(dir, parts[i]);
        m_children[dir].insert(parts[i]);
        if (i + 1 < parts.size())
            m_dirs.insert(path);
        else if (!m_dirs.contains(path))
            m_files.insert(path);
        dir = path;
    }
}

QList<PathTree::Entry> VirtualPathTree::children(const QString &dir) const
{
    QList<Entry> out;
    for (const QString &name : m_children.value(dir))
        out.append({name, m_dirs.contains(joinPath(dir, name)), false});
    return out;
}

bool VirtualPathTree::isDir(const QString &path) const { return m_dirs.contains(path); }
bool VirtualPathTree::exists(const QString &path) const { return m_dirs.contains(path) || m_files.contains(path); }

QString DiskPathTree::absolute(const QString &relative) const
{
    return relative.isEmpty() ? m_root : m_root + QLatin1Char('/') + relative;
}

QList<PathTree::Entry> DiskPathTree::children(const QString &dir) const
{
    QList<Entry> out;
    const QFileInfoList infos = QDir(absolute(dir)).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QFileInfo &fi : infos)
        out.append({fi.fileName(), fi.isDir(), fi.isSymLink()});
    return out;
}

bool DiskPathTree::isDir(const QString &path) const { return QFileInfo(absolute(path)).isDir(); }
bool DiskPathTree::exists(const QString &path) const { return QFileInfo::exists(absolute(path)); }

namespace {

void addDirsBelow(const PathTree &tree, const QString &dir, QSet<QString> &out)
{
    out.insert(dir);
    for (const PathTree::Entry &e : tree.children(dir))
        if (e.isDir && !e.isSymlink) // pathlib's "**" neither yields nor enters linked folders
            addDirsBelow(tree, joinPath(dir, e.name), out);
}

} // namespace

Result<QSet<QString>> globPaths(const PathTree &tree, const QString &pattern)
{
    if (pattern.startsWith(QLatin1Char('/')))
        return fail(Error::invalid(QStringLiteral("the path pattern \"%1\" is absolute; give it relative to the dbt project folder").arg(pattern)));
    QStringList parts = pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    parts.removeAll(QStringLiteral("."));
    if (parts.isEmpty())
        return fail(Error::invalid(QStringLiteral("the path pattern \"%1\" names no file or folder").arg(pattern)));
    for (const QString &part : std::as_const(parts))
        if (part != QLatin1String("**") && part.contains(QLatin1String("**")))
            return fail(Error::invalid(QStringLiteral("the path pattern \"%1\" is not valid: \"**\" can only be a whole folder name").arg(pattern)));
    // Python 3.11: a pattern ending in "/" matches folders only.
    const bool foldersOnly = pattern.endsWith(QLatin1Char('/'));

    QSet<QString> current{QString()};
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const QString &part = parts[i];
        const bool last = i + 1 == parts.size() && !foldersOnly;
        QSet<QString> next;
        if (part == QLatin1String("**")) {
            for (const QString &dir : std::as_const(current))
                addDirsBelow(tree, dir, next);
        } else if (part == QLatin1String("..")) {
            // Above the project root: dbt cannot relate such paths to the project, so nothing matches.
        } else if (hasWildcard(part)) {
            for (const QString &dir : std::as_const(current))
                for (const PathTree::Entry &e : tree.children(dir))
                    if ((last || e.isDir) && fnmatch(e.name, part))
                        next.insert(joinPath(dir, e.name));
        } else {
            for (const QString &dir : std::as_const(current)) {
                const QString path = joinPath(dir, part);
                if (last ? tree.exists(path) : tree.isDir(path))
                    next.insert(path);
            }
        }
        current = std::move(next);
        if (current.isEmpty())
            break;
    }
    return current;
}

} // namespace sluice
