#pragma once

#include "core/error.h"

#include <QStringList>
#include <QTest>

namespace sluice::test {

// The error text of a result, or nothing. For QVERIFY2's message, which is built even when the check
// passes: calling error() on a result that holds a value would be undefined behaviour.
template<class T>
[[nodiscard]] QString why(const Result<T> &r)
{
    return r ? QString() : r.error().message;
}

// Fails the current test unless `message` contains every one of `mentions`.
inline void verifyMentions(const QString &message, const QStringList &mentions, Qt::CaseSensitivity cs = Qt::CaseSensitive)
{
    for (const QString &m : mentions)
        QVERIFY2(message.contains(m, cs), qPrintable(QStringLiteral("message \"%1\" does not mention \"%2\"").arg(message, m)));
}

} // namespace sluice::test

#include "domain/status.h"

namespace sluice {

// How QCOMPARE prints the status enums: their SQL words.
inline char *toString(RunStatus s) { return qstrdup(qPrintable(toSql(s))); }
inline char *toString(TaskRunStatus s) { return qstrdup(qPrintable(toSql(s))); }
inline char *toString(TaskErrorKind k) { return qstrdup(k == TaskErrorKind::None ? "none" : qPrintable(toSql(k))); }

} // namespace sluice
