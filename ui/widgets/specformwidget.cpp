#include "widgets/specformwidget.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QRegularExpressionValidator>
#include <QStackedWidget>
#include <QTextDocumentFragment>
#include <QTimer>
#include <QVBoxLayout>

namespace sluice {

namespace {

QString plainText(const QString &html)
{
    return QTextDocumentFragment::fromHtml(html).toPlainText().simplified();
}

QString jsonText(const QJsonValue &v)
{
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Indented)).trimmed();
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Indented)).trimmed();
    if (v.isString())
        return QStringLiteral("\"%1\"").arg(v.toString());
    if (v.isUndefined())
        return {};
    // A scalar: wrap it to let QJsonDocument write it, then unwrap.
    const QByteArray wrapped = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(wrapped.mid(1, wrapped.size() - 2));
}

std::optional<QJsonValue> parseJsonText(const QString &text)
{
    QJsonParseError e{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + QByteArray("]"), &e);
    if (e.error != QJsonParseError::NoError || doc.array().size() != 1)
        return std::nullopt;
    return doc.array().first();
}

QString scalarText(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble()) {
        const double d = v.toDouble();
        return std::floor(d) == d && std::abs(d) < 1e15 ? QString::number(qint64(d)) : QString::number(d, 'g', 17);
    }
    if (v.isBool())
        return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return {};
}

// A number typed into a field as JSON: integers stay integers.
std::optional<QJsonValue> numberFrom(const QString &text, bool integer)
{
    bool ok = false;
    if (integer) {
        const qlonglong v = text.trimmed().toLongLong(&ok);
        return ok ? std::optional<QJsonValue>(QJsonValue(v)) : std::nullopt;
    }
    const double d = text.trimmed().toDouble(&ok);
    return ok ? std::optional<QJsonValue>(QJsonValue(d)) : std::nullopt;
}

QString textOf(const QWidget *w)
{
    if (auto *e = qobject_cast<const QLineEdit *>(w))
        return e->text();
    if (auto *p = qobject_cast<const QPlainTextEdit *>(w))
        return p->toPlainText();
    return {};
}

void setTextOf(QWidget *w, const QString &text)
{
    if (auto *e = qobject_cast<QLineEdit *>(w))
        e->setText(text);
    else if (auto *p = qobject_cast<QPlainTextEdit *>(w))
        p->setPlainText(text);
}

} // namespace

struct SpecFormWidget::Level {
    std::vector<std::unique_ptr<Node>> nodes;
    QJsonObject initial;   // the value set last: the keys no node shows are sent back as they came

    [[nodiscard]] QJsonObject value() const;
    void set(const QJsonObject &v);
    void problems(QList<SpecProblem> &out) const;
};

struct SpecFormWidget::Node {
    const SpecField *field = nullptr;
    QLabel *label = nullptr;
    QWidget *editor = nullptr;
    QLabel *problem = nullptr;
    std::unique_ptr<Level> children;                  // Object
    QComboBox *choice = nullptr;                      // OneOf
    QStackedWidget *stack = nullptr;
    std::vector<std::unique_ptr<Level>> branches;
    bool explicitlySet = false;

    [[nodiscard]] std::optional<QJsonValue> value() const;
    void set(const QJsonValue &v);
    void problems(QList<SpecProblem> &out) const;
    void showBranch(int index) const;
};

