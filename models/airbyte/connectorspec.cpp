#include "airbyte/connectorspec.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

// Schema problems (an unresolvable $ref, a bad regex) must be errors we report, not an abort.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/qtjson_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <exception>

namespace sluice {

namespace {

// YAML has no types of its own for scalars: a plain scalar that reads as a number, a boolean or null
// is one (as in YAML 1.2's core schema, which connector spec.yaml files are written for); a quoted
// scalar is always a string.
QJsonValue yamlToJson(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        QJsonObject o;
        for (const auto &kv : node)
            o.insert(QString::fromStdString(kv.first.as<std::string>()), yamlToJson(kv.second));
        return o;
    }
    case YAML::NodeType::Sequence: {
        QJsonArray a;
        for (const auto &item : node)
            a.append(yamlToJson(item));
        return a;
    }
    case YAML::NodeType::Scalar: {
        const QString text = QString::fromStdString(node.Scalar());
        if (node.Tag() == "!")   // quoted
            return text;
        static const QRegularExpression integer(QStringLiteral("^[-+]?[0-9]+$"));
        static const QRegularExpression number(QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
        if (text == u"true" || text == u"True" || text == u"TRUE")
            return true;
        if (text == u"false" || text == u"False" || text == u"FALSE")
            return false;
        if (text == u"null" || text == u"~" || text == u"Null" || text == u"NULL")
            return QJsonValue::Null;
        if (integer.match(text).hasMatch()) {
            bool ok = false;
            const qlonglong v = text.toLongLong(&ok);
            if (ok)
                return QJsonValue(v);
        }
        if (number.match(text).hasMatch())
            return text.toDouble();
        return text;
    }
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        break;
    }
    return QJsonValue::Null;
}

// The configuration schema inside whatever document was given.
std::optional<ConnectorSpec> specIn(const QJsonObject &doc)
{
    for (const char *key : {"connectionSpecification", "connection_specification"}) {
        const QJsonValue s = doc.value(QLatin1String(key));
        if (s.isObject())
            return ConnectorSpec{s.toObject(), doc.value(QLatin1String("documentationUrl")).toString(
                                                   doc.value(QLatin1String("documentation_url")).toString())};
    }
    // A manifest-only connector: spec: {connection_specification: …}. A server's wrapper may hold the
    // specification one level down too.
    for (const char *key : {"spec", "specification"}) {
        if (doc.value(QLatin1String(key)).isObject())
            if (auto inner = specIn(doc.value(QLatin1String(key)).toObject()))
                return inner;
    }
    if (doc.contains(QLatin1String("properties")) || doc.value(QLatin1String("type")) == QLatin1String("object")
        || doc.contains(QLatin1String("$schema")))
        return ConnectorSpec{doc, {}};
    return std::nullopt;
}

QString pathOf(const std::vector<std::string> &context)
{
    QStringList parts;
    for (const std::string &c : context) {
        if (c == "<root>")
            continue;
        QString part = QString::fromStdString(c);
        if (part.startsWith(u'[') && part.endsWith(u']'))
            part = part.mid(1, part.size() - 2);
        parts << part;
    }
    return parts.join(u'.');
}

// The schema that applies at a dotted path of the (resolved) schema, for wording a problem.
QJsonObject schemaAt(const QJsonObject &root, const QString &path)
{
    QJsonObject at = root;
    if (path.isEmpty())
        return at;
    for (const QString &part : path.split(u'.')) {
        const QJsonObject props = at.value(QLatin1String("properties")).toObject();
        if (props.contains(part)) {
            at = props.value(part).toObject();
            continue;
        }
        bool isIndex = false;
        part.toInt(&isIndex);
        if (isIndex && at.value(QLatin1String("items")).isObject()) {
            at = at.value(QLatin1String("items")).toObject();
            continue;
        }
        // allOf (a resolved oneOf branch) holds the properties one level down.
        bool found = false;
        for (const QJsonValue &sub : at.value(QLatin1String("allOf")).toArray()) {
            const QJsonObject subProps = sub.toObject().value(QLatin1String("properties")).toObject();
            if (subProps.contains(part)) {
                at = subProps.value(part).toObject();
                found = true;
                break;
            }
        }
        if (!found)
            return {};
    }
    return at;
}

QString typeWords(const QJsonValue &type)
{
    QStringList names;
    const QJsonArray types = type.isArray() ? type.toArray() : QJsonArray{type};
    for (const QJsonValue &t : types) {
        const QString n = t.toString();
        if (n == u"null")
            continue;
        if (n == u"integer" || n == u"object" || n == u"array")
            names << (n == u"integer" ? QStringLiteral("an integer") : n == u"object" ? QStringLiteral("an object") : QStringLiteral("an array"));
        else
            names << QStringLiteral("a ") + n;
    }
    return names.isEmpty() ? QStringLiteral("of another type") : names.join(QStringLiteral(" or "));
}

QString numberWords(double v)
{
    return std::floor(v) == v && std::abs(v) < 1e15 ? QString::number(qint64(v)) : QString::number(v);
}

QString listWords(const QJsonArray &values)
{
    QStringList out;
    for (const QJsonValue &v : values)
        out << (v.isString() ? v.toString() : QString::fromUtf8(QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact)).mid(1).chopped(1));
    return out.join(QStringLiteral(", "));
}

