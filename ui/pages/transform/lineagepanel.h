#pragma once

#include "dbt/lineage.h"
#include "domain/transformview.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QStackedLayout;

namespace sluice {

class LineageView;

// The lineage of the focused models: upstream and downstream to the depths chosen in two spin boxes
// (or the whole project), drawn by a LineageView once laid out. The layout is asked for with
// layoutRequested(ticket, request) (the composition root sends it to the LineageLayoutService's
// thread) and comes back through showLayout(ticket, layout); an answer whose ticket is not the newest
// is dropped. A change that keeps the same nodes and edges (new statuses, another focus inside a
// whole-project graph) restyles the graph without a new layout. Actions (and their shortcuts, while
// the panel has focus): zoom in Ctrl+=, zoom out Ctrl+-, fit Ctrl+0. Clicking a node emits
// modelActivated(uniqueId). A view: it never lays out or reads anything itself.
class LineagePanel : public QWidget
{
    Q_OBJECT
public:
    explicit LineagePanel(QWidget *parent = nullptr);

    // The project's nodes and their last results (the Transform page's model rows).
    void setModels(const QList<TransformModelRow> &rows);
    // The nodes the graph is about (the model selected in the list, or every model the selection box
    // takes: Show in lineage); empty: the empty state.
    void setFocusIds(const QStringList &uniqueIds);
    [[nodiscard]] const QStringList &focusIds() const { return m_focus; }

    [[nodiscard]] LineageView *view() const { return m_view; }
    [[nodiscard]] QSpinBox *upstreamBox() const { return m_up; }
    [[nodiscard]] QSpinBox *downstreamBox() const { return m_down; }
    [[nodiscard]] QCheckBox *wholeProjectBox() const { return m_whole; }
    [[nodiscard]] QPushButton *fitButton() const { return m_fit; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }
    [[nodiscard]] QAction *zoomInAction() const { return m_zoomIn; }
    [[nodiscard]] QAction *zoomOutAction() const { return m_zoomOut; }
    [[nodiscard]] QAction *fitAction() const { return m_fitAction; }
    // The ticket of the newest layout asked for (0: none yet).
    [[nodiscard]] int ticket() const { return m_ticket; }
    // The graph shown (after its layout came), or being laid out.
    [[nodiscard]] const LineageGraph &graph() const { return m_wanted; }

public Q_SLOTS:
    void showLayout(int ticket, const sluice::LineageLayout &layout);

Q_SIGNALS:
    void layoutRequested(int ticket, const sluice::LineageLayoutRequest &request);
    void modelActivated(const QString &uniqueId);

private:
    void scheduleRefresh();
    void refreshGraph();
    void showEmpty(const QString &text, bool offerWholeProject);
    void describe();

    LineageIndex m_index;
    QHash<QString, QString> m_lastStatus;
    QStringList m_focus;
    LineageGraph m_wanted;        // the graph asked for (ticket m_ticket)
    bool m_shown = false;         // m_wanted's layout came and is on screen
    bool m_refreshScheduled = false;
    int m_ticket = 0;
    LineageView *m_view;
    QSpinBox *m_up, *m_down;
    QCheckBox *m_whole;
    QPushButton *m_fit, *m_showAll;
    QLabel *m_status, *m_emptyText;
    QStackedLayout *m_stack;
    QWidget *m_empty;
    QAction *m_zoomIn, *m_zoomOut, *m_fitAction;
};

} // namespace sluice
