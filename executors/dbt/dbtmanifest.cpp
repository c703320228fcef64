// manifest.json with simdjson On-Demand: one forward pass over the document that materialises only
// the fields Sluice uses (manifests reach hundreds of MB; a DOM would double the memory). Keys are
// matched in whatever order the file has them; unknown keys and values of unexpected types are skipped.
#include "dbtartifacts.h"

#include "artifactsupport.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <optional>

namespace sluice {

using namespace sluice::detail;
namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

namespace {

#define SLUICE_TRY(expr)                       \
    do {                                       \
        if (error_code e_ = (expr); e_ != SUCCESS) \
            return e_;                         \
    } while (false)

QString toQString(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

// A string value into `out`; a value of another type (null, number) leaves `out` as it was.
error_code readString(od::value v, QString &out)
{
    od::json_type type;
    SLUICE_TRY(v.type().get(type));
    if (type != od::json_type::string)
        return SUCCESS;
    std::string_view s;
    SLUICE_TRY(v.get_string().get(s));
    out = toQString(s);
    return SUCCESS;
}

// The string items of an array value; other items and non-array values are skipped.
error_code readStrings(od::value v, QStringList &out)
{
    od::json_type type;
    SLUICE_TRY(v.type().get(type));
    if (type != od::json_type::array)
        return SUCCESS;
    od::array a;
    SLUICE_TRY(v.get_array().get(a));
    for (auto item : a) {
        od::value iv;
        SLUICE_TRY(item.get(iv));
        od::json_type it;
        SLUICE_TRY(iv.type().get(it));
        if (it != od::json_type::string)
            continue;
        std::string_view s;
        SLUICE_TRY(iv.get_string().get(s));
        out.append(toQString(s));
    }
    return SUCCESS;
}

// Calls fn(key, value) for each field of an object value; a non-object value is skipped.
template<class Fn>
error_code forEachField(od::value v, Fn &&fn)
{
    od::json_type type;
    SLUICE_TRY(v.type().get(type));
    if (type != od::json_type::object)
        return SUCCESS;
    od::object o;
    SLUICE_TRY(v.get_object().get(o));
    for (auto field : o) {
        od::field f;
        SLUICE_TRY(std::move(field).get(f));
        std::string_view key;
        SLUICE_TRY(f.unescaped_key().get(key));
        SLUICE_TRY(fn(key, f.value()));
    }
    return SUCCESS;
}

// A string, or a number written as text (model versions may be either); other types leave `out` as it was.
error_code readScalarText(od::value v, QString &out)
{
    od::json_type type;
    SLUICE_TRY(v.type().get(type));
    if (type == od::json_type::string)
        return readString(v, out);
    if (type != od::json_type::number)
        return SUCCESS;
    std::string_view raw = v.raw_json_token();
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t' || raw.back() == ','))
        raw.remove_suffix(1);
    out = toQString(raw);
    return SUCCESS;
}

// An object value as a QJsonObject (small objects only: a node's config); other types leave `out` empty.
error_code readObject(od::value v, QJsonObject &out)
{
    od::json_type type;
    SLUICE_TRY(v.type().get(type));
    if (type != od::json_type::object)
        return SUCCESS;
    od::object o;
    SLUICE_TRY(v.get_object().get(o));
    std::string_view raw;
    SLUICE_TRY(o.raw_json().get(raw));
    out = QJsonDocument::fromJson(QByteArray::fromRawData(raw.data(), qsizetype(raw.size()))).object();
    return SUCCESS;
}

error_code readColumns(od::value v, QList<DbtColumn> &out)
{
    return forEachField(v, [&out](std::string_view, od::value cv) -> error_code {
        DbtColumn c;
        SLUICE_TRY(forEachField(cv, [&c](std::string_view k, od::value f) -> error_code {
            if (k == "name")
                return readString(f, c.name);
            if (k == "description")
                return readString(f, c.description);
            if (k == "data_type")
                return readString(f, c.dataType);
            return SUCCESS;
        }));
        out.append(std::move(c));
        return SUCCESS;
    });
}

error_code readNode(std::string_view id, od::value v, DbtManifestNode &n)
{
    bool hasCode = false;
    QString code;
    SLUICE_TRY(forEachField(v, [&](std::string_view key, od::value value) -> error_code {
        if (key == "unique_id")
            return readString(value, n.uniqueId);
        if (key == "name")
            return readString(value, n.name);
        if (key == "resource_type")
            return readString(value, n.resourceType);
        if (key == "package_name")
            return readString(value, n.packageName);
        if (key == "path")
            return readString(value, n.path);
        if (key == "original_file_path")
            return readString(value, n.originalFilePath);
        if (key == "patch_path") {
            SLUICE_TRY(readString(value, n.patchPath));
            if (const qsizetype at = n.patchPath.indexOf(QLatin1String("://")); at >= 0)
                n.patchPath = n.patchPath.mid(at + 3);
            return SUCCESS;
        }
        if (key == "fqn")
            return readStrings(value, n.fqn);
        if (key == "tags")
            return readStrings(value, n.tags);
        if (key == "source_name")
            return readString(value, n.sourceName);
        if (key == "access")
            return readString(value, n.access);
        if (key == "group")
            return readString(value, n.group);
        if (key == "version")
            return readScalarText(value, n.version);
        if (key == "latest_version")
            return readScalarText(value, n.latestVersion);
        if (key == "description")
            return readString(value, n.description);
        if (key == "columns")
            return readColumns(value, n.columns);
        if (key == "database")
            return readString(value, n.database);
        if (key == "schema")
            return readString(value, n.schema);
        if (key == "alias")
            return readString(value, n.alias);
        if (key == "relation_name")
            return readString(value, n.relationName);
        if (key == "raw_code" || key == "raw_sql") {
            hasCode = true;
            return readString(value, code);
        }
        if (key == "test_metadata") {
            od::json_type type;
            SLUICE_TRY(value.type().get(type));
            if (type != od::json_type::object)
                return SUCCESS;
            n.genericTest = true;
            return forEachField(value, [&n](std::string_view k, od::value tv) -> error_code {
                return k == "name" ? readString(tv, n.testName) : SUCCESS;
            });
        }
        if (key == "config")
            return readObject(value, n.config);
        if (key == "freshness") {
            QJsonObject f;
            SLUICE_TRY(readObject(value, f));
            for (const char *limit : {"warn_after", "error_after"}) {
                const QJsonObject l = f.value(QLatin1String(limit)).toObject();
                if (!l.value(QLatin1String("count")).isNull() && !l.value(QLatin1String("count")).isUndefined()
                    && !l.value(QLatin1String("period")).isNull() && !l.value(QLatin1String("period")).isUndefined())
                    n.hasFreshness = true;
            }
            return SUCCESS;
        }
        if (key == "depends_on")
            return forEachField(value, [&n](std::string_view k, od::value dv) -> error_code {
                return k == "nodes" ? readStrings(dv, n.dependsOn) : SUCCESS;
            });
        return SUCCESS;
    }));
    if (n.uniqueId.isEmpty())
        n.uniqueId = toQString(id);
    n.materialization = n.config.value(QLatin1String("materialized")).toString();
    // Unit tests keep their tags in config (dbt's UnitTestDefinition.tags is config.tags, a string or a list).
    if (n.section == DbtSection::UnitTest && n.tags.isEmpty()) {
        const QJsonValue tags = n.config.value(QLatin1String("tags"));
        if (tags.isString())
            n.tags = QStringList{tags.toString()};
        else
            for (const QJsonValue &t : tags.toArray())
                n.tags.append(t.toString());
    }
    n.enabled = n.config.value(QLatin1String("enabled")).toBool(true);
    if (const QString g = n.config.value(QLatin1String("group")).toString(); !g.isEmpty())
        n.group = g;
    // dbt: a node is empty when its code is blank, except seeds (their code is the CSV file).
    n.empty = n.section == DbtSection::Node && hasCode && code.trimmed().isEmpty() && n.resourceType != QLatin1String("seed");
    return SUCCESS;
}

error_code readIdMap(od::value v, QHash<QString, QStringList> &map)
{
    return forEachField(v, [&map](std::string_view key, od::value ids) -> error_code {
        QStringList list;
        SLUICE_TRY(readStrings(ids, list));
        map.insert(toQString(key), std::move(list));
        return SUCCESS;
    });
}

std::optional<DbtSection> otherSection(std::string_view key)
{
    if (key == "sources")
        return DbtSection::Source;
    if (key == "exposures")
        return DbtSection::Exposure;
    if (key == "metrics")
        return DbtSection::Metric;
    if (key == "semantic_models")
        return DbtSection::SemanticModel;
    if (key == "saved_queries")
        return DbtSection::SavedQuery;
    if (key == "unit_tests")
        return DbtSection::UnitTest;
    return std::nullopt;
}

struct Parsed {
    DbtManifest manifest;
    QString schemaUrl;
    bool hasNodes = false, hasParents = false, hasChildren = false;
};

error_code readRoot(const simdjson::padded_string &text, od::parser &parser, Parsed &p)
{
    od::document doc;
    SLUICE_TRY(parser.iterate(text).get(doc));
    od::object root;
    SLUICE_TRY(doc.get_object().get(root));
    DbtManifest &m = p.manifest;
    for (auto field : root) {
        od::field f;
        SLUICE_TRY(std::move(field).get(f));
        std::string_view key;
        SLUICE_TRY(f.unescaped_key().get(key));
        if (key == "metadata") {
            SLUICE_TRY(forEachField(f.value(), [&](std::string_view k, od::value v) -> error_code {
                if (k == "dbt_schema_version")
                    return readString(v, p.schemaUrl);
                if (k == "dbt_version")
                    return readString(v, m.dbtVersion);
                if (k == "project_name")
                    return readString(v, m.projectName);
                if (k == "adapter_type")
                    return readString(v, m.adapterType);
                if (k == "invocation_id")
                    return readString(v, m.invocationId);
                if (k == "generated_at")
                    return readString(v, m.generatedAt);
                return SUCCESS;
            }));
        } else if (key == "nodes") {
            p.hasNodes = true;
            SLUICE_TRY(forEachField(f.value(), [&m](std::string_view id, od::value v) -> error_code {
                DbtManifestNode n;
                SLUICE_TRY(readNode(id, v, n));
                m.nodes.append(std::move(n));
                return SUCCESS;
            }));
        } else if (const auto section = otherSection(key)) {
            SLUICE_TRY(forEachField(f.value(), [&m, section](std::string_view id, od::value v) -> error_code {
                DbtManifestNode n;
                n.section = *section;
                SLUICE_TRY(readNode(id, v, n));
                m.otherResources.append(std::move(n));
                return SUCCESS;
            }));
        } else if (key == "parent_map") {
            p.hasParents = true;
            SLUICE_TRY(readIdMap(f.value(), m.parentMap));
        } else if (key == "child_map") {
            p.hasChildren = true;
            SLUICE_TRY(readIdMap(f.value(), m.childMap));
        }
    }
    return SUCCESS;
}

#undef SLUICE_TRY

Result<DbtManifest> parseManifestText(const simdjson::padded_string &text, const QString &origin)
{
    const QString kind = QStringLiteral("manifest");
    try {
        od::parser parser;
        Parsed p;
        if (const error_code err = readRoot(text, parser, p); err != SUCCESS) {
            if (err == simdjson::INCORRECT_TYPE && !p.hasNodes && p.schemaUrl.isEmpty())
                return fail(Error::invalid(QStringLiteral("%1 is not a dbt manifest file: its top level is not a JSON object").arg(origin)));
            return fail(Error::invalid(QStringLiteral("cannot read %1 as a dbt manifest file: %2; run `dbt compile` to rewrite it")
                                           .arg(origin, describeJsonError(err))));
        }
        auto version = checkSchema(p.schemaUrl, p.manifest.dbtVersion, origin, kind, kMinManifestVersion, kMaxManifestVersion);
        if (!version)
            return fail(version.error());
        if (!p.hasNodes)
            return fail(Error::invalid(QStringLiteral("%1 has no \"nodes\" object; run `dbt compile` to rewrite it").arg(origin)));
        DbtManifest out = std::move(p.manifest);
        out.schemaVersion = *version;
        if (!p.hasParents || !p.hasChildren) {
            out.parentMap.clear();
            out.childMap.clear();
            for (const DbtManifestNode &n : out.nodes + out.otherResources) {
                out.parentMap[n.uniqueId] += n.dependsOn;
                if (!out.childMap.contains(n.uniqueId))
                    out.childMap.insert(n.uniqueId, {});
                for (const QString &parent : n.dependsOn)
                    out.childMap[parent].append(n.uniqueId);
            }
        }
        return out;
    } catch (const std::exception &e) {
        return fail(Error::internal(QStringLiteral("cannot read %1: %2").arg(origin, QString::fromUtf8(e.what()))));
    }
}

} // namespace

Result<DbtManifest> parseManifest(QByteArrayView json, const QString &origin)
{
    const simdjson::padded_string text(json.data(), size_t(json.size()));
    return parseManifestText(text, origin);
}

Result<DbtManifest> readManifest(const QString &path)
{
    auto text = loadFile(path);
    if (!text)
        return fail(text.error());
    return parseManifestText(*text, path);
}

} // namespace sluice