std::optional<QJsonValue> SpecFormWidget::Node::value() const
{
    const SpecField &f = *field;
    using K = SpecField::Kind;
    switch (f.kind) {
    case K::Text:
    case K::Secret: {
        const QString t = textOf(editor);
        if (t.isEmpty())
            return std::nullopt;
        return QJsonValue(t);
    }
    case K::Integer:
    case K::Number: {
        const QString t = textOf(editor);
        if (t.trimmed().isEmpty())
            return std::nullopt;
        return numberFrom(t, f.kind == K::Integer);
    }
    case K::Boolean: {
        const bool on = static_cast<QCheckBox *>(editor)->isChecked();
        if (on || f.required || !f.defaultValue.isUndefined() || explicitlySet)
            return QJsonValue(on);
        return std::nullopt;
    }
    case K::Enum: {
        auto *combo = static_cast<QComboBox *>(editor);
        const QVariant data = combo->currentData();
        if (!data.isValid())
            return std::nullopt;
        return QJsonValue::fromVariant(data);
    }
    case K::List: {
        QJsonArray out;
        if (auto *list = qobject_cast<QListWidget *>(editor)) {
            for (int i = 0; i < list->count(); ++i)
                if (list->item(i)->checkState() == Qt::Checked)
                    out.append(QJsonValue::fromVariant(list->item(i)->data(Qt::UserRole)));
        } else {
            const QStringList lines = textOf(editor).split(u'\n', Qt::SkipEmptyParts);
            for (const QString &line : lines) {
                if (line.trimmed().isEmpty())
                    continue;
                if (f.itemType == u"string")
                    out.append(line.trimmed());
                else if (auto n = numberFrom(line, f.itemType == u"integer"))
                    out.append(*n);
                else
                    out.append(line.trimmed());   // reported by problems(): validation names the item
            }
        }
        if (out.isEmpty() && !explicitlySet && f.defaultValue.isUndefined() && !f.required)
            return std::nullopt;
        return QJsonValue(out);
    }
    case K::Object: {
        const QJsonObject o = children->value();
        if (o.isEmpty() && !f.required && !explicitlySet)
            return std::nullopt;
        return QJsonValue(o);
    }
    case K::OneOf: {
        const int index = choice->currentIndex();
        if (index < 0 || index >= int(branches.size()))
            return std::nullopt;
        QJsonObject o = branches[size_t(index)]->value();
        const SpecField::Branch &b = f.branches[index];
        o.insert(b.discriminatorKey, b.discriminatorValue);
        return QJsonValue(o);
    }
    case K::Raw: {
        const QString t = textOf(editor);
        if (t.trimmed().isEmpty())
            return std::nullopt;
        return parseJsonText(t);
    }
    }
    return std::nullopt;
}

void SpecFormWidget::Node::set(const QJsonValue &v)
{
    const SpecField &f = *field;
    using K = SpecField::Kind;
    explicitlySet = !v.isUndefined();
    switch (f.kind) {
    case K::Text:
    case K::Secret:
    case K::Integer:
    case K::Number:
        setTextOf(editor, scalarText(v));
        break;
    case K::Boolean:
        static_cast<QCheckBox *>(editor)->setChecked(v.toBool());
        break;
    case K::Enum: {
        auto *combo = static_cast<QComboBox *>(editor);
        int index = -1;
        for (int i = 0; i < combo->count(); ++i)
            if (combo->itemData(i).isValid() && QJsonValue::fromVariant(combo->itemData(i)) == v)
                index = i;
        if (index < 0 && !v.isUndefined()) {   // a value the spec does not list: keep it, validation will say
            combo->addItem(scalarText(v), v.toVariant());
            index = combo->count() - 1;
        }
        if (index < 0)
            index = combo->findData(QVariant());
        combo->setCurrentIndex(index);
        break;
    }
    case K::List: {
        const QJsonArray items = v.toArray();
        if (auto *list = qobject_cast<QListWidget *>(editor)) {
            for (int i = 0; i < list->count(); ++i)
                list->item(i)->setCheckState(items.contains(QJsonValue::fromVariant(list->item(i)->data(Qt::UserRole))) ? Qt::Checked
                                                                                                                   : Qt::Unchecked);
        } else {
            QStringList lines;
            for (const QJsonValue &item : items)
                lines << scalarText(item);
            setTextOf(editor, lines.join(u'\n'));
        }
        break;
    }
    case K::Object:
        children->set(v.toObject());
        break;
    case K::OneOf: {
        const QJsonObject o = v.toObject();
        int index = -1;
        for (int i = 0; i < f.branches.size(); ++i)
            if (o.value(f.branches[i].discriminatorKey) == f.branches[i].discriminatorValue)
                index = i;
        if (index >= 0) {
            QJsonObject rest = o;
            rest.remove(f.branches[index].discriminatorKey);
            branches[size_t(index)]->set(rest);
            choice->setCurrentIndex(index);
        }
        break;
    }
    case K::Raw:
        setTextOf(editor, jsonText(v));
        break;
    }
}

