// GitWorkspace against real repositories: bare repositories on disk and a smart-HTTP server
// (git http-backend behind tests/support/githttp) that demands a token.
#include "git/gitworkspace.h"

#include "githttpserver.h"
#include "gitrepos.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace sluice;
using sluice::test::GitHttpServerThread;
using sluice::test::GitRepos;

namespace {

const QString kToken = QStringLiteral("ghp_CANARY_7f3a9c2e51d84b06a1e2");
const QString kHint = QStringLiteral("update it with `sluicectl secrets set org/acme/git-token`");

GitTransferControl withToken(const QString &token, std::atomic<int> *calls = nullptr)
{
    GitTransferControl c;
    c.tokenHint = kHint;
    c.token = [token, calls]() -> Result<QString> {
        if (calls)
            ++*calls;
        return token;
    };
    return c;
}

// Every file under `dir` (recursively, hidden ones too) whose bytes contain `needle`.
QStringList filesContaining(const QString &dir, const QByteArray &needle)
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

} // namespace

class TestGitWorkspace : public QObject
{
    Q_OBJECT

private:
    QString newRemote(const QString &name)
    {
        QString error;
        if (!m_repos->create(name, &error))
            qFatal("%s", qPrintable(error));
        return m_repos->barePath(name);
    }
    QString checkoutPath(const QString &name) const { return m_tmp.path() + QStringLiteral("/checkouts/") + name; }
    QString seedHead(const QString &name, const QString &rev = QStringLiteral("HEAD"))
    {
        QString error;
        return GitRepos::git(m_repos->seedPath(name), {QStringLiteral("rev-parse"), rev}, &error);
    }
    QString gitIn(const QString &dir, const QStringList &args)
    {
        QString error;
        const QString out = GitRepos::git(dir, args, &error);
        if (out.isNull())
            qWarning("%s", qPrintable(error));
        return out;
    }

