#pragma once

#include <QRegularExpression>
#include <QStringList>

namespace sluice {

// An argv as a person would type it at a POSIX shell: words that need quoting are put in single
// quotes (a quote inside becomes '\''), so what is shown pastes back as the same arguments.
[[nodiscard]] inline QString quotedCommandLine(const QStringList &argv)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QStringList shown;
    shown.reserve(argv.size());
    for (const QString &word : argv) {
        if (plain.match(word).hasMatch())
            shown << word;
        else
            shown << QLatin1Char('\'') + QString(word).replace(QLatin1Char('\''), QStringLiteral("'\\''")) + QLatin1Char('\'');
    }
    return shown.join(QLatin1Char(' '));
}

} // namespace sluice