using Discriminator = OneOfDiscriminator;

struct Resolution {
    QJsonObject schema;
    QList<SpecProblem> problems;   // choices that match no branch
};

// Replaces every Airbyte-style oneOf the configuration has chosen a branch of by that branch (as an
// allOf of one), so the validator reports the branch's own problems at their fields.
QJsonObject resolveOneOfs(QJsonObject schema, const QJsonValue &value, const QString &path, QList<SpecProblem> &problems)
{
    if (!value.isObject())
        return schema;
    const QJsonObject obj = value.toObject();
    const QJsonArray branches = schema.value(QLatin1String("oneOf")).toArray();
    if (!branches.isEmpty()) {
        QList<Discriminator> discriminators;
        bool allHave = true;
        for (const QJsonValue &b : branches) {
            auto d = oneOfDiscriminator(b.toObject());
            if (!d) { allHave = false; break; }
            discriminators << *d;
        }
        if (allHave) {
            qsizetype chosen = -1;
            for (qsizetype i = 0; i < discriminators.size(); ++i)
                if (obj.value(discriminators[i].key) == discriminators[i].value) { chosen = i; break; }
            if (chosen >= 0) {
                schema.remove(QLatin1String("oneOf"));
                QJsonObject branch = resolveOneOfs(branches[chosen].toObject(), value, path, problems);
                schema.insert(QLatin1String("allOf"), QJsonArray{branch});
            } else {
                QJsonArray values;
                for (const auto &d : discriminators)
                    values.append(d.value);
                const QString prop = discriminators.first().key;
                const bool sameProperty = std::all_of(discriminators.begin(), discriminators.end(),
                                                      [&](const Discriminator &d) { return d.key == prop; });
                const QString at = sameProperty ? (path.isEmpty() ? prop : path + u'.' + prop) : path;
                problems << SpecProblem{at, QStringLiteral("choose one of: ") + listWords(values)};
                schema.remove(QLatin1String("oneOf"));   // its branches would only repeat the same problem
            }
        }
    }
    QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    bool changed = false;
    for (auto it = props.begin(); it != props.end(); ++it) {
        if (!obj.contains(it.key()) || !it.value().isObject())
            continue;
        const QString sub = path.isEmpty() ? it.key() : path + u'.' + it.key();
        it.value() = resolveOneOfs(it.value().toObject(), obj.value(it.key()), sub, problems);
        changed = true;
    }
    if (changed)
        schema.insert(QLatin1String("properties"), props);
    return schema;
}

valijson::SchemaParser::Version versionOf(const QJsonObject &schema)
{
    const QString declared = schema.value(QLatin1String("$schema")).toString();
    if (declared.contains(QLatin1String("draft-04")))
        return valijson::SchemaParser::kDraft4;
    if (declared.contains(QLatin1String("draft-03")))
        return valijson::SchemaParser::kDraft3;
    return valijson::SchemaParser::kDraft7;
}

