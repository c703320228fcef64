// sluicectl warehouse ...
#include "cli.h"

namespace sluice::cli {

CommandResult runWarehouse(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("`warehouse %1` is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
