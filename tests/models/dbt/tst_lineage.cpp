// The lineage subgraph on real manifests: jaffle_shop's small graph worked out by hand (diamonds,
// depth limits both ways, several seeds, tests in or out, unknown seeds), and the hubspot project
// (271 models, seeds and sources) against an independent breadth-first walk over the file's own
// parent_map/child_map (the index is built from depends_on).
#include "dbt/dbtartifacts.h"
#include "dbt/lineage.h"

#include <QSet>
#include <QTest>

using namespace sluice;

namespace {

const QString kFixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");
const QString kJaffle = kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/ls/manifest.json");
const QString kHubspot = kFixtures + QStringLiteral("/public-fivetran-hubspot/manifest.json");

DbtManifest manifest(const QString &path)
{
    auto m = readManifest(path);
    if (!m)
        qFatal("%s", qPrintable(m.error().message));
    return std::move(*m);
}

// Every node the Transform page lists: the "nodes" object and the sources.
QList<DbtManifestNode> allNodes(const DbtManifest &m)
{
    QList<DbtManifestNode> out = m.nodes;
    for (const DbtManifestNode &n : m.otherResources)
        if (n.section == DbtSection::Source)
            out << n;
    return out;
}

QString jaffleId(const QString &name)
{
    return (name.startsWith(QLatin1String("raw_")) ? QStringLiteral("seed.jaffle_shop.") : QStringLiteral("model.jaffle_shop.")) + name;
}

// "name@depth" for each node, sorted; "a>b" for each edge, sorted: what a reader checks by eye.
QStringList nodesOf(const LineageGraph &g)
{
    QStringList out;
    for (const LineageNode &n : g.nodes)
        out << QStringLiteral("%1@%2").arg(n.name).arg(n.depth);
    out.sort();
    return out;
}

QStringList edgesOf(const LineageGraph &g)
{
    QStringList out;
    for (const LineageEdge &e : g.edges)
        out << g.nodes.at(e.from).name + QLatin1Char('>') + g.nodes.at(e.to).name;
    out.sort();
    return out;
}

} // namespace

