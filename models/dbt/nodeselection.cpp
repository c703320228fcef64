// Node selection as dbt-core 1.8 does it (core/dbt/graph/{cli,selector_spec,selector,
// selector_methods,graph}.py): the same grammar, the same methods over the same manifest sections,
// the same graph operators and the same indirect selection of tests. Comments name dbt's quirks
// where they are kept on purpose.
#include "dbt/nodeselection.h"

#include "dbt/selectorgraph.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace sluice {

namespace {

using NodeSet = QSet<int>;

const QRegularExpression &rawSelectorPattern()
{
    // dbt's RAW_SELECTOR_PATTERN (Python's \Z is PCRE's \z).
    static const QRegularExpression re(
        QStringLiteral(R"(\A(?<childrens_parents>(@))?(?<parents>((?<parents_depth>(\d*))\+))?((?<method>([\w.]+)):)?(?<value>(.*?))(?<children>(\+(?<children_depth>(\d*))))?\z)"),
        QRegularExpression::UseUnicodePropertiesOption);
    return re;
}

QString defaultMethod(const QString &value)
{
    if (value.contains(QLatin1Char('/')))
        return QStringLiteral("path");
    const QString lower = value.toLower();
    if (lower.endsWith(QLatin1String(".sql")) || lower.endsWith(QLatin1String(".py")) || lower.endsWith(QLatin1String(".csv")))
        return QStringLiteral("file");
    return QStringLiteral("fqn");
}

Result<DbtSelectionCriterion> parseCriterion(const QString &raw)
{
    const QRegularExpressionMatch m = rawSelectorPattern().match(raw);
    if (!m.hasMatch())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a selector dbt understands").arg(raw)));
    DbtSelectionCriterion c;
    c.raw = raw;
    c.value = m.captured(QStringLiteral("value"));
    const QString method = m.captured(QStringLiteral("method"));
    if (m.capturedStart(QStringLiteral("method")) < 0) {
        c.method = defaultMethod(c.value);
    } else {
        QStringList parts = method.split(QLatin1Char('.'));
        c.method = parts.takeFirst();
        c.arguments = parts;
        if (!dbtSelectionMethods().contains(c.method))
            return fail(Error::invalid(QStringLiteral("'%1' is not a valid method name (in \"%2\"); the methods are %3")
                                           .arg(c.method, raw, dbtSelectionMethods().join(QStringLiteral(", ")))));
    }
    auto depth = [&](const QString &group, std::optional<int> &out) -> Result<void> {
        const QString text = m.captured(group);
        if (text.isEmpty())
            return {};
        bool ok = false;
        const int n = text.toInt(&ok);
        if (!ok)
            return fail(Error::invalid(QStringLiteral("the depth \"%1\" in \"%2\" is not a number dbt can use").arg(text, raw)));
        out = n;
        return {};
    };
    c.childrensParents = !m.captured(QStringLiteral("childrens_parents")).isEmpty();
    c.parents = !m.captured(QStringLiteral("parents")).isEmpty();
    c.children = !m.captured(QStringLiteral("children")).isEmpty();
    if (auto r = depth(QStringLiteral("parents_depth"), c.parentsDepth); !r)
        return fail(r.error());
    if (auto r = depth(QStringLiteral("children_depth"), c.childrenDepth); !r)
        return fail(r.error());
    if (c.children && c.childrensParents)
        return fail(Error::invalid(QStringLiteral("\"%1\": the \"@\" prefix and a \"+\" suffix cannot be used together; use @%2 or %2+")
                                       .arg(raw, c.value)));
    return c;
}

bool isTestType(const DbtManifestNode &n)
{
    return n.resourceType == QLatin1String("test") || n.resourceType == QLatin1String("unit_test");
}

} // namespace

const QStringList &dbtSelectionMethods()
{
    static const QStringList methods{
        QStringLiteral("fqn"), QStringLiteral("tag"), QStringLiteral("group"), QStringLiteral("access"),
        QStringLiteral("source"), QStringLiteral("path"), QStringLiteral("file"), QStringLiteral("package"),
        QStringLiteral("config"), QStringLiteral("test_name"), QStringLiteral("test_type"), QStringLiteral("resource_type"),
        QStringLiteral("state"), QStringLiteral("exposure"), QStringLiteral("metric"), QStringLiteral("result"),
        QStringLiteral("source_status"), QStringLiteral("version"), QStringLiteral("semantic_model"),
        QStringLiteral("saved_query"), QStringLiteral("unit_test")};
    return methods;
}