    QTemporaryDir m_tmp;
    std::unique_ptr<GitRepos> m_repos;
    std::unique_ptr<GitHttpServerThread> m_http;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty(),
                 "git is missing: install the Debian package `git` (it also provides git http-backend)");
        QVERIFY2(QFile::exists(QStringLiteral("/usr/lib/git-core/git-http-backend")),
                 "git http-backend is missing: install the Debian package `git`");
        QVERIFY(m_tmp.isValid());
        m_repos = std::make_unique<GitRepos>(m_tmp.path());
        m_http = std::make_unique<GitHttpServerThread>(m_repos->reposRoot(), kToken);
        QVERIFY2(m_http->isListening(), qPrintable(m_http->errorString()));
    }

    void cloneOverFilePath()
    {
        const QString remote = newRemote(QStringLiteral("file-clone"));
        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), checkoutPath(QStringLiteral("file-clone")), {});
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        auto head = ws->currentCommit();
        QVERIFY(head.has_value());
        QCOMPARE(head->sha, seedHead(QStringLiteral("file-clone"), QStringLiteral("main")));
        QCOMPARE(head->summary, QStringLiteral("Initial project"));
        QCOMPARE(head->branch, QStringLiteral("main"));
        QVERIFY(QFile::exists(checkoutPath(QStringLiteral("file-clone")) + QStringLiteral("/models/a.sql")));
    }

    void cloneChosenBranch()
    {
        const QString remote = newRemote(QStringLiteral("branch-clone"));
        const QString path = checkoutPath(QStringLiteral("branch-clone"));
        auto ws = GitWorkspace::clone(remote, QStringLiteral("dev"), path, {});
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        auto head = ws->currentCommit();
        QVERIFY(head.has_value());
        QCOMPARE(head->branch, QStringLiteral("dev"));
        QCOMPARE(head->sha, seedHead(QStringLiteral("branch-clone"), QStringLiteral("dev")));
        QCOMPARE(GitRepos::readFile(path + QStringLiteral("/dev.txt")), QByteArray("only on dev\n"));
    }

    void cloneOverHttpWithToken()
    {
        newRemote(QStringLiteral("http-clone"));
        const QString path = checkoutPath(QStringLiteral("http-clone"));
        const qsizetype before = m_http->server()->requests().size();
        std::atomic<int> calls = 0;
        auto ws = GitWorkspace::clone(m_http->server()->urlFor(QStringLiteral("http-clone.git")), QStringLiteral("main"),
                                      path, withToken(kToken, &calls));
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        QCOMPARE(ws->currentCommit()->sha, seedHead(QStringLiteral("http-clone"), QStringLiteral("main")));
        QCOMPARE(calls.load(), 1);
        // The server really demanded the token: an anonymous 401 first, then authorised requests.
        const auto requests = m_http->server()->requests().mid(before);
        QVERIFY(requests.size() >= 3);
        QCOMPARE(requests.first().status, 401);
        QVERIFY(requests.last().authorized);
        QCOMPARE(requests.last().status, 200);
        for (const auto &r : requests)
            QVERIFY2(!r.target.contains(kToken), qPrintable(r.target));
        // Nothing under .git (config, FETCH_HEAD, logs, packed-refs ...) holds the token.
        const QString config = QString::fromUtf8(GitRepos::readFile(path + QStringLiteral("/.git/config")));
        QVERIFY(config.contains(m_http->server()->urlFor(QStringLiteral("http-clone.git"))));
        QCOMPARE(filesContaining(path, kToken.toUtf8()), QStringList());
    }

    void wrongTokenFailsQuickly_data()
    {
        QTest::addColumn<bool>("giveToken");
        QTest::newRow("refused token") << true;
        QTest::newRow("no token") << false;
    }
    void wrongTokenFailsQuickly()
    {
        QFETCH(bool, giveToken);
        const QString name = giveToken ? QStringLiteral("wrong-token") : QStringLiteral("no-token");
        newRemote(name);
        const QString wrong = QStringLiteral("ghp_WRONG_0000111122223333");
        std::atomic<int> calls = 0;
        GitTransferControl control = giveToken ? withToken(wrong, &calls) : GitTransferControl{};
        control.tokenHint = kHint;
        const qsizetype before = m_http->server()->requests().size();
        QElapsedTimer timer;
        timer.start();
        auto ws = GitWorkspace::clone(m_http->server()->urlFor(name + QStringLiteral(".git")), QStringLiteral("main"),
                                      checkoutPath(name), control);
        QVERIFY(!ws.has_value());
        QVERIFY2(timer.elapsed() < 10000, "a refused token must fail at once, not loop");
        QCOMPARE(ws.error().kind, GitError::Kind::Auth);
        QVERIFY2(ws.error().message.startsWith(QLatin1String("authentication failed")), qPrintable(ws.error().message));
        QVERIFY2(ws.error().message.contains(QLatin1String("sluicectl secrets set org/acme/git-token")), qPrintable(ws.error().message));
        QVERIFY(!ws.error().message.contains(wrong));
        QVERIFY(!ws.error().message.contains(kToken));
        QCOMPARE(calls.load(), giveToken ? 1 : 0);
        // One anonymous request and at most one with the token: no credential loop.
        const auto requests = m_http->server()->requests().mid(before);
        QVERIFY2(requests.size() <= 2, qPrintable(QString::number(requests.size())));
        for (const auto &r : requests)
            QCOMPARE(r.status, 401);
        QVERIFY(!QDir(checkoutPath(name)).exists() || QDir(checkoutPath(name)).isEmpty());
    }

    void tokenProviderErrorIsReported()
    {
        newRemote(QStringLiteral("provider-error"));
        GitTransferControl control;
        control.token = []() -> Result<QString> {
            return fail(Error::notFound(QStringLiteral("no git token for org acme; set it with `sluicectl secrets set org/acme/git-token`")));
        };
        auto ws = GitWorkspace::clone(m_http->server()->urlFor(QStringLiteral("provider-error.git")), QStringLiteral("main"),
                                      checkoutPath(QStringLiteral("provider-error")), control);
        QVERIFY(!ws.has_value());
        QCOMPARE(ws.error().kind, GitError::Kind::Auth);
        QVERIFY2(ws.error().message.startsWith(QLatin1String("no git token for org acme")), qPrintable(ws.error().message));
    }

    void changedTokenIsUsedAtOnce()
    {
        newRemote(QStringLiteral("rotated"));
        const QString path = checkoutPath(QStringLiteral("rotated"));
        auto current = std::make_shared<QString>(kToken);
        GitTransferControl control;
        control.token = [current]() -> Result<QString> { return *current; };
        auto ws = GitWorkspace::clone(m_http->server()->urlFor(QStringLiteral("rotated.git")), QStringLiteral("main"), path, control);
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        const QString rotated = QStringLiteral("ghp_ROTATED_99998888777766665555");
        m_http->server()->setToken(rotated);
        auto refused = ws->fetch(control);
        QVERIFY(!refused.has_value());
        QCOMPARE(refused.error().kind, GitError::Kind::Auth);
        *current = rotated;
        auto fetched = ws->fetch(control);
        m_http->server()->setToken(kToken);
        QVERIFY2(fetched.has_value(), qPrintable(fetched ? QString() : fetched.error().message));
        QCOMPARE(filesContaining(path, rotated.toUtf8()), QStringList());
    }

    void pullFastForwards_data()
    {
        QTest::addColumn<bool>("overHttp");
        QTest::newRow("file") << false;
        QTest::newRow("http") << true;
    }
    void pullFastForwards()
    {
        QFETCH(bool, overHttp);
        const QString name = overHttp ? QStringLiteral("ff-http") : QStringLiteral("ff-file");
        const QString remote = newRemote(name);
        const QString url = overHttp ? m_http->server()->urlFor(name + QStringLiteral(".git")) : remote;
        const QString path = checkoutPath(name);
        auto ws = GitWorkspace::clone(url, QStringLiteral("main"), path, withToken(kToken));
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        const QString first = ws->currentCommit()->sha;

        auto unchanged = ws->pullFastForward(QStringLiteral("main"), withToken(kToken));
        QVERIFY2(unchanged.has_value(), qPrintable(unchanged ? QString() : unchanged.error().message));
        QVERIFY(!unchanged->fastForwarded);
        QCOMPARE(unchanged->after.sha, first);

        QString error;
        const QString second = m_repos->commitAndPush(name, QStringLiteral("models/a.sql"), "select 2 as id\n",
                                                      QStringLiteral("Second model version"), &error);
        QVERIFY2(!second.isEmpty(), qPrintable(error));
        auto pulled = ws->pullFastForward(QStringLiteral("main"), withToken(kToken));
        QVERIFY2(pulled.has_value(), qPrintable(pulled ? QString() : pulled.error().message));
        QVERIFY(pulled->fastForwarded);
        QCOMPARE(pulled->before.sha, first);
        QCOMPARE(pulled->after.sha, second);
        QCOMPARE(pulled->after.summary, QStringLiteral("Second model version"));
        QCOMPARE(GitRepos::readFile(path + QStringLiteral("/models/a.sql")), QByteArray("select 2 as id\n"));
        QCOMPARE(gitIn(path, {QStringLiteral("status"), QStringLiteral("--porcelain")}), QString());
        QCOMPARE(filesContaining(path, kToken.toUtf8()), QStringList());
    }

    // The remote's branches, without a clone, over a path and over HTTP with the token (the default
    // branch first); the commit's author and time; how far behind origin a checkout is after a fetch.
    void remoteBranchesAuthorAndBehind()
    {
        const QString remote = newRemote(QStringLiteral("branches"));
        auto local = GitWorkspace::remoteBranches(remote, {});
        QVERIFY2(local, qPrintable(local ? QString() : local.error().message));
        QCOMPARE(*local, (QStringList{QStringLiteral("main"), QStringLiteral("dev")}));
        std::atomic<int> calls = 0;
        auto http = GitWorkspace::remoteBranches(m_http->server()->urlFor(QStringLiteral("branches.git")), withToken(kToken, &calls));
        QVERIFY2(http, qPrintable(http ? QString() : http.error().message));
        QCOMPARE(*http, *local);
        QCOMPARE(calls.load(), 1);
        auto refused = GitWorkspace::remoteBranches(m_http->server()->urlFor(QStringLiteral("branches.git")), withToken(QStringLiteral("wrong")));
        QVERIFY(!refused);
        QCOMPARE(refused.error().kind, GitError::Kind::Auth);
        auto missing = GitWorkspace::remoteBranches(m_tmp.path() + QStringLiteral("/no-such-repo.git"), {});
        QVERIFY(!missing);

        const QString path = checkoutPath(QStringLiteral("branches"));
        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), path, {});
        QVERIFY2(ws.has_value(), qPrintable(ws ? QString() : ws.error().message));
        auto head = ws->currentCommit();
        QVERIFY(head);
        QCOMPARE(head->author, gitIn(m_repos->seedPath(QStringLiteral("branches")), {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%an"), QStringLiteral("main")}));
        QCOMPARE(head->authorTime / 1000, gitIn(m_repos->seedPath(QStringLiteral("branches")), {QStringLiteral("log"), QStringLiteral("-1"), QStringLiteral("--format=%at"), QStringLiteral("main")}).toLongLong());
        auto even = ws->divergenceFromOrigin(QStringLiteral("main"));
        QVERIFY(even && even->has_value());
        QCOMPARE((*even)->behind, 0);
        QCOMPARE((*even)->ahead, 0);
        QString error;
        for (int i = 0; i < 2; ++i)
            QVERIFY2(!m_repos->commitAndPush(QStringLiteral("branches"), QStringLiteral("models/a.sql"), QByteArray("select ") + QByteArray::number(i + 2) + "\n",
                                             QStringLiteral("Change %1").arg(i), &error).isEmpty(), qPrintable(error));
        auto stale = ws->divergenceFromOrigin(QStringLiteral("main"));
        QCOMPARE((*stale)->behind, 0);   // not fetched yet: nothing known
        QVERIFY(ws->fetch({}));
        auto behind = ws->divergenceFromOrigin(QStringLiteral("main"));
        QVERIFY(behind && behind->has_value());
        QCOMPARE((*behind)->behind, 2);
        QCOMPARE((*behind)->ahead, 0);
        auto none = ws->divergenceFromOrigin(QStringLiteral("no-such-branch"));
        QVERIFY(none && !none->has_value());
    }

    void divergedIsRefusedAndKeepsLocalCommit()
    {
        const QString remote = newRemote(QStringLiteral("diverged"));
        const QString path = checkoutPath(QStringLiteral("diverged"));
        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), path, {});
        QVERIFY(ws.has_value());
        GitRepos::writeFile(path + QStringLiteral("/local.sql"), "select 'local'\n");
        QVERIFY(!gitIn(path, {QStringLiteral("add"), QStringLiteral("-A")}).isNull());
        QVERIFY(!gitIn(path, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Local work")}).isNull());
        const QString local = gitIn(path, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
        QString error;
        QVERIFY(!m_repos->commitAndPush(QStringLiteral("diverged"), QStringLiteral("remote.sql"), "select 'remote'\n",
                                        QStringLiteral("Remote work"), &error).isEmpty());

        auto pulled = ws->pullFastForward(QStringLiteral("main"), {});
        QVERIFY(!pulled.has_value());
        QCOMPARE(pulled.error().kind, GitError::Kind::Diverged);
        QVERIFY2(pulled.error().message.contains(QLatin1String("diverged")), qPrintable(pulled.error().message));
        QVERIFY(pulled.error().message.contains(QLatin1String("1 local commit")));
        QCOMPARE(gitIn(path, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}), local);
        QCOMPARE(ws->currentCommit()->sha, local);
        QVERIFY(QFile::exists(path + QStringLiteral("/local.sql")));
        QVERIFY(!QFile::exists(path + QStringLiteral("/remote.sql")));
    }

    void dirtyCheckoutIsRefusedAndKeepsChanges_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<bool>("tracked");
        QTest::newRow("modified tracked file") << QStringLiteral("models/a.sql") << true;
        QTest::newRow("untracked file in the way") << QStringLiteral("models/new.sql") << false;
    }
    void dirtyCheckoutIsRefusedAndKeepsChanges()
    {
        QFETCH(QString, file);
        QFETCH(bool, tracked);
        const QString name = tracked ? QStringLiteral("dirty-tracked") : QStringLiteral("dirty-untracked");
        const QString remote = newRemote(name);
        const QString path = checkoutPath(name);
        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), path, {});
        QVERIFY(ws.has_value());
        const QString head = ws->currentCommit()->sha;
        QVERIFY(GitRepos::writeFile(path + QLatin1Char('/') + file, "select 'my local edit'\n"));
        QString error;
        QVERIFY(!m_repos->commitAndPush(name, file, "select 'from remote'\n", QStringLiteral("Remote edit"), &error).isEmpty());

        auto pulled = ws->pullFastForward(QStringLiteral("main"), {});
        QVERIFY(!pulled.has_value());
        QCOMPARE(pulled.error().kind, GitError::Kind::Dirty);
        QVERIFY2(pulled.error().message.contains(file), qPrintable(pulled.error().message));
        QVERIFY(pulled.error().message.contains(QLatin1String("never discards")));
        QCOMPARE(GitRepos::readFile(path + QLatin1Char('/') + file), QByteArray("select 'my local edit'\n"));
        QCOMPARE(ws->currentCommit()->sha, head);
    }

    void unknownBranchIsAClearError()
    {
        const QString remote = newRemote(QStringLiteral("no-branch"));
        const QString path = checkoutPath(QStringLiteral("no-branch"));
        auto cloned = GitWorkspace::clone(remote, QStringLiteral("release"), path, {});
        QVERIFY(!cloned.has_value());
        QCOMPARE(cloned.error().kind, GitError::Kind::BranchNotFound);
        QVERIFY2(cloned.error().message.contains(QLatin1String("branch `release` does not exist")), qPrintable(cloned.error().message));
        QVERIFY(!QDir(path).exists() || QDir(path).isEmpty());

        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), path, {});
        QVERIFY(ws.has_value());
        auto pulled = ws->pullFastForward(QStringLiteral("release"), {});
        QVERIFY(!pulled.has_value());
        QCOMPARE(pulled.error().kind, GitError::Kind::BranchNotFound);
        QVERIFY(pulled.error().message.contains(QLatin1String("`release`")));
        QCOMPARE(ws->currentCommit()->branch, QStringLiteral("main"));
    }

    void checkoutAndPullAnotherBranch()
    {
        const QString remote = newRemote(QStringLiteral("switch"));
        const QString path = checkoutPath(QStringLiteral("switch"));
        auto ws = GitWorkspace::clone(remote, QStringLiteral("main"), path, {});
        QVERIFY(ws.has_value());
        auto pulled = ws->pullFastForward(QStringLiteral("dev"), {});
        QVERIFY2(pulled.has_value(), qPrintable(pulled ? QString() : pulled.error().message));
        QVERIFY(pulled->switchedBranch);
        QCOMPARE(pulled->after.branch, QStringLiteral("dev"));
        QCOMPARE(pulled->after.sha, seedHead(QStringLiteral("switch"), QStringLiteral("dev")));
        QVERIFY(QFile::exists(path + QStringLiteral("/dev.txt")));
        QCOMPARE(gitIn(path, {QStringLiteral("rev-parse"), QStringLiteral("--abbrev-ref"), QStringLiteral("dev@{upstream}")}),
                 QStringLiteral("origin/dev"));
        auto back = ws->checkoutBranch(QStringLiteral("main"));
        QVERIFY(back.has_value());
        QCOMPARE(ws->currentCommit()->branch, QStringLiteral("main"));
        QVERIFY(!QFile::exists(path + QStringLiteral("/dev.txt")));
    }

    void badInputs()
    {
        auto withPassword = GitWorkspace::clone(QStringLiteral("https://user:secret@example.invalid/x.git"), QStringLiteral("main"),
                                                checkoutPath(QStringLiteral("pw")), {});
        QVERIFY(!withPassword.has_value());
        QCOMPARE(withPassword.error().kind, GitError::Kind::Invalid);
        QVERIFY(!withPassword.error().message.contains(QLatin1String("secret")));

        const QString empty = checkoutPath(QStringLiteral("not-a-repo"));
        QVERIFY(QDir().mkpath(empty));
        auto opened = GitWorkspace::open(empty);
        QVERIFY(!opened.has_value());
        QCOMPARE(opened.error().kind, GitError::Kind::NotARepository);

        GitRepos::writeFile(empty + QStringLiteral("/x"), "x");
        auto intoFull = GitWorkspace::clone(m_repos->barePath(QStringLiteral("file-clone")), QStringLiteral("main"), empty, {});
        QVERIFY(!intoFull.has_value());
        QCOMPARE(intoFull.error().kind, GitError::Kind::Invalid);
        QVERIFY(QFile::exists(empty + QStringLiteral("/x")));

        auto missing = GitWorkspace::clone(m_tmp.path() + QStringLiteral("/no/such/repo.git"), QStringLiteral("main"),
                                           checkoutPath(QStringLiteral("missing")), {});
        QVERIFY(!missing.has_value());
        QVERIFY(!missing.error().message.isEmpty());
    }

    // The CGI host is a real smart-HTTP server: the git CLI clones through it and pushes a pack
    // large enough to go as a chunked request body (streamed to git http-backend's stdin).
    void serverServesTheGitCli()
    {
        newRemote(QStringLiteral("cli"));
        const QString url = m_http->server()->urlFor(QStringLiteral("cli.git"));
        // The token goes in through the environment, never argv.
        const QMap<QString, QString> auth = {
            {QStringLiteral("GIT_CONFIG_COUNT"), QStringLiteral("1")},
            {QStringLiteral("GIT_CONFIG_KEY_0"), QStringLiteral("http.extraHeader")},
            {QStringLiteral("GIT_CONFIG_VALUE_0"),
             QStringLiteral("Authorization: Basic ") + QString::fromLatin1(("x-access-token:" + kToken).toUtf8().toBase64())}};
        QString error;
        const QString work = checkoutPath(QStringLiteral("cli"));
        QVERIFY2(!GitRepos::git(m_tmp.path(), {QStringLiteral("clone"), QStringLiteral("-q"), url, work}, &error, auth).isNull(),
                 qPrintable(error));
        QByteArray big(512 * 1024, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(big.data()), big.size() / 4);
        QVERIFY(GitRepos::writeFile(work + QStringLiteral("/seeds/big.csv"), big));
        QVERIFY(!GitRepos::git(work, {QStringLiteral("add"), QStringLiteral("-A")}, &error).isNull());
        QVERIFY(!GitRepos::git(work, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("Big seed")}, &error).isNull());
        const qsizetype before = m_http->server()->requests().size();
        QVERIFY2(!GitRepos::git(work, {QStringLiteral("-c"), QStringLiteral("http.postBuffer=65536"), QStringLiteral("push"),
                                       QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("main")}, &error, auth).isNull(),
                 qPrintable(error));
        bool receivePack = false;
        for (const auto &r : m_http->server()->requests().mid(before))
            receivePack |= r.method == QLatin1String("POST") && r.target.endsWith(QLatin1String("git-receive-pack")) && r.status == 200;
        QVERIFY(receivePack);
        const QString pushed = GitRepos::git(work, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}, &error);
        QCOMPARE(GitRepos::git(m_repos->barePath(QStringLiteral("cli")), {QStringLiteral("rev-parse"), QStringLiteral("main")}, &error), pushed);

        // Without the token the server says 401 and git gives up.
        QVERIFY(GitRepos::git(m_tmp.path(), {QStringLiteral("ls-remote"), url}, &error).isNull());
    }

    void cleanupTestCase() { m_http.reset(); }
};

QTEST_GUILESS_MAIN(TestGitWorkspace)
#include "tst_gitworkspace.moc"
