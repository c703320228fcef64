// The lineage panel with real widgets and the real layout service on its own thread, on jaffle_shop's
// manifest: the graph of the focused model, coloured by last status and outlined; a click on a node
// emits its id; zoom in/out and fit by action and shortcut; stale layouts dropped; a new focus inside
// the same graph restyles without a new layout. And on the Transform page: the selected model is the
// focus, and a click on a node selects that model's row.
#include "dbt/dbtartifacts.h"
#include "itemmodels/modellistmodel.h"
#include "pages/transform/lineagepanel.h"
#include "pages/transform/lineageview.h"
#include "pages/transform/transformpage.h"
#include "services/lineagelayoutservice.h"

#include <QAction>
#include <QCheckBox>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QTableView>
#include <QTest>
#include <QThread>

using namespace sluice;

namespace {

const QString kJaffle = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/artifacts/ok/json/ls/manifest.json");

QString id(const char *name)
{
    const QString n = QString::fromLatin1(name);
    return (n.startsWith(QLatin1String("raw_")) ? QStringLiteral("seed.jaffle_shop.") : QStringLiteral("model.jaffle_shop.")) + n;
}

// The Transform page's rows for jaffle_shop (tests left out, as the service sends them), with stg_orders
// last failed and customers last succeeded.
QList<TransformModelRow> jaffleRows()
{
    auto m = readManifest(kJaffle);
    if (!m)
        qFatal("%s", qPrintable(m.error().message));
    QList<TransformModelRow> rows;
    for (const DbtManifestNode &n : m->nodes) {
        if (n.resourceType == QLatin1String("test"))
            continue;
        TransformModelRow r;
        r.id = rows.size();
        r.node = n;
        if (n.uniqueId == id("stg_orders"))
            r.last = LastNodeResult{QStringLiteral("error"), 1.0, 0, 1};
        if (n.uniqueId == id("customers"))
            r.last = LastNodeResult{QStringLiteral("success"), 1.0, 0, 1};
        rows << r;
    }
    return rows;
}

QPoint viewportPointOf(LineageView *view, const QString &uniqueId)
{
    return view->mapFromScene(view->nodeItem(uniqueId)->sceneBoundingRect().center());
}

} // namespace

