// run_results.json and manifest.json readers over every real artifact in ../shared/fixtures/dbt, each
// cross-checked field by field against an independent reading of the same file with QJsonDocument.
#include "dbt/dbtartifacts.h"

#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;

namespace {

const QString kFixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");

QStringList artifacts(const QString &fileName)
{
    QStringList out;
    QDirIterator it(kFixtures, {fileName}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        out.append(it.next());
    out.sort();
    return out;
}

QJsonObject readJson(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QByteArray readBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

QStringList strings(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &s : v.toArray())
        out.append(s.toString());
    return out;
}

} // namespace

class TestDbtArtifacts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void runResults_data()
    {
        QTest::addColumn<QString>("path");
        const QStringList paths = artifacts(QStringLiteral("run_results.json"));
        QVERIFY2(paths.size() >= 20, qPrintable(QString::number(paths.size())));
        for (const QString &p : paths)
            QTest::newRow(qPrintable(p.mid(kFixtures.size() + 1))) << p;
    }
    void runResults()
    {
        QFETCH(QString, path);
        const auto parsed = readRunResults(path);
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        const QJsonObject doc = readJson(path);
        const QJsonObject metadata = doc.value(QStringLiteral("metadata")).toObject();
        QVERIFY(metadata.value(QStringLiteral("dbt_schema_version")).toString().endsWith(QStringLiteral("/v%1.json").arg(parsed->schemaVersion)));
        QCOMPARE(parsed->dbtVersion, metadata.value(QStringLiteral("dbt_version")).toString());
        QCOMPARE(parsed->invocationId, metadata.value(QStringLiteral("invocation_id")).toString());
        QCOMPARE(parsed->command, doc.value(QStringLiteral("args")).toObject().value(QStringLiteral("which")).toString());
        QCOMPARE(parsed->elapsedTime, doc.value(QStringLiteral("elapsed_time")).toDouble());
        const QJsonArray results = doc.value(QStringLiteral("results")).toArray();
        QVERIFY(!results.isEmpty());
        QCOMPARE(parsed->results.size(), results.size());
        for (qsizetype i = 0; i < results.size(); ++i) {
            const QJsonObject r = results.at(i).toObject();
            const DbtNodeResult &n = parsed->results.at(i);
            QCOMPARE(n.uniqueId, r.value(QStringLiteral("unique_id")).toString());
            QCOMPARE(n.status, r.value(QStringLiteral("status")).toString());
            QCOMPARE(n.executionTime, r.value(QStringLiteral("execution_time")).toDouble());
            QCOMPARE(n.message, r.value(QStringLiteral("message")).toString());
            const QJsonValue failures = r.value(QStringLiteral("failures"));
            QCOMPARE(n.failures.has_value(), failures.isDouble());
            if (failures.isDouble())
                QCOMPARE(*n.failures, qint64(failures.toDouble()));
        }
    }

