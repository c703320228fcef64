#include "airbyte/streamrefs.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace sluice {

Result<QList<StreamRef>> parseStreamRefs(const QString &text)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    const QString example = QStringLiteral("[{\"name\": \"users\", \"namespace\": \"public\"}]");
    if (error.error != QJsonParseError::NoError)
        return fail(Error::invalid(QStringLiteral("option streams is not JSON (%1 at character %2); give a list such as %3")
                                       .arg(error.errorString()).arg(error.offset).arg(example)));
    if (!doc.isArray())
        return fail(Error::invalid(QStringLiteral("option streams must be a JSON list such as %1").arg(example)));
    const QJsonArray items = doc.array();
    if (items.isEmpty())
        return fail(Error::invalid(QStringLiteral("option streams lists no stream; leave the option out to drop every stream")));
    QList<StreamRef> out;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonValue item = items.at(i);
        StreamRef ref;
        if (item.isString()) {
            ref.name = item.toString();
        } else if (item.isObject()) {
            const QJsonObject o = item.toObject();
            ref.name = o.value(QLatin1String("name")).toString();
            ref.ns = o.value(QLatin1String("namespace")).toString();
        }
        if (ref.name.isEmpty())
            return fail(Error::invalid(QStringLiteral("option streams: item %1 has no stream name; each item is {\"name\": ..., \"namespace\": ...}")
                                           .arg(i + 1)));
        if (out.contains(ref))
            return fail(Error::invalid(QStringLiteral("option streams names %1 twice").arg(ref.displayName())));
        out.append(std::move(ref));
    }
    return out;
}

QString streamRefsText(const QList<StreamRef> &streams)
{
    QJsonArray items;
    for (const StreamRef &s : streams) {
        QJsonObject o{{QStringLiteral("name"), s.name}};
        if (!s.ns.isEmpty())
            o.insert(QStringLiteral("namespace"), s.ns);
        items.append(o);
    }
    return QString::fromUtf8(QJsonDocument(items).toJson(QJsonDocument::Compact));
}

QString streamRefsWords(const QList<StreamRef> &streams)
{
    QStringList words;
    for (const StreamRef &s : streams)
        words.append(s.displayName());
    return words.join(QStringLiteral(", "));
}

QList<StreamRef> selectedStreams(const SyncCatalog &catalog)
{
    QList<StreamRef> out;
    for (const CatalogStream &s : catalog.streams)
        if (s.selected)
            out.append({s.name, s.ns});
    return out;
}

Result<QList<StreamRef>> resolveStreams(const QStringList &words, const QList<StreamRef> &streams)
{
    QList<StreamRef> out;
    const QString known = streams.isEmpty() ? QStringLiteral("it has none") : QStringLiteral("it has %1").arg(streamRefsWords(streams));
    for (const QString &word : words) {
        QList<StreamRef> matches;
        for (const StreamRef &s : streams)
            if (s.displayName() == word)
                matches.append(s);
        if (matches.isEmpty())
            for (const StreamRef &s : streams)
                if (s.name == word)
                    matches.append(s);
        if (matches.isEmpty())
            return fail(Error::invalid(QStringLiteral("the connection syncs no stream \"%1\"; %2").arg(word, known)));
        if (matches.size() > 1)
            return fail(Error::invalid(QStringLiteral("\"%1\" could be %2; give the namespace too").arg(word, streamRefsWords(matches))));
        if (!out.contains(matches.first()))
            out.append(matches.first());
    }
    return out;
}

} // namespace sluice
