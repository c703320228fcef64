// GitJob: git operations off the caller's thread, with progress, cancel and exactly one finished.
#include "git/gitjob.h"

#include "githttpserver.h"
#include "gitrepos.h"

#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using sluice::test::GitHttpServerThread;
using sluice::test::GitRepos;

namespace {
const QString kToken = QStringLiteral("ghp_JOBCANARY_5b1c7d93e0aa42f8");
}

class TestGitJob : public QObject
{
    Q_OBJECT

private:
    GitJobSpec httpSpec(const QString &name, GitJobSpec::Operation op)
    {
        GitJobSpec spec;
        spec.operation = op;
        spec.url = m_http->server()->urlFor(name + QStringLiteral(".git"));
        spec.branch = QStringLiteral("main");
        spec.path = m_tmp.path() + QStringLiteral("/checkouts/") + name;
        spec.token = []() -> Result<QString> { return kToken; };
        return spec;
    }

    QTemporaryDir m_tmp;
    std::unique_ptr<GitRepos> m_repos;
    std::unique_ptr<GitHttpServerThread> m_http;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("git")).isEmpty(),
                 "git is missing: install the Debian package `git` (it also provides git http-backend)");
        QVERIFY(m_tmp.isValid());
        m_repos = std::make_unique<GitRepos>(m_tmp.path());
        QString error;
        // A repository with many objects (~2,000 files of random bytes): its transfer takes a while.
        QVERIFY2(m_repos->create(QStringLiteral("big"), &error), qPrintable(error));
        QVERIFY2(m_repos->addManyFiles(QStringLiteral("big"), 2000, 2048, &error), qPrintable(error));
        QVERIFY2(m_repos->create(QStringLiteral("small"), &error), qPrintable(error));
        m_http = std::make_unique<GitHttpServerThread>(m_repos->reposRoot(), kToken);
        QVERIFY2(m_http->isListening(), qPrintable(m_http->errorString()));
    }

    void init() { m_http->server()->setThrottle(0); }

    void cloneReportsProgressAndFinishesOnce()
    {
        GitJob job(httpSpec(QStringLiteral("big"), GitJobSpec::Operation::Clone));
        QSignalSpy progress(&job, &GitJob::progress);
        QSignalSpy finished(&job, &GitJob::finished);
        job.start();
        QVERIFY(job.isRunning());
        QCOMPARE(finished.count(), 0); // never from inside start()
        QVERIFY(finished.wait(60000));
        const auto result = finished.first().first().value<GitJobResult>();
        QVERIFY2(result.outcome == Outcome::Success, qPrintable(result.errorText));
        QVERIFY(result.cloned);
        QCOMPARE(result.after.summary, QStringLiteral("Many files"));
        QVERIFY(!job.isRunning());

        QVERIFY(progress.count() > 0);
        qint64 lastTransfer = -1;
        GitProgress finalTransfer;
        for (const auto &args : progress) {
            const auto p = args.first().value<GitProgress>();
            if (p.phase != GitProgress::Phase::Transfer)
                continue;
            QVERIFY(p.receivedObjects >= lastTransfer); // monotonic
            lastTransfer = p.receivedObjects;
            finalTransfer = p;
        }
        QVERIFY(finalTransfer.totalObjects > 2000);
        QCOMPARE(finalTransfer.indexedObjects, finalTransfer.totalObjects);
        QVERIFY(finalTransfer.receivedBytes > 2000 * 2048);
        // Exactly one finished, even after more events are processed.
        QTest::qWait(100);
        QCOMPARE(finished.count(), 1);
    }

    void cancelDuringCloneStops()
    {
        m_http->server()->setThrottle(128 * 1024); // ~4 MB at 128 KB/s: a transfer of ~20 s
        GitJobSpec spec = httpSpec(QStringLiteral("big"), GitJobSpec::Operation::Clone);
        spec.path = m_tmp.path() + QStringLiteral("/checkouts/big-canceled");
        GitJob job(spec);
        QSignalSpy finished(&job, &GitJob::finished);
        int progressSeen = 0;
        QElapsedTimer sinceCancel;
        connect(&job, &GitJob::progress, &job, [&](const GitProgress &p) {
            if (p.phase == GitProgress::Phase::Transfer && p.receivedObjects > 0 && ++progressSeen == 1) {
                sinceCancel.start();
                job.cancel();
            }
        });
        job.start();
        QVERIFY(finished.wait(30000));
        // The whole transfer would take ~20 s at this rate: the cancel must stop it, not the checkout.
        QVERIFY2(sinceCancel.elapsed() < 8000, qPrintable(QString::number(sinceCancel.elapsed())));
        QCOMPARE(finished.count(), 1);
        const auto result = finished.first().first().value<GitJobResult>();
        QCOMPARE(sluice::toString(result.outcome), sluice::toString(Outcome::Canceled));
        QCOMPARE(result.errorKind, GitError::Kind::Canceled);
        QVERIFY(progressSeen >= 1);
        QVERIFY(!QDir(spec.path).exists() || QDir(spec.path).isEmpty());
    }

    void destroyingARunningJobCancelsIt()
    {
        m_http->server()->setThrottle(128 * 1024);
        GitJobSpec spec = httpSpec(QStringLiteral("big"), GitJobSpec::Operation::Clone);
        spec.path = m_tmp.path() + QStringLiteral("/checkouts/big-destroyed");
        auto *job = new GitJob(spec);
        QSignalSpy progress(job, &GitJob::progress);
        bool finishedEmitted = false;
        connect(job, &GitJob::finished, this, [&] { finishedEmitted = true; });
        job->start();
        QVERIFY(progress.wait(30000));
        QVERIFY(QDir(spec.path).exists()); // the clone is under way
        delete job;                         // must not wait for the worker, nor crash later
        // The worker notices the cancel and libgit2 removes the half-made clone.
        QTRY_VERIFY_WITH_TIMEOUT(!QDir(spec.path).exists(), 30000);
        QVERIFY(!finishedEmitted);
    }

    void cancelBeforeStartDoesNothing()
    {
        GitJobSpec spec = httpSpec(QStringLiteral("small"), GitJobSpec::Operation::Clone);
        spec.path = m_tmp.path() + QStringLiteral("/checkouts/never");
        GitJob job(spec);
        QSignalSpy finished(&job, &GitJob::finished);
        const qsizetype before = m_http->server()->requests().size();
        job.cancel();
        job.start();
        QCOMPARE(finished.count(), 0);
        QVERIFY(finished.wait(5000));
        QCOMPARE(sluice::toString(finished.first().first().value<GitJobResult>().outcome), sluice::toString(Outcome::Canceled));
        QVERIFY(!QDir(spec.path).exists());
        QCOMPARE(m_http->server()->requests().size(), before);
    }

    void cloneOrPullClonesThenPulls()
    {
        GitJobSpec spec = httpSpec(QStringLiteral("small"), GitJobSpec::Operation::CloneOrPull);
        {
            GitJob job(spec);
            QSignalSpy finished(&job, &GitJob::finished);
            job.start();
            QVERIFY(finished.wait(30000));
            const auto r = finished.first().first().value<GitJobResult>();
            QVERIFY2(r.outcome == Outcome::Success, qPrintable(r.errorText));
            QVERIFY(r.cloned);
        }
        QString error;
        const QString sha = m_repos->commitAndPush(QStringLiteral("small"), QStringLiteral("models/b.sql"), "select 3\n",
                                                   QStringLiteral("Add model b"), &error);
        QVERIFY2(!sha.isEmpty(), qPrintable(error));
        GitJob job(spec);
        QSignalSpy finished(&job, &GitJob::finished);
        job.start();
        QVERIFY(finished.wait(30000));
        const auto r = finished.first().first().value<GitJobResult>();
        QVERIFY2(r.outcome == Outcome::Success, qPrintable(r.errorText));
        QVERIFY(!r.cloned);
        QVERIFY(r.fastForwarded);
        QCOMPARE(r.after.sha, sha);
        QVERIFY(r.before.isValid() && r.before.sha != sha);

        GitJobSpec read = spec;
        read.operation = GitJobSpec::Operation::CurrentCommit;
        GitJob current(read);
        QSignalSpy done(&current, &GitJob::finished);
        current.start();
        QVERIFY(done.wait(10000));
        QCOMPARE(done.first().first().value<GitJobResult>().after.summary, QStringLiteral("Add model b"));
    }

    void failureIsReportedAsFailed()
    {
        GitJobSpec spec = httpSpec(QStringLiteral("small"), GitJobSpec::Operation::Clone);
        spec.path = m_tmp.path() + QStringLiteral("/checkouts/refused");
        spec.token = []() -> Result<QString> { return QStringLiteral("ghp_NOT_THE_TOKEN"); };
        spec.tokenHint = QStringLiteral("update it with `sluicectl secrets set org/acme/git-token`");
        GitJob job(spec);
        QSignalSpy finished(&job, &GitJob::finished);
        job.start();
        QVERIFY(finished.wait(10000));
        const auto r = finished.first().first().value<GitJobResult>();
        QCOMPARE(sluice::toString(r.outcome), sluice::toString(Outcome::Failed));
        QCOMPARE(r.errorKind, GitError::Kind::Auth);
        QVERIFY2(r.errorText.contains(QLatin1String("sluicectl secrets set org/acme/git-token")), qPrintable(r.errorText));
        QVERIFY(!r.errorText.contains(QLatin1String("ghp_NOT_THE_TOKEN")));
    }

    void cleanupTestCase() { m_http.reset(); }
};

QTEST_GUILESS_MAIN(TestGitJob)
#include "tst_gitjob.moc"
