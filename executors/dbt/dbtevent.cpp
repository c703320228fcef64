#include "dbtevent.h"

#include "simdjsonutil.h"

#include <cstring>
#include <vector>

namespace sluice {

using namespace sluice::json;

QString toString(DbtEventKind kind)
{
    switch (kind) {
    case DbtEventKind::Plain: return QStringLiteral("plain");
    case DbtEventKind::Generic: return QStringLiteral("generic");
    case DbtEventKind::LogStartLine: return QStringLiteral("LogStartLine");
    case DbtEventKind::LogModelResult: return QStringLiteral("LogModelResult");
    case DbtEventKind::LogTestResult: return QStringLiteral("LogTestResult");
    case DbtEventKind::LogSeedResult: return QStringLiteral("LogSeedResult");
    case DbtEventKind::LogSnapshotResult: return QStringLiteral("LogSnapshotResult");
    case DbtEventKind::SkippingDetails: return QStringLiteral("SkippingDetails");
    case DbtEventKind::EndOfRunSummary: return QStringLiteral("EndOfRunSummary");
    case DbtEventKind::StatsLine: return QStringLiteral("StatsLine");
    case DbtEventKind::CommandCompleted: return QStringLiteral("CommandCompleted");
    case DbtEventKind::MainEncounteredError: return QStringLiteral("MainEncounteredError");
    }
    return {};
}

bool DbtEvent::isNodeResult() const
{
    switch (kind) {
    case DbtEventKind::LogModelResult:
    case DbtEventKind::LogTestResult:
    case DbtEventKind::LogSeedResult:
    case DbtEventKind::LogSnapshotResult:
    case DbtEventKind::SkippingDetails:
        return true;
    default:
        return false;
    }
}

namespace {

// Removes ANSI escape sequences (ESC [ ... letter): dbt colours its messages unless told not to.
QString stripAnsi(std::string_view s)
{
    if (s.find('\x1b') == std::string_view::npos)
        return QString::fromUtf8(s.data(), qsizetype(s.size()));
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\x1b' && i + 1 < s.size() && s[i + 1] == '[') {
            size_t j = i + 2;
            while (j < s.size() && !((s[j] >= '@' && s[j] <= '~')))
                ++j;
            i = j; // skips the final letter too
            continue;
        }
        out.push_back(s[i]);
    }
    return QString::fromStdString(out);
}

struct KindName { std::string_view name; DbtEventKind kind; };
constexpr KindName kKinds[] = {
    {"LogStartLine", DbtEventKind::LogStartLine},
    {"LogModelResult", DbtEventKind::LogModelResult},
    {"LogTestResult", DbtEventKind::LogTestResult},
    {"LogSeedResult", DbtEventKind::LogSeedResult},
    {"LogSnapshotResult", DbtEventKind::LogSnapshotResult},
    {"SkippingDetails", DbtEventKind::SkippingDetails},
    {"EndOfRunSummary", DbtEventKind::EndOfRunSummary},
    {"StatsLine", DbtEventKind::StatsLine},
    {"CommandCompleted", DbtEventKind::CommandCompleted},
    {"MainEncounteredError", DbtEventKind::MainEncounteredError},
};

DbtEventKind kindOf(std::string_view name)
{
    for (const KindName &k : kKinds)
        if (k.name == name)
            return k.kind;
    return DbtEventKind::Generic;
}

void readNode(const simdjson::dom::element &data, DbtNodeInfo &node)
{
    simdjson::dom::element info;
    if (data["node_info"].get(info) == simdjson::SUCCESS && info.is_object()) {
        node.uniqueId = qstr(info, "unique_id");
        node.name = qstr(info, "node_name");
        node.resourceType = qstr(info, "resource_type");
        node.materialized = qstr(info, "materialized");
        node.path = qstr(info, "node_path");
        node.nodeStatus = qstr(info, "node_status");
    }
    if (node.name.isEmpty())
        node.name = qstr(data, "node_name");
    if (node.resourceType.isEmpty())
        node.resourceType = qstr(data, "resource_type");
}

} // namespace

struct DbtEventParser::Impl {
    simdjson::dom::parser parser;
    std::vector<char> buffer; // the line plus simdjson's padding
};

DbtEventParser::DbtEventParser() : d(std::make_unique<Impl>()) {}
DbtEventParser::~DbtEventParser() = default;

DbtEvent DbtEventParser::parse(const QString &line)
{
    return parse(QByteArrayView(line.toUtf8()));
}

