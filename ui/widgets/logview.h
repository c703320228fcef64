#pragma once

#include "store/runhistory.h"

#include <QPlainTextEdit>

namespace sluice {

// A run's log as a person reads it: monospace, a header line where each task attempt begins, each
// line with its local time, stderr in red. Read-only. It follows the end while the view is scrolled
// to the bottom (a reader who scrolled up is left where they are). find() searches forward from the
// cursor and wraps around. It holds the last kMaxLines lines (older ones leave the view, never the
// store: `sluicectl run logs` prints them all).
class LogView : public QPlainTextEdit
{
    Q_OBJECT
public:
    static constexpr int kMaxLines = 200'000;

    explicit LogView(QWidget *parent = nullptr);

    // Appends a batch; a header is written when the batch belongs to another task run than the last one.
    void appendBatch(const TaskLogBatch &batch);
    void clearLog();
    // Selects the next occurrence of `text` (case-insensitive); false when there is none.
    bool findText(const QString &text);
    [[nodiscard]] qsizetype lineCount() const { return m_lines; }

private:
    qint64 m_lastTaskRun = 0;
    qsizetype m_lines = 0;
};

} // namespace sluice