Result<DbtSelectionUnion> parseDbtSelection(const QStringList &components)
{
    DbtSelectionUnion out;
    for (const QString &component : components) {
        // dbt splits on single spaces only, so "a  b" holds an empty word (which selects nothing).
        for (const QString &word : component.split(QLatin1Char(' '))) {
            DbtSelectionUnion::Word w;
            w.raw = word;
            for (const QString &part : word.split(QLatin1Char(','))) {
                auto c = parseCriterion(part);
                if (!c)
                    return fail(c.error());
                w.parts.append(std::move(*c));
            }
            out.words.append(std::move(w));
        }
    }
    return out;
}

void applyDbtCommandDefaults(DbtSelectionRequest &request, const QString &command, const QStringList &resourceTypeFlags)
{
    static const QSet<QString> listDefault{QStringLiteral("model"), QStringLiteral("snapshot"), QStringLiteral("seed"),
                                           QStringLiteral("test"), QStringLiteral("source"), QStringLiteral("exposure"),
                                           QStringLiteral("metric"), QStringLiteral("saved_query"),
                                           QStringLiteral("semantic_model"), QStringLiteral("unit_test")};
    static const QSet<QString> buildAll{QStringLiteral("model"), QStringLiteral("snapshot"), QStringLiteral("seed"),
                                        QStringLiteral("test"), QStringLiteral("unit_test"), QStringLiteral("saved_query")};
    static const QSet<QString> executable{QStringLiteral("model"), QStringLiteral("test"), QStringLiteral("snapshot"),
                                          QStringLiteral("analysis"), QStringLiteral("operation"), QStringLiteral("seed"),
                                          QStringLiteral("doc"), QStringLiteral("rpc"), QStringLiteral("sql_operation")};
    // resource_types_from_args(): the flags, with "all" and "default" expanded.
    const auto fromFlags = [&](const QSet<QString> &all, const QSet<QString> &defaults) {
        if (resourceTypeFlags.isEmpty())
            return defaults;
        QSet<QString> out;
        for (const QString &flag : resourceTypeFlags) {
            if (flag == QLatin1String("all"))
                out |= all;
            else if (flag == QLatin1String("default"))
                out |= defaults;
            else
                out.insert(flag);
        }
        return out;
    };
    request.includeEmptyNodes = false;
    request.onlyWithFreshness = false;
    if (command == QLatin1String("ls") || command == QLatin1String("list")) {
        request.resourceTypes = fromFlags(listDefault | QSet<QString>{QStringLiteral("analysis")}, listDefault);
        if (request.resourceTypes == QSet<QString>{QStringLiteral("test")})
            request.resourceTypes.insert(QStringLiteral("unit_test")); // dbt's TestSelector, without empty nodes
        else
            request.includeEmptyNodes = true;
    } else if (command == QLatin1String("build")) {
        request.resourceTypes = fromFlags(buildAll, buildAll);
        if (request.resourceTypes == QSet<QString>{QStringLiteral("test")})
            request.resourceTypes.insert(QStringLiteral("unit_test")); // dbt's TestSelector, as for ls
    } else if (command == QLatin1String("clone")) {
        request.resourceTypes = fromFlags({QStringLiteral("model"), QStringLiteral("seed"), QStringLiteral("snapshot")},
                                          {QStringLiteral("model"), QStringLiteral("seed"), QStringLiteral("snapshot")});
    } else if (command == QLatin1String("run")) {
        request.resourceTypes = {QStringLiteral("model")};
    } else if (command == QLatin1String("test")) {
        request.resourceTypes = {QStringLiteral("test"), QStringLiteral("unit_test")};
    } else if (command == QLatin1String("seed")) {
        request.resourceTypes = {QStringLiteral("seed")};
    } else if (command == QLatin1String("snapshot")) {
        request.resourceTypes = {QStringLiteral("snapshot")};
    } else if (command == QLatin1String("source freshness") || command == QLatin1String("freshness")) {
        request.resourceTypes = {QStringLiteral("source")};
        request.onlyWithFreshness = true;
    } else if (command == QLatin1String("docs generate")) {
        request.resourceTypes = executable;
        request.includeEmptyNodes = true;
    } else {
        request.resourceTypes = executable; // compile, show and the like
    }
}

