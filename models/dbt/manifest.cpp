#include "dbt/manifest.h"

namespace sluice {

QList<DbtManifestNode> DbtManifest::models() const
{
    QList<DbtManifestNode> out;
    for (const DbtManifestNode &n : nodes)
        if (n.resourceType == QLatin1String("model"))
            out.append(n);
    return out;
}

} // namespace sluice
