#pragma once

#include "airbyte/streamrefs.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QRadioButton;

namespace sluice {

// Asks before a connection's synced data is dropped (Reset or Clear), and which of it: every stream,
// or only the streams ticked in the list (filterable by name). The drop button is enabled only when
// there is something to drop; the dialog never drops anything itself — the caller reads
// chosenStreams() once it is accepted (empty: every stream).
class DropDataDialog : public QDialog
{
    Q_OBJECT
public:
    enum class Kind { Reset, Clear };
    DropDataDialog(Kind kind, const QString &connectionName, const QList<StreamRef> &streams, QWidget *parent = nullptr);

    // Empty when every stream is to be dropped; else the ticked streams in the connection's order.
    [[nodiscard]] QList<StreamRef> chosenStreams() const;

    [[nodiscard]] QRadioButton *everyStreamButton() const { return m_every; }
    [[nodiscard]] QRadioButton *chosenStreamsButton() const { return m_chosen; }
    [[nodiscard]] QListWidget *streamList() const { return m_list; }
    [[nodiscard]] QLineEdit *filterField() const { return m_filter; }
    [[nodiscard]] QPushButton *dropButton() const { return m_drop; }

private:
    void update();

    QList<StreamRef> m_streams;
    QRadioButton *m_every;
    QRadioButton *m_chosen;
    QLineEdit *m_filter;
    QListWidget *m_list;
    QLabel *m_summary;
    QPushButton *m_drop;
};

} // namespace sluice
