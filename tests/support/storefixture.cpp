#include "storefixture.h"

#include "store/orgstore.h"

#include "store/catalogstore.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSqlQuery>

namespace sluice::test {

namespace {

Result<std::unique_ptr<Database>> openAdmin(const DbUrl &admin)
{
    return Database::open(admin);
}

} // namespace

bool StoreFixture::isPostgres()
{
    return qgetenv("SLUICE_TEST_BACKEND") == "postgres";
}

QString StoreFixture::backendName()
{
    return isPostgres() ? QStringLiteral("postgres") : QStringLiteral("sqlite");
}

StoreFixture::StoreFixture()
{
    if (!isPostgres())
        return;
    const QString file = QString::fromLocal8Bit(qgetenv("SLUICE_TEST_PG_URL_FILE"));
    QFile f(file);
    if (file.isEmpty() || !f.open(QIODevice::ReadOnly)) {
        m_reason = QStringLiteral("no PostgreSQL test server: SLUICE_TEST_PG_URL_FILE (%1) is unset or unreadable; "
                                  "run the suite through ctest, which starts one").arg(file);
        return;
    }
    auto url = DbUrl::parse(QString::fromUtf8(f.readAll()).trimmed());
    if (!url) {
        m_reason = url.error().message;
        return;
    }
    auto db = openAdmin(*url);
    if (!db) {
        m_reason = db.error().message;
        return;
    }
    m_admin = *url;
}

StoreFixture::~StoreFixture()
{
    if (!m_admin || m_created.isEmpty())
        return;
    auto db = openAdmin(*m_admin);
    if (!db)
        return;
    for (const QString &name : std::as_const(m_created))
        (void)(*db)->exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
}

QString StoreFixture::unavailableReason() const
{
    if (!isPostgres())
        return m_dir.isValid() ? QString() : QStringLiteral("cannot create a temporary folder");
    return m_reason;
}

Result<DbUrl> StoreFixture::createEmpty()
{
    ++m_counter;
    if (!isPostgres()) {
        DbUrl url;
        url.backend = DbUrl::Backend::Sqlite;
        url.path = m_dir.filePath(QStringLiteral("store-%1.db").arg(m_counter));
        return url;
    }
    if (!m_admin)
        return fail(Error::database(m_reason));
    auto db = openAdmin(*m_admin);
    if (!db)
        return fail(db.error());
    const QString name = QStringLiteral("sluice_t%1_%2")
                             .arg(QRandomGenerator::global()->generate64() % 100000000000ULL)
                             .arg(m_counter);
    if (auto q = (*db)->exec(QStringLiteral("CREATE DATABASE %1").arg(name)); !q)
        return fail(q.error());
    m_created << name;
    DbUrl url = *m_admin;
    url.database = name;
    return url;
}

Result<std::unique_ptr<Database>> StoreFixture::openFresh(bool initialise)
{
    auto url = createEmpty();
    if (!url)
        return fail(url.error());
    auto db = Database::open(*url);
    if (!db)
        return fail(db.error());
    if (initialise) {
        if (auto r = initialiseDatabase(**db, false); !r)
            return fail(r.error());
    }
    return db;
}

Result<StoreFixture::WithOrg> StoreFixture::openFreshWithOrg(const QString &actor)
{
    auto db = openFresh();
    if (!db)
        return fail(db.error());
    auto org = OrgStore(**db, actor).create(QStringLiteral("acme"), QStringLiteral("Acme"));
    if (!org)
        return fail(org.error());
    return WithOrg{std::move(*db), *org};
}

} // namespace sluice::test