QString dbtListSelector(const DbtManifestNode &n)
{
    const auto dotted = [&](const QString &kind, const QString &name) {
        return kind + QLatin1Char(':') + n.packageName + QLatin1Char('.') + name;
    };
    switch (n.section) {
    case DbtSection::Source:
        return dotted(QStringLiteral("source"), n.sourceName + QLatin1Char('.') + n.name);
    case DbtSection::Exposure:
        return dotted(QStringLiteral("exposure"), n.name);
    case DbtSection::Metric:
        return dotted(QStringLiteral("metric"), n.name);
    case DbtSection::SavedQuery:
        return dotted(QStringLiteral("saved_query"), n.name);
    case DbtSection::SemanticModel:
        return dotted(QStringLiteral("semantic_model"), n.name);
    case DbtSection::UnitTest:
        return dotted(QStringLiteral("unit_test"), n.isVersioned() ? n.name + QStringLiteral("_v") + n.version : n.name);
    case DbtSection::Node:
        break;
    }
    return n.fqn.join(QLatin1Char('.'));
}


namespace {

// One evaluation: the request's member graph and its helpers.
class Evaluation {
public:
    Evaluation(const DbtNodeSelector::Impl &d, const DbtSelectionRequest &r) : d(d), r(r)
    {
        member.resize(d.all.size());
        for (size_t i = 0; i < d.all.size(); ++i)
            member[i] = d.isMember(*d.all[i], r.includeEmptyNodes);
        if (!r.projectDir.isEmpty() && QFileInfo(r.projectDir).isDir())
            disk.emplace(r.projectDir);
    }

    Result<std::pair<NodeSet, NodeSet>> unionOf(const DbtSelectionUnion &u, bool expectExists)
    {
        QList<NodeSet> direct, indirect;
        for (const DbtSelectionUnion::Word &w : u.words) {
            auto sets = intersectionOf(w);
            if (!sets)
                return fail(sets.error());
            if (expectExists && sets->first.isEmpty())
                warnings.append(QStringLiteral("The selection criterion '%1' does not match any enabled nodes").arg(w.raw));
            direct.append(sets->first);
            indirect.append(sets->second);
        }
        NodeSet dOut, iOut;
        for (const NodeSet &s : direct)
            dOut |= s;
        for (const NodeSet &s : indirect)
            iOut |= s;
        return std::pair{incorporate(dOut, iOut), iOut};
    }

    QStringList warnings;

private:
    Result<std::pair<NodeSet, NodeSet>> intersectionOf(const DbtSelectionUnion::Word &w)
    {
        NodeSet dOut, iOut;
        bool first = true;
        for (const DbtSelectionCriterion &c : w.parts) {
            auto sets = criterion(c);
            if (!sets)
                return fail(sets.error());
            const NodeSet withIndirect = sets->first | sets->second;
            if (first) {
                dOut = sets->first;
                iOut = withIndirect;
                first = false;
            } else {
                dOut &= sets->first;
                iOut &= withIndirect;
            }
        }
        return std::pair{incorporate(dOut, iOut), iOut};
    }

    // incorporate_indirect_nodes()
    NodeSet incorporate(const NodeSet &direct, const NodeSet &indirect) const
    {
        if (direct == indirect)
            return direct;
        NodeSet selected = direct;
        if (r.indirect == DbtIndirectSelection::Cautious) {
            for (int id : indirect)
                if (d.all[size_t(id)]->section == DbtSection::Node && allIn(id, selected))
                    selected.insert(id);
        } else if (r.indirect == DbtIndirectSelection::Buildable) {
            const NodeSet withParents = selected | parentsOf(selected, std::nullopt);
            for (int id : indirect)
                if (d.all[size_t(id)]->section == DbtSection::Node && allIn(id, withParents))
                    selected.insert(id);
        }
        return selected;
    }

    [[nodiscard]] bool allIn(int id, const NodeSet &set) const
    {
        for (int p : d.dependsOn[size_t(id)])
            if (!set.contains(p))
                return false;
        // A dependency the manifest does not hold is never selected.
        return d.dependsOn[size_t(id)].size() == size_t(d.all[size_t(id)]->dependsOn.size());
    }

    template<class Step>
    NodeSet layers(const NodeSet &start, std::optional<int> maxDepth, Step &&step) const
    {
        NodeSet found, frontier = start;
        int depth = 0;
        while (!frontier.isEmpty() && (!maxDepth || depth < *maxDepth)) {
            NodeSet next;
            for (int id : frontier)
                for (int n : step(id))
                    if (member[size_t(n)])
                        next.insert(n);
            next -= found;
            found |= next;
            frontier = next;
            ++depth;
        }
        return found;
    }

    NodeSet parentsOf(const NodeSet &s, std::optional<int> depth) const
    {
        return layers(s, depth, [this](int id) -> const std::vector<int> & { return d.parents[size_t(id)]; });
    }
    NodeSet childrenOf(const NodeSet &s, std::optional<int> depth) const
    {
        return layers(s, depth, [this](int id) -> const std::vector<int> & { return d.children[size_t(id)]; });
    }

