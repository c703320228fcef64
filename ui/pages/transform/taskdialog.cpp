#include "taskdialog.h"

#include "selectorfield.h"

#include "core/commandline.h"
#include "rules/taskrules.h"
#include "runner/commandpreview.h"
#include "widgets/statustone.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

namespace sluice {

namespace {

// What each option means, for its label and tooltip.
QString optionTitle(const QString &option)
{
    if (option == QLatin1String("select"))
        return QObject::tr("--select:");
    if (option == QLatin1String("exclude"))
        return QObject::tr("--exclude:");
    if (option == QLatin1String("vars"))
        return QObject::tr("--vars (YAML):");
    if (option == QLatin1String("target"))
        return QObject::tr("--target:");
    if (option == QLatin1String("working-dir"))
        return QObject::tr("Working directory:");
    if (option == QLatin1String("add-package"))
        return QObject::tr("--add-package:");
    return QStringLiteral("--%1:").arg(option);
}

QString optionHint(const QString &option)
{
    if (option == QLatin1String("select"))
        return QObject::tr("tag:nightly +orders path:models/staging — empty: the whole project");
    if (option == QLatin1String("exclude"))
        return QObject::tr("what to leave out of the selection");
    if (option == QLatin1String("target"))
        return QObject::tr("empty: the workspace's target");
    if (option == QLatin1String("working-dir"))
        return QObject::tr("an absolute path; empty: Sluice's own folder");
    if (option == QLatin1String("add-package"))
        return QObject::tr("dbt-labs/dbt_utils@1.1.1");
    return {};
}

QString labelText(const QString &title) { return QString(title).remove(QLatin1Char('&')).remove(QLatin1Char(':')); }

} // namespace

TaskDialog::TaskDialog(const TaskCatalog &catalog, const std::optional<OrgTask> &task, const std::optional<DbtWorkspace> &workspace,
                       const QStringList &modelNames, const QStringList &qualifiedWords, QWidget *parent)
    : QDialog(parent), m_catalog(catalog), m_uuid(task ? task->uuid : QString()), m_workspace(workspace), m_modelNames(modelNames),
      m_qualifiedWords(qualifiedWords), m_countDelay(new QTimer(this))
{
    setWindowTitle(task ? tr("Edit task") : tr("New task"));
    setAccessibleName(windowTitle());
    m_countDelay->setSingleShot(true);
    m_countDelay->setInterval(250);
    connect(m_countDelay, &QTimer::timeout, this, &TaskDialog::requestCount);

    m_kind = new QComboBox(this);
    m_kind->setAccessibleName(tr("Kind of task"));
    for (const CatalogTask &c : catalog.tasks()) {
        // Git tasks are Sluice's own (the workspace card clones and pulls); an edit shows its kind.
        if (c.type == TaskType::Git && !(task && task->slug == c.slug))
            continue;
        m_kind->addItem(QStringLiteral("%1 — %2").arg(c.slug, c.description), c.slug);
    }
    m_kind->setEnabled(!task); // a task's kind never changes: a new kind is a new task
    m_label = new QLineEdit(this);
    m_label->setPlaceholderText(tr("what the task is for, as lists show it; empty: its kind"));
    m_label->setAccessibleName(tr("Label"));
    m_fields.insert(QStringLiteral("label"), m_label);

    auto *head = new QFormLayout;
    auto *kindLabel = new QLabel(tr("&Kind:"), this);
    kindLabel->setBuddy(m_kind);
    head->addRow(kindLabel, m_kind);
    auto *labelLabel = new QLabel(tr("&Label:"), this);
    labelLabel->setBuddy(m_label);
    head->addRow(labelLabel, m_label);

    m_paramsHost = new QWidget(this);
    m_preview = new QLabel(this);
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::PlainText);
    m_preview->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_preview->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setMinimumHeight(m_preview->fontMetrics().lineSpacing() * 3);
    m_preview->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_preview->setAccessibleName(tr("Command line"));
    m_preview->setToolTip(tr("What the runner will start, argument by argument (secrets are handed over in the environment, never here)"));
    m_previewNote = new QLabel(this);
    m_previewNote->setWordWrap(true);
    m_previewNote->setAccessibleName(tr("Where the command runs"));
    m_count = new QLabel(this);
    m_count->setWordWrap(true);
    m_count->setAccessibleName(tr("Selected nodes"));
    m_count->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_refusal = problemLabel(this);
    m_refusal->setAccessibleName(tr("Why the task was not saved"));
    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    saveButton()->setToolTip(tr("Save the task (Ctrl+S); every change is recorded in the history"));
    saveButton()->setShortcut(QKeySequence::Save);

