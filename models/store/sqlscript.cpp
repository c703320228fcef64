#include "sqlscript.h"

#include <QRegularExpression>

namespace sluice {

QStringList splitSqlScript(const QString &script)
{
    QStringList statements;
    QString current;
    QChar quote;                    // '\'' or '"' while inside a quoted token
    const qsizetype n = script.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = script.at(i);
        if (!quote.isNull()) {
            current += c;
            if (c == quote) {
                if (i + 1 < n && script.at(i + 1) == quote) { // doubled quote: an escaped quote
                    current += script.at(++i);
                } else {
                    quote = QChar();
                }
            }
            continue;
        }
        if (c == QLatin1Char('-') && i + 1 < n && script.at(i + 1) == QLatin1Char('-')) {
            while (i < n && script.at(i) != QLatin1Char('\n'))
                ++i;
            current += QLatin1Char('\n');
            continue;
        }
        const bool afterWord = i > 0 && (script.at(i - 1).isLetterOrNumber() || script.at(i - 1) == QLatin1Char('_'));
        if (c == QLatin1Char('$') && !afterWord) { // a PostgreSQL dollar-quoted body: $tag$ ... $tag$
            const qsizetype close = script.indexOf(QLatin1Char('$'), i + 1);
            const QString tag = close < 0 ? QString() : script.mid(i, close - i + 1);
            static const QRegularExpression tagPattern(QStringLiteral("^\\$([A-Za-z_][A-Za-z0-9_]*)?\\$$"));
            if (!tag.isEmpty() && tagPattern.match(tag).hasMatch()) {
                const qsizetype endTag = script.indexOf(tag, close + 1);
                const qsizetype stop = endTag < 0 ? n : endTag + tag.size();
                current += script.mid(i, stop - i);
                i = stop - 1;
                continue;
            }
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"'))
            quote = c;
        if (c == QLatin1Char(';')) {
            if (!current.trimmed().isEmpty())
                statements << current.trimmed();
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

} // namespace sluice
