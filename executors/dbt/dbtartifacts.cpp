#include "dbtartifacts.h"

#include "artifactsupport.h"
#include "simdjsonutil.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace sluice {

using namespace sluice::json;

namespace detail {

// "https://schemas.getdbt.com/dbt/manifest/v12.json" → {"manifest", 12}.
struct SchemaId { QString kind; int version = 0; };

SchemaId schemaOf(const QString &url)
{
    static const QRegularExpression re(QStringLiteral("/dbt/([a-z-]+)/v(\\d+)(?:\\.json)?$"));
    const auto m = re.match(url);
    if (!m.hasMatch())
        return {};
    return {m.captured(1), m.captured(2).toInt()};
}

QString describeJsonError(simdjson::error_code code)
{
    switch (code) {
    case simdjson::UTF8_ERROR:
        return QStringLiteral("it is not valid UTF-8");
    case simdjson::MEMALLOC:
    case simdjson::CAPACITY:
        return QStringLiteral("it is too large to read");
    default:
        return QStringLiteral("it is truncated or not valid JSON (%1)").arg(QString::fromUtf8(simdjson::error_message(code)));
    }
}

Result<int> checkSchema(const QString &url, const QString &dbtVersion, const QString &origin, const QString &kind,
                        int minVersion, int maxVersion)
{
    const SchemaId id = schemaOf(url);
    if (id.kind.isEmpty())
        return fail(Error::invalid(QStringLiteral("%1 is not a dbt %2 file: metadata.dbt_schema_version is missing or unknown (\"%3\")")
                                       .arg(origin, kind, url)));
    if (id.kind != kind)
        return fail(Error::invalid(QStringLiteral("%1 is a dbt %2 file (v%3), not a %4 file").arg(origin, id.kind).arg(id.version).arg(kind)));
    if (id.version < minVersion || id.version > maxVersion)
        return fail(Error::invalid(QStringLiteral("%1 is %2 schema v%3 (dbt %4); Sluice reads v%5 to v%6: use a dbt version that writes one of those")
                                       .arg(origin, kind)
                                       .arg(id.version)
                                       .arg(dbtVersion)
                                       .arg(minVersion)
                                       .arg(maxVersion)));
    return id.version;
}

// Parses the document and checks metadata.dbt_schema_version against the expected kind and range.
Result<simdjson::dom::element> openArtifact(simdjson::dom::parser &parser, const simdjson::padded_string &text,
                                            const QString &origin, const QString &kind, int minVersion,
                                            int maxVersion, int *version)
{
    simdjson::dom::element root;
    if (auto err = parser.parse(text).get(root); err != simdjson::SUCCESS)
        return fail(Error::invalid(QStringLiteral("cannot read %1 as a dbt %2 file: %3; run dbt again to rewrite it")
                                       .arg(origin, kind, describeJsonError(err))));
    if (!root.is_object())
        return fail(Error::invalid(QStringLiteral("%1 is not a dbt %2 file: its top level is not a JSON object").arg(origin, kind)));
    simdjson::dom::element metadata;
    QString url, dbtVersion;
    if (root["metadata"].get(metadata) == simdjson::SUCCESS) {
        url = qstr(metadata, "dbt_schema_version");
        dbtVersion = qstr(metadata, "dbt_version");
    }
    auto checked = checkSchema(url, dbtVersion, origin, kind, minVersion, maxVersion);
    if (!checked)
        return fail(checked.error());
    *version = *checked;
    return root;
}

Result<simdjson::padded_string> loadFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return fail(Error::notFound(QStringLiteral("cannot open %1: %2").arg(path, f.errorString())));
    const qint64 size = f.size();
    simdjson::padded_string text(size_t(size > 0 ? size : 0));
    if (size > 0 && f.read(text.data(), size) != size)
        return fail(Error::invalid(QStringLiteral("cannot read %1: %2").arg(path, f.errorString())));
    return text;
}

} // namespace detail

using namespace detail;

Result<DbtRunResults> parseRunResults(QByteArrayView json, const QString &origin)
{
    try {
        simdjson::dom::parser parser;
        const simdjson::padded_string text(json.data(), size_t(json.size()));
        int version = 0;
        auto root = openArtifact(parser, text, origin, QStringLiteral("run-results"), kMinRunResultsVersion,
                                 kMaxRunResultsVersion, &version);
        if (!root)
            return fail(root.error());
        DbtRunResults out;
        out.schemaVersion = version;
        simdjson::dom::element metadata = (*root)["metadata"].value_unsafe();
        out.dbtVersion = qstr(metadata, "dbt_version");
        out.generatedAt = qstr(metadata, "generated_at");
        out.invocationId = qstr(metadata, "invocation_id");
        out.elapsedTime = qnum(*root, "elapsed_time");
        simdjson::dom::element args;
        if ((*root)["args"].get(args) == simdjson::SUCCESS && args.is_object())
            out.command = qstr(args, "which");

        simdjson::dom::array results;
        if ((*root)["results"].get(results) != simdjson::SUCCESS)
            return fail(Error::invalid(QStringLiteral("%1 has no \"results\" list; run dbt again to rewrite it").arg(origin)));
        for (simdjson::dom::element r : results) {
            if (!r.is_object())
                continue;
            DbtNodeResult n;
            n.uniqueId = qstr(r, "unique_id");
            n.status = qstr(r, "status");
            n.executionTime = qnum(r, "execution_time");
            n.message = qstr(r, "message");
            bool ok = false;
            const double failures = qnum(r, "failures", &ok);
            if (ok)
                n.failures = qint64(failures);
            out.results.append(std::move(n));
        }
        return out;
    } catch (const std::exception &e) {
        return fail(Error::internal(QStringLiteral("cannot read %1: %2").arg(origin, QString::fromUtf8(e.what()))));
    }
}

Result<DbtRunResults> readRunResults(const QString &path)
{
    auto text = loadFile(path);
    if (!text)
        return fail(text.error());
    return parseRunResults(QByteArrayView(text->data(), qsizetype(text->size())), path);
}

} // namespace sluice
