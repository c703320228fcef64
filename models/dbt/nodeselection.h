#pragma once

// dbt node selection (--select / --exclude / --resource-type), computed in C++ with dbt 1.8's grammar
// and semantics so that it picks the same nodes as `dbt ls` on the same manifest:
//  - an expression is a list of words; words separated by spaces are a union, parts of a word joined
//    by commas an intersection, and --exclude is subtracted from --select;
//  - a part is [@][n+][method[.arg...]:]value[+n]; without a method the value is a path (it has a
//    slash), a file (ends .sql/.py/.csv) or an fqn; values take fnmatch wildcards;
//  - `+` adds ancestors / descendants (to depth n), `@` the descendants and all their ancestors;
//  - tests whose parent a part selects are selected with it ("eager" indirect selection; cautious,
//    buildable and empty on request);
//  - only enabled nodes take part, and nodes without code only for ls and docs generate.
// The manifest's own graph is used, so the answer is the one dbt gives for that manifest.

#include "core/error.h"
#include "dbt/manifest.h"

#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace sluice {

// One part of a word: "2+tag:nightly+1".
struct DbtSelectionCriterion {
    QString raw;
    QString method;            // fqn, tag, path, file, package, config, source, ...
    QStringList arguments;     // config.materialized → ["materialized"]
    QString value;
    bool childrensParents = false; // "@"
    bool parents = false, children = false;
    std::optional<int> parentsDepth, childrenDepth;
};

// A parsed --select or --exclude: a union of intersections.
struct DbtSelectionUnion {
    struct Word {
        QString raw;
        QList<DbtSelectionCriterion> parts;
    };
    QList<Word> words;
};

// The method names dbt 1.8 knows, in its order.
[[nodiscard]] const QStringList &dbtSelectionMethods();

// Parses `components` (each may hold several words). Errors name the part and what is wrong, as dbt
// does before it selects anything: a part the grammar does not accept, an unknown method, "@" with a
// trailing "+".
[[nodiscard]] Result<DbtSelectionUnion> parseDbtSelection(const QStringList &components);

enum class DbtIndirectSelection { Eager, Cautious, Buildable, Empty };

struct DbtSelectionRequest {
    QStringList select;        // empty: dbt's default (every node, source, exposure, metric, semantic model)
    QStringList exclude;
    QSet<QString> resourceTypes; // the nodes kept at the end; empty: keep every type
    bool includeEmptyNodes = false;
    DbtIndirectSelection indirect = DbtIndirectSelection::Eager;
    // For `result:`: unique id → the status of its last run. Without it `result:` is an error, as in
    // dbt without --state.
    std::optional<QHash<QString, QString>> lastResults;
    // source freshness: only sources that declare a freshness limit.
    bool onlyWithFreshness = false;
    // The dbt project folder for `path:`; when empty or missing, the paths the manifest names stand in.
    QString projectDir;
};

// What the dbt command `command` (run, test, build, seed, snapshot, compile, ls, docs generate, ...)
// would select: its resource types, with `resourceTypeFlags` (--resource-type values, incl. "all" and
// "default") applied where the command takes them, and whether nodes without code count.
void applyDbtCommandDefaults(DbtSelectionRequest &request, const QString &command, const QStringList &resourceTypeFlags = {});

struct DbtSelection {
    QStringList uniqueIds;     // sorted, as dbt ls lists them
    QStringList warnings;      // e.g. "The selection criterion 'x' does not match any enabled nodes"
};

class DbtNodeSelector {
public:
    explicit DbtNodeSelector(DbtManifest manifest);
    ~DbtNodeSelector();
    DbtNodeSelector(DbtNodeSelector &&) noexcept;
    DbtNodeSelector &operator=(DbtNodeSelector &&) noexcept;

    // Errors: a malformed expression, a value the method refuses (source:a.b.c.d, resource_type:x,
    // test_type:x, version:x), state: / source_status: (they need a --state manifest), result: without
    // recorded results.
    [[nodiscard]] Result<DbtSelection> select(const DbtSelectionRequest &request) const;

    [[nodiscard]] const DbtManifest &manifest() const;
    [[nodiscard]] const DbtManifestNode *node(const QString &uniqueId) const;

    struct Impl; // the graph, defined in the .cpp

private:
    std::unique_ptr<Impl> d;
};

// How `dbt ls` prints a node in its default "selector" output ("jaffle_shop.orders",
// "source:jaffle_shop.raw.orders", "exposure:pkg.name", ...).
[[nodiscard]] QString dbtListSelector(const DbtManifestNode &node);

} // namespace sluice
