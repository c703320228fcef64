#pragma once

#include <QString>

class QAbstractItemModel;
class QTableView;
class QWidget;

namespace sluice {

// A read-only table of records as the pages show them: whole rows selected one at a time, alternating
// rows, no row numbers, the last column stretched, text elided, and `name` as its accessible name.
// Columns sized to their contents measure the first 60 rows only (a long list never stalls a frame).
[[nodiscard]] QTableView *makeDataTable(QAbstractItemModel *model, const QString &name, QWidget *parent);

} // namespace sluice
