#include "pages/orchestrate/pipelineeditor.h"

#include "domain/retrypolicy.h"
#include "rules/taskrules.h"
#include "widgets/schedulebuilder.h"
#include "widgets/statustone.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTabWidget>
#include <QVBoxLayout>

namespace sluice {

namespace {

constexpr int UuidRole = Qt::UserRole + 1;

bool isAutomaticSystemTask(const TaskCatalog &catalog, const OrgTask &t)
{
    const CatalogTask *c = catalog.find(t.slug);
    return t.generatedBy == QLatin1String("system") && c && c->automatic;
}

} // namespace

PipelineEditor::PipelineEditor(const TaskCatalog &catalog, const QList<Org> &orgs, qint64 initialOrgId, const std::optional<Pipeline> &pipeline,
                               QHash<qint64, QStringList> takenNames, QWidget *parent)
    : QDialog(parent), m_catalog(catalog), m_orgs(orgs), m_uuid(pipeline ? pipeline->uuid : QString()),
      m_fixedOrg(pipeline ? pipeline->orgId : 0), m_pipeline(pipeline), m_takenNames(std::move(takenNames)),
      m_org(new QComboBox(this)), m_name(new QLineEdit(this)), m_active(new QCheckBox(tr("&Active: runs on its schedule"), this)),
      m_tabs(new QTabWidget(this)), m_schedule(new ScheduleBuilder(this)), m_refusal(problemLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(pipeline ? tr("Edit pipeline “%1”").arg(pipeline->name) : tr("New pipeline"));
    setAccessibleName(windowTitle());

    for (const Org &o : m_orgs)
        m_org->addItem(o.name.isEmpty() ? o.slug : tr("%1 (%2)").arg(o.name, o.slug), o.id);
    m_org->setCurrentIndex(std::max(0, m_org->findData(pipeline ? pipeline->orgId : initialOrgId)));
    m_org->setEnabled(!pipeline);   // a pipeline's tasks belong to its org: it cannot move
    m_org->setAccessibleName(tr("Org"));
    m_name->setAccessibleName(tr("Pipeline name"));
    m_name->setPlaceholderText(tr("e.g. Nightly load"));
    m_active->setAccessibleName(tr("Active"));
    m_active->setToolTip(tr("A paused pipeline keeps its schedule but runs only when someone starts it"));

    for (const QString &field : {QStringLiteral("name"), QStringLiteral("tasks"), QStringLiteral("schedule"), QStringLiteral("retries")})
        m_problems.insert(field, problemLabel(this));

    auto *head = new QFormLayout;
    head->addRow(tr("&Org:"), m_org);
    auto *nameBox = new QVBoxLayout;
    nameBox->setSpacing(2);
    nameBox->addWidget(m_name);
    nameBox->addWidget(m_problems.value(QStringLiteral("name")));
    head->addRow(tr("&Name:"), nameBox);
    if (auto *l = qobject_cast<QLabel *>(head->labelForField(nameBox)))
        l->setBuddy(m_name);
    head->addRow(QString(), m_active);

    m_tabs->addTab(buildTasksTab(), tr("&Tasks"));
    auto *scheduleTab = new QWidget(this);
    auto *scheduleLayout = new QVBoxLayout(scheduleTab);
    scheduleLayout->addWidget(m_schedule, 1);
    scheduleLayout->addWidget(m_problems.value(QStringLiteral("schedule")));
    m_tabs->addTab(scheduleTab, tr("&Schedule"));
    m_tabs->addTab(buildOptionsTab(), tr("O&ptions"));
    m_tabs->setAccessibleName(tr("Pipeline settings"));

    saveButton()->setAccessibleName(tr("Save pipeline"));
    saveButton()->setShortcut(QKeySequence::Save);
    saveButton()->setToolTip(tr("Save the pipeline (Ctrl+S)"));
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_refusal);
    layout->addWidget(m_buttons);

