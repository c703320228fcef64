// `sluicectl workspace ...` end to end: the real binary, a real SQLite file, a real keychain (private
// gnome-keyring session) and a smart-HTTP git server that demands the token.
#include "githttpserver.h"
#include "gitrepos.h"

#include <QDirIterator>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using sluice::test::GitHttpServerThread;
using sluice::test::GitRepos;

namespace {

const QString kToken = QStringLiteral("ghp_CLICANARY_1d2e3f4a5b6c7d8e9f");

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class TestWorkspaceCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_tmp;
    std::unique_ptr<GitRepos> m_repos;
    std::unique_ptr<GitHttpServerThread> m_http;
    QString m_db;
    QString m_checkout;

    Run ctl(const QStringList &args, const QByteArray &stdinData = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_tmp.filePath(QStringLiteral("xdg")));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_db} + args);
        p.write(stdinData);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000))
            qFatal("sluicectl did not finish");
        // The token never travels in argv.
        for (const QString &a : p.arguments())
            if (a.contains(kToken))
                qFatal("token in argv");
        return {p.exitCode(), p.readAllStandardOutput(), p.readAllStandardError()};
    }

    static QStringList filesContaining(const QString &dir, const QByteArray &needle)
    {
        QStringList hits;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (GitRepos::readFile(path).contains(needle))
                hits << path;
        }
        return hits;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty(),
                 "git is missing: install the Debian package `git` (it also provides git http-backend)");
        QVERIFY(m_tmp.isValid());
        m_repos = std::make_unique<GitRepos>(m_tmp.filePath(QStringLiteral("git")));
        QString error;
        QVERIFY2(m_repos->create(QStringLiteral("project"), &error), qPrintable(error));
        m_http = std::make_unique<GitHttpServerThread>(m_repos->reposRoot(), kToken);
        QVERIFY2(m_http->isListening(), qPrintable(m_http->errorString()));
        m_db = QStringLiteral("sqlite://") + m_tmp.filePath(QStringLiteral("sluice.db"));
        m_checkout = m_tmp.filePath(QStringLiteral("checkout"));
        Run r = ctl({QStringLiteral("db"), QStringLiteral("init")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({QStringLiteral("org"), QStringLiteral("create"), QStringLiteral("acme"), QStringLiteral("--name"), QStringLiteral("Acme")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void setAndShow()
    {
        Run r = ctl({QStringLiteral("workspace"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"),
                     QStringLiteral("--git-url"), m_http->server()->urlFor(QStringLiteral("project.git")),
                     QStringLiteral("--branch"), QStringLiteral("main"), QStringLiteral("--project-dir"), QStringLiteral("."),
                     QStringLiteral("--checkout"), m_checkout});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({QStringLiteral("--json"), QStringLiteral("workspace"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(o.value(QStringLiteral("branch")).toString(), QStringLiteral("main"));
        QCOMPARE(o.value(QStringLiteral("checkout_path")).toString(), m_checkout);
        QVERIFY(o.value(QStringLiteral("checkout")).isNull());

        r = ctl({QStringLiteral("workspace"), QStringLiteral("set"), QStringLiteral("--org"), QStringLiteral("acme"),
                 QStringLiteral("--git-url"), QStringLiteral("https://x:pw-in-url-42@example.invalid/p.git")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("carries credentials"), r.err.constData());
        QVERIFY(!r.err.contains("pw-in-url-42"));
    }

    void pullWithoutTokenSaysHowToSetIt()
    {
        const Run r = ctl({QStringLiteral("workspace"), QStringLiteral("pull"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("sluicectl secrets set org/acme/git-token"), r.err.constData());
        QVERIFY(!QDir(m_checkout).exists(QStringLiteral(".git")));
    }

    void wrongTokenIsRefused()
    {
        Run r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("org/acme/git-token")}, "ghp_WRONG_TOKEN_123\n");
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({QStringLiteral("workspace"), QStringLiteral("clone"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("authentication failed: the git token was refused"), r.err.constData());
        QVERIFY(r.err.contains("sluicectl secrets set org/acme/git-token"));
        QVERIFY(!r.err.contains("ghp_WRONG_TOKEN_123"));
    }

    void cloneThenPull()
    {
        Run r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("org/acme/git-token")}, kToken.toUtf8() + '\n');
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = ctl({QStringLiteral("workspace"), QStringLiteral("pull"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.startsWith("Cloned "), r.out.constData());
        QVERIFY2(r.err.contains("Receiving objects: 100%"), r.err.constData());

        QString error;
        const QString sha = m_repos->commitAndPush(QStringLiteral("project"), QStringLiteral("models/c.sql"), "select 'c'\n",
                                                   QStringLiteral("Add model c"), &error);
        QVERIFY2(!sha.isEmpty(), qPrintable(error));
        r = ctl({QStringLiteral("--json"), QStringLiteral("workspace"), QStringLiteral("pull"), QStringLiteral("--org"), QStringLiteral("acme")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(r.out).object();
        QVERIFY(o.value(QStringLiteral("fast_forwarded")).toBool());
        QCOMPARE(o.value(QStringLiteral("after")).toObject().value(QStringLiteral("sha")).toString(), sha);

        r = ctl({QStringLiteral("--json"), QStringLiteral("workspace"), QStringLiteral("show"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(QJsonDocument::fromJson(r.out).object().value(QStringLiteral("checkout")).toObject().value(QStringLiteral("summary")).toString(),
                 QStringLiteral("Add model c"));

        r = ctl({QStringLiteral("workspace"), QStringLiteral("clone"), QStringLiteral("--org"), QStringLiteral("acme")});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("already holds a checkout"));

        // The token is nowhere on disk: not in the checkout, not in the database.
        QCOMPARE(filesContaining(m_checkout, kToken.toUtf8()), QStringList());
        QCOMPARE(filesContaining(m_tmp.path(), kToken.toUtf8()), QStringList());
    }

    void cleanupTestCase() { m_http.reset(); }
};

QTEST_GUILESS_MAIN(TestWorkspaceCli)
#include "tst_workspacecli.moc"
