#include "dbtfinder.h"

#include "dbt/dbtoperation.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace sluice {

Result<QString> findDbtForWindow(const QString &configured)
{
    auto found = DbtOperation::findDbt(configured);
    if (found)
        return found;
    if (!configured.isEmpty() && QFileInfo(configured).isAbsolute())
        return fail(Error::notFound(QCoreApplication::translate("sluice::DbtFinder",
            "The project's dbt, %1, does not exist or cannot be run. Fix: Browse… to choose another, or Install dbt… "
            "to create a virtualenv with dbt and your warehouse's adapter.").arg(configured)));
    return fail(Error::notFound(QCoreApplication::translate("sluice::DbtFinder",
        "%1 was not found on PATH. Fix: Install dbt… creates a virtualenv with dbt and your warehouse's adapter, "
        "or Browse… chooses a dbt you have.").arg(configured.isEmpty() ? QStringLiteral("dbt") : configured)));
}

} // namespace sluice
