#pragma once

#include <QCoreApplication>

namespace sluice {

// Every Sluice executable calls this right after creating its application object, so that all of
// them agree on the data folder (QStandardPaths::AppDataLocation = ~/.local/share/sluice) and
// therefore on the embedded default database.
inline void initApplicationIdentity()
{
    QCoreApplication::setOrganizationName(QString());
    QCoreApplication::setApplicationName(QStringLiteral("sluice"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SLUICE_VERSION));
}

} // namespace sluice
