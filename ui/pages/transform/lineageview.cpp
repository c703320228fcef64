#include "lineageview.h"

#include "widgets/statustone.h"

#include <QApplication>
#include <QGraphicsScene>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QStyleOptionGraphicsItem>
#include <QWheelEvent>

#include <cmath>

namespace sluice {

namespace {

constexpr double kPadX = 10, kPadY = 5, kMaxTextWidth = 240, kMinWidth = 48, kRadius = 5;
// Below this zoom a name is under ~6 px tall: boxes are drawn without it.
constexpr double kTextZoom = 0.45;
// The zoom a graph is shown at when fitting all of it would be below kTextZoom.
constexpr double kReadableZoom = 0.85;

QColor mix(const QColor &a, const QColor &b, double share)
{
    return QColor::fromRgbF(float(a.redF() * (1 - share) + b.redF() * share), float(a.greenF() * (1 - share) + b.greenF() * share),
                            float(a.blueF() * (1 - share) + b.blueF() * share));
}

const QPalette &paletteOf(const QWidget *widget, const QStyleOptionGraphicsItem *option)
{
    return widget ? widget->palette() : option->palette;
}

} // namespace

// One edge: the layout's B-spline and an arrow head at its child's end.
class LineageEdgeItem : public QGraphicsItem
{
public:
    LineageEdgeItem(const LineageLayout::Edge &e, QString from, QString to) : m_from(std::move(from)), m_to(std::move(to))
    {
        setZValue(-1);
        if (e.points.isEmpty())
            return;
        m_path.moveTo(e.points.first());
        for (qsizetype i = 1; i + 2 < e.points.size(); i += 3)
            m_path.cubicTo(e.points.at(i), e.points.at(i + 1), e.points.at(i + 2));
        // Graphviz ends the spline short of the node where it draws the arrow head up to the tip.
        QPointF end = e.points.last(), tip = e.arrowTip;
        QPointF dir = tip - end;
        if (std::hypot(dir.x(), dir.y()) < 1.0) { // no separate tip: the head ends the curve
            tip = end;
            dir = end - (e.points.size() > 1 ? e.points.at(e.points.size() - 2) : end - QPointF(1, 0));
        } else {
            m_path.lineTo(tip - dir * 0.5);
        }
        const double len = std::hypot(dir.x(), dir.y());
        const QPointF u = len > 0 ? dir / len : QPointF(1, 0), n(-u.y(), u.x());
        const double size = 7;
        m_head << tip << tip - u * size + n * size * 0.45 << tip - u * size - n * size * 0.45;
        m_bounds = m_path.boundingRect().united(m_head.boundingRect()).adjusted(-3, -3, 3, 3);
    }
    void setEmphasis(bool on)
    {
        if (on != m_strong) {
            m_strong = on;
            setZValue(on ? -0.5 : -1);
            update();
        }
    }
    [[nodiscard]] const QString &from() const { return m_from; }
    [[nodiscard]] const QString &to() const { return m_to; }
    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *widget) override
    {
        const QPalette &pal = paletteOf(widget, option);
        const QColor c = m_strong ? pal.color(QPalette::Highlight) : mix(pal.color(QPalette::Base), pal.color(QPalette::Text), 0.45);
        p->setPen(QPen(c, m_strong ? 2.0 : 1.0));
        p->setBrush(Qt::NoBrush);
        p->drawPath(m_path);
        p->setPen(Qt::NoPen);
        p->setBrush(c);
        p->drawPolygon(m_head);
    }

private:
    QString m_from, m_to;
    QPainterPath m_path;
    QPolygonF m_head;
    QRectF m_bounds;
    bool m_strong = false;
};

LineageNodeItem::LineageNodeItem(const LineageNode &node, const QString &text, QSizeF size, QPointF centre)
    : m_node(node), m_text(text), m_rect(QPointF(-size.width() / 2, -size.height() / 2), size)
{
    setPos(centre);
    setStyle({}, false);
}

