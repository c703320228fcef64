#pragma once

#include "process/processjob.h"
#include "store/runhistory.h"

#include <QCoro/QCoroTask>
#include <QList>
#include <QObject>
#include <QStringList>

#include <chrono>

class QTimer;

namespace sluice {

class RunHolder;
class SecretScrubber;

struct LogWriterOptions
{
    std::chrono::milliseconds flushInterval{250};   // a line waits at most this long before a write
    int flushLines = kMaxLogChunkLines;             // ...or until this many lines wait
    std::chrono::milliseconds firstBackoff{100};    // after a failed write; doubles up to maxBackoff
    std::chrono::milliseconds maxBackoff{5000};
};

// Stores the output of one task run attempt. Contract:
// - append() scrubs the line of every secret the scrubber knows, numbers it (0, 1, 2 ... in call
//   order), emits lineAppended at once, and queues it for the database.
// - Queued lines are written in chunks of at most kMaxLogChunkLines, every
//   flushInterval or as soon as flushLines wait, in order, each line exactly once (RunHolder::appendLog,
//   under the run's fence).
// - A write that fails for any reason but a lost lease keeps the lines and is retried with backoff
//   (firstBackoff doubling to maxBackoff): nothing is dropped or reordered; storeFailed reports each
//   failure. A lost lease (Error::LeaseLost from the fenced write) stops all writing: leaseLost fires
//   once and later lines are still numbered and emitted but never stored.
// - finish() writes whatever is queued and completes once everything is stored (true) or the lease
//   was lost (false). Lines appended after finish() started are stored too.
class LogWriter : public QObject
{
    Q_OBJECT
public:
    LogWriter(RunHolder &holder, qint64 taskRunId, const SecretScrubber *scrubber, LogWriterOptions options = {},
              QObject *parent = nullptr);
    ~LogWriter() override;

    void append(const OutputLine &line);
    // Appends a line Sluice itself writes about the task (a retry note, an Airbyte job status).
    void note(const QString &text, bool isStderr = false);
    [[nodiscard]] QCoro::Task<bool> finish();

    [[nodiscard]] qint64 taskRunId() const { return m_taskRunId; }
    [[nodiscard]] qint64 lineCount() const { return m_next; }
    [[nodiscard]] qint64 storedCount() const { return m_stored; }
    [[nodiscard]] bool isLeaseLost() const { return m_leaseLost; }

Q_SIGNALS:
    void lineAppended(qint64 taskRunId, const sluice::LogLine &line);
    void storeFailed(qint64 taskRunId, const QString &error);   // a write failed; it will be retried
    void leaseLost(qint64 taskRunId);
    // Internal: a write attempt ended (finish() waits on it).
    void writeAttempted();

private:
    void flush();
    void schedule();

    RunHolder &m_holder;
    qint64 m_taskRunId = 0;
    const SecretScrubber *m_scrubber = nullptr;
    LogWriterOptions m_options;
    QTimer *m_timer = nullptr;
    QStringList m_pending;          // formatted lines m_stored .. m_next - 1
    qint64 m_next = 0;              // number of the next line
    qint64 m_stored = 0;            // lines stored so far
    std::chrono::milliseconds m_backoff{0}; // > 0 while retrying after a failure
    bool m_leaseLost = false;
};

} // namespace sluice
