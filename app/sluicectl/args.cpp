#include "args.h"

namespace sluice::cli {

Result<Args> Args::parse(const QStringList &words, const Spec &spec, const QString &command)
{
    Args args;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString &w = words[i];
        if (w == QLatin1String("--")) {
            args.m_positionals << words.mid(i + 1);
            break;
        }
        if (!w.startsWith(QLatin1String("--")) || w.size() == 2) {
            args.m_positionals << w;
            continue;
        }
        QString name = w.mid(2);
        QString value;
        bool inlineValue = false;
        if (const qsizetype eq = name.indexOf(QLatin1Char('=')); eq >= 0) {
            value = name.mid(eq + 1);
            name = name.left(eq);
            inlineValue = true;
        }
        if (spec.switches.contains(name)) {
            if (inlineValue)
                return fail(Error::invalid(QStringLiteral("--%1 takes no value").arg(name)));
            args.m_switches << name;
            continue;
        }
        if (!spec.valued.contains(name)) {
            QStringList known;
            for (const QString &o : spec.valued + spec.switches)
                known << QStringLiteral("--") + o;
            return fail(Error::invalid(QStringLiteral("`%1` has no option --%2%3")
                                           .arg(command, name,
                                                known.isEmpty() ? QString() : QStringLiteral(" (it takes %1)").arg(known.join(QStringLiteral(", "))))));
        }
        if (!inlineValue) {
            if (i + 1 >= words.size())
                return fail(Error::invalid(QStringLiteral("--%1 needs a value").arg(name)));
            value = words[++i];
        }
        args.m_values[name] << value;
        args.m_order << name;
    }
    return args;
}

} // namespace sluice::cli
