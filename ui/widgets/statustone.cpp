#include "statustone.h"

#include <QLabel>
#include <QPalette>

namespace sluice {

namespace {

// Mixes a hue into the palette's text colour: enough of the hue to be told apart, enough of the text
// colour to keep its contrast with the background, whatever the theme.
QColor tinted(const QPalette &palette, QColor hue)
{
    const QColor text = palette.color(QPalette::Text);
    const bool dark = palette.color(QPalette::Base).lightnessF() < 0.5;
    if (dark)
        hue = hue.lighter(160);
    const double share = 0.75;
    return QColor::fromRgbF(float(hue.redF() * share + text.redF() * (1 - share)),
                            float(hue.greenF() * share + text.greenF() * (1 - share)),
                            float(hue.blueF() * share + text.blueF() * (1 - share)));
}

} // namespace

QColor toneColor(StatusTone tone, const QPalette &palette)
{
    switch (tone) {
    case StatusTone::Good: return tinted(palette, QColor(0x2e, 0x7d, 0x32));
    case StatusTone::Warning: return tinted(palette, QColor(0xb2, 0x6a, 0x00));
    case StatusTone::Bad: return tinted(palette, QColor(0xc6, 0x28, 0x28));
    case StatusTone::Active: return palette.color(QPalette::Link);
    case StatusTone::Neutral: break;
    }
    return palette.color(QPalette::PlaceholderText);
}

QLabel *problemLabel(QWidget *parent)
{
    auto *l = new QLabel(parent);
    l->setWordWrap(true);
    QPalette p = l->palette();
    p.setColor(QPalette::WindowText, toneColor(StatusTone::Bad, p));
    l->setPalette(p);
    l->hide();
    return l;
}

StatusToneDelegate::StatusToneDelegate(int toneRole, QObject *parent) : QStyledItemDelegate(parent), m_toneRole(toneRole) {}

void StatusToneDelegate::initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    const QVariant tone = index.data(m_toneRole);
    if (tone.isValid()) {
        const QColor c = toneColor(StatusTone(tone.toInt()), option->palette);
        option->palette.setColor(QPalette::Text, c);
        option->palette.setColor(QPalette::HighlightedText, option->palette.color(QPalette::HighlightedText));
    }
}

} // namespace sluice
