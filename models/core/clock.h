#pragma once

#include <QDateTime>

namespace sluice {

// Wall-clock time as UTC epoch milliseconds: the unit of every time column in the store.
inline qint64 nowMs() { return QDateTime::currentMSecsSinceEpoch(); }

// "user@host" of the process: who made a change, for the audit trail.
QString currentActor();

} // namespace sluice
