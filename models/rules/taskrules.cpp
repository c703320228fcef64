#include "taskrules.h"

#include <QSet>

#include <algorithm>

#include <yaml-cpp/yaml.h>

namespace sluice {

namespace {

QString quotedList(const QStringList &items)
{
    if (items.isEmpty())
        return QStringLiteral("none");
    return items.join(QStringLiteral(", "));
}

Result<void> checkDbtVars(const QString &value)
{
    try {
        const YAML::Node node = YAML::Load(value.toStdString());
        if (!node.IsMap())
            return fail(Error::invalid(QStringLiteral("option vars must be a YAML dictionary such as '{\"key\": \"value\"}', got \"%1\"").arg(value)));
    } catch (const YAML::Exception &e) {
        return fail(Error::invalid(QStringLiteral("option vars is not valid YAML (%1); give a dictionary such as '{\"key\": \"value\"}'")
                                       .arg(QString::fromStdString(e.msg))));
    }
    return {};
}

} // namespace

Result<TaskParameters> validateOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft)
{
    const CatalogTask *task = catalog.find(draft.slug);
    if (!task) {
        QStringList slugs;
        for (const auto &t : catalog.tasks())
            slugs << t.slug;
        return fail(Error::invalid(QStringLiteral("unknown task \"%1\"; the catalog has: %2").arg(draft.slug, slugs.join(QStringLiteral(", ")))));
    }

    TaskParameters params;
    for (const QString &flag : draft.flags) {
        if (!task->flags.contains(flag))
            return fail(Error::invalid(QStringLiteral("%1 does not take the flag --%2 (allowed: %3)")
                                           .arg(task->slug, flag, quotedList(task->flags))));
        if (params.flags.contains(flag))
            return fail(Error::invalid(QStringLiteral("the flag --%1 is given twice").arg(flag)));
        params.flags << flag;
    }
    for (const auto &[key, value] : draft.options) {
        if (!task->options.contains(key))
            return fail(Error::invalid(QStringLiteral("%1 does not take the option --%2 (allowed: %3)")
                                           .arg(task->slug, key, quotedList(task->options))));
        if (params.options.contains(key))
            return fail(Error::invalid(QStringLiteral("the option --%1 is given twice").arg(key)));
        if (value.trimmed().isEmpty())
            return fail(Error::invalid(QStringLiteral("the option --%1 has an empty value").arg(key)));
        if (task->type == TaskType::Dbt && key == QLatin1String("vars")) {
            if (auto ok = checkDbtVars(value); !ok)
                return fail(ok.error());
        }
        params.options.insert(key, value);
    }

    const QString connection = draft.connectionId.trimmed();
    if (task->needsConnection && connection.isEmpty())
        return fail(Error::invalid(QStringLiteral("%1 needs an Airbyte connection id (--connection ID)").arg(task->slug)));
    if (!task->needsConnection && !connection.isEmpty())
        return fail(Error::invalid(QStringLiteral("%1 takes no connection id; only Airbyte tasks do").arg(task->slug)));

    if (task->requiresCommand) {
        if (draft.command.trimmed().isEmpty())
            return fail(Error::invalid(QStringLiteral("a shell task needs a command (--command CMD); it is empty")));
        params.command = draft.command;
    } else if (!draft.command.isEmpty()) {
        return fail(Error::invalid(QStringLiteral("%1 takes no command; only shell tasks do").arg(task->slug)));
    }
    return params;
}

QStringList missingAutomaticSlugs(const TaskCatalog &catalog, const QList<OrgTask> &userTasks, bool autoDeps)
{
    if (!autoDeps)
        return {};
    bool hasDbt = false;
    QSet<QString> present;
    for (const OrgTask &t : userTasks) {
        present.insert(t.slug);
        const CatalogTask *c = catalog.find(t.slug);
        if (t.type == TaskType::Dbt && c && !c->automatic)
            hasDbt = true;
    }
    if (!hasDbt)
        return {};
    QList<const CatalogTask *> chain;
    for (const CatalogTask &c : catalog.tasks())
        // git-clone is not added: a git-pull on a workspace with no checkout clones it first.
        if (c.automatic && c.transformOrder && c.slug != QLatin1String("git-clone") && !present.contains(c.slug))
            chain << &c;
    std::ranges::stable_sort(chain, {}, [](const CatalogTask *c) { return *c->transformOrder; });
    QStringList slugs;
    for (const CatalogTask *c : chain)
        slugs << c->slug;
    return slugs;
}

Result<QList<OrgTask>> orderPipelineTasks(const TaskCatalog &catalog, const QList<OrgTask> &tasks)
{
    QList<OrgTask> syncs, chain, rest;
    QSet<QString> uuids;
    QSet<QString> automaticSlugs;
    for (const OrgTask &t : tasks) {
        if (uuids.contains(t.uuid))
            return fail(Error::invalid(QStringLiteral("task %1 (%2) appears twice in the pipeline").arg(t.uuid, t.slug)));
        uuids.insert(t.uuid);
        if (!tasks.isEmpty() && t.orgId != tasks.first().orgId)
            return fail(Error::invalid(QStringLiteral("task %1 belongs to another org").arg(t.uuid)));
        const CatalogTask *c = catalog.find(t.slug);
        if (!c)
            return fail(Error::internal(QStringLiteral("task %1 has slug \"%2\", which the catalog does not know").arg(t.uuid, t.slug)));
        if (c->type == TaskType::Airbyte) {
            syncs << t;
        } else if (c->automatic && c->transformOrder) {
            if (automaticSlugs.contains(t.slug))
                return fail(Error::invalid(QStringLiteral("the pipeline has two %1 tasks; keep one").arg(t.slug)));
            automaticSlugs.insert(t.slug);
            chain << t;
        } else {
            rest << t;
        }
    }
    std::ranges::stable_sort(chain, {}, [&](const OrgTask &t) { return *catalog.find(t.slug)->transformOrder; });
    QList<OrgTask> ordered;
    ordered << syncs << chain << rest;
    return ordered;
}

} // namespace sluice