    // Fill from the pipeline, or the defaults of a new one.
    const Pipeline p = pipeline.value_or(Pipeline{});
    m_name->setText(pipeline ? p.name : QString());
    m_active->setChecked(p.active);
    m_schedule->setSchedule(p.cron, p.timezone);
    m_autoDeps->setChecked(p.autoDeps);
    m_continue->setChecked(p.continueOnSyncFailure);
    m_overlap->setCurrentIndex(m_overlap->findData(toString(p.overlapPolicy)));
    m_missed->setCurrentIndex(m_missed->findData(toString(p.missedPolicy)));
    m_agentTag->setText(p.agentTag);
    for (auto it = m_notify.cbegin(); it != m_notify.cend(); ++it)
        it.value()->setChecked(p.notifyOn.contains(it.key()));
    fillRetries(p.retryPolicy);

    connect(m_name, &QLineEdit::textChanged, this, &PipelineEditor::changed);
    connect(m_schedule, &ScheduleBuilder::changed, this, &PipelineEditor::changed);
    connect(m_org, &QComboBox::currentIndexChanged, this, [this] {
        m_tasks.clear();
        m_tasksOrg = 0;
        m_available->clear();
        m_chosen->clear();
        Q_EMIT tasksRequested(this->orgId());
        changed();
    });
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!problem().isEmpty() || m_saving)
            return;
        m_saving = true;
        m_refusal->hide();
        changed();
        Q_EMIT saveRequested(m_uuid, this->orgId(), draft());
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(760, 620);
    changed();
}

QWidget *PipelineEditor::buildTasksTab()
{
    auto *tab = new QWidget(this);
    m_available = new QListWidget(tab);
    m_chosen = new QListWidget(tab);
    m_add = new QPushButton(tr("&Add →"), tab);
    m_remove = new QPushButton(tr("← &Remove"), tab);
    m_up = new QPushButton(tr("Move &up"), tab);
    m_down = new QPushButton(tr("Move do&wn"), tab);
    m_autoDeps = new QCheckBox(tr("Before dbt tasks, run git pull, dbt clean and dbt deps automatically"), tab);
    m_runOrder = new QLabel(tab);

    m_available->setAccessibleName(tr("The org's tasks"));
    m_available->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_chosen->setAccessibleName(tr("The pipeline's tasks"));
    m_chosen->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_chosen->setDragDropMode(QAbstractItemView::InternalMove);
    m_chosen->setDefaultDropAction(Qt::MoveAction);
    m_add->setToolTip(tr("Add the chosen tasks to the pipeline (or double-click one)"));
    m_remove->setToolTip(tr("Take the chosen tasks out of the pipeline (the tasks themselves stay)"));
    m_up->setToolTip(tr("Run the chosen task earlier (or drag it; Alt+Up)"));
    m_down->setToolTip(tr("Run the chosen task later (or drag it; Alt+Down)"));
    m_up->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Up));
    m_down->setShortcut(QKeySequence(Qt::ALT | Qt::Key_Down));
    m_autoDeps->setAccessibleName(tr("Add git pull, dbt clean and dbt deps automatically"));
    m_runOrder->setWordWrap(true);
    m_runOrder->setAccessibleName(tr("Run order"));
    m_runOrder->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *availableTitle = new QLabel(tr("The org's tas&ks:"), tab);
    availableTitle->setBuddy(m_available);
    auto *chosenTitle = new QLabel(tr("This pipeline runs, &in this order:"), tab);
    chosenTitle->setBuddy(m_chosen);
    auto *buttons = new QVBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_add);
    buttons->addWidget(m_remove);
    buttons->addSpacing(12);
    buttons->addWidget(m_up);
    buttons->addWidget(m_down);
    buttons->addStretch(1);
    auto *grid = new QGridLayout;
    grid->addWidget(availableTitle, 0, 0);
    grid->addWidget(chosenTitle, 0, 2);
    grid->addWidget(m_available, 1, 0);
    grid->addLayout(buttons, 1, 1);
    grid->addWidget(m_chosen, 1, 2);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(2, 1);
    auto *hint = new QLabel(tr("Tasks are made on the Ingest page (Airbyte syncs) and the Transform page (git and dbt)."), tab);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(tab);
    layout->addLayout(grid, 1);
    layout->addWidget(m_problems.value(QStringLiteral("tasks")));
    layout->addWidget(m_autoDeps);
    layout->addWidget(m_runOrder);
    layout->addWidget(hint);

    connect(m_add, &QPushButton::clicked, this, &PipelineEditor::addSelected);
    connect(m_remove, &QPushButton::clicked, this, &PipelineEditor::removeSelected);
    connect(m_up, &QPushButton::clicked, this, [this] { move(-1); });
    connect(m_down, &QPushButton::clicked, this, [this] { move(+1); });
    connect(m_available, &QListWidget::itemDoubleClicked, this, &PipelineEditor::addSelected);
    connect(m_chosen, &QListWidget::itemDoubleClicked, this, &PipelineEditor::removeSelected);
    connect(m_available, &QListWidget::itemSelectionChanged, this, &PipelineEditor::changed);
    connect(m_chosen, &QListWidget::itemSelectionChanged, this, &PipelineEditor::changed);
    connect(m_chosen->model(), &QAbstractItemModel::rowsMoved, this, &PipelineEditor::changed);
    connect(m_autoDeps, &QCheckBox::toggled, this, &PipelineEditor::changed);
    return tab;
}

