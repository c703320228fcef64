#pragma once

#include "airbyte/airbytesync.h"
#include "core/error.h"
#include "dbt/dbtoperation.h"
#include "git/gitjob.h"
#include "process/processjob.h"

#include <QString>

namespace sluice {

// Whether a failed task attempt may pass if it is simply tried again, and why, in words for the log.
// Retries are for what may pass on its own — a network error, a 5xx or 408/429 reply, a timeout, a
// database that refused the connection, an Airbyte job that failed on the server, a command that exited
// non-zero. A failure whose cause is the setup — nothing configured, a secret not set, a missing
// executable, an invalid option, any other 4xx reply, a SQL or Jinja error in a model, a branch that
// cannot fast-forward — fails the same way every time: it is not retried, whatever the retry policy.
struct RetryAdvice
{
    bool mayPass = true;
    QString reason;     // why (not) — one clause: "the server could not be reached", "no Airbyte server is set up"

    [[nodiscard]] static RetryAdvice transient(QString reason) { return {true, std::move(reason)}; }
    [[nodiscard]] static RetryAdvice permanent(QString reason) { return {false, std::move(reason)}; }
};

// A task that could not even be prepared (PipelineRunner::prepare): a refusal of the user's setup
// (Invalid, NotFound, Conflict) is permanent; the store or the keychain failing is not.
[[nodiscard]] RetryAdvice adviseAfterSetup(const Error &error);
[[nodiscard]] RetryAdvice adviseAfter(const ProcessResult &result);
[[nodiscard]] RetryAdvice adviseAfter(const DbtResult &result);
[[nodiscard]] RetryAdvice adviseAfter(const GitJobResult &result);
[[nodiscard]] RetryAdvice adviseAfter(const AirbyteSyncResult &result);

// Whether an error text reads like a connection that failed or a server that was busy (dbt's and the
// warehouse drivers' wording: "connection refused", "could not connect", "timed out", "deadlock").
[[nodiscard]] bool readsLikeATransientFailure(const QString &text);

} // namespace sluice
