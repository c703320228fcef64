#pragma once

// The lineage of dbt nodes: which resources feed a model (upstream) and which it feeds (downstream),
// cut to a depth in each direction, and that subgraph's layout as plain values (the layout itself is
// computed by Graphviz on a thread of its own: executors/services/lineagelayoutservice.h). Pure data
// and pure functions: no Qt Gui, no Widgets; sent across threads by queued signals.

#include "dbt/manifest.h"
#include "domain/status.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QPointF>
#include <QRectF>
#include <QSizeF>
#include <QString>
#include <QStringList>

namespace sluice {

// The dependency graph of a project's nodes (depends_on.nodes), indexed once for many subgraph
// questions. Dependencies on ids that are not among the given nodes are left out (a model's
// depends_on may name macros' packages or disabled nodes the list does not hold); a dependency named
// twice is one edge.
class LineageIndex
{
public:
    LineageIndex() = default;
    explicit LineageIndex(const QList<DbtManifestNode> &nodes);

    struct Node {
        QString uniqueId, name, resourceType;
        QList<int> parents, children;   // indexes into nodes(), each once
    };
    [[nodiscard]] const QList<Node> &nodes() const { return m_nodes; }
    [[nodiscard]] int indexOf(const QString &uniqueId) const { return m_index.value(uniqueId, -1); }
    [[nodiscard]] int size() const { return int(m_nodes.size()); }

private:
    QList<Node> m_nodes;
    QHash<QString, int> m_index;
};

struct LineageOptions {
    int upstream = 2;         // levels of parents to include (0: none; negative: all)
    int downstream = 2;       // levels of children to include (0: none; negative: all)
    // Tests (data tests and unit tests) hang one or more leaves off every model they test: a 300-model
    // project has as many tests again, which would double the graph without saying anything about how
    // data flows. Left out (and not walked through) unless asked for.
    bool includeTests = false;
    // A cap that keeps the graph something a person can read and Graphviz lays out in well under a
    // second; nodes past it (farthest from the seeds, breadth-first) are left out and `truncated` set.
    int maxNodes = 1500;
};

struct LineageNode {
    QString uniqueId, name, resourceType;
    int depth = 0;            // 0: a seed; -k: k levels upstream; +k: k levels downstream
};

struct LineageEdge {
    int from = 0, to = 0;     // indexes into LineageGraph::nodes; `from` is the parent
    friend bool operator==(const LineageEdge &, const LineageEdge &) = default;
};

// A subgraph: its nodes (seeds first, then breadth-first upstream, then downstream) and every edge of
// the project between two of them (so a diamond shows both paths, and an edge between two upstream
// nodes shows too).
struct LineageGraph {
    QList<LineageNode> nodes;
    QList<LineageEdge> edges;
    QStringList unknownSeeds; // seeds the index does not hold (or tests, when tests are left out)
    bool truncated = false;   // maxNodes was reached

    [[nodiscard]] int indexOf(const QString &uniqueId) const;
    // The same nodes (by id, in order) and edges: the layout of one fits the other.
    [[nodiscard]] bool sameShape(const LineageGraph &other) const;
};

// The seeds' lineage: upstream to options.upstream levels and downstream to options.downstream levels,
// breadth-first (a node reached both ways, or at two depths, keeps the first depth found; seeds are 0).
[[nodiscard]] LineageGraph lineageSubgraph(const LineageIndex &index, const QStringList &seeds, const LineageOptions &options = {});

// dbt's words for a node's result (run_results status) as a tone: success/pass good, error/fail/
// runtime error bad, warn and skipped warning, anything else (no result) neutral.
[[nodiscard]] StatusTone dbtStatusTone(QStringView status);

// What a layout is asked: boxes (their size in the view's pixels at zoom 1) and edges between them.
struct LineageLayoutRequest {
    QList<QSizeF> nodeSizes;
    QList<LineageEdge> edges;
};

// Where a layout put things, in the view's coordinates (y grows downwards; the graph's top left is
// at bounds.topLeft()). nodeCentres has one point per requested node, in the request's order; edges
// one path per requested edge: a cubic B-spline's control points (start, then three points per
// segment) and, where Graphviz drew an arrow head, its tip (arrowTip; else equal to the last point).
// `error` is empty on success, else the sentence to show.
struct LineageLayout {
    QRectF bounds;
    QList<QPointF> nodeCentres;
    struct Edge {
        QList<QPointF> points;
        QPointF arrowTip;
    };
    QList<Edge> edges;
    QString error;
};

} // namespace sluice

Q_DECLARE_METATYPE(sluice::LineageLayoutRequest)
Q_DECLARE_METATYPE(sluice::LineageLayout)