QWidget *PipelineEditor::buildOptionsTab()
{
    auto *tab = new QWidget(this);
    m_continue = new QCheckBox(tr("&Continue with the transform when an Airbyte sync fails"), tab);
    m_continue->setAccessibleName(tr("Continue on sync failure"));
    m_retry = new QCheckBox(tr("&Retry failed tasks with this rule"), tab);
    m_retry->setAccessibleName(tr("Retry failed tasks"));
    m_retries = new QSpinBox(tab);
    m_retries->setRange(1, 20);
    m_retries->setSuffix(tr(" time(s)"));
    m_retries->setAccessibleName(tr("Retries"));
    m_delay = new QDoubleSpinBox(tab);
    m_delay->setRange(0, 86400);
    m_delay->setDecimals(0);
    m_delay->setSuffix(tr(" s"));
    m_delay->setAccessibleName(tr("Wait before a retry, in seconds"));
    m_backoff = new QCheckBox(tr("Double the wait after each attempt (exponential backoff, with jitter), up to"), tab);
    m_backoff->setAccessibleName(tr("Exponential backoff"));
    m_maxDelay = new QDoubleSpinBox(tab);
    m_maxDelay->setRange(1, 86400);
    m_maxDelay->setDecimals(0);
    m_maxDelay->setSuffix(tr(" s"));
    m_maxDelay->setAccessibleName(tr("Longest wait, in seconds"));
    m_timeout = new QSpinBox(tab);
    m_timeout->setRange(0, 7 * 24 * 60);
    m_timeout->setSuffix(tr(" min"));
    m_timeout->setSpecialValueText(tr("No limit"));
    m_timeout->setAccessibleName(tr("Time limit per attempt, in minutes"));
    m_retryNote = new QLabel(tab);
    m_retryNote->setWordWrap(true);
    m_retryNote->setForegroundRole(QPalette::PlaceholderText);

    m_overlap = new QComboBox(tab);
    m_overlap->addItem(tr("Queue it behind the running one"), toString(OverlapPolicy::Queue));
    m_overlap->addItem(tr("Skip it"), toString(OverlapPolicy::Skip));
    m_overlap->addItem(tr("Cancel the running one and start"), toString(OverlapPolicy::Replace));
    m_overlap->setAccessibleName(tr("When a run is due while the last one still runs"));
    m_missed = new QComboBox(tab);
    m_missed->addItem(tr("Run once for all of them"), toString(MissedPolicy::Once));
    m_missed->addItem(tr("Skip them"), toString(MissedPolicy::Skip));
    m_missed->addItem(tr("Run each one"), toString(MissedPolicy::All));
    m_missed->setAccessibleName(tr("When runs were missed while no agent ran"));
    m_agentTag = new QLineEdit(tab);
    m_agentTag->setPlaceholderText(tr("any agent"));
    m_agentTag->setAccessibleName(tr("Agent tag"));
    m_agentTag->setToolTip(tr("Only agents started with this tag (sluice-agent --tag) run this pipeline; empty: any agent"));
    m_agentTag->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z0-9_.:-]*")), m_agentTag));

    auto *notifyRow = new QHBoxLayout;
    const QList<std::pair<QString, QString>> outcomes{{QStringLiteral("failure"), tr("&Failed")},
                                                      {QStringLiteral("warning"), tr("Partly succeeded / tests &warned")},
                                                      {QStringLiteral("success"), tr("Succ&eeded")}};
    for (const auto &[key, text] : outcomes) {
        auto *box = new QCheckBox(text, tab);
        box->setAccessibleName(tr("Notify when a run %1").arg(QString(text).remove(QLatin1Char('&')).toLower()));
        m_notify.insert(key, box);
        notifyRow->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &PipelineEditor::changed);
    }
    notifyRow->addStretch(1);
    auto *notifyNote = new QLabel(tr("Sent to the org's notification channels whose levels include the outcome."), tab);
    notifyNote->setWordWrap(true);
    notifyNote->setForegroundRole(QPalette::PlaceholderText);

    auto *retryRow = new QHBoxLayout;
    retryRow->addWidget(m_retries);
    retryRow->addWidget(new QLabel(tr("waiting"), tab));
    retryRow->addWidget(m_delay);
    retryRow->addStretch(1);
    auto *backoffRow = new QHBoxLayout;
    backoffRow->addWidget(m_backoff);
    backoffRow->addWidget(m_maxDelay);
    backoffRow->addStretch(1);

    auto *form = new QFormLayout(tab);
    form->addRow(QString(), m_continue);
    form->addRow(QString(), m_retry);
    form->addRow(tr("Retr&y:"), retryRow);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(retryRow)))
        l->setBuddy(m_retries);
    form->addRow(QString(), backoffRow);
    form->addRow(QString(), m_problems.value(QStringLiteral("retries")));
    form->addRow(tr("Time &limit per attempt:"), m_timeout);
    form->addRow(QString(), m_retryNote);
    form->addRow(tr("When a run is &due while the last one still runs:"), m_overlap);
    form->addRow(tr("When runs were &missed (no agent was running):"), m_missed);
    form->addRow(tr("Run on a&gents tagged:"), m_agentTag);
    form->addRow(tr("Notify when a run:"), notifyRow);
    form->addRow(QString(), notifyNote);

    connect(m_continue, &QCheckBox::toggled, this, &PipelineEditor::changed);
    connect(m_retry, &QCheckBox::toggled, this, &PipelineEditor::changed);
    connect(m_backoff, &QCheckBox::toggled, this, &PipelineEditor::changed);
    connect(m_retries, &QSpinBox::valueChanged, this, &PipelineEditor::changed);
    connect(m_delay, &QDoubleSpinBox::valueChanged, this, &PipelineEditor::changed);
    connect(m_maxDelay, &QDoubleSpinBox::valueChanged, this, &PipelineEditor::changed);
    connect(m_timeout, &QSpinBox::valueChanged, this, &PipelineEditor::changed);
    return tab;
}

