#pragma once

#include "airbyte/synccatalog.h"
#include "core/error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace sluice {

// One stream of a connection, named as Airbyte's StreamDescriptor names it: its name and, when the
// source has one, its namespace (schema).
struct StreamRef {
    QString name;
    QString ns;

    // "public.orders" or "orders" (as CatalogStream::displayName()).
    [[nodiscard]] QString displayName() const { return ns.isEmpty() ? name : ns + QLatin1Char('.') + name; }
    bool operator==(const StreamRef &) const = default;
};

// The `streams` option of the airbyte-reset and airbyte-clear tasks: which streams the job drops. The
// text is a JSON array of {"name": ..., "namespace": ...} objects (namespace optional); a bare string
// item is a stream name without namespace. Refused, with the reason: not JSON, not an array, an empty
// array, an item without a name, a stream given twice.
[[nodiscard]] Result<QList<StreamRef>> parseStreamRefs(const QString &text);
// The option text for `streams` (compact JSON, in the given order); parseStreamRefs reads it back equal.
[[nodiscard]] QString streamRefsText(const QList<StreamRef> &streams);
// "public.users, orders".
[[nodiscard]] QString streamRefsWords(const QList<StreamRef> &streams);

// The selected streams of a connection's catalog, in its order.
[[nodiscard]] QList<StreamRef> selectedStreams(const SyncCatalog &catalog);

// What a person typed (`--stream public.users`, `--stream users`) resolved against a connection's
// streams: a word matches a stream's display name ("public.users") exactly, else its bare name when
// exactly one stream has it. An unknown or ambiguous word is refused naming the streams it could be.
[[nodiscard]] Result<QList<StreamRef>> resolveStreams(const QStringList &words, const QList<StreamRef> &streams);

} // namespace sluice
