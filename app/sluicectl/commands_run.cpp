// sluicectl run ... (being written)
#include "cli.h"

namespace sluice::cli {

CommandResult runRun(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("\"run %1\" is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
