#include "lineage.h"

#include <QSet>

#include <algorithm>

namespace sluice {

namespace {

bool isTest(const LineageIndex::Node &n)
{
    return n.resourceType == QLatin1String("test") || n.resourceType == QLatin1String("unit_test");
}

} // namespace

LineageIndex::LineageIndex(const QList<DbtManifestNode> &nodes)
{
    m_nodes.reserve(nodes.size());
    m_index.reserve(nodes.size());
    for (const DbtManifestNode &n : nodes) {
        if (m_index.contains(n.uniqueId))
            continue;
        m_index.insert(n.uniqueId, int(m_nodes.size()));
        m_nodes.append(Node{n.uniqueId, n.name, n.resourceType, {}, {}});
    }
    for (const DbtManifestNode &n : nodes) {
        const int child = m_index.value(n.uniqueId);
        for (const QString &dep : n.dependsOn) {
            const int parent = m_index.value(dep, -1);
            if (parent < 0 || parent == child || m_nodes[child].parents.contains(parent))
                continue;
            m_nodes[child].parents.append(parent);
            m_nodes[parent].children.append(child);
        }
    }
}

int LineageGraph::indexOf(const QString &uniqueId) const
{
    for (int i = 0; i < nodes.size(); ++i)
        if (nodes.at(i).uniqueId == uniqueId)
            return i;
    return -1;
}

bool LineageGraph::sameShape(const LineageGraph &other) const
{
    if (nodes.size() != other.nodes.size() || edges != other.edges)
        return false;
    for (int i = 0; i < nodes.size(); ++i)
        if (nodes.at(i).uniqueId != other.nodes.at(i).uniqueId)
            return false;
    return true;
}

LineageGraph lineageSubgraph(const LineageIndex &index, const QStringList &seeds, const LineageOptions &options)
{
    LineageGraph g;
    const auto &all = index.nodes();
    QHash<int, int> placed; // index node → position in g.nodes
    const auto place = [&](int i, int depth) {
        placed.insert(i, int(g.nodes.size()));
        g.nodes.append(LineageNode{all.at(i).uniqueId, all.at(i).name, all.at(i).resourceType, depth});
    };
    const auto full = [&] { return options.maxNodes > 0 && g.nodes.size() >= options.maxNodes; };

    QList<int> seedIndexes;
    for (const QString &id : seeds) {
        const int i = index.indexOf(id);
        if (i < 0 || (!options.includeTests && isTest(all.at(i)))) {
            g.unknownSeeds << id;
            continue;
        }
        if (placed.contains(i))
            continue;
        if (full()) {
            g.truncated = true;
            break;
        }
        place(i, 0);
        seedIndexes << i;
    }

    // Breadth-first one way: parents (sign -1) or children (+1), `limit` levels (negative: no limit).
    const auto walk = [&](int sign, int limit) {
        // Its own visited set: a node the other direction placed is still walked through (with several
        // seeds, one seed's parent can be another's child, and its other children are descendants too).
        QSet<int> seen(seedIndexes.cbegin(), seedIndexes.cend());
        QList<int> frontier = seedIndexes;
        for (int level = 1; !frontier.isEmpty() && (limit < 0 || level <= limit); ++level) {
            QList<int> next;
            for (int i : frontier) {
                for (int j : sign < 0 ? all.at(i).parents : all.at(i).children) {
                    if (seen.contains(j) || (!options.includeTests && isTest(all.at(j))))
                        continue;
                    if (!placed.contains(j)) {
                        if (full()) {
                            g.truncated = true;
                            return;
                        }
                        place(j, sign * level);
                    }
                    seen.insert(j);
                    next << j;
                }
            }
            frontier = std::move(next);
        }
    };
    walk(-1, options.upstream);
    walk(+1, options.downstream);

    // Every edge between two included nodes, parents before children in each node's order.
    for (auto it = placed.cbegin(); it != placed.cend(); ++it)
        for (int child : all.at(it.key()).children)
            if (const auto c = placed.constFind(child); c != placed.cend())
                g.edges.append(LineageEdge{it.value(), c.value()});
    std::sort(g.edges.begin(), g.edges.end(), [](const LineageEdge &a, const LineageEdge &b) {
        return a.from != b.from ? a.from < b.from : a.to < b.to;
    });
    return g;
}

StatusTone dbtStatusTone(QStringView status)
{
    if (status == u"success" || status == u"pass")
        return StatusTone::Good;
    if (status == u"error" || status == u"fail" || status == u"runtime error")
        return StatusTone::Bad;
    if (status == u"warn" || status == u"skipped")
        return StatusTone::Warning;
    return StatusTone::Neutral;
}

} // namespace sluice
