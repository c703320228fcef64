#pragma once

#include "services/catalogservice.h"
#include "services/docsservice.h"
#include "services/ingestservice.h"
#include "services/lineagelayoutservice.h"
#include "services/runservice.h"
#include "services/transformservice.h"

#include <QObject>
#include <QThread>

namespace sluice {

class MainWindow;

struct DesktopServicesOptions
{
    CatalogServiceOptions catalog;
    RunServiceOptions runs;
};

// The desktop app's services, each on a thread of its own with its own connection to the store, wired
// to the window with queued connections only (the GUI thread never waits for the database):
// - the CatalogService opens the store (the embedded default is created and seeded) and lists orgs and
//   pipelines — again when the window asks (refreshRequested: F5, back to the front);
// - the TransformService, started once the store is open: the chosen org's dbt project, tasks (with
//   live locks) and models for the Transform page, and the selections it counts; beside it on its
//   thread the DocsService (Generate docs / Open docs, and the loopback docs servers, which stop with it);
// - the RunService, started once the store is open: Orchestrate's Run now / Queue for an agent, the
//   Runs page's selection, cancel and refresh, and back the run list, the watched run, its log lines,
//   refusals and problems;
// - the IngestService, on the "ingest" thread, started once the store is open: the Ingest page's
//   sources, connections (with live locks and last syncs) and sync history; Sync, Reset and Clear run
//   the connection's task through the RunService, Cancel cancels the run holding its lock;
// - the LineageLayoutService, on the "lineage" thread for the process's life (Graphviz keeps global
//   state: every lineage layout of the app runs there, one at a time).
// Quitting is driven by the event loop: the window's quitRequested() makes the runs service cancel the
// runs it executes; once they are recorded both threads stop and finished() fires (the composition root
// quits the application then). Destroying this object before that (the event loop ended some other
// way) does the same, waiting for it, as a last resort — the window is gone by then.
class DesktopServices : public QObject
{
    Q_OBJECT
public:
    DesktopServices(MainWindow &window, DbUrl url, DesktopServicesOptions options, QObject *parent = nullptr);
    ~DesktopServices() override;

    // Starts the threads; the catalog service opens the store there.
    void start();
    [[nodiscard]] CatalogService *catalog() const { return m_catalog; }
    [[nodiscard]] RunService *runs() const { return m_runs; }
    [[nodiscard]] TransformService *transform() const { return m_transform; }
    [[nodiscard]] IngestService *ingest() const { return m_ingest; }

Q_SIGNALS:
    // Every run executed here has ended and is recorded, and the services' threads have stopped.
    void finished();

private:
    void stopThreads();

    QThread m_catalogThread;
    QThread m_runsThread;
    QThread m_transformThread;
    QThread m_lineageThread;
    QThread m_ingestThread;
    CatalogService *m_catalog;   // lives in m_catalogThread; deleted there when it finishes
    RunService *m_runs;          // lives in m_runsThread; deleted there when it finishes
    TransformService *m_transform; // lives in m_transformThread; deleted there when it finishes
    DocsService *m_docs;           // lives in m_transformThread too; deleted there when it finishes
    LineageLayoutService *m_lineage; // lives in m_lineageThread; deleted there when it finishes
    IngestService *m_ingest;         // lives in m_ingestThread; deleted there when it finishes
    bool m_runsStarted = false;
    bool m_stopping = false;
    bool m_finished = false;
};

} // namespace sluice
