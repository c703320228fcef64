#include "retryadvice.h"

#include <QRegularExpression>

namespace sluice {

bool readsLikeATransientFailure(const QString &text)
{
    // What PostgreSQL, Snowflake, BigQuery, Redshift and Databricks drivers, and dbt around them, say when
    // the warehouse could not be reached or turned the statement away for load — never for a wrong query.
    static const QRegularExpression transient(
        QStringLiteral("connection refused|could not connect|connection to server .* failed|could not translate host name|"
                       "name or service not known|temporary failure in name resolution|network is unreachable|no route to host|"
                       "connection reset|connection timed out|timed out|timeout expired|server closed the connection|"
                       "ssl syscall error|terminating connection|the database system is (starting up|shutting down)|"
                       "too many connections|remaining connection slots|deadlock detected|could not serialize access|"
                       "service unavailable|bad gateway|gateway timeout|rate limit|too many requests|try again later"),
        QRegularExpression::CaseInsensitiveOption);
    return transient.match(text).hasMatch();
}

RetryAdvice adviseAfterSetup(const Error &error)
{
    if (error.isUserError())
        return RetryAdvice::permanent(QStringLiteral("the task's setup is missing or wrong"));
    return RetryAdvice::transient(QStringLiteral("the store or the keychain did not answer"));
}

RetryAdvice adviseAfter(const ProcessResult &r)
{
    switch (r.outcome) {
    case Outcome::FailedToStart:
        return RetryAdvice::permanent(QStringLiteral("the command could not be started"));
    case Outcome::TimedOut:
        return RetryAdvice::transient(QStringLiteral("it ran out of time"));
    case Outcome::Crashed:
        return RetryAdvice::transient(QStringLiteral("the process was killed by a signal"));
    default:
        return RetryAdvice::transient(QStringLiteral("the command exited with code %1").arg(r.exitCode));
    }
}

RetryAdvice adviseAfter(const DbtResult &r)
{
    if (r.outcome == Outcome::FailedToStart)
        return RetryAdvice::permanent(QStringLiteral("dbt could not be started"));
    if (r.outcome == Outcome::TimedOut)
        return RetryAdvice::transient(QStringLiteral("it ran out of time"));
    if (r.outcome == Outcome::Crashed)
        return RetryAdvice::transient(QStringLiteral("dbt was killed by a signal"));
    // Exit 2 (dbt could not run) and 1 (nodes failed): worth another try only when what failed was the
    // connection to the warehouse, not the project, the profile or a model's SQL.
    bool connection = readsLikeATransientFailure(r.errorText);
    for (const DbtNodeResult &n : r.nodes)
        connection = connection || readsLikeATransientFailure(n.message);
    if (connection)
        return RetryAdvice::transient(QStringLiteral("dbt could not reach the warehouse"));
    return RetryAdvice::permanent(r.exitCode == 2 ? QStringLiteral("dbt could not run the project (its setup, profile or code is wrong)")
                                                  : QStringLiteral("the project's models or tests failed"));
}

RetryAdvice adviseAfter(const GitJobResult &r)
{
    switch (r.errorKind) {
    case GitError::Kind::Auth:
        return RetryAdvice::permanent(QStringLiteral("the git server refused the credentials"));
    case GitError::Kind::BranchNotFound:
        return RetryAdvice::permanent(QStringLiteral("the branch does not exist on the remote"));
    case GitError::Kind::Diverged:
        return RetryAdvice::permanent(QStringLiteral("the checkout cannot fast-forward"));
    case GitError::Kind::Dirty:
        return RetryAdvice::permanent(QStringLiteral("the checkout has local changes"));
    case GitError::Kind::NotARepository:
    case GitError::Kind::Invalid:
        return RetryAdvice::permanent(QStringLiteral("the workspace's git settings are wrong"));
    case GitError::Kind::Canceled:
    case GitError::Kind::Other:
        break;
    }
    return RetryAdvice::transient(QStringLiteral("git failed, perhaps on the network"));
}

RetryAdvice adviseAfter(const AirbyteSyncResult &r)
{
    if (r.outcome == Outcome::TimedOut)
        return RetryAdvice::transient(QStringLiteral("the sync ran out of time"));
    if (r.jobId >= 0)
        return RetryAdvice::transient(QStringLiteral("the Airbyte job failed on the server"));
    if (r.failedBecause == Error::Kind::Internal || r.failedBecause == Error::Kind::Database)
        return RetryAdvice::transient(QStringLiteral("Airbyte could not be reached or answered with a server error"));
    return RetryAdvice::permanent(QStringLiteral("Airbyte refused the request (the connection, its state or the credentials)"));
}

} // namespace sluice
