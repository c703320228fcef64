#include "retrypolicy.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>
#include <cmath>

namespace sluice {

namespace {

Result<double> seconds(const QJsonValue &v, const QString &key)
{
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < 0)
        return fail(Error::invalid(QStringLiteral("%1 must be a number of seconds >= 0").arg(key)));
    return v.toDouble();
}

Result<RetryRule::Backoff> backoffFrom(const QJsonValue &v, const QString &key)
{
    if (!v.isObject())
        return fail(Error::invalid(QStringLiteral("%1 must be an object {\"base_s\": N, \"max_s\": N, \"jitter\": true|false}").arg(key)));
    RetryRule::Backoff b;
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it) {
        const QString k = key + QLatin1Char('.') + it.key();
        if (it.key() == QLatin1String("base_s") || it.key() == QLatin1String("max_s")) {
            auto s = seconds(it.value(), k);
            if (!s)
                return fail(s.error());
            (it.key() == QLatin1String("base_s") ? b.baseS : b.maxS) = *s;
        } else if (it.key() == QLatin1String("jitter")) {
            if (!it.value().isBool())
                return fail(Error::invalid(QStringLiteral("%1 must be true or false").arg(k)));
            b.jitter = it.value().toBool();
        } else {
            return fail(Error::invalid(QStringLiteral("unknown key %1; use base_s, max_s, jitter").arg(k)));
        }
    }
    if (!o.contains(QStringLiteral("base_s")))
        return fail(Error::invalid(QStringLiteral("%1.base_s is required").arg(key)));
    if (!o.contains(QStringLiteral("max_s")))
        b.maxS = std::max(b.baseS, 3600.0);
    if (b.maxS < b.baseS)
        return fail(Error::invalid(QStringLiteral("%1.max_s must not be smaller than base_s").arg(key)));
    return b;
}

} // namespace

qint64 RetryRule::delayMs(int retry, double unit) const
{
    if (retry < 1)
        return 0;
    if (!delaysS.isEmpty())
        return qint64(delaysS.at(std::min<qsizetype>(retry, delaysS.size()) - 1) * 1000.0);
    if (!backoff)
        return 0;
    const double raw = backoff->baseS * std::pow(2.0, std::min(retry - 1, 62));
    double wait = std::min(raw, backoff->maxS);
    if (backoff->jitter)
        wait = wait / 2.0 + wait / 2.0 * std::clamp(unit, 0.0, 1.0);
    return qint64(wait * 1000.0);
}

QJsonObject RetryRule::toJson() const
{
    QJsonObject o{{QStringLiteral("retries"), retries}};
    if (!delaysS.isEmpty()) {
        QJsonArray a;
        for (double d : delaysS)
            a.append(d);
        o.insert(QStringLiteral("delays_s"), a);
    }
    if (backoff)
        o.insert(QStringLiteral("backoff"), QJsonObject{{QStringLiteral("base_s"), backoff->baseS},
                                                         {QStringLiteral("max_s"), backoff->maxS},
                                                         {QStringLiteral("jitter"), backoff->jitter}});
    if (timeoutS > 0)
        o.insert(QStringLiteral("timeout_s"), timeoutS);
    return o;
}