void PipelineEditor::fillRetries(const QString &policyJson)
{
    m_retryPolicy = QJsonDocument::fromJson(policyJson.toUtf8()).object();
    const QJsonObject rule = m_retryPolicy.value(QStringLiteral("default")).toObject();
    const bool hasRule = m_retryPolicy.contains(QStringLiteral("default"));
    m_retry->setChecked(hasRule && rule.value(QStringLiteral("retries")).toInt() > 0);
    m_retries->setValue(std::max(1, rule.value(QStringLiteral("retries")).toInt(1)));
    const QJsonObject backoff = rule.value(QStringLiteral("backoff")).toObject();
    m_backoff->setChecked(!backoff.isEmpty());
    const QJsonArray delays = rule.value(QStringLiteral("delays_s")).toArray();
    m_delay->setValue(!backoff.isEmpty() ? backoff.value(QStringLiteral("base_s")).toDouble(30)
                                         : delays.isEmpty() ? 60 : delays.first().toDouble());
    m_maxDelay->setValue(backoff.value(QStringLiteral("max_s")).toDouble(600));
    m_timeout->setValue(int(rule.value(QStringLiteral("timeout_s")).toDouble() / 60));
}

QString PipelineEditor::retryPolicyJson() const
{
    QJsonObject policy = m_retryPolicy;
    if (!m_retry->isChecked() && m_timeout->value() == 0) {
        policy.remove(QStringLiteral("default"));
    } else {
        QJsonObject rule;
        rule.insert(QStringLiteral("retries"), m_retry->isChecked() ? m_retries->value() : 0);
        if (m_retry->isChecked()) {
            if (m_backoff->isChecked())
                rule.insert(QStringLiteral("backoff"), QJsonObject{{QStringLiteral("base_s"), m_delay->value()},
                                                                   {QStringLiteral("max_s"), m_maxDelay->value()},
                                                                   {QStringLiteral("jitter"), true}});
            else if (m_delay->value() > 0)
                rule.insert(QStringLiteral("delays_s"), QJsonArray{m_delay->value()});
        }
        if (m_timeout->value() > 0)
            rule.insert(QStringLiteral("timeout_s"), m_timeout->value() * 60);
        policy.insert(QStringLiteral("default"), rule);
    }
    return QString::fromUtf8(QJsonDocument(policy).toJson(QJsonDocument::Compact));
}

