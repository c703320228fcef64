#pragma once

#include "core/error.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace sluice {

// A connector's specification: the JSON Schema its configuration must satisfy, as Airbyte's server
// returns it (SourceDefinitionSpecificationRead / DestinationDefinitionSpecificationRead, whose
// `connectionSpecification` is the schema) or as a connector ships it (`spec.json`, `spec.yaml`, or a
// manifest's `spec:` block with `connection_specification`). A bare JSON Schema is accepted too.
struct ConnectorSpec {
    QJsonObject schema;          // the configuration's JSON Schema (connectionSpecification)
    QString documentationUrl;

    // Parses JSON or YAML text (YAML when it is not a JSON object). Invalid when the text is neither,
    // or when no object schema can be found in it; the message names what was expected.
    static Result<ConnectorSpec> parse(const QByteArray &text);
    static Result<ConnectorSpec> fromFile(const QString &path);
};

// One thing wrong with a configuration, at its field. `path` is the field's dotted path from the
// configuration's root ("ssl_mode.ca_certificate", array items as "hosts.2"; empty for the whole
// configuration); `message` is short and lower-case ("required", "must be an integer", "must be one
// of: disable, require").
struct SpecProblem {
    QString path;
    QString message;

    [[nodiscard]] QString toString() const { return path.isEmpty() ? message : path + QStringLiteral(": ") + message; }
    friend bool operator==(const SpecProblem &, const SpecProblem &) = default;
};

// Validates `config` against `schema` with valijson (JSON Schema draft 7; draft 4 when the schema's
// $schema says so). An empty list means valid. Contract:
// - Airbyte's `oneOf` groups (branches told apart by a `const` or single-value `enum` property, e.g.
//   ssl_mode.mode) are judged against the branch the configuration chose, so a missing field of that
//   branch is reported at its own path rather than as "matches no branch"; a value that chooses no
//   branch is reported at the group ("ssl_mode: choose one of: disable, verify-ca").
// - Airbyte's own keywords (airbyte_secret, order, group, always_show, …) do not affect validity.
// - Problems come in a stable order (by path, then message) without duplicates.
// Invalid when the schema itself cannot be used (valijson refuses it); the message says why.
Result<QList<SpecProblem>> validateConfig(const QJsonObject &schema, const QJsonValue &config);

// What tells an Airbyte oneOf branch apart: a property with `const`, or an `enum` of one value
// (ssl_mode's {"mode": {"const": "verify-ca"}}). Empty when the branch has none. Shared by the
// validation above and the form (SpecForm), so both choose the same branch.
struct OneOfDiscriminator {
    QString key;
    QJsonValue value;
};
[[nodiscard]] std::optional<OneOfDiscriminator> oneOfDiscriminator(const QJsonObject &branch);

// The JSON Schema validator on its own, for the official test suite: true when `instance` is valid.
Result<bool> validatesAgainst(const QJsonObject &schema, const QJsonValue &instance);

} // namespace sluice
