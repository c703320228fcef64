// bench_transform: the Transform page against a large project, measured as a person feels it — the
// longest time the GUI thread's event loop stalls (budget: one 16 ms frame) while
//  1. a ~4 MB manifest (manifestgenerator.h) is parsed and its models fill the list, and
//  2. 100 different selections are typed into the selection box and counted, and
//  3. the lineage of the whole project (every model, seed and source) is laid out by Graphviz on the
//     lineage thread and drawn, then that of one model two levels each way;
// each beside its baseline measured in the same run: the same work done on the GUI thread (what the
// stall would be without the TransformService's and the layout's threads). A real window, the real
// services on their own threads, a real SQLite store. Stalls are measured by bench::StallMeter
// (guistall.h): the longest pass of the event loop (judged) and the longest late timer tick (felt,
// the machine's noise included); every wait runs a real event loop, never QTest::qWait, which sleeps
// 10 ms between its passes.
//
// Usage: bench_transform [MODELS]   (default: as many models as make the manifest about 4 MB)
#include "dbt/dbtartifacts.h"
#include "dbt/nodeselection.h"
#include "itemmodels/modellistmodel.h"
#include "guistall.h"
#include "manifestgenerator.h"
#include "pages/transform/lineagepanel.h"
#include "pages/transform/lineageview.h"
#include "pages/transform/transformpage.h"
#include "services/lineagelayoutservice.h"
#include "services/transformservice.h"
#include "store/database.h"
#include "store/desktopstore.h"
#include "store/orgstore.h"
#include "store/workspacestore.h"

#include <QApplication>
#include <QCheckBox>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace sluice;
using sluice::bench::StallMeter;
using sluice::bench::runFor;
using sluice::bench::runUntil;

