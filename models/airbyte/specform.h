#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace sluice {

// The form a connector specification asks for, read from its JSON Schema (no widgets here: the
// Ingest page's SpecFormWidget draws it). Generated for any connector, never written per connector.
//
// Reading rules (what Airbyte's own UI does):
// - Top-level fields are gathered into the schema's `groups` (in their order; a field's `group`
//   names one; fields without a group, or naming an unknown one, go to a first, untitled group).
// - Within a level, fields sort by `order`, then required before optional, then by key.
// - `airbyte_secret` strings are Secret fields; `multiline` strings take several lines;
//   `airbyte_hidden` fields are not shown (their defaults are still sent).
// - An object with `oneOf` whose branches are told apart by a `const` (or one-value `enum`) property
//   is a OneOf choice; that property is implied by the choice and not shown as a field.
// - Arrays of strings or numbers are lists (of checkable options when the items have an `enum`).
// - Anything else (anyOf, patternProperties, $ref, a list of types, arrays of objects, a oneOf
//   without a discriminator) is Raw: edited as JSON text, with `rawReason` saying why.
struct SpecField {
    enum class Kind { Text, Secret, Integer, Number, Boolean, Enum, List, Object, OneOf, Raw };

    struct Branch {
        QString title;
        QString discriminatorKey;     // e.g. "mode"
        QJsonValue discriminatorValue;   // e.g. "verify-ca"
        QList<SpecField> fields;      // without the discriminator
    };

    Kind kind = Kind::Text;
    QString key;            // the property name
    QString path;           // dotted from the configuration's root, as SpecProblem names it
    QString title;          // `title`, else the key in words
    QString description;    // may hold HTML links, as connector specs do
    bool required = false;
    bool multiline = false;
    bool hidden = false;
    bool alwaysShow = false;
    int order = 1 << 20;
    QString group;
    QJsonValue defaultValue;   // Undefined when the spec has none
    QJsonArray examples;
    QJsonArray options;        // Enum: the values; List: the item options (empty: free entries)
    QString itemType;          // List: "string", "integer" or "number"
    double minimum = 0, maximum = 0;
    bool hasMinimum = false, hasMaximum = false;
    QString patternDescriptor;
    QList<SpecField> children;  // Object
    QList<Branch> branches;     // OneOf
    QString rawReason;          // Raw
    QJsonObject schema;         // the field's own schema

    [[nodiscard]] bool isRaw() const { return kind == Kind::Raw; }
};

struct SpecGroup {
    QString id;
    QString title;    // empty for the untitled first group
    QList<SpecField> fields;
};

struct SpecForm {
    QString title;
    QList<SpecGroup> groups;

    [[nodiscard]] static SpecForm read(const QJsonObject &schema);
    // Every field, depth first (branches' fields included), for lookups by path.
    [[nodiscard]] QList<const SpecField *> allFields() const;
    [[nodiscard]] int rawFieldCount() const;
};

// The key in words for a field without a title: "jdbc_url_params" → "Jdbc url params".
[[nodiscard]] QString humanisedKey(const QString &key);

} // namespace sluice
