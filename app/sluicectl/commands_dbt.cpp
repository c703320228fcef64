// sluicectl dbt ...
#include "cli.h"

namespace sluice::cli {

CommandResult runDbt(Context &, const QString &verb, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("`dbt %1` is not available in this build yet").arg(verb)));
}

} // namespace sluice::cli
