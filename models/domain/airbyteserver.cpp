#include "airbyteserver.h"

namespace sluice {

std::optional<AirbyteAuthKind> airbyteAuthKindFromString(const QString &s)
{
    if (s == QLatin1String("none"))
        return AirbyteAuthKind::None;
    if (s == QLatin1String("basic"))
        return AirbyteAuthKind::Basic;
    if (s == QLatin1String("client"))
        return AirbyteAuthKind::ClientCredentials;
    return std::nullopt;
}

QString toString(AirbyteAuthKind kind)
{
    switch (kind) {
    case AirbyteAuthKind::None: return QStringLiteral("none");
    case AirbyteAuthKind::Basic: return QStringLiteral("basic");
    case AirbyteAuthKind::ClientCredentials: return QStringLiteral("client");
    }
    return {};
}

} // namespace sluice
