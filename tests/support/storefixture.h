#pragma once

#include "store/database.h"
#include "store/dburl.h"
#include "domain/entities.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

namespace sluice::test {

// Gives each test a fresh database on the backend the test binary runs against. ctest runs every
// store suite twice: SLUICE_TEST_BACKEND=sqlite (a file in a temporary folder) and =postgres (a new
// database on the server that tests/support/pg-server.sh started; its URL is in the file named by
// SLUICE_TEST_PG_URL_FILE). PostgreSQL databases made here are dropped when the fixture goes.
class StoreFixture
{
public:
    StoreFixture();
    ~StoreFixture();

    [[nodiscard]] static bool isPostgres();
    [[nodiscard]] static QString backendName();

    // Empty if the backend is usable; else why not (no server URL, server down).
    [[nodiscard]] QString unavailableReason() const;

    // The URL of a new, empty database.
    [[nodiscard]] Result<DbUrl> createEmpty();
    // A new database, opened, and (when `initialise`) migrated with the catalog loaded.
    [[nodiscard]] Result<std::unique_ptr<Database>> openFresh(bool initialise = true);

    // What most suites start each test with: a new, initialised database holding the org "acme"
    // (name "Acme") created by `actor`.
    struct WithOrg
    {
        std::unique_ptr<Database> db;
        Org org;
    };
    [[nodiscard]] Result<WithOrg> openFreshWithOrg(const QString &actor);

    [[nodiscard]] const QTemporaryDir &tempDir() const { return m_dir; }

private:
    QTemporaryDir m_dir;
    std::optional<DbUrl> m_admin;
    QString m_reason;
    QStringList m_created;
    int m_counter = 0;
};

// In initTestCase(): skips the suite when its backend is missing, or fails it when CI=true (a test
// skipped in CI for a missing server counts as a failure).
#define SLUICE_REQUIRE_BACKEND(fixture)                                                                  \
    do {                                                                                                 \
        const QString reason_ = (fixture).unavailableReason();                                           \
        if (!reason_.isEmpty()) {                                                                        \
            if (qgetenv("CI") == "true")                                                                 \
                QFAIL(qPrintable(QStringLiteral("backend %1 unavailable in CI: %2")                      \
                                     .arg(sluice::test::StoreFixture::backendName(), reason_)));         \
            QSKIP(qPrintable(reason_));                                                                  \
        }                                                                                                \
    } while (false)

} // namespace sluice::test
