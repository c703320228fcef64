#include "logwriter.h"

#include "secrets/secretscrubber.h"
#include "store/runholder.h"
#include "store/runhistory.h"

#include <QCoro/QCoroSignal>
#include <QDateTime>
#include <QTimer>

namespace sluice {

LogWriter::LogWriter(RunHolder &holder, qint64 taskRunId, const SecretScrubber *scrubber, LogWriterOptions options, QObject *parent)
    : QObject(parent)
    , m_holder(holder)
    , m_taskRunId(taskRunId)
    , m_scrubber(scrubber)
    , m_options(options)
    , m_timer(new QTimer(this))
{
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &LogWriter::flush);
}

LogWriter::~LogWriter() = default;

void LogWriter::append(const OutputLine &line)
{
    LogLine l;
    l.number = m_next++;
    l.atMs = line.atMs;
    l.isStderr = line.isStderr;
    l.text = m_scrubber ? m_scrubber->scrub(line.text) : line.text;
    Q_EMIT lineAppended(m_taskRunId, l);
    if (m_leaseLost)
        return;
    m_pending.append(formatLogLine(l.atMs, l.isStderr, l.text));
    if (m_backoff.count() > 0)
        return;     // the retry timer is running; it writes everything queued
    if (m_pending.size() >= m_options.flushLines)
        flush();
    else
        schedule();
}

void LogWriter::note(const QString &text, bool isStderr)
{
    append(OutputLine{QDateTime::currentMSecsSinceEpoch(), isStderr, text});
}

void LogWriter::schedule()
{
    if (!m_timer->isActive() && !m_pending.isEmpty())
        m_timer->start(m_options.flushInterval);
}

void LogWriter::flush()
{
    m_timer->stop();
    while (!m_pending.isEmpty() && !m_leaseLost) {
        const qsizetype n = std::min<qsizetype>(m_pending.size(), kMaxLogChunkLines);
        const QStringList chunk = m_pending.mid(0, n);
        auto r = m_holder.appendLog(m_taskRunId, m_stored, chunk);
        if (!r) {
            if (r.error().kind == Error::Kind::LeaseLost) {
                m_leaseLost = true;
                m_pending.clear();
                Q_EMIT leaseLost(m_taskRunId);
                break;
            }
            Q_EMIT storeFailed(m_taskRunId, r.error().message);
            m_backoff = m_backoff.count() == 0 ? m_options.firstBackoff : std::min(m_backoff * 2, m_options.maxBackoff);
            m_timer->start(m_backoff);
            Q_EMIT writeAttempted();
            return;
        }
        m_pending.remove(0, n);
        m_stored += n;
    }
    m_backoff = std::chrono::milliseconds(0);
    Q_EMIT writeAttempted();
}

QCoro::Task<bool> LogWriter::finish()
{
    if (m_backoff.count() == 0)
        flush();
    while (!m_pending.isEmpty() && !m_leaseLost)
        co_await qCoro(this, &LogWriter::writeAttempted);
    co_return !m_leaseLost;
}

} // namespace sluice
