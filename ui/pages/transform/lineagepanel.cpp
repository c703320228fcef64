#include "lineagepanel.h"

#include "lineageview.h"

#include <QAction>
#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedLayout>
#include <QToolButton>
#include <QVBoxLayout>

namespace sluice {

namespace {

bool isTestType(const QString &type)
{
    return type == QLatin1String("test") || type == QLatin1String("unit_test");
}

} // namespace

LineagePanel::LineagePanel(QWidget *parent) : QWidget(parent), m_view(new LineageView(this))
{
    m_view->setAccessibleName(tr("Lineage graph"));
    m_view->setAccessibleDescription(tr("The selected model with what it reads from (left) and what reads it (right)"));

    const auto depthBox = [this](const QString &name, const QString &tip) {
        auto *b = new QSpinBox(this);
        b->setRange(-1, 50);
        b->setValue(2);
        b->setSpecialValueText(tr("all"));
        b->setAccessibleName(name);
        b->setToolTip(tip);
        connect(b, &QSpinBox::valueChanged, this, &LineagePanel::scheduleRefresh);
        return b;
    };
    m_up = depthBox(tr("Upstream levels"), tr("How many levels of what the model reads from to show (all: every ancestor)"));
    m_down = depthBox(tr("Downstream levels"), tr("How many levels of what reads the model to show (all: every descendant)"));
    auto *upLabel = new QLabel(tr("&Upstream:"), this);
    upLabel->setBuddy(m_up);
    auto *downLabel = new QLabel(tr("D&ownstream:"), this);
    downLabel->setBuddy(m_down);
    m_whole = new QCheckBox(tr("Whole &project"), this);
    m_whole->setAccessibleName(tr("Show the whole project"));
    m_whole->setToolTip(tr("Show every model, seed, snapshot and source of the project (tests left out)"));
    connect(m_whole, &QCheckBox::toggled, this, [this](bool on) {
        m_up->setEnabled(!on);
        m_down->setEnabled(!on);
        scheduleRefresh();
    });

    // Ctrl+= (the key with + on it, unshifted) beside the platform's own zoom keys, each once.
    const auto keys = [](QKeySequence own, QKeySequence::StandardKey standard) {
        QList<QKeySequence> all{own};
        for (const QKeySequence &k : QKeySequence::keyBindings(standard))
            if (!all.contains(k))
                all << k;
        return all;
    };
    m_zoomIn = new QAction(tr("Zoom in"), this);
    m_zoomIn->setShortcuts(keys(QKeySequence(Qt::CTRL | Qt::Key_Equal), QKeySequence::ZoomIn));
    m_zoomOut = new QAction(tr("Zoom out"), this);
    m_zoomOut->setShortcuts(keys(QKeySequence(Qt::CTRL | Qt::Key_Minus), QKeySequence::ZoomOut));
    m_fitAction = new QAction(tr("Fit the graph"), this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    for (QAction *a : {m_zoomIn, m_zoomOut, m_fitAction}) {
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
    }
    connect(m_zoomIn, &QAction::triggered, m_view, [this] { m_view->zoomBy(1.25); });
    connect(m_zoomOut, &QAction::triggered, m_view, [this] { m_view->zoomBy(0.8); });
    connect(m_fitAction, &QAction::triggered, m_view, &LineageView::fit);
    const auto toolButton = [this](QAction *a, const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setText(text);
        b->setToolTip(tip);
        b->setAccessibleName(a->text());
        return b;
    };
    QToolButton *zoomOut = toolButton(m_zoomOut, tr("−"), tr("Zoom out (Ctrl+-)"));
    QToolButton *zoomIn = toolButton(m_zoomIn, tr("+"), tr("Zoom in (Ctrl+=)"));
    m_fit = new QPushButton(tr("F&it"), this);
    m_fit->setAccessibleName(tr("Fit the graph"));
    m_fit->setToolTip(tr("Show the whole graph (Ctrl+0)"));
    connect(m_fit, &QPushButton::clicked, m_fitAction, &QAction::trigger);

    auto *bar = new QHBoxLayout;
    bar->addWidget(upLabel);
    bar->addWidget(m_up);
    bar->addWidget(downLabel);
    bar->addWidget(m_down);
    bar->addWidget(m_whole);
    bar->addStretch(1);
    bar->addWidget(zoomOut);
    bar->addWidget(zoomIn);
    bar->addWidget(m_fit);

    m_empty = new QWidget(this);
    m_emptyText = new QLabel(m_empty);
    m_emptyText->setWordWrap(true);
    m_emptyText->setAlignment(Qt::AlignCenter);
    m_emptyText->setAccessibleName(tr("Lineage"));
    m_showAll = new QPushButton(tr("Show the &whole project"), m_empty);
    m_showAll->setAccessibleName(tr("Show the whole project's lineage"));
    connect(m_showAll, &QPushButton::clicked, m_whole, [this] { m_whole->setChecked(true); });
    auto *emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->addStretch(1);
    emptyLayout->addWidget(m_emptyText);
    emptyLayout->addWidget(m_showAll, 0, Qt::AlignHCenter);
    emptyLayout->addStretch(2);

    auto *host = new QWidget(this);
    m_stack = new QStackedLayout(host);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_view);
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setAccessibleName(tr("Lineage status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(host, 1);
    layout->addWidget(m_status);

    connect(m_view, &LineageView::nodeClicked, this, &LineagePanel::modelActivated);
    refreshGraph();
}

void LineagePanel::setModels(const QList<TransformModelRow> &rows)
{
    QList<DbtManifestNode> nodes;
    nodes.reserve(rows.size());
    m_lastStatus.clear();
    for (const TransformModelRow &r : rows) {
        nodes << r.node;
        if (r.last)
            m_lastStatus.insert(r.node.uniqueId, r.last->status);
    }
    m_index = LineageIndex(nodes);
    scheduleRefresh();
}

void LineagePanel::setFocusIds(const QStringList &uniqueIds)
{
    if (uniqueIds == m_focus)
        return;
    m_focus = uniqueIds;
    scheduleRefresh();
}

void LineagePanel::scheduleRefresh()
{
    // Several changes in one turn (the rows and the selection, a spin box held down) make one graph.
    if (std::exchange(m_refreshScheduled, true))
        return;
    QMetaObject::invokeMethod(this, [this] {
        m_refreshScheduled = false;
        refreshGraph();
    }, Qt::QueuedConnection);
}

void LineagePanel::showEmpty(const QString &text, bool offerWholeProject)
{
    ++m_ticket; // a layout still on its way is for a graph no longer wanted
    m_wanted = {};
    m_shown = false;
    m_view->clearGraph();
    m_emptyText->setText(text);
    m_showAll->setVisible(offerWholeProject);
    m_stack->setCurrentWidget(m_empty);
    m_status->clear();
}

void LineagePanel::refreshGraph()
{
    if (m_index.size() == 0) {
        showEmpty(tr("The lineage shows here once the project's manifest lists its models."), false);
        return;
    }
    QStringList seeds;
    if (m_whole->isChecked()) {
        for (const LineageIndex::Node &n : m_index.nodes())
            if (!isTestType(n.resourceType))
                seeds << n.uniqueId;
    } else {
        seeds = m_focus;
    }
    if (seeds.isEmpty()) {
        showEmpty(tr("Select a model in the list to see what it reads from and what reads it."), true);
        return;
    }
    LineageOptions o;
    o.upstream = m_whole->isChecked() ? 0 : m_up->value();
    o.downstream = m_whole->isChecked() ? 0 : m_down->value();
    LineageGraph g = lineageSubgraph(m_index, seeds, o);
    if (g.nodes.isEmpty()) {
        showEmpty(tr("%1 is not a model, seed, snapshot or source of this manifest.").arg(m_focus.join(QStringLiteral(", "))), true);
        return;
    }
    m_stack->setCurrentWidget(m_view);
    const QSet<QString> focus(m_focus.cbegin(), m_focus.cend());
    if (m_shown && g.sameShape(m_wanted)) {
        m_wanted.unknownSeeds = g.unknownSeeds;
        m_view->restyle(m_lastStatus, focus);
        describe();
        return;
    }
    LineageLayoutRequest request;
    request.nodeSizes.reserve(g.nodes.size());
    for (const LineageNode &n : g.nodes)
        request.nodeSizes << m_view->nodeSize(n);
    request.edges = g.edges;
    m_wanted = std::move(g);
    m_shown = false;
    m_status->setText(tr("Laying out %1 nodes…").arg(m_wanted.nodes.size()));
    Q_EMIT layoutRequested(++m_ticket, request);
}

void LineagePanel::showLayout(int ticket, const LineageLayout &layout)
{
    if (ticket != m_ticket)
        return; // laid out for a graph that has since changed
    if (!layout.error.isEmpty() || layout.nodeCentres.size() != m_wanted.nodes.size()) {
        m_view->clearGraph();
        m_status->setText(layout.error.isEmpty() ? tr("The lineage's layout does not match its graph.") : layout.error);
        return;
    }
    m_view->showGraph(m_wanted, layout, m_lastStatus, QSet<QString>(m_focus.cbegin(), m_focus.cend()));
    m_shown = true;
    describe();
}

void LineagePanel::describe()
{
    const qsizetype nodes = m_wanted.nodes.size(), edges = m_wanted.edges.size();
    QString text = (nodes == 1 ? tr("1 node") : tr("%1 nodes").arg(nodes)) + (edges == 1 ? tr(", 1 edge") : tr(", %1 edges").arg(edges));
    if (m_wanted.truncated)
        text += tr("; only the nearest %1 shown").arg(nodes);
    if (!m_wanted.unknownSeeds.isEmpty() && !m_whole->isChecked())
        text += tr("; not in the manifest: %1").arg(m_wanted.unknownSeeds.join(QStringLiteral(", ")));
    text += tr(". Drag to pan, the wheel zooms; click a node to select it in the list.");
    m_status->setText(text);
}

} // namespace sluice
