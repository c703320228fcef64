// sluicectl notify ... (being written)
#include "cli.h"

namespace sluice::cli {

CommandResult runNotify(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("\"notify %1\" is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
