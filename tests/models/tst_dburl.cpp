// DbUrl: the store URLs Sluice takes (--db, SLUICE_DB), their canonical form, and every refusal, above
// all of a password: it is never accepted and never repeated in an error message.
#include "store/dburl.h"

#include <QDir>
#include <QStandardPaths>
#include <QTest>

#include "testhelpers.h"

using namespace sluice;
using sluice::test::verifyMentions;

class tst_DbUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("sqlite");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("user");
        QTest::addColumn<QString>("host");
        QTest::addColumn<int>("port");
        QTest::addColumn<QString>("database");
        QTest::addColumn<QString>("options");
        QTest::addColumn<QString>("canonical");

        // SQLite.
        QTest::newRow("sqlite") << "sqlite:///home/me/sluice.db" << true << "/home/me/sluice.db" << "" << "" << 5432 << "" << ""
                                << "sqlite:///home/me/sluice.db";
        QTest::newRow("sqlite, blanks around") << "  sqlite:///tmp/a.db\n" << true << "/tmp/a.db" << "" << "" << 5432 << "" << ""
                                               << "sqlite:///tmp/a.db";
        QTest::newRow("sqlite, file in /") << "sqlite:///y" << true << "/y" << "" << "" << 5432 << "" << "" << "sqlite:///y";
        QTest::newRow("sqlite, percent-decoded") << "sqlite:///tmp/My%20Data/s%C3%BCl.db" << true << QStringLiteral("/tmp/My Data/s\u00fcl.db")
                                                 << "" << "" << 5432 << "" << "" << QStringLiteral("sqlite:///tmp/My Data/s\u00fcl.db");
        QTest::newRow("sqlite, raw space and umlaut") << QStringLiteral("sqlite:///tmp/My Data/s\u00fcl.db") << true
                                                      << QStringLiteral("/tmp/My Data/s\u00fcl.db") << "" << "" << 5432 << "" << ""
                                                      << QStringLiteral("sqlite:///tmp/My Data/s\u00fcl.db");
        QTest::newRow("sqlite, literal percent") << "sqlite:///tmp/100%25.db" << true << "/tmp/100%.db" << "" << "" << 5432 << "" << ""
                                                 << "sqlite:///tmp/100%25.db";
        QTest::newRow("sqlite, cleaned path") << "sqlite:////tmp//x/../y.db" << true << "/tmp/y.db" << "" << "" << 5432 << "" << ""
                                              << "sqlite:///tmp/y.db";
        QTest::newRow("sqlite, dot segment") << "sqlite:///tmp/./y.db" << true << "/tmp/y.db" << "" << "" << 5432 << "" << ""
                                             << "sqlite:///tmp/y.db";

        // PostgreSQL.
        QTest::newRow("postgresql, all parts") << "postgresql://sluice@db.example.org:5433/sluice" << false << "" << "sluice"
                                               << "db.example.org" << 5433 << "sluice" << "" << "postgresql://sluice@db.example.org:5433/sluice";
        QTest::newRow("postgres scheme, default port") << "postgres://sluice@db.example.org/sluice" << false << "" << "sluice"
                                                       << "db.example.org" << 5432 << "sluice" << ""
                                                       << "postgresql://sluice@db.example.org:5432/sluice";
        QTest::newRow("no user") << "postgresql://localhost/sluice" << false << "" << "" << "localhost" << 5432 << "sluice" << ""
                                 << "postgresql://localhost:5432/sluice";
        QTest::newRow("empty port") << "postgresql://localhost:/sluice" << false << "" << "" << "localhost" << 5432 << "sluice" << ""
                                    << "postgresql://localhost:5432/sluice";
        QTest::newRow("port 65535") << "postgresql://localhost:65535/sluice" << false << "" << "" << "localhost" << 65535 << "sluice" << ""
                                    << "postgresql://localhost:65535/sluice";
        QTest::newRow("port 1") << "postgresql://localhost:1/sluice" << false << "" << "" << "localhost" << 1 << "sluice" << ""
                                << "postgresql://localhost:1/sluice";
        QTest::newRow("encoded user") << "postgresql://u%40corp@h/db" << false << "" << "u@corp" << "h" << 5432 << "db" << ""
                                      << "postgresql://u%40corp@h:5432/db";
        QTest::newRow("IPv6 host") << "postgresql://[::1]:6543/db" << false << "" << "" << "::1" << 6543 << "db" << ""
                                   << "postgresql://[::1]:6543/db";
        QTest::newRow("IPv4 host") << "postgresql://10.0.0.5/db" << false << "" << "" << "10.0.0.5" << 5432 << "db" << ""
                                   << "postgresql://10.0.0.5:5432/db";
        QTest::newRow("host case is folded") << "postgresql://DB.Example.ORG/db" << false << "" << "" << "db.example.org" << 5432 << "db" << ""
                                             << "postgresql://db.example.org:5432/db";
        QTest::newRow("encoded database name") << "postgresql://h/my%20db" << false << "" << "" << "h" << 5432 << "my db" << ""
                                               << "postgresql://h:5432/my%20db";
        QTest::newRow("two options") << "postgresql://sluice@h/db?sslmode=require&connect_timeout=5" << false << "" << "sluice" << "h" << 5432
                                     << "db" << "sslmode=require;connect_timeout=5"
                                     << "postgresql://sluice@h:5432/db?sslmode=require&connect_timeout=5";
        QTest::newRow("every allowed option")
            << "postgresql://h/db?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&sslcert=/home/me/c.crt&sslkey=/home/me/c.key"
               "&connect_timeout=10&application_name=sluice-agent&target_session_attrs=read-write&options=-csearch_path%3Dsluice"
            << false << "" << "" << "h" << 5432 << "db"
            << "sslmode=verify-full;sslrootcert=/etc/ssl/ca.pem;sslcert=/home/me/c.crt;sslkey=/home/me/c.key;connect_timeout=10;"
               "application_name=sluice-agent;target_session_attrs=read-write;options=-csearch_path=sluice"
            << "postgresql://h:5432/db?sslmode=verify-full&sslrootcert=/etc/ssl/ca.pem&sslcert=/home/me/c.crt&sslkey=/home/me/c.key"
               "&connect_timeout=10&application_name=sluice-agent&target_session_attrs=read-write&options=-csearch_path%3Dsluice";
        QTest::newRow("encoded ampersand in a value") << "postgresql://h/db?application_name=a%26b" << false << "" << "" << "h" << 5432 << "db"
                                                      << "application_name=a&b" << "postgresql://h:5432/db?application_name=a%26b";
        QTest::newRow("encoded percent in a value") << "postgresql://h/db?application_name=100%25" << false << "" << "" << "h" << 5432 << "db"
                                                    << "application_name=100%" << "postgresql://h:5432/db?application_name=100%25";
    }

    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, sqlite);
        QFETCH(QString, path);
        QFETCH(QString, user);
        QFETCH(QString, host);
        QFETCH(int, port);
        QFETCH(QString, database);
        QFETCH(QString, options);
        QFETCH(QString, canonical);

        const auto url = DbUrl::parse(text);
        QVERIFY2(url, qPrintable(url ? QString() : url.error().message));
        QCOMPARE(url->isSqlite(), sqlite);
        QCOMPARE(int(url->backend), int(sqlite ? DbUrl::Backend::Sqlite : DbUrl::Backend::Postgres));
        QCOMPARE(url->path, path);
        QCOMPARE(url->user, user);
        QCOMPARE(url->host, host);
        QCOMPARE(url->port, port);
        QCOMPARE(url->database, database);
        QCOMPARE(url->options, options);
        QCOMPARE(url->toString(), canonical);

        // The canonical form parses back to the same URL, and is stable.
        const auto again = DbUrl::parse(url->toString());
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(int(again->backend), int(url->backend));
        QCOMPARE(again->path, url->path);
        QCOMPARE(again->user, url->user);
        QCOMPARE(again->host, url->host);
        QCOMPARE(again->port, url->port);
        QCOMPARE(again->database, url->database);
        QCOMPARE(again->options, url->options);
        QCOMPARE(again->toString(), canonical);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("mentions");

        QTest::newRow("empty") << "" << QStringList{"empty", "sqlite:///"};
        QTest::newRow("blank") << " \t " << QStringList{"empty"};

        QTest::newRow("relative sqlite path") << "sqlite://rel.db" << QStringList{"\"sqlite://rel.db\"", "absolute path"};
        QTest::newRow("sqlite: without slashes") << "sqlite:rel.db" << QStringList{"\"sqlite:rel.db\"", "absolute path"};
        QTest::newRow("sqlite: with one slash") << "sqlite:/tmp/x.db" << QStringList{"absolute path"};
        QTest::newRow("sqlite:// alone") << "sqlite://" << QStringList{"absolute path"};
        QTest::newRow("sqlite, no file") << "sqlite:///" << QStringList{"\"sqlite:///\"", "no database file"};
        QTest::newRow("sqlite, a directory") << "sqlite:///tmp/" << QStringList{"no database file"};
        QTest::newRow("sqlite, encoded slash") << "sqlite:///%2F" << QStringList{"no database file"};
        QTest::newRow("sqlite, /.") << "sqlite:///." << QStringList{"no database file"};
        QTest::newRow("sqlite, /tmp/.") << "sqlite:///tmp/." << QStringList{"no database file"};
        QTest::newRow("sqlite, /tmp/..") << "sqlite:///tmp/.." << QStringList{"no database file"};

        QTest::newRow("unknown scheme") << "mysql://u@h/db" << QStringList{"\"mysql://u@h/db\"", "not a database URL"};
        QTest::newRow("http") << "http://h/db" << QStringList{"not a database URL"};
        QTest::newRow("bare path") << "/tmp/sluice.db" << QStringList{"\"/tmp/sluice.db\"", "not a database URL"};
        QTest::newRow("bare file name") << "sluice.db" << QStringList{"not a database URL"};
        QTest::newRow("postgresql without //") << "postgresql:h/db" << QStringList{"not a database URL"};

        QTest::newRow("no host") << "postgresql:///db" << QStringList{"no host"};
        QTest::newRow("no database") << "postgresql://h" << QStringList{"\"postgresql://h\"", "no database"};
        QTest::newRow("no database after /") << "postgresql://h:5432/" << QStringList{"no database"};
        QTest::newRow("database with a slash") << "postgresql://h/a/b" << QStringList{"no database"};
        QTest::newRow("port not a number") << "postgresql://h:abc/db" << QStringList{"port"};
        QTest::newRow("port too large") << "postgresql://h:99999/db" << QStringList{"port"};
        QTest::newRow("port 0") << "postgresql://h:0/db" << QStringList{"invalid port"};
        QTest::newRow("negative port") << "postgresql://h:-5/db" << QStringList{"port"};

        QTest::newRow("password option") << "postgresql://h/db?password=hunter2" << QStringList{"\"password\"", "PGPASSWORD"};
        QTest::newRow("password option after another") << "postgresql://h/db?sslmode=require&password=hunter2" << QStringList{"\"password\"", "PGPASSWORD"};
        QTest::newRow("encoded password key") << "postgresql://h/db?pass%77ord=hunter2" << QStringList{"\"password\"", "PGPASSWORD"};
        QTest::newRow("passfile option") << "postgresql://h/db?passfile=/tmp/p" << QStringList{"\"passfile\"", "not supported"};
        QTest::newRow("user option") << "postgresql://h/db?user=other" << QStringList{"\"user\"", "not supported"};
        QTest::newRow("host option") << "postgresql://h/db?host=elsewhere" << QStringList{"\"host\"", "not supported"};
        QTest::newRow("dbname option") << "postgresql://h/db?dbname=other" << QStringList{"\"dbname\"", "not supported"};
        QTest::newRow("option in capitals") << "postgresql://h/db?SSLMODE=require" << QStringList{"\"SSLMODE\"", "not supported"};

        // The driver splices options into a libpq connection string (';' becomes a blank): a value
        // with a separator in it would smuggle in parameters the list above refuses.
        QTest::newRow("semicolon in a value") << "postgresql://h/db?application_name=a%3Bhost%3Delsewhere"
                                              << QStringList{"\"application_name\""};
        QTest::newRow("blank in a value") << "postgresql://h/db?application_name=a%20sslmode%3Ddisable" << QStringList{"\"application_name\""};
        QTest::newRow("blank in options") << "postgresql://h/db?options=-c%20statement_timeout%3D5000" << QStringList{"\"options\""};
        QTest::newRow("quote in a value") << "postgresql://h/db?application_name=%27x" << QStringList{"\"application_name\""};
        QTest::newRow("backslash in a value") << "postgresql://h/db?sslrootcert=C:%5Cca.pem" << QStringList{"\"sslrootcert\""};
    }

    void refused()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, mentions);

        const auto url = DbUrl::parse(text);
        QVERIFY2(!url, qPrintable(QStringLiteral("\"%1\" was accepted as %2").arg(text, url ? url->toString() : QString())));
        QCOMPARE(int(url.error().kind), int(Error::Kind::Invalid));
        verifyMentions(url.error().message, mentions);
    }

    // A password is never accepted, whatever else is wrong with the URL, and no error repeats it.
    void passwordNeverAccepted_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("secrets");          // no part of the message may contain these
        QTest::addColumn<bool>("saysPassword");            // the message explains the password rule

        const QStringList hunter2{"hunter2", "unter", "er2"};
        QTest::newRow("user and password") << "postgresql://sluice:hunter2@db.example.org/sluice" << hunter2 << true;
        QTest::newRow("postgres scheme, port, options") << "postgres://sluice:hunter2@db.example.org:5432/sluice?sslmode=require" << hunter2 << true;
        QTest::newRow("password without user") << "postgresql://:hunter2@db.example.org/sluice" << hunter2 << true;
        QTest::newRow("password and a bad port") << "postgresql://sluice:hunter2@db.example.org:99999/sluice" << hunter2 << true;
        QTest::newRow("password and no host") << "postgresql://sluice:hunter2@/sluice" << hunter2 << true;
        QTest::newRow("password and no database") << "postgresql://sluice:hunter2@db.example.org" << hunter2 << true;
        QTest::newRow("password and an unknown option") << "postgresql://sluice:hunter2@db/sluice?foo=bar" << hunter2 << true;
        QTest::newRow("password twice") << "postgresql://sluice:hunter2@db/sluice?password=hunter2" << hunter2 << true;
        QTest::newRow("encoded password") << "postgresql://sluice:hunter%32@db/sluice" << QStringList{"hunter2", "hunter%32", "unter"} << true;
        QTest::newRow("password with a blank") << "postgresql://sluice:hunt er2@db/sluice" << QStringList{"hunt", "er2"} << true;
        QTest::newRow("password with an @") << "postgresql://sluice:p@ssw0rd@db/sluice" << QStringList{"p@ss", "ssw0rd"} << true;
        QTest::newRow("password with a colon") << "postgresql://sluice:pa:ss9@db/sluice" << QStringList{"pa:ss9", "ss9"} << true;
        // Characters that end the authority: QUrl cannot even find the user info, so the URL is refused
        // as malformed; the password still must not appear.
        QTest::newRow("password with a slash") << "postgresql://sluice:hun/ter2@db/sluice" << QStringList{"hun/", "ter2"} << false;
        QTest::newRow("password with a ?") << "postgresql://sluice:hun?ter2@db/sluice" << QStringList{"hun?", "ter2"} << false;
        QTest::newRow("password with a #") << "postgresql://sluice:hun#ter2@db/sluice" << QStringList{"hun#", "ter2"} << false;
        QTest::newRow("empty password field") << "postgresql://sluice:@db/sluice" << QStringList{} << true;
        QTest::newRow("password of digits and a slash") << "postgresql://sluice:123/ter2@db/sluice" << QStringList{"123", "ter2"} << false;
        QTest::newRow("password option") << "postgresql://db/sluice?password=hunter2" << hunter2 << true;
        QTest::newRow("unknown scheme with a password") << "mysql://sluice:hunter2@db/sluice" << hunter2 << false;
        QTest::newRow("sqlite with a password") << "sqlite://sluice:hunter2@db/x.db" << hunter2 << false;
    }

    void passwordNeverAccepted()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, secrets);
        QFETCH(bool, saysPassword);

        const auto url = DbUrl::parse(text);
        QVERIFY2(!url, "a URL with a password was accepted");
        QCOMPARE(int(url.error().kind), int(Error::Kind::Invalid));
        const QString &message = url.error().message;
        for (const QString &secret : secrets)
            QVERIFY2(!message.contains(secret), qPrintable(QStringLiteral("the message repeats \"%1\": %2").arg(secret, message)));
        if (saysPassword) {
            QVERIFY2(message.contains(QLatin1String("password")), qPrintable(message));
            QVERIFY2(message.contains(QLatin1String("PGPASSWORD")), qPrintable(message));
        }
    }

    void defaultUrl()
    {
        const DbUrl url = defaultDbUrl();
        QVERIFY(url.isSqlite());
        QVERIFY2(QDir::isAbsolutePath(url.path), qPrintable(url.path));
        QVERIFY2(url.path.endsWith(QLatin1String("/sluice.db")), qPrintable(url.path));
        const auto again = DbUrl::parse(url.toString());
        QVERIFY2(again, qPrintable(again ? QString() : again.error().message));
        QCOMPARE(again->path, QDir::cleanPath(url.path));
    }
};

QTEST_GUILESS_MAIN(tst_DbUrl)
#include "tst_dburl.moc"
