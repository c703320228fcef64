#pragma once

#include "core/error.h"

#include <QMap>
#include <QStringList>

namespace sluice::cli {

// A command's arguments: options (`--name value`, `--name=value`, repeatable) and switches
// (`--name`), then positionals. `--` ends option parsing; everything after it is positional.
class Args
{
public:
    struct Spec
    {
        QStringList valued;     // options that take a value
        QStringList switches;   // options without a value
    };

    [[nodiscard]] static Result<Args> parse(const QStringList &words, const Spec &spec, const QString &command);

    [[nodiscard]] bool has(const QString &name) const { return m_values.contains(name) || m_switches.contains(name); }
    [[nodiscard]] QString value(const QString &name) const { return m_values.value(name).value(0); }
    [[nodiscard]] QStringList values(const QString &name) const { return m_values.value(name); }
    [[nodiscard]] const QStringList &positionals() const { return m_positionals; }
    [[nodiscard]] QStringList order() const { return m_order; }   // valued option names in given order

private:
    QMap<QString, QStringList> m_values;
    QStringList m_switches;
    QStringList m_positionals;
    QStringList m_order;
};

} // namespace sluice::cli
