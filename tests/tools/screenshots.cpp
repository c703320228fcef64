// sluice-screenshots: renders the window's pages with the demo workspace into PNG files, as a person sees
// them: the real MainWindow and its services on a fresh demo store, the demo's shell pipeline run once so
// that Runs shows a real run with its log. scripts/screenshots.sh runs it under Xvfb into docs/screenshots/.
//   sluice-screenshots OUTPUT_DIR STORE_FILE
#include "airbytedouble.h"
#include "core/clock.h"
#include "desktopservices.h"
#include "mainwindow.h"
#include "itemmodels/ingestmodels.h"
#include "itemmodels/streamlistmodel.h"
#include "pages/ingest/connectiondialog.h"
#include "pages/ingest/connectionstab.h"
#include "pages/ingest/dropdatadialog.h"
#include "pages/ingest/ingestpage.h"
#include "pages/ingest/serverdialog.h"
#include "pages/ingest/sourcedialog.h"
#include "pages/ingest/warehousetab.h"
#include "pages/orchestrate/orchestratepage.h"
#include "pages/runs/runspage.h"
#include "itemmodels/modellistmodel.h"
#include "itemmodels/tasklistmodel.h"
#include "pages/transform/selectorfield.h"
#include "pages/transform/taskdialog.h"
#include "pages/transform/lineagepanel.h"
#include "pages/transform/lineageview.h"
#include "pages/transform/transformpage.h"
#include "store/airbyteserverstore.h"
#include "store/database.h"
#include "widgets/specformwidget.h"
#include "store/dburl.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/runholder.h"
#include "store/runstore.h"
#include "store/workspacestore.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QListView>
#include <QListWidget>
#include <QLineEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

