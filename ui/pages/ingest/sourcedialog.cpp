#include "pages/ingest/sourcedialog.h"

#include "widgets/specformwidget.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QVBoxLayout>

namespace sluice {

namespace {

constexpr int kIdRole = Qt::UserRole;
const QString kMasked = QStringLiteral("**********");

QJsonValue valueAt(const QJsonObject &config, const QString &path)
{
    QJsonValue v = config;
    for (const QString &key : path.split(QLatin1Char('.'), Qt::SkipEmptyParts))
        v = v.isArray() ? v.toArray().at(key.toInt()) : v.toObject().value(key);
    return v;
}

} // namespace

SourceDialog::SourceDialog(QWidget *parent)
    : QDialog(parent), m_definitions(new QStandardItemModel(this)), m_filter(new QSortFilterProxyModel(this))
{
    setWindowTitle(tr("New source"));
    resize(720, 640);
    m_pages = new QStackedWidget(this);

    // Page 1: the connector.
    auto *pick = new QWidget(m_pages);
    m_search = new QLineEdit(pick);
    m_search->setPlaceholderText(tr("Type to filter: postgres, sheets, s3…"));
    m_search->setClearButtonEnabled(true);
    auto *searchLabel = new QLabel(tr("&Search connectors:"), pick);
    searchLabel->setBuddy(m_search);
    m_filter->setSourceModel(m_definitions);
    m_filter->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_filter->setFilterRole(Qt::ToolTipRole);   // name and docker repository
    m_list = new QListView(pick);
    m_list->setModel(m_filter);
    m_list->setAccessibleName(tr("Connectors"));
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_listStatus = new QLabel(pick);
    m_listStatus->setWordWrap(true);
    m_listStatus->setAccessibleName(tr("Connector list status"));
    m_next = new QPushButton(tr("&Next"), pick);
    m_next->setDefault(true);
    auto *pickCancel = new QPushButton(tr("Cancel"), pick);
    auto *pickButtons = new QHBoxLayout;
    pickButtons->addWidget(m_listStatus, 1);
    pickButtons->addWidget(pickCancel);
    pickButtons->addWidget(m_next);
    auto *pickLayout = new QVBoxLayout(pick);
    pickLayout->addWidget(searchLabel);
    pickLayout->addWidget(m_search);
    pickLayout->addWidget(m_list, 1);
    pickLayout->addLayout(pickButtons);
    m_pages->addWidget(pick);

    // Page 2: the form.
    auto *fill = new QWidget(m_pages);
    m_connector = new QLabel(fill);
    m_connector->setAccessibleName(tr("Connector"));
    m_name = new QLineEdit(fill);
    auto *nameLabel = new QLabel(tr("Source &name:"), fill);
    nameLabel->setBuddy(m_name);
    m_form = new SpecFormWidget(fill);
    auto *scroll = new QScrollArea(fill);
    scroll->setWidgetResizable(true);
    scroll->setWidget(m_form);
    scroll->setAccessibleName(tr("Connector settings"));
    m_status = new QLabel(fill);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Source status"));
    m_back = new QPushButton(tr("&Back"), fill);
    m_check = new QPushButton(tr("C&heck connection"), fill);
    m_check->setToolTip(tr("Ask the server to connect with these settings (nothing is saved)"));
    m_save = new QPushButton(tr("&Save"), fill);
    auto *fillCancel = new QPushButton(tr("Cancel"), fill);
    auto *head = new QFormLayout;
    head->addRow(tr("Connector:"), m_connector);
    head->addRow(nameLabel, m_name);
    auto *fillButtons = new QHBoxLayout;
    fillButtons->addWidget(m_back);
    fillButtons->addStretch(1);
    fillButtons->addWidget(fillCancel);
    fillButtons->addWidget(m_check);
    fillButtons->addWidget(m_save);
    auto *fillLayout = new QVBoxLayout(fill);
    fillLayout->addLayout(head);
    fillLayout->addWidget(scroll, 1);
    fillLayout->addWidget(m_status);
    fillLayout->addLayout(fillButtons);
    m_pages->addWidget(fill);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_pages);