    Result<std::pair<NodeSet, NodeSet>> criterion(const DbtSelectionCriterion &c)
    {
        auto collected = search(c);
        if (!collected)
            return fail(collected.error());
        if (r.indirect == DbtIndirectSelection::Empty)
            return std::pair{*collected, NodeSet()}; // dbt 1.8 returns before applying "+" and "@" here
        NodeSet selected = *collected;
        if (c.childrensParents) {
            const NodeSet down = childrenOf(*collected, std::nullopt) | *collected;
            selected |= parentsOf(down, std::nullopt) | down;
        }
        if (c.parents)
            selected |= parentsOf(*collected, c.parentsDepth);
        if (c.children)
            selected |= childrenOf(*collected, c.childrenDepth);
        return expand(selected);
    }

    // expand_selection(): tests whose parent is selected.
    std::pair<NodeSet, NodeSet> expand(const NodeSet &selected) const
    {
        NodeSet direct = selected, indirect;
        NodeSet selectedAndParents;
        if (r.indirect == DbtIndirectSelection::Buildable) {
            selectedAndParents = selected | parentsOf(selected, std::nullopt);
            for (size_t i = 0; i < d.all.size(); ++i)
                if (d.all[i]->section == DbtSection::Source)
                    selectedAndParents.insert(int(i));
        }
        for (int id : selected) {
            for (int child : d.children[size_t(id)]) {
                if (!member[size_t(child)])
                    continue;
                const DbtManifestNode &n = *d.all[size_t(child)];
                if ((n.section != DbtSection::Node && n.section != DbtSection::UnitTest) || !isTestType(n))
                    continue;
                if (r.indirect == DbtIndirectSelection::Eager || allIn(child, selected))
                    direct.insert(child);
                else if (r.indirect == DbtIndirectSelection::Buildable && allIn(child, selectedAndParents))
                    direct.insert(child);
                else
                    indirect.insert(child);
            }
        }
        return {direct, indirect};
    }
    Result<NodeSet> search(const DbtSelectionCriterion &c)
    {
        const MethodContext ctx{d, member, r, disk ? &*disk : nullptr};
        return searchByMethod(ctx, c);
    }


    const DbtNodeSelector::Impl &d;
    const DbtSelectionRequest &r;
    std::vector<char> member;
    std::optional<DiskPathTree> disk;
};

} // namespace

DbtNodeSelector::DbtNodeSelector(DbtManifest manifest) : d(std::make_unique<Impl>())
{
    d->manifest = std::move(manifest);
    d->build();
}

DbtNodeSelector::~DbtNodeSelector() = default;
DbtNodeSelector::DbtNodeSelector(DbtNodeSelector &&) noexcept = default;
DbtNodeSelector &DbtNodeSelector::operator=(DbtNodeSelector &&) noexcept = default;

const DbtManifest &DbtNodeSelector::manifest() const { return d->manifest; }

const DbtManifestNode *DbtNodeSelector::node(const QString &uniqueId) const
{
    const int i = d->index.value(uniqueId, -1);
    return i < 0 ? nullptr : d->all[size_t(i)];
}

Result<DbtSelection> DbtNodeSelector::select(const DbtSelectionRequest &request) const
{
    const bool defaultInclude = request.select.isEmpty();
    auto include = parseDbtSelection(defaultInclude ? QStringList{QStringLiteral("fqn:*"), QStringLiteral("source:*"), QStringLiteral("exposure:*"),
                                                                  QStringLiteral("metric:*"), QStringLiteral("semantic_model:*")}
                                                    : request.select);
    if (!include)
        return fail(include.error());
    auto exclude = parseDbtSelection(request.exclude);
    if (!exclude)
        return fail(exclude.error());

    Evaluation eval(*d, request);
    auto in = eval.unionOf(*include, !defaultInclude);
    if (!in)
        return fail(in.error());
    auto out = eval.unionOf(*exclude, !request.exclude.isEmpty());
    if (!out)
        return fail(out.error());
    // SelectionDifference. Its own incorporate step runs in eager mode (dbt builds the difference
    // without the --indirect-selection flag), which keeps the direct nodes as they are.
    const NodeSet direct = in->first - out->first;
    DbtSelection result;
    result.warnings = eval.warnings;
    for (int id : std::as_const(direct)) {
        const DbtManifestNode &n = *d->all[size_t(id)];
        if ((request.resourceTypes.isEmpty() || request.resourceTypes.contains(n.resourceType))
            && (!request.onlyWithFreshness || n.hasFreshness))
            result.uniqueIds.append(n.uniqueId);
    }
    std::sort(result.uniqueIds.begin(), result.uniqueIds.end());
    return result;
}

} // namespace sluice
