#include "selectorfield.h"

#include "dbt/nodeselection.h"

#include <QAbstractItemView>
#include <QCompleter>
#include <QDialog>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QStringListModel>
#include <QVBoxLayout>

namespace sluice {

SelectorField::SelectorField(const QString &accessibleName, QWidget *parent)
    : QWidget(parent), m_edit(new QLineEdit(this)), m_pick(new QPushButton(tr("Pick…"), this)),
      m_completer(new QCompleter(this)), m_words(new QStringListModel(this))
{
    m_edit->setAccessibleName(accessibleName);
    m_edit->setClearButtonEnabled(true);
    m_pick->setAccessibleName(tr("Pick models for %1").arg(accessibleName));
    m_pick->setToolTip(tr("Choose models from the project's manifest to add to the expression"));
    m_completer->setModel(m_words);
    m_completer->setCaseSensitivity(Qt::CaseInsensitive);
    m_completer->setFilterMode(Qt::MatchContains);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_completer->setWidget(m_edit);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_edit, 1);
    layout->addWidget(m_pick);
    setFocusProxy(m_edit);

    connect(m_edit, &QLineEdit::textEdited, this, &SelectorField::complete);
    connect(m_edit, &QLineEdit::textChanged, this, &SelectorField::textChanged);
    connect(m_completer, qOverload<const QString &>(&QCompleter::activated), this, &SelectorField::insertCompletion);
    connect(m_pick, &QPushButton::clicked, this, &SelectorField::pick);
}

void SelectorField::setVocabulary(const QStringList &names, const QStringList &qualifiedWords)
{
    m_names = names;
    QStringList words = names;
    words << qualifiedWords;
    for (const QString &method : dbtSelectionMethods())
        words << method + QLatin1Char(':');
    words.removeDuplicates();
    words.sort(Qt::CaseInsensitive);
    m_words->setStringList(words);
    m_pick->setEnabled(!names.isEmpty());
}

QString SelectorField::text() const { return m_edit->text(); }

void SelectorField::setText(const QString &text) { m_edit->setText(text); }

std::pair<qsizetype, qsizetype> SelectorField::completionSpan(const QString &text, qsizetype cursor)
{
    cursor = qBound(qsizetype(0), cursor, text.size());
    qsizetype start = cursor;
    while (start > 0 && !text.at(start - 1).isSpace() && text.at(start - 1) != QLatin1Char(','))
        --start;
    // Graph operators before the word: "@", "+", "2+".
    if (start < cursor && text.at(start) == QLatin1Char('@'))
        ++start;
    qsizetype digits = start;
    while (digits < cursor && text.at(digits).isDigit())
        ++digits;
    if (digits < cursor && text.at(digits) == QLatin1Char('+'))
        start = digits + 1;
    qsizetype end = cursor;
    while (end < text.size() && !text.at(end).isSpace() && text.at(end) != QLatin1Char(',') && text.at(end) != QLatin1Char('+'))
        ++end;
    return {start, end - start};
}

QString SelectorField::withNames(const QString &text, const QStringList &names)
{
    QStringList words = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &n : names)
        if (!words.contains(n))
            words << n;
    return words.join(QLatin1Char(' '));
}

void SelectorField::complete()
{
    const auto [start, length] = completionSpan(m_edit->text(), m_edit->cursorPosition());
    const QString prefix = m_edit->text().mid(start, m_edit->cursorPosition() - start);
    if (prefix.isEmpty()) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->setCompletionPrefix(prefix);
    if (m_completer->completionCount() == 0) {
        m_completer->popup()->hide();
        return;
    }
    m_completer->complete();
}

void SelectorField::insertCompletion(const QString &word)
{
    QString text = m_edit->text();
    const auto [start, length] = completionSpan(text, m_edit->cursorPosition());
    text.replace(start, length, word);
    m_edit->setText(text);
    m_edit->setCursorPosition(int(start + word.size()));
}

void SelectorField::pick()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Pick models"));
    auto *filter = new QLineEdit(&dialog);
    filter->setPlaceholderText(tr("Filter by name"));
    filter->setAccessibleName(tr("Filter models"));
    filter->setClearButtonEnabled(true);
    auto *names = new QStringListModel(m_names, &dialog);
    auto *proxy = new QSortFilterProxyModel(&dialog);
    proxy->setSourceModel(names);
    proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy->sort(0);
    auto *list = new QListView(&dialog);
    list->setModel(proxy);
    list->setSelectionMode(QAbstractItemView::ExtendedSelection);
    list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    list->setAccessibleName(tr("Models"));
    auto *hint = new QLabel(tr("Select one or more (Ctrl or Shift and click); they are added to the expression."), &dialog);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Add"));
    auto *layout = new QVBoxLayout(&dialog);
    layout->addWidget(filter);
    layout->addWidget(list, 1);
    layout->addWidget(hint);
    layout->addWidget(buttons);
    connect(filter, &QLineEdit::textChanged, proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(list, &QListView::doubleClicked, &dialog, &QDialog::accept);
    dialog.resize(420, 480);
    if (dialog.exec() != QDialog::Accepted)
        return;
    QStringList chosen;
    for (const QModelIndex &i : list->selectionModel()->selectedIndexes())
        chosen << i.data().toString();
    chosen.sort();
    if (!chosen.isEmpty())
        m_edit->setText(withNames(m_edit->text(), chosen));
}

} // namespace sluice
