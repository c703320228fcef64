#pragma once

#include <QWidget>

class QLabel;

namespace sluice {

// A centred title and explanation shown where a page has nothing to show yet: says what will be
// here and how to get there.
class EmptyState : public QWidget
{
    Q_OBJECT
public:
    EmptyState(const QString &title, const QString &text, QWidget *parent = nullptr);
    void setText(const QString &title, const QString &text);

private:
    QLabel *m_title;
    QLabel *m_text;
};

} // namespace sluice
