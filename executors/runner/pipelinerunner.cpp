#include "pipelinerunner.h"

#include "airbyte/airbyteclient.h"
#include "store/airbyteserverstore.h"
#include "catalog/taskcatalog.h"
#include "orgsetup.h"
#include "domain/retrypolicy.h"
#include "leasekeeper.h"
#include "process/shelloperation.h"
#include "store/database.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include <QCoro/QCoroSignal>
#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>

namespace sluice {

Q_LOGGING_CATEGORY(lcRunner, "sluice.exec.runner", QtInfoMsg)

struct PipelineRunner::PipelineSettings
{
    RetryPolicy retry;
    bool continueOnSyncFailure = false;
};

namespace {

bool isSync(const TaskRunRecord &t) { return t.slug == QLatin1String("airbyte-sync"); }

TaskOutcome failedOutcome(TaskErrorKind kind, const QString &detail, RetryAdvice retry = {})
{
    TaskOutcome o;
    o.outcome = Outcome::FailedToStart;
    o.result.status = TaskRunStatus::Failed;
    o.result.errorKind = kind;
    o.result.errorDetail = detail;
    o.retry = std::move(retry);
    return o;
}

TaskOutcome cancelledOutcome()
{
    TaskOutcome o;
    o.outcome = Outcome::Canceled;
    o.result.status = TaskRunStatus::Cancelled;
    o.result.errorKind = TaskErrorKind::Cancelled;
    return o;
}

} // namespace

PipelineRunner::PipelineRunner(Database &db, qint64 runId, RunnerOptions options, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_runId(runId)
    , m_options(std::move(options))
    , m_runs(db)
    , m_locks(db)
    , m_settings(std::make_unique<PipelineSettings>())
{
    if (!m_options.sleep)
        m_options.sleep = realSleep();
    if (!m_options.dbRetrySleep)
        m_options.dbRetrySleep = realSleep();
    if (!m_options.jitter)
        m_options.jitter = [] { return QRandomGenerator::global()->generateDouble(); };
    if (!m_options.keychain)
        m_options.keychain = std::make_shared<KeychainMemo>();
    if (m_options.lockedBy.isEmpty())
        m_options.lockedBy = m_options.actor;
}

PipelineRunner::~PipelineRunner() = default;

void PipelineRunner::cancel()
{
    if (m_cancelRequested)
        return;
    m_cancelRequested = true;
    if (m_current)
        m_current->cancel();
    Q_EMIT wakeUp();
}

void PipelineRunner::handleLeaseLost(const QString &why)
{
    if (m_leaseLost)
        return;
    m_leaseLost = true;
    m_reason = QStringLiteral("the lease was lost: %1").arg(why);
    if (m_keeper)
        m_keeper->stop();
    if (m_current)
        m_current->cancel();
    Q_EMIT leaseLost(m_runId, why);
    Q_EMIT wakeUp();
}

RunStatus PipelineRunner::finishStatus(RunStatus status)
{
    Q_EMIT runFinished(m_runId, status);
    return status;
}

QCoro::Task<bool> PipelineRunner::persist(std::function<Result<void>()> write)
{
    auto id = co_await persistId([&write]() -> Result<qint64> {
        auto r = write();
        if (!r)
            return fail(r.error());
        return 0;
    });
    co_return id.has_value();
}

QCoro::Task<std::optional<qint64>> PipelineRunner::persistId(std::function<Result<qint64>()> write)
{
    qint64 backoff = 100;
    for (;;) {
        if (m_leaseLost)
            co_return std::nullopt;
        auto r = write();
        if (r)
            co_return *r;
        if (r.error().kind == Error::Kind::LeaseLost) {
            handleLeaseLost(r.error().message);
            co_return std::nullopt;
        }
        if (r.error().kind != Error::Kind::Database) {
            qCWarning(lcRunner).noquote() << QStringLiteral("run %1: a write failed: %2").arg(m_runId).arg(r.error().message);
            co_return std::nullopt;
        }
        co_await m_options.dbRetrySleep(backoff);
        backoff = std::min<qint64>(backoff * 2, 5000);
    }
}

QCoro::Task<Result<RunStatus>> PipelineRunner::run()
{
    if (m_started)
        co_return fail(Error::internal(QStringLiteral("run() of run %1 was already called").arg(m_runId)));
    m_started = true;
    auto record = m_runs.run(m_runId);
    if (!record)
        co_return fail(record.error());
    m_run = record->run;
    m_orgSlug = record->orgSlug;
    m_orgId = record->run.orgId;
    if (record->run.status == RunStatus::Cancelled)
        co_return finishStatus(RunStatus::Cancelled);
    if (record->run.status != RunStatus::Queued)
        co_return fail(Error::conflict(QStringLiteral("run %1 is %2, not queued; only a queued run can be started").arg(record->run.uuid, toSql(record->run.status))));
    if (m_cancelRequested) {
        auto c = m_runs.requestCancel(m_runId, m_options.lockedBy);
        if (!c)
            co_return fail(c.error());
        co_return finishStatus(RunStatus::Cancelled);
    }

    // Settings of the pipeline (a single-task run has none: defaults).
    if (record->run.pipelineId > 0) {
        auto settings = PipelineStore(m_db, m_options.actor).runSettings(record->run.pipelineId);
        if (!settings)
            co_return fail(settings.error());
        if (*settings) {
            m_settings->continueOnSyncFailure = (*settings)->continueOnSyncFailure;
            auto policy = RetryPolicy::fromJsonText((*settings)->retryPolicy);
            if (!policy)
                m_reason = policy.error().message;   // the run fails below, once it holds its locks
            else
                m_settings->retry = *policy;
        }
    }

    QList<qint64> orgTaskIds;
    for (const TaskRunRecord &t : record->tasks)
        if (t.orgTaskId > 0 && !orgTaskIds.contains(t.orgTaskId))
            orgTaskIds.append(t.orgTaskId);
    // Every org task of the run in one read (the steps look them up in this cache).
    if (auto known = OrgTaskStore(m_db, m_options.actor).getByIds(orgTaskIds); known) {
        for (const OrgTask &t : std::as_const(*known))
            m_orgTasks.insert(t.id, t);
    }   // else: each step reads its own task and reports the failure there
    std::optional<qint64> pipelineId;
    if (record->run.pipelineId > 0)
        pipelineId = record->run.pipelineId;
    // The locks and the `running` status in one transaction: a run cancelled meanwhile takes no lock.
    Result<LockGrant> grant = fail(Error::internal(QStringLiteral("run %1 took no locks").arg(m_runId)));
    auto running = m_db.write([&]() -> Result<void> {
        grant = m_locks.acquire(m_runId, pipelineId, orgTaskIds, m_options.lockedBy, m_options.holderAgentId, m_options.leaseMs);
        if (!grant)
            return fail(grant.error());
        return RunHolder(m_db, m_runId, grant->fence).markRunning(m_options.holderAgentId);
    });
    if (!grant)
        co_return fail(grant.error());
    if (!running) {
        auto now = m_runs.run(m_runId);
        if (now && now->run.status == RunStatus::Cancelled)
            co_return finishStatus(RunStatus::Cancelled);
        co_return fail(running.error());
    }
    m_fence = grant->fence;
    m_holder.emplace(m_db, m_runId, m_fence);

    m_keeper = new LeaseKeeper(m_locks, m_runs, m_runId, m_fence, m_options.leaseMs, m_options.cancelPoll, this);
    connect(m_keeper, &LeaseKeeper::leaseLost, this, &PipelineRunner::handleLeaseLost);
    connect(m_keeper, &LeaseKeeper::cancelRequested, this, &PipelineRunner::cancel);
    m_keeper->start();
    Q_EMIT runStarted(m_runId);

    RunStatus status = RunStatus::Failed;
    if (!m_reason.isEmpty()) {
        co_await persistId([&]() -> Result<qint64> { return m_holder->settleQueuedTasks(TaskRunStatus::Skipped); });
    } else {
        co_await loadSecrets();
        status = co_await execute(*record);
    }
    m_keeper->stop();
    if (m_leaseLost)
        co_return finishStatus(RunStatus::Crashed);
    // The final status and the release of the locks in one transaction.
    co_await persist([&] {
        return m_db.write([&]() -> Result<void> {
            if (auto f = m_holder->finishRun(status, m_reason); !f)
                return f;
            return m_locks.release(m_runId, m_fence);
        });
    });
    if (m_leaseLost)
        co_return finishStatus(RunStatus::Crashed);
    co_return finishStatus(status);
}

QCoro::Task<RunStatus> PipelineRunner::execute(const RunRecord &record)
{
    const QList<TaskRunRecord> tasks = record.latestAttempts();
    bool warning = false;
    QStringList failedSyncs;
    auto settle = [this](TaskRunStatus status) -> QCoro::Task<void> {
        co_await persistId([&]() -> Result<qint64> { return m_holder->settleQueuedTasks(status); });
    };

    for (const TaskRunRecord &task : tasks) {
        if (m_leaseLost)
            co_return RunStatus::Crashed;
        if (m_cancelRequested) {
            m_reason = QStringLiteral("cancelled");
            co_await settle(TaskRunStatus::Cancelled);
            co_return RunStatus::Cancelled;
        }
        if (task.status != TaskRunStatus::Queued)
            continue;
        if (!failedSyncs.isEmpty() && !isSync(task)) {
            m_reason = QStringLiteral("stopped before the transforms: Airbyte sync(s) %1 failed").arg(failedSyncs.join(QStringLiteral(", ")));
            co_await settle(TaskRunStatus::Skipped);
            co_return RunStatus::Failed;
        }
        const RetryRule rule = [&] {
            auto ot = orgTask(task.orgTaskId);
            return m_settings->retry.ruleFor(task.slug, ot ? ot->uuid : QString());
        }();
        const TaskOutcome o = co_await runTask(task, rule);
        if (m_leaseLost)
            co_return RunStatus::Crashed;
        const TaskRunStatus s = o.result.status;
        if (s == TaskRunStatus::Successful)
            continue;
        if (s == TaskRunStatus::Warning) {
            warning = true;
            continue;
        }
        if (s == TaskRunStatus::Cancelled || m_cancelRequested) {
            m_reason = QStringLiteral("cancelled");
            co_await settle(TaskRunStatus::Cancelled);
            co_return RunStatus::Cancelled;
        }
        const QString what = QStringLiteral("task %1 (%2) failed%3").arg(task.seq).arg(task.slug,
            o.result.errorDetail.isEmpty() ? QString() : QStringLiteral(": ") + o.result.errorDetail);
        if (isSync(task) && m_settings->continueOnSyncFailure) {
            failedSyncs.append(QString::number(task.seq));
            if (m_reason.isEmpty())
                m_reason = what;
            continue;
        }
        m_reason = what;
        co_await settle(TaskRunStatus::Skipped);
        co_return RunStatus::Failed;
    }
    if (!failedSyncs.isEmpty()) {
        m_reason = QStringLiteral("Airbyte sync(s) %1 failed").arg(failedSyncs.join(QStringLiteral(", ")));
        co_return RunStatus::Failed;
    }
    if (warning)
        m_reason = QStringLiteral("dbt tests failed or warned");
    co_return warning ? RunStatus::PartialSuccess : RunStatus::Successful;
}

QCoro::Task<TaskOutcome> PipelineRunner::runTask(const TaskRunRecord &task, const RetryRule &rule)
{
    qint64 taskRunId = task.id;
    int attempt = task.attempt;
    for (;;) {
        if (!co_await persist([&] { return m_holder->startTaskRun(taskRunId); }))
            co_return m_leaseLost ? failedOutcome(TaskErrorKind::LeaseLost, m_reason)
                                  : failedOutcome(TaskErrorKind::Store, QStringLiteral("the task run could not be marked running in the database"));
        Q_EMIT taskStarted(m_runId, taskRunId, task.seq, attempt, task.slug);

        LogWriter writer(*m_holder, taskRunId, &m_scrubber, m_options.log);
        connect(&writer, &LogWriter::lineAppended, this, &PipelineRunner::lineAppended);
        connect(&writer, &LogWriter::leaseLost, this, [this] { handleLeaseLost(QStringLiteral("a log write was refused")); });
        if (attempt > 1)
            writer.note(QStringLiteral("Sluice: attempt %1 of %2").arg(attempt).arg(rule.retries + 1));

        TaskOutcome outcome;
        auto launch = co_await prepare(task, attempt, rule);
        if (!launch) {
            writer.note(m_scrubber.scrub(launch.error().message), true);
            outcome = failedOutcome(TaskErrorKind::Setup, m_scrubber.scrub(launch.error().message), adviseAfterSetup(launch.error()));
        } else {
            TaskExecution exec(std::move(*launch));
            m_current = &exec;
            connect(&exec, &TaskExecution::lineReceived, &writer, &LogWriter::append);   // git progress and Airbyte job lines too
            connect(&exec, &TaskExecution::processStarted, this,
                    [this, taskRunId](qint64 pid) { Q_EMIT taskProcessStarted(m_runId, taskRunId, pid); });
            exec.start();
            if (m_cancelRequested || m_leaseLost)
                exec.cancel();
            outcome = co_await qCoro(&exec, &TaskExecution::finished);
            m_current = nullptr;
        }
        outcome.result.errorDetail = m_scrubber.scrub(outcome.result.errorDetail);
        // Another attempt only for what may pass on its own; the log says which, and why.
        const bool failed = outcome.result.status == TaskRunStatus::Failed;
        const bool retryLeft = failed && attempt <= rule.retries && !m_cancelRequested && !m_leaseLost;
        const bool retrying = retryLeft && outcome.retry.mayPass;
        const qint64 delay = retrying ? rule.delayMs(attempt, m_options.jitter()) : 0;
        if (retrying) {
            writer.note(QStringLiteral("Sluice: %1, which may pass on its own: trying again in %2 s (attempt %3 of %4)")
                            .arg(outcome.retry.reason).arg(double(delay) / 1000.0).arg(attempt + 1).arg(rule.retries + 1));
        } else if (retryLeft) {
            const QString why = QStringLiteral("not tried again: %1, and another attempt would fail the same way; fix that and run it again")
                                    .arg(outcome.retry.reason);
            writer.note(QStringLiteral("Sluice: ") + why, true);
            outcome.result.summary.insert(QStringLiteral("not_retried"), why);
        }
        co_await writer.finish();
        if (m_leaseLost)
            co_return outcome;
        if (!outcome.nodes.isEmpty()) {
            for (DbtNodeRecord &n : outcome.nodes)
                n.message = m_scrubber.scrub(n.message);
            co_await persist([&] { return m_holder->storeNodeResults(taskRunId, outcome.nodes); });
        }
        outcome.result.summary.insert(QStringLiteral("log_lines"), writer.lineCount());
        co_await persist([&] { return m_holder->finishTaskRun(taskRunId, outcome.result); });
        if (m_leaseLost)
            co_return outcome;
        Q_EMIT taskFinished(m_runId, taskRunId, outcome.result.status);

        if (!retrying || m_cancelRequested)
            co_return outcome;
        auto next = co_await persistId([&] { return m_holder->addAttempt(taskRunId); });
        if (!next)
            co_return outcome;
        taskRunId = *next;
        ++attempt;
        co_await waitForRetry(delay);
        if (m_cancelRequested)
            co_return cancelledOutcome();
        if (m_leaseLost)
            co_return outcome;
    }
}

QCoro::Task<void> PipelineRunner::waitForRetry(qint64 ms)
{
    if (m_cancelRequested || m_leaseLost)
        co_return;
    m_waitDone = false;
    const quint64 generation = ++m_waitGeneration;
    QCoro::connect(m_options.sleep(ms), this, [this, generation] {
        if (generation != m_waitGeneration)
            return;
        m_waitDone = true;
        Q_EMIT wakeUp();
    });
    while (!m_waitDone && !m_cancelRequested && !m_leaseLost)
        co_await qCoro(this, &PipelineRunner::wakeUp);
    ++m_waitGeneration;
}

QCoro::Task<Result<std::optional<QString>>> PipelineRunner::secret(const QString &key)
{
    if (!m_options.secrets)
        co_return std::optional<QString>{};
    auto value = co_await m_options.secrets->get(key);
    if (!value) {
        if (SecretStore::isUnavailable(value.error()) && m_options.unavailableKeychainRecheck.count() > 0)
            (void)m_options.keychain->markUnavailable();
        co_return fail(value.error());
    }
    m_options.keychain->markAvailable();
    if (m_secretsSkipped) {
        // The keychain answers again: what the run's tasks may print is masked from here on.
        m_secretsSkipped = false;
        co_await loadSecrets();
    }
    if (!value->has_value())
        co_return std::optional<QString>{};
    m_scrubber.add(**value);
    co_return std::optional<QString>{**value};
}

SecretLookup PipelineRunner::secretLookup()
{
    return [this](const QString &key) { return secret(key); };
}

QCoro::Task<void> PipelineRunner::loadSecrets()
{
    // Everything of the org's that a task may print: masked in every line, whichever task prints it.
    if (!m_options.secrets || m_orgSlug.isEmpty())
        co_return;
    const auto recheck = m_options.unavailableKeychainRecheck;
    if (m_options.keychain->shouldSkip(recheck)) {
        m_secretsSkipped = true;   // said once already (below); a secret() that succeeds loads them
        co_return;
    }
    m_secretsSkipped = false;
    // A keychain that is unreachable (or locked past its timeout) is not asked again for the next key.
    for (const QString &key : {SecretStore::warehouseKey(m_orgSlug), SecretStore::gitTokenKey(m_orgSlug)}) {
        auto value = co_await m_options.secrets->get(key);
        if (!value) {
            if (recheck.count() > 0 && SecretStore::isUnavailable(value.error())) {
                m_secretsSkipped = true;
                if (m_options.keychain->markUnavailable())
                    qCInfo(lcRunner).noquote() << QStringLiteral("run %1: cannot read the org's secrets to mask them: %2 (not asked again for "
                                                                 "%3 s; this is not repeated until the keychain answers)")
                                                      .arg(m_runId).arg(value.error().message).arg(recheck.count() / 1000.0);
            } else {
                qCInfo(lcRunner).noquote() << QStringLiteral("run %1: cannot read the org's secrets to mask them: %2").arg(m_runId).arg(value.error().message);
            }
            break;
        }
        m_options.keychain->markAvailable();
        if (value->has_value())
            m_scrubber.add(**value);
    }
}

QCoro::Task<Result<PipelineRunner::ClientRef>> PipelineRunner::airbyteClient()
{
    if (m_options.airbyte)
        co_return ClientRef{m_options.airbyte.data()};
    if (m_ownAirbyte)
        co_return ClientRef{m_ownAirbyte};
    auto server = AirbyteServerStore(m_db, m_options.actor).find(QString());
    if (!server)
        co_return fail(server.error());
    AirbyteClientOptions options;
    options.url = server->url;
    options.auth.kind = server->authKind;
    options.auth.user = server->user;
    if (server->authKind != AirbyteAuth::Kind::None) {
        const QString key = SecretStore::airbyteKey(server->name);
        auto value = co_await readSecret(secretLookup(), key);
        if (!value)
            co_return fail(value.error());
        if (!*value)
            co_return fail(Error::notFound(QStringLiteral("the Airbyte server's secret is not set; store it with `sluicectl secrets set %1`").arg(key)));
        options.auth.secret = **value;
        m_scrubber.add(**value);
    }
    m_ownAirbyte = new AirbyteClient(options, this);
    co_return ClientRef{m_ownAirbyte};
}

QMap<QString, QString> PipelineRunner::runEnvironment(const TaskRunRecord &task, int attempt) const
{
    return {{QStringLiteral("SLUICE_RUN_ID"), m_run.uuid},
            {QStringLiteral("SLUICE_RUN_TRIGGER"), m_run.trigger},
            {QStringLiteral("SLUICE_SCHEDULED_FOR"),
             m_run.scheduledFor > 0 ? QDateTime::fromMSecsSinceEpoch(m_run.scheduledFor, Qt::UTC).toString(Qt::ISODate) : QString()},
            {QStringLiteral("SLUICE_PIPELINE"), m_run.pipelineName},
            {QStringLiteral("SLUICE_TASK_SEQ"), QString::number(task.seq)},
            {QStringLiteral("SLUICE_ATTEMPT"), QString::number(attempt)}};
}

Result<OrgTask> PipelineRunner::orgTask(qint64 id)
{
    if (auto it = m_orgTasks.constFind(id); it != m_orgTasks.cend())
        return *it;
    auto task = OrgTaskStore(m_db, m_options.actor).getById(id);
    if (task)
        m_orgTasks.insert(id, *task);
    return task;
}

QCoro::Task<Result<TaskLaunch>> PipelineRunner::prepare(const TaskRunRecord &task, int attempt, const RetryRule &rule)
{
    auto orgTask = this->orgTask(task.orgTaskId);
    if (!orgTask)
        co_return fail(Error::notFound(QStringLiteral("the org task of step %1 (%2) no longer exists").arg(task.seq).arg(task.slug)));
    const CatalogTask *catalog = TaskCatalog::builtin().find(orgTask->slug);
    if (!catalog)
        co_return fail(Error::notFound(QStringLiteral("task %1 is not in this build's catalog; upgrade Sluice").arg(orgTask->slug)));

    TaskLaunch launch;
    launch.timeout = std::chrono::milliseconds(rule.timeoutMs());
    switch (catalog->type) {
    case TaskType::Shell: {
        ShellCommand command;
        command.command = orgTask->parameters.command;
        command.workingDirectory = orgTask->parameters.options.value(QStringLiteral("working-dir"));
        // The task's own variables first; the run's SLUICE_* variables over them.
        command.environment = orgTask->parameters.env;
        command.environment.insert(runEnvironment(task, attempt));
        auto spec = shellProcessSpec(command);
        if (!spec)
            co_return fail(spec.error());
        launch.kind = TaskLaunch::Kind::Shell;
        launch.process = *spec;
        launch.process.killGrace = m_options.killGrace;
        co_return launch;
    }
    case TaskType::Dbt: {
        if (!m_privateDir) {
            m_privateDir = std::make_unique<QTemporaryDir>();
            if (!m_privateDir->isValid())
                co_return fail(Error::internal(QStringLiteral("cannot create a private directory for the dbt profile: %1").arg(m_privateDir->errorString())));
        }
        const Org org{m_orgId, m_orgSlug, {}, {}, 0, 0};
        auto prepared = co_await prepareDbt(m_db, m_options.actor, org, dbtTaskArguments(*catalog, orgTask->parameters),
                                            m_privateDir->filePath(QStringLiteral("profiles")), secretLookup());
        if (!prepared)
            co_return fail(prepared.error());
        for (const QString &s : std::as_const(prepared->secretValues))
            m_scrubber.add(s);
        launch.kind = TaskLaunch::Kind::Dbt;
        launch.dbt = prepared->spec;
        launch.dbt.environment.insert(runEnvironment(task, attempt));
        launch.dbt.killGrace = m_options.killGrace;
        co_return launch;
    }
    case TaskType::Git: {
        auto ws = WorkspaceStore(m_db, m_options.actor).get(m_orgId);
        if (!ws)
            co_return fail(Error::notFound(QStringLiteral("org %1 has no dbt workspace; set it with `sluicectl workspace set --org %1`").arg(m_orgSlug)));
        auto token = co_await gitTokenFor(m_orgSlug, ws->gitUrl, secretLookup());
        if (!token)
            co_return fail(token.error());
        launch.kind = TaskLaunch::Kind::Git;
        launch.git.operation = orgTask->slug == QLatin1String("git-clone") ? GitJobSpec::Operation::Clone : GitJobSpec::Operation::CloneOrPull;
        launch.git.url = ws->gitUrl;
        launch.git.branch = ws->branch;
        launch.git.path = ws->checkoutPath;
        launch.git.tokenHint = gitTokenHint(m_orgSlug);
        launch.git.tokenUser = gitTokenUser(ws->gitUrl);
        launch.git.token = token->provider;
        co_return launch;
    }
    case TaskType::Airbyte: {
        auto client = co_await airbyteClient();
        if (!client)
            co_return fail(client.error());
        launch.kind = TaskLaunch::Kind::Airbyte;
        launch.airbyte = client->client;
        launch.connectionId = orgTask->connectionId;
        launch.airbyteOptions = m_options.airbyteSync;
        launch.airbyteOptions.operation = orgTask->slug == QLatin1String("airbyte-reset") ? AirbyteSyncOptions::Operation::Reset
                                        : orgTask->slug == QLatin1String("airbyte-clear") ? AirbyteSyncOptions::Operation::Clear
                                                                                          : AirbyteSyncOptions::Operation::Sync;
        if (const QString streams = orgTask->parameters.options.value(QStringLiteral("streams")); !streams.isEmpty()
            && launch.airbyteOptions.operation != AirbyteSyncOptions::Operation::Sync) {
            auto refs = parseStreamRefs(streams);
            if (!refs)
                co_return fail(Error::invalid(QStringLiteral("task %1: %2").arg(orgTask->slug, refs.error().message)));
            launch.airbyteOptions.streams = *refs;
        }
        co_return launch;
    }
    }
    co_return fail(Error::internal(QStringLiteral("unknown task type of %1").arg(orgTask->slug)));
}

} // namespace sluice
