// dbt 1.8's selector methods (core/dbt/graph/selector_methods.py): each looks at the same manifest
// sections as dbt's does and matches values the same way (fnmatch wildcards, dbt's quirks kept).
#include "dbt/selectorgraph.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>

namespace sluice {

namespace {

using NodeSet = QSet<int>;

// dbt's UnparsedVersion ordering: numbers as numbers, otherwise as text.
int compareVersions(const QString &a, const QString &b)
{
    bool okA = false, okB = false;
    const double x = a.toDouble(&okA), y = b.toDouble(&okB);
    if (okA && okB)
        return x < y ? -1 : (x > y ? 1 : 0);
    return QString::compare(a, b);
}

// is_selected_node(): the leaf name, or the fqn's leading parts, with wildcards from the first
// part that has one.
bool fqnSelects(const QStringList &fqn, const QString &selector, bool versioned)
{
    if (fqn.isEmpty())
        return false;
    const QStringList selectorParts = selector.split(QLatin1Char('.'));
    if (versioned) {
        if (fqn.size() >= 2 && fqn[fqn.size() - 2] == selector)
            return true;
        const QString lastTwo = fqn.mid(qMax<qsizetype>(0, fqn.size() - 2)).join(QLatin1Char('_'));
        if (lastTwo == selectorParts.mid(qMax<qsizetype>(0, selectorParts.size() - 2)).join(QLatin1Char('_')))
            return true;
    } else if (fqn.back() == selector) {
        return true;
    }
    QStringList flat;
    for (const QString &segment : fqn)
        flat += segment.split(QLatin1Char('.'));
    if (flat.size() < selectorParts.size())
        return false;
    for (qsizetype i = 0; i < selectorParts.size(); ++i) {
        if (hasWildcard(selectorParts[i]))
            return fnmatch(flat.mid(i).join(QLatin1Char('.')), selectorParts.mid(i).join(QLatin1Char('.')));
        if (flat[i] != selectorParts[i])
            return false;
    }
    return true;
}

// config.<key> comparison (ConfigSelectorMethod): strings equal (case-insensitively for severity),
// "true"/"false" against booleans, membership in lists.
bool configValueMatches(const QJsonValue &value, const QString &selector, bool caseInsensitive)
{
    const QString upper = selector.toUpper();
    const auto equalsText = [&](const QJsonValue &v) {
        if (!v.isString())
            return false;
        return caseInsensitive ? v.toString().toUpper() == upper : v.toString() == selector;
    };
    if (value.isArray()) {
        const QJsonArray list = value.toArray();
        for (const QJsonValue &item : list) {
            if (equalsText(item))
                return true;
            if (upper == QLatin1String("TRUE") && item.isBool() && item.toBool())
                return true;
            if (upper == QLatin1String("FALSE") && item.isBool() && !item.toBool())
                return true;
        }
        return false;
    }
    if (equalsText(value))
        return true;
    if (upper == QLatin1String("TRUE") && value.isBool() && value.toBool())
        return true;
    return upper == QLatin1String("FALSE") && value.isBool() && !value.toBool();
}

std::optional<QJsonValue> descendConfig(const DbtManifestNode &n, const QStringList &path)
{
    QJsonValue value = n.config;
    for (const QString &key : path) {
        if (!value.isObject())
            return std::nullopt;
        const QJsonObject o = value.toObject();
        QString found = key;
        if (!o.contains(found))
            found = QString(key).replace(QLatin1Char('_'), QLatin1Char('-')); // post_hook is "post-hook" in JSON
        if (!o.contains(found)) {
            if (path.size() == 1 && key == QLatin1String("enabled"))
                return QJsonValue(true); // a config attribute dbt always has
            return std::nullopt;
        }
        value = o.value(found);
    }
    return value;
}

template<class Pred>
NodeSet where(const MethodContext &ctx, std::initializer_list<DbtSection> sections, Pred &&pred)
{
    NodeSet out;
    for (size_t i = 0; i < ctx.graph.all.size(); ++i) {
        if (!ctx.member[i])
            continue;
        const DbtManifestNode &n = *ctx.graph.all[i];
        if (std::find(sections.begin(), sections.end(), n.section) != sections.end() && pred(n))
            out.insert(int(i));
    }
    return out;
}

// pkg.name style values of exposure:, metric:, semantic_model:, saved_query:, unit_test:.
Result<NodeSet> packageAndName(const MethodContext &ctx, DbtSection section, const QString &value, const QString &what)
{
    const QStringList parts = value.split(QLatin1Char('.'));
    if (parts.size() > 2)
        return fail(Error::invalid(QStringLiteral("invalid %1 selector value \"%2\": use a name or package.name").arg(what, value)));
    const QString package = parts.size() == 2 ? parts[0] : QStringLiteral("*");
    const QString name = parts.back();
    return where(ctx, {section}, [&](const DbtManifestNode &n) { return fnmatch(n.packageName, package) && fnmatch(n.name, name); });
}

} // namespace

Result<QSet<int>> searchByMethod(const MethodContext &ctx, const DbtSelectionCriterion &c)
{
    using S = DbtSection;
    static constexpr std::initializer_list<S> allNodes{S::Node, S::Source, S::Exposure, S::Metric, S::UnitTest, S::SemanticModel};
    const QString &m = c.method;
    const QString &v = c.value;
    if (m == QLatin1String("fqn"))
        return where(ctx, {S::Node, S::Exposure, S::Metric, S::UnitTest, S::SemanticModel, S::SavedQuery}, [&](const DbtManifestNode &n) {
            // Only models are versioned for dbt's fqn matching (a unit test of a versioned model
            // carries the version too, but its fqn ends with the test's own name).
            const bool versioned = n.isVersioned() && n.resourceType == QLatin1String("model");
            return fqnSelects(n.fqn, v, versioned) || fqnSelects(n.fqn.mid(1), v, versioned);
        });
    if (m == QLatin1String("tag"))
        return where(ctx, allNodes, [&](const DbtManifestNode &n) {
            return std::any_of(n.tags.begin(), n.tags.end(), [&](const QString &t) { return fnmatch(t, v); });
        });
    if (m == QLatin1String("group"))
        return where(ctx, {S::Node, S::Metric}, [&](const DbtManifestNode &n) { return !n.group.isEmpty() && fnmatch(n.group, v); });
    if (m == QLatin1String("access"))
        return where(ctx, {S::Node}, [&](const DbtManifestNode &n) { return n.resourceType == QLatin1String("model") && n.access == v; });
    if (m == QLatin1String("source")) {
        const QStringList parts = v.split(QLatin1Char('.'));
        if (parts.size() > 3)
            return fail(Error::invalid(QStringLiteral("invalid source selector value \"%1\": use source_name, source_name.table_name or package.source_name.table_name").arg(v)));
        const QString package = parts.size() == 3 ? parts[0] : QStringLiteral("*");
        const QString source = parts.size() == 3 ? parts[1] : parts[0];
        const QString table = parts.size() == 1 ? QStringLiteral("*") : parts.back();
        return where(ctx, {S::Source}, [&](const DbtManifestNode &n) {
            return fnmatch(n.packageName, package) && fnmatch(n.sourceName, source) && fnmatch(n.name, table);
        });
    }
    if (m == QLatin1String("exposure"))
        return packageAndName(ctx, S::Exposure, v, QStringLiteral("exposure"));
    if (m == QLatin1String("metric"))
        return packageAndName(ctx, S::Metric, v, QStringLiteral("metric"));
    if (m == QLatin1String("semantic_model"))
        return packageAndName(ctx, S::SemanticModel, v, QStringLiteral("semantic model"));
    if (m == QLatin1String("saved_query"))
        return packageAndName(ctx, S::SavedQuery, v, QStringLiteral("saved query"));
    if (m == QLatin1String("unit_test"))
        return packageAndName(ctx, S::UnitTest, v, QStringLiteral("unit test"));
    if (m == QLatin1String("path")) {
        const PathTree &tree = ctx.disk ? *ctx.disk : static_cast<const PathTree &>(ctx.graph.manifestPaths);
        auto paths = globPaths(tree, v);
        if (!paths)
            return fail(paths.error());
        return where(ctx, allNodes, [&](const DbtManifestNode &n) {
            if (paths->contains(QDir::cleanPath(n.originalFilePath)) || (!n.patchPath.isEmpty() && paths->contains(QDir::cleanPath(n.patchPath))))
                return true;
            QString parent = QDir::cleanPath(n.originalFilePath);
            while (true) { // every parent folder of the file, up to the project root ("")
                const qsizetype slash = parent.lastIndexOf(QLatin1Char('/'));
                parent = slash < 0 ? QString() : parent.left(slash);
                if (paths->contains(parent))
                    return true;
                if (parent.isEmpty())
                    return false;
            }
        });
    }
    if (m == QLatin1String("file"))
        return where(ctx, allNodes, [&](const DbtManifestNode &n) {
            const QFileInfo fi(n.originalFilePath);
            const QString name = fi.fileName();
            const qsizetype dot = name.lastIndexOf(QLatin1Char('.'));
            const QString stem = dot > 0 ? name.left(dot) : name; // Python's Path.stem
            return fnmatch(name, v) || fnmatch(stem, v);
        });
    if (m == QLatin1String("package")) {
        const QString package = v == QLatin1String("this") && !ctx.graph.manifest.projectName.isEmpty() ? ctx.graph.manifest.projectName : v;
        return where(ctx, allNodes, [&](const DbtManifestNode &n) { return fnmatch(n.packageName, package); });
    }
    if (m == QLatin1String("config")) {
        const bool severity = c.arguments == QStringList{QStringLiteral("severity")};
        return where(ctx, {S::Node, S::Source}, [&](const DbtManifestNode &n) {
            const auto value = descendConfig(n, c.arguments);
            return value && configValueMatches(*value, v, severity);
        });
    }
    if (m == QLatin1String("resource_type")) {
        static const QStringList types{QStringLiteral("model"), QStringLiteral("analysis"), QStringLiteral("test"),
                                       QStringLiteral("snapshot"), QStringLiteral("operation"), QStringLiteral("seed"),
                                       QStringLiteral("rpc"), QStringLiteral("sql_operation"), QStringLiteral("doc"),
                                       QStringLiteral("source"), QStringLiteral("macro"), QStringLiteral("exposure"),
                                       QStringLiteral("metric"), QStringLiteral("group"), QStringLiteral("saved_query"),
                                       QStringLiteral("semantic_model"), QStringLiteral("unit_test"), QStringLiteral("fixture")};
        if (!types.contains(v))
            return fail(Error::invalid(QStringLiteral("invalid resource_type selector \"%1\"; use one of %2").arg(v, types.join(QStringLiteral(", ")))));
        return where(ctx, allNodes, [&](const DbtManifestNode &n) { return n.resourceType == v; });
    }
    if (m == QLatin1String("test_name"))
        return where(ctx, {S::Node, S::UnitTest}, [&](const DbtManifestNode &n) {
            if (n.section == S::UnitTest)
                return fnmatch(n.name, v);
            return n.resourceType == QLatin1String("test") && n.genericTest && fnmatch(n.testName, v);
        });
    if (m == QLatin1String("test_type")) {
        // dbt compares "data", "singular" and "unit" with `in` on a string, so a part of the word
        // ("sing") also works there; kept for the same answers.
        bool generic = false, singular = false, unit = false;
        if (v == QLatin1String("generic") || v == QLatin1String("schema"))
            generic = true;
        else if (QStringLiteral("data").contains(v))
            generic = singular = true;
        else if (QStringLiteral("singular").contains(v))
            singular = true;
        else if (QStringLiteral("unit").contains(v))
            unit = true;
        else
            return fail(Error::invalid(QStringLiteral("invalid test type selector \"%1\": expected generic, singular, unit or data").arg(v)));
        return where(ctx, {S::Node, S::UnitTest}, [&](const DbtManifestNode &n) {
            if (n.section == S::UnitTest)
                return unit;
            if (n.resourceType != QLatin1String("test"))
                return false;
            return n.genericTest ? generic : singular;
        });
    }
    if (m == QLatin1String("version")) {
        if (v != QLatin1String("latest") && v != QLatin1String("prerelease") && v != QLatin1String("old") && v != QLatin1String("none"))
            return fail(Error::invalid(QStringLiteral("invalid version selector \"%1\": expected latest, prerelease, old or none").arg(v)));
        return where(ctx, {S::Node}, [&](const DbtManifestNode &n) {
            if (n.resourceType != QLatin1String("model"))
                return false;
            if (v == QLatin1String("none"))
                return !n.isVersioned();
            if (v == QLatin1String("latest"))
                return n.isVersioned() && n.version == n.latestVersion;
            if (!n.isVersioned() || n.latestVersion.isEmpty())
                return false;
            const int cmp = compareVersions(n.version, n.latestVersion);
            return v == QLatin1String("prerelease") ? cmp > 0 : cmp < 0;
        });
    }
    if (m == QLatin1String("result")) {
        if (!ctx.request.lastResults)
            return fail(Error::invalid(QStringLiteral("\"%1\" needs the results of an earlier dbt run, and none are recorded yet; run the project once").arg(c.raw)));
        return where(ctx, allNodes, [&](const DbtManifestNode &n) {
            const auto it = ctx.request.lastResults->constFind(n.uniqueId);
            return it != ctx.request.lastResults->cend() && *it == v;
        });
    }
    // state:, source_status:
    return fail(Error::invalid(QStringLiteral("\"%1\" compares with an earlier manifest (dbt's --state), which Sluice does not keep; select by name, tag, path or result instead").arg(c.raw)));
}

} // namespace sluice
