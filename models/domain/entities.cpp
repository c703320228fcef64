#include "entities.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice {

QJsonObject TaskParameters::toJson() const
{
    QJsonObject o;
    o.insert(QStringLiteral("flags"), QJsonArray::fromStringList(flags));
    QJsonObject opts;
    for (auto it = options.cbegin(); it != options.cend(); ++it)
        opts.insert(it.key(), it.value());
    o.insert(QStringLiteral("options"), opts);
    if (!command.isEmpty())
        o.insert(QStringLiteral("command"), command);
    if (!env.isEmpty()) {
        QJsonObject e;
        for (auto it = env.cbegin(); it != env.cend(); ++it)
            e.insert(it.key(), it.value());
        o.insert(QStringLiteral("env"), e);
    }
    return o;
}

QString TaskParameters::toJsonText() const
{
    return QString::fromUtf8(QJsonDocument(toJson()).toJson(QJsonDocument::Compact));
}

TaskParameters TaskParameters::fromJson(const QJsonObject &json)
{
    TaskParameters p;
    for (const auto &f : json.value(QStringLiteral("flags")).toArray())
        p.flags << f.toString();
    const QJsonObject opts = json.value(QStringLiteral("options")).toObject();
    for (auto it = opts.begin(); it != opts.end(); ++it)
        p.options.insert(it.key(), it.value().toString());
    p.command = json.value(QStringLiteral("command")).toString();
    const QJsonObject env = json.value(QStringLiteral("env")).toObject();
    for (auto it = env.begin(); it != env.end(); ++it)
        p.env.insert(it.key(), it.value().toString());
    return p;
}

TaskParameters TaskParameters::fromJsonText(const QString &text)
{
    return fromJson(QJsonDocument::fromJson(text.toUtf8()).object());
}

QString toString(MissedPolicy p)
{
    switch (p) {
    case MissedPolicy::Once: return QStringLiteral("once");
    case MissedPolicy::Skip: return QStringLiteral("skip");
    case MissedPolicy::All: return QStringLiteral("all");
    }
    return {};
}

QString toString(OverlapPolicy p)
{
    switch (p) {
    case OverlapPolicy::Queue: return QStringLiteral("queue");
    case OverlapPolicy::Skip: return QStringLiteral("skip");
    case OverlapPolicy::Replace: return QStringLiteral("replace");
    }
    return {};
}

std::optional<MissedPolicy> missedPolicyFromString(const QString &s)
{
    for (auto p : {MissedPolicy::Once, MissedPolicy::Skip, MissedPolicy::All})
        if (toString(p) == s)
            return p;
    return std::nullopt;
}

std::optional<OverlapPolicy> overlapPolicyFromString(const QString &s)
{
    for (auto p : {OverlapPolicy::Queue, OverlapPolicy::Skip, OverlapPolicy::Replace})
        if (toString(p) == s)
            return p;
    return std::nullopt;
}

} // namespace sluice