Result<valijson::ValidationResults> runValidator(const QJsonObject &schemaJson, const QJsonValue &instance, bool *valid)
{
    valijson::Schema schema;
    try {
        valijson::SchemaParser parser(versionOf(schemaJson));
        const QJsonValue root(schemaJson);
        valijson::adapters::QtJsonAdapter schemaAdapter(root);
        parser.populateSchema(schemaAdapter, schema);
    } catch (const std::exception &e) {
        return fail(Error::invalid(QStringLiteral("The connector specification is not a usable JSON Schema: %1")
                                       .arg(QString::fromStdString(e.what()))));
    }
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::ValidationResults results;
    valijson::adapters::QtJsonAdapter target(instance);
    try {
        *valid = validator.validate(schema, target, &results);
    } catch (const std::exception &e) {
        return fail(Error::invalid(QStringLiteral("The configuration could not be checked against the connector specification: %1")
                                       .arg(QString::fromStdString(e.what()))));
    }
    return results;
}

bool isSummary(const QString &message)
{
    return message.startsWith(QLatin1String("Failed to validate item #"))
        || message.startsWith(QLatin1String("Failed to validate against child schema #"))
        || message.startsWith(QLatin1String("Cannot validate item #"))
        || message.startsWith(QLatin1String("Failed to validate against schema associated with property"))
        || message.startsWith(QLatin1String("Failed to validate against additional properties schema"))
        || message.startsWith(QLatin1String("Failed to validate against schema associated with pattern"))
        || message.startsWith(QLatin1String("Failed to validate against any child schemas allowed by oneOf"))
        || message.startsWith(QLatin1String("Failed to validate against any schemas allowed by anyOf"));
}

SpecProblem worded(const QJsonObject &resolved, const QString &path, const QString &message)
{
    static const QRegularExpression missing(QStringLiteral("^Missing required property '(.*)'\\.$"));
    if (const auto m = missing.match(message); m.hasMatch())
        return {path.isEmpty() ? m.captured(1) : path + u'.' + m.captured(1), QStringLiteral("required")};
    const QJsonObject at = schemaAt(resolved, path);
    if (message.startsWith(QLatin1String("Value type not permitted")))
        return {path, QStringLiteral("must be ") + typeWords(at.value(QLatin1String("type")))};
    if (message.startsWith(QLatin1String("Failed to match against any enum values")))
        return {path, QStringLiteral("must be one of: ") + listWords(at.value(QLatin1String("enum")).toArray())};
    if (message.startsWith(QLatin1String("Failed to match expected value set by 'const'")))
        return {path, QStringLiteral("must be ") + listWords(QJsonArray{at.value(QLatin1String("const"))})};
    if (message.startsWith(QLatin1String("Failed to match regex"))) {
        const QString hint = at.value(QLatin1String("pattern_descriptor")).toString();
        return {path, hint.isEmpty() ? QStringLiteral("does not match the pattern %1").arg(at.value(QLatin1String("pattern")).toString())
                                     : QStringLiteral("must look like %1").arg(hint)};
    }
    if (message.startsWith(QLatin1String("Expected number greater than or equal to")))
        return {path, QStringLiteral("must be at least ") + numberWords(at.value(QLatin1String("minimum")).toDouble())};
    if (message.startsWith(QLatin1String("Expected number less than or equal to")))
        return {path, QStringLiteral("must be at most ") + numberWords(at.value(QLatin1String("maximum")).toDouble())};
    if (message.startsWith(QLatin1String("String should be no fewer than")))
        return {path, at.value(QLatin1String("minLength")).toInt() == 1 ? QStringLiteral("must not be empty")
                                                                       : QStringLiteral("must have at least %1 characters").arg(at.value(QLatin1String("minLength")).toInt())};
    if (message.startsWith(QLatin1String("String should be no more than")))
        return {path, QStringLiteral("must have at most %1 characters").arg(at.value(QLatin1String("maxLength")).toInt())};
    if (message.startsWith(QLatin1String("Array should contain no fewer than")))
        return {path, QStringLiteral("needs at least %1 entries").arg(at.value(QLatin1String("minItems")).toInt())};
    QString text = message;
    if (text.endsWith(u'.'))
        text.chop(1);
    if (!text.isEmpty())
        text[0] = text[0].toLower();
    return {path, text};
}

} // namespace

