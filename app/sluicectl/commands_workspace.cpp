// sluicectl workspace ...
#include "cli.h"

namespace sluice::cli {

CommandResult runWorkspace(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("`workspace %1` is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
