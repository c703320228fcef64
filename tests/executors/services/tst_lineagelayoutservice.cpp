// The lineage layout on its worker thread: Graphviz's dot places every node of real projects' graphs
// (jaffle_shop, the 271-node hubspot project) without two boxes overlapping, parents left of their
// children, each edge running from its parent's box to its child's; answers come from the worker
// thread; of requests waiting together only the newest is laid out; malformed requests are refused
// with a sentence.
#include "dbt/dbtartifacts.h"
#include "dbt/lineage.h"
#include "services/lineagelayoutservice.h"

#include <QElapsedTimer>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>

using namespace sluice;

namespace {

const QString kFixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");

LineageGraph wholeProject(const QString &manifestPath)
{
    auto m = readManifest(manifestPath);
    if (!m)
        qFatal("%s", qPrintable(m.error().message));
    QList<DbtManifestNode> nodes = m->nodes;
    for (const DbtManifestNode &n : m->otherResources)
        if (n.section == DbtSection::Source)
            nodes << n;
    QStringList seeds;
    for (const DbtManifestNode &n : nodes)
        if (n.resourceType != QLatin1String("test"))
            seeds << n.uniqueId;
    return lineageSubgraph(LineageIndex(nodes), seeds);
}

// The bench's synthetic project (tests/bench/manifestgenerator.h): 301 models in a chain, each also
// reading the models half and a third of the way back, the first tenth reading 31 sources. 300 ranks
// deep, its far-reaching edges would make dot take minutes.
LineageGraph deepProject()
{
    LineageGraph g;
    for (int i = 0; i < 301; ++i)
        g.nodes << LineageNode{QStringLiteral("model.bench.model_%1").arg(i), QStringLiteral("model_%1").arg(i), QStringLiteral("model"), 0};
    for (int s = 0; s < 31; ++s)
        g.nodes << LineageNode{QStringLiteral("source.bench.raw.table_%1").arg(s), QStringLiteral("table_%1").arg(s), QStringLiteral("source"), 0};
    for (int i = 0; i < 301; ++i) {
        if (i < 30) {
            g.edges << LineageEdge{301 + i % 31, i};
            continue;
        }
        QList<int> parents;
        for (int p : {i - 1, i / 2, i / 3})
            if (!parents.contains(p))
                parents << p;
        for (int p : parents)
            g.edges << LineageEdge{p, i};
    }
    return g;
}

// Boxes as wide as their names at ~7 px a letter, 24 px tall: what the view asks for.
LineageLayoutRequest requestFor(const LineageGraph &g)
{
    LineageLayoutRequest r;
    for (const LineageNode &n : g.nodes)
        r.nodeSizes << QSizeF(20 + 7.0 * double(n.name.size()), 24);
    r.edges = g.edges;
    return r;
}

QRectF boxOf(const LineageLayout &l, const LineageLayoutRequest &r, int i)
{
    const QSizeF s = r.nodeSizes.at(i);
    return {l.nodeCentres.at(i) - QPointF(s.width() / 2, s.height() / 2), s};
}

} // namespace

