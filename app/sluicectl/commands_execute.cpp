// sluicectl pipeline run / task run (being written)
#include "cli.h"

namespace sluice::cli {

CommandResult runPipelineRun(Context &, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("\"pipeline run\" is not available in this build yet")));
}

CommandResult runTaskRun(Context &, const QStringList &)
{
    return fail(Error::invalid(QStringLiteral("\"task run\" is not available in this build yet")));
}

} // namespace sluice::cli
