#include "clock.h"

#include <QSysInfo>
#include <QProcessEnvironment>

namespace sluice {

QString currentActor()
{
    const auto env = QProcessEnvironment::systemEnvironment();
    QString user = env.value(QStringLiteral("SLUICE_ACTOR"));
    if (!user.isEmpty())
        return user;
    user = env.value(QStringLiteral("USER"), env.value(QStringLiteral("LOGNAME"), QStringLiteral("unknown")));
    return user + QLatin1Char('@') + QSysInfo::machineHostName();
}

} // namespace sluice
