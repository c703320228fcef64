#include "execution.h"

#include "pipelinerunner.h"
#include "store/runstore.h"

#include <QLoggingCategory>

namespace sluice {

Q_DECLARE_LOGGING_CATEGORY(lcRunner)

QCoro::Task<Execution> executeRun(PipelineRunner &runner, Database &db, ExecutionHooks hooks)
{
    const qint64 runId = runner.runId();
    // Not co_await inside the braced initializer: g++ 12 miscompiles that (temporaries destroyed twice).
    Result<RunStatus> status = co_await runner.run();
    Execution out{std::move(status), {}};
    if (!out.status) {
        if (hooks.discardRefused)
            if (auto discarded = RunStore(db).discardQueued(runId); !discarded)
                qCWarning(lcRunner).noquote() << QStringLiteral("could not discard the refused run %1: %2").arg(runId).arg(discarded.error().message);
        co_return out;
    }
    if (hooks.ended)
        hooks.ended(*out.status);
    if (hooks.notifier && (!hooks.stillNotify || hooks.stillNotify()))
        out.notifications = co_await hooks.notifier->notifyRun(runId);
    co_return out;
}

} // namespace sluice