qint64 PipelineEditor::orgId() const
{
    return m_fixedOrg ? m_fixedOrg : m_org->currentData().toLongLong();
}

QPushButton *PipelineEditor::saveButton() const
{
    return m_buttons->button(QDialogButtonBox::Save);
}

QString PipelineEditor::taskTitle(const OrgTask &t) const
{
    if (!t.label.isEmpty())
        return tr("%1 (%2)").arg(t.label, t.slug);
    if (!t.connectionId.isEmpty())
        return tr("%1 — connection %2").arg(t.slug, t.connectionId.left(8));
    return t.slug;
}

void PipelineEditor::setOrgTasks(qint64 orgId, const QList<OrgTask> &tasks)
{
    if (orgId != this->orgId())
        return;   // an answer for an org the user has left
    m_tasksOrg = orgId;
    m_tasks.clear();
    for (const OrgTask &t : tasks)
        m_tasks.insert(t.uuid, t);

    // Chosen: the pipeline's own tasks (the automatic ones the store adds are shown in the run order),
    // or for a new pipeline the catalog's defaults (dbt run, dbt test) when the org has them.
    QStringList chosen;
    if (m_pipeline && m_pipeline->orgId == orgId) {
        for (const PipelineStep &s : m_pipeline->steps)
            if (!isAutomaticSystemTask(m_catalog, s.task) && m_tasks.contains(s.task.uuid))
                chosen.append(s.task.uuid);
    } else if (!m_pipeline) {
        QSet<QString> seenSlugs;
        for (const OrgTask &t : tasks) {
            const CatalogTask *c = m_catalog.find(t.slug);
            if (c && c->isDefault && !c->hidden && t.parameters.flags.isEmpty() && t.parameters.options.isEmpty() && !seenSlugs.contains(t.slug)) {
                seenSlugs.insert(t.slug);
                chosen.append(t.uuid);
            }
        }
    }
    m_available->clear();
    m_chosen->clear();
    const auto item = [this](const OrgTask &t) {
        auto *i = new QListWidgetItem(taskTitle(t));
        i->setData(UuidRole, t.uuid);
        i->setToolTip(m_catalog.find(t.slug) ? m_catalog.find(t.slug)->description : QString());
        return i;
    };
    for (const QString &uuid : std::as_const(chosen))
        m_chosen->addItem(item(m_tasks.value(uuid)));
    for (const OrgTask &t : tasks) {
        const CatalogTask *c = m_catalog.find(t.slug);
        if (chosen.contains(t.uuid) || isAutomaticSystemTask(m_catalog, t) || (c && c->hidden))
            continue;
        m_available->addItem(item(t));
    }
    if (m_available->count() == 0 && m_chosen->count() == 0) {
        auto *none = new QListWidgetItem(tr("This org has no tasks yet."));
        none->setFlags(Qt::NoItemFlags);
        m_available->addItem(none);
    }
    changed();
}