class TestLineageLayoutService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_thread = new QThread;
        m_thread->setObjectName(QStringLiteral("lineage"));
        m_service = new LineageLayoutService;
        m_service->moveToThread(m_thread);
        connect(m_thread, &QThread::finished, m_service, &QObject::deleteLater);
        m_thread->start();
    }

    void cleanup()
    {
        m_thread->quit();
        QVERIFY(m_thread->wait(10'000));
        delete m_thread;
    }

    void placesEveryNode_data()
    {
        QTest::addColumn<QString>("manifest");
        QTest::addColumn<int>("nodes");
        QTest::newRow("jaffle_shop") << kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/ls/manifest.json") << 8;
        QTest::newRow("hubspot") << kFixtures + QStringLiteral("/public-fivetran-hubspot/manifest.json") << 271;
        QTest::newRow("a 300-rank synthetic project") << QString() << 332;
    }

    void placesEveryNode()
    {
        QFETCH(QString, manifest);
        QFETCH(int, nodes);
        const LineageGraph g = manifest.isEmpty() ? deepProject() : wholeProject(manifest);
        QCOMPARE(g.nodes.size(), nodes);
        QElapsedTimer clock;
        clock.start();
        const LineageLayoutRequest r = requestFor(g);
        // Connected before the spy: it has run by the time the spy sees the answer.
        std::atomic<QThread *> answeredOn = nullptr;
        connect(m_service, &LineageLayoutService::laidOut, m_service, [&answeredOn] { answeredOn = QThread::currentThread(); },
                Qt::DirectConnection);
        QSignalSpy spy(m_service, &LineageLayoutService::laidOut);
        QMetaObject::invokeMethod(m_service, [s = m_service, r] { s->layOut(7, r); }, Qt::QueuedConnection);
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 30'000); // (wait() would miss an answer already in)
        QVERIFY2(clock.elapsed() < 10'000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(answeredOn.load(), m_thread);
        QCOMPARE(spy.first().at(0).toInt(), 7);
        const auto l = spy.first().at(1).value<LineageLayout>();
        QVERIFY2(l.error.isEmpty(), qPrintable(l.error));
        QCOMPARE(l.nodeCentres.size(), g.nodes.size());
        QCOMPARE(l.edges.size(), g.edges.size());
        const QRectF bounds = l.bounds.adjusted(-1, -1, 1, 1);
        for (int i = 0; i < nodes; ++i) {
            QVERIFY2(bounds.contains(boxOf(l, r, i)), qPrintable(g.nodes.at(i).uniqueId));
            for (int j = i + 1; j < nodes; ++j)
                QVERIFY2(!boxOf(l, r, i).adjusted(1, 1, -1, -1).intersects(boxOf(l, r, j)),
                         qPrintable(g.nodes.at(i).uniqueId + QStringLiteral(" overlaps ") + g.nodes.at(j).uniqueId));
        }
        for (int k = 0; k < g.edges.size(); ++k) {
            const LineageEdge &e = g.edges.at(k);
            const QRectF from = boxOf(l, r, e.from), to = boxOf(l, r, e.to);
            // rankdir=LR: the parent's whole box is left of the child's.
            QVERIFY2(from.right() < to.left(), qPrintable(g.nodes.at(e.from).name + QStringLiteral(" → ") + g.nodes.at(e.to).name));
            const LineageLayout::Edge &path = l.edges.at(k);
            QVERIFY(path.points.size() >= 4);
            QCOMPARE((path.points.size() - 1) % 3, 0);
            // It starts at the parent's box and its arrow ends at the child's (within a pixel or two).
            QVERIFY(from.adjusted(-2, -2, 2, 2).contains(path.points.first()));
            QVERIFY(to.adjusted(-2, -2, 2, 2).contains(path.arrowTip));
            QVERIFY(path.points.first().x() < path.arrowTip.x());
        }
    }

    void onlyTheNewestWaitingRequestIsLaidOut()
    {
        const LineageGraph g = wholeProject(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/ls/manifest.json"));
        LineageLayoutRequest small = requestFor(g);
        QSignalSpy spy(m_service, &LineageLayoutService::laidOut);
        // Hold the worker so that three requests wait together.
        QSemaphore held, release;
        QMetaObject::invokeMethod(m_service, [&] {
            held.release();
            release.acquire();
        }, Qt::QueuedConnection);
        held.acquire();
        for (int ticket : {1, 2, 3})
            QMetaObject::invokeMethod(m_service, [s = m_service, small, ticket] { s->layOut(ticket, small); }, Qt::QueuedConnection);
        release.release();
        QTRY_VERIFY_WITH_TIMEOUT(!spy.isEmpty(), 10'000);
        QTest::qWait(200); // no other answer follows
        QCOMPARE(spy.size(), 1);
        QCOMPARE(spy.first().at(0).toInt(), 3);
        // And one asked afterwards is answered too.
        QMetaObject::invokeMethod(m_service, [s = m_service, small] { s->layOut(4, small); }, Qt::QueuedConnection);
        QTRY_COMPARE(spy.size(), 2);
        QCOMPARE(spy.at(1).at(0).toInt(), 4);
    }

    void malformedRequestsAreRefused()
    {
        LineageLayoutService here; // synchronous, on this thread: the same code the slot runs
        LineageLayoutRequest r;
        r.nodeSizes = {QSizeF(80, 24), QSizeF(80, 24)};
        r.edges = {LineageEdge{0, 2}};
        LineageLayout l = here.layOutNow(r);
        QVERIFY(l.error.contains(QLatin1String("not in the graph")));
        QVERIFY(l.nodeCentres.isEmpty());
        r.edges = {LineageEdge{0, 1}};
        r.nodeSizes[1] = QSizeF(0, 24);
        l = here.layOutNow(r);
        QVERIFY(l.error.contains(QLatin1String("no size")));
        r.nodeSizes[1] = QSizeF(80, 24);
        l = here.layOutNow(r);
        QVERIFY2(l.error.isEmpty(), qPrintable(l.error));
        QCOMPARE(l.nodeCentres.size(), 2);
        QVERIFY(l.nodeCentres.at(0).x() < l.nodeCentres.at(1).x());
        // Nothing to lay out: an empty answer, not an error.
        l = here.layOutNow({});
        QVERIFY(l.error.isEmpty());
        QVERIFY(l.nodeCentres.isEmpty());
    }

private:
    QThread *m_thread = nullptr;
    LineageLayoutService *m_service = nullptr;
};

QTEST_GUILESS_MAIN(TestLineageLayoutService)
#include "tst_lineagelayoutservice.moc"
