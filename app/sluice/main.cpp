// sluice: the desktop control room. Composition root: parses --db, opens the store off the GUI
// thread, hands what it found to the main window, then starts the runs service (its own thread).
#include "core/appidentity.h"
#include "core/clock.h"
#include "desktopruns.h"
#include "mainwindow.h"
#include "store/snapshot.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFutureWatcher>
#include <QIcon>
#include <QtConcurrent>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    sluice::initApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/sluice.svg")));
    QApplication::setDesktopFileName(QStringLiteral("sluice"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice: a desktop control room for ELT pipelines"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Database URL (default: $SLUICE_DB, else the local SQLite file)."),
                                      QStringLiteral("url"));
    parser.addOption(dbOption);
    parser.process(app);

    sluice::MainWindow window;
    window.show();

    auto resolved = sluice::resolveDbUrl(parser.value(dbOption));
    if (!resolved) {
        window.showError(resolved.error());
        return 1;
    }
    const sluice::DbUrl url = resolved->url;
    const bool embedded = resolved->isDefault;
    window.showLoading(url.toString());
    auto *watcher = new QFutureWatcher<sluice::Result<sluice::StoreSnapshot>>(&window);
    QObject::connect(watcher, &QFutureWatcherBase::finished, &window, [watcher, &window, url] {
        const auto result = watcher->result();
        if (!result) {
            window.showError(result.error());
            return;
        }
        window.showSnapshot(*result);
        // The store exists and is current now: runs are read, started and watched from here on.
        sluice::RunServiceOptions options;
        options.actor = sluice::currentActor();
        auto *runs = new sluice::DesktopRuns(window, url, std::move(options), &window);
        QObject::connect(runs, &sluice::DesktopRuns::drained, qApp, &QApplication::quit);
        runs->start();
    });
    watcher->setFuture(QtConcurrent::run([url, embedded] { return sluice::loadSnapshot(url, embedded); }));
    return app.exec();
}
