// sluicectl pipeline run / task run: the real binary as a child process against a real SQLite file
// and a real PostgreSQL database, executing shell tasks itself or queueing the run for agents.
#include "pipelineseed.h"
#include "storefixture.h"
#include "testhelpers.h"

#include "runner/pipelinerunner.h"
#include "store/runstore.h"
#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/pipelinestore.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QCoro/QCoroTask>
#include <QProcess>
#include <csignal>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::verifyMentions;
using sluice::test::why;

namespace {
const QString kActor = QStringLiteral("carol@cli");

struct CtlOutcome
{
    int exitCode = -1;
    QString out;
    QString err;
};
} // namespace

class tst_RunExec : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    QString m_url;
    Org m_org;

    CtlOutcome ctl(const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("SLUICE_ACTOR"), kActor);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_url} + args);
        if (!p.waitForFinished(60000))
            qFatal("sluicectl did not finish");
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    OrgTask shell(const QString &command) { return test::seedShellTask(*m_db, m_org.id, command, kActor); }
    Pipeline pipeline(const QString &name, const QList<OrgTask> &tasks) { return test::seedPipeline(*m_db, m_org.id, name, tasks, kActor); }

    qint64 runCount() { return m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM run"))->toLongLong(); }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto fresh = m_fixture.openFreshWithOrg(kActor);
        QVERIFY2(fresh, qPrintable(why(fresh)));
        m_db = std::move(fresh->db);
        m_org = fresh->org;
        m_url = m_db->url().toString();
    }

    void pipelineRunWait()
    {
        const Pipeline p = pipeline(QStringLiteral("nightly"), {shell(QStringLiteral("echo hello")), shell(QStringLiteral("echo world"))});
        const CtlOutcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("nightly"), QStringLiteral("--wait")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const qint64 runId = o.out.trimmed().toLongLong();
        QVERIFY2(runId > 0, qPrintable(o.out));
        auto rec = RunStore(*m_db).run(runId);
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("successful"));
        QCOMPARE(rec->dispatch, QStringLiteral("local"));
        QCOMPARE(rec->requestedBy, kActor);
        QCOMPARE(rec->tasks.size(), 2);
        auto page = RunHistory(*m_db).logPage(rec->tasks.at(1).id, 0);
        QVERIFY2(page, qPrintable(why(page)));
        QCOMPARE(page->size(), 1);
        QCOMPARE(page->first().text, QStringLiteral("world"));
    }

    void pipelineRunFailedExitsOne()
    {
        const Pipeline p = pipeline(QStringLiteral("broken"), {shell(QStringLiteral("false")), shell(QStringLiteral("echo never"))});
        const CtlOutcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), p.uuid, QStringLiteral("--wait")});
        QCOMPARE(o.exitCode, 1);
        const qint64 runId = o.out.trimmed().toLongLong();
        QVERIFY2(runId > 0, qPrintable(o.out));
        verifyMentions(o.err, {QStringLiteral("failed")});
        QCOMPARE(toSql(RunStore(*m_db).run(runId)->run.status), QStringLiteral("failed"));
    }

    void follow()
    {
        pipeline(QStringLiteral("chatty"), {shell(QStringLiteral("sh -c 'echo line-1; echo oops >&2; echo line-2'"))});
        const CtlOutcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("chatty"), QStringLiteral("--follow")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const QStringList lines = o.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 4);   // the task header, two lines, the run id
        QVERIFY(lines.at(0).contains(QLatin1String("task 0 shell")));
        QCOMPARE(lines.at(1), QStringLiteral("line-1"));
        QCOMPARE(lines.at(2), QStringLiteral("line-2"));
        QVERIFY(lines.at(3).toLongLong() > 0);
        QVERIFY(o.err.contains(QLatin1String("oops")));
    }

    void jsonOutcome()
    {
        pipeline(QStringLiteral("jsonny"), {shell(QStringLiteral("echo x"))});
        const CtlOutcome o = ctl({QStringLiteral("--json"), QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("jsonny"), QStringLiteral("--wait")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const QJsonObject j = QJsonDocument::fromJson(o.out.toUtf8()).object();
        QCOMPARE(j.value(QStringLiteral("status")).toString(), QStringLiteral("successful"));
        QVERIFY(j.value(QStringLiteral("run_id")).toInteger() > 0);
    }

    void queueOnly()
    {
        pipeline(QStringLiteral("later"), {shell(QStringLiteral("echo x"))});
        const CtlOutcome o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("later"), QStringLiteral("--queue")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        const qint64 runId = o.out.trimmed().toLongLong();
        auto rec = RunStore(*m_db).run(runId);
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("queued"));
        QCOMPARE(rec->dispatch, QStringLiteral("agent"));
    }

    void queueAndWaitWhileSomeoneElseRunsIt()
    {
        pipeline(QStringLiteral("shared"), {shell(QStringLiteral("echo from-the-agent"))});
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLUICE_ACTOR"), kActor);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), {QStringLiteral("--db"), m_url, QStringLiteral("pipeline"), QStringLiteral("run"),
                                                 QStringLiteral("shared"), QStringLiteral("--queue"), QStringLiteral("--wait")});
        QTRY_COMPARE_WITH_TIMEOUT(runCount(), 1, 20'000);
        const qint64 runId = m_db->scalar(QStringLiteral("SELECT id FROM run"))->toLongLong();
        QCOMPARE(RunStore(*m_db).run(runId)->dispatch, QStringLiteral("agent"));
        QCOMPARE(p.state(), QProcess::Running);

        // This process plays the agent.
        RunnerOptions o;
        o.lockedBy = QStringLiteral("scheduler@test");
        PipelineRunner runner(*m_db, runId, o);
        auto r = QCoro::waitFor(runner.run());
        QVERIFY2(r, qPrintable(why(r)));
        QCOMPARE(*r, RunStatus::Successful);

        QVERIFY(p.waitForFinished(20'000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(QString::fromUtf8(p.readAllStandardOutput()).trimmed().toLongLong(), runId);
    }

    void interruptCancelsTheRunItExecutes()
    {
        QTemporaryDir marks;
        QVERIFY(marks.isValid());
        const QString started = marks.filePath(QStringLiteral("started"));
        pipeline(QStringLiteral("long"), {shell(QStringLiteral("sh -c 'echo $$ > %1; exec sleep 60'").arg(started)),
                                          shell(QStringLiteral("echo never"))});
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("SLUICE_ACTOR"), kActor);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(SLUICECTL_PATH), {QStringLiteral("--db"), m_url, QStringLiteral("pipeline"), QStringLiteral("run"),
                                                 QStringLiteral("long"), QStringLiteral("--wait")});
        QTRY_VERIFY_WITH_TIMEOUT(QFile(started).size() > 0, 20'000);
        QFile pidFile(started);
        QVERIFY(pidFile.open(QIODevice::ReadOnly));
        const qint64 child = pidFile.readAll().trimmed().toLongLong();
        QVERIFY(child > 0);

        ::kill(pid_t(p.processId()), SIGINT);   // what Ctrl-C in the terminal does to sluicectl
        QVERIFY(p.waitForFinished(20'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        const QString err = QString::fromUtf8(p.readAllStandardError());
        verifyMentions(err, {QStringLiteral("cancelling run"), QStringLiteral("cancelled")});
        const qint64 runId = QString::fromUtf8(p.readAllStandardOutput()).trimmed().toLongLong();
        QVERIFY(runId > 0);
        auto rec = RunStore(*m_db).run(runId);
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("cancelled"));
        QCOMPARE(rec->tasks.size(), 2);
        QCOMPARE(toSql(rec->tasks.at(0).status), QStringLiteral("cancelled"));
        QCOMPARE(toSql(rec->tasks.at(1).status), QStringLiteral("cancelled"));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id IS NOT NULL"))->toLongLong(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid_t(child), 0) != 0, 10'000);   // the task's process is gone too
    }

    void taskRun()
    {
        const OrgTask t = shell(QStringLiteral("echo alone"));
        const CtlOutcome o = ctl({QStringLiteral("task"), QStringLiteral("run"), t.uuid, QStringLiteral("--wait")});
        QVERIFY2(o.exitCode == 0, qPrintable(o.err));
        auto rec = RunStore(*m_db).run(o.out.trimmed().toLongLong());
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("successful"));
        QCOMPARE(rec->orgTaskId, t.id);
        QCOMPARE(rec->run.pipelineId, 0);
    }

    void manualRunRefusedWhenLocked()
    {
        const OrgTask t = shell(QStringLiteral("echo x"));
        const Pipeline p = pipeline(QStringLiteral("holder"), {t});
        NewRun r;
        r.requestedBy = QStringLiteral("dave@agent");
        auto held = RunStore(*m_db).createPipelineRun(p, r);
        QVERIFY2(held, qPrintable(why(held)));
        auto grant = LockStore(*m_db).acquire(*held, p.id, {t.id}, QStringLiteral("scheduler@box"));
        QVERIFY2(grant, qPrintable(why(grant)));
        const qint64 before = runCount();

        CtlOutcome o = ctl({QStringLiteral("task"), QStringLiteral("run"), t.uuid, QStringLiteral("--wait")});
        QCOMPARE(o.exitCode, 1);
        verifyMentions(o.err, {QStringLiteral("scheduler@box")});
        QCOMPARE(runCount(), before);   // no queued run left behind
        o = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("holder")});
        QCOMPARE(o.exitCode, 1);
        verifyMentions(o.err, {QStringLiteral("scheduler@box")});
        QCOMPARE(runCount(), before);
        QVERIFY(LockStore(*m_db).release(*held, grant->fence));
    }

    // run retry --from-failure starts at the failed task: what ran before is not run again (the file
    // it appends to keeps one line), and the new run names the one it retries.
    void retryFromFailure()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString log = dir.filePath(QStringLiteral("first.log")), marker = dir.filePath(QStringLiteral("marker"));
        const Pipeline p = pipeline(QStringLiteral("flaky"), {shell(QStringLiteral("sh -c 'echo ran >> %1'").arg(log)),
                                                              shell(QStringLiteral("test -f %1").arg(marker)),
                                                              shell(QStringLiteral("echo third"))});
        const CtlOutcome first = ctl({QStringLiteral("pipeline"), QStringLiteral("run"), p.uuid});
        QCOMPARE(first.exitCode, 1);
        const qint64 failedRun = first.out.trimmed().toLongLong();
        QVERIFY2(failedRun > 0, qPrintable(first.out));

        const CtlOutcome nothingYet = ctl({QStringLiteral("run"), QStringLiteral("retry"), QString::number(failedRun), QStringLiteral("--from-failure")});
        QCOMPARE(nothingYet.exitCode, 1);   // the marker is still missing: the retry fails at the same task
        QFile m(marker);
        QVERIFY(m.open(QIODevice::WriteOnly));
        m.close();
        const qint64 before = runCount();
        const CtlOutcome retried = ctl({QStringLiteral("run"), QStringLiteral("retry"), QString::number(failedRun), QStringLiteral("--from-failure")});
        QVERIFY2(retried.exitCode == 0, qPrintable(retried.err));
        QCOMPARE(runCount(), before + 1);
        const qint64 retryId = retried.out.trimmed().toLongLong();
        auto rec = RunStore(*m_db).run(retryId);
        QVERIFY2(rec, qPrintable(why(rec)));
        QCOMPARE(toSql(rec->run.status), QStringLiteral("successful"));
        QCOMPARE(rec->run.trigger, QStringLiteral("retry"));
        QCOMPARE(rec->retryOf, failedRun);
        const QList<TaskRunRecord> tasks = rec->latestAttempts();
        QCOMPARE(tasks.size(), 3);
        QCOMPARE(toSql(tasks[0].status), QStringLiteral("skipped"));
        QCOMPARE(toSql(tasks[1].status), QStringLiteral("successful"));
        QCOMPARE(toSql(tasks[2].status), QStringLiteral("successful"));
        QFile ran(log);
        QVERIFY(ran.open(QIODevice::ReadOnly));
        QCOMPARE(ran.readAll(), QByteArray("ran\n"));   // only the first run ran the first task

        // The whole run again: every task, queued for an agent, its id printed at once.
        const CtlOutcome queued = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("retry"), QString::number(failedRun), QStringLiteral("--queue")});
        QVERIFY2(queued.exitCode == 0, qPrintable(queued.err));
        const QJsonObject q = QJsonDocument::fromJson(queued.out.toUtf8()).object();
        QCOMPARE(q.value(QStringLiteral("status")).toString(), QStringLiteral("queued"));
        auto whole = RunStore(*m_db).run(q.value(QStringLiteral("run_id")).toInteger());
        QVERIFY(whole.has_value());
        QCOMPARE(whole->dispatch, QStringLiteral("agent"));
        for (const TaskRunRecord &t : whole->tasks)
            QCOMPARE(toSql(t.status), QStringLiteral("queued"));

        const CtlOutcome done = ctl({QStringLiteral("run"), QStringLiteral("retry"), QString::number(retryId), QStringLiteral("--from-failure")});
        QCOMPARE(done.exitCode, 1);
        verifyMentions(done.err, {QStringLiteral("succeeded"), QStringLiteral("whole run")});

        // run list --trigger / --since / --until.
        const CtlOutcome retries = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--trigger"), QStringLiteral("retry")});
        QVERIFY2(retries.exitCode == 0, qPrintable(retries.err));
        QCOMPARE(QJsonDocument::fromJson(retries.out.toUtf8()).array().size(), 3);
        const CtlOutcome recent = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--trigger"), QStringLiteral("manual"),
                                       QStringLiteral("--since"), QStringLiteral("1h")});
        QVERIFY2(recent.exitCode == 0, qPrintable(recent.err));
        QCOMPARE(QJsonDocument::fromJson(recent.out.toUtf8()).array().size(), 1);
        const CtlOutcome future = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--since"),
                                       QDateTime::currentDateTimeUtc().addDays(1).toString(Qt::ISODate)});
        QVERIFY2(future.exitCode == 0, qPrintable(future.err));
        QVERIFY(QJsonDocument::fromJson(future.out.toUtf8()).isArray());
        QCOMPARE(QJsonDocument::fromJson(future.out.toUtf8()).array().size(), 0);
        const CtlOutcome past = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--until"), QStringLiteral("2001-01-01")});
        QVERIFY2(past.exitCode == 0, qPrintable(past.err));
        QVERIFY(QJsonDocument::fromJson(past.out.toUtf8()).isArray());   // an empty list, not unparsable output
        QCOMPARE(QJsonDocument::fromJson(past.out.toUtf8()).array().size(), 0);
        const CtlOutcome bad = ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--since"), QStringLiteral("yesterday")});
        QCOMPARE(bad.exitCode, 1);
        verifyMentions(bad.err, {QStringLiteral("--since"), QStringLiteral("yesterday"), QStringLiteral("ISO-8601")});
        QCOMPARE(ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--trigger"), QStringLiteral("cron")}).exitCode, 1);
    }

    void pipelineDuplicate()
    {
        const Pipeline p = pipeline(QStringLiteral("nightly"), {shell(QStringLiteral("echo a")), shell(QStringLiteral("echo b"))});
        QVERIFY(ctl({QStringLiteral("pipeline"), QStringLiteral("edit"), p.uuid, QStringLiteral("--cron"), QStringLiteral("0 3 * * 1-5"),
                     QStringLiteral("--tz"), QStringLiteral("Europe/Berlin"), QStringLiteral("--notify-on"), QStringLiteral("failure,warning")}).exitCode == 0);
        const CtlOutcome copy = ctl({QStringLiteral("--json"), QStringLiteral("pipeline"), QStringLiteral("duplicate"), QStringLiteral("nightly")});
        QVERIFY2(copy.exitCode == 0, qPrintable(copy.err));
        const QJsonObject c = QJsonDocument::fromJson(copy.out.toUtf8()).object();
        QCOMPARE(c.value(QStringLiteral("name")).toString(), QStringLiteral("nightly (copy)"));
        auto dup = PipelineStore(*m_db, kActor).find(c.value(QStringLiteral("uuid")).toString());
        QVERIFY2(dup, qPrintable(why(dup)));
        auto src = PipelineStore(*m_db, kActor).find(p.uuid);
        QVERIFY(!dup->active);   // inactive until turned on
        QCOMPARE(dup->cron, QStringLiteral("0 3 * * 1-5"));
        QCOMPARE(dup->timezone, QStringLiteral("Europe/Berlin"));
        QCOMPARE(dup->notifyOn, src->notifyOn);
        QCOMPARE(dup->steps.size(), src->steps.size());
        for (qsizetype i = 0; i < src->steps.size(); ++i)
            QCOMPARE(dup->steps[i].task.id, src->steps[i].task.id);
        const CtlOutcome second = ctl({QStringLiteral("pipeline"), QStringLiteral("duplicate"), p.uuid, QStringLiteral("--active")});
        QVERIFY2(second.exitCode == 0, qPrintable(second.err));
        auto dup2 = PipelineStore(*m_db, kActor).find(second.out.trimmed());
        QVERIFY2(dup2, qPrintable(why(dup2)));
        QCOMPARE(dup2->name, QStringLiteral("nightly (copy 2)"));
        QVERIFY(dup2->active);
        const CtlOutcome named = ctl({QStringLiteral("pipeline"), QStringLiteral("duplicate"), p.uuid, QStringLiteral("--name"), QStringLiteral("nightly")});
        QCOMPARE(named.exitCode, 1);   // the name is taken
        verifyMentions(named.err, {QStringLiteral("nightly")});
        auto audit = m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM audit_event WHERE entity_id = ? AND action = 'create'"), {dup->uuid});
        QVERIFY2(audit && audit->toInt() >= 1, "the copy is audited as a creation");
    }

    void badInput()
    {
        QCOMPARE(ctl({QStringLiteral("pipeline"), QStringLiteral("run")}).exitCode, 1);
        QCOMPARE(ctl({QStringLiteral("pipeline"), QStringLiteral("run"), QStringLiteral("nope")}).exitCode, 1);
        QCOMPARE(ctl({QStringLiteral("task"), QStringLiteral("run"), QStringLiteral("0d6f2f8e-1111-4222-8333-944455556666")}).exitCode, 1);
        QCOMPARE(runCount(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_RunExec)
#include "tst_runexec.moc"
