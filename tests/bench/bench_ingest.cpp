// bench_ingest: the Ingest page with large inputs, measured as a person feels it — the longest pass of
// the GUI thread's event loop (budget: one 16 ms frame; bench::StallMeter, guistall.h) while
//  1. the largest connector specification in the fixtures, and a generated one four times the size of
//     the largest real connectors' (400 fields, 20 oneOf groups), are drawn as the source form, and
//  2. 1,000 connections fill the Connections table and are then updated live (the same rows again, as a
//     lock or a last sync changes) and scrolled from top to bottom;
// each beside its baseline measured in the same run (a 10-field form; 10 connections), as a ratio.
// A real window on the platform given (offscreen by default); every wait runs a real event loop.
//
// Usage: bench_ingest
#include "airbyte/connectorspec.h"
#include "guistall.h"
#include "itemmodels/ingestmodels.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/ingestpage.h"
#include "widgets/specformwidget.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTest>

#include <cstdio>
#include <functional>

using namespace sluice;
using sluice::bench::StallMeter;
using sluice::bench::runFor;

namespace {

// A connector spec of `fields` string/integer/secret fields in groups, every twentieth a oneOf of three.
QJsonObject generatedSpec(int fields)
{
    QJsonObject properties;
    for (int i = 0; i < fields; ++i) {
        const QString key = QStringLiteral("field_%1").arg(i, 3, 10, QLatin1Char('0'));
        if (i % 20 == 19) {
            QJsonArray branches;
            for (const QString &mode : {QStringLiteral("none"), QStringLiteral("key"), QStringLiteral("oauth")})
                branches.append(QJsonObject{{QStringLiteral("title"), mode},
                                            {QStringLiteral("required"), QJsonArray{QStringLiteral("mode")}},
                                            {QStringLiteral("properties"),
                                             QJsonObject{{QStringLiteral("mode"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("const"), mode}}},
                                                         {QStringLiteral("token"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("airbyte_secret"), true}}},
                                                         {QStringLiteral("user"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}}}});
            properties.insert(key, QJsonObject{{QStringLiteral("title"), QStringLiteral("Auth %1").arg(i)}, {QStringLiteral("type"), QStringLiteral("object")},
                                               {QStringLiteral("oneOf"), branches}, {QStringLiteral("order"), i}});
            continue;
        }
        QJsonObject f{{QStringLiteral("title"), QStringLiteral("Field %1").arg(i)}, {QStringLiteral("description"), QStringLiteral("What field %1 is for.").arg(i)},
                      {QStringLiteral("type"), i % 3 == 1 ? QStringLiteral("integer") : QStringLiteral("string")}, {QStringLiteral("order"), i},
                      {QStringLiteral("group"), QStringLiteral("group_%1").arg(i / 50)}};
        if (i % 7 == 3)
            f.insert(QStringLiteral("airbyte_secret"), true);
        properties.insert(key, f);
    }
    QJsonArray groups;
    for (int g = 0; g <= fields / 50; ++g)
        groups.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("group_%1").arg(g)}, {QStringLiteral("title"), QStringLiteral("Group %1").arg(g)}});
    return {{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}, {QStringLiteral("groups"), groups}};
}

