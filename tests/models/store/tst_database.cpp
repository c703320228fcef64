// Opening a store that is not fit for use: each a clear one-line error naming the fix, and the file
// or server left exactly as it was.
#include "store/catalogstore.h"
#include "store/database.h"
#include "store/migrator.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace sluice;

namespace {

DbUrl sqliteAt(const QString &path)
{
    DbUrl u;
    u.backend = DbUrl::Backend::Sqlite;
    u.path = path;
    return u;
}

QByteArray digest(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// A loopback port nobody listens on.
int closedPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    const int port = s.serverPort();
    s.close();
    return port;
}

} // namespace

class tst_Database : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void corruptSqliteFileIsLeftUntouched()
    {
        const QString path = m_dir.filePath(QStringLiteral("corrupt.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QByteArray junk;
        for (int i = 0; i < 2048; ++i)
            junk.append(char('A' + i % 26));
        f.write(junk);
        f.close();
        const QByteArray before = digest(path);
        auto db = Database::open(sqliteAt(path));
        QVERIFY(!db);
        QCOMPARE(db.error().kind, Error::Kind::Database);
        QVERIFY2(db.error().message.contains(QLatin1String("not a SQLite database")), qPrintable(db.error().message));
        QVERIFY(db.error().message.contains(path));
        QVERIFY(!db.error().message.contains(QLatin1Char('\n')));
        QCOMPARE(digest(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void truncatedSqliteFileIsRefused()
    {
        // A real database cut short: the header survives, the pages do not.
        const QString path = m_dir.filePath(QStringLiteral("truncated.db"));
        {
            auto db = Database::open(sqliteAt(path));
            QVERIFY(db);
            QVERIFY(initialiseDatabase(**db, false));
            QVERIFY((*db)->exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        }
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        QVERIFY(f.size() > 8192);
        QVERIFY(f.resize(8192));
        f.close();
        const QByteArray before = digest(path);
        auto db = Database::open(sqliteAt(path));
        if (db) {
            // The header reads fine; the damage shows when the schema is read.
            auto st = Migrator(**db).requireCurrent();
            QVERIFY(!st);
            QVERIFY2(st.error().message.contains(QLatin1String("malformed")) || st.error().message.contains(QLatin1String("not a Sluice")),
                     qPrintable(st.error().message));
        } else {
            QVERIFY2(db.error().message.contains(QLatin1String("damaged")), qPrintable(db.error().message));
        }
        QCOMPARE(digest(path), before);
    }

    void missingFolderIsNamed()
    {
        const QString path = m_dir.filePath(QStringLiteral("no/such/folder/s.db"));
        auto db = Database::open(sqliteAt(path));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QLatin1String("does not exist")), qPrintable(db.error().message));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("no"))));

        Database::Options create;
        create.createParentDir = true;
        auto made = Database::open(sqliteAt(path), create);
        QVERIFY2(made, qPrintable(made ? QString() : made.error().message));
    }

    void folderThatIsAFile()
    {
        const QString file = m_dir.filePath(QStringLiteral("plain"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.close();
        auto db = Database::open(sqliteAt(file + QStringLiteral("/s.db")));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QLatin1String("not a folder")), qPrintable(db.error().message));
    }

    void missingFileIsNotCreatedUnlessAsked()
    {
        const QString path = m_dir.filePath(QStringLiteral("absent.db"));
        Database::Options options;
        options.createIfMissing = false;
        auto db = Database::open(sqliteAt(path), options);
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QLatin1String("db init")), qPrintable(db.error().message));
        QVERIFY(!QFile::exists(path));
    }

    void unwritableFileIsRefused()
    {
        // Root may write anything, so as root the check runs as `nobody` through the real sluicectl.
        QTemporaryDir dir(QDir::tempPath() + QStringLiteral("/sluice-ro-XXXXXX"));
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("ro.db"));
        {
            auto db = Database::open(sqliteAt(path));
            QVERIFY(db);
            QVERIFY(initialiseDatabase(**db, false));
        }
        const QByteArray before = digest(path);
        QVERIFY(QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::ReadGroup | QFileDevice::ReadOther));
        QVERIFY(QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner
                                                     | QFileDevice::ReadOther | QFileDevice::ExeOther | QFileDevice::ReadGroup
                                                     | QFileDevice::ExeGroup));
        QString message;
        int exitCode = 0;
        if (::geteuid() != 0) {
            auto db = Database::open(sqliteAt(path));
            QVERIFY(!db);
            message = db.error().message;
        } else {
            const QString ctl = dir.filePath(QStringLiteral("sluicectl"));
            QVERIFY(QFile::copy(QStringLiteral(SLUICECTL_PATH), ctl));
            QVERIFY(QFile::setPermissions(ctl, QFileDevice::ReadOwner | QFileDevice::ExeOwner | QFileDevice::ReadOther | QFileDevice::ExeOther));
            QProcess p;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("HOME"), dir.path());
            p.setProcessEnvironment(env);
            p.start(QStringLiteral("runuser"), {QStringLiteral("-u"), QStringLiteral("nobody"), QStringLiteral("--"), ctl,
                                                QStringLiteral("--db"), QStringLiteral("sqlite://") + path, QStringLiteral("org"), QStringLiteral("list")});
            QVERIFY(p.waitForFinished(30000));
            exitCode = p.exitCode();
            message = QString::fromUtf8(p.readAllStandardError());
            QCOMPARE(exitCode, 2);
            QCOMPARE(message.count(QLatin1Char('\n')), 1);
        }
        QVERIFY2(message.contains(QLatin1String("not writable")), qPrintable(message));
        QVERIFY(message.contains(QLatin1String("chmod")));
        QCOMPARE(digest(path), before);
    }

    void unreachablePostgresIsReportedQuickly()
    {
        auto url = DbUrl::parse(QStringLiteral("postgresql://sluice@127.0.0.1:%1/sluice").arg(closedPort()));
        QVERIFY(url);
        QElapsedTimer t;
        t.start();
        auto db = Database::open(*url);
        QVERIFY(!db);
        QVERIFY(t.elapsed() < 15000);
        QCOMPARE(db.error().kind, Error::Kind::Database);
        QVERIFY2(db.error().message.contains(QLatin1String("cannot connect to PostgreSQL at 127.0.0.1")), qPrintable(db.error().message));
        QVERIFY(db.error().message.contains(QLatin1String("PGPASSWORD")));
        QVERIFY(!db.error().message.contains(QLatin1Char('\n')));
    }
};

QTEST_GUILESS_MAIN(tst_Database)
#include "tst_database.moc"
