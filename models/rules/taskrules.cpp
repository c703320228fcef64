#include "taskrules.h"

#include "airbyte/streamrefs.h"
#include "dbt/nodeselection.h"

#include <QDir>
#include <QRegularExpression>
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

namespace {

const QRegularExpression &envName()
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    return re;
}

// Names that hold secrets by convention; their values would be stored in plain text.
bool namesSecret(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)"),
                                       QRegularExpression::CaseInsensitiveOption);
    return re.match(name).hasMatch();
}

} // namespace

QList<TaskProblem> checkOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft)
{
    QList<TaskProblem> problems;
    const auto problem = [&problems](QString field, QString message) { problems.append({std::move(field), std::move(message)}); };
    const CatalogTask *task = catalog.find(draft.slug);
    if (!task) {
        QStringList slugs;
        for (const auto &t : catalog.tasks())
            slugs << t.slug;
        problem(QStringLiteral("slug"),
                QStringLiteral("unknown task \"%1\"; the catalog has: %2").arg(draft.slug, slugs.join(QStringLiteral(", "))));
        return problems;
    }

    QSet<QString> flags;
    for (const QString &flag : draft.flags) {
        const QString field = QStringLiteral("flag:") + flag;
        if (!task->flags.contains(flag))
            problem(field, QStringLiteral("%1 does not take the flag --%2 (allowed: %3)").arg(task->slug, flag, quotedList(task->flags)));
        else if (flags.contains(flag))
            problem(field, QStringLiteral("the flag --%1 is given twice").arg(flag));
        flags.insert(flag);
    }
    QSet<QString> options;
    for (const auto &[key, value] : draft.options) {
        const QString field = QStringLiteral("option:") + key;
        if (!task->options.contains(key)) {
            problem(field, QStringLiteral("%1 does not take the option --%2 (allowed: %3)").arg(task->slug, key, quotedList(task->options)));
        } else if (options.contains(key)) {
            problem(field, QStringLiteral("the option --%1 is given twice").arg(key));
        } else if (value.trimmed().isEmpty()) {
            problem(field, QStringLiteral("the option --%1 has an empty value").arg(key));
        } else if (key == QLatin1String("working-dir") && !QDir::isAbsolutePath(value.trimmed())) {
            problem(field, QStringLiteral("the working directory must be an absolute path such as /srv/jobs, got \"%1\"").arg(value));
        } else if (task->type == TaskType::Dbt && key == QLatin1String("vars")) {
            if (auto ok = checkDbtVars(value); !ok)
                problem(field, ok.error().message);
        } else if (task->type == TaskType::Airbyte && key == QLatin1String("streams")) {
            if (auto parsed = parseStreamRefs(value); !parsed)
                problem(field, parsed.error().message);
        } else if (task->type == TaskType::Dbt && (key == QLatin1String("select") || key == QLatin1String("exclude"))) {
            if (auto parsed = parseDbtSelection({value}); !parsed)
                problem(field, QStringLiteral("--%1: %2").arg(key, parsed.error().message));
        }
        options.insert(key);
    }

    const QString connection = draft.connectionId.trimmed();
    if (task->needsConnection && connection.isEmpty())
        problem(QStringLiteral("connection"), QStringLiteral("%1 needs an Airbyte connection id (--connection ID)").arg(task->slug));
    if (!task->needsConnection && !connection.isEmpty())
        problem(QStringLiteral("connection"), QStringLiteral("%1 takes no connection id; only Airbyte tasks do").arg(task->slug));

    if (task->requiresCommand) {
        if (draft.command.trimmed().isEmpty())
            problem(QStringLiteral("command"), QStringLiteral("a shell task needs a command (--command CMD); it is empty"));
    } else if (!draft.command.isEmpty()) {
        problem(QStringLiteral("command"), QStringLiteral("%1 takes no command; only shell tasks do").arg(task->slug));
    }

    QSet<QString> names;
    for (const auto &[name, value] : draft.env) {
        Q_UNUSED(value);
        const QString field = QStringLiteral("env");
        if (task->type != TaskType::Shell)
            problem(field, QStringLiteral("%1 takes no environment variables; only shell tasks do").arg(task->slug));
        else if (!envName().match(name).hasMatch())
            problem(field, QStringLiteral("\"%1\" is not a variable name: use letters, digits and _, not starting with a digit").arg(name));
        else if (name.startsWith(QLatin1String("SLUICE_"), Qt::CaseInsensitive))
            problem(field, QStringLiteral("%1: names starting with SLUICE_ are set by Sluice for each run; choose another name").arg(name));
        else if (namesSecret(name))
            problem(field, QStringLiteral("%1 looks like a secret; Sluice keeps secrets only in the keychain, never in its store "
                                          "(read it in the command, e.g. with secret-tool lookup)")
                               .arg(name));
        else if (names.contains(name))
            problem(field, QStringLiteral("the variable %1 is given twice").arg(name));
        names.insert(name);
    }
    return problems;
}

Result<TaskParameters> validateOrgTask(const TaskCatalog &catalog, const OrgTaskDraft &draft)
{
    if (const QList<TaskProblem> problems = checkOrgTask(catalog, draft); !problems.isEmpty())
        return fail(Error::invalid(problems.first().message));
    TaskParameters params;
    params.flags = draft.flags;
    for (const auto &[key, value] : draft.options)
        params.options.insert(key, value);
    if (catalog.find(draft.slug)->requiresCommand)
        params.command = draft.command;
    for (const auto &[name, value] : draft.env)
        params.env.insert(name, value);
    return params;
}

OrgTaskDraft draftOf(const OrgTask &task)
{
    OrgTaskDraft d;
    d.slug = task.slug;
    d.flags = task.parameters.flags;
    for (auto it = task.parameters.options.cbegin(); it != task.parameters.options.cend(); ++it)
        d.options.append({it.key(), it.value()});
    d.connectionId = task.connectionId;
    d.command = task.parameters.command;
    for (auto it = task.parameters.env.cbegin(); it != task.parameters.env.cend(); ++it)
        d.env.append({it.key(), it.value()});
    d.label = task.label;
    return d;
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
