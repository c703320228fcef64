// sluice: the desktop control room. Composition root: parses --db, shows the window at once, and starts
// the services (each on a thread of its own) that open the store and serve the pages.
#include "core/appidentity.h"
#include "core/clock.h"
#include "desktopservices.h"
#include "mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    sluice::initApplicationIdentity();
    QApplication::setApplicationDisplayName(QStringLiteral("Sluice"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/sluice.svg")));
    QApplication::setDesktopFileName(QStringLiteral("sluice"));
    // Closing the window does not end the process: runs this window executes are recorded first
    // (DesktopServices::finished ends it).
    QApplication::setQuitOnLastWindowClosed(false);

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
        window.showStoreFailed(resolved.error().message);
        QObject::connect(&window, &sluice::MainWindow::quitRequested, &app, &QApplication::quit);
        return app.exec();
    }
    window.showLoading(resolved->url.toString());
    sluice::DesktopServicesOptions options;
    options.catalog.actor = sluice::currentActor();
    options.catalog.embeddedDefault = resolved->isDefault;
    options.runs.actor = options.catalog.actor;
    sluice::DesktopServices services(window, resolved->url, std::move(options));
    QObject::connect(&services, &sluice::DesktopServices::finished, &app, &QApplication::quit);
    services.start();
    return app.exec();
}
