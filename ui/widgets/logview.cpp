#include "logview.h"
#include "statustone.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QScrollBar>
#include <QTextBlock>
#include <QTextCursor>

namespace sluice {

LogView::LogView(QWidget *parent) : QPlainTextEdit(parent)
{
    setReadOnly(true);
    setUndoRedoEnabled(false);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setMaximumBlockCount(kMaxLines);
    setPlaceholderText(tr("The log of the selected run appears here, line by line as its tasks write it."));
}

void LogView::clearLog()
{
    clear();
    m_lastTaskRun = 0;
    m_lines = 0;
}

void LogView::appendBatch(const TaskLogBatch &batch)
{
    if (batch.lines.isEmpty())
        return;
    QScrollBar *bar = verticalScrollBar();
    const bool following = bar->value() >= bar->maximum() - 2;
    QTextCursor cursor(document());
    cursor.movePosition(QTextCursor::End);
    cursor.beginEditBlock();
    QTextCharFormat plain;
    QTextCharFormat time;
    time.setForeground(palette().color(QPalette::PlaceholderText));
    QTextCharFormat error;
    error.setForeground(toneColor(StatusTone::Bad, palette()));   // stderr, in the palette's terms (dark mode works)
    QTextCharFormat header;
    header.setFontWeight(QFont::Bold);
    auto newLine = [&] {
        if (!document()->isEmpty())
            cursor.insertBlock();
    };
    if (batch.taskRunId != m_lastTaskRun) {
        m_lastTaskRun = batch.taskRunId;
        newLine();
        const QString attempt = batch.attempt > 1 ? tr(" — attempt %1").arg(batch.attempt) : QString();
        cursor.insertText(tr("▶ Task %1: %2%3").arg(batch.seq).arg(batch.slug, attempt), header);
    }
    for (const LogLine &line : batch.lines) {
        newLine();
        cursor.insertText(QDateTime::fromMSecsSinceEpoch(line.atMs).toString(QStringLiteral("HH:mm:ss  ")), time);
        cursor.insertText(line.text, line.isStderr ? error : plain);
        ++m_lines;
    }
    cursor.endEditBlock();
    if (following)
        bar->setValue(bar->maximum());
}

bool LogView::findText(const QString &text)
{
    if (text.isEmpty())
        return false;
    if (find(text))
        return true;
    QTextCursor start(document());
    setTextCursor(start);
    return find(text);
}

} // namespace sluice
