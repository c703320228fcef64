#pragma once

#include "domain/status.h"

#include <QColor>
#include <QStyledItemDelegate>

class QLabel;
class QPalette;
class QWidget;

namespace sluice {

// The colour of a status tone in a palette: derived from the palette's own text and window colours,
// so that a tone reads well on light and dark themes alike (dark mode works). Neutral is the
// palette's placeholder text colour.
[[nodiscard]] QColor toneColor(StatusTone tone, const QPalette &palette);

// A hidden, word-wrapped label in the Bad tone: where a form shows the problem with the field above it.
[[nodiscard]] QLabel *problemLabel(QWidget *parent);

// Paints a cell's text in the colour of the tone its model gives under `toneRole` (an int StatusTone).
class StatusToneDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    StatusToneDelegate(int toneRole, QObject *parent = nullptr);

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;

private:
    int m_toneRole;
};

} // namespace sluice
