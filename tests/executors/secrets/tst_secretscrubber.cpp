// SecretScrubber: every known value, in every form it takes in a log line, becomes ****.
#include "secrets/secretscrubber.h"

#include <QRegularExpression>
#include <QTest>
#include <QUrl>

#include <atomic>
#include <thread>
#include <vector>

using namespace sluice;

class TstSecretScrubber : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void noValuesLeavesLinesAlone();
    void plain_data();
    void plain();
    void urlEncoded_data();
    void urlEncoded();
    void urlInConnectionString();
    void basicAuthHeaderAtEveryAlignment_data();
    void basicAuthHeaderAtEveryAlignment();
    void base64OfValueAlone();
    void jsonEscaped();
    void multiLineValueMaskedLineByLine();
    void overlappingAndAdjacentValues_data();
    void overlappingAndAdjacentValues();
    void shortValuesIgnored();
    void regexCharactersAreLiteral();
    void addingTwiceAndClear();
    void concurrentReadersWhileAdding();
};

void TstSecretScrubber::noValuesLeavesLinesAlone()
{
    SecretScrubber scrubber;
    QVERIFY(scrubber.isEmpty());
    const QString line = QStringLiteral("12:00:01 Running with dbt=1.8.9 password=hunter2");
    const QString out = scrubber.scrub(line);
    QCOMPARE(out, line);
    // The fast path hands back the same string: nothing is copied.
    QVERIFY(out.constData() == line.constData());
}

void TstSecretScrubber::plain_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("middle") << "hunter2secret" << "password=hunter2secret host=db" << "password=**** host=db";
    QTest::newRow("whole line") << "hunter2secret" << "hunter2secret" << "****";
    QTest::newRow("twice") << "tok-123456" << "a tok-123456 b tok-123456" << "a **** b ****";
    QTest::newRow("absent") << "tok-123456" << "nothing to see here" << "nothing to see here";
    QTest::newRow("case differs") << "Tok-ABCDEF" << "tok-abcdef" << "tok-abcdef";
    QTest::newRow("unicode") << QStringLiteral("pässwörd🔑密码") << QStringLiteral("x=pässwörd🔑密码;") << "x=****;";
}

void TstSecretScrubber::plain()
{
    QFETCH(QString, secret);
    QFETCH(QString, line);
    QFETCH(QString, expected);
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(secret));
    QCOMPARE(scrubber.scrub(line), expected);
}

void TstSecretScrubber::urlEncoded_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("encoded");
    const QString s = QStringLiteral("p@ss:w/rd 1&x=é");
    QTest::newRow("full, upper hex") << s << QString::fromLatin1(QUrl::toPercentEncoding(s));
    QTest::newRow("full, lower hex") << s << QString::fromLatin1(QUrl::toPercentEncoding(s)).toLower(); // the value itself is lowercase
    QTest::newRow("partial (userinfo)") << s << QStringLiteral("p%40ss%3Aw%2Frd 1&x=é");
    QTest::newRow("form, + for space") << s << QStringLiteral("p%40ss%3Aw%2Frd+1%26x%3D%C3%A9");
}

void TstSecretScrubber::urlEncoded()
{
    QFETCH(QString, secret);
    QFETCH(QString, encoded);
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(secret));
    QCOMPARE(scrubber.scrub(QStringLiteral("GET /login?pw=") + encoded + QStringLiteral(" HTTP/1.1")),
             QStringLiteral("GET /login?pw=**** HTTP/1.1"));
}

void TstSecretScrubber::urlInConnectionString()
{
    SecretScrubber scrubber;
    const QString password = QStringLiteral("S3cr3t/with@chars:");
    QVERIFY(scrubber.add(password));
    QUrl url(QStringLiteral("postgresql://loader@db.example.com:5432/warehouse"));
    url.setPassword(password);
    const QString line = QStringLiteral("connecting to ") + url.toString(QUrl::FullyEncoded);
    QVERIFY2(line.contains(QStringLiteral("%40")), qPrintable(line)); // the URL really is encoded
    QCOMPARE(scrubber.scrub(line), QStringLiteral("connecting to postgresql://loader:****@db.example.com:5432/warehouse"));
}

void TstSecretScrubber::basicAuthHeaderAtEveryAlignment_data()
{
    QTest::addColumn<QString>("user");
    // user + ':' of 4, 5 and 6 bytes: the password starts at each of the three byte alignments.
    QTest::newRow("offset 1") << "abc";
    QTest::newRow("offset 2") << "abcd";
    QTest::newRow("offset 0") << "abcde";
    QTest::newRow("no user") << "";
}