QList<OrgTask> PipelineEditor::chosenTasks() const
{
    QList<OrgTask> out;
    for (int i = 0; i < m_chosen->count(); ++i) {
        const QString uuid = m_chosen->item(i)->data(UuidRole).toString();
        if (m_tasks.contains(uuid))
            out.append(m_tasks.value(uuid));
    }
    return out;
}

void PipelineEditor::addSelected()
{
    const QList<QListWidgetItem *> items = m_available->selectedItems();
    for (QListWidgetItem *i : items) {
        if (i->data(UuidRole).toString().isEmpty())
            continue;
        m_chosen->addItem(m_available->takeItem(m_available->row(i)));
    }
    changed();
}

void PipelineEditor::removeSelected()
{
    const QList<QListWidgetItem *> items = m_chosen->selectedItems();
    for (QListWidgetItem *i : items)
        m_available->addItem(m_chosen->takeItem(m_chosen->row(i)));
    changed();
}

void PipelineEditor::move(int delta)
{
    const int row = m_chosen->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_chosen->count())
        return;
    QListWidgetItem *i = m_chosen->takeItem(row);
    m_chosen->insertItem(to, i);
    m_chosen->setCurrentRow(to);
    changed();
}

PipelineDraft PipelineEditor::draft() const
{
    PipelineDraft d;
    d.name = m_name->text().trimmed();
    QStringList uuids;
    for (const OrgTask &t : chosenTasks())
        uuids.append(t.uuid);
    d.taskUuids = uuids;
    d.cron = m_schedule->cron();
    d.timezone = m_schedule->timezone();
    d.autoDeps = m_autoDeps->isChecked();
    d.continueOnSyncFailure = m_continue->isChecked();
    d.active = m_active->isChecked();
    d.missedPolicy = missedPolicyFromString(m_missed->currentData().toString()).value_or(MissedPolicy::Once);
    d.overlapPolicy = overlapPolicyFromString(m_overlap->currentData().toString()).value_or(OverlapPolicy::Queue);
    d.agentTag = m_agentTag->text().trimmed();
    d.retryPolicy = retryPolicyJson();
    QStringList notify;
    for (const QString &key : {QStringLiteral("failure"), QStringLiteral("warning"), QStringLiteral("success")})
        if (m_notify.value(key)->isChecked())
            notify.append(key);
    d.notifyOn = notify;
    return d;
}

void PipelineEditor::mark(const QString &field, const QString &problem)
{
    QLabel *l = m_problems.value(field);
    l->setText(problem);
    l->setVisible(!problem.isEmpty());
}

QString PipelineEditor::problemAt(const QString &field) const
{
    const QLabel *l = m_problems.value(field);
    return l && !l->text().isEmpty() ? l->text() : QString();
}

QString PipelineEditor::problem() const
{
    for (const QString &field : {QStringLiteral("name"), QStringLiteral("tasks"), QStringLiteral("schedule"), QStringLiteral("retries")})
        if (const QString p = problemAt(field); !p.isEmpty())
            return p;
    if (m_tasksOrg != orgId())
        return tr("The org's tasks are still loading.");
    return {};
}