Result<RetryRule> RetryRule::fromJson(const QJsonObject &json, const QString &where)
{
    RetryRule r;
    const QString prefix = QStringLiteral("retry_policy.") + where + QLatin1Char('.');
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString key = prefix + it.key();
        const QJsonValue v = it.value();
        if (it.key() == QLatin1String("retries")) {
            const double n = v.toDouble(-1);
            if (!v.isDouble() || n < 0 || n > 100 || n != std::floor(n))
                return fail(Error::invalid(QStringLiteral("%1 must be a whole number from 0 to 100").arg(key)));
            r.retries = int(n);
        } else if (it.key() == QLatin1String("delays_s")) {
            if (!v.isArray() || v.toArray().isEmpty())
                return fail(Error::invalid(QStringLiteral("%1 must be a non-empty list of seconds").arg(key)));
            for (const QJsonValue &d : v.toArray()) {
                auto s = seconds(d, key);
                if (!s)
                    return fail(s.error());
                r.delaysS.append(*s);
            }
        } else if (it.key() == QLatin1String("backoff")) {
            auto b = backoffFrom(v, key);
            if (!b)
                return fail(b.error());
            r.backoff = *b;
        } else if (it.key() == QLatin1String("timeout_s")) {
            auto s = seconds(v, key);
            if (!s)
                return fail(s.error());
            r.timeoutS = *s;
        } else {
            return fail(Error::invalid(QStringLiteral("unknown key %1; use retries, delays_s, backoff, timeout_s").arg(key)));
        }
    }
    if (!r.delaysS.isEmpty() && r.backoff)
        return fail(Error::invalid(QStringLiteral("%1delays_s and %1backoff exclude each other; keep one").arg(prefix)));
    return r;
}

RetryRule RetryPolicy::builtinRule(const QString &slug)
{
    RetryRule r;
    if (slug == QLatin1String("airbyte-sync")) {
        r.retries = 1;
        r.delaysS = {120};
    }
    return r;
}

RetryRule RetryPolicy::ruleFor(const QString &slug, const QString &orgTaskUuid) const
{
    if (!orgTaskUuid.isEmpty()) {
        const auto it = tasks.constFind(orgTaskUuid);
        if (it != tasks.constEnd())
            return *it;
    }
    const auto it = tasks.constFind(slug);
    if (it != tasks.constEnd())
        return *it;
    if (defaults)
        return *defaults;
    return builtinRule(slug);
}

QJsonObject RetryPolicy::toJson() const
{
    QJsonObject o;
    if (defaults)
        o.insert(QStringLiteral("default"), defaults->toJson());
    if (!tasks.isEmpty()) {
        QJsonObject t;
        for (auto it = tasks.begin(); it != tasks.end(); ++it)
            t.insert(it.key(), it->toJson());
        o.insert(QStringLiteral("tasks"), t);
    }
    return o;
}

QString RetryPolicy::toJsonText() const
{
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

Result<RetryPolicy> RetryPolicy::fromJson(const QJsonObject &json)
{
    RetryPolicy p;
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (it.key() == QLatin1String("default")) {
            if (!it.value().isObject())
                return fail(Error::invalid(QStringLiteral("retry_policy.default must be an object")));
            auto r = RetryRule::fromJson(it.value().toObject(), QStringLiteral("default"));
            if (!r)
                return fail(r.error());
            p.defaults = *r;
        } else if (it.key() == QLatin1String("tasks")) {
            if (!it.value().isObject())
                return fail(Error::invalid(QStringLiteral("retry_policy.tasks must be an object keyed by task slug or org task uuid")));
            const QJsonObject t = it.value().toObject();
            for (auto ti = t.begin(); ti != t.end(); ++ti) {
                if (!ti.value().isObject())
                    return fail(Error::invalid(QStringLiteral("retry_policy.tasks.%1 must be an object").arg(ti.key())));
                auto r = RetryRule::fromJson(ti.value().toObject(), QStringLiteral("tasks.") + ti.key());
                if (!r)
                    return fail(r.error());
                p.tasks.insert(ti.key(), *r);
            }
        } else {
            return fail(Error::invalid(QStringLiteral("unknown key retry_policy.%1; use default, tasks").arg(it.key())));
        }
    }
    return p;
}

Result<RetryPolicy> RetryPolicy::fromJsonText(const QString &text)
{
    if (text.trimmed().isEmpty())
        return RetryPolicy{};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return fail(Error::invalid(QStringLiteral("retry_policy is not a JSON object (%1)")
                                       .arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("another JSON value"))));
    return fromJson(doc.object());
}

} // namespace sluice
