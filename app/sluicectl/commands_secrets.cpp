// sluicectl secrets ...
#include "cli.h"

namespace sluice::cli {

CommandResult runSecrets(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("`secrets %1` is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
