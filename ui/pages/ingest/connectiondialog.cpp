#include "pages/ingest/connectiondialog.h"

#include "itemmodels/streamlistmodel.h"
#include "widgets/datatable.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QVBoxLayout>

namespace sluice {

namespace {

// Drop-downs for the stream table's choices: the modes a stream supports, and its fields (editable, so
// a nested path "a.b" can be typed) for the cursor and the primary key.
class StreamDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &index) const override
    {
        auto *box = new QComboBox(parent);
        if (index.column() == StreamListModel::Mode) {
            for (const QString &m : index.data(StreamListModel::ModesRole).toStringList())
                box->addItem(StreamListModel::modeText(m), m);
            box->setAccessibleName(tr("Sync mode of %1").arg(index.siblingAtColumn(StreamListModel::Stream).data().toString()));
        } else {
            box->setEditable(true);
            box->addItems(index.data(StreamListModel::FieldsRole).toStringList());
            box->setAccessibleName(index.column() == StreamListModel::Cursor
                                       ? tr("Cursor field of %1").arg(index.siblingAtColumn(StreamListModel::Stream).data().toString())
                                       : tr("Primary key of %1").arg(index.siblingAtColumn(StreamListModel::Stream).data().toString()));
        }
        return box;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        auto *box = static_cast<QComboBox *>(editor);
        const QString value = index.data(Qt::EditRole).toString();
        if (index.column() == StreamListModel::Mode)
            box->setCurrentIndex(std::max(0, box->findData(value)));
        else
            box->setCurrentText(value);
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        auto *box = static_cast<QComboBox *>(editor);
        model->setData(index, index.column() == StreamListModel::Mode ? box->currentData() : QVariant(box->currentText()));
    }
};

QLabel *buddyLabel(const QString &text, QWidget *buddy, QWidget *parent)
{
    auto *l = new QLabel(text, parent);
    l->setBuddy(buddy);
    return l;
}

} // namespace