void SpecFormWidget::Node::problems(QList<SpecProblem> &out) const
{
    const SpecField &f = *field;
    using K = SpecField::Kind;
    if (f.kind == K::Integer || f.kind == K::Number) {
        const QString t = textOf(editor);
        if (!t.trimmed().isEmpty() && !numberFrom(t, f.kind == K::Integer))
            out << SpecProblem{f.path, f.kind == K::Integer ? QStringLiteral("must be an integer") : QStringLiteral("must be a number")};
    } else if (f.kind == K::Raw) {
        const QString t = textOf(editor);
        if (!t.trimmed().isEmpty() && !parseJsonText(t))
            out << SpecProblem{f.path, QStringLiteral("is not valid JSON")};
    } else if (f.kind == K::Object) {
        children->problems(out);
    } else if (f.kind == K::OneOf) {
        const int index = choice->currentIndex();
        if (index >= 0 && index < int(branches.size()))
            branches[size_t(index)]->problems(out);
    }
}

void SpecFormWidget::Node::showBranch(int index) const
{
    for (int i = 0; i < stack->count(); ++i) {
        QWidget *page = stack->widget(i);
        page->setSizePolicy(QSizePolicy::Preferred, i == index ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    stack->setCurrentIndex(index);
    stack->setVisible(!field->branches.value(index).fields.isEmpty());
    stack->adjustSize();
}

QJsonObject SpecFormWidget::Level::value() const
{
    QJsonObject out = initial;
    for (const auto &node : nodes) {
        out.remove(node->field->key);
        if (auto v = node->value())
            out.insert(node->field->key, *v);
    }
    return out;
}

void SpecFormWidget::Level::set(const QJsonObject &v)
{
    initial = v;
    for (const auto &node : nodes) {
        if (node->field->hidden)
            continue;
        if (v.contains(node->field->key))
            node->set(v.value(node->field->key));
        else
            node->set(QJsonValue(QJsonValue::Undefined));
    }
}

void SpecFormWidget::Level::problems(QList<SpecProblem> &out) const
{
    for (const auto &node : nodes)
        node->problems(out);
}

SpecFormWidget::SpecFormWidget(QWidget *parent)
    : QWidget(parent), m_banner(new QLabel(this)), m_outer(new QVBoxLayout(this)), m_buildTimer(new QTimer(this))
{
    // A zero timer, not a posted call: the event loop runs it only when input, painting and other
    // timers have had their turn, so building never starves them.
    m_buildTimer->setSingleShot(true);
    m_buildTimer->setInterval(0);
    connect(m_buildTimer, &QTimer::timeout, this, [this] {
        if (!built())
            buildSome();
    });
    m_outer->setContentsMargins(0, 0, 0, 0);
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setAccessibleName(tr("Problems with the configuration"));
    m_banner->setForegroundRole(QPalette::BrightText);
    m_banner->hide();
    m_outer->addWidget(m_banner);
}

SpecFormWidget::~SpecFormWidget() = default;

void SpecFormWidget::setSpec(const QJsonObject &schema)
{
    m_form = SpecForm::read(schema);
    build();
}

void SpecFormWidget::build()
{
    m_levels.clear();
    m_groupLayout = nullptr;
    m_groupChunks = nullptr;
    m_chunk = nullptr;
    m_groupBox = nullptr;
    m_pendingValue.reset();
    delete m_body;
    m_body = new QWidget(this);
    m_bodyLayout = new QVBoxLayout(m_body);
    m_bodyLayout->setContentsMargins(0, 0, 0, 0);
    m_bodyLayout->addStretch(1);
    m_outer->addWidget(m_body);
    scheduleBuild();   // the turn that set the spec (parsing it, dropping the old form) builds nothing
    clearProblems();   // the fields hold the spec's defaults (buildLevel); setValue() replaces them
}

bool SpecFormWidget::built() const
{
    return qsizetype(m_levels.size()) == m_form.groups.size() && !m_groupBox;
}

namespace {

// How much one chunk holds, in fields (a row's nested fields and oneOf branches count too): showing,
// laying out and polishing one chunk stays well inside a quarter of a frame.
constexpr int kChunkWeight = 12;

int weightOf(const SpecField &f)
{
    int w = 1;
    for (const SpecField &c : f.children)
        w += weightOf(c);
    for (const SpecField::Branch &b : f.branches)
        for (const SpecField &c : b.fields)
            w += weightOf(c);
    return w;
}

bool hasSideLabel(const SpecField &f)
{
    return !f.hidden && f.kind != SpecField::Kind::Boolean && f.kind != SpecField::Kind::Object;
}

} // namespace

// One step of the build: a group's box opened, or its next top-level field added (a field's own
// children and oneOf branches come with it), or a chunk of rows shown (the box with its first). True
// when something was shown. A chunk is never laid out half-built.
bool SpecFormWidget::buildStep()
{
    if (!m_groupBox) {
        const SpecGroup &group = m_form.groups.at(qsizetype(m_levels.size()));
        QWidget *box = group.title.isEmpty() ? new QWidget(m_body) : new QGroupBox(group.title, m_body);
        box->hide();
        m_groupBox = box;
        m_groupChunks = new QVBoxLayout(box);
        if (group.title.isEmpty())
            m_groupChunks->setContentsMargins(0, 0, 0, 0);
        // Every chunk's label column as wide as the group's widest label (a little slack for the
        // label's own measure), so the chunks read as one form; the groups without a title, one after
        // another without a frame, share one column.
        const QFontMetrics fm = box->fontMetrics();
        m_labelWidth = 0;
        for (const SpecGroup &g : std::as_const(m_form.groups)) {
            if (&g != &group && (!group.title.isEmpty() || !g.title.isEmpty()))
                continue;
            for (const SpecField &f : g.fields)
                if (hasSideLabel(f))
                    m_labelWidth = std::max(m_labelWidth, fm.horizontalAdvance(f.title + (f.required ? QStringLiteral(" *") : QString())) + 4);
        }
        m_groupShown = false;
        m_groupField = 0;
        m_levels.push_back(std::make_unique<Level>());
        if (m_pendingValue)
            m_levels.back()->initial = *m_pendingValue;
    }
    if (!m_chunk) {
        m_chunk = new QWidget(m_groupBox);   // hidden until added to the box's layout
        m_groupLayout = new QFormLayout(m_chunk);
        m_groupLayout->setContentsMargins(0, 0, 0, 0);
        m_groupLayout->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
        m_chunkFields = 0;
    }
    const SpecGroup &group = m_form.groups.at(qsizetype(m_levels.size()) - 1);
    if (m_groupField < group.fields.size()) {
        // Building is not editing: no changed() while a field takes its default or the value set, so no
        // listener can ask for the rest of the form (finishBuild) in the middle of this step.
        const QSignalBlocker quiet(this);
        const SpecField &f = group.fields.at(m_groupField++);
        auto node = buildNode(f, m_chunk, m_groupLayout);
        if (node->label)
            node->label->setMinimumWidth(m_labelWidth);
        if (m_pendingValue && !f.hidden)
            node->set(m_pendingValue->contains(f.key) ? m_pendingValue->value(f.key) : QJsonValue(QJsonValue::Undefined));
        m_levels.back()->nodes.push_back(std::move(node));
        m_chunkFields += weightOf(f);
    }
    const bool groupDone = m_groupField >= group.fields.size();
    if (!groupDone && m_chunkFields < kChunkWeight)
        return false;
    m_groupChunks->addWidget(m_chunk);
    m_chunk = nullptr;
    m_groupLayout = nullptr;   // the next step opens the next chunk
    if (!m_groupShown) {
        m_bodyLayout->insertWidget(m_bodyLayout->count() - 1, m_groupBox);   // before the stretch
        m_groupBox->show();
        m_groupShown = true;
    }
    if (groupDone) {
        m_groupChunks = nullptr;
        m_groupBox = nullptr;
    }
    return true;
}

// The form is built a few fields at a time, each turn of the event loop taking about a quarter of a
// frame, so that a connector with hundreds of fields never freezes the window; whoever reads the form
// before it is complete (value(), editorAt(), problems) has the rest built at once (finishBuild).
void SpecFormWidget::buildSome()
{
    QElapsedTimer t;
    t.start();
    bool first = true;
    while (!built() && (first || t.elapsed() < 4)) {
        first = false;
        if (buildStep())
            break;   // a group was shown: its layout and polish get the next turn to themselves
    }
    if (!built())
        scheduleBuild();
}

void SpecFormWidget::scheduleBuild()
{
    m_buildTimer->start();
}

void SpecFormWidget::finishBuild() const
{
    auto *self = const_cast<SpecFormWidget *>(this);
    while (!self->built())
        self->buildStep();
}

std::unique_ptr<SpecFormWidget::Level> SpecFormWidget::buildLevel(const QList<SpecField> &fields, QWidget *parent, QFormLayout *layout)
{
    auto level = std::make_unique<Level>();
    for (const SpecField &f : fields)
        level->nodes.push_back(buildNode(f, parent, layout));
    return level;
}

// One field's label, editor and problem line added to `layout`; a default fills it (set() on a level
// without a value lets each node take its default).
std::unique_ptr<SpecFormWidget::Node> SpecFormWidget::buildNode(const SpecField &f, QWidget *parent, QFormLayout *layout)
{
    using K = SpecField::Kind;
    {
        auto node = std::make_unique<Node>();
        node->field = &f;
        if (f.hidden)
            return node;
        QString help = plainText(f.description);
        if (f.isRaw())
            help = (help.isEmpty() ? QString() : help + u' ') + tr("Edited as JSON: this field %1.").arg(f.rawReason);
        const QString labelText = f.title + (f.required ? QStringLiteral(" *") : QString());
        QWidget *editor = nullptr;
        bool spanning = false;
        switch (f.kind) {
        case K::Text:
        case K::Secret:
        case K::Integer:
        case K::Number: {
            if (f.multiline) {
                auto *text = new QPlainTextEdit(parent);
                text->setTabChangesFocus(true);
                text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
                connect(text, &QPlainTextEdit::textChanged, this, &SpecFormWidget::changed);
                editor = text;
            } else {
                auto *line = new QLineEdit(parent);
                if (f.kind == K::Secret)
                    line->setEchoMode(QLineEdit::Password);
                if (f.kind == K::Integer)
                    line->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^-?[0-9]*$")), line));
                if (f.kind == K::Number)
                    line->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("^-?[0-9]*([.][0-9]*)?([eE][-+]?[0-9]*)?$")), line));
                QString placeholder = f.patternDescriptor;
                if (placeholder.isEmpty() && !f.examples.isEmpty())
                    placeholder = tr("e.g. %1").arg(scalarText(f.examples.first()));
                if (placeholder.isEmpty() && (f.hasMinimum || f.hasMaximum))
                    placeholder = f.hasMinimum && f.hasMaximum ? tr("%1 to %2").arg(f.minimum).arg(f.maximum)
                                  : f.hasMinimum               ? tr("at least %1").arg(f.minimum)
                                                               : tr("at most %1").arg(f.maximum);
                line->setPlaceholderText(placeholder);
                connect(line, &QLineEdit::textEdited, this, &SpecFormWidget::changed);
                editor = line;
            }
            break;
        }
        case K::Boolean: {
            auto *check = new QCheckBox(labelText, parent);
            connect(check, &QCheckBox::toggled, this, &SpecFormWidget::changed);
            editor = check;
            spanning = true;
            break;
        }
        case K::Enum: {
            auto *combo = new QComboBox(parent);
            if (!f.required && f.defaultValue.isUndefined())
                combo->addItem(tr("(not set)"), QVariant());
            for (const QJsonValue &o : f.options)
                combo->addItem(scalarText(o), o.toVariant());
            connect(combo, &QComboBox::currentIndexChanged, this, &SpecFormWidget::changed);
            editor = combo;
            break;
        }
        case K::List: {
            if (!f.options.isEmpty()) {
                auto *list = new QListWidget(parent);
                for (const QJsonValue &o : f.options) {
                    auto *item = new QListWidgetItem(scalarText(o), list);
                    item->setData(Qt::UserRole, o.toVariant());
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(Qt::Unchecked);
                }
                list->setFixedHeight(std::min<int>(int(f.options.size()), 6) * (list->fontMetrics().lineSpacing() + 6) + 8);
                connect(list, &QListWidget::itemChanged, this, &SpecFormWidget::changed);
                editor = list;
            } else {
                auto *text = new QPlainTextEdit(parent);
                text->setTabChangesFocus(true);
                text->setPlaceholderText(tr("One per line"));
                text->setFixedHeight(text->fontMetrics().lineSpacing() * 3 + 12);
                connect(text, &QPlainTextEdit::textChanged, this, &SpecFormWidget::changed);
                editor = text;
            }
            break;
        }
        case K::Raw: {
            auto *text = new QPlainTextEdit(parent);
            text->setTabChangesFocus(true);
            text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
            text->setPlaceholderText(tr("JSON"));
            text->setFixedHeight(text->fontMetrics().lineSpacing() * 4 + 12);
            connect(text, &QPlainTextEdit::textChanged, this, &SpecFormWidget::changed);
            editor = text;
            break;
        }
        case K::Object: {
            auto *box = new QGroupBox(labelText, parent);
            auto *inner = new QFormLayout(box);
            inner->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            node->children = buildLevel(f.children, box, inner);
            editor = box;
            spanning = true;
            break;
        }
        case K::OneOf: {
            auto *combo = new QComboBox(parent);
            auto *stack = new QStackedWidget(parent);
            for (const SpecField::Branch &b : f.branches) {
                combo->addItem(b.title);
                auto *page = new QWidget(stack);
                auto *inner = new QFormLayout(page);
                inner->setContentsMargins(12, 0, 0, 0);
                inner->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
                node->branches.push_back(buildLevel(b.fields, page, inner));
                stack->addWidget(page);
            }
            node->choice = combo;
            node->stack = stack;
            Node *raw = node.get();
            connect(combo, &QComboBox::currentIndexChanged, this, [this, raw](int index) {
                raw->showBranch(index);
                Q_EMIT changed();
            });
            editor = combo;
            break;
        }
        }
        node->editor = editor;
        editor->setAccessibleName(f.title);
        editor->setObjectName(f.path);
        if (!help.isEmpty()) {
            editor->setToolTip(help);
            editor->setAccessibleDescription(help);
        }
        node->problem = new QLabel(parent);
        node->problem->setWordWrap(true);
        node->problem->setTextFormat(Qt::PlainText);
        node->problem->setAccessibleName(tr("Problem with %1").arg(f.title));
        QPalette warn = node->problem->palette();
        warn.setColor(QPalette::WindowText, QColor(0xc0, 0x1c, 0x28));
        node->problem->setPalette(warn);
        node->problem->hide();

        if (spanning) {
            layout->addRow(editor);
            layout->addRow(node->problem);
        } else {
            node->label = new QLabel(labelText, parent);
            node->label->setBuddy(editor);
            if (!help.isEmpty())
                node->label->setToolTip(help);
            auto *cell = new QWidget(parent);
            auto *cellLayout = new QVBoxLayout(cell);
            cellLayout->setContentsMargins(0, 0, 0, 0);
            cellLayout->setSpacing(2);
            editor->setParent(cell);
            node->problem->setParent(cell);
            cellLayout->addWidget(editor);
            cellLayout->addWidget(node->problem);
            layout->addRow(node->label, cell);
            if (node->stack)
                layout->addRow(node->stack);
        }
        if (node->choice)
            node->showBranch(0);
        // Editing a field takes its mark away.
        QLabel *mark = node->problem;
        connect(this, &SpecFormWidget::changed, mark, [mark, editor] {
            if (editor->hasFocus() || editor->isAncestorOf(QApplication::focusWidget()))
                mark->hide();
        });
        if (!f.defaultValue.isUndefined()) {
            node->set(f.defaultValue);
            node->explicitlySet = false;
        }
        return node;
    }
}

