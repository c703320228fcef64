// sluice-screenshots: renders the window's pages with the demo workspace into PNG files, as a person sees
// them: the real MainWindow and its services on a fresh demo store, the demo's shell pipeline run once so
// that Runs shows a real run with its log. scripts/screenshots.sh runs it under Xvfb into docs/screenshots/.
//   sluice-screenshots OUTPUT_DIR STORE_FILE
#include "core/clock.h"
#include "desktopservices.h"
#include "mainwindow.h"
#include "pages/orchestratepage.h"
#include "pages/runspage.h"
#include "store/dburl.h"

#include <QApplication>
#include <QDir>
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
    window.close();
    QTest::qWait(200);
    return 0;
}