std::optional<OneOfDiscriminator> oneOfDiscriminator(const QJsonObject &branch)
{
    const QJsonObject props = branch.value(QLatin1String("properties")).toObject();
    for (auto it = props.begin(); it != props.end(); ++it) {
        const QJsonObject p = it.value().toObject();
        if (p.contains(QLatin1String("const")))
            return OneOfDiscriminator{it.key(), p.value(QLatin1String("const"))};
        const QJsonArray e = p.value(QLatin1String("enum")).toArray();
        if (e.size() == 1)
            return OneOfDiscriminator{it.key(), e.first()};
    }
    return std::nullopt;
}

Result<ConnectorSpec> ConnectorSpec::parse(const QByteArray &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text, &error);
    QJsonObject root;
    if (error.error == QJsonParseError::NoError && doc.isObject()) {
        root = doc.object();
    } else {
        try {
            const YAML::Node node = YAML::Load(text.toStdString());
            const QJsonValue v = yamlToJson(node);
            if (!v.isObject())
                return fail(Error::invalid(QStringLiteral("The connector specification is neither a JSON object nor a YAML mapping "
                                                          "(JSON: %1 at offset %2).").arg(error.errorString()).arg(error.offset)));
            root = v.toObject();
        } catch (const YAML::Exception &e) {
            return fail(Error::invalid(QStringLiteral("The connector specification is neither JSON (%1 at offset %2) nor YAML "
                                                      "(line %3: %4).")
                                           .arg(error.errorString()).arg(error.offset).arg(e.mark.line + 1)
                                           .arg(QString::fromStdString(e.msg))));
        }
    }
    if (auto spec = specIn(root))
        return *spec;
    return fail(Error::invalid(QStringLiteral("No configuration schema found: a connector specification has "
                                              "`connectionSpecification` (spec.json, the server's answer) or "
                                              "`spec.connection_specification` (a manifest).")));
}

Result<ConnectorSpec> ConnectorSpec::fromFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(Error::notFound(QStringLiteral("Cannot read %1: %2").arg(path, file.errorString())));
    auto spec = parse(file.readAll());
    if (!spec)
        return fail(Error::invalid(path + QStringLiteral(": ") + spec.error().message));
    return spec;
}

Result<bool> validatesAgainst(const QJsonObject &schema, const QJsonValue &instance)
{
    bool valid = false;
    auto results = runValidator(schema, instance, &valid);
    if (!results)
        return fail(results.error());
    return valid;
}

Result<QList<SpecProblem>> validateConfig(const QJsonObject &schema, const QJsonValue &config)
{
    QList<SpecProblem> problems;
    const QJsonObject resolved = resolveOneOfs(schema, config, QString(), problems);
    bool valid = false;
    auto results = runValidator(resolved, config, &valid);
    if (!results)
        return fail(results.error());
    QList<std::pair<QString, QString>> raw;
    valijson::ValidationResults::Error e;
    while (results->popError(e))
        raw.append({pathOf(e.context), QString::fromStdString(e.description)});
    for (const auto &[path, message] : raw) {
        if (isSummary(message)) {
            const QString prefix = path.isEmpty() ? QString() : path + u'.';
            const auto within = [&](const QString &other) { return other == path || prefix.isEmpty() || other.startsWith(prefix); };
            const bool explained
                = std::any_of(raw.begin(), raw.end(), [&](const auto &o) { return !isSummary(o.second) && within(o.first); })
               || std::any_of(problems.begin(), problems.end(), [&](const SpecProblem &p) { return within(p.path); });
            if (explained)
                continue;
        }
        problems << worded(resolved, path, message);
    }
    std::sort(problems.begin(), problems.end(), [](const SpecProblem &a, const SpecProblem &b) {
        return a.path != b.path ? a.path < b.path : a.message < b.message;
    });
    problems.erase(std::unique(problems.begin(), problems.end()), problems.end());
    return problems;
}

} // namespace sluice