ConnectionDialog::ConnectionDialog(QWidget *parent) : QDialog(parent), m_streams(new StreamListModel(this))
{
    resize(900, 640);
    m_source = new QComboBox(this);
    m_destination = new QComboBox(this);
    m_name = new QLineEdit(this);
    m_discover = new QPushButton(tr("&Discover streams"), this);
    m_discover->setToolTip(tr("Ask the source which streams it offers (may take minutes)"));
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0);
    m_busy->setAccessibleName(tr("Discovering"));
    m_busy->setMaximumWidth(160);
    m_busy->hide();
    m_status = new QLabel(this);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Connection status"));
    m_changes = new QPlainTextEdit(this);
    m_changes->setReadOnly(true);
    m_changes->setAccessibleName(tr("Schema changes"));
    m_changes->setMaximumHeight(110);
    m_changes->hide();
    m_table = makeDataTable(m_streams, tr("Streams"), this);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::SelectedClicked | QAbstractItemView::EditKeyPressed);
    m_table->setItemDelegate(new StreamDelegate(m_table));
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_all = new QPushButton(tr("Select &all"), this);
    m_none = new QPushButton(tr("Clear &selection"), this);
    m_namespace = new QComboBox(this);
    m_namespace->addItem(tr("The destination's default"), QStringLiteral("destination"));
    m_namespace->addItem(tr("The source's namespace"), QStringLiteral("source"));
    m_namespace->addItem(tr("Custom format"), QStringLiteral("customformat"));
    m_format = new QLineEdit(this);
    m_format->setPlaceholderText(QStringLiteral("${SOURCE_NAMESPACE}_raw"));
    m_format->setEnabled(false);
    m_prefix = new QLineEdit(this);
    m_prefix->setPlaceholderText(tr("e.g. shop_"));
    m_save = new QPushButton(tr("&Save"), this);
    m_save->setDefault(true);
    auto *cancel = new QPushButton(tr("Cancel"), this);

    auto *form = new QFormLayout;
    form->addRow(buddyLabel(tr("&Source:"), m_source, this), m_source);
    form->addRow(buddyLabel(tr("&Destination:"), m_destination, this), m_destination);
    form->addRow(buddyLabel(tr("&Name:"), m_name, this), m_name);
    auto *discoverRow = new QHBoxLayout;
    discoverRow->addWidget(m_discover);
    discoverRow->addWidget(m_busy);
    discoverRow->addWidget(m_status, 1);
    auto *selectRow = new QHBoxLayout;
    selectRow->addWidget(new QLabel(tr("Double-click a mode, cursor or key to change it."), this), 1);
    selectRow->addWidget(m_all);
    selectRow->addWidget(m_none);
    auto *where = new QFormLayout;
    where->addRow(buddyLabel(tr("Destination &namespace:"), m_namespace, this), m_namespace);
    where->addRow(buddyLabel(tr("Namespace &format:"), m_format, this), m_format);
    where->addRow(buddyLabel(tr("Stream &prefix:"), m_prefix, this), m_prefix);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    buttons->addWidget(m_save);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(discoverRow);
    layout->addWidget(m_changes);
    layout->addWidget(m_table, 1);
    layout->addLayout(selectRow);
    layout->addLayout(where);
    layout->addLayout(buttons);

    connect(m_discover, &QPushButton::clicked, this, [this] {
        const QString id = m_source->currentData().toString();
        if (id.isEmpty())
            return;
        setBusy(true, tr("Discovering the streams of %1… (this can take minutes)").arg(m_source->currentText()));
        Q_EMIT discoverRequested(id);
    });
    connect(m_source, &QComboBox::currentIndexChanged, this, [this] {
        if (m_id.isEmpty() && m_name->isModified() == false && m_source->currentIndex() >= 0 && m_destination->currentIndex() >= 0)
            m_name->setText(tr("%1 → %2").arg(m_source->currentText(), m_destination->currentText()));
    });
    connect(m_destination, &QComboBox::currentIndexChanged, this, [this] {
        if (m_id.isEmpty() && !m_name->isModified() && m_source->currentIndex() >= 0 && m_destination->currentIndex() >= 0)
            m_name->setText(tr("%1 → %2").arg(m_source->currentText(), m_destination->currentText()));
    });
    connect(m_namespace, &QComboBox::currentIndexChanged, this,
            [this] { m_format->setEnabled(m_namespace->currentData().toString() == QLatin1String("customformat")); });
    connect(m_all, &QPushButton::clicked, this, [this] { m_streams->setAllSelected(true); });
    connect(m_none, &QPushButton::clicked, this, [this] { m_streams->setAllSelected(false); });
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_save, &QPushButton::clicked, this, [this] {
        const IngestConnectionDraft d = draft();
        QString problem;
        if (d.name.trimmed().isEmpty())
            problem = tr("Give the connection a name.");
        else if (d.catalog.selectedCount() == 0)
            problem = d.catalog.streams.isEmpty() ? tr("Discover the source's streams, then choose the ones to sync.")
                                                  : tr("Choose at least one stream to sync.");
        else if (const QString p = m_streams->firstProblem(); !p.isEmpty())
            problem = p;
        else if (d.namespaceDefinition == QLatin1String("customformat") && d.namespaceFormat.trimmed().isEmpty())
            problem = tr("A custom namespace needs its format, e.g. ${SOURCE_NAMESPACE}_raw.");
        if (!problem.isEmpty()) {
            m_status->setText(problem);
            return;
        }
        setBusy(true, tr("Saving the connection on the server…"));
        Q_EMIT saveRequested(d);
    });
}

void ConnectionDialog::setEndpoints(const QList<IngestEndpoint> &sources, const QList<IngestEndpoint> &destinations)
{
    const QString keepSource = m_source->currentData().toString(), keepDestination = m_destination->currentData().toString();
    const QSignalBlocker a(m_source), b(m_destination);
    m_source->clear();
    m_destination->clear();
    for (const IngestEndpoint &e : sources)
        m_source->addItem(e.typeName.isEmpty() ? e.name : tr("%1 (%2)").arg(e.name, e.typeName), e.id);
    for (const IngestEndpoint &e : destinations)
        m_destination->addItem(e.typeName.isEmpty() ? e.name : tr("%1 (%2)").arg(e.name, e.typeName), e.id);
    m_source->setCurrentIndex(std::max(0, m_source->findData(keepSource)));
    m_destination->setCurrentIndex(std::max(0, m_destination->findData(keepDestination)));
}

void ConnectionDialog::reset(const QString &title)
{
    setWindowTitle(title);
    m_streams->setCatalog({});
    m_changes->clear();
    m_changes->hide();
    m_catalogId.clear();
    m_active = true;
    m_name->clear();
    m_name->setModified(false);
    m_prefix->clear();
    m_format->clear();
    m_namespace->setCurrentIndex(0);
}

void ConnectionDialog::startNew()
{
    m_id.clear();
    reset(tr("New connection"));
    m_source->setEnabled(true);
    m_destination->setEnabled(true);
    if (m_source->count() > 0 && m_destination->count() > 0)
        m_name->setText(tr("%1 → %2").arg(m_source->currentText(), m_destination->currentText()));
    setBusy(false, m_source->count() == 0 ? tr("No source yet: create one on the Sources tab first.")
                   : m_destination->count() == 0 ? tr("No destination yet: the warehouse's destination is made on the Your warehouse tab.")
                                                 : tr("Choose the source, then Discover its streams."));
}

