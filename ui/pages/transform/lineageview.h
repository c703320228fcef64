#pragma once

#include "dbt/lineage.h"

#include <QGraphicsItem>
#include <QGraphicsView>
#include <QHash>
#include <QSet>

namespace sluice {

class LineageNodeItem;
class LineageEdgeItem;

// A laid-out lineage graph in a QGraphicsScene: nodes as rounded boxes with the node's name, filled
// from the tone of its last status (statustone.h, from the palette: dark mode works), the focused
// nodes outlined in the palette's highlight and their edges drawn stronger; edges as the layout's
// splines with an arrow head. Zoomed out past the point where names can be read, nodes are drawn as
// boxes only. The wheel zooms around the cursor, a drag pans, zoomBy()/fit() do what the panel's
// actions ask (after a fit, until the user zooms, a resize fits again). A click (press and release without a drag) on a node emits nodeClicked(uniqueId).
class LineageView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit LineageView(QWidget *parent = nullptr);

    // The size a node's box needs at zoom 1 (its name in the view's font, long names elided).
    [[nodiscard]] QSizeF nodeSize(const LineageNode &node) const;
    // Replaces the scene: `layout` must have been made for `graph` (one centre per node, one path per
    // edge). Then fits the graph, or, when fitting would make names unreadable, shows the focused
    // nodes at a readable zoom.
    // `lastStatus`: dbt's word for each node's last result (none: no result yet).
    void showGraph(const LineageGraph &graph, const LineageLayout &layout, const QHash<QString, QString> &lastStatus,
                   const QSet<QString> &focus);
    // Changes colours and outlines of the graph shown (same nodes), without a new layout.
    void restyle(const QHash<QString, QString> &lastStatus, const QSet<QString> &focus);
    void clearGraph();

    [[nodiscard]] double zoom() const;
    void zoomBy(double factor);
    void fit();
    // The item of a node by its unique id (nullptr when not shown): for tests and the panel.
    [[nodiscard]] LineageNodeItem *nodeItem(const QString &uniqueId) const { return m_nodes.value(uniqueId); }
    [[nodiscard]] int nodeCount() const { return int(m_nodes.size()); }
    [[nodiscard]] int edgeCount() const { return int(m_edges.size()); }

    static constexpr double kMinZoom = 0.03, kMaxZoom = 4.0;

Q_SIGNALS:
    void nodeClicked(const QString &uniqueId);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void setZoom(double zoom);
    void frameGraph();

    QHash<QString, LineageNodeItem *> m_nodes;
    QList<LineageEdgeItem *> m_edges;
    QPoint m_pressAt;
    bool m_pressed = false;
    bool m_fitted = false;   // the last zoom was a fit: a resize fits again
    bool m_framed = false;   // shown as showGraph() framed it, untouched since: a resize frames it again
    QSet<QString> m_focus;
};

// One node's box (exposed for tests: its id, its tone, whether it is focused).
class LineageNodeItem : public QGraphicsItem
{
public:
    static constexpr int Type = UserType + 1;
    // `text`: the name as it fits the box.
    LineageNodeItem(const LineageNode &node, const QString &text, QSizeF size, QPointF centre);
    [[nodiscard]] const QString &uniqueId() const { return m_node.uniqueId; }
    [[nodiscard]] StatusTone tone() const { return m_tone; }
    [[nodiscard]] bool isFocused() const { return m_focused; }
    [[nodiscard]] const QString &text() const { return m_text; }
    void setStyle(const QString &lastStatus, bool focused);

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    LineageNode m_node;
    QString m_text;
    QRectF m_rect;
    StatusTone m_tone = StatusTone::Neutral;
    bool m_focused = false;
};

} // namespace sluice