    auto *previewForm = new QFormLayout;
    auto *previewLabel = new QLabel(tr("Co&mmand line:"), this);
    previewLabel->setBuddy(m_preview);
    previewForm->addRow(previewLabel, m_preview);
    previewForm->addRow(QString(), m_previewNote);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(head);
    layout->addWidget(m_paramsHost);
    layout->addWidget(m_count);
    layout->addLayout(previewForm);
    layout->addStretch(1);
    layout->addWidget(m_refusal);
    layout->addWidget(m_buttons);

    if (task) {
        const OrgTaskDraft d = draftOf(*task);
        m_kind->setCurrentIndex(qMax(0, m_kind->findData(task->slug)));
        m_label->setText(d.label);
        for (const QString &f : d.flags)
            m_typed.insert(QStringLiteral("flag:") + f, QStringLiteral("1"));
        for (const auto &[k, v] : d.options)
            m_typed.insert(QStringLiteral("option:") + k, v);
        m_typed.insert(QStringLiteral("connection"), d.connectionId);
        m_typed.insert(QStringLiteral("command"), d.command);
        QStringList env;
        for (const auto &[k, v] : d.env)
            env << k + QLatin1Char('=') + v;
        m_typed.insert(QStringLiteral("env"), env.join(QLatin1Char('\n')));
    } else {
        m_kind->setCurrentIndex(qMax(0, m_kind->findData(QStringLiteral("dbt-run"))));
    }
    buildParameters();
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this] {
        remember();
        buildParameters();
    });
    connect(m_label, &QLineEdit::textChanged, this, &TaskDialog::changed);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!problems().isEmpty() || m_saving)
            return;
        m_saving = true;
        m_refusal->hide();
        saveButton()->setEnabled(false);
        saveButton()->setText(tr("Saving…"));
        Q_EMIT saveRequested(m_uuid, draft());
    });
    resize(640, sizeHint().height());
}

QPushButton *TaskDialog::saveButton() const { return m_buttons->button(QDialogButtonBox::Save); }

const CatalogTask *TaskDialog::kind() const { return m_catalog.find(m_kind->currentData().toString()); }

SelectorField *TaskDialog::selectorField(const QString &option) const
{
    QWidget *w = m_fields.value(QStringLiteral("option:") + option);
    return w ? qobject_cast<SelectorField *>(w->parentWidget()) : nullptr;
}

QString TaskDialog::problemAt(const QString &name) const
{
    const QLabel *l = m_problems.value(name);
    return l && !l->isHidden() ? l->text() : QString();
}

void TaskDialog::remember()
{
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (auto *box = qobject_cast<QCheckBox *>(it.value()))
            m_typed.insert(it.key(), box->isChecked() ? QStringLiteral("1") : QString());
        else if (auto *line = qobject_cast<QLineEdit *>(it.value()); line && line != m_label)
            m_typed.insert(it.key(), line->text());
        else if (auto *text = qobject_cast<QPlainTextEdit *>(it.value()))
            m_typed.insert(it.key(), text->toPlainText());
    }
}

