#include "widgets/datatable.h"

#include <QHeaderView>
#include <QTableView>

namespace sluice {

QTableView *makeDataTable(QAbstractItemModel *model, const QString &name, QWidget *parent)
{
    auto *t = new QTableView(parent);
    t->setModel(model);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    t->setAlternatingRowColors(true);
    t->verticalHeader()->hide();
    t->horizontalHeader()->setStretchLastSection(true);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setWordWrap(false);
    t->horizontalHeader()->setResizeContentsPrecision(60);
    t->setTextElideMode(Qt::ElideRight);
    t->setAccessibleName(name);
    return t;
}

} // namespace sluice
