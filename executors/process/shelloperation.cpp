#include "shelloperation.h"

#include <QSet>

namespace sluice {

namespace {

// Words that only mean something to a shell when they come first: keywords and builtins that
// have no program of their own (or whose program could not affect the task, like cd).
bool isShellOnlyWord(const QString &word)
{
    static const QSet<QString> words = {
        QStringLiteral("."),     QStringLiteral(":"),        QStringLiteral("alias"),  QStringLiteral("break"),
        QStringLiteral("case"),  QStringLiteral("cd"),       QStringLiteral("continue"), QStringLiteral("do"),
        QStringLiteral("done"),  QStringLiteral("elif"),     QStringLiteral("else"),   QStringLiteral("esac"),
        QStringLiteral("eval"),  QStringLiteral("exec"),     QStringLiteral("exit"),   QStringLiteral("export"),
        QStringLiteral("fi"),    QStringLiteral("for"),      QStringLiteral("function"), QStringLiteral("if"),
        QStringLiteral("read"),  QStringLiteral("readonly"), QStringLiteral("return"), QStringLiteral("set"),
        QStringLiteral("shift"), QStringLiteral("source"),   QStringLiteral("then"),   QStringLiteral("trap"),
        QStringLiteral("ulimit"), QStringLiteral("umask"),   QStringLiteral("unset"),  QStringLiteral("until"),
        QStringLiteral("wait"),  QStringLiteral("while"),    QStringLiteral("{"),      QStringLiteral("}"),
        QStringLiteral("!"),     QStringLiteral("[["),
    };
    return words.contains(word);
}

bool isNameChar(QChar c, bool first)
{
    return c == QLatin1Char('_') || (c.unicode() < 128 && (c.isLetter() || (!first && c.isDigit())));
}

// "NAME=..." as a first word is a variable assignment for the command that follows.
bool isAssignment(QStringView rawWord)
{
    const qsizetype eq = rawWord.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return false;
    for (qsizetype i = 0; i < eq; ++i)
        if (!isNameChar(rawWord[i], i == 0))
            return false;
    return true;
}

} // namespace

Result<SplitCommand> splitShellCommand(QStringView command)
{
    SplitCommand out;
    QString word;
    bool inWord = false;       // a word has begun (an empty "" still makes a word)
    qsizetype wordStart = 0;   // index in `command` where the current word began
    bool wordQuoted = false;   // the current word's first word check must see raw text

    auto endWord = [&](qsizetype end) {
        if (!inWord)
            return;
        if (out.words.isEmpty()) {
            const QStringView raw = command.mid(wordStart, end - wordStart);
            if (isAssignment(raw) || (!wordQuoted && isShellOnlyWord(word)))
                out.needsShell = true;
        }
        out.words << word;
        word.clear();
        inWord = false;
        wordQuoted = false;
    };
    auto beginWord = [&](qsizetype i) {
        if (!inWord) {
            inWord = true;
            wordStart = i;
        }
    };

    const qsizetype n = command.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = command[i];
        switch (c.unicode()) {
        case ' ':
        case '\t':
            endWord(i);
            break;
        case '\n':
            out.needsShell = true; // several commands
            endWord(i);
            break;
        case '\'': {
            beginWord(i);
            wordQuoted = true;
            const qsizetype close = command.indexOf(QLatin1Char('\''), i + 1);
            if (close < 0)
                return fail(Error::invalid(
                    QStringLiteral("the command has an unterminated single quote (') starting at character %1")
                        .arg(i + 1)));
            word += command.mid(i + 1, close - i - 1);
            i = close;
            break;
        }
        case '"': {
            beginWord(i);
            wordQuoted = true;
            qsizetype j = i + 1;
            for (; j < n && command[j] != QLatin1Char('"'); ++j) {
                const QChar d = command[j];
                if (d == QLatin1Char('$') || d == QLatin1Char('`')) {
                    out.needsShell = true;
                } else if (d == QLatin1Char('\\') && j + 1 < n) {
                    const QChar e = command[j + 1];
                    if (e == QLatin1Char('"') || e == QLatin1Char('\\') || e == QLatin1Char('$')
                        || e == QLatin1Char('`')) {
                        word += e;
                        ++j;
                        continue;
                    }
                    if (e == QLatin1Char('\n'))
                        out.needsShell = true;
                }
                word += d;
            }
            if (j >= n)
                return fail(Error::invalid(
                    QStringLiteral("the command has an unterminated double quote (\") starting at character %1")
                        .arg(i + 1)));
            i = j;
            break;
        }
        case '\\':
            beginWord(i);
            wordQuoted = true;
            if (i + 1 < n) {
                if (command[i + 1] == QLatin1Char('\n'))
                    out.needsShell = true;
                word += command[++i];
            } else {
                word += c; // a trailing backslash stays literal, as in sh
            }
            break;
        case '|': case '&': case ';': case '<': case '>': case '(': case ')':
        case '$': case '`': case '*': case '?': case '[':
            out.needsShell = true;
            beginWord(i);
            word += c;
            break;
        case '~':
        case '#':
            if (!inWord)
                out.needsShell = true; // tilde expansion / a comment
            beginWord(i);
            word += c;
            break;
        default:
            beginWord(i);
            word += c;
        }
    }
    endWord(n);
    if (out.words.isEmpty())
        return fail(Error::invalid(QStringLiteral("the command is empty; give the program to run")));
    return out;
}

Result<ProcessSpec> shellProcessSpec(const ShellCommand &command)
{
    auto split = splitShellCommand(command.command);
    if (!split)
        return fail(split.error());
    ProcessSpec spec;
    if (split->needsShell) {
        spec.program = QStringLiteral("/bin/sh");
        spec.arguments = {QStringLiteral("-c"), command.command};
    } else {
        spec.program = split->words.takeFirst();
        spec.arguments = split->words;
    }
    spec.workingDirectory = command.workingDirectory;
    spec.environment = command.environment;
    spec.timeout = command.timeout;
    return spec;
}

} // namespace sluice
