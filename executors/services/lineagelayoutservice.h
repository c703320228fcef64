#pragma once

#include "dbt/lineage.h"

#include <QObject>

#include <optional>

struct GVC_s;

namespace sluice {

// Lays lineage graphs out with Graphviz's `dot` (rankdir=LR: parents left of their children), off the
// GUI thread. Graphviz keeps global state (its error buffer, its layout's statics), so the process has
// one of these, moved to a thread of its own for the process's life (the composition root's "lineage"
// thread); layouts are also serialised by a process-wide lock, so a second instance (a test's) waits
// rather than corrupts the first.
// - layOut(ticket, request): invoked through a queued connection. The newest request wins: one still
//   waiting when a newer one arrives is dropped without an answer (its asker has moved on). Every
//   request laid out is answered by exactly one laidOut(ticket, layout), with layout.error set (a
//   sentence; no positions) when the request is malformed or Graphviz refuses it.
// The Graphviz context is created on first use in the service's thread and freed with the service.
class LineageLayoutService : public QObject
{
    Q_OBJECT
public:
    explicit LineageLayoutService(QObject *parent = nullptr);
    ~LineageLayoutService() override;

    // The layout itself, synchronously, on the calling thread (the slot's work; for tests and benches
    // that want it without a thread). Takes the process-wide Graphviz lock.
    [[nodiscard]] LineageLayout layOutNow(const LineageLayoutRequest &request);

public Q_SLOTS:
    void layOut(int ticket, const sluice::LineageLayoutRequest &request);

Q_SIGNALS:
    void laidOut(int ticket, const sluice::LineageLayout &layout);

private:
    void layOutPending();

    GVC_s *m_gvc = nullptr;
    std::optional<std::pair<int, LineageLayoutRequest>> m_pending;
};

} // namespace sluice
