#include "lineagelayoutservice.h"

#include <QByteArray>
#include <QElapsedTimer>
#include <QLoggingCategory>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <mutex>
#include <vector>

namespace sluice {

Q_LOGGING_CATEGORY(lcLineageLayout, "sluice.services.lineage")

namespace {

// Graphviz's library state is global: one layout at a time in the process, whoever asks.
std::mutex s_graphvizLock;
// What Graphviz reports while a layout runs (only touched with s_graphvizLock held).
QByteArray s_graphvizMessages;

int collectMessage(char *message)
{
    s_graphvizMessages += message;
    return 0;
}

// cgraph's API takes char * for names and values it only reads.
char *cs(const char *text) { return const_cast<char *>(text); }

// Points are what Graphviz measures in; the view's pixels at zoom 1 are taken as points.
constexpr double kPointsPerInch = 72.0;

// dot draws an edge that spans k ranks through k-1 invisible nodes; a deep project whose models also
// read from far upstream (a 300-model chain where each model reads the one before and ones half-way
// back) makes tens of thousands of them, and dot then takes minutes. Past this many, the layout is made
// without the edges a longer path already implies (transitive reduction: the order of the ranks stays
// the same) and those edges are drawn as plain curves between their boxes.
constexpr qint64 kMaxSpannedRanks = 4000;

// For each edge, whether a longer path from its parent to its child exists (edges must form a DAG).
std::vector<bool> impliedEdges(int n, const QList<LineageEdge> &edges)
{
    auto children = std::vector<std::vector<int>>(size_t(n));
    std::vector<int> indegree(size_t(n), 0);
    for (const LineageEdge &e : edges) {
        children[size_t(e.from)].push_back(e.to);
        ++indegree[size_t(e.to)];
    }
    std::vector<int> order; // topological, Kahn's
    for (int i = 0; i < n; ++i)
        if (indegree[size_t(i)] == 0)
            order.push_back(i);
    for (size_t k = 0; k < order.size(); ++k)
        for (int c : children[size_t(order[k])])
            if (--indegree[size_t(c)] == 0)
                order.push_back(c);
    std::vector<bool> implied(size_t(edges.size()), false);
    if (int(order.size()) != n)
        return implied; // a cycle (dbt forbids them): nothing is left out
    // reach[i]: every node reachable from i by a path of at least one edge.
    std::vector<std::vector<bool>> reach(size_t(n), std::vector<bool>(size_t(n), false));
    for (auto it = order.rbegin(); it != order.rend(); ++it)
        for (int c : children[size_t(*it)]) {
            reach[size_t(*it)][size_t(c)] = true;
            for (int j = 0; j < n; ++j)
                if (reach[size_t(c)][size_t(j)])
                    reach[size_t(*it)][size_t(j)] = true;
        }
    for (qsizetype k = 0; k < edges.size(); ++k) {
        const LineageEdge &e = edges.at(k);
        for (int c : children[size_t(e.from)])
            if (c != e.to && reach[size_t(c)][size_t(e.to)]) {
                implied[size_t(k)] = true;
                break;
            }
    }
    return implied;
}

// How many ranks the edges span in all, with each node on the rank of its longest path from a root.
qint64 spannedRanks(int n, const QList<LineageEdge> &edges)
{
    std::vector<int> rank(size_t(n), 0);
    for (int pass = 0; pass < n; ++pass) { // Bellman-Ford style: stops once nothing moves (a DAG: <= n passes)
        bool moved = false;
        for (const LineageEdge &e : edges)
            if (rank[size_t(e.to)] < rank[size_t(e.from)] + 1) {
                rank[size_t(e.to)] = rank[size_t(e.from)] + 1;
                moved = true;
            }
        if (!moved)
            break;
    }
    qint64 total = 0;
    for (const LineageEdge &e : edges)
        total += std::max(0, rank[size_t(e.to)] - rank[size_t(e.from)] - 1);
    return total;
}

} // namespace

LineageLayoutService::LineageLayoutService(QObject *parent) : QObject(parent) {}

LineageLayoutService::~LineageLayoutService()
{
    if (m_gvc) {
        const std::lock_guard lock(s_graphvizLock);
        gvFreeContext(m_gvc);
    }
}

void LineageLayoutService::layOut(int ticket, const LineageLayoutRequest &request)
{
    // Laid out on the next turn, after every request already queued has arrived: only the newest runs.
    const bool scheduled = m_pending.has_value();
    m_pending.emplace(ticket, request);
    if (!scheduled)
        QMetaObject::invokeMethod(this, &LineageLayoutService::layOutPending, Qt::QueuedConnection);
}

void LineageLayoutService::layOutPending()
{
    if (!m_pending)
        return;
    auto [ticket, request] = std::move(*m_pending);
    m_pending.reset();
    QElapsedTimer t;
    t.start();
    const LineageLayout layout = layOutNow(request);
    qCDebug(lcLineageLayout) << "laid out" << request.nodeSizes.size() << "nodes," << request.edges.size() << "edges in"
                             << t.elapsed() << "ms" << layout.error;
    Q_EMIT laidOut(ticket, layout);
}

LineageLayout LineageLayoutService::layOutNow(const LineageLayoutRequest &request)
{
    LineageLayout out;
    const int n = int(request.nodeSizes.size());
    for (const QSizeF &s : request.nodeSizes)
        if (!(s.width() > 0 && s.height() > 0)) {
            out.error = tr("The lineage cannot be laid out: a node has no size.");
            return out;
        }
    for (const LineageEdge &e : request.edges)
        if (e.from < 0 || e.to < 0 || e.from >= n || e.to >= n) {
            out.error = tr("The lineage cannot be laid out: an edge names a node that is not in the graph.");
            return out;
        }
    if (n == 0)
        return out;

    const std::lock_guard lock(s_graphvizLock);
    if (!m_gvc)
        m_gvc = gvContext();
    s_graphvizMessages.clear();
    const agusererrf previous = agseterrf(&collectMessage);
    agreseterrors();

    Agraph_t *g = agopen(cs("lineage"), Agdirected, nullptr);
    agattr(g, AGRAPH, cs("rankdir"), cs("LR"));
    agattr(g, AGRAPH, cs("nodesep"), cs("0.18"));   // inches between nodes of one rank
    agattr(g, AGRAPH, cs("ranksep"), cs("0.7"));    // inches between ranks: room for the edges' curves
    // Boxes of exactly the size asked (the view draws the text; Graphviz measures no fonts).
    agattr(g, AGNODE, cs("shape"), cs("box"));
    agattr(g, AGNODE, cs("fixedsize"), cs("true"));
    agattr(g, AGNODE, cs("label"), cs(""));
    Agsym_t *width = agattr(g, AGNODE, cs("width"), cs("1"));
    Agsym_t *height = agattr(g, AGNODE, cs("height"), cs("0.3"));
    agattr(g, AGEDGE, cs("arrowsize"), cs("0.7"));

    std::vector<Agnode_t *> nodes(size_t(n), nullptr);
    for (int i = 0; i < n; ++i) {
        const QByteArray name = "n" + QByteArray::number(i);
        nodes[size_t(i)] = agnode(g, cs(name.constData()), 1);
        const QSizeF s = request.nodeSizes.at(i);
        agxset(nodes[size_t(i)], width, cs(QByteArray::number(s.width() / kPointsPerInch, 'f', 4).constData()));
        agxset(nodes[size_t(i)], height, cs(QByteArray::number(s.height() / kPointsPerInch, 'f', 4).constData()));
    }
    const std::vector<bool> leftOut = spannedRanks(n, request.edges) > kMaxSpannedRanks ? impliedEdges(n, request.edges)
                                                                                        : std::vector<bool>(size_t(request.edges.size()), false);
    std::vector<Agedge_t *> edges; // nullptr: left out of the layout, drawn as a plain curve
    edges.reserve(size_t(request.edges.size()));
    for (qsizetype k = 0; k < request.edges.size(); ++k) {
        const LineageEdge &e = request.edges.at(k);
        edges.push_back(leftOut[size_t(k)] ? nullptr : agedge(g, nodes[size_t(e.from)], nodes[size_t(e.to)], nullptr, 1));
    }

    if (gvLayout(m_gvc, g, "dot") != 0) {
        const QString why = QString::fromUtf8(s_graphvizMessages).trimmed();
        out.error = why.isEmpty() ? tr("Graphviz could not lay the lineage out.") : tr("Graphviz could not lay the lineage out: %1").arg(why);
    } else {
        const boxf bb = GD_bb(g);
        // Graphviz's y grows upwards; the view's downwards.
        const auto toView = [&bb](pointf p) { return QPointF(p.x, bb.UR.y - p.y); };
        out.bounds = QRectF(bb.LL.x, 0, bb.UR.x - bb.LL.x, bb.UR.y - bb.LL.y);
        out.nodeCentres.reserve(n);
        for (Agnode_t *node : nodes)
            out.nodeCentres << toView(ND_coord(node));
        out.edges.reserve(qsizetype(edges.size()));
        for (size_t k = 0; k < edges.size(); ++k) {
            Agedge_t *e = edges[k];
            LineageLayout::Edge path;
            if (!e) { // from the parent's right side to the child's left, one cubic segment
                const LineageEdge &le = request.edges.at(qsizetype(k));
                const QPointF a = out.nodeCentres.at(le.from) + QPointF(request.nodeSizes.at(le.from).width() / 2, 0);
                const QPointF b = out.nodeCentres.at(le.to) - QPointF(request.nodeSizes.at(le.to).width() / 2, 0);
                const double bend = std::max(20.0, (b.x() - a.x()) / 3);
                path.points = {a, a + QPointF(bend, 0), b - QPointF(bend, 0), b};
                path.arrowTip = b;
                out.edges << path;
                continue;
            }
            bool tip = false;
            if (const splines *spl = ED_spl(e)) {
                for (int b = 0; b < spl->size; ++b) {
                    const bezier &bz = spl->list[b];
                    for (int p = 0; p < bz.size; ++p)
                        path.points << toView(bz.list[p]);
                    if (bz.eflag) {
                        path.arrowTip = toView(bz.ep);
                        tip = true;
                    }
                }
            }
            if (!tip && !path.points.isEmpty())
                path.arrowTip = path.points.constLast();
            out.edges << path;
        }
        gvFreeLayout(m_gvc, g);
    }
    agclose(g);
    agseterrf(previous);
    return out;
}

} // namespace sluice