    connect(m_search, &QLineEdit::textChanged, m_filter, &QSortFilterProxyModel::setFilterFixedString);
    connect(m_search, &QLineEdit::textChanged, this, [this] {
        if (!m_list->currentIndex().isValid() && m_filter->rowCount() > 0)
            m_list->setCurrentIndex(m_filter->index(0, 0));
    });
    connect(m_list, &QListView::activated, this, &SourceDialog::choose);
    connect(m_next, &QPushButton::clicked, this, &SourceDialog::choose);
    connect(pickCancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(fillCancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_back, &QPushButton::clicked, this, [this] { m_pages->setCurrentIndex(0); });
    connect(m_check, &QPushButton::clicked, this, [this] {
        if (!validate())
            return;
        setBusy(true, tr("Checking the connection on the server…"));
        Q_EMIT checkRequested(m_definitionId, m_form->value());
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (m_name->text().trimmed().isEmpty()) {
            m_status->setText(tr("Give the source a name."));
            m_name->setFocus();
            return;
        }
        if (!validate())
            return;
        setBusy(true, tr("Saving the source on the server…"));
        Q_EMIT saveRequested(m_sourceId, m_definitionId, m_name->text().trimmed(), m_form->value());
    });
}

void SourceDialog::clearForm()
{
    m_definitionId.clear();
    m_definitionName.clear();
    m_spec = {};
    m_form->setSpec({});
    m_name->clear();
    m_connector->clear();
    m_status->clear();
}

void SourceDialog::startNew()
{
    m_sourceId.clear();
    clearForm();
    setWindowTitle(tr("New source"));
    m_back->setVisible(true);
    m_pages->setCurrentIndex(0);
    m_search->clear();
    m_search->setFocus();
    m_listStatus->setText(tr("Reading the server's connectors…"));
    m_next->setEnabled(false);
    Q_EMIT definitionsRequested();
}

void SourceDialog::startEdit(const QString &sourceId)
{
    m_sourceId = sourceId;
    clearForm();   // nothing of an earlier session shows while the source is read
    setWindowTitle(tr("Edit source"));
    m_back->setVisible(false);
    m_pages->setCurrentIndex(1);
    setBusy(true, tr("Reading the source from the server…"));
    Q_EMIT openRequested(sourceId);
}

void SourceDialog::showDefinitions(const QList<AirbyteDefinition> &definitions, const QString &problem)
{
    m_definitions->clear();
    for (const AirbyteDefinition &d : definitions) {
        auto *item = new QStandardItem(d.name);
        item->setData(d.id, kIdRole);
        item->setToolTip(QStringLiteral("%1 — %2 %3").arg(d.name, d.dockerRepository, d.dockerImageTag));
        m_definitions->appendRow(item);
    }
    m_listStatus->setText(problem.isEmpty() ? tr("%n connector(s).", nullptr, int(definitions.size())) : problem);
    m_next->setEnabled(!definitions.isEmpty());
    if (m_filter->rowCount() > 0)
        m_list->setCurrentIndex(m_filter->index(0, 0));
}

bool SourceDialog::chooseDefinition(const QString &name)
{
    for (int r = 0; r < m_filter->rowCount(); ++r) {
        if (m_filter->index(r, 0).data().toString() == name) {
            m_list->setCurrentIndex(m_filter->index(r, 0));
            choose();
            return true;
        }
    }
    return false;
}

void SourceDialog::choose()
{
    const QModelIndex i = m_list->currentIndex();
    if (!i.isValid())
        return;
    const QString id = i.data(kIdRole).toString();
    m_definitionName = i.data().toString();
    m_connector->setText(m_definitionName);
    if (id != m_definitionId) {
        m_definitionId = id;
        m_spec = {};
        m_form->setSpec({});
        if (m_name->text().isEmpty())
            m_name->setText(m_definitionName);
    }
    m_pages->setCurrentIndex(1);
    setBusy(true, tr("Reading %1's settings from the server…").arg(m_definitionName));
    Q_EMIT specRequested(id);
}

void SourceDialog::showSpec(const QString &definitionId, const ConnectorSpec &spec, const QString &problem)
{
    if (definitionId != m_definitionId)
        return;
    if (!problem.isEmpty()) {
        setBusy(false, problem);
        m_save->setEnabled(false);
        m_check->setEnabled(false);
        return;
    }
    const QJsonObject typed = m_form->value();   // Back and Next again keep what was typed
    m_spec = spec;
    m_form->setSpec(spec.schema);
    if (!typed.isEmpty())
        m_form->setValue(typed);
    setBusy(false, spec.documentationUrl.isEmpty() ? QString() : tr("Set-up guide: %1").arg(spec.documentationUrl));
}

void SourceDialog::showOpened(const QString &sourceId, const QString &definitionId, const QString &name, const QJsonObject &config,
                              const ConnectorSpec &spec, const QString &problem)
{
    if (sourceId != m_sourceId)
        return;
    if (!problem.isEmpty()) {
        setBusy(false, problem);
        m_save->setEnabled(false);
        m_check->setEnabled(false);
        return;
    }
    m_definitionId = definitionId;
    m_spec = spec;
    m_name->setText(name);
    m_connector->setText(name);
    m_form->setSpec(spec.schema);
    m_form->setValue(config);
    setBusy(false, tr("Secrets are shown masked: leave them as they are to keep the stored ones."));
}

void SourceDialog::showChecked(bool succeeded, const QString &message)
{
    setBusy(false, succeeded ? tr("✔ %1").arg(message) : tr("✘ %1").arg(message));
}

void SourceDialog::showSaved(const QString &sourceId)
{
    Q_UNUSED(sourceId)
    setBusy(false, tr("Saved."));
    accept();
}

void SourceDialog::showRefused(const QString &message)
{
    setBusy(false, message);
}

void SourceDialog::showInvalid(const QList<SpecProblem> &problems)
{
    m_form->showProblems(problems);
    setBusy(false, tr("%n field(s) need attention: see the marks in the form.", nullptr, int(problems.size())));
}

bool SourceDialog::validate()
{
    QList<SpecProblem> problems = m_form->localProblems();
    if (problems.isEmpty()) {
        const QJsonObject value = m_form->value();
        auto judged = validateConfig(m_spec.schema, value);
        if (!judged) {
            setBusy(false, tr("The connector's specification cannot be used: %1").arg(judged.error().message));
            return false;
        }
        for (const SpecProblem &p : std::as_const(*judged))
            if (m_sourceId.isEmpty() || valueAt(value, p.path) != QJsonValue(kMasked))
                problems.append(p);
    }
    m_form->clearProblems();
    if (problems.isEmpty())
        return true;
    showInvalid(problems);
    return false;
}

void SourceDialog::setBusy(bool busy, const QString &status)
{
    m_status->setText(status);
    m_check->setEnabled(!busy && !m_definitionId.isEmpty());
    m_save->setEnabled(!busy && !m_definitionId.isEmpty());
    m_back->setEnabled(!busy);
}

} // namespace sluice
