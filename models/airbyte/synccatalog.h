#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

// An Airbyte connection's catalog (AirbyteCatalog: streams, each an AirbyteStream and its
// AirbyteStreamConfiguration), as sources/discover_schema returns it and connections/create|update
// take it as syncCatalog. Reading is tolerant (missing fields read as empty); writing sends each
// stream back whole (`raw`) with the configuration the user chose, so fields Sluice does not know
// (mappers, selectedFields, generation ids) survive an edit.
struct CatalogStream {
    QString name;
    QString ns;                             // the source's namespace (schema), may be empty
    QJsonObject jsonSchema;
    QStringList supportedSyncModes;         // full_refresh, incremental
    bool sourceDefinedCursor = false;
    QStringList defaultCursorField;
    QList<QStringList> sourceDefinedPrimaryKey;
    // The configuration.
    bool selected = false;
    QString syncMode = QStringLiteral("full_refresh");           // full_refresh | incremental
    QString destinationSyncMode = QStringLiteral("overwrite");   // overwrite | append | append_dedup | overwrite_dedup
    QStringList cursorField;
    QList<QStringList> primaryKey;
    QJsonObject raw;                        // the whole AirbyteStreamAndConfiguration as read

    // "public.orders" or "orders".
    [[nodiscard]] QString displayName() const { return ns.isEmpty() ? name : ns + QLatin1Char('.') + name; }
    // The top-level fields of the stream's JSON schema with their types ("integer", "string|null"), by
    // name (QJsonObject keeps no other order).
    [[nodiscard]] QList<std::pair<QString, QString>> fields() const;
    // The user's choice in one word: "full_refresh_overwrite", "full_refresh_append",
    // "incremental_append", "incremental_append_dedup"; and setting it (false when the stream does not
    // support it).
    [[nodiscard]] QString mode() const;
    bool setMode(const QString &mode);
    [[nodiscard]] QStringList supportedModes() const;
    // What keeps the configuration from being saved, in words ("incremental needs a cursor field"); empty
    // when nothing (or when the stream is not selected).
    [[nodiscard]] QString problem() const;
    // Whether the mode needs the user's cursor field / primary key (the source does not define it).
    [[nodiscard]] bool needsCursor() const { return syncMode == QLatin1String("incremental") && !sourceDefinedCursor; }
    [[nodiscard]] bool needsPrimaryKey() const
    {
        return destinationSyncMode.endsWith(QLatin1String("_dedup")) && sourceDefinedPrimaryKey.isEmpty();
    }
};

struct SyncCatalog {
    QList<CatalogStream> streams;

    [[nodiscard]] static SyncCatalog fromJson(const QJsonObject &catalog);   // {"streams": [...]}
    [[nodiscard]] QJsonObject toJson() const;
    [[nodiscard]] int selectedCount() const;
};

// What changed between a connection's catalog and the source's catalog discovered again.
struct SchemaChange {
    enum class Kind { StreamAdded, StreamRemoved, FieldAdded, FieldRemoved, FieldTypeChanged };
    Kind kind;
    QString stream;     // display name
    QString field;      // empty for stream changes
    QString before;     // the old type (FieldTypeChanged, FieldRemoved)
    QString after;      // the new type (FieldTypeChanged, FieldAdded)

    [[nodiscard]] QString toString() const;   // "orders: field discount added (number)"
    friend bool operator==(const SchemaChange &, const SchemaChange &) = default;
};

// Streams are matched by namespace and name, fields by name; changes come in the discovered streams'
// order, fields by name (a stream's removed fields after its others; removed streams last).
[[nodiscard]] QList<SchemaChange> diffCatalogs(const SyncCatalog &current, const SyncCatalog &discovered);

// The discovered catalog with the current configuration carried over: streams in both keep their
// selection, mode, cursor and primary key (a cursor or key field that disappeared is dropped); new
// streams come unselected; removed streams are gone.
[[nodiscard]] SyncCatalog mergeDiscovered(const SyncCatalog &current, const SyncCatalog &discovered);

} // namespace sluice
