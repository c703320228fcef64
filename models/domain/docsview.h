#pragma once

// What the Transform page shows of an org's dbt docs site, as the DocsService reads it (plain values,
// sent across threads by queued signals).

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace sluice {

struct DocsState
{
    qint64 orgId = 0;
    QString generateProblem;   // empty: Generate can run; else why not, with the fix (no project, no dbt)
    QString openProblem;       // empty: there is a site to open; else why not (never generated)
    bool staticSite = false;   // Generate passes --static (the workspace's dbt is 1.7 or newer)
    bool opensStatic = false;  // Open shows static_index.html from file:// (else index.html served on 127.0.0.1)
    QDateTime generatedAt;     // when target/index.html was written; invalid: never
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::DocsState)
