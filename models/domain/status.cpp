#include "status.h"

#include <QCoreApplication>

#include <array>
#include <utility>

namespace sluice {

namespace {

template<class E, std::size_t N>
std::optional<E> lookUp(const std::array<std::pair<E, const char *>, N> &table, QStringView word)
{
    for (const auto &[value, sql] : table)
        if (word == QLatin1String(sql))
            return value;
    return std::nullopt;
}

template<class E, std::size_t N>
QString spell(const std::array<std::pair<E, const char *>, N> &table, E value)
{
    for (const auto &[v, sql] : table)
        if (v == value)
            return QString::fromLatin1(sql);
    return {};
}

constexpr std::array<std::pair<RunStatus, const char *>, 8> kRunStatuses{{
    {RunStatus::Queued, "queued"},
    {RunStatus::Running, "running"},
    {RunStatus::Successful, "successful"},
    {RunStatus::PartialSuccess, "partial_success"},
    {RunStatus::Failed, "failed"},
    {RunStatus::Cancelled, "cancelled"},
    {RunStatus::Crashed, "crashed"},
    {RunStatus::Skipped, "skipped"},
}};

constexpr std::array<std::pair<TaskRunStatus, const char *>, 8> kTaskRunStatuses{{
    {TaskRunStatus::Queued, "queued"},
    {TaskRunStatus::Running, "running"},
    {TaskRunStatus::Successful, "successful"},
    {TaskRunStatus::Warning, "warning"},
    {TaskRunStatus::Failed, "failed"},
    {TaskRunStatus::Cancelled, "cancelled"},
    {TaskRunStatus::Skipped, "skipped"},
    {TaskRunStatus::Crashed, "crashed"},
}};

constexpr std::array<std::pair<TaskErrorKind, const char *>, 11> kErrorKinds{{
    {TaskErrorKind::ExitCode, "exit-code"},
    {TaskErrorKind::Crashed, "crashed"},
    {TaskErrorKind::Timeout, "timeout"},
    {TaskErrorKind::Cancelled, "cancelled"},
    {TaskErrorKind::StartFailed, "start-failed"},
    {TaskErrorKind::Setup, "setup"},
    {TaskErrorKind::Store, "store"},
    {TaskErrorKind::LeaseLost, "lease-lost"},
    {TaskErrorKind::Git, "git"},
    {TaskErrorKind::Airbyte, "airbyte"},
    {TaskErrorKind::Failed, "failed"},
}};

QString tr(const char *text) { return QCoreApplication::translate("sluice::Status", text); }

} // namespace

QString toSql(RunStatus s) { return spell(kRunStatuses, s); }
QString toSql(TaskRunStatus s) { return spell(kTaskRunStatuses, s); }
QString toSql(TaskErrorKind k) { return k == TaskErrorKind::None ? QString() : spell(kErrorKinds, k); }
std::optional<RunStatus> runStatusFromSql(QStringView s) { return lookUp(kRunStatuses, s); }
std::optional<TaskRunStatus> taskRunStatusFromSql(QStringView s) { return lookUp(kTaskRunStatuses, s); }

TaskErrorKind taskErrorKindFromSql(QStringView s)
{
    if (s.isEmpty())
        return TaskErrorKind::None;
    return lookUp(kErrorKinds, s).value_or(TaskErrorKind::Failed);
}

QStringList runStatusWords()
{
    QStringList words;
    for (const auto &[value, sql] : kRunStatuses)
        words.append(QString::fromLatin1(sql));
    return words;
}

QString toWords(RunStatus s)
{
    switch (s) {
    case RunStatus::Queued: return tr("Queued");
    case RunStatus::Running: return tr("Running");
    case RunStatus::Successful: return tr("Successful");
    case RunStatus::PartialSuccess: return tr("Partial success");
    case RunStatus::Failed: return tr("Failed");
    case RunStatus::Cancelled: return tr("Cancelled");
    case RunStatus::Crashed: return tr("Crashed");
    case RunStatus::Skipped: return tr("Skipped");
    }
    return {};
}

QString toWords(TaskRunStatus s)
{
    switch (s) {
    case TaskRunStatus::Queued: return tr("Queued");
    case TaskRunStatus::Running: return tr("Running");
    case TaskRunStatus::Successful: return tr("Successful");
    case TaskRunStatus::Warning: return tr("Warning");
    case TaskRunStatus::Failed: return tr("Failed");
    case TaskRunStatus::Cancelled: return tr("Cancelled");
    case TaskRunStatus::Skipped: return tr("Skipped");
    case TaskRunStatus::Crashed: return tr("Crashed");
    }
    return {};
}

StatusTone toneOf(RunStatus s)
{
    switch (s) {
    case RunStatus::Running: return StatusTone::Active;
    case RunStatus::Successful: return StatusTone::Good;
    case RunStatus::PartialSuccess: return StatusTone::Warning;
    case RunStatus::Failed:
    case RunStatus::Crashed: return StatusTone::Bad;
    case RunStatus::Queued:
    case RunStatus::Cancelled:
    case RunStatus::Skipped: break;
    }
    return StatusTone::Neutral;
}

StatusTone toneOf(TaskRunStatus s)
{
    switch (s) {
    case TaskRunStatus::Running: return StatusTone::Active;
    case TaskRunStatus::Successful: return StatusTone::Good;
    case TaskRunStatus::Warning: return StatusTone::Warning;
    case TaskRunStatus::Failed:
    case TaskRunStatus::Crashed: return StatusTone::Bad;
    case TaskRunStatus::Queued:
    case TaskRunStatus::Cancelled:
    case TaskRunStatus::Skipped: break;
    }
    return StatusTone::Neutral;
}

} // namespace sluice
