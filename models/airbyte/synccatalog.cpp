#include "airbyte/synccatalog.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>
#include <QJsonArray>

namespace sluice {

namespace {

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

QList<QStringList> paths(const QJsonValue &v)
{
    QList<QStringList> out;
    for (const QJsonValue &p : v.toArray())
        out.append(strings(p));
    return out;
}

QJsonArray toArray(const QStringList &l) { return QJsonArray::fromStringList(l); }

QJsonArray toArray(const QList<QStringList> &l)
{
    QJsonArray out;
    for (const QStringList &p : l)
        out.append(toArray(p));
    return out;
}

QString typeOf(const QJsonObject &property)
{
    const QJsonValue t = property.value(QLatin1String("type"));
    if (t.isArray())
        return strings(t).join(QLatin1Char('|'));
    if (t.isString())
        return t.toString();
    if (property.contains(QLatin1String("anyOf")) || property.contains(QLatin1String("oneOf")))
        return QStringLiteral("union");
    return QStringLiteral("any");
}

QString key(const CatalogStream &s) { return s.ns + QLatin1Char('\x1f') + s.name; }

QString tr(const char *text) { return QCoreApplication::translate("SyncCatalog", text); }

} // namespace

QList<std::pair<QString, QString>> CatalogStream::fields() const
{
    QList<std::pair<QString, QString>> out;
    const QJsonObject properties = jsonSchema.value(QLatin1String("properties")).toObject();
    for (auto it = properties.begin(); it != properties.end(); ++it)
        out.append({it.key(), typeOf(it.value().toObject())});
    return out;
}

QString CatalogStream::mode() const
{
    if (syncMode == QLatin1String("incremental"))
        return destinationSyncMode.endsWith(QLatin1String("_dedup")) ? QStringLiteral("incremental_append_dedup") : QStringLiteral("incremental_append");
    return destinationSyncMode == QLatin1String("append") ? QStringLiteral("full_refresh_append") : QStringLiteral("full_refresh_overwrite");
}

QStringList CatalogStream::supportedModes() const
{
    QStringList out;
    const bool full = supportedSyncModes.isEmpty() || supportedSyncModes.contains(QLatin1String("full_refresh"));
    if (full)
        out << QStringLiteral("full_refresh_overwrite") << QStringLiteral("full_refresh_append");
    if (supportedSyncModes.contains(QLatin1String("incremental")))
        out << QStringLiteral("incremental_append") << QStringLiteral("incremental_append_dedup");
    return out;
}

bool CatalogStream::setMode(const QString &m)
{
    if (!supportedModes().contains(m))
        return false;
    syncMode = m.startsWith(QLatin1String("incremental")) ? QStringLiteral("incremental") : QStringLiteral("full_refresh");
    destinationSyncMode = m.endsWith(QLatin1String("_dedup"))   ? QStringLiteral("append_dedup")
                        : m.endsWith(QLatin1String("_append")) ? QStringLiteral("append")
                                                                : QStringLiteral("overwrite");
    if (syncMode == QLatin1String("incremental") && cursorField.isEmpty() && !defaultCursorField.isEmpty())
        cursorField = defaultCursorField;
    if (destinationSyncMode.endsWith(QLatin1String("_dedup")) && primaryKey.isEmpty())
        primaryKey = sourceDefinedPrimaryKey;
    return true;
}

QString CatalogStream::problem() const
{
    if (!selected)
        return {};
    const auto has = [this](const QString &field) {
        const auto f = fields();
        return f.isEmpty() || std::any_of(f.cbegin(), f.cend(), [&](const auto &p) { return p.first == field; });
    };
    if (needsCursor() && cursorField.isEmpty())
        return tr("incremental needs a cursor field");
    if (needsCursor() && !has(cursorField.value(0)))
        return tr("the cursor field %1 is not a field of the stream").arg(cursorField.join(QLatin1Char('.')));
    if (needsPrimaryKey() && primaryKey.isEmpty())
        return tr("deduplication needs a primary key");
    if (needsPrimaryKey())
        for (const QStringList &k : primaryKey)
            if (!has(k.value(0)))
                return tr("the primary key field %1 is not a field of the stream").arg(k.join(QLatin1Char('.')));
    return {};
}

SyncCatalog SyncCatalog::fromJson(const QJsonObject &catalog)
{
    SyncCatalog out;
    for (const QJsonValue &v : catalog.value(QLatin1String("streams")).toArray()) {
        const QJsonObject entry = v.toObject();
        const QJsonObject stream = entry.value(QLatin1String("stream")).toObject();
        const QJsonObject config = entry.value(QLatin1String("config")).toObject();
        CatalogStream s;
        s.raw = entry;
        s.name = stream.value(QLatin1String("name")).toString();
        s.ns = stream.value(QLatin1String("namespace")).toString();
        s.jsonSchema = stream.value(QLatin1String("jsonSchema")).toObject();
        if (s.jsonSchema.isEmpty())
            s.jsonSchema = stream.value(QLatin1String("json_schema")).toObject();
        s.supportedSyncModes = strings(stream.value(QLatin1String("supportedSyncModes")));
        s.sourceDefinedCursor = stream.value(QLatin1String("sourceDefinedCursor")).toBool();
        s.defaultCursorField = strings(stream.value(QLatin1String("defaultCursorField")));
        s.sourceDefinedPrimaryKey = paths(stream.value(QLatin1String("sourceDefinedPrimaryKey")));
        s.selected = config.value(QLatin1String("selected")).toBool(false);
        if (const QString m = config.value(QLatin1String("syncMode")).toString(); !m.isEmpty())
            s.syncMode = m;
        if (const QString m = config.value(QLatin1String("destinationSyncMode")).toString(); !m.isEmpty())
            s.destinationSyncMode = m;
        s.cursorField = strings(config.value(QLatin1String("cursorField")));
        s.primaryKey = paths(config.value(QLatin1String("primaryKey")));
        out.streams.append(std::move(s));
    }
    return out;
}

QJsonObject SyncCatalog::toJson() const
{
    QJsonArray streams;
    for (const CatalogStream &s : this->streams) {
        QJsonObject entry = s.raw;
        QJsonObject config = entry.value(QLatin1String("config")).toObject();
        config.insert(QStringLiteral("selected"), s.selected);
        config.insert(QStringLiteral("syncMode"), s.syncMode);
        config.insert(QStringLiteral("destinationSyncMode"), s.destinationSyncMode);
        config.insert(QStringLiteral("cursorField"), toArray(s.cursorField));
        config.insert(QStringLiteral("primaryKey"), toArray(s.primaryKey));
        entry.insert(QStringLiteral("config"), config);
        streams.append(entry);
    }
    return {{QStringLiteral("streams"), streams}};
}

int SyncCatalog::selectedCount() const
{
    return int(std::count_if(streams.cbegin(), streams.cend(), [](const CatalogStream &s) { return s.selected; }));
}

QString SchemaChange::toString() const
{
    switch (kind) {
    case Kind::StreamAdded: return tr("stream %1 added").arg(stream);
    case Kind::StreamRemoved: return tr("stream %1 removed").arg(stream);
    case Kind::FieldAdded: return tr("%1: field %2 added (%3)").arg(stream, field, after);
    case Kind::FieldRemoved: return tr("%1: field %2 removed").arg(stream, field);
    case Kind::FieldTypeChanged: return tr("%1: field %2 changed type from %3 to %4").arg(stream, field, before, after);
    }
    return {};
}

QList<SchemaChange> diffCatalogs(const SyncCatalog &current, const SyncCatalog &discovered)
{
    QHash<QString, const CatalogStream *> before;
    for (const CatalogStream &s : current.streams)
        before.insert(key(s), &s);
    QList<SchemaChange> out;
    QSet<QString> seen;
    for (const CatalogStream &s : discovered.streams) {
        seen.insert(key(s));
        const CatalogStream *old = before.value(key(s));
        if (!old) {
            out.append({SchemaChange::Kind::StreamAdded, s.displayName(), {}, {}, {}});
            continue;
        }
        QHash<QString, QString> oldFields;
        for (const auto &[name, type] : old->fields())
            oldFields.insert(name, type);
        QSet<QString> fieldsSeen;
        for (const auto &[name, type] : s.fields()) {
            fieldsSeen.insert(name);
            if (!oldFields.contains(name))
                out.append({SchemaChange::Kind::FieldAdded, s.displayName(), name, {}, type});
            else if (oldFields.value(name) != type)
                out.append({SchemaChange::Kind::FieldTypeChanged, s.displayName(), name, oldFields.value(name), type});
        }
        for (const auto &[name, type] : old->fields())
            if (!fieldsSeen.contains(name))
                out.append({SchemaChange::Kind::FieldRemoved, s.displayName(), name, type, {}});
    }
    for (const CatalogStream &s : current.streams)
        if (!seen.contains(key(s)))
            out.append({SchemaChange::Kind::StreamRemoved, s.displayName(), {}, {}, {}});
    return out;
}

SyncCatalog mergeDiscovered(const SyncCatalog &current, const SyncCatalog &discovered)
{
    QHash<QString, const CatalogStream *> before;
    for (const CatalogStream &s : current.streams)
        before.insert(key(s), &s);
    SyncCatalog out = discovered;
    for (CatalogStream &s : out.streams) {
        const CatalogStream *old = before.value(key(s));
        if (!old) {
            s.selected = false;
            continue;
        }
        QSet<QString> names;
        for (const auto &f : s.fields())
            names.insert(f.first);
        const auto present = [&](const QStringList &path) { return names.isEmpty() || (!path.isEmpty() && names.contains(path.first())); };
        s.selected = old->selected;
        s.syncMode = old->syncMode;
        s.destinationSyncMode = old->destinationSyncMode;
        s.cursorField = present(old->cursorField) ? old->cursorField : QStringList();
        s.primaryKey.clear();
        for (const QStringList &k : old->primaryKey)
            if (present(k))
                s.primaryKey.append(k);
        if (!s.supportedModes().contains(s.mode()))
            s.setMode(s.supportedModes().value(0));
    }
    return out;
}

} // namespace sluice