DbtEvent DbtEventParser::parse(QByteArrayView line)
{
    DbtEvent e;
    const auto plain = [&] {
        e = DbtEvent{};
        e.text = QString::fromUtf8(line);
        return e;
    };
    qsizetype start = 0;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t'))
        ++start;
    if (start >= line.size() || line[start] != '{')
        return plain();

    const size_t len = size_t(line.size());
    if (d->buffer.size() < len + simdjson::SIMDJSON_PADDING)
        d->buffer.resize(len + simdjson::SIMDJSON_PADDING);
    std::memcpy(d->buffer.data(), line.data(), len);
    std::memset(d->buffer.data() + len, 0, simdjson::SIMDJSON_PADDING);

    try {
        simdjson::dom::element root;
        if (d->parser.parse(d->buffer.data(), len, false).get(root) != simdjson::SUCCESS || !root.is_object())
            return plain();
        simdjson::dom::element info;
        if (root["info"].get(info) != simdjson::SUCCESS || !info.is_object())
            return plain();
        std::string_view name;
        if (info["name"].get(name) != simdjson::SUCCESS || name.empty())
            return plain();

        e.kind = kindOf(name);
        e.name = QString::fromUtf8(name.data(), qsizetype(name.size()));
        e.code = qstr(info, "code");
        e.level = qstr(info, "level");
        e.ts = qstr(info, "ts");
        e.invocationId = qstr(info, "invocation_id");
        std::string_view msg;
        if (info["msg"].get(msg) == simdjson::SUCCESS)
            e.msg = stripAnsi(msg);
        e.text = e.msg;

        simdjson::dom::element data;
        if (root["data"].get(data) != simdjson::SUCCESS || !data.is_object())
            return e; // an event without data keeps its envelope

        switch (e.kind) {
        case DbtEventKind::LogStartLine:
        case DbtEventKind::LogModelResult:
        case DbtEventKind::LogSeedResult:
        case DbtEventKind::LogSnapshotResult:
        case DbtEventKind::SkippingDetails:
        case DbtEventKind::LogTestResult:
            e.index = qint(data, "index");
            e.total = e.kind == DbtEventKind::LogTestResult ? qint(data, "num_models") : qint(data, "total");
            if (e.kind == DbtEventKind::LogTestResult && e.total == 0)
                e.total = qint(data, "total");
            e.status = qstr(data, "status");
            e.executionTime = qnum(data, "execution_time");
            e.failures = qint(data, "num_failures");
            readNode(data, e.node);
            if (e.kind == DbtEventKind::SkippingDetails && e.status.isEmpty())
                e.status = QStringLiteral("skipped");
            break;
        case DbtEventKind::EndOfRunSummary:
            e.numErrors = qint(data, "num_errors");
            e.numWarnings = qint(data, "num_warnings");
            break;
        case DbtEventKind::StatsLine: {
            simdjson::dom::element stats;
            if (data["stats"].get(stats) == simdjson::SUCCESS && stats.is_object()) {
                e.stats.pass = qint(stats, "pass");
                e.stats.warn = qint(stats, "warn");
                e.stats.error = qint(stats, "error");
                e.stats.skip = qint(stats, "skip");
                e.stats.total = qint(stats, "total");
            }
            break;
        }
        case DbtEventKind::CommandCompleted: {
            bool ok = false;
            if (data["success"].get(ok) == simdjson::SUCCESS)
                e.success = ok;
            e.elapsed = qnum(data, "elapsed");
            e.command = qstr(data, "command");
            break;
        }
        case DbtEventKind::MainEncounteredError:
            e.exc = qstr(data, "exc");
            if (e.exc.isEmpty())
                e.exc = e.msg;
            break;
        case DbtEventKind::Plain:
        case DbtEventKind::Generic:
            break;
        }
        return e;
    } catch (...) {
        // simdjson reports by error code here; this only guards against a library built to throw.
        return plain();
    }
}

bool DbtProgress::add(const DbtEvent &e)
{
    if (!e.isJson())
        return false;
    if (m_invocationId.isEmpty() && !e.invocationId.isEmpty())
        m_invocationId = e.invocationId;
    switch (e.kind) {
    case DbtEventKind::LogStartLine:
        m_index = e.index;
        m_total = e.total > 0 ? e.total : m_total;
        m_node = e.node;
        m_status = e.node.nodeStatus.isEmpty() ? QStringLiteral("started") : e.node.nodeStatus;
        return true;
    case DbtEventKind::LogModelResult:
    case DbtEventKind::LogTestResult:
    case DbtEventKind::LogSeedResult:
    case DbtEventKind::LogSnapshotResult:
    case DbtEventKind::SkippingDetails:
        ++m_finished;
        m_index = e.index;
        m_total = e.total > 0 ? e.total : m_total;
        m_node = e.node;
        // node_status is the normalised outcome (success/error/pass/fail/...); data.status may be
        // an adapter message such as "CREATE VIEW".
        m_status = !e.node.nodeStatus.isEmpty() ? e.node.nodeStatus : e.status;
        return true;
    case DbtEventKind::StatsLine:
        m_stats = e.stats;
        m_hasStats = true;
        return true;
    case DbtEventKind::EndOfRunSummary:
        m_endOfRun = true;
        return false;
    case DbtEventKind::MainEncounteredError:
        m_error = e.exc;
        return true;
    default:
        return false;
    }
}

} // namespace sluice
