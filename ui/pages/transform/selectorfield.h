#pragma once

#include <QStringList>
#include <QWidget>

class QCompleter;
class QLineEdit;
class QPushButton;
class QStringListModel;

namespace sluice {

// A --select / --exclude field: a line edit that completes the word under the cursor from the
// project's manifest (model names, `tag:` and `package:` values, the method prefixes dbt knows),
// keeping graph operators (`+`, `n+`, `@`) and the rest of the expression as typed; and a "Pick…"
// button that opens a searchable list of the models to add to the expression.
class SelectorField : public QWidget
{
    Q_OBJECT
public:
    explicit SelectorField(const QString &accessibleName, QWidget *parent = nullptr);

    // What completion and the picker offer: the manifest's node names and the words such as
    // "tag:nightly" it knows.
    void setVocabulary(const QStringList &names, const QStringList &qualifiedWords);

    [[nodiscard]] QLineEdit *edit() const { return m_edit; }
    [[nodiscard]] QPushButton *pickButton() const { return m_pick; }
    [[nodiscard]] QCompleter *completer() const { return m_completer; }
    [[nodiscard]] QString text() const;
    void setText(const QString &text);

    // The part of `text` the completion replaces when the cursor is at `cursor`: the current word
    // after any `@`, `n+` / `+` prefix and after the last `,` (an intersection); its start and length.
    [[nodiscard]] static std::pair<qsizetype, qsizetype> completionSpan(const QString &text, qsizetype cursor);
    // Appends `names` as union members, each once.
    [[nodiscard]] static QString withNames(const QString &text, const QStringList &names);

Q_SIGNALS:
    void textChanged(const QString &text);

private:
    void complete();
    void insertCompletion(const QString &word);
    void pick();

    QLineEdit *m_edit;
    QPushButton *m_pick;
    QCompleter *m_completer;
    QStringListModel *m_words;
    QStringList m_names;
};

} // namespace sluice