void TaskDialog::buildParameters()
{
    // The parameters' widgets are made anew for each kind; what was typed is kept in m_typed.
    delete m_paramsHost->layout();
    qDeleteAll(m_paramsHost->findChildren<QWidget *>(Qt::FindDirectChildrenOnly));
    for (auto it = m_fields.begin(); it != m_fields.end();)
        it = it.key() == QLatin1String("label") ? std::next(it) : m_fields.erase(it);
    m_problems.clear();

    const CatalogTask *c = kind();
    m_kind->setToolTip(c ? c->description : QString());
    m_params = new QFormLayout(m_paramsHost);
    m_params->setContentsMargins(0, 0, 0, 0);
    if (!c)
        return;
    const auto addRow = [this](const QString &key, const QString &title, QWidget *widget, QWidget *focus) {
        auto *label = new QLabel(title, m_paramsHost);
        label->setBuddy(focus);
        focus->setAccessibleName(labelText(title));
        auto *problem = problemLabel(m_paramsHost);
        problem->setAccessibleName(tr("Problem with %1").arg(labelText(title)));
        auto *column = new QWidget(m_paramsHost);
        auto *v = new QVBoxLayout(column);
        v->setContentsMargins(0, 0, 0, 0);
        v->setSpacing(2);
        widget->setParent(column);
        v->addWidget(widget);
        v->addWidget(problem);
        m_params->addRow(label, column);
        m_fields.insert(key, focus);
        m_problems.insert(key, problem);
    };

    for (const QString &flag : c->flags) {
        const QString key = QStringLiteral("flag:") + flag;
        auto *box = new QCheckBox(QStringLiteral("--") + flag, m_paramsHost);
        box->setChecked(!m_typed.value(key).isEmpty());
        connect(box, &QCheckBox::toggled, this, &TaskDialog::changed);
        addRow(key, tr("Flag:"), box, box);
        box->setAccessibleName(QStringLiteral("--") + flag);
    }
    for (const QString &option : c->options) {
        const QString key = QStringLiteral("option:") + option;
        if (c->type == TaskType::Dbt && (option == QLatin1String("select") || option == QLatin1String("exclude"))) {
            auto *sel = new SelectorField(labelText(optionTitle(option)), m_paramsHost);
            sel->setVocabulary(m_modelNames, m_qualifiedWords);
            sel->edit()->setPlaceholderText(optionHint(option));
            sel->setText(m_typed.value(key));
            connect(sel, &SelectorField::textChanged, this, &TaskDialog::changed);
            connect(sel, &SelectorField::textChanged, m_countDelay, qOverload<>(&QTimer::start));
            addRow(key, optionTitle(option), sel, sel->edit());
        } else if (option == QLatin1String("vars")) {
            auto *text = new QPlainTextEdit(m_paramsHost);
            text->setPlaceholderText(tr("a YAML dictionary, e.g.\nstart_date: 2024-01-01\nlimit: 100"));
            text->setTabChangesFocus(true);
            text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
            text->setPlainText(m_typed.value(key));
            connect(text, &QPlainTextEdit::textChanged, this, &TaskDialog::changed);
            addRow(key, optionTitle(option), text, text);
        } else if (option == QLatin1String("working-dir")) {
            auto *row = new QWidget(m_paramsHost);
            auto *h = new QHBoxLayout(row);
            h->setContentsMargins(0, 0, 0, 0);
            auto *line = new QLineEdit(row);
            line->setPlaceholderText(optionHint(option));
            line->setText(m_typed.value(key));
            auto *browse = new QPushButton(tr("Browse…"), row);
            browse->setAccessibleName(tr("Choose the working directory"));
            h->addWidget(line, 1);
            h->addWidget(browse);
            connect(line, &QLineEdit::textChanged, this, &TaskDialog::changed);
            connect(browse, &QPushButton::clicked, this, [this, line] {
                const QString dir = QFileDialog::getExistingDirectory(this, tr("Working directory"), line->text());
                if (!dir.isEmpty())
                    line->setText(dir);
            });
            addRow(key, optionTitle(option), row, line);
        } else {
            auto *line = new QLineEdit(m_paramsHost);
            line->setPlaceholderText(optionHint(option));
            line->setText(m_typed.value(key));
            connect(line, &QLineEdit::textChanged, this, &TaskDialog::changed);
            addRow(key, optionTitle(option), line, line);
        }
    }
    if (c->needsConnection) {
        auto *line = new QLineEdit(m_paramsHost);
        line->setPlaceholderText(tr("the Airbyte connection's id (a UUID)"));
        line->setText(m_typed.value(QStringLiteral("connection")));
        connect(line, &QLineEdit::textChanged, this, &TaskDialog::changed);
        addRow(QStringLiteral("connection"), tr("Co&nnection:"), line, line);
    }
    if (c->requiresCommand) {
        auto *line = new QLineEdit(m_paramsHost);
        line->setPlaceholderText(tr("python3 jobs/export.py --day today   (run without a shell unless it needs one)"));
        line->setText(m_typed.value(QStringLiteral("command")));
        connect(line, &QLineEdit::textChanged, this, &TaskDialog::changed);
        addRow(QStringLiteral("command"), tr("Comm&and:"), line, line);
    }
    if (c->type == TaskType::Shell) {
        auto *text = new QPlainTextEdit(m_paramsHost);
        text->setPlaceholderText(tr("one NAME=value per line, added to the environment; secrets belong in the keychain"));
        text->setTabChangesFocus(true);
        text->setFixedHeight(text->fontMetrics().lineSpacing() * 3 + 12);
        text->setPlainText(m_typed.value(QStringLiteral("env")));
        connect(text, &QPlainTextEdit::textChanged, this, &TaskDialog::changed);
        addRow(QStringLiteral("env"), tr("&Environment:"), text, text);
    }
    if (m_params->rowCount() == 0)
        m_params->addRow(new QLabel(tr("This task takes no flags or options."), m_paramsHost));
    const bool selects = c->options.contains(QStringLiteral("select"));
    m_count->setVisible(selects);
    m_count->clear();
    changed();
    if (selects)
        requestCount();
}