void TstSecretScrubber::basicAuthHeaderAtEveryAlignment()
{
    QFETCH(QString, user);
    const QString password = QStringLiteral("correct horse battery staple");
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(password));
    const QString credentials = user + QLatin1Char(':') + password;
    const QString encoded = QString::fromLatin1(credentials.toUtf8().toBase64());
    const QString line = QStringLiteral("> Authorization: Basic ") + encoded;
    const QString out = scrubber.scrub(line);
    QVERIFY2(out.contains(SecretScrubber::mask()), qPrintable(out));
    // What stays visible is the user's part and at most a few characters at the edges, far too
    // little to rebuild the password.
    const QString visible = out.mid(out.indexOf(QStringLiteral("Basic ")) + 6).remove(SecretScrubber::mask());
    const qsizetype userChars = (8 * (user.size() + 1) + 5) / 6;
    QVERIFY2(visible.size() <= userChars + 4, qPrintable(out));
    QVERIFY(QByteArray::fromBase64(visible.toLatin1()).indexOf("horse") < 0);
}

void TstSecretScrubber::base64OfValueAlone()
{
    const QString token = QStringLiteral("ghp_16C7e42F292c6912E7710c838347Ae178B4a");
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(token));
    const QByteArray bytes = token.toUtf8();
    QCOMPARE(scrubber.scrub(QStringLiteral("token: ") + QString::fromLatin1(bytes.toBase64())), QStringLiteral("token: ****"));
    QCOMPARE(scrubber.scrub(QStringLiteral("token: ") + QString::fromLatin1(bytes.toBase64(QByteArray::OmitTrailingEquals)) + QStringLiteral(" end")),
             QStringLiteral("token: **** end"));
    // URL-safe alphabet: pick a value whose encoding holds + or / in the standard one.
    const QString binaryish = QStringLiteral("~~~?!?>>>~~~");
    QVERIFY(scrubber.add(binaryish));
    const QByteArray std64 = binaryish.toUtf8().toBase64();
    const QByteArray url64 = binaryish.toUtf8().toBase64(QByteArray::Base64UrlEncoding);
    QVERIFY(std64 != url64);
    QCOMPARE(scrubber.scrub(QString::fromLatin1(std64)), SecretScrubber::mask());
    QCOMPARE(scrubber.scrub(QString::fromLatin1(url64)), SecretScrubber::mask());
}

void TstSecretScrubber::jsonEscaped()
{
    const QString secret = QStringLiteral("pa\"ss\\wörd\tx");
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(secret));
    // Raw strings would confuse moc's preprocessor inside QCOMPARE; these are the JSON texts
    // {"msg": "login with pa\"ss\\wörd\tx failed"} and, as Python prints non-ASCII, {"msg": "pa\"ss\\w\u00f6rd\tx"}.
    const QString logged = QStringLiteral("{\"msg\": \"login with pa\\\"ss\\\\wörd\\tx failed\"}");
    QCOMPARE(scrubber.scrub(logged), QStringLiteral("{\"msg\": \"login with **** failed\"}"));
    const QString python = QStringLiteral("{\"msg\": \"pa\\\"ss\\\\w\\u00f6rd\\tx\"}");
    QCOMPARE(scrubber.scrub(python), QStringLiteral("{\"msg\": \"****\"}"));
}

void TstSecretScrubber::multiLineValueMaskedLineByLine()
{
    const QString key = QStringLiteral("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\nBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n");
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(key));
    QCOMPARE(scrubber.scrub(QStringLiteral("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC")), SecretScrubber::mask());
    QCOMPARE(scrubber.scrub(QStringLiteral("  BKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj")), QStringLiteral("  ****"));
    // The whole value, JSON-escaped on one line (a service-account key inside a JSON log).
    QString escaped = key;
    escaped.replace(QLatin1Char('\r'), QStringLiteral("\\r")).replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    QCOMPARE(scrubber.scrub(QStringLiteral("\"private_key\": \"") + escaped + QLatin1Char('"')), QStringLiteral("\"private_key\": \"****\""));
}

