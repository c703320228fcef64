#include "taskcatalog.h"

#include <QFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

namespace sluice {

QString toString(TaskType type)
{
    switch (type) {
    case TaskType::Git: return QStringLiteral("git");
    case TaskType::Dbt: return QStringLiteral("dbt");
    case TaskType::Airbyte: return QStringLiteral("airbyte");
    case TaskType::Shell: return QStringLiteral("shell");
    }
    return {};
}

std::optional<TaskType> taskTypeFromString(const QString &text)
{
    for (TaskType t : {TaskType::Git, TaskType::Dbt, TaskType::Airbyte, TaskType::Shell})
        if (toString(t) == text)
            return t;
    return std::nullopt;
}

namespace {

QString qs(const std::string &s) { return QString::fromStdString(s); }

QStringList stringList(const YAML::Node &node)
{
    QStringList out;
    if (!node)
        return out;
    if (!node.IsSequence())
        throw YAML::Exception(node.Mark(), "expected a list");
    for (const auto &item : node)
        out << qs(item.as<std::string>());
    return out;
}

bool boolean(const YAML::Node &node) { return node ? node.as<bool>() : false; }

} // namespace

Result<TaskCatalog> TaskCatalog::fromYaml(const QByteArray &yaml)
{
    TaskCatalog catalog;
    QString where = QStringLiteral("the catalog");
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        const YAML::Node tasks = root["tasks"];
        if (!tasks || !tasks.IsSequence())
            return fail(Error::invalid(QStringLiteral("the task catalog has no `tasks` list")));
        QSet<QString> seen;
        for (const auto &node : tasks) {
            CatalogTask t;
            t.slug = qs(node["slug"].as<std::string>());
            where = QStringLiteral("catalog task \"%1\"").arg(t.slug);
            if (t.slug.isEmpty() || seen.contains(t.slug))
                return fail(Error::invalid(QStringLiteral("%1: the slug is empty or repeated").arg(where)));
            seen.insert(t.slug);
            const auto type = taskTypeFromString(qs(node["type"].as<std::string>()));
            if (!type)
                return fail(Error::invalid(QStringLiteral("%1: unknown type").arg(where)));
            t.type = *type;
            t.command = qs(node["command"].as<std::string>(""));
            if (node["transform_order"])
                t.transformOrder = node["transform_order"].as<int>();
            t.automatic = boolean(node["automatic"]);
            t.hidden = boolean(node["hidden"]);
            t.longRunning = boolean(node["long_running"]);
            t.isDefault = boolean(node["default"]);
            t.needsConnection = boolean(node["needs_connection"]);
            t.requiresCommand = boolean(node["requires_command"]);
            t.flags = stringList(node["flags"]);
            t.options = stringList(node["options"]);
            t.description = qs(node["description"].as<std::string>(""));
            catalog.m_tasks.append(std::move(t));
        }
    } catch (const YAML::Exception &e) {
        return fail(Error::invalid(QStringLiteral("%1 is not valid YAML: %2").arg(where, qs(e.what()))));
    }
    return catalog;
}

const TaskCatalog &TaskCatalog::builtin()
{
    static const TaskCatalog catalog = [] {
        QFile f(QStringLiteral(":/catalog/tasks.yaml"));
        const bool opened = f.open(QIODevice::ReadOnly);
        Q_ASSERT_X(opened, "TaskCatalog", "the catalog resource is linked in");
        auto parsed = fromYaml(f.readAll());
        Q_ASSERT_X(parsed.has_value(), "TaskCatalog", "the built-in catalog parses");
        return parsed ? *parsed : TaskCatalog{};
    }();
    return catalog;
}

const CatalogTask *TaskCatalog::find(const QString &slug) const
{
    for (const CatalogTask &t : m_tasks)
        if (t.slug == slug)
            return &t;
    return nullptr;
}

} // namespace sluice