OrgTaskDraft TaskDialog::draft() const
{
    OrgTaskDraft d;
    const CatalogTask *c = kind();
    if (!c)
        return d;
    d.slug = c->slug;
    d.label = m_label->text();
    for (const QString &flag : c->flags)
        if (auto *box = qobject_cast<QCheckBox *>(m_fields.value(QStringLiteral("flag:") + flag)); box && box->isChecked())
            d.flags << flag;
    for (const QString &option : c->options) {
        QWidget *w = m_fields.value(QStringLiteral("option:") + option);
        QString value;
        if (auto *line = qobject_cast<QLineEdit *>(w))
            value = line->text();
        else if (auto *text = qobject_cast<QPlainTextEdit *>(w))
            value = text->toPlainText();
        if (!value.trimmed().isEmpty()) // an empty field means "not given"
            d.options.append({option, option == QLatin1String("vars") ? value : value.trimmed()});
    }
    if (auto *line = qobject_cast<QLineEdit *>(m_fields.value(QStringLiteral("connection"))))
        d.connectionId = line->text().trimmed();
    if (auto *line = qobject_cast<QLineEdit *>(m_fields.value(QStringLiteral("command"))))
        d.command = line->text();
    if (auto *text = qobject_cast<QPlainTextEdit *>(m_fields.value(QStringLiteral("env")))) {
        for (const QString &line : text->toPlainText().split(QLatin1Char('\n'))) {
            if (line.trimmed().isEmpty())
                continue;
            const qsizetype eq = line.indexOf(QLatin1Char('='));
            d.env.append(eq < 0 ? std::pair{line.trimmed(), QString()} : std::pair{line.left(eq).trimmed(), line.mid(eq + 1)});
        }
    }
    return d;
}

QList<TaskProblem> TaskDialog::problems() const
{
    QList<TaskProblem> found = checkOrgTask(m_catalog, draft());
    if (auto *text = qobject_cast<QPlainTextEdit *>(m_fields.value(QStringLiteral("env")))) {
        int n = 0;
        for (const QString &line : text->toPlainText().split(QLatin1Char('\n'))) {
            ++n;
            if (!line.trimmed().isEmpty() && !line.contains(QLatin1Char('=')))
                found.prepend({QStringLiteral("env"), tr("line %1: write NAME=value (\"%2\" has no =)").arg(n).arg(line.trimmed())});
        }
    }
    return found;
}

