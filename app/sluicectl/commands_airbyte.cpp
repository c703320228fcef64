// sluicectl airbyte ...
#include "cli.h"

namespace sluice::cli {

CommandResult runAirbyte(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("`airbyte %1` is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