void ConnectionDialog::startEdit(const QString &connectionId)
{
    m_id = connectionId;
    reset(tr("Edit connection"));
    m_source->setEnabled(false);
    m_destination->setEnabled(false);
    setBusy(true, tr("Reading the connection from the server…"));
    Q_EMIT openRequested(connectionId);
}

void ConnectionDialog::startRefresh(const QString &connectionId)
{
    m_id = connectionId;
    reset(tr("Refresh schema"));
    m_source->setEnabled(false);
    m_destination->setEnabled(false);
    setBusy(true, tr("Discovering the source's streams again… (this can take minutes)"));
    Q_EMIT refreshRequested(connectionId);
}

void ConnectionDialog::fill(const IngestConnectionDraft &d)
{
    m_catalogId = d.sourceCatalogId;
    m_active = d.active;
    m_name->setText(d.name);
    m_source->setCurrentIndex(m_source->findData(d.sourceId));
    m_destination->setCurrentIndex(m_destination->findData(d.destinationId));
    m_namespace->setCurrentIndex(std::max(0, m_namespace->findData(d.namespaceDefinition)));
    m_format->setText(d.namespaceFormat);
    m_prefix->setText(d.prefix);
    m_streams->setCatalog(d.catalog);
    m_table->resizeColumnsToContents();
}

void ConnectionDialog::showDiscovered(const QString &sourceId, const SyncCatalog &catalog, const QString &catalogId, const QString &problem)
{
    if (sourceId != m_source->currentData().toString() || !m_id.isEmpty())
        return;
    if (!problem.isEmpty()) {
        setBusy(false, problem);
        return;
    }
    // Streams chosen before a second discover keep their choice.
    m_streams->setCatalog(m_streams->catalog().streams.isEmpty() ? catalog : mergeDiscovered(m_streams->catalog(), catalog));
    m_catalogId = catalogId;
    m_table->resizeColumnsToContents();
    setBusy(false, catalog.streams.isEmpty() ? tr("The source offers no streams.")
                                             : tr("%n stream(s) found: tick the ones to sync.", nullptr, int(catalog.streams.size())));
}

void ConnectionDialog::showOpened(const IngestConnectionDraft &draft, const QString &problem)
{
    if (draft.id != m_id)
        return;
    if (!problem.isEmpty()) {
        setBusy(false, problem);
        m_save->setEnabled(false);
        return;
    }
    fill(draft);
    setBusy(false, tr("%n of %1 stream(s) synced.", nullptr, draft.catalog.selectedCount()).arg(draft.catalog.streams.size()));
}

void ConnectionDialog::showRefreshed(const IngestConnectionDraft &merged, const QList<SchemaChange> &changes, const QString &problem)
{
    if (merged.id != m_id)
        return;
    if (!problem.isEmpty()) {
        setBusy(false, problem);
        m_save->setEnabled(false);
        return;
    }
    fill(merged);
    QStringList lines;
    for (const SchemaChange &c : changes)
        lines.append(c.toString());
    m_changes->setPlainText(lines.isEmpty() ? tr("Nothing changed.") : lines.join(QLatin1Char('\n')));
    m_changes->show();
    setBusy(false, changes.isEmpty() ? tr("The source's schema is as the connection has it.")
                                     : tr("%n change(s) in the source's schema; Save applies them (new streams come unticked).", nullptr,
                                          int(changes.size())));
}

void ConnectionDialog::showSaved(const QString &connectionId)
{
    Q_UNUSED(connectionId)
    setBusy(false, tr("Saved."));
    accept();
}

void ConnectionDialog::showRefused(const QString &message) { setBusy(false, message); }

IngestConnectionDraft ConnectionDialog::draft() const
{
    IngestConnectionDraft d;
    d.id = m_id;
    d.name = m_name->text().trimmed();
    d.sourceId = m_source->currentData().toString();
    d.destinationId = m_destination->currentData().toString();
    d.active = m_active;
    d.namespaceDefinition = m_namespace->currentData().toString();
    d.namespaceFormat = m_format->text().trimmed();
    d.prefix = m_prefix->text().trimmed();
    d.catalog = m_streams->catalog();
    d.sourceCatalogId = m_catalogId;
    return d;
}

void ConnectionDialog::setBusy(bool busy, const QString &status)
{
    m_status->setText(status);
    m_busy->setVisible(busy);
    m_discover->setEnabled(!busy && m_id.isEmpty() && m_source->count() > 0);
    m_save->setEnabled(!busy);
}

} // namespace sluice
