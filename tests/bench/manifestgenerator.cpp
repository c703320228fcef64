#include "manifestgenerator.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

namespace sluice::bench {

namespace {

QJsonObject firstOf(const QJsonObject &map, const QString &resourceType, const QString &idPrefix = {})
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QJsonObject o = it.value().toObject();
        if (o.value(QStringLiteral("resource_type")).toString() == resourceType && it.key().startsWith(idPrefix))
            return o;
    }
    return {};
}

QJsonArray strings(const QStringList &l)
{
    return QJsonArray::fromStringList(l);
}

} // namespace

qint64 generateManifest(const QString &templatePath, int models, const QString &outPath, QString *error)
{
    QFile in(templatePath);
    if (!in.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot open %1").arg(templatePath);
        return -1;
    }
    const QJsonObject real = QJsonDocument::fromJson(in.readAll()).object();
    const QJsonObject nodes = real.value(QStringLiteral("nodes")).toObject();
    const QJsonObject modelT = firstOf(nodes, QStringLiteral("model"));
    const QJsonObject testT = firstOf(nodes, QStringLiteral("test"));
    const QJsonObject sourceT = firstOf(real.value(QStringLiteral("sources")).toObject(), QStringLiteral("source"));
    if (modelT.isEmpty() || testT.isEmpty() || sourceT.isEmpty()) {
        *error = QStringLiteral("%1 lacks a model, a test or a source to copy").arg(templatePath);
        return -1;
    }

    QFile out(outPath);
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        *error = QStringLiteral("cannot write %1").arg(outPath);
        return -1;
    }
    const QString pkg = QStringLiteral("bench");
    const auto compact = [](const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); };
    const auto key = [](const QString &k) { return QByteArray("\"") + k.toUtf8() + "\":"; };

    QHash<QString, QStringList> parents, children;
    const int sources = std::max(1, models / 10);
    QStringList sourceIds;
    for (int s = 0; s < sources; ++s)
        sourceIds.append(QStringLiteral("source.%1.raw.table_%2").arg(pkg).arg(s));

    QByteArray buf;
    buf.reserve(1 << 20);
    const auto flush = [&] {
        out.write(buf);
        buf.clear();
    };
    buf += "{" + key(QStringLiteral("metadata")) + compact(real.value(QStringLiteral("metadata")).toObject()) + ",";
    buf += key(QStringLiteral("nodes")) + "{";
    bool first = true;
    for (int i = 0; i < models; ++i) {
        const QString name = QStringLiteral("model_%1").arg(i);
        const QString id = QStringLiteral("model.%1.%2").arg(pkg, name);
        const QString dir = QStringLiteral("layer_%1").arg(i % 7);
        QStringList deps;
        QJsonArray refs;
        if (i < models / 10 || i == 0) {
            deps << sourceIds.at(i % sources);
        } else {
            for (int p : {i - 1, i / 2, i / 3})
                if (p >= 0 && p < i && !deps.contains(QStringLiteral("model.%1.model_%2").arg(pkg).arg(p))) {
                    deps << QStringLiteral("model.%1.model_%2").arg(pkg).arg(p);
                    refs.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("model_%1").arg(p)}, {QStringLiteral("package"), QJsonValue()}, {QStringLiteral("version"), QJsonValue()}});
                }
        }
        QJsonObject m = modelT;
        m.insert(QStringLiteral("unique_id"), id);
        m.insert(QStringLiteral("name"), name);
        m.insert(QStringLiteral("alias"), name);
        m.insert(QStringLiteral("package_name"), pkg);
        m.insert(QStringLiteral("path"), dir + QLatin1Char('/') + name + QStringLiteral(".sql"));
        m.insert(QStringLiteral("original_file_path"), QStringLiteral("models/") + dir + QLatin1Char('/') + name + QStringLiteral(".sql"));
        m.insert(QStringLiteral("fqn"), strings({pkg, dir, name}));
        m.insert(QStringLiteral("relation_name"), QStringLiteral("\"db\".\"analytics\".\"%1\"").arg(name));
        m.insert(QStringLiteral("tags"), strings({i % 3 == 0 ? QStringLiteral("daily") : QStringLiteral("hourly"), dir}));
        QJsonObject config = m.value(QStringLiteral("config")).toObject();
        config.insert(QStringLiteral("materialized"), i % 5 == 0 ? QStringLiteral("table") : (i % 5 == 1 ? QStringLiteral("incremental") : QStringLiteral("view")));
        m.insert(QStringLiteral("config"), config);
        QJsonObject dependsOn = m.value(QStringLiteral("depends_on")).toObject();
        dependsOn.insert(QStringLiteral("nodes"), strings(deps));
        m.insert(QStringLiteral("depends_on"), dependsOn);
        m.insert(QStringLiteral("refs"), refs);
        buf += (first ? "" : ",") + key(id) + compact(m);
        first = false;
        parents[id] = deps;
        for (const QString &p : std::as_const(deps))
            children[p].append(id);

        const QString testName = QStringLiteral("not_null_%1_id").arg(name);
        const QString testId = QStringLiteral("test.%1.%2.%3").arg(pkg, testName).arg(qHash(testName) % 0xfffffffff, 10, 16, QLatin1Char('0'));
        QJsonObject t = testT;
        t.insert(QStringLiteral("unique_id"), testId);
        t.insert(QStringLiteral("name"), testName);
        t.insert(QStringLiteral("alias"), testName);
        t.insert(QStringLiteral("package_name"), pkg);
        t.insert(QStringLiteral("path"), testName + QStringLiteral(".sql"));
        t.insert(QStringLiteral("original_file_path"), QStringLiteral("models/") + dir + QStringLiteral("/schema.yml"));
        t.insert(QStringLiteral("fqn"), strings({pkg, dir, testName}));
        t.insert(QStringLiteral("attached_node"), id);
        QJsonObject tDepends = t.value(QStringLiteral("depends_on")).toObject();
        tDepends.insert(QStringLiteral("nodes"), strings({id}));
        t.insert(QStringLiteral("depends_on"), tDepends);
        buf += "," + key(testId) + compact(t);
        parents[testId] = QStringList{id};
        children[id].append(testId);
        children[testId];
        if (buf.size() > (1 << 20))
            flush();
    }
    buf += "}," + key(QStringLiteral("sources")) + "{";
    for (int s = 0; s < sources; ++s) {
        QJsonObject src = sourceT;
        const QString table = QStringLiteral("table_%1").arg(s);
        src.insert(QStringLiteral("unique_id"), sourceIds.at(s));
        src.insert(QStringLiteral("name"), table);
        src.insert(QStringLiteral("identifier"), table);
        src.insert(QStringLiteral("package_name"), pkg);
        src.insert(QStringLiteral("fqn"), strings({pkg, QStringLiteral("raw"), table}));
        buf += (s ? "," : "") + key(sourceIds.at(s)) + compact(src);
        parents[sourceIds.at(s)];
        if (buf.size() > (1 << 20))
            flush();
    }
    buf += "},";
    for (const char *k : {"macros", "docs", "exposures", "metrics", "groups", "selectors", "disabled", "group_map",
                          "saved_queries", "semantic_models", "unit_tests"}) {
        const QString name = QString::fromLatin1(k);
        if (real.contains(name))
            buf += key(name) + compact(real.value(name).toObject()) + ",";
    }
    flush();
    for (const char *mapName : {"parent_map", "child_map"}) {
        const QHash<QString, QStringList> &map = QByteArray(mapName) == "parent_map" ? parents : children;
        buf += key(QString::fromLatin1(mapName)) + "{";
        bool firstEntry = true;
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            buf += (firstEntry ? "" : ",") + key(it.key()) + QJsonDocument(strings(it.value())).toJson(QJsonDocument::Compact);
            firstEntry = false;
            if (buf.size() > (1 << 20))
                flush();
        }
        buf += QByteArray(mapName) == "parent_map" ? "}," : "}";
    }
    buf += "}\n";
    flush();
    out.close();
    return out.size();
}

} // namespace sluice::bench
