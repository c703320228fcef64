#include "catalogstore.h"

#include "store/database.h"
#include "store/migrator.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace sluice {

namespace {

QString jsonList(const QStringList &items)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(items)).toJson(QJsonDocument::Compact));
}

QStringList fromJsonList(const QString &text)
{
    QStringList out;
    for (const auto &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << v.toString();
    return out;
}

} // namespace

Result<int> upsertCatalog(Database &db, const TaskCatalog &catalog)
{
    return db.write([&]() -> Result<int> {
        for (const CatalogTask &t : catalog.tasks()) {
            auto q = db.exec(QStringLiteral(
                "INSERT INTO task (slug, type, command, transform_order, is_automatic, is_hidden, is_long_running, "
                "is_default, needs_connection, requires_command, flags, options, description) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (slug) DO UPDATE SET type = excluded.type, command = excluded.command, "
                "transform_order = excluded.transform_order, is_automatic = excluded.is_automatic, "
                "is_hidden = excluded.is_hidden, is_long_running = excluded.is_long_running, "
                "is_default = excluded.is_default, needs_connection = excluded.needs_connection, "
                "requires_command = excluded.requires_command, flags = excluded.flags, "
                "options = excluded.options, description = excluded.description"),
                {t.slug, toString(t.type), t.command,
                 t.transformOrder ? QVariant(*t.transformOrder) : QVariant(QMetaType::fromType<int>()),
                 t.automatic, t.hidden, t.longRunning, t.isDefault, t.needsConnection, t.requiresCommand,
                 jsonList(t.flags), jsonList(t.options), t.description});
            if (!q)
                return fail(q.error());
        }
        return int(catalog.tasks().size());
    });
}

Result<QList<CatalogTask>> storedCatalog(Database &db)
{
    auto q = db.exec(QStringLiteral("SELECT slug, type, command, transform_order, is_automatic, is_hidden, is_long_running, "
                                    "is_default, needs_connection, requires_command, flags, options, description "
                                    "FROM task ORDER BY CASE WHEN transform_order IS NULL THEN 1 ELSE 0 END, transform_order, id"));
    if (!q)
        return fail(q.error());
    QList<CatalogTask> tasks;
    while (q->next()) {
        CatalogTask t;
        t.slug = q->value(0).toString();
        t.type = taskTypeFromString(q->value(1).toString()).value_or(TaskType::Shell);
        t.command = q->value(2).toString();
        if (!q->value(3).isNull())
            t.transformOrder = q->value(3).toInt();
        t.automatic = q->value(4).toBool();
        t.hidden = q->value(5).toBool();
        t.longRunning = q->value(6).toBool();
        t.isDefault = q->value(7).toBool();
        t.needsConnection = q->value(8).toBool();
        t.requiresCommand = q->value(9).toBool();
        t.flags = fromJsonList(q->value(10).toString());
        t.options = fromJsonList(q->value(11).toString());
        t.description = q->value(12).toString();
        tasks.append(std::move(t));
    }
    return tasks;
}

Result<InitReport> initialiseDatabase(Database &db, bool requireInitialised)
{
    Migrator migrator(db);
    auto before = migrator.state();
    if (!before)
        return fail(before.error());
    if (requireInitialised && before->isEmpty())
        return fail(Error::schema(QStringLiteral("%1 is not initialised; run `sluicectl db init` first").arg(db.url().toString())));
    auto applied = migrator.migrate();
    if (!applied)
        return fail(applied.error());
    auto count = upsertCatalog(db, TaskCatalog::builtin());
    if (!count)
        return fail(count.error());
    return InitReport{before->current, Migrator::latestVersion(), *applied, *count};
}

} // namespace sluice
