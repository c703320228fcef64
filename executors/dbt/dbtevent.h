#pragma once

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace sluice {

// The events of dbt's structured log (`--log-format json`, log_version 3, dbt 1.5 and later) that
// Sluice acts on. Every other event is Generic and keeps its envelope and message; a line that is not
// a JSON event at all (a Python warning, a truncated write) is Plain.
enum class DbtEventKind {
    Plain,                 // not a JSON event: `text` holds the line as it came
    Generic,               // a JSON event Sluice does not interpret; `msg` holds its text
    LogStartLine,          // Q011 a node starts: index, total, node
    LogModelResult,        // Q012 a model finished: index, total, status, executionTime, node
    LogTestResult,         // Q007 a test finished: index, total (num_models), status, failures
    LogSeedResult,         // Q016
    LogSnapshotResult,     // Q015
    SkippingDetails,       // Q034 a node was skipped: index, total, node
    EndOfRunSummary,       // Z030 numErrors, numWarnings
    StatsLine,             // Z023 stats
    CommandCompleted,      // Q039 (debug level) success, elapsed
    MainEncounteredError,  // Z002 dbt could not run: exc
};

[[nodiscard]] QString toString(DbtEventKind kind);

// The node an event is about (data.node_info; SkippingDetails' node_name as a fallback).
struct DbtNodeInfo {
    QString uniqueId;      // "model.jaffle_shop.customers"
    QString name;
    QString resourceType;  // model | test | seed | snapshot | ...
    QString materialized;
    QString path;          // node_path, relative to its resource folder
    QString nodeStatus;    // started | compiling | executing | success | error | skipped | pass | fail | warn | ...
};

// StatsLine's counts (the "Done. PASS=… WARN=… ERROR=… SKIP=… TOTAL=…" line).
struct DbtStats {
    int pass = 0, warn = 0, error = 0, skip = 0, total = 0;
    friend bool operator==(const DbtStats &, const DbtStats &) = default;
};

// One stdout line of dbt, parsed. Fields that the event kind does not carry keep their defaults;
// fields missing from the JSON (older or newer dbt versions) also keep their defaults.
struct DbtEvent {
    DbtEventKind kind = DbtEventKind::Plain;
    QString text;          // Plain: the whole line; for JSON events the same as msg

    // The envelope (info{}).
    QString name, code, level, ts, invocationId;
    QString msg;           // human text, ANSI colour codes removed

    // Node progress (LogStartLine, Log*Result, SkippingDetails).
    int index = 0, total = 0;
    QString status;        // data.status as dbt reports it ("CREATE VIEW", "pass", "fail", "error", ...)
    double executionTime = 0;
    int failures = 0;      // LogTestResult's num_failures
    DbtNodeInfo node;

    DbtStats stats;                          // StatsLine
    int numErrors = 0, numWarnings = 0;      // EndOfRunSummary
    bool success = false; double elapsed = 0; QString command; // CommandCompleted
    QString exc;                             // MainEncounteredError

    [[nodiscard]] bool isJson() const { return kind != DbtEventKind::Plain; }
    [[nodiscard]] bool isNodeResult() const;  // one of the Log*Result kinds or SkippingDetails
};

// Parses dbt's stdout one line at a time. Never fails: anything that is not a well-formed JSON object
// with info.name becomes a Plain event. Keeps its parser buffers between calls, so one instance per
// stream is cheap; not thread-safe.
class DbtEventParser {
public:
    DbtEventParser();
    ~DbtEventParser();
    DbtEventParser(const DbtEventParser &) = delete;
    DbtEventParser &operator=(const DbtEventParser &) = delete;

    [[nodiscard]] DbtEvent parse(QByteArrayView utf8Line);
    [[nodiscard]] DbtEvent parse(const QString &line);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

// Live progress of one dbt invocation, fed every event in order.
class DbtProgress {
public:
    // Returns true when the event changed what progress shows (node N of M, current node, status).
    bool add(const DbtEvent &event);

    [[nodiscard]] int index() const { return m_index; }        // N in "node N of M"; 0 before the first node
    [[nodiscard]] int total() const { return m_total; }        // M; 0 until dbt announces it
    [[nodiscard]] int finishedNodes() const { return m_finished; }
    [[nodiscard]] const DbtNodeInfo &currentNode() const { return m_node; }
    [[nodiscard]] const QString &status() const { return m_status; } // of the current node
    [[nodiscard]] bool hasStats() const { return m_hasStats; }
    [[nodiscard]] const DbtStats &stats() const { return m_stats; }
    [[nodiscard]] const QString &errorText() const { return m_error; }  // MainEncounteredError's exc
    [[nodiscard]] const QString &invocationId() const { return m_invocationId; }
    [[nodiscard]] bool sawEndOfRun() const { return m_endOfRun; }

private:
    int m_index = 0, m_total = 0, m_finished = 0;
    DbtNodeInfo m_node;
    QString m_status, m_error, m_invocationId;
    DbtStats m_stats;
    bool m_hasStats = false, m_endOfRun = false;
};

} // namespace sluice