void PipelineEditor::changed()
{
    // Name.
    const QString name = m_name->text().trimmed();
    QStringList taken = m_takenNames.value(orgId());
    if (m_pipeline)
        taken.removeAll(m_pipeline->name);
    mark(QStringLiteral("name"), name.isEmpty()                                   ? tr("Give the pipeline a name.")
                                 : taken.contains(name, Qt::CaseSensitive) ? tr("The org already has a pipeline named “%1”.").arg(name)
                                                                               : QString());

    // Tasks, and the order the store will run them in (the same rules it applies).
    const bool loaded = m_tasksOrg == orgId();
    QString tasksProblem;
    QList<OrgTask> user = chosenTasks();
    if (!loaded) {
        m_runOrder->setText(tr("Loading the org's tasks…"));
    } else if (user.isEmpty()) {
        tasksProblem = tr("Add at least one task: a pipeline runs its tasks in order.");
        m_runOrder->clear();
    } else {
        QList<OrgTask> all = user;
        qint64 fakeId = -1;
        QSet<qint64> automatic;
        for (const QString &slug : missingAutomaticSlugs(m_catalog, user, m_autoDeps->isChecked())) {
            OrgTask t;
            t.id = fakeId--;
            t.slug = slug;
            t.generatedBy = QStringLiteral("system");
            if (const CatalogTask *c = m_catalog.find(slug))
                t.type = c->type;
            automatic.insert(t.id);
            all.append(t);
        }
        // Ids for the ordering rules, which tell tasks apart by id.
        for (qsizetype i = 0; i < all.size(); ++i)
            if (all[i].id == 0)
                all[i].id = 1000000 + i;
        auto ordered = orderPipelineTasks(m_catalog, all);
        if (!ordered) {
            tasksProblem = ordered.error().message;
            m_runOrder->clear();
        } else {
            QStringList steps;
            for (const OrgTask &t : *ordered)
                steps.append(automatic.contains(t.id) || isAutomaticSystemTask(m_catalog, t) ? tr("%1 (automatic)").arg(t.slug)
                                                                                              : taskTitle(t));
            m_runOrder->setText(tr("Runs as: %1").arg(steps.join(QStringLiteral(" → "))));
        }
    }
    mark(QStringLiteral("tasks"), tasksProblem);
    const int row = m_chosen->currentRow();
    m_add->setEnabled(!m_available->selectedItems().isEmpty());
    m_remove->setEnabled(!m_chosen->selectedItems().isEmpty());
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < m_chosen->count());

    // Schedule.
    mark(QStringLiteral("schedule"), m_schedule->problem().isEmpty() ? QString() : tr("Schedule: %1").arg(m_schedule->problem()));

    // Retries.
    const bool retry = m_retry->isChecked();
    m_retries->setEnabled(retry);
    m_delay->setEnabled(retry);
    m_backoff->setEnabled(retry);
    m_maxDelay->setEnabled(retry && m_backoff->isChecked());
    mark(QStringLiteral("retries"), retry && m_backoff->isChecked() && m_maxDelay->value() < m_delay->value()
                                        ? tr("The longest wait (%1 s) must be at least the first wait (%2 s).")
                                              .arg(m_maxDelay->value())
                                              .arg(m_delay->value())
                                        : QString());
    QString note = !retry && m_timeout->value() == 0
                       ? tr("With no rule here, Airbyte syncs retry once after 2 minutes and other tasks do not retry.")
                       : tr("This rule applies to every task of the pipeline.");
    const QJsonObject perTask = m_retryPolicy.value(QStringLiteral("tasks")).toObject();
    if (!perTask.isEmpty())
        note += QLatin1Char(' ') + tr("Its own rules for %1 are kept.").arg(perTask.keys().join(QStringLiteral(", ")));
    m_retryNote->setText(note);

    // Mark the tabs that hold a problem, so one on a hidden tab is found.
    m_tabs->setTabText(0, problemAt(QStringLiteral("tasks")).isEmpty() ? tr("&Tasks") : tr("&Tasks ⚠"));
    m_tabs->setTabText(1, problemAt(QStringLiteral("schedule")).isEmpty() ? tr("&Schedule") : tr("&Schedule ⚠"));
    m_tabs->setTabText(2, problemAt(QStringLiteral("retries")).isEmpty() ? tr("O&ptions") : tr("O&ptions ⚠"));
    saveButton()->setEnabled(problem().isEmpty() && !m_saving);
    saveButton()->setToolTip(problem());
}

void PipelineEditor::showRefusal(const QString &message)
{
    m_saving = false;
    m_refusal->setText(tr("Not saved: %1").arg(message));
    m_refusal->show();
    changed();
}

} // namespace sluice