QList<IngestConnectionRow> connections(int n, bool locked)
{
    QList<IngestConnectionRow> rows;
    rows.reserve(n);
    for (int i = 0; i < n; ++i) {
        IngestConnectionRow r;
        r.id = QStringLiteral("00000000-0000-4000-8000-%1").arg(i, 12, 10, QLatin1Char('0'));
        r.name = QStringLiteral("source %1 → warehouse").arg(i);
        r.sourceName = QStringLiteral("Source %1").arg(i);
        r.destinationName = QStringLiteral("Warehouse");
        r.status = i % 10 ? QStringLiteral("active") : QStringLiteral("inactive");
        r.lastSync = ConnectionLastSync{i % 5 ? QStringLiteral("successful") : QStringLiteral("failed"), 1'764'000'000'000 + i * 60'000LL,
                                        QStringLiteral("alice@laptop"), 1000LL * i, 64'000LL * i, i, i + 1};
        if (i % 3 == 0)
            r.pipelines = {QStringLiteral("Nightly ELT")};
        if (locked && i % 4 == 0) {
            TaskLockStatus l;
            l.state = TaskLockStatus::State::Running;
            l.lockedBy = QStringLiteral("agent@server");
            l.pipelineId = 1;
            l.pipelineName = QStringLiteral("Nightly ELT");
            l.lockedAt = 1'764'000'000'000;
            r.lock = l;
        }
        rows.append(std::move(r));
    }
    return rows;
}

struct Measured {
    double workMs = 0;
    StallMeter::Stalls stalls;
};

Measured measure(StallMeter &meter, const std::function<void()> &work, int settleMs = 200)
{
    meter.start();
    QElapsedTimer t;
    t.start();
    QTimer::singleShot(0, work);   // delivered by the loop, so the meter sees it as one pass
    runFor(settleMs);
    Measured m;
    m.stalls = meter.stop();
    m.workMs = double(t.nsecsElapsed()) / 1e6 - settleMs;
    return m;
}

void row(const char *what, const Measured &m, const Measured &baseline)
{
    const double ratio = baseline.stalls.busy > 0 ? m.stalls.busy / baseline.stalls.busy : 0;
    std::printf("%-46s %12.1f %10.1f %12.1f %8.1fx %8s\n", what, m.stalls.busy, m.stalls.gap, baseline.stalls.busy, ratio,
                m.stalls.busy <= 16.0 ? "ok" : "OVER");
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    bench::MeteredApplication app(argc, argv);

    // The largest fixture spec by size.
    QString largest;
    qint64 largestSize = 0;
    const QDir specs(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs"));
    for (const QFileInfo &f : specs.entryInfoList({QStringLiteral("source-*")}, QDir::Files))
        if (f.size() > largestSize)
            largest = f.filePath(), largestSize = f.size();
    auto spec = ConnectorSpec::fromFile(largest);
    if (!spec) {
        std::fprintf(stderr, "bench_ingest: %s\n", qPrintable(spec.error().message));
        return 1;
    }

    // The form inside a scroll area, as the New source dialog shows it.
    QScrollArea scroll;
    scroll.setWidgetResizable(true);
    auto *formWidget = new SpecFormWidget;
    scroll.setWidget(formWidget);
    SpecFormWidget &form = *formWidget;
    scroll.resize(720, 640);
    scroll.show();
    IngestPage page;
    page.resize(1280, 760);
    page.show();
    (void)QTest::qWaitForWindowExposed(&page);
    runFor(300);

    std::printf("bench_ingest: GUI stall budget 16 ms (one frame); ratio = stall / baseline stall, same run\n\n");
    std::printf("%-46s %12s %10s %12s %9s %8s\n", "phase", "stall ms", "gap ms", "baseline ms", "ratio", "budget");
    std::printf("%-46s %12s %10s %12s %9s %8s\n", "", "(busy turn)", "(felt)", "(busy turn)", "", "");
    StallMeter meter;
    meter.start();
    runFor(1000);
    const auto idle = meter.stop();
    std::printf("%-46s %12.1f %10.1f\n", "idle event loop for 1 s (noise floor)", idle.busy, idle.gap);

    const Measured small = measure(meter, [&] { form.setSpec(generatedSpec(10)); });
    const Measured fixture = measure(meter, [&] { form.setSpec(spec->schema); });
    const QString label = QStringLiteral("form: %1").arg(QFileInfo(largest).fileName());
    row(qPrintable(label), fixture, small);
    const QJsonObject big = generatedSpec(400);
    double buildMs = 0;
    const Measured generated = measure(meter, [&] {
        QElapsedTimer t;
        t.start();
        form.setSpec(big);
        buildMs = double(t.nsecsElapsed()) / 1e6;
    });
    row("form: generated, 400 fields, 20 oneOf", generated, small);
    std::printf("%-46s %12.1f\n", "  of which building the widgets (setSpec)", buildMs);

    ConnectionsTab *tab = page.connectionsTab();
    const auto few = connections(10, false);
    const auto many = connections(1000, false);
    const auto manyLocked = connections(1000, true);
    const Measured fewFill = measure(meter, [&] { page.showConnections(0, few); });
    page.showConnections(0, {});
    runFor(100);
    const Measured manyFill = measure(meter, [&] { page.showConnections(0, many); });
    row("1,000 connections listed", manyFill, fewFill);
    const Measured fewUpdate = measure(meter, [&] { page.showConnections(0, connections(10, true)); });
    page.showConnections(0, many);
    runFor(100);
    const Measured manyUpdate = measure(meter, [&] { page.showConnections(0, manyLocked); });
    row("1,000 connections updated live (locks)", manyUpdate, fewUpdate);

    // Scrolling: one step per frame from top to bottom; the worst pass.
    QScrollBar *bar = tab->table()->verticalScrollBar();
    bar->setValue(0);
    runFor(100);
    meter.start();
    for (int v = 0; v <= bar->maximum(); v += std::max(1, bar->pageStep())) {
        bar->setValue(v);
        runFor(16);
    }
    const Measured scrolled{0, meter.stop()};
    row("1,000 connections scrolled top to bottom", scrolled, fewUpdate);
    std::printf("\n%d spec fields drawn from %s (%lld bytes)\n", int(spec->schema.value(QLatin1String("properties")).toObject().size()),
                qPrintable(QFileInfo(largest).fileName()), qlonglong(largestSize));
    const bool ok = fixture.stalls.busy <= 16.0 && generated.stalls.busy <= 16.0 && manyFill.stalls.busy <= 16.0 && manyUpdate.stalls.busy <= 16.0
                 && scrolled.stalls.busy <= 16.0;
    return ok ? 0 : 2;
}
