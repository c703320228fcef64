#include "dbtsetup.h"

#include <QDir>
#include <QFileInfo>

namespace sluice {

QString dbtProjectDir(const DbtWorkspace &ws)
{
    return QDir::cleanPath(QDir(ws.checkoutPath).absoluteFilePath(ws.projectDir.isEmpty() ? QStringLiteral(".") : ws.projectDir));
}

ProfileRequest dbtProfileRequest(const DbtWorkspace &ws, const Warehouse &warehouse, const QString &secret)
{
    ProfileRequest request;
    request.profileName = ws.profileName.isEmpty() ? QStringLiteral("sluice") : ws.profileName;
    request.targetName = ws.targetName.isEmpty() ? QStringLiteral("prod") : ws.targetName;
    request.warehouseType = warehouse.type;
    request.settings = warehouse.settings;
    request.secret = secret;
    request.defaultSchema = ws.defaultSchema;
    return request;
}

bool warehouseNeedsSecret(const Warehouse &warehouse)
{
    return warehouse.type != QLatin1String("duckdb");
}

QStringList dbtTaskArguments(const CatalogTask &task, const TaskParameters &parameters)
{
    QStringList args = task.command.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    for (const QString &flag : parameters.flags)
        args << QStringLiteral("--") + flag;
    for (auto it = parameters.options.begin(); it != parameters.options.end(); ++it)
        args << QStringLiteral("--") + it.key() << it.value();
    return args;
}

Result<DbtSpec> dbtSpecFor(const DbtWorkspace &ws, const ProfileRequest &request, const WrittenProfile &profile,
                           const QStringList &arguments, const QString &orgSlug)
{
    DbtSpec spec;
    spec.dbtExecutable = ws.dbtExecutable;
    spec.arguments = arguments;
    spec.projectDir = dbtProjectDir(ws);
    spec.profilesDir = profile.directory;
    spec.profile = request.profileName;
    spec.target = request.targetName;
    spec.environment = profile.environment;
    if (!QFileInfo(spec.projectDir).isDir())
        return fail(Error::notFound(QStringLiteral("the dbt project %1 does not exist; clone it with `sluicectl workspace clone --org %2`")
                                        .arg(spec.projectDir, orgSlug)));
    return spec;
}

} // namespace sluice
