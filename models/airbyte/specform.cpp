#include "airbyte/specform.h"

#include "airbyte/connectorspec.h"

#include <QSet>

#include <algorithm>
#include <optional>

namespace sluice {

namespace {

QList<SpecField> readLevel(const QJsonObject &schema, const QString &prefix, const QString &skipKey = QString());

QString typeOf(const QJsonObject &s)
{
    const QJsonValue t = s.value(QLatin1String("type"));
    if (t.isString())
        return t.toString();
    if (t.isArray()) {   // ["string", "null"] is a nullable string; other lists are Raw
        QStringList types;
        for (const QJsonValue &v : t.toArray())
            if (v.toString() != u"null")
                types << v.toString();
        return types.size() == 1 ? types.first() : QStringLiteral("<several>");
    }
    if (s.contains(QLatin1String("properties")) || s.contains(QLatin1String("oneOf")))
        return QStringLiteral("object");
    if (s.contains(QLatin1String("enum")))
        return QStringLiteral("string");
    return {};
}

void makeRaw(SpecField &f, const QString &reason)
{
    f.kind = SpecField::Kind::Raw;
    f.rawReason = reason;
    f.children.clear();
    f.branches.clear();
}

SpecField readField(const QString &key, const QJsonObject &s, const QString &prefix, bool required)
{
    SpecField f;
    f.key = key;
    f.path = prefix.isEmpty() ? key : prefix + u'.' + key;
    f.schema = s;
    f.title = s.value(QLatin1String("title")).toString();
    if (f.title.isEmpty())
        f.title = humanisedKey(key);
    f.description = s.value(QLatin1String("description")).toString();
    f.required = required;
    f.multiline = s.value(QLatin1String("multiline")).toBool();
    f.hidden = s.value(QLatin1String("airbyte_hidden")).toBool();
    f.alwaysShow = s.value(QLatin1String("always_show")).toBool();
    if (s.value(QLatin1String("order")).isDouble())
        f.order = s.value(QLatin1String("order")).toInt();
    f.group = s.value(QLatin1String("group")).toString();
    f.defaultValue = s.contains(QLatin1String("default")) ? s.value(QLatin1String("default")) : QJsonValue(QJsonValue::Undefined);
    f.examples = s.value(QLatin1String("examples")).toArray();
    f.patternDescriptor = s.value(QLatin1String("pattern_descriptor")).toString();
    if (s.value(QLatin1String("minimum")).isDouble()) {
        f.hasMinimum = true;
        f.minimum = s.value(QLatin1String("minimum")).toDouble();
    }
    if (s.value(QLatin1String("maximum")).isDouble()) {
        f.hasMaximum = true;
        f.maximum = s.value(QLatin1String("maximum")).toDouble();
    }

    for (const char *unsupported : {"anyOf", "allOf", "$ref", "patternProperties", "not", "if"}) {
        if (s.contains(QLatin1String(unsupported))) {
            makeRaw(f, QStringLiteral("uses %1").arg(QLatin1String(unsupported)));
            return f;
        }
    }
    const QString type = typeOf(s);
    if (type == u"<several>") {
        makeRaw(f, QStringLiteral("allows several types"));
        return f;
    }
    if (type == u"string") {
        if (s.value(QLatin1String("enum")).isArray() && !s.value(QLatin1String("enum")).toArray().isEmpty()) {
            f.kind = SpecField::Kind::Enum;
            f.options = s.value(QLatin1String("enum")).toArray();
        } else {
            f.kind = s.value(QLatin1String("airbyte_secret")).toBool() ? SpecField::Kind::Secret : SpecField::Kind::Text;
        }
        return f;
    }
    if (type == u"integer" || type == u"number") {
        f.kind = type == u"integer" ? SpecField::Kind::Integer : SpecField::Kind::Number;
        if (s.value(QLatin1String("enum")).isArray()) {
            f.kind = SpecField::Kind::Enum;
            f.options = s.value(QLatin1String("enum")).toArray();
        }
        return f;
    }
    if (type == u"boolean") {
        f.kind = SpecField::Kind::Boolean;
        return f;
    }
    if (type == u"array") {
        const QJsonObject items = s.value(QLatin1String("items")).toObject();
        const QString itemType = typeOf(items);
        if (itemType == u"string" || itemType == u"integer" || itemType == u"number") {
            f.kind = SpecField::Kind::List;
            f.itemType = itemType;
            f.options = items.value(QLatin1String("enum")).toArray();
        } else {
            makeRaw(f, itemType == u"object" ? QStringLiteral("is a list of objects") : QStringLiteral("is a list of another kind"));
        }
        return f;
    }
    if (type == u"object") {
        const QJsonArray oneOf = s.value(QLatin1String("oneOf")).toArray();
        if (!oneOf.isEmpty()) {
            f.kind = SpecField::Kind::OneOf;
            for (const QJsonValue &b : oneOf) {
                const QJsonObject branch = b.toObject();
                auto d = oneOfDiscriminator(branch);
                if (!d) {
                    makeRaw(f, QStringLiteral("has a choice whose options cannot be told apart"));
                    return f;
                }
                SpecField::Branch br;
                br.title = branch.value(QLatin1String("title")).toString();
                if (br.title.isEmpty())
                    br.title = d->value.toVariant().toString();
                br.discriminatorKey = d->key;
                br.discriminatorValue = d->value;
                br.fields = readLevel(branch, f.path, d->key);
                f.branches << br;
            }
            return f;
        }
        if (s.value(QLatin1String("properties")).toObject().isEmpty()) {
            makeRaw(f, QStringLiteral("is an object without named fields"));
            return f;
        }
        f.kind = SpecField::Kind::Object;
        f.children = readLevel(s, f.path);
        return f;
    }
    makeRaw(f, type.isEmpty() ? QStringLiteral("has no type") : QStringLiteral("has the type %1").arg(type));
    return f;
}

QList<SpecField> readLevel(const QJsonObject &schema, const QString &prefix, const QString &skipKey)
{
    QSet<QString> required;
    for (const QJsonValue &r : schema.value(QLatin1String("required")).toArray())
        required.insert(r.toString());
    QList<SpecField> fields;
    const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    for (auto it = props.begin(); it != props.end(); ++it) {
        if (it.key() == skipKey)
            continue;
        fields << readField(it.key(), it.value().toObject(), prefix, required.contains(it.key()));
    }
    std::stable_sort(fields.begin(), fields.end(), [](const SpecField &a, const SpecField &b) {
        if (a.order != b.order)
            return a.order < b.order;
        if (a.required != b.required)
            return a.required;
        return a.key < b.key;
    });
    return fields;
}

void collect(const QList<SpecField> &fields, QList<const SpecField *> &out)
{
    for (const SpecField &f : fields) {
        out << &f;
        collect(f.children, out);
        for (const SpecField::Branch &b : f.branches)
            collect(b.fields, out);
    }
}

} // namespace

QString humanisedKey(const QString &key)
{
    QString words = key;
    words.replace(u'_', u' ').replace(u'-', u' ');
    if (!words.isEmpty())
        words[0] = words[0].toUpper();
    return words;
}

SpecForm SpecForm::read(const QJsonObject &schema)
{
    SpecForm form;
    form.title = schema.value(QLatin1String("title")).toString();
    const QList<SpecField> fields = readLevel(schema, QString());
    form.groups << SpecGroup{};
    for (const QJsonValue &g : schema.value(QLatin1String("groups")).toArray()) {
        const QJsonObject group = g.toObject();
        form.groups << SpecGroup{group.value(QLatin1String("id")).toString(), group.value(QLatin1String("title")).toString(), {}};
    }
    for (const SpecField &f : fields) {
        auto it = std::find_if(form.groups.begin() + 1, form.groups.end(), [&](const SpecGroup &g) { return !f.group.isEmpty() && g.id == f.group; });
        (it == form.groups.end() ? form.groups.first() : *it).fields << f;
    }
    form.groups.erase(std::remove_if(form.groups.begin(), form.groups.end(), [](const SpecGroup &g) { return g.fields.isEmpty(); }),
                      form.groups.end());
    return form;
}

QList<const SpecField *> SpecForm::allFields() const
{
    QList<const SpecField *> out;
    for (const SpecGroup &g : groups)
        collect(g.fields, out);
    return out;
}

int SpecForm::rawFieldCount() const
{
    const auto all = allFields();
    return int(std::count_if(all.begin(), all.end(), [](const SpecField *f) { return f->isRaw(); }));
}

} // namespace sluice
