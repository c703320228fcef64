// sluice-agent: runs scheduled pipelines (tray icon, or --headless on servers).
// For now it opens and checks the database; scheduling arrives with the runner.
#include "core/appidentity.h"
#include "store/database.h"
#include "store/migrator.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    sluice::initApplicationIdentity();

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Sluice agent: runs scheduled pipelines"));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"), QStringLiteral("Database URL (default: $SLUICE_DB, else the local SQLite file)."),
                                      QStringLiteral("url"));
    const QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Run without a tray icon."));
    parser.addOptions({dbOption, headless});
    parser.process(app);

    auto resolved = sluice::resolveDbUrl(parser.value(dbOption));
    if (!resolved) {
        std::fprintf(stderr, "sluice-agent: error: %s\n", qPrintable(resolved.error().message));
        return 1;
    }
    const sluice::DbUrl url = resolved->url;
    sluice::Database::Options options;
    options.createIfMissing = false;
    auto db = sluice::Database::open(url, options);
    if (!db) {
        std::fprintf(stderr, "sluice-agent: error: %s\n", qPrintable(db.error().message));
        return 2;
    }
    if (auto ok = sluice::Migrator(**db).requireCurrent(); !ok) {
        std::fprintf(stderr, "sluice-agent: error: %s\n", qPrintable(ok.error().message));
        return 2;
    }
    std::printf("sluice-agent: database %s is ready (schema version %d); scheduling is not available yet in this build.\n",
                qPrintable(url.toString()), sluice::Migrator::latestVersion());
    return 0;
}