class TestLineage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void jaffle_data()
    {
        QTest::addColumn<QStringList>("seeds");
        QTest::addColumn<int>("up");
        QTest::addColumn<int>("down");
        QTest::addColumn<QStringList>("nodes");
        QTest::addColumn<QStringList>("edges");
        const auto l = [](const char *s) { return QString::fromLatin1(s).split(QLatin1Char(' '), Qt::SkipEmptyParts); };

        QTest::newRow("customers, all upstream (a diamond of three staging models)")
            << QStringList{jaffleId(QStringLiteral("customers"))} << -1 << 2
            << l("customers@0 raw_customers@-2 raw_orders@-2 raw_payments@-2 stg_customers@-1 stg_orders@-1 stg_payments@-1")
            << l("raw_customers>stg_customers raw_orders>stg_orders raw_payments>stg_payments stg_customers>customers "
                 "stg_orders>customers stg_payments>customers");
        QTest::newRow("customers, one level up")
            << QStringList{jaffleId(QStringLiteral("customers"))} << 1 << 0
            << l("customers@0 stg_customers@-1 stg_orders@-1 stg_payments@-1")
            << l("stg_customers>customers stg_orders>customers stg_payments>customers");
        QTest::newRow("customers, nothing either way") << QStringList{jaffleId(QStringLiteral("customers"))} << 0 << 0 << l("customers@0") << QStringList();
        QTest::newRow("raw_orders, one level down")
            << QStringList{jaffleId(QStringLiteral("raw_orders"))} << 2 << 1 << l("raw_orders@0 stg_orders@1") << l("raw_orders>stg_orders");
        QTest::newRow("raw_orders, all downstream")
            << QStringList{jaffleId(QStringLiteral("raw_orders"))} << 0 << -1 << l("customers@2 orders@2 raw_orders@0 stg_orders@1")
            << l("raw_orders>stg_orders stg_orders>customers stg_orders>orders");
        QTest::newRow("stg_orders both ways")
            << QStringList{jaffleId(QStringLiteral("stg_orders"))} << 1 << 1 << l("customers@1 orders@1 raw_orders@-1 stg_orders@0")
            << l("raw_orders>stg_orders stg_orders>customers stg_orders>orders");
        // Two seeds share parents: each parent once, and every edge between included nodes.
        QTest::newRow("orders and customers, one level up")
            << QStringList{jaffleId(QStringLiteral("orders")), jaffleId(QStringLiteral("customers"))} << 1 << 0
            << l("customers@0 orders@0 stg_customers@-1 stg_orders@-1 stg_payments@-1")
            << l("stg_customers>customers stg_orders>customers stg_orders>orders stg_payments>customers stg_payments>orders");
        // One seed's parent is the other's child: the walk downstream goes on through it.
        QTest::newRow("raw_orders and orders: downstream through a node placed upstream")
            << QStringList{jaffleId(QStringLiteral("orders")), jaffleId(QStringLiteral("raw_orders"))} << 1 << 2
            << l("customers@2 orders@0 raw_orders@0 stg_orders@-1 stg_payments@-1")
            << l("raw_orders>stg_orders stg_orders>customers stg_orders>orders stg_payments>customers stg_payments>orders");
        QTest::newRow("a seed named twice and an unknown seed")
            << QStringList{jaffleId(QStringLiteral("orders")), jaffleId(QStringLiteral("orders")), QStringLiteral("model.jaffle_shop.nope")} << 0 << 0
            << l("orders@0") << QStringList();
    }

    void jaffle()
    {
        QFETCH(QStringList, seeds);
        QFETCH(int, up);
        QFETCH(int, down);
        QFETCH(QStringList, nodes);
        QFETCH(QStringList, edges);
        const LineageIndex index(allNodes(manifest(kJaffle)));
        LineageOptions o;
        o.upstream = up;
        o.downstream = down;
        const LineageGraph g = lineageSubgraph(index, seeds, o);
        QCOMPARE(nodesOf(g), nodes);
        QCOMPARE(edgesOf(g), edges);
        QVERIFY(!g.truncated);
        // Seeds come first, in the order given.
        QCOMPARE(g.nodes.first().uniqueId, seeds.first());
        QCOMPARE(g.unknownSeeds.contains(QStringLiteral("model.jaffle_shop.nope")), seeds.contains(QStringLiteral("model.jaffle_shop.nope")));
    }

    void testsLeftOutUnlessAsked()
    {
        const LineageIndex index(allNodes(manifest(kJaffle)));
        LineageOptions o;
        o.upstream = 0;
        o.downstream = 1;
        const QStringList seeds{jaffleId(QStringLiteral("stg_orders"))};
        const LineageGraph without = lineageSubgraph(index, seeds, o);
        for (const LineageNode &n : without.nodes)
            QVERIFY2(n.resourceType != QLatin1String("test"), qPrintable(n.uniqueId));
        QCOMPARE(without.nodes.size(), 3);
        o.includeTests = true;
        const LineageGraph with = lineageSubgraph(index, seeds, o);
        QStringList tests;
        for (const LineageNode &n : with.nodes)
            if (n.resourceType == QLatin1String("test"))
                tests << n.name;
        // stg_orders has unique, not_null and accepted_values tests on its columns.
        QCOMPARE(tests.size(), 3);
        QCOMPARE(with.nodes.size(), 6);
        // A test as a seed, tests left out: named as not found rather than drawn alone.
        o.includeTests = false;
        const QString aTest = [&] {
            for (const auto &n : index.nodes())
                if (n.resourceType == QLatin1String("test"))
                    return n.uniqueId;
            return QString();
        }();
        const LineageGraph onlyTest = lineageSubgraph(index, {aTest}, o);
        QVERIFY(onlyTest.nodes.isEmpty());
        QCOMPARE(onlyTest.unknownSeeds, QStringList{aTest});
    }

    // The hubspot project: the subgraph's nodes and depths against a walk over parent_map/child_map.
    void hubspotAgainstParentMap_data()
    {
        QTest::addColumn<QString>("seed");
        QTest::addColumn<int>("up");
        QTest::addColumn<int>("down");
        QTest::newRow("a mart, all upstream") << QStringLiteral("model.hubspot.hubspot__deals") << -1 << 0;
        QTest::newRow("a mart, two up") << QStringLiteral("model.hubspot.hubspot__deals") << 2 << 0;
        QTest::newRow("a staging model, all down") << QStringLiteral("model.hubspot.stg_hubspot__deal") << 0 << -1;
        QTest::newRow("a staging model, 1 up 2 down") << QStringLiteral("model.hubspot.stg_hubspot__deal") << 1 << 2;
        QTest::newRow("a source, three down") << QStringLiteral("source.hubspot.hubspot.deal") << 2 << 3;
    }

    void hubspotAgainstParentMap()
    {
        QFETCH(QString, seed);
        QFETCH(int, up);
        QFETCH(int, down);
        const DbtManifest m = manifest(kHubspot);
        const QList<DbtManifestNode> nodes = allNodes(m);
        QSet<QString> tests, known;
        for (const DbtManifestNode &n : nodes) {
            known.insert(n.uniqueId);
            if (n.resourceType == QLatin1String("test"))
                tests.insert(n.uniqueId);
        }
        QVERIFY2(known.contains(seed), qPrintable(seed));
        // The oracle: breadth-first over the file's maps, tests left out, first depth found kept.
        QHash<QString, int> expected{{seed, 0}};
        const auto walk = [&](const QHash<QString, QStringList> &map, int sign, int limit) {
            QStringList frontier{seed};
            QSet<QString> seen{seed};
            for (int level = 1; !frontier.isEmpty() && (limit < 0 || level <= limit); ++level) {
                QStringList next;
                for (const QString &id : frontier)
                    for (const QString &j : map.value(id))
                        if (!seen.contains(j) && known.contains(j) && !tests.contains(j)) {
                            seen.insert(j);
                            expected.insert(j, expected.value(j, sign * level));
                            next << j;
                        }
                frontier = next;
            }
        };
        walk(m.parentMap, -1, up);
        walk(m.childMap, +1, down);

        LineageOptions o;
        o.upstream = up;
        o.downstream = down;
        const LineageGraph g = lineageSubgraph(LineageIndex(nodes), {seed}, o);
        QHash<QString, int> got;
        for (const LineageNode &n : g.nodes)
            got.insert(n.uniqueId, n.depth);
        QCOMPARE(got.size(), expected.size());
        QCOMPARE(got, expected);
        QVERIFY(g.nodes.size() > 3); // the rows above are chosen to reach beyond one node
        // Each edge is a parent_map entry, and each parent_map entry between included nodes is an edge.
        QSet<std::pair<int, int>> edges;
        for (const LineageEdge &e : g.edges) {
            QVERIFY(m.parentMap.value(g.nodes.at(e.to).uniqueId).contains(g.nodes.at(e.from).uniqueId));
            QVERIFY2(!edges.contains({e.from, e.to}), "an edge twice");
            edges.insert({e.from, e.to});
        }
        int inMap = 0;
        for (const LineageNode &child : g.nodes)
            for (const QString &p : m.parentMap.value(child.uniqueId))
                inMap += got.contains(p) ? 1 : 0;
        QCOMPARE(int(g.edges.size()), inMap);
    }

    void wholeProjectAndTheCap()
    {
        const QList<DbtManifestNode> nodes = allNodes(manifest(kHubspot));
        const LineageIndex index(nodes);
        QStringList all;
        for (const DbtManifestNode &n : nodes)
            if (n.resourceType != QLatin1String("test"))
                all << n.uniqueId;
        const LineageGraph g = lineageSubgraph(index, all);
        QCOMPARE(g.nodes.size(), all.size());
        QCOMPARE(g.nodes.size(), 154 + 56 + 61); // models, seeds, sources
        QVERIFY(!g.truncated);
        QVERIFY(g.edges.size() > 200);
        LineageOptions capped;
        capped.maxNodes = 50;
        const LineageGraph c = lineageSubgraph(index, all, capped);
        QCOMPARE(c.nodes.size(), 50);
        QVERIFY(c.truncated);
        for (const LineageEdge &e : c.edges)
            QVERIFY(e.from < 50 && e.to < 50);
        // The same question twice has the same shape; another depth does not.
        QVERIFY(lineageSubgraph(index, {all.first()}).sameShape(lineageSubgraph(index, {all.first()})));
        LineageOptions deeper;
        deeper.downstream = -1;
        const QString source = QStringLiteral("source.hubspot.hubspot.deal");
        QVERIFY(lineageSubgraph(index, {source}).nodes.size() < lineageSubgraph(index, {source}, deeper).nodes.size());
        QVERIFY(!lineageSubgraph(index, {source}).sameShape(lineageSubgraph(index, {source}, deeper)));
    }

    void statusTones()
    {
        QCOMPARE(dbtStatusTone(u"success"), StatusTone::Good);
        QCOMPARE(dbtStatusTone(u"pass"), StatusTone::Good);
        QCOMPARE(dbtStatusTone(u"error"), StatusTone::Bad);
        QCOMPARE(dbtStatusTone(u"fail"), StatusTone::Bad);
        QCOMPARE(dbtStatusTone(u"skipped"), StatusTone::Warning);
        QCOMPARE(dbtStatusTone(u"warn"), StatusTone::Warning);
        QCOMPARE(dbtStatusTone(u""), StatusTone::Neutral);
    }
};

QTEST_GUILESS_MAIN(TestLineage)
#include "tst_lineage.moc"