    void manifests_data()
    {
        QTest::addColumn<QString>("path");
        const QStringList paths = artifacts(QStringLiteral("manifest.json"));
        QVERIFY2(paths.size() >= 20, qPrintable(QString::number(paths.size())));
        for (const QString &p : paths)
            QTest::newRow(qPrintable(p.mid(kFixtures.size() + 1))) << p;
    }
    void manifests()
    {
        QFETCH(QString, path);
        const auto parsed = readManifest(path);
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        const QJsonObject doc = readJson(path);
        const QJsonObject metadata = doc.value(QStringLiteral("metadata")).toObject();
        QVERIFY(parsed->schemaVersion >= 7 && parsed->schemaVersion <= 12);
        QCOMPARE(parsed->dbtVersion, metadata.value(QStringLiteral("dbt_version")).toString());
        QCOMPARE(parsed->projectName, metadata.value(QStringLiteral("project_name")).toString());
        const QJsonObject nodes = doc.value(QStringLiteral("nodes")).toObject();
        QCOMPARE(parsed->nodes.size(), nodes.size());
        int models = 0;
        for (const DbtManifestNode &n : parsed->nodes) {
            const QJsonObject o = nodes.value(n.uniqueId).toObject();
            QVERIFY2(!o.isEmpty(), qPrintable(n.uniqueId));
            QCOMPARE(n.name, o.value(QStringLiteral("name")).toString());
            QCOMPARE(n.resourceType, o.value(QStringLiteral("resource_type")).toString());
            QCOMPARE(n.path, o.value(QStringLiteral("path")).toString());
            QCOMPARE(n.originalFilePath, o.value(QStringLiteral("original_file_path")).toString());
            QCOMPARE(n.materialization, o.value(QStringLiteral("config")).toObject().value(QStringLiteral("materialized")).toString());
            QCOMPARE(n.tags, strings(o.value(QStringLiteral("tags"))));
            QCOMPARE(n.dependsOn, strings(o.value(QStringLiteral("depends_on")).toObject().value(QStringLiteral("nodes"))));
            if (n.resourceType == QLatin1String("model")) {
                ++models;
                QVERIFY(!n.materialization.isEmpty());
                QVERIFY(n.uniqueId.startsWith(QLatin1String("model.")));
            }
        }
        QCOMPARE(parsed->models().size(), models);
        QVERIFY(models > 0);
        // parent/child maps: those of the file when present, else derived from depends_on.
        const QJsonObject parentMap = doc.value(QStringLiteral("parent_map")).toObject();
        if (!parentMap.isEmpty()) {
            QCOMPARE(parsed->parentMap.size(), parentMap.size());
            for (auto it = parentMap.begin(); it != parentMap.end(); ++it)
                QCOMPARE(parsed->parentMap.value(it.key()), strings(it.value()));
            const QJsonObject childMap = doc.value(QStringLiteral("child_map")).toObject();
            QCOMPARE(parsed->childMap.size(), childMap.size());
        }
        for (const DbtManifestNode &n : parsed->nodes)
            for (const QString &parent : n.dependsOn) {
                QVERIFY2(parsed->parentMap.value(n.uniqueId).contains(parent), qPrintable(n.uniqueId + QStringLiteral(" ← ") + parent));
                QVERIFY2(parsed->childMap.value(parent).contains(n.uniqueId), qPrintable(parent + QStringLiteral(" → ") + n.uniqueId));
            }
    }

    // A trimmed copy without parent_map/child_map gets them from depends_on.
    void derivedMaps()
    {
        QJsonObject doc = readJson(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/build/manifest.json"));
        doc.remove(QStringLiteral("parent_map"));
        doc.remove(QStringLiteral("child_map"));
        const auto parsed = parseManifest(QJsonDocument(doc).toJson(QJsonDocument::Compact), QStringLiteral("trimmed"));
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->parentMap.value(QStringLiteral("model.jaffle_shop.customers")).size(), 3);
        QVERIFY(parsed->childMap.value(QStringLiteral("model.jaffle_shop.stg_customers")).contains(QStringLiteral("model.jaffle_shop.customers")));
    }

