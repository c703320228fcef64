#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace sluice {

// How one task is retried and how long one attempt may take.
//
// JSON (one object; every key optional):
//   {"retries": 2, "delays_s": [30, 120], "timeout_s": 3600}
//   {"retries": 5, "backoff": {"base_s": 10, "max_s": 600, "jitter": true}}
// `delays_s` gives the wait before retry 1, 2, ...; the last value repeats for later retries.
// `backoff` waits base_s * 2^(k-1) before retry k, capped at max_s; with jitter the wait is drawn
// uniformly from [wait/2, wait] ("equal jitter"), so retrying agents spread out. delays_s and backoff
// exclude each other; with neither, retries follow at once. timeout_s 0 or absent: no time limit.
struct RetryRule
{
    struct Backoff
    {
        double baseS = 0;
        double maxS = 0;
        bool jitter = false;
        bool operator==(const Backoff &) const = default;
    };

    int retries = 0;
    QList<double> delaysS;
    std::optional<Backoff> backoff;
    double timeoutS = 0;

    // The wait before retry `retry` (1 = the first retry) in ms. `unit` is a number in [0, 1) used
    // only for jitter (the caller draws it, so tests can fix it).
    [[nodiscard]] qint64 delayMs(int retry, double unit = 1.0) const;
    [[nodiscard]] qint64 timeoutMs() const { return qint64(timeoutS * 1000.0); }

    [[nodiscard]] QJsonObject toJson() const;
    // `where` names the place in the policy for error messages ("default", "tasks.dbt-run").
    [[nodiscard]] static Result<RetryRule> fromJson(const QJsonObject &json, const QString &where);
    bool operator==(const RetryRule &) const = default;
};

// A pipeline's retry policy: the `retry_policy` column of table pipeline (JSON text, '{}' = defaults).
//   {"default": RULE, "tasks": {"<task slug or org task uuid>": RULE, ...}}
// The rule of a task: its org task uuid's entry, else its slug's, else "default", else the built-in
// default (DESIGN.md §1: an airbyte-sync retries once after 120 s; every other task not at all).
// Unknown keys and bad values are Error::Invalid naming the key ("retry_policy.tasks.dbt-run.retries").
struct RetryPolicy
{
    std::optional<RetryRule> defaults;
    QMap<QString, RetryRule> tasks;

    [[nodiscard]] RetryRule ruleFor(const QString &slug, const QString &orgTaskUuid = {}) const;
    [[nodiscard]] static RetryRule builtinRule(const QString &slug);

    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] QString toJsonText() const;
    [[nodiscard]] static Result<RetryPolicy> fromJson(const QJsonObject &json);
    // Empty text is the same as '{}'.
    [[nodiscard]] static Result<RetryPolicy> fromJsonText(const QString &text);
    bool operator==(const RetryPolicy &) const = default;
};

} // namespace sluice