void TaskDialog::changed()
{
    m_refusal->hide();
    const QList<TaskProblem> found = problems();
    QHash<QString, QStringList> byField;
    for (const TaskProblem &p : found)
        byField[p.field] << p.message;
    for (auto it = m_problems.cbegin(); it != m_problems.cend(); ++it) {
        const QStringList messages = byField.value(it.key());
        it.value()->setText(messages.join(QLatin1Char('\n')));
        it.value()->setVisible(!messages.isEmpty());
        if (QWidget *f = m_fields.value(it.key()))
            f->setAccessibleDescription(messages.join(QLatin1Char(' ')));
    }
    if (!m_saving)
        saveButton()->setEnabled(found.isEmpty());

    // The preview: the runner's argv for what is typed now, valid or not.
    const OrgTaskDraft d = draft();
    OrgTask t;
    t.slug = d.slug;
    if (const CatalogTask *c = kind())
        t.type = c->type;
    t.connectionId = d.connectionId;
    t.parameters.flags = d.flags;
    for (const auto &[k, v] : d.options)
        t.parameters.options.insert(k, v);
    t.parameters.command = d.command;
    const QStringList argv = taskCommandLine(t, m_workspace);
    m_preview->setText(argv.isEmpty() ? tr("(nothing to run yet)") : quotedCommandLine(argv));
    QStringList where;
    if (t.type == TaskType::Dbt)
        where << tr("in the project folder, with a private profiles folder Sluice writes for each run");
    const QString dir = t.parameters.options.value(QStringLiteral("working-dir"));
    if (t.type == TaskType::Shell)
        where << (dir.isEmpty() ? tr("in Sluice's working folder") : tr("in %1").arg(dir));
    if (!d.env.isEmpty()) {
        QStringList names;
        for (const auto &[k, v] : d.env)
            names << k;
        where << tr("with %1 set").arg(names.join(QStringLiteral(", ")));
    }
    m_previewNote->setText(where.join(QStringLiteral(", ")));
    m_previewNote->setVisible(!where.isEmpty());
}

void TaskDialog::requestCount()
{
    const CatalogTask *c = kind();
    if (!c || !c->options.contains(QStringLiteral("select")))
        return;
    const auto text = [this](const QString &option) {
        SelectorField *f = selectorField(option);
        return f ? f->text() : QString();
    };
    m_count->setText(tr("Counting…"));
    Q_EMIT selectionRequested(++m_ticket, c->command.section(QLatin1Char(' '), 0, 0), text(QStringLiteral("select")),
                              text(QStringLiteral("exclude")));
}

void TaskDialog::showSelectionCount(int ticket, int count, const QStringList &names, const QString &message, bool isError)
{
    if (ticket != m_ticket)
        return; // an answer to an older question
    const CatalogTask *c = kind();
    const QString command = c ? c->command : QString();
    if (isError) {
        m_count->setText(tr("Cannot count the nodes: %1").arg(message));
        return;
    }
    QString text = count == 1 ? tr("dbt %1 would take 1 node").arg(command) : tr("dbt %1 would take %2 nodes").arg(command).arg(count);
    if (!names.isEmpty())
        text += QStringLiteral(": ") + names.join(QStringLiteral(", ")) + (count > names.size() ? QStringLiteral(", …") : QString());
    if (!message.isEmpty())
        text += QLatin1Char('\n') + message;
    m_count->setText(text);
}

void TaskDialog::showRefusal(const QString &message)
{
    m_saving = false;
    saveButton()->setText(tr("Save"));
    saveButton()->setEnabled(problems().isEmpty());
    m_refusal->setText(tr("Not saved: %1").arg(message));
    m_refusal->show();
}

} // namespace sluice