    // Bad files end with an error naming the file (and the version where there is one).
    void badFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QStringList>("mustContain");
        const QByteArray manifest = readBytes(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/run/manifest.json"));
        const QByteArray results = readBytes(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/ok/json/run/run_results.json"));
        QVERIFY(!manifest.isEmpty() && !results.isEmpty());
        auto retag = [](QByteArray b, const char *from, const char *to) { return b.replace(from, to); };
        QTest::newRow("manifest truncated") << "manifest" << manifest.left(manifest.size() / 2) << QStringList{QStringLiteral("truncated")};
        QTest::newRow("manifest truncated by one") << "manifest" << manifest.chopped(1) << QStringList{QStringLiteral("truncated")};
        QTest::newRow("manifest empty") << "manifest" << QByteArray() << QStringList{QStringLiteral("truncated")};
        QTest::newRow("manifest v6") << "manifest" << retag(manifest, "/manifest/v12.json", "/manifest/v6.json") << QStringList{QStringLiteral("v6"), QStringLiteral("1.8.9"), QStringLiteral("v7 to v12")};
        QTest::newRow("manifest v13") << "manifest" << retag(manifest, "/manifest/v12.json", "/manifest/v13.json") << QStringList{QStringLiteral("v13")};
        QTest::newRow("manifest is run results") << "manifest" << results << QStringList{QStringLiteral("run-results"), QStringLiteral("not a manifest")};
        QTest::newRow("manifest no metadata") << "manifest" << QByteArray("{\"nodes\": {}}") << QStringList{QStringLiteral("dbt_schema_version")};
        QTest::newRow("manifest array") << "manifest" << QByteArray("[]") << QStringList{QStringLiteral("not a dbt manifest")};
        QTest::newRow("results truncated") << "run-results" << results.left(results.size() - 10) << QStringList{QStringLiteral("truncated")};
        QTest::newRow("results v7") << "run-results" << retag(results, "/run-results/v6.json", "/run-results/v7.json") << QStringList{QStringLiteral("v7"), QStringLiteral("v2 to v6")};
        QTest::newRow("results v1") << "run-results" << retag(results, "/run-results/v6.json", "/run-results/v1.json") << QStringList{QStringLiteral("v1")};
        QTest::newRow("results no list") << "run-results"
                                         << QByteArray("{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/run-results/v5.json\"}}")
                                         << QStringList{QStringLiteral("results")};
    }
    void badFiles()
    {
        QFETCH(QString, kind);
        QFETCH(QByteArray, bytes);
        QFETCH(QStringList, mustContain);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(kind == QLatin1String("manifest") ? QStringLiteral("manifest.json") : QStringLiteral("run_results.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        QString message;
        if (kind == QLatin1String("manifest")) {
            const auto r = readManifest(path);
            QVERIFY(!r);
            message = r.error().message;
        } else {
            const auto r = readRunResults(path);
            QVERIFY(!r);
            message = r.error().message;
        }
        QVERIFY2(message.contains(path), qPrintable(message));
        for (const QString &word : mustContain)
            QVERIFY2(message.contains(word), qPrintable(message));
    }

    // Cut anywhere, a manifest or run_results never parses as a valid (shorter) one.
    void truncatedAnywhere()
    {
        const QByteArray manifest = readBytes(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/failing_test/json/build/manifest.json"));
        const QByteArray results = readBytes(kFixtures + QStringLiteral("/recorded-1.8.9/artifacts/failing_test/json/build/run_results.json"));
        QVERIFY(!manifest.isEmpty() && !results.isEmpty());
        for (int i = 1; i < 200; ++i) {
            const auto m = parseManifest(manifest.left(manifest.trimmed().size() * i / 200), QStringLiteral("cut-manifest"));
            QVERIFY2(!m, qPrintable(QString::number(i)));
            QVERIFY(m.error().message.contains(QLatin1String("cut-manifest")));
            const auto r = parseRunResults(results.left(results.trimmed().size() * i / 200), QStringLiteral("cut-results"));
            QVERIFY2(!r, qPrintable(QString::number(i)));
            QVERIFY(r.error().message.contains(QLatin1String("cut-results")));
        }
    }

    void missingFile()
    {
        const auto r = readRunResults(QStringLiteral("/nonexistent/target/run_results.json"));
        QVERIFY(!r);
        QCOMPARE(r.error().kind, Error::Kind::NotFound);
        QVERIFY(r.error().message.contains(QLatin1String("/nonexistent/target/run_results.json")));
    }

    // Nulls and missing optional fields (as other dbt versions write them) read as absent.
    void toleratesNullsAndUnknownFields()
    {
        const QByteArray text =
            "{\"metadata\": {\"dbt_schema_version\": \"https://schemas.getdbt.com/dbt/run-results/v4.json\", \"future\": 1},"
            " \"results\": [{\"unique_id\": \"model.p.a\", \"status\": \"error\", \"message\": null, \"failures\": null,"
            " \"execution_time\": 1, \"timing\": [], \"adapter_response\": {}, \"new_field\": [1, 2]},"
            " {\"unique_id\": \"test.p.b\", \"status\": \"fail\", \"failures\": 7}],"
            " \"elapsed_time\": null, \"args\": null}";
        const auto r = parseRunResults(text, QStringLiteral("inline"));
        QVERIFY2(r, r ? "" : qPrintable(r.error().message));
        QCOMPARE(r->results.size(), 2);
        QVERIFY(r->results[0].message.isEmpty());
        QVERIFY(!r->results[0].failures);
        QCOMPARE(r->results[0].executionTime, 1.0);
        QCOMPARE(r->results[1].failures, std::optional<qint64>(7));
        QCOMPARE(r->results[1].executionTime, 0.0);
        QVERIFY(r->command.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDbtArtifacts)
#include "tst_dbtartifacts.moc"
