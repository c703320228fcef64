#pragma once

#include "domain/ingestview.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QStackedLayout;
class QTabWidget;
class QTableView;

namespace sluice {

class ConnectionDialog;
class ConnectionsTab;
class EmptyState;
class SourceDialog;
class ServerDialog;
class SourceListModel;
class WarehouseTab;

// The Ingest page: where the org's data comes from. Tabs Connections (ConnectionsTab), Sources (the
// org's Airbyte sources with their last check; New, Edit, Check, Delete) and Your warehouse (WarehouseTab); above
// them the server in use, or what is missing and the fix. Thin over the IngestService: intents are
// signals, answers come in through show…(). F5 reads everything again.
class IngestPage : public QWidget
{
    Q_OBJECT
public:
    explicit IngestPage(QWidget *parent = nullptr);

    void showServer(qint64 orgId, const QString &summary, const QString &problem);
    void showSources(qint64 orgId, const QList<IngestSourceRow> &rows);
    void showConnections(qint64 orgId, const QList<IngestConnectionRow> &rows);
    void showNotice(const QString &message);
    // Another org is chosen: the lists show "loading" until its answers come.
    void setOrg(qint64 orgId);

    [[nodiscard]] ConnectionsTab *connectionsTab() const { return m_connections; }
    [[nodiscard]] WarehouseTab *warehouseTab() const { return m_warehouse; }
    [[nodiscard]] ServerDialog *serverDialog() const { return m_serverDialog; }
    [[nodiscard]] QPushButton *serverButton() const { return m_serverButton; }
    [[nodiscard]] SourceDialog *sourceDialog() const { return m_dialog; }
    [[nodiscard]] ConnectionDialog *connectionDialog() const { return m_connectionDialog; }
    void showEndpoints(qint64 orgId, const QList<IngestEndpoint> &sources, const QList<IngestEndpoint> &destinations);
    [[nodiscard]] QTableView *sourceTable() const { return m_sourceTable; }
    [[nodiscard]] SourceListModel *sourceModel() const { return m_sources; }
    [[nodiscard]] QTabWidget *tabs() const { return m_tabs; }
    [[nodiscard]] QLabel *noticeLabel() const { return m_notice; }
    [[nodiscard]] QString selectedSourceId() const;

Q_SIGNALS:
    void refreshRequested();
    void checkSourceRequested(const QString &sourceId);
    void deleteSourceRequested(const QString &sourceId);

private:
    QWidget *buildSources();
    void updateSourceActions();

    qint64 m_orgId = 0;
    QLabel *m_server;
    QLabel *m_notice;
    QTabWidget *m_tabs;
    ConnectionsTab *m_connections;
    WarehouseTab *m_warehouse;
    SourceListModel *m_sources;
    QTableView *m_sourceTable;
    QStackedLayout *m_sourceStack;
    EmptyState *m_noSources;
    QPushButton *m_newSource, *m_editSource, *m_checkSource, *m_deleteSource;
    SourceDialog *m_dialog;
    ConnectionDialog *m_connectionDialog;
    ServerDialog *m_serverDialog;
    QPushButton *m_serverButton;
    QString m_serverProblem;
};

} // namespace sluice