#include <cstdio>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    if (argc != 3) {
        std::fprintf(stderr, "usage: sluice-screenshots OUTPUT_DIR STORE_FILE\n");
        return 2;
    }
    const QDir out(QString::fromLocal8Bit(argv[1]));
    auto url = sluice::DbUrl::parse(QStringLiteral("sqlite://") + QDir(QString::fromLocal8Bit(argv[2])).absolutePath());
    if (!url) {
        std::fprintf(stderr, "%s\n", qPrintable(url.error().message));
        return 2;
    }
    sluice::MainWindow window;
    window.resize(1280, 760);
    window.show();
    sluice::DesktopServicesOptions options;
    options.catalog.actor = sluice::currentActor();
    options.catalog.embeddedDefault = true;   // created and seeded with the demo workspace
    options.runs.actor = options.catalog.actor;
    options.runs.runner.secrets = std::nullopt;
    sluice::DesktopServices services(window, *url, options);
    services.start();

    auto *pipelines = window.orchestratePage()->findChild<QTableView *>();
    if (!QTest::qWaitFor([&] { return pipelines->model()->rowCount() > 0; }, 20'000)) {
        std::fprintf(stderr, "the demo pipelines did not appear\n");
        return 1;
    }
    const auto shoot = [&](sluice::MainWindow::Page page, const QString &name) {
        window.showPage(page);
        QTest::qWait(400);
        const QString path = out.filePath(name + QStringLiteral(".png"));
        if (!window.grab().save(path))
            std::fprintf(stderr, "cannot write %s\n", qPrintable(path));
        else
            std::printf("%s\n", qPrintable(path));
    };
    shoot(sluice::MainWindow::Orchestrate, QStringLiteral("orchestrate"));
    // Run the demo's shell pipeline (the first row) and show it once it has ended.
    pipelines->selectRow(0);
    Q_EMIT window.orchestratePage()->runRequested(window.orchestratePage()->selectedPipelineUuid(), false);
    sluice::RunsPage *runs = window.runsPage();
    if (!QTest::qWaitFor([&] { return runs->selectedRunId() > 0; }, 20'000))
        std::fprintf(stderr, "sluice-screenshots: the demo run did not start within 20 s; the Runs picture shows no run\n");
    QTest::qWait(5000);   // the demo's lines arrive over about three seconds
    shoot(sluice::MainWindow::Runs, QStringLiteral("runs"));

    // Transform: the demo org pointed at a checkout holding the recorded jaffle_shop manifest, a dbt task
    // with a selection, and another process's run holding the shell task's lock (its badge shows).
    using namespace sluice;
    auto db = Database::open(*url);
    auto org = db ? OrgStore(**db, options.catalog.actor).list() : Result<QList<Org>>(fail(db.error()));
    if (org && !org->isEmpty()) {
        const QString checkout = QFileInfo(QString::fromLocal8Bit(argv[2])).absolutePath() + QStringLiteral("/checkout");
        QDir().mkpath(checkout + QStringLiteral("/.git"));
        QDir().mkpath(checkout + QStringLiteral("/jaffle_shop/target"));
        QFile::copy(QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/artifacts/ok/json/ls/manifest.json"),
                    checkout + QStringLiteral("/jaffle_shop/target/manifest.json"));
        DbtWorkspace ws;
        ws.gitUrl = QStringLiteral("https://github.com/dbt-labs/jaffle_shop.git");
        ws.projectDir = QStringLiteral("jaffle_shop");
        ws.checkoutPath = checkout;
        (void)WorkspaceStore(**db, options.catalog.actor).set(org->first().id, ws);
        OrgTaskDraft d;
        d.slug = QStringLiteral("dbt-run");
        d.options = {{QStringLiteral("select"), QStringLiteral("+customers")}};
        d.label = QStringLiteral("Build customers and what it needs");
        (void)OrgTaskStore(**db, options.catalog.actor).create(org->first().id, d);
        auto tasks = OrgTaskStore(**db, options.catalog.actor).list(org->first().id);
        if (tasks && !tasks->isEmpty()) {
            NewRun r;
            r.requestedBy = QStringLiteral("agent@build-server");
            r.trigger = QStringLiteral("scheduled");
            r.dispatch = QStringLiteral("agent");
            if (auto runId = RunStore(**db).createTaskRun(tasks->first(), r)) {
                auto grant = LockStore(**db).acquire(*runId, std::nullopt, {tasks->first().id}, QStringLiteral("agent@build-server"));
                // Last results for the lineage's colours: most nodes built, one failed, what needs it skipped.
                auto run = RunStore(**db).run(*runId);
                if (grant && run && !run->tasks.isEmpty()) {
                    QList<DbtNodeRecord> nodes;
                    for (const char *ok : {"seed.jaffle_shop.raw_orders", "seed.jaffle_shop.raw_payments", "seed.jaffle_shop.raw_customers",
                                           "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_payments", "model.jaffle_shop.orders"})
                        nodes << DbtNodeRecord{QString::fromLatin1(ok), QStringLiteral("success"), 0.4, {}, {}};
                    nodes << DbtNodeRecord{QStringLiteral("model.jaffle_shop.stg_customers"), QStringLiteral("error"), 0.2, {}, {}};
                    nodes << DbtNodeRecord{QStringLiteral("model.jaffle_shop.customers"), QStringLiteral("skipped"), {}, {}, {}};
                    (void)RunHolder(**db, *runId, grant->fence).storeNodeResults(run->tasks.first().id, nodes);
                }
            }
        }
        window.chooseOrg(org->first().slug);
        Q_EMIT window.refreshRequested();
        TransformPage *transform = window.transformPage();
        window.showPage(MainWindow::Transform);
        if (!QTest::qWaitFor([&] { return transform->modelModel()->rowCount() > 0 && transform->taskModel()->rowCount() > 1; }, 20'000))
            std::fprintf(stderr, "sluice-screenshots: the Transform page did not fill within 20 s\n");
        transform->selectionField()->setText(QStringLiteral("+customers"));
        shoot(MainWindow::Transform, QStringLiteral("transform-tasks"));
        // The New task dialog with a selection being typed: completion, count and command line.
        transform->openTaskDialog(false);
        if (TaskDialog *dialog = transform->taskDialog()) {
            dialog->labelField()->setText(QStringLiteral("Orders and what they need"));
            dialog->selectorField(QStringLiteral("select"))->setText(QStringLiteral("+orders"));
            dialog->selectorField(QStringLiteral("exclude"))->setText(QStringLiteral("stg_payments"));
            QTest::qWait(1200);
            const QString path = out.filePath(QStringLiteral("transform-task-dialog.png"));
            if (dialog->grab().save(path))
                std::printf("%s\n", qPrintable(path));
            dialog->reject();
        }
        transform->findChild<QTabWidget *>()->setCurrentIndex(1);
        transform->modelTable()->selectRow(0);
        QTest::qWait(400);
        shoot(MainWindow::Transform, QStringLiteral("transform-models"));
        // The lineage of customers, two levels up: statuses as colours, the focus outlined.
        transform->modelTable()->selectRow(transform->modelTable()->model()->match(
            transform->modelTable()->model()->index(0, ModelListModel::Name), Qt::DisplayRole, QStringLiteral("customers"), 1, Qt::MatchExactly).value(0).row());
        transform->showLineage();
        if (!QTest::qWaitFor([&] { return transform->lineagePanel()->view()->nodeCount() > 1; }, 10'000))
            std::fprintf(stderr, "sluice-screenshots: the lineage was not laid out within 10 s\n");
        shoot(MainWindow::Transform, QStringLiteral("transform-lineage"));

        // Ingest: the Airbyte double (as a server would answer) with a few sources and connections; one
        // synced through the page, so its last sync, lock-free state and history show.
        test::AirbyteDouble airbyte;
        if (airbyte.listen() == 0)
            std::fprintf(stderr, "sluice-screenshots: the Airbyte double could not listen on 127.0.0.1\n");
        const QString workspace = airbyte.addWorkspace(QStringLiteral("Default"));
        AirbyteServer server;
        server.url = airbyte.url();
        (void)AirbyteServerStore(**db, options.catalog.actor).set(server);
        (void)OrgStore(**db, options.catalog.actor).setAirbyteWorkspace(org->first().slug, workspace);
        QFile specFile(QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/source-warehouse-db.json"));
        const QJsonObject spec = specFile.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(specFile.readAll()).object() : QJsonObject();
        airbyte.addSourceDefinition(QStringLiteral("Postgres"), spec, QStringLiteral("airbyte/source-postgres"));
        airbyte.addSourceDefinition(QStringLiteral("Google Sheets"), spec, QStringLiteral("airbyte/source-google-sheets"));
        airbyte.addSourceDefinition(QStringLiteral("Stripe"), spec, QStringLiteral("airbyte/source-stripe"));
        const QString shop = airbyte.addSource(workspace, QStringLiteral("Shop database"), QStringLiteral("Postgres"));
        const QString sheets = airbyte.addSource(workspace, QStringLiteral("Marketing budget"), QStringLiteral("Google Sheets"));
        const QString stripe = airbyte.addSource(workspace, QStringLiteral("Payments"), QStringLiteral("Stripe"));
        const QString warehouse = airbyte.addDestination(workspace, QStringLiteral("Warehouse"), QStringLiteral("Postgres"));
        const QString orders = airbyte.addConnection(workspace, shop, warehouse, QStringLiteral("Shop orders → warehouse"));
        airbyte.addConnection(workspace, sheets, warehouse, QStringLiteral("Budget sheet → warehouse"), QStringLiteral("inactive"));
        airbyte.addConnection(workspace, stripe, warehouse, QStringLiteral("Stripe charges → warehouse"));
        test::AirbyteDouble::JobPlan plan;
        plan.recordsPerAttempt = 18'204;
        plan.bytesPerAttempt = 5'400'000;
        airbyte.setJobPlan(orders, plan);
        airbyte.setSyncCatalog(orders, test::AirbyteDouble::catalogOf(QStringLiteral("public"), {QStringLiteral("orders"), QStringLiteral("order_items"),
                                                                                              QStringLiteral("customers"), QStringLiteral("refunds"),
                                                                                              QStringLiteral("shipments")}));
        Q_EMIT window.refreshRequested();
        IngestPage *ingest = window.ingestPage();
        window.showPage(MainWindow::Ingest);
        ConnectionsTab *connections = ingest->connectionsTab();
        if (!QTest::qWaitFor([&] { return connections->model()->rowCount() == 3; }, 20'000))
            std::fprintf(stderr, "sluice-screenshots: the Ingest connections did not appear within 20 s\n");
        connections->selectConnection(orders);
        Q_EMIT connections->taskRequested(orders, QStringLiteral("airbyte-sync"), QString());
        if (!QTest::qWaitFor([&] { return connections->model()->connectionAt(connections->model()->rowOf(orders)).lastSync.has_value()
                                          && connections->model()->connectionAt(connections->model()->rowOf(orders)).lastSync->status == QLatin1String("successful"); },
                             30'000))
            std::fprintf(stderr, "sluice-screenshots: the demo sync did not end within 30 s\n");
        Q_EMIT connections->historyRequested(orders);
        QTest::qWait(600);
        connections->jobTable()->selectRow(0);
        QTest::qWait(600);
        shoot(MainWindow::Ingest, QStringLiteral("ingest-connections"));
        // Clear of chosen streams: two of the connection's five ticked.
        for (QPushButton *b : connections->findChildren<QPushButton *>())
            if (b->text() == QStringLiteral("C&lear…"))
                b->click();
        if (QTest::qWaitFor([&] { return connections->findChild<DropDataDialog *>() != nullptr; }, 5'000)) {
            DropDataDialog *drop = connections->findChild<DropDataDialog *>();
            for (int row : {1, 3})
                drop->streamList()->item(row)->setCheckState(Qt::Checked);
            QTest::qWait(300);
            const QString path = out.filePath(QStringLiteral("ingest-clear-streams.png"));
            if (drop->grab().save(path))
                std::printf("%s\n", qPrintable(path));
            drop->reject();
        } else {
            std::fprintf(stderr, "sluice-screenshots: the Clear dialog did not open within 5 s\n");
        }
        ingest->tabs()->setCurrentIndex(1);
        Q_EMIT ingest->checkSourceRequested(shop);
        QTest::qWait(800);
        shoot(MainWindow::Ingest, QStringLiteral("ingest-sources"));
        // Your warehouse: a PostgreSQL warehouse typed and tested (dbt debug through the dbt double, as the
        // workspace's dbt), before it is saved.
        if (auto wsNow = WorkspaceStore(**db, options.catalog.actor).get(org->first().id)) {
            DbtWorkspace withDbt = *wsNow;
            withDbt.dbtExecutable = QStringLiteral(DBTDOUBLE_PATH);
            (void)WorkspaceStore(**db, options.catalog.actor).set(org->first().id, withDbt);
        }
        ingest->tabs()->setCurrentIndex(2);
        WarehouseTab *wt = ingest->warehouseTab();
        if (QTest::qWaitFor([&] { return !wt->statusLabel()->text().isEmpty(); }, 10'000)) {
            wt->typeBox()->setCurrentIndex(wt->typeBox()->findData(QStringLiteral("postgres")));
            const auto typeInto = [wt](const QString &key, const QString &text) {
                QWidget *e = wt->editorFor(key);
                if (auto *line = qobject_cast<QLineEdit *>(e))
                    line->setText(text);
            };
            typeInto(QStringLiteral("host"), QStringLiteral("warehouse.acme.internal"));
            typeInto(QStringLiteral("user"), QStringLiteral("analyst"));
            typeInto(QStringLiteral("dbname"), QStringLiteral("analytics"));
            typeInto(QStringLiteral("schema"), QStringLiteral("dbt_prod"));
            wt->secretEdit()->setText(QStringLiteral("demo-password"));
            wt->testButton()->click();
            if (!QTest::qWaitFor([&] { return wt->resultLabel()->text().contains(QStringLiteral("checks passed")); }, 20'000))
                std::fprintf(stderr, "sluice-screenshots: the warehouse test did not pass within 20 s: %s\n", qPrintable(wt->resultLabel()->text()));
        } else {
            std::fprintf(stderr, "sluice-screenshots: the warehouse tab did not load within 10 s\n");
        }
        shoot(MainWindow::Ingest, QStringLiteral("ingest-warehouse"));
        // The Airbyte server dialog, tested: health, version, the workspaces.
        ingest->serverButton()->click();
        ServerDialog *sd = ingest->serverDialog();
        if (QTest::qWaitFor([&] { return sd->statusLabel()->text().contains(QStringLiteral("Test to see")); }, 10'000)) {
            sd->testButton()->click();
            if (!QTest::qWaitFor([&] { return sd->statusLabel()->text().contains(QStringLiteral("healthy")); }, 10'000))
                std::fprintf(stderr, "sluice-screenshots: the server test did not pass within 10 s: %s\n", qPrintable(sd->statusLabel()->text()));
            QTest::qWait(300);
            const QString path = out.filePath(QStringLiteral("ingest-server-dialog.png"));
            if (sd->grab().save(path))
                std::printf("%s\n", qPrintable(path));
        } else {
            std::fprintf(stderr, "sluice-screenshots: the server dialog did not open within 10 s\n");
        }
        sd->reject();
        SourceDialog *dialog = ingest->sourceDialog();
        dialog->startNew();
        dialog->open();
        if (QTest::qWaitFor([&] { return dialog->definitionList()->model()->rowCount() == 3; }, 10'000) && dialog->chooseDefinition(QStringLiteral("Postgres"))
            && QTest::qWaitFor([&] { return dialog->form()->editorAt(QStringLiteral("host")) != nullptr; }, 10'000)) {
            dialog->nameField()->setText(QStringLiteral("Shop replica"));
            if (auto *host = qobject_cast<QLineEdit *>(dialog->form()->editorAt(QStringLiteral("host"))))
                host->setText(QStringLiteral("replica.shop.internal"));
            dialog->saveButton()->click();   // database and username are missing: marked at their fields
            QTest::qWait(300);
            const QString path = out.filePath(QStringLiteral("ingest-source-dialog.png"));
            if (dialog->grab().save(path))
                std::printf("%s\n", qPrintable(path));
        } else {
            std::fprintf(stderr, "sluice-screenshots: the New source dialog did not fill within 10 s\n");
        }
        dialog->reject();
        // New connection: the shop's streams discovered, two chosen, one incremental and deduplicated.
        const auto streamOf = [](const QString &name, const QStringList &fields, bool incremental) {
            QJsonObject properties;
            for (const QString &f : fields)
                properties.insert(f, QJsonObject{{QStringLiteral("type"), f == QLatin1String("id") ? QStringLiteral("integer") : QStringLiteral("string")}});
            return QJsonObject{{QStringLiteral("stream"), QJsonObject{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), QStringLiteral("public")},
                                                                      {QStringLiteral("jsonSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                                                                                                                 {QStringLiteral("properties"), properties}}},
                                                                      {QStringLiteral("supportedSyncModes"),
                                                                       incremental ? QJsonArray{QStringLiteral("full_refresh"), QStringLiteral("incremental")}
                                                                                   : QJsonArray{QStringLiteral("full_refresh")}}}},
                               {QStringLiteral("config"), QJsonObject{{QStringLiteral("syncMode"), QStringLiteral("full_refresh")},
                                                                      {QStringLiteral("destinationSyncMode"), QStringLiteral("overwrite")}}}};
        };
        airbyte.setDiscoveredCatalog(shop, {{QStringLiteral("streams"),
                                             QJsonArray{streamOf(QStringLiteral("orders"), {QStringLiteral("id"), QStringLiteral("customer_id"), QStringLiteral("status"), QStringLiteral("updated_at")}, true),
                                                        streamOf(QStringLiteral("customers"), {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("email")}, true),
                                                        streamOf(QStringLiteral("order_items"), {QStringLiteral("id"), QStringLiteral("order_id"), QStringLiteral("sku")}, false),
                                                        streamOf(QStringLiteral("audit_log"), {QStringLiteral("id"), QStringLiteral("event")}, false)}}});
        ingest->tabs()->setCurrentIndex(0);
        ConnectionDialog *cd = ingest->connectionDialog();
        cd->startNew();
        cd->open();
        cd->sourceBox()->setCurrentIndex(cd->sourceBox()->findData(shop));
        cd->nameField()->setText(QStringLiteral("Shop → warehouse"));
        cd->discoverButton()->click();
        if (QTest::qWaitFor([&] { return cd->streams()->rowCount() == 4; }, 10'000)) {
            StreamListModel *m = cd->streams();
            m->setData(m->index(0, StreamListModel::Sync), Qt::Checked, Qt::CheckStateRole);
            m->setData(m->index(0, StreamListModel::Mode), QStringLiteral("incremental_append_dedup"));
            m->setData(m->index(0, StreamListModel::Cursor), QStringLiteral("updated_at"));
            m->setData(m->index(0, StreamListModel::PrimaryKey), QStringLiteral("id"));
            m->setData(m->index(1, StreamListModel::Sync), Qt::Checked, Qt::CheckStateRole);
            m->setData(m->index(3, StreamListModel::Sync), Qt::Checked, Qt::CheckStateRole);
            m->setData(m->index(3, StreamListModel::Mode), QStringLiteral("full_refresh_append"));
            cd->prefixField()->setText(QStringLiteral("shop_"));
            cd->streamTable()->resizeColumnsToContents();
            QTest::qWait(300);
            const QString path = out.filePath(QStringLiteral("ingest-connection-dialog.png"));
            if (cd->grab().save(path))
                std::printf("%s\n", qPrintable(path));
        } else {
            std::fprintf(stderr, "sluice-screenshots: the discover did not answer within 10 s\n");
        }
        cd->reject();
    } else {
        std::fprintf(stderr, "sluice-screenshots: cannot set up the Transform picture: %s\n", qPrintable(db ? org.error().message : db.error().message));
    }
    window.close();
    QTest::qWait(200);
    return 0;
}