namespace {

QStringList selectors()
{
    QStringList out;
    const QStringList forms{QStringLiteral("model_%1"), QStringLiteral("+model_%1"), QStringLiteral("model_%1+"), QStringLiteral("2+model_%1+2"),
                            QStringLiteral("@model_%1"), QStringLiteral("tag:nightly,+model_%1"), QStringLiteral("path:models"),
                            QStringLiteral("config.materialized:table"), QStringLiteral("*model_%1*"), QStringLiteral("model_%1 model_%2")};
    for (int i = 0; i < 100; ++i) {
        QString e = forms.at(i % forms.size());
        e.replace(QLatin1String("%1"), QString::number(i * 7 + 1)).replace(QLatin1String("%2"), QString::number(i * 3 + 2));
        out << e;
    }
    return out;
}

void row(const char *what, double workMs, StallMeter::Stalls stalls, double baselineStallMs)
{
    std::printf("%-44s %10.1f %12.1f %10.1f %14.1f %8s\n", what, workMs, stalls.busy, stalls.gap, baselineStallMs, stalls.busy <= 16.0 ? "ok" : "OVER");
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    bench::MeteredApplication app(argc, argv);
    QTemporaryDir dir;
    const QString templ = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/public-fivetran-hubspot/manifest.json");
    const QString checkout = dir.filePath(QStringLiteral("checkout"));
    QDir().mkpath(checkout + QStringLiteral("/project/target"));
    const QString manifestPath = checkout + QStringLiteral("/project/target/manifest.json");
    int models = argc > 1 ? QString::fromLocal8Bit(argv[1]).toInt() : 0;
    QString error;
    if (models <= 0) { // about 4 MB
        models = 1000;
        const qint64 size = bench::generateManifest(templ, models, manifestPath, &error);
        if (size > 0)
            models = int(double(models) * 4.0 * 1024 * 1024 / double(size));
    }
    const qint64 bytes = bench::generateManifest(templ, models, manifestPath, &error);
    if (bytes < 0) {
        std::fprintf(stderr, "bench_transform: %s\n", qPrintable(error));
        return 1;
    }

    auto url = DbUrl::parse(QStringLiteral("sqlite://") + dir.filePath(QStringLiteral("sluice.db")));
    auto db = openDesktopStore(*url, true, QStringLiteral("bench"));
    if (!db) {
        std::fprintf(stderr, "bench_transform: %s\n", qPrintable(db.error().message));
        return 1;
    }
    auto orgs = OrgStore(**db, QStringLiteral("bench")).list();
    DbtWorkspace ws;
    ws.gitUrl = QStringLiteral("https://git.example/bench.git");
    ws.projectDir = QStringLiteral("project");
    ws.checkoutPath = checkout;
    if (!orgs || orgs->isEmpty() || !WorkspaceStore(**db, QStringLiteral("bench")).set(orgs->first().id, ws)) {
        std::fprintf(stderr, "bench_transform: cannot set up the store\n");
        return 1;
    }
    const qint64 orgId = orgs->first().id;

    TransformPage page;
    page.resize(1280, 760);
    page.show();
    QThread thread;
    auto *service = new TransformService(*url, QStringLiteral("bench"));
    service->moveToThread(&thread);
    QObject::connect(&thread, &QThread::finished, service, &QObject::deleteLater);
    // Each answer's handling on the GUI thread is timed too (the longest of each kind is printed).
    QHash<QString, double> handling;
    const auto timed = [&handling](const char *name, auto &&fn) {
        QElapsedTimer t;
        t.start();
        fn();
        handling[QString::fromLatin1(name)] = std::max(handling.value(QString::fromLatin1(name)), double(t.nsecsElapsed()) / 1e6);
    };
    QObject::connect(service, &TransformService::overviewShown, &page, [&](const TransformOverview &o) { timed("showOverview", [&] { page.showOverview(o); }); });
    QObject::connect(service, &TransformService::tasksShown, &page, [&](qint64 id, const QList<TransformTaskRow> &t, qint64 now) {
        timed("showTasks", [&] { page.showTasks(id, t, now); });
    });
    QObject::connect(service, &TransformService::modelsShown, &page, [&](qint64 id, const QList<TransformModelRow> &m) {
        timed("showModels", [&] { page.showModels(id, m); });
    });
    QObject::connect(service, &TransformService::selectionCounted, &page, &TransformPage::showSelectionCount);
    QObject::connect(&page, &TransformPage::selectionRequested, service, &TransformService::countSelection);
    // The lineage: its layout on a thread of its own, as in the app (desktopservices.cpp).
    QThread lineageThread;
    auto *layouts = new LineageLayoutService;
    layouts->moveToThread(&lineageThread);
    QObject::connect(&lineageThread, &QThread::finished, layouts, &QObject::deleteLater);
    LineagePanel *lineage = page.lineagePanel();
    QObject::connect(lineage, &LineagePanel::layoutRequested, layouts, &LineageLayoutService::layOut);
    QObject::connect(layouts, &LineageLayoutService::laidOut, lineage, [&](int ticket, const LineageLayout &l) {
        timed("showLayout (scene built)", [&] { lineage->showLayout(ticket, l); });
    });
    lineageThread.start();
    thread.start();
    QMetaObject::invokeMethod(service, &TransformService::start, Qt::QueuedConnection);
    // The window's first show (polish, fonts, first paint) is start-up, not part of what is measured.
    (void)QTest::qWaitForWindowExposed(&page);
    runFor(300);

    std::printf("bench_transform: %d models, manifest %.1f MB, GUI stall budget 16 ms (one frame)\n\n", models, double(bytes) / (1024.0 * 1024.0));
    std::printf("%-44s %10s %12s %10s %14s %8s\n", "phase", "work ms", "stall ms", "gap ms", "GUI-thread ms", "budget");
    std::printf("%-44s %10s %12s %10s %14s %8s\n", "", "", "(busy turn)", "(felt)", "(baseline)", "");

    StallMeter meter;
    meter.start();
    runFor(1000);
    const StallMeter::Stalls idle = meter.stop();
    std::printf("%-44s %10.1f %12.1f %10.1f %14s %8s\n", "idle event loop for 1 s (noise floor)", 1000.0, idle.busy, idle.gap, "-", "");

    // 1. Parse and fill: through the service, against parsing on the GUI thread.
    QElapsedTimer work;
    QElapsedTimer baselineClock;
    baselineClock.start();
    auto parsed = readManifest(manifestPath);
    const double baselineParse = double(baselineClock.nsecsElapsed()) / 1e6;
    meter.start();
    work.start();
    QMetaObject::invokeMethod(service, [service, orgId] { service->showOrg(orgId); }, Qt::QueuedConnection);
    if (!runUntil([&] { return page.modelModel()->rowCount() > 0; }, 120'000)) {
        std::fprintf(stderr, "bench_transform: the models never came\n");
        return 1;
    }
    runFor(50); // the view's layout after the rows
    const double fillMs = double(work.nsecsElapsed()) / 1e6;
    row("parse the manifest, fill the models list", fillMs, meter.stop(), baselineParse);

    // 2. 100 selections typed into the box, each counted before the next.
    const QStringList exprs = selectors();
    DbtSelectionRequest r;
    applyDbtCommandDefaults(r, QStringLiteral("run"));
    const DbtNodeSelector local(std::move(*parsed));
    double baselineLongest = 0;
    for (const QString &e : exprs) {
        r.select = {e};
        QElapsedTimer t;
        t.start();
        (void)local.select(r);
        baselineLongest = std::max(baselineLongest, double(t.nsecsElapsed()) / 1e6);
    }
    meter.start();
    work.start();
    double slowest = 0;
    for (const QString &e : exprs) {
        QElapsedTimer t;
        t.start();
        const QString before = page.selectionCount()->text();
        page.selectionField()->setText(e);
        if (!runUntil([&] { return page.selectionCount()->text() != before && !page.selectionCount()->text().isEmpty(); }, 10'000))
            break;
        slowest = std::max(slowest, double(t.nsecsElapsed()) / 1e6);
    }
    row("100 selections typed and counted", double(work.nsecsElapsed()) / 1e6, meter.stop(), baselineLongest);
    std::printf("%-44s %10.1f   (typing pause 250 ms + resolve on the service thread)\n", "  slowest answer after the last keystroke", slowest);

    // 3. The lineage: the whole project, then one model's two levels each way.
    page.showLineage();
    runFor(100);
    const auto lineageRow = [&](const char *what, auto &&change) {
        const int before = lineage->ticket();
        meter.start();
        work.start();
        change();
        const bool shown = runUntil([&] { return lineage->ticket() != before && lineage->view()->nodeCount() == lineage->graph().nodes.size()
                                                        && lineage->view()->nodeCount() > 0; }, 60'000);
        runFor(50); // the first paint of the new scene
        const double ms = double(work.nsecsElapsed()) / 1e6;
        const StallMeter::Stalls stall = meter.stop();
        if (!shown) {
            std::printf("%-44s %10s\n", what, "never shown");
            return;
        }
        // Baseline: the same layout and scene on the GUI thread.
        LineageLayoutRequest r;
        for (const LineageNode &n : lineage->graph().nodes)
            r.nodeSizes << lineage->view()->nodeSize(n);
        r.edges = lineage->graph().edges;
        LineageLayoutService here;
        LineageView scratch;
        QElapsedTimer t;
        t.start();
        const LineageLayout l = here.layOutNow(r);
        scratch.showGraph(lineage->graph(), l, {}, {});
        row(what, ms, stall, double(t.nsecsElapsed()) / 1e6);
        double paintMs = 1e9;
        for (int i = 0; i < 3; ++i) {
            QElapsedTimer p;
            p.start();
            lineage->view()->viewport()->repaint();
            paintMs = std::min(paintMs, double(p.nsecsElapsed()) / 1e6);
        }
        std::printf("%-44s %10.1f\n", "  one repaint of the lineage view", paintMs);
        std::printf("%-44s %10lld nodes, %lld edges\n", "", qlonglong(lineage->graph().nodes.size()), qlonglong(lineage->graph().edges.size()));
    };
    lineageRow("lay out the whole project's lineage", [&] { lineage->wholeProjectBox()->setChecked(true); });
    lineageRow("lineage of one model (2 up, 2 down)", [&] {
        lineage->wholeProjectBox()->setChecked(false);
        page.modelTable()->selectRow(page.modelModel()->rowCount() / 2);
    });
    // For scale: one full repaint of the window (what any change that relayouts the page costs).
    double paint = 0;
    for (int i = 0; i < 5; ++i) {
        QElapsedTimer t;
        t.start();
        page.repaint();
        paint = i == 0 ? double(t.nsecsElapsed()) / 1e6 : std::min(paint, double(t.nsecsElapsed()) / 1e6);
    }
    std::printf("%-44s %10.1f\n", "  one full repaint of the page (reference)", paint);
    std::printf("\nlongest handling of one answer on the GUI thread:");
    for (auto it = handling.cbegin(); it != handling.cend(); ++it)
        std::printf(" %s %.1f ms;", qPrintable(it.key()), it.value());
    std::printf("\n");

    thread.quit();
    lineageThread.quit();
    thread.wait();
    lineageThread.wait();
    return 0;
}
