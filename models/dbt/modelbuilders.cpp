#include "modelbuilders.h"

#include "schedule/cronschedule.h"

#include <QDateTime>
#include <QSet>
#include <QTimeZone>

namespace sluice {

namespace {

// The dbt commands that build (materialise) what they select.
bool builds(const CatalogTask &task)
{
    static const QSet<QString> building{QStringLiteral("run"), QStringLiteral("build"), QStringLiteral("seed"), QStringLiteral("snapshot")};
    return task.type == TaskType::Dbt && building.contains(task.command.section(QLatin1Char(' '), 0, 0));
}

std::optional<qint64> nextRun(const Pipeline &p, qint64 nowMs)
{
    if (!p.active || p.cron.isEmpty())
        return std::nullopt;
    auto schedule = CronSchedule::parse(p.cron, p.timezone.isEmpty() ? QStringLiteral("UTC") : p.timezone);
    if (!schedule)
        return std::nullopt;
    const auto next = schedule->nextAfter(QDateTime::fromMSecsSinceEpoch(nowMs, QTimeZone::utc()));
    return next ? std::optional<qint64>(next->toMSecsSinceEpoch()) : std::nullopt;
}

} // namespace

QHash<QString, QList<ModelBuilder>> pipelinesBuildingNodes(const DbtNodeSelector &selector, const QList<Pipeline> &pipelines,
                                                           const TaskCatalog &catalog, qint64 nowMs, const QHash<QString, QString> &lastResults,
                                                           const QString &projectDir)
{
    QHash<QString, QList<ModelBuilder>> out;
    for (const Pipeline &p : pipelines) {
        const std::optional<qint64> next = nextRun(p, nowMs);
        QSet<QString> listed;   // nodes this pipeline is already listed for
        for (const PipelineStep &step : p.steps) {
            const CatalogTask *c = catalog.find(step.task.slug);
            if (!c || !builds(*c))
                continue;
            DbtSelectionRequest r;
            const QString select = step.task.parameters.options.value(QStringLiteral("select")).trimmed();
            const QString exclude = step.task.parameters.options.value(QStringLiteral("exclude")).trimmed();
            if (!select.isEmpty())
                r.select = {select};
            if (!exclude.isEmpty())
                r.exclude = {exclude};
            r.lastResults = lastResults;
            r.projectDir = projectDir;
            applyDbtCommandDefaults(r, c->command.section(QLatin1Char(' '), 0, 0));
            auto selected = selector.select(r);
            if (!selected)
                continue;
            for (const QString &id : selected->uniqueIds) {
                if (listed.contains(id))
                    continue;
                listed.insert(id);
                out[id].append({p.uuid, p.name, p.active, step.task.label.isEmpty() ? step.task.slug : step.task.label, next});
            }
        }
    }
    return out;
}

bool builtByTwoActivePipelines(const QList<ModelBuilder> &builders)
{
    return std::count_if(builders.cbegin(), builders.cend(), [](const ModelBuilder &b) { return b.active; }) > 1;
}

} // namespace sluice
