// sluicectl agent ... (being written)
#include "cli.h"

namespace sluice::cli {

CommandResult runAgent(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("\"agent %1\" is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
