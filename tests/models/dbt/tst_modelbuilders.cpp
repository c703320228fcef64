// Which pipelines build a model: each pipeline's dbt tasks resolved against the recorded jaffle_shop
// manifest as dbt would (run/build/seed/snapshot build; test and compile do not), with each pipeline's
// next run from its own schedule, and a model built by two active pipelines flagged.
#include "dbt/dbtartifacts.h"
#include "dbt/modelbuilders.h"

#include <QDateTime>
#include <QTest>
#include <QTimeZone>

using namespace sluice;

namespace {

const QString kJaffle = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/artifacts/ok/json/ls/manifest.json");

OrgTask dbtTask(const QString &slug, const QString &select = {}, const QString &exclude = {}, const QString &label = {})
{
    OrgTask t;
    t.slug = slug;
    t.type = TaskType::Dbt;
    t.label = label;
    if (!select.isEmpty())
        t.parameters.options.insert(QStringLiteral("select"), select);
    if (!exclude.isEmpty())
        t.parameters.options.insert(QStringLiteral("exclude"), exclude);
    return t;
}

Pipeline pipeline(const QString &name, bool active, const QString &cron, const QList<OrgTask> &tasks)
{
    Pipeline p;
    p.uuid = name + QStringLiteral("-uuid");
    p.name = name;
    p.active = active;
    p.cron = cron;
    p.timezone = cron.isEmpty() ? QString() : QStringLiteral("Europe/Berlin");
    int seq = 0;
    for (const OrgTask &t : tasks)
        p.steps.append({seq++, t});
    return p;
}

QStringList names(const QList<ModelBuilder> &builders)
{
    QStringList out;
    for (const ModelBuilder &b : builders)
        out << b.pipelineName;
    return out;
}

} // namespace

class tst_ModelBuilders : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pipelinesThatBuildEachModel()
    {
        auto manifest = readManifest(kJaffle);
        QVERIFY2(manifest, qPrintable(manifest ? QString() : manifest.error().message));
        const DbtNodeSelector selector(std::move(*manifest));
        // Wednesday 2 December 2026, 12:00 UTC.
        const qint64 now = QDateTime(QDate(2026, 12, 2), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        const QList<Pipeline> pipelines{
            pipeline(QStringLiteral("nightly"), true, QStringLiteral("0 3 * * *"),
                     {dbtTask(QStringLiteral("dbt-run"), QStringLiteral("+customers"), {}, QStringLiteral("Customers")),
                      dbtTask(QStringLiteral("dbt-test"))}),
            pipeline(QStringLiteral("orders"), true, QStringLiteral("30 6 * * 1-5"), {dbtTask(QStringLiteral("dbt-build"), QStringLiteral("orders"))}),
            pipeline(QStringLiteral("adhoc"), true, {}, {dbtTask(QStringLiteral("dbt-seed"))}),
            pipeline(QStringLiteral("old"), false, QStringLiteral("0 1 * * *"), {dbtTask(QStringLiteral("dbt-run"), {}, QStringLiteral("tag:nope"))}),
            pipeline(QStringLiteral("tests only"), true, QStringLiteral("0 4 * * *"), {dbtTask(QStringLiteral("dbt-test")), dbtTask(QStringLiteral("dbt-compile"))}),
            pipeline(QStringLiteral("broken"), true, QStringLiteral("0 5 * * *"), {dbtTask(QStringLiteral("dbt-run"), QStringLiteral("colour:red"))}),
        };
        const auto built = pipelinesBuildingNodes(selector, pipelines, TaskCatalog::builtin(), now);

        const QString customers = QStringLiteral("model.jaffle_shop.customers");
        const QString orders = QStringLiteral("model.jaffle_shop.orders");
        const QString stgOrders = QStringLiteral("model.jaffle_shop.stg_orders");
        const QString seed = QStringLiteral("seed.jaffle_shop.raw_orders");
        // +customers: customers and the three staging models upstream (not orders); the inactive "old"
        // runs everything; "orders" builds orders only (its tests are built too but are not models).
        QCOMPARE(names(built.value(customers)), (QStringList{QStringLiteral("nightly"), QStringLiteral("old")}));
        QCOMPARE(names(built.value(stgOrders)), (QStringList{QStringLiteral("nightly"), QStringLiteral("old")}));
        QCOMPARE(names(built.value(orders)), (QStringList{QStringLiteral("orders"), QStringLiteral("old")}));
        QCOMPARE(names(built.value(seed)), (QStringList{QStringLiteral("adhoc")})); // dbt run takes no seeds; dbt seed does
        for (auto it = built.cbegin(); it != built.cend(); ++it) {
            QVERIFY2(!names(it.value()).contains(QStringLiteral("tests only")), qPrintable(it.key()));
            QVERIFY2(!names(it.value()).contains(QStringLiteral("broken")), qPrintable(it.key()));
        }
        // Next runs from each pipeline's own schedule, in its zone (03:00 Berlin = 02:00 UTC tomorrow).
        const ModelBuilder &nightly = built.value(customers).at(0);
        QCOMPARE(nightly.taskLabel, QStringLiteral("Customers"));
        QVERIFY(nightly.nextRunMs);
        QCOMPARE(QDateTime::fromMSecsSinceEpoch(*nightly.nextRunMs, QTimeZone::utc()), QDateTime(QDate(2026, 12, 3), QTime(2, 0), QTimeZone::utc()));
        QVERIFY(!built.value(customers).at(1).nextRunMs);   // inactive: no next run
        QVERIFY(!built.value(seed).at(0).nextRunMs);        // manual: none
        QCOMPARE(built.value(seed).at(0).taskLabel, QStringLiteral("dbt-seed"));
        // Flagged only where two *active* pipelines build it.
        QVERIFY(!builtByTwoActivePipelines(built.value(customers)));
        auto twice = pipelines;
        twice.append(pipeline(QStringLiteral("hourly"), true, QStringLiteral("0 * * * *"), {dbtTask(QStringLiteral("dbt-run"), QStringLiteral("customers"))}));
        const auto again = pipelinesBuildingNodes(selector, twice, TaskCatalog::builtin(), now);
        QCOMPARE(names(again.value(customers)), (QStringList{QStringLiteral("nightly"), QStringLiteral("old"), QStringLiteral("hourly")}));
        QVERIFY(builtByTwoActivePipelines(again.value(customers)));
        QVERIFY(!builtByTwoActivePipelines(again.value(stgOrders)));
    }
};

QTEST_MAIN(tst_ModelBuilders)
#include "tst_modelbuilders.moc"