void TstSecretScrubber::overlappingAndAdjacentValues_data()
{
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("line");
    QTest::addColumn<QString>("expected");
    QTest::newRow("overlap") << QStringList{"abcdef12", "ef12ghij"} << "xxabcdef12ghijyy" << "xx****yy";
    QTest::newRow("overlap, other order") << QStringList{"ef12ghij", "abcdef12"} << "xxabcdef12ghijyy" << "xx****yy";
    QTest::newRow("contained") << QStringList{"value", "secretvalue"} << "secretvalue and value" << "**** and ****";
    QTest::newRow("adjacent") << QStringList{"s3cr3tAA", "s3cr3tBB"} << "<s3cr3tAAs3cr3tBB>" << "<****>";
    QTest::newRow("self overlap") << QStringList{"aaaa"} << "baaaaaab" << "b****b";
    QTest::newRow("mask hides length") << QStringList{"short1", "a-much-longer-secret"} << "short1 a-much-longer-secret" << "**** ****";
}

void TstSecretScrubber::overlappingAndAdjacentValues()
{
    QFETCH(QStringList, secrets);
    QFETCH(QString, line);
    QFETCH(QString, expected);
    SecretScrubber scrubber;
    for (const QString &s : secrets)
        QVERIFY(scrubber.add(s));
    QCOMPARE(scrubber.scrub(line), expected);
}

void TstSecretScrubber::shortValuesIgnored()
{
    SecretScrubber scrubber;
    QVERIFY(!scrubber.add(QString()));
    QVERIFY(!scrubber.add(QStringLiteral("abc")));
    QVERIFY(scrubber.isEmpty());
    QCOMPARE(scrubber.scrub(QStringLiteral("abc abc")), QStringLiteral("abc abc"));
    QVERIFY(scrubber.add(QStringLiteral("abcd")));
    QCOMPARE(scrubber.scrub(QStringLiteral("abc abcd")), QStringLiteral("abc ****"));
    // Lines of a multi-line value that are too short ("{", "}") do not mask every brace in the log.
    SecretScrubber json;
    QVERIFY(json.add(QStringLiteral("{\n  \"private_key_id\": \"4f1c0d2a9b\"\n}")));
    QCOMPARE(json.scrub(QStringLiteral("{ }")), QStringLiteral("{ }"));
    QCOMPARE(json.scrub(QStringLiteral("id=\"private_key_id\": \"4f1c0d2a9b\"")), QStringLiteral("id=****"));
}

void TstSecretScrubber::regexCharactersAreLiteral()
{
    const QString secret = QStringLiteral("a.b*c+d?(x)[y]{z}|^$\\");
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(secret));
    QCOMPARE(scrubber.scrub(QStringLiteral("aXbbbcdd")), QStringLiteral("aXbbbcdd"));
    QCOMPARE(scrubber.scrub(QStringLiteral("[") + secret + QStringLiteral("]")), QStringLiteral("[****]"));
}

void TstSecretScrubber::addingTwiceAndClear()
{
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(QStringLiteral("token-1234")));
    QVERIFY(scrubber.add(QStringLiteral("token-1234")));
    QCOMPARE(scrubber.scrub(QStringLiteral("token-1234")), SecretScrubber::mask());
    scrubber.clear();
    QVERIFY(scrubber.isEmpty());
    QCOMPARE(scrubber.scrub(QStringLiteral("token-1234")), QStringLiteral("token-1234"));
}

void TstSecretScrubber::concurrentReadersWhileAdding()
{
    SecretScrubber scrubber;
    QVERIFY(scrubber.add(QStringLiteral("first-secret-value")));
    std::atomic<int> leaks = 0;
    std::atomic<bool> stop = false;
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&] {
            const QString line = QStringLiteral("user=x password=first-secret-value extra=later-secret-%1");
            while (!stop.load()) {
                for (int i = 0; i < 200; ++i) {
                    const QString out = scrubber.scrub(line.arg(i % 10));
                    if (out.contains(QStringLiteral("first-secret")) || !out.contains(SecretScrubber::mask()))
                        ++leaks;
                }
            }
        });
    }
    for (int i = 0; i < 10; ++i)
        QVERIFY(scrubber.add(QStringLiteral("later-secret-%1").arg(i)));
    stop = true;
    for (auto &r : readers)
        r.join();
    QCOMPARE(leaks.load(), 0);
    QCOMPARE(scrubber.scrub(QStringLiteral("later-secret-7 first-secret-value")), QStringLiteral("**** ****"));
}

QTEST_GUILESS_MAIN(TstSecretScrubber)
#include "tst_secretscrubber.moc"
