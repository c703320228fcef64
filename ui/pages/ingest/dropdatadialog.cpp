#include "pages/ingest/dropdatadialog.h"

#include <QButtonGroup>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace sluice {

DropDataDialog::DropDataDialog(Kind kind, const QString &connectionName, const QList<StreamRef> &streams, QWidget *parent)
    : QDialog(parent), m_streams(streams)
{
    const bool reset = kind == Kind::Reset;
    setWindowTitle(reset ? tr("Reset %1").arg(connectionName) : tr("Clear %1").arg(connectionName));
    auto *intro = new QLabel(reset ? tr("The data of the chosen streams is deleted in the destination and synced again from the start.")
                                   : tr("The data of the chosen streams is deleted in the destination; their next sync starts over."),
                             this);
    intro->setWordWrap(true);

    m_every = new QRadioButton(tr("&Every stream"), this);
    m_chosen = new QRadioButton(tr("&Only the streams ticked below"), this);
    auto *group = new QButtonGroup(this);
    group->addButton(m_every);
    group->addButton(m_chosen);
    m_every->setChecked(true);

    m_filter = new QLineEdit(this);
    m_filter->setPlaceholderText(tr("Filter streams by name"));
    m_filter->setAccessibleName(tr("Filter streams"));
    m_filter->setClearButtonEnabled(true);
    m_list = new QListWidget(this);
    m_list->setAccessibleName(tr("Streams of %1").arg(connectionName));
    m_list->setUniformItemSizes(true);
    for (const StreamRef &s : streams) {
        auto *item = new QListWidgetItem(s.displayName(), m_list);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    if (streams.isEmpty()) {
        // Nothing to choose from (the server sent no catalog): only the whole connection can be dropped.
        m_chosen->setEnabled(false);
        m_chosen->setToolTip(tr("The server listed no streams for this connection"));
    }
    m_summary = new QLabel(this);
    m_summary->setAccessibleName(tr("What will be dropped"));
    m_summary->setWordWrap(true);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_drop = buttons->addButton(reset ? tr("&Reset data") : tr("C&lear data"), QDialogButtonBox::DestructiveRole);
    buttons->button(QDialogButtonBox::Cancel)->setDefault(true);
    connect(m_drop, &QPushButton::clicked, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_every);
    layout->addWidget(m_chosen);
    layout->addWidget(m_filter);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_summary);
    layout->addWidget(buttons);

    connect(m_every, &QRadioButton::toggled, this, &DropDataDialog::update);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem *item) {
        // Ticking a stream means choosing streams.
        if (item->checkState() == Qt::Checked && m_every->isChecked())
            m_chosen->setChecked(true);
        update();
    });
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        for (int i = 0; i < m_list->count(); ++i)
            m_list->item(i)->setHidden(!m_list->item(i)->text().contains(text, Qt::CaseInsensitive));
        update();
    });
    update();
    resize(sizeHint().expandedTo(QSize(460, 380)));
}

QList<StreamRef> DropDataDialog::chosenStreams() const
{
    QList<StreamRef> out;
    if (m_every->isChecked())
        return out;
    for (int i = 0; i < m_list->count() && i < m_streams.size(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            out.append(m_streams.at(i));
    return out;
}

void DropDataDialog::update()
{
    const bool every = m_every->isChecked();
    int ticked = 0;
    QStringList hiddenTicked;   // ticked, then filtered out of sight: still dropped, so named
    for (int i = 0; i < m_list->count(); ++i) {
        const bool on = m_list->item(i)->checkState() == Qt::Checked;
        ticked += on;
        if (on && m_list->item(i)->isHidden())
            hiddenTicked.append(m_list->item(i)->text());
    }
    if (every)
        m_summary->setText(m_streams.isEmpty()     ? tr("Every stream of the connection.")
                           : m_streams.size() == 1 ? tr("Every stream: the connection has one.")
                                                   : tr("Every stream: all %1 of the connection's.").arg(m_streams.size()));
    else if (ticked == 0)
        m_summary->setText(tr("Tick the streams to drop."));
    else
        m_summary->setText((ticked == 1 ? tr("One stream chosen of %1.").arg(m_streams.size())
                                        : tr("%1 streams chosen of %2.").arg(ticked).arg(m_streams.size()))
                           + (hiddenTicked.isEmpty() || every ? QString() : QLatin1Char(' ') + tr("Hidden by the filter: %1.").arg(hiddenTicked.join(QStringLiteral(", ")))));
    m_drop->setEnabled(every || ticked > 0);
}

} // namespace sluice
