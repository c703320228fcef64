#pragma once

// Private to models/dbt: the graph a DbtNodeSelector holds, and the selector methods (tag:, path:,
// config.<key>:, ...) that search it, split from the graph operators in nodeselection.cpp.

#include "dbt/fnmatch.h"
#include "dbt/nodeselection.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <vector>

namespace sluice {

struct DbtNodeSelector::Impl {
    DbtManifest manifest;
    std::vector<const DbtManifestNode *> all;     // nodes, then the other sections
    QHash<QString, int> index;
    std::vector<std::vector<int>> parents, children; // the full graph (dbt's linker)
    std::vector<std::vector<int>> dependsOn;         // depends_on.nodes that exist, for indirect selection
    VirtualPathTree manifestPaths;

    void build()
    {
        all.clear();
        for (const DbtManifestNode &n : manifest.nodes)
            all.push_back(&n);
        for (const DbtManifestNode &n : manifest.otherResources)
            all.push_back(&n);
        for (int i = 0; i < int(all.size()); ++i)
            index.insert(all[size_t(i)]->uniqueId, i);
        parents.assign(all.size(), {});
        children.assign(all.size(), {});
        dependsOn.assign(all.size(), {});
        for (int i = 0; i < int(all.size()); ++i) {
            const DbtManifestNode &n = *all[size_t(i)];
            for (const QString &dep : n.dependsOn) {
                const int p = index.value(dep, -1);
                if (p < 0)
                    continue;
                dependsOn[size_t(i)].push_back(p);
                const DbtSection s = all[size_t(p)]->section;
                // link_node(): edges only from nodes, sources, metrics and semantic models.
                if (s != DbtSection::Node && s != DbtSection::Source && s != DbtSection::Metric && s != DbtSection::SemanticModel)
                    continue;
                if (std::find(parents[size_t(i)].begin(), parents[size_t(i)].end(), p) == parents[size_t(i)].end()) {
                    parents[size_t(i)].push_back(p);
                    children[size_t(p)].push_back(i);
                }
            }
            if (manifest.projectName.isEmpty() || n.packageName == manifest.projectName) {
                if (!n.originalFilePath.isEmpty())
                    manifestPaths.addFile(n.originalFilePath);
                if (!n.patchPath.isEmpty())
                    manifestPaths.addFile(n.patchPath);
            }
        }
    }

    [[nodiscard]] bool isMember(const DbtManifestNode &n, bool includeEmpty) const
    {
        switch (n.section) {
        case DbtSection::Exposure:
        case DbtSection::UnitTest:
            return true;
        case DbtSection::Node:
            return n.enabled && (includeEmpty || !n.empty);
        default:
            return n.enabled;
        }
    }
};

// What a selector method sees: the graph, which nodes take part in this selection, the request.
struct MethodContext {
    const DbtNodeSelector::Impl &graph;
    const std::vector<char> &member;
    const DbtSelectionRequest &request;
    const PathTree *disk = nullptr; // the project on disk, when there is one
};

// The nodes (indexes into graph.all) that criterion `c`'s method and value select, before its
// graph operators. Errors name a value the method refuses.
[[nodiscard]] Result<QSet<int>> searchByMethod(const MethodContext &ctx, const DbtSelectionCriterion &c);

} // namespace sluice
