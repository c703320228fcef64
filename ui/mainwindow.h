#pragma once

#include "core/error.h"
#include "store/snapshot.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace sluice {

class PipelineListModel;

// The control room's frame: a page list on the left (Ingest, Transform, Orchestrate, Runs, Settings,
// Admin; Ctrl+1..6), the current page on the right, the store in the status bar. It never touches
// the database: the composition root loads a StoreSnapshot off the GUI thread and hands it over.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(QWidget *parent = nullptr);

    // Shows "opening the database…" until showSnapshot() or showError() is called.
    void showLoading(const QString &databaseUrl);
    void showSnapshot(const StoreSnapshot &snapshot);
    void showError(const Error &error);

    enum Page { Ingest, Transform, Orchestrate, Runs, Settings, Admin, PageCount };
    void showPage(Page page);

private:
    void addPage(const QString &name, QWidget *page);

    QListWidget *m_nav;
    QStackedWidget *m_pages;
    QLabel *m_status;
    PipelineListModel *m_pipelines;
};

} // namespace sluice
