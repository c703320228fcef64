#include "dbt/dbtdocs.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace sluice {

bool dbtSupportsStaticDocs(const QString &version)
{
    // The first "major.minor" in the text: dbt prints versions with prefixes and pre-release suffixes.
    static const QRegularExpression majorMinor(QStringLiteral("(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = majorMinor.match(version);
    if (!m.hasMatch())
        return false;
    const int major = m.captured(1).toInt();
    const int minor = m.captured(2).toInt();
    return major == 1 && minor >= 7;
}

QStringList docsGenerateFlags(const QString &version)
{
    return dbtSupportsStaticDocs(version) ? QStringList{QStringLiteral("static")} : QStringList{};
}

DocsSite locateDocs(const QString &targetDir)
{
    const QDir dir(targetDir);
    const QFileInfo index(dir.filePath(QStringLiteral("index.html")));
    const QFileInfo staticIndex(dir.filePath(QStringLiteral("static_index.html")));
    const QFileInfo catalog(dir.filePath(QStringLiteral("catalog.json")));
    if (staticIndex.isFile()) {
        const QDateTime stamp = staticIndex.lastModified();
        const bool current = (!index.exists() || stamp >= index.lastModified()) && (!catalog.exists() || stamp >= catalog.lastModified());
        if (current)
            return {DocsSite::Kind::StaticFile, staticIndex.absoluteFilePath()};
    }
    if (index.isFile())
        return {DocsSite::Kind::Served, dir.absolutePath()};
    return {};
}

} // namespace sluice
