// The git token an org's remote gets (runner/orgsetup): the keychain's token over https:// and to this
// machine, never over plain http:// to another host (the server that asks is told why), none for ssh;
// and the user name each git host expects beside a token.
#include "runner/orgsetup.h"

#include <QCoro/QCoroTask>
#include <QTest>

using namespace sluice;

namespace {

const QString kToken = QStringLiteral("ghp_orgsetup-canary-token");

SecretLookup storedToken(std::optional<QString> value)
{
    return [value](const QString &) -> QCoro::Task<Result<std::optional<QString>>> { co_return value; };
}

} // namespace

class tst_OrgSetup : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void tokenUserPerHost_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("user");
        QTest::newRow("github") << "https://github.com/acme/dbt.git" << "x-access-token";
        QTest::newRow("gitlab.com") << "https://gitlab.com/acme/dbt.git" << "oauth2";
        QTest::newRow("self-hosted gitlab") << "https://gitlab.acme.org/data/dbt.git" << "oauth2";
        QTest::newRow("bitbucket") << "https://bitbucket.org/acme/dbt.git" << "x-token-auth";
        QTest::newRow("other") << "https://git.acme.org/dbt.git" << "x-access-token";
    }
    void tokenUserPerHost()
    {
        QFETCH(QString, url);
        QFETCH(QString, user);
        QCOMPARE(gitTokenUser(url), user);
    }

    void tokenOnlyWhereItIsSafe_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<int>("expect"); // 0: no provider, 1: the token, 2: refused with the reason
        QTest::newRow("https") << "https://github.com/acme/dbt.git" << 1;
        QTest::newRow("http to another host") << "http://git.acme.org/dbt.git" << 2;
        QTest::newRow("HTTP in capitals") << "HTTP://git.acme.org/dbt.git" << 2;
        QTest::newRow("http to localhost") << "http://localhost:8080/dbt.git" << 1;
        QTest::newRow("http to 127.0.0.1") << "http://127.0.0.1:8080/dbt.git" << 1;
        QTest::newRow("ssh") << "ssh://git@github.com/acme/dbt.git" << 0;
        QTest::newRow("file") << "file:///srv/git/dbt.git" << 0;
    }
    void tokenOnlyWhereItIsSafe()
    {
        QFETCH(QString, url);
        QFETCH(int, expect);
        auto token = QCoro::waitFor(gitTokenFor(QStringLiteral("acme"), url, storedToken(kToken)));
        QVERIFY(token);
        if (expect == 0) {
            QVERIFY(!token->provider);
            return;
        }
        QVERIFY(token->provider);
        const Result<QString> given = token->provider();
        if (expect == 1) {
            QCOMPARE(given.value_or(QString()), kToken);
            return;
        }
        QVERIFY(!given);
        QVERIFY2(given.error().message.contains(QLatin1String("plain http://")) && given.error().message.contains(QLatin1String("https://")),
                 qPrintable(given.error().message));
        QVERIFY(!given.error().message.contains(kToken));
    }

    void noStoredTokenSaysHowToStoreOne()
    {
        auto token = QCoro::waitFor(gitTokenFor(QStringLiteral("acme"), QStringLiteral("https://github.com/acme/dbt.git"), storedToken(std::nullopt)));
        QVERIFY(token && token->provider);
        const Result<QString> given = token->provider();
        QVERIFY(!given);
        QVERIFY2(given.error().message.contains(QLatin1String("sluicectl secrets set org/acme/git-token")), qPrintable(given.error().message));
    }
};

QTEST_GUILESS_MAIN(tst_OrgSetup)
#include "tst_orgsetup.moc"
