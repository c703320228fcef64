#include "runner/commandpreview.h"

#include "catalog/taskcatalog.h"
#include "dbt/dbtoperation.h"
#include "process/shelloperation.h"
#include "runner/orgsetup.h"

namespace sluice {

QStringList taskCommandLine(const OrgTask &task, const std::optional<DbtWorkspace> &workspace)
{
    const CatalogTask *catalog = TaskCatalog::builtin().find(task.slug);
    if (!catalog)
        return {};
    switch (catalog->type) {
    case TaskType::Shell: {
        ShellCommand command;
        command.command = task.parameters.command;
        auto spec = shellProcessSpec(command);
        if (!spec)
            return {};
        return QStringList{spec->program} + spec->arguments;
    }
    case TaskType::Dbt: {
        DbtSpec spec;
        spec.arguments = dbtTaskArguments(*catalog, task.parameters);
        if (workspace) {
            spec.dbtExecutable = workspace->dbtExecutable;
            spec.projectDir = dbtProjectDir(*workspace);
            spec.profile = dbtProfileName(*workspace);
            spec.target = dbtTargetName(*workspace);
        }
        spec.profilesDir = QString::fromLatin1(kProfilesPlaceholder);
        return QStringList{spec.dbtExecutable.isEmpty() ? QStringLiteral("dbt") : spec.dbtExecutable} + DbtOperation::buildArguments(spec);
    }
    case TaskType::Git: {
        const QString branch = workspace ? workspace->branch : QStringLiteral("main");
        const QString path = workspace ? workspace->checkoutPath : QString();
        return {QStringLiteral("git"), task.slug == QLatin1String("git-clone") ? QStringLiteral("clone") : QStringLiteral("pull"),
                QStringLiteral("origin"), branch, path};
    }
    case TaskType::Airbyte:
        return {QStringLiteral("airbyte"), task.slug.mid(task.slug.indexOf(QLatin1Char('-')) + 1), task.connectionId};
    }
    return {};
}

} // namespace sluice
