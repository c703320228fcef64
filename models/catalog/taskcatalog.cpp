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
    // Where a yaml-cpp exception comes from: the entry (by position until its slug is known) and key.
    QString where = QStringLiteral("the catalog");
    const char *key = nullptr;
    try {
        const YAML::Node root = YAML::Load(yaml.toStdString());
        const YAML::Node tasks = root["tasks"];
        if (!tasks || !tasks.IsSequence())
            return fail(Error::invalid(QStringLiteral("the task catalog has no `tasks` list")));
        QSet<QString> seen;
        int position = 0;
        for (const auto &node : tasks) {
            where = QStringLiteral("catalog entry %1").arg(++position);
            key = nullptr;
            if (!node.IsMap())
                return fail(Error::invalid(QStringLiteral("%1 is not a mapping of keys to values").arg(where)));
            if (!node["slug"])
                return fail(Error::invalid(QStringLiteral("%1 has no `slug`").arg(where)));
            // Reads one key, remembering it for the message if yaml-cpp throws.
            const auto field = [&node, &key](const char *name) {
                key = name;
                return node[name];
            };
            CatalogTask t;
            t.slug = qs(field("slug").as<std::string>());
            where = QStringLiteral("catalog task \"%1\"").arg(t.slug);
            if (t.slug.isEmpty() || seen.contains(t.slug))
                return fail(Error::invalid(QStringLiteral("%1: the slug is empty or repeated").arg(where)));
            seen.insert(t.slug);
            if (!node["type"])
                return fail(Error::invalid(QStringLiteral("%1 has no `type`").arg(where)));
            const auto type = taskTypeFromString(qs(field("type").as<std::string>()));
            if (!type)
                return fail(Error::invalid(QStringLiteral("%1: unknown type").arg(where)));
            t.type = *type;
            t.command = qs(field("command").as<std::string>(""));
            if (const YAML::Node order = field("transform_order"))
                t.transformOrder = order.as<int>();
            t.automatic = boolean(field("automatic"));
            t.hidden = boolean(field("hidden"));
            t.longRunning = boolean(field("long_running"));
            t.isDefault = boolean(field("default"));
            t.needsConnection = boolean(field("needs_connection"));
            t.requiresCommand = boolean(field("requires_command"));
            t.flags = stringList(field("flags"));
            t.options = stringList(field("options"));
            t.description = qs(field("description").as<std::string>(""));
            catalog.m_tasks.append(std::move(t));
        }
    } catch (const YAML::Exception &e) {
        if (key)
            return fail(Error::invalid(QStringLiteral("%1: the value of `%2` is malformed (%3)").arg(where, QLatin1String(key), qs(e.what()))));
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
