#pragma once

#include "domain/ingestview.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableView;

namespace sluice {

class StreamListModel;

// New / Edit connection: the source and destination, the name, Discover (the source's streams, with a
// busy bar: a discover can take minutes), the streams to sync with each one's mode, cursor field and
// primary key where the mode needs them (StreamListModel), the destination namespace and a table
// prefix. Refresh schema opens it on the connection with what changed listed above the streams and the
// change merged, to be saved or not. Thin: asks through signals, is told through show…(); it stays open
// with what was chosen until a save succeeds. Problems (no stream chosen, a stream's missing cursor) are
// said before anything is sent.
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    explicit ConnectionDialog(QWidget *parent = nullptr);

    void setEndpoints(const QList<IngestEndpoint> &sources, const QList<IngestEndpoint> &destinations);
    void startNew();
    void startEdit(const QString &connectionId);
    void startRefresh(const QString &connectionId);

    void showDiscovered(const QString &sourceId, const SyncCatalog &catalog, const QString &catalogId, const QString &problem);
    void showOpened(const IngestConnectionDraft &draft, const QString &problem);
    void showRefreshed(const IngestConnectionDraft &merged, const QList<SchemaChange> &changes, const QString &problem);
    void showSaved(const QString &connectionId);
    void showRefused(const QString &message);

    [[nodiscard]] IngestConnectionDraft draft() const;
    [[nodiscard]] StreamListModel *streams() const { return m_streams; }
    [[nodiscard]] QTableView *streamTable() const { return m_table; }
    [[nodiscard]] QComboBox *sourceBox() const { return m_source; }
    [[nodiscard]] QComboBox *destinationBox() const { return m_destination; }
    [[nodiscard]] QLineEdit *nameField() const { return m_name; }
    [[nodiscard]] QLineEdit *prefixField() const { return m_prefix; }
    [[nodiscard]] QPushButton *discoverButton() const { return m_discover; }
    [[nodiscard]] QPushButton *saveButton() const { return m_save; }
    [[nodiscard]] QLabel *statusLabel() const { return m_status; }
    [[nodiscard]] QPlainTextEdit *changesView() const { return m_changes; }

Q_SIGNALS:
    void discoverRequested(const QString &sourceId);
    void openRequested(const QString &connectionId);
    void refreshRequested(const QString &connectionId);
    void saveRequested(const sluice::IngestConnectionDraft &draft);

private:
    void setBusy(bool busy, const QString &status);
    void reset(const QString &title);
    void fill(const IngestConnectionDraft &draft);

    QComboBox *m_source;
    QComboBox *m_destination;
    QLineEdit *m_name;
    QPushButton *m_discover;
    QProgressBar *m_busy;
    QLabel *m_status;
    QPlainTextEdit *m_changes;
    StreamListModel *m_streams;
    QTableView *m_table;
    QPushButton *m_all, *m_none;
    QComboBox *m_namespace;
    QLineEdit *m_format;
    QLineEdit *m_prefix;
    QPushButton *m_save;
    QString m_id;
    QString m_catalogId;
    bool m_active = true;
};

} // namespace sluice