class TestLineagePanel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_thread = new QThread;
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

    void showsTheFocusedModelsLineage()
    {
        LineagePanel panel;
        wire(panel);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QVERIFY(panel.statusLabel()->text().isEmpty());
        panel.setModels(jaffleRows());
        // Models but nothing focused: the empty state offers the whole project.
        QPushButton *showAll = nullptr;
        for (QPushButton *b : panel.findChildren<QPushButton *>())
            if (b->accessibleName() == QLatin1String("Show the whole project's lineage"))
                showAll = b;
        QVERIFY(showAll);
        QTRY_VERIFY(showAll->isVisible());
        QVERIFY(!panel.view()->isVisible());
        panel.setFocusIds({id("customers")});
        // Two levels up (stg_*, raw_*), nothing downstream of customers.
        QTRY_COMPARE(panel.view()->nodeCount(), 7);
        QVERIFY(panel.view()->isVisible());
        QCOMPARE(panel.view()->edgeCount(), 6);
        QVERIFY2(panel.statusLabel()->text().startsWith(QLatin1String("7 nodes, 6 edges")), qPrintable(panel.statusLabel()->text()));
        QCOMPARE(panel.view()->nodeItem(id("stg_orders"))->tone(), StatusTone::Bad);
        QCOMPARE(panel.view()->nodeItem(id("customers"))->tone(), StatusTone::Good);
        QCOMPARE(panel.view()->nodeItem(id("raw_orders"))->tone(), StatusTone::Neutral);
        QVERIFY(panel.view()->nodeItem(id("customers"))->isFocused());
        QVERIFY(!panel.view()->nodeItem(id("stg_orders"))->isFocused());
        QVERIFY(!panel.view()->nodeItem(id("orders")));
        // Parents are drawn left of their children.
        QVERIFY(panel.view()->nodeItem(id("raw_orders"))->x() < panel.view()->nodeItem(id("stg_orders"))->x());
        QVERIFY(panel.view()->nodeItem(id("stg_orders"))->x() < panel.view()->nodeItem(id("customers"))->x());

        // Fewer levels: a new layout with fewer nodes.
        panel.upstreamBox()->setValue(1);
        QTRY_COMPARE(panel.view()->nodeCount(), 4);
        panel.downstreamBox()->setValue(0);
        panel.upstreamBox()->setValue(0);
        QTRY_COMPARE(panel.view()->nodeCount(), 1);
    }

    void clickEmitsTheNodesId()
    {
        LineagePanel panel;
        wire(panel);
        panel.resize(900, 600);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setModels(jaffleRows());
        panel.setFocusIds({id("stg_orders")});
        QTRY_COMPARE(panel.view()->nodeCount(), 4); // raw_orders, stg_orders, orders, customers
        QSignalSpy activated(&panel, &LineagePanel::modelActivated);
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, viewportPointOf(panel.view(), id("orders")));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toString(), id("orders"));
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, viewportPointOf(panel.view(), id("raw_orders")));
        QCOMPARE(activated.size(), 2);
        QCOMPARE(activated.last().first().toString(), id("raw_orders"));
        // Empty space: nothing.
        QTest::mouseClick(panel.view()->viewport(), Qt::LeftButton, {}, QPoint(3, 3));
        QCOMPARE(activated.size(), 2);
    }

    void zoomAndFit()
    {
        LineagePanel panel;
        wire(panel);
        panel.resize(500, 400);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        panel.setModels(jaffleRows());
        panel.wholeProjectBox()->setChecked(true);
        QTRY_COMPARE(panel.view()->nodeCount(), 8);
        LineageView *v = panel.view();
        const double fitted = v->zoom();
        const auto wholeGraphVisible = [v] {
            return v->mapToScene(v->viewport()->rect()).boundingRect().adjusted(-1, -1, 1, 1).contains(v->scene()->sceneRect());
        };
        QVERIFY(wholeGraphVisible());
        panel.zoomInAction()->trigger();
        QCOMPARE(v->zoom(), fitted * 1.25);
        QVERIFY(!wholeGraphVisible());
        v->setFocus();
        QTest::keyClick(v, Qt::Key_Equal, Qt::ControlModifier);
        QCOMPARE(v->zoom(), fitted * 1.25 * 1.25);
        QTest::keyClick(v, Qt::Key_Minus, Qt::ControlModifier);
        QCOMPARE(v->zoom(), fitted * 1.25 * 1.25 * 0.8);
        QTest::keyClick(v, Qt::Key_0, Qt::ControlModifier);
        QCOMPARE(v->zoom(), fitted);
        QVERIFY(wholeGraphVisible());
        panel.zoomInAction()->trigger();
        QTest::mouseClick(panel.fitButton(), Qt::LeftButton);
        QCOMPARE(v->zoom(), fitted);
        // The wheel zooms too, and the zoom stays within its bounds.
        for (int i = 0; i < 40; ++i)
            panel.zoomOutAction()->trigger();
        QCOMPARE(v->zoom(), LineageView::kMinZoom);
    }

    void staleLayoutsAreDropped()
    {
        LineagePanel panel; // not wired: the test answers the requests itself
        QList<std::pair<int, LineageLayoutRequest>> asked;
        connect(&panel, &LineagePanel::layoutRequested, this, [&asked](int t, const LineageLayoutRequest &r) { asked.append({t, r}); });
        panel.show();
        panel.setModels(jaffleRows());
        panel.setFocusIds({id("customers")});
        QTRY_COMPARE(asked.size(), 1);
        panel.setFocusIds({id("raw_orders")});
        QTRY_COMPARE(asked.size(), 2);
        QVERIFY(asked.at(1).first > asked.at(0).first);
        QCOMPARE(panel.ticket(), asked.at(1).first);
        LineageLayoutService here;
        // The first answer comes late: dropped.
        panel.showLayout(asked.at(0).first, here.layOutNow(asked.at(0).second));
        QCOMPARE(panel.view()->nodeCount(), 0);
        QVERIFY(panel.statusLabel()->text().startsWith(QLatin1String("Laying out")));
        // The newest is shown: raw_orders and its two levels down.
        panel.showLayout(asked.at(1).first, here.layOutNow(asked.at(1).second));
        QCOMPARE(panel.view()->nodeCount(), 4);
        QVERIFY(panel.view()->nodeItem(id("raw_orders")));
        // An answer that does not fit its graph is said so, not drawn.
        panel.downstreamBox()->setValue(1);
        QTRY_COMPARE(asked.size(), 3);
        LineageLayout wrong;
        wrong.error = QStringLiteral("Graphviz could not lay the lineage out: syntax error");
        panel.showLayout(asked.at(2).first, wrong);
        QCOMPARE(panel.view()->nodeCount(), 0);
        QCOMPARE(panel.statusLabel()->text(), wrong.error);
    }

    void newFocusInTheSameGraphRestyles()
    {
        LineagePanel panel;
        int requests = 0;
        connect(&panel, &LineagePanel::layoutRequested, this, [&requests] { ++requests; });
        wire(panel);
        panel.show();
        panel.setModels(jaffleRows());
        panel.wholeProjectBox()->setChecked(true);
        panel.setFocusIds({id("orders")});
        QTRY_COMPARE(panel.view()->nodeCount(), 8);
        QCOMPARE(requests, 1);
        QVERIFY(panel.view()->nodeItem(id("orders"))->isFocused());
        panel.setFocusIds({id("customers")});
        QTRY_VERIFY(panel.view()->nodeItem(id("customers"))->isFocused());
        QVERIFY(!panel.view()->nodeItem(id("orders"))->isFocused());
        QTest::qWait(100);
        QCOMPARE(requests, 1);
        // New statuses, same nodes: restyled in place.
        QList<TransformModelRow> rows = jaffleRows();
        for (TransformModelRow &r : rows)
            if (r.node.uniqueId == id("orders"))
                r.last = LastNodeResult{QStringLiteral("skipped"), {}, 0, 2};
        panel.setModels(rows);
        QTRY_COMPARE(panel.view()->nodeItem(id("orders"))->tone(), StatusTone::Warning);
        QCOMPARE(requests, 1);
    }

    void onTheTransformPage()
    {
        TransformPage page;
        wire(*page.lineagePanel());
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        page.showModels(0, jaffleRows());
        QTRY_COMPARE(page.modelModel()->rowCount(), 8);
        LineagePanel *panel = page.lineagePanel();
        // The selected row is the lineage's focus.
        const auto select = [&page](const QString &uniqueId) {
            auto *proxy = qobject_cast<QSortFilterProxyModel *>(page.modelTable()->model());
            const QModelIndex source = page.modelModel()->index(page.modelModel()->rowOfUniqueId(uniqueId), 0);
            page.modelTable()->selectRow(proxy->mapFromSource(source).row());
        };
        const auto selectedId = [&page] {
            const QModelIndexList rows = page.modelTable()->selectionModel()->selectedRows();
            return rows.isEmpty() ? QString() : rows.first().data(ModelListModel::kUniqueIdRole).toString();
        };
        select(id("orders"));
        page.showLineage();
        QTRY_VERIFY(panel->view()->nodeItem(id("orders")) && panel->view()->nodeItem(id("orders"))->isFocused());
        QTRY_VERIFY(panel->view()->isVisible());
        // A click on a node selects its row, which becomes the focus.
        QTRY_VERIFY(panel->view()->nodeItem(id("stg_payments")));
        QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {}, viewportPointOf(panel->view(), id("stg_payments")));
        QCOMPARE(selectedId(), id("stg_payments"));
        QTRY_VERIFY(panel->view()->nodeItem(id("stg_payments")) && panel->view()->nodeItem(id("stg_payments"))->isFocused());
        QVERIFY(panel->view()->nodeItem(id("raw_payments")));
    }

private:
    void wire(LineagePanel &panel)
    {
        connect(&panel, &LineagePanel::layoutRequested, m_service, &LineageLayoutService::layOut);
        connect(m_service, &LineageLayoutService::laidOut, &panel, &LineagePanel::showLayout);
    }

    QThread *m_thread = nullptr;
    LineageLayoutService *m_service = nullptr;
};

QTEST_MAIN(TestLineagePanel)
#include "tst_lineagepanel.moc"
