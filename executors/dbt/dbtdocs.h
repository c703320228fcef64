#pragma once

#include <QString>
#include <QStringList>

namespace sluice {

// dbt's documentation site in a project's target/ folder: how Sluice generates it for a dbt version,
// and how what was generated is opened. Pure functions of their arguments and of the files in target/.

// Whether `dbt docs generate --static` exists in this dbt: dbt-core 1.7.0 added it (it writes
// target/static_index.html, one file with the manifest and catalog inside, which works from file://).
// `version` as DbtWorkspace::dbtVersion holds it: "1.8.9", "1.7.0rc1", "v1.7.2", "dbt-core 1.7.2".
// Empty or unreadable: false; 2.x (the Fusion engine, another CLI): false. Without --static the site
// is served from target/ instead, which works with every version.
[[nodiscard]] bool dbtSupportsStaticDocs(const QString &version);

// The flags of Sluice's own docs task (catalog slug dbt-docs-generate) for that version: {"static"}
// where it is supported, else none.
[[nodiscard]] QStringList docsGenerateFlags(const QString &version);

// What to open of what `dbt docs generate` left in a target/ folder.
struct DocsSite
{
    enum class Kind {
        None,        // no index.html: never generated here (or target/ was cleaned)
        StaticFile,  // `path` is static_index.html: open it as a file:// URL
        Served,      // `path` is the target folder: serve it over loopback and open index.html there
    };
    Kind kind = Kind::None;
    QString path;
};

// static_index.html when it exists and is at least as new as the index.html and catalog.json beside
// it (every `docs generate` writes those two; a static_index.html older than them is left from an
// earlier --static run and shows stale docs); else index.html, served (it fetches manifest.json and
// catalog.json, which Chromium refuses to a page opened from file://); None without index.html.
[[nodiscard]] DocsSite locateDocs(const QString &targetDir);

} // namespace sluice
