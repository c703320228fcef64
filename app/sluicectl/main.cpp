// sluicectl: the command-line face of the store and, later, of runs and agents.
#include "cli.h"
#include "core/appidentity.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    sluice::initApplicationIdentity();
    return sluice::cli::run(QCoreApplication::arguments());
}