void SpecFormWidget::setValue(const QJsonObject &config)
{
    m_pendingValue = config;   // for the groups not built yet
    for (const auto &level : m_levels)
        level->set(config);
}

QJsonObject SpecFormWidget::value() const
{
    finishBuild();
    QJsonObject out;
    for (const auto &level : m_levels) {
        const QJsonObject part = level->value();
        for (auto it = part.begin(); it != part.end(); ++it)
            out.insert(it.key(), it.value());
    }
    // Each group's level kept the whole value set as its `initial`: a key another group shows must
    // come from that group's field (as edited), not from a later group's copy of what was set.
    for (const auto &level : m_levels)
        for (const auto &node : level->nodes) {
            if (auto v = node->value())
                out.insert(node->field->key, *v);
            else if (!node->field->hidden)
                out.remove(node->field->key);
        }
    return out;
}

QList<SpecProblem> SpecFormWidget::localProblems() const
{
    finishBuild();
    QList<SpecProblem> out;
    for (const auto &level : m_levels)
        level->problems(out);
    return out;
}

SpecFormWidget::Node *SpecFormWidget::nodeAt(const QString &path) const
{
    finishBuild();
    std::function<Node *(const Level &)> find = [&](const Level &level) -> Node * {
        for (const auto &n : level.nodes) {
            if (n->field->path == path)
                return n.get();
            if (n->children)
                if (Node *hit = find(*n->children))
                    return hit;
            if (n->choice) {
                const int index = n->choice->currentIndex();
                if (index >= 0 && index < int(n->branches.size()))
                    if (Node *hit = find(*n->branches[size_t(index)]))
                        return hit;
            }
        }
        return nullptr;
    };
    for (const auto &level : m_levels)
        if (Node *hit = find(*level))
            return hit;
    return nullptr;
}