void LineageNodeItem::setStyle(const QString &lastStatus, bool focused)
{
    m_tone = dbtStatusTone(lastStatus);
    m_focused = focused;
    setToolTip(lastStatus.isEmpty() ? QApplication::translate("sluice::LineageView", "%1 (%2): no result recorded yet")
                                          .arg(m_node.name, m_node.resourceType)
                                    : QApplication::translate("sluice::LineageView", "%1 (%2): last status %3")
                                          .arg(m_node.name, m_node.resourceType, lastStatus));
    update();
}

QRectF LineageNodeItem::boundingRect() const
{
    return m_rect.adjusted(-2, -2, 2, 2);
}

void LineageNodeItem::paint(QPainter *p, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    const QPalette &pal = paletteOf(widget, option);
    const QColor base = pal.color(QPalette::Base), text = pal.color(QPalette::Text);
    const QColor tone = toneColor(m_tone, pal);
    // A tint of the status over the background: the name keeps the palette's own text contrast.
    const QColor fill = m_tone == StatusTone::Neutral ? mix(base, text, 0.06) : mix(base, tone, 0.22);
    QPen border(m_focused ? pal.color(QPalette::Highlight) : (m_tone == StatusTone::Neutral ? mix(base, text, 0.35) : tone),
                m_focused ? 3.0 : 1.2);
    // Sources and seeds (data that comes in, not built) have a dashed border.
    if (!m_focused && m_node.resourceType != QLatin1String("model") && m_node.resourceType != QLatin1String("snapshot"))
        border.setStyle(Qt::DashLine);
    p->setPen(border);
    p->setBrush(fill);
    p->drawRoundedRect(m_rect, kRadius, kRadius);
    if (option->levelOfDetailFromTransform(p->worldTransform()) < kTextZoom)
        return;
    p->setPen(text);
    p->drawText(m_rect.adjusted(kPadX, 0, -kPadX, 0), Qt::AlignCenter | Qt::TextSingleLine, m_text);
}

LineageView::LineageView(QWidget *parent) : QGraphicsView(parent)
{
    setScene(new QGraphicsScene(this));
    setRenderHint(QPainter::Antialiasing);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setBackgroundRole(QPalette::Base);
    setFocusPolicy(Qt::StrongFocus);
}

QSizeF LineageView::nodeSize(const LineageNode &node) const
{
    const QFontMetricsF fm(font());
    const double w = std::min(fm.horizontalAdvance(node.name), kMaxTextWidth);
    return {std::max(kMinWidth, std::ceil(w) + 2 * kPadX), std::ceil(fm.height()) + 2 * kPadY};
}

void LineageView::clearGraph()
{
    m_nodes.clear();
    m_edges.clear();
    m_fitted = m_framed = false;
    scene()->clear();
    scene()->setSceneRect({});
}

void LineageView::showGraph(const LineageGraph &graph, const LineageLayout &layout, const QHash<QString, QString> &lastStatus,
                            const QSet<QString> &focus)
{
    clearGraph();
    if (layout.nodeCentres.size() != graph.nodes.size() || layout.edges.size() != graph.edges.size())
        return;
    const QFontMetricsF fm(font());
    QGraphicsScene *s = scene();
    // Items go in without the scene's index: it is built once, on the first hit test, not per item.
    s->setItemIndexMethod(QGraphicsScene::NoIndex);
    for (qsizetype i = 0; i < graph.nodes.size(); ++i) {
        const LineageNode &n = graph.nodes.at(i);
        auto *item = new LineageNodeItem(n, fm.elidedText(n.name, Qt::ElideMiddle, kMaxTextWidth), nodeSize(n), layout.nodeCentres.at(i));
        s->addItem(item);
        m_nodes.insert(n.uniqueId, item);
    }
    for (qsizetype i = 0; i < graph.edges.size(); ++i) {
        const LineageEdge &e = graph.edges.at(i);
        auto *item = new LineageEdgeItem(layout.edges.at(i), graph.nodes.at(e.from).uniqueId, graph.nodes.at(e.to).uniqueId);
        s->addItem(item);
        m_edges << item;
    }
    s->setItemIndexMethod(QGraphicsScene::BspTreeIndex);
    s->setSceneRect(layout.bounds.adjusted(-20, -20, 20, 20));
    restyle(lastStatus, focus);
    frameGraph();
}