QWidget *SpecFormWidget::editorAt(const QString &path) const
{
    Node *n = nodeAt(path);
    return n ? n->editor : nullptr;
}

QString SpecFormWidget::problemAt(const QString &path) const
{
    Node *n = nodeAt(path);
    return n && !n->problem->isHidden() ? n->problem->text() : QString();
}

void SpecFormWidget::clearProblems()
{
    std::function<void(const Level &)> clear = [&](const Level &level) {
        for (const auto &n : level.nodes) {
            if (n->problem)
                n->problem->hide();
            if (n->children)
                clear(*n->children);
            for (const auto &b : n->branches)
                clear(*b);
        }
    };
    for (const auto &level : m_levels)
        clear(*level);
    m_banner->hide();
}

void SpecFormWidget::showProblems(const QList<SpecProblem> &problems)
{
    finishBuild();
    clearProblems();
    QStringList unplaced;
    QWidget *first = nullptr;
    for (const SpecProblem &p : problems) {
        // A problem inside a list's item or a JSON field belongs to the nearest field that is shown.
        QString path = p.path;
        Node *node = nodeAt(path);
        while (!node && path.contains(u'.')) {
            path = path.left(path.lastIndexOf(u'.'));
            node = nodeAt(path);
        }
        if (!node || !node->problem || node->field->kind == SpecField::Kind::Object) {
            unplaced << p.toString();
            continue;
        }
        const QString words = path == p.path ? p.message : p.path.mid(path.size() + 1) + QStringLiteral(": ") + p.message;
        const QString shown = node->problem->isHidden() ? words : node->problem->text() + u'\n' + words;
        node->problem->setText(shown);
        node->problem->show();
        node->editor->setAccessibleDescription(shown);
        if (!first)
            first = node->editor;
    }
    if (!unplaced.isEmpty()) {
        m_banner->setText(tr("Fix these before saving:") + u'\n' + unplaced.join(u'\n'));
        m_banner->show();
    }
    if (first)
        first->setFocus(Qt::OtherFocusReason);
}

} // namespace sluice