void LineageView::frameGraph()
{
    fit();
    m_framed = true;
    if (zoom() < kTextZoom && !m_focus.isEmpty()) {
        // The whole graph would be too small to read: show the focused nodes, readable.
        m_fitted = false;
        setZoom(kReadableZoom);
        QRectF around;
        for (const QString &id : std::as_const(m_focus))
            if (const LineageNodeItem *item = m_nodes.value(id))
                around = around.united(item->sceneBoundingRect());
        if (!around.isNull())
            centerOn(around.center());
    }
}

void LineageView::restyle(const QHash<QString, QString> &lastStatus, const QSet<QString> &focus)
{
    m_focus = focus;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it)
        it.value()->setStyle(lastStatus.value(it.key()), focus.contains(it.key()));
    for (LineageEdgeItem *e : std::as_const(m_edges))
        e->setEmphasis(focus.size() < m_nodes.size() && (focus.contains(e->from()) || focus.contains(e->to())));
}

double LineageView::zoom() const
{
    return transform().m11();
}

void LineageView::setZoom(double z)
{
    z = std::clamp(z, kMinZoom, kMaxZoom);
    const QGraphicsView::ViewportAnchor anchor = transformationAnchor();
    setTransformationAnchor(QGraphicsView::AnchorViewCenter);
    setTransform(QTransform::fromScale(z, z));
    setTransformationAnchor(anchor);
}

void LineageView::zoomBy(double factor)
{
    m_fitted = m_framed = false;
    setZoom(zoom() * factor);
}

void LineageView::fit()
{
    const QRectF r = scene()->sceneRect();
    if (r.isEmpty())
        return;
    const QRectF vp = viewport()->rect();
    // As large as fits, but never magnified past 1: a three-node graph stays at its natural size.
    setZoom(std::min({1.0, vp.width() / r.width(), vp.height() / r.height()}));
    centerOn(r.center());
    m_fitted = true;
    m_framed = false;
}

void LineageView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_framed)
        frameGraph();
    else if (m_fitted)
        fit();
}

void LineageView::wheelEvent(QWheelEvent *event)
{
    const double steps = event->angleDelta().y() / 120.0;
    if (steps == 0) {
        QGraphicsView::wheelEvent(event);
        return;
    }
    // Zooms around the point under the cursor (the transformation anchor).
    m_fitted = m_framed = false;
    const double z = std::clamp(zoom() * std::pow(1.2, steps), kMinZoom, kMaxZoom);
    scale(z / zoom(), z / zoom());
    event->accept();
}

void LineageView::mousePressEvent(QMouseEvent *event)
{
    m_pressed = event->button() == Qt::LeftButton;
    m_pressAt = event->position().toPoint();
    QGraphicsView::mousePressEvent(event);
}

void LineageView::mouseReleaseEvent(QMouseEvent *event)
{
    QGraphicsView::mouseReleaseEvent(event);
    if (!std::exchange(m_pressed, false) || event->button() != Qt::LeftButton
        || (event->position().toPoint() - m_pressAt).manhattanLength() >= QApplication::startDragDistance())
        return;
    for (QGraphicsItem *item : items(event->position().toPoint()))
        if (auto *node = qgraphicsitem_cast<LineageNodeItem *>(item)) {
            Q_EMIT nodeClicked(node->uniqueId());
            return;
        }
}

void LineageView::changeEvent(QEvent *event)
{
    // Items paint from the view's palette: a theme change (dark mode) only needs a repaint.
    if (event->type() == QEvent::PaletteChange)
        viewport()->update();
    QGraphicsView::changeEvent(event);
}

} // namespace sluice
