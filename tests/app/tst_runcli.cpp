// sluicectl run list | show | logs | cancel: the real binary as a child process, against runs seeded
// through RunStore and LockStore in a real SQLite file and a real PostgreSQL database.
#include "storefixture.h"
#include "clirun.h"
#include "testhelpers.h"

#include "store/lockstore.h"
#include "store/runholder.h"
#include "store/runhistory.h"
#include "store/runstore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <QUuid>

using namespace sluice;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

using Outcome = sluice::test::CliOutcome;

// JSON Lines output, one object per line.
QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> objects;
    for (const QByteArray &line : out.split('\n'))
        if (!line.isEmpty())
            objects.append(QJsonDocument::fromJson(line).object());
    return objects;
}

} // namespace

class tst_RunCli : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    QString m_url;
    qint64 m_org = 0, m_taskId = 0, m_pipeline = 0, m_otherPipeline = 0;
    QString m_pipelineUuid;
    int m_counter = 0;

    QProcessEnvironment childEnvironment()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("SLUICE_DB"));
        env.insert(QStringLiteral("HOME"), m_fixture.tempDir().path());
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_fixture.tempDir().filePath(QStringLiteral("xdg")));
        env.insert(QStringLiteral("SLUICE_ACTOR"), QStringLiteral("carol@cli"));
        return env;
    }

    Outcome ctl(QStringList args)
    {
        return test::runCli(QStringLiteral(SLUICECTL_PATH), QStringList{QStringLiteral("--db"), m_url} + args, childEnvironment());
    }

    static bool userError(const Outcome &o, const QString &needle) { return test::isUserError(o, needle); }

    qint64 insertId(const QString &sql, const QVariantList &values = {})
    {
        auto v = m_db->scalar(sql, values);
        if (!v) {
            qWarning() << "insert failed:" << v.error().message;
            return 0;
        }
        return v->toLongLong();
    }
    qint64 addOrgTask()
    {
        ++m_counter;
        return insertId(QStringLiteral("INSERT INTO org_task (uuid, org_id, task_id, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id"),
                        {QUuid::createUuid().toString(QUuid::WithoutBraces), m_org, m_taskId});
    }

    struct Seeded
    {
        qint64 runId = 0;
        QString uuid;
        qint64 fence = 0;
        QList<qint64> taskRuns;
    };
    // A run of `pipeline` with `n` tasks "task-0".. ; `hold`: its locks are taken (a holder can write).
    Seeded seed(qint64 pipeline, const QString &name, int n, bool hold, std::optional<qint64> slot = {})
    {
        Seeded s;
        QList<qint64> orgTasks;
        QList<RunTaskPlan> plan;
        for (int i = 0; i < n; ++i) {
            orgTasks.append(addOrgTask());
            plan.append({orgTasks.last(), QStringLiteral("task-%1").arg(i), i});
        }
        NewRun r;
        r.orgId = m_org;
        r.pipelineId = pipeline;
        r.pipelineName = name;
        r.requestedBy = QStringLiteral("alice@laptop");
        if (slot) {
            r.trigger = QStringLiteral("scheduled");
            r.scheduledFor = slot;
        }
        RunStore store(*m_db);
        auto id = store.createRun(r, plan);
        if (!id) {
            qWarning() << "createRun:" << id.error().message;
            return s;
        }
        s.runId = *id;
        auto rec = store.run(*id);
        s.uuid = rec->run.uuid;
        for (const TaskRunRecord &t : rec->tasks)
            s.taskRuns.append(t.id);
        if (hold) {
            auto g = LockStore(*m_db).acquire(s.runId, pipeline, orgTasks, QStringLiteral("alice@laptop"));
            if (!g)
                qWarning() << "acquire:" << g.error().message;
            else
                s.fence = g->fence;
        }
        return s;
    }

    // Line i of a test log: at 1_767_225_600_000 + i * 1001 ms, odd lines on stderr.
    static qint64 lineTime(int i) { return 1'767'225'600'000 + i * 1001; }
    static QStringList lines(const QString &prefix, int from, int n)
    {
        QStringList out;
        for (int i = from; i < from + n; ++i)
            out.append(formatLogLine(lineTime(i), i % 2 == 1, QStringLiteral("%1 line %2").arg(prefix).arg(i)));
        return out;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void init()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), qPrintable(why(db)));
        m_db = std::move(*db);
        m_url = m_db->url().toString();
        m_org = insertId(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES ('acme', 'Acme', 0, 0) RETURNING id"));
        m_taskId = m_db->scalar(QStringLiteral("SELECT MIN(id) FROM task"))->toLongLong();
        m_pipelineUuid = QUuid::createUuid().toString(QUuid::WithoutBraces);
        m_pipeline = insertId(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, created_at, updated_at) VALUES (?, ?, 'nightly', 0, 0) RETURNING id"),
                              {m_pipelineUuid, m_org});
        m_otherPipeline = insertId(QStringLiteral("INSERT INTO pipeline (uuid, org_id, name, created_at, updated_at) VALUES (?, ?, 'hourly', 0, 0) RETURNING id"),
                                   {QUuid::createUuid().toString(QUuid::WithoutBraces), m_org});
        QVERIFY(m_org > 0 && m_taskId > 0 && m_pipeline > 0 && m_otherPipeline > 0);
    }

    void cleanup() { m_db.reset(); }

    void listAndShow()
    {
        RunStore store(*m_db);
        const qint64 slot = 1'767'229'200'000;   // 2026-01-01T01:00:00Z
        Seeded failed = seed(m_pipeline, QStringLiteral("nightly"), 2, true, slot);
        QVERIFY(failed.fence > 0);
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).markRunning().has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).startTaskRun(failed.taskRuns[0]).has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).finishTaskRun(failed.taskRuns[0], TaskRunResult{TaskRunStatus::Failed, 2, QJsonObject{{QStringLiteral("rows"), 7}}, TaskErrorKind::ExitCode,
                                     QStringLiteral("exited with code 2")})
                    .has_value());
        auto retry = RunHolder(*m_db, failed.runId, failed.fence).addAttempt(failed.taskRuns[0]);
        QVERIFY(retry.has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).startTaskRun(*retry).has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).finishTaskRun(*retry, TaskRunResult{TaskRunStatus::Failed, 1, QJsonObject{{QStringLiteral("rows"), 8}}, {}, {}})
                    .has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).settleQueuedTasks(TaskRunStatus::Skipped).has_value());
        QVERIFY(RunHolder(*m_db, failed.runId, failed.fence).finishRun(RunStatus::Failed, QStringLiteral("task-0 failed")).has_value());
        const Seeded queued = seed(m_pipeline, QStringLiteral("nightly"), 1, false);
        const Seeded other = seed(m_otherPipeline, QStringLiteral("hourly"), 1, false);

        Outcome o = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("list")});
        QCOMPARE(o.exitCode, 0);
        QJsonArray a = o.json().toArray();
        QCOMPARE(a.size(), 3);
        QCOMPARE(a[0][QStringLiteral("id")].toInteger(), other.runId);
        QCOMPARE(a[2][QStringLiteral("uuid")].toString(), failed.uuid);
        QCOMPARE(a[2][QStringLiteral("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(a[2][QStringLiteral("scheduled_for")].toString(), QStringLiteral("2026-01-01T01:00:00.000Z"));

        o = ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"), QStringLiteral("--pipeline"),
                 QStringLiteral("nightly"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        a = o.json().toArray();
        QCOMPARE(a.size(), 2);
        QCOMPARE(a[0][QStringLiteral("id")].toInteger(), queued.runId);
        QCOMPARE(a[1][QStringLiteral("id")].toInteger(), failed.runId);
        o = ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--pipeline"), m_pipelineUuid, QStringLiteral("--limit"),
                 QStringLiteral("1"), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json().toArray().size(), 1);
        QCOMPARE(o.json().toArray()[0][QStringLiteral("id")].toInteger(), queued.runId);
        o = ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--status"), QStringLiteral("failed"), QStringLiteral("--json")});
        QCOMPARE(o.json().toArray().size(), 1);
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--pipeline"), QStringLiteral("nightly")}),
                          QStringLiteral("--org")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--status"), QStringLiteral("weird")}),
                          QStringLiteral("weird")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("list"), QStringLiteral("--org"), QStringLiteral("acme"),
                               QStringLiteral("--pipeline"), QStringLiteral("nope")}),
                          QStringLiteral("nope")));
        o = ctl({QStringLiteral("run"), QStringLiteral("list")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains(failed.uuid.toUtf8()) && o.out.contains("hourly") && o.out.contains("STATUS"));

        o = ctl({QStringLiteral("run"), QStringLiteral("show"), QString::number(failed.runId), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        const QJsonObject show = o.json().toObject();
        QCOMPARE(show[QStringLiteral("id")].toInteger(), failed.runId);
        QCOMPARE(show[QStringLiteral("uuid")].toString(), failed.uuid);
        QCOMPARE(show[QStringLiteral("pipeline")].toString(), QStringLiteral("nightly"));
        QCOMPARE(show[QStringLiteral("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(show[QStringLiteral("status_reason")].toString(), QStringLiteral("task-0 failed"));
        QCOMPARE(show[QStringLiteral("trigger")].toString(), QStringLiteral("scheduled"));
        QCOMPARE(show[QStringLiteral("scheduled_for")].toString(), QStringLiteral("2026-01-01T01:00:00.000Z"));
        QCOMPARE(show[QStringLiteral("requested_by")].toString(), QStringLiteral("alice@laptop"));
        const RunRecord rec = *store.run(failed.runId);
        for (const char *key : {"started_at", "finished_at"}) {
            const QDateTime t = QDateTime::fromString(show[QLatin1String(key)].toString(), Qt::ISODateWithMs);
            QVERIFY2(t.isValid() && t.timeSpec() == Qt::UTC, key);
            QCOMPARE(t.toMSecsSinceEpoch(), QString::fromLatin1(key) == QLatin1String("started_at") ? rec.run.startedAt : rec.run.finishedAt);
        }
        const QJsonArray tasks = show[QStringLiteral("tasks")].toArray();
        QCOMPARE(tasks.size(), 2);
        QCOMPARE(tasks[0][QStringLiteral("seq")].toInt(), 0);
        QCOMPARE(tasks[0][QStringLiteral("slug")].toString(), QStringLiteral("task-0"));
        QCOMPARE(tasks[0][QStringLiteral("attempt")].toInt(), 2);
        QCOMPARE(tasks[0][QStringLiteral("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(tasks[0][QStringLiteral("exit_code")].toInt(), 1);
        QCOMPARE(tasks[0][QStringLiteral("summary")].toObject(), (QJsonObject{{QStringLiteral("rows"), 8}}));
        QCOMPARE(tasks[1][QStringLiteral("status")].toString(), QStringLiteral("skipped"));
        QVERIFY(tasks[1][QStringLiteral("exit_code")].isNull());
        QVERIFY(tasks[1].toObject().contains(QStringLiteral("summary")));

        o = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("show"), queued.uuid});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("status")].toString(), QStringLiteral("queued"));
        QVERIFY(o.json()[QStringLiteral("started_at")].isNull());
        QVERIFY(o.json()[QStringLiteral("scheduled_for")].isNull());
        QVERIFY(o.json()[QStringLiteral("status_reason")].isNull());
        o = ctl({QStringLiteral("run"), QStringLiteral("show"), failed.uuid});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains("failed") && o.out.contains("task-0 failed") && o.out.contains("exited with code 2") == false);
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("show"), QString::number(other.runId + 100)}), QStringLiteral("does not exist")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("show"), QStringLiteral("banana")}), QStringLiteral("banana")));
    }

    void logs()
    {
        RunStore store(*m_db);
        Seeded s = seed(m_pipeline, QStringLiteral("nightly"), 2, true);
        QVERIFY(s.fence > 0);
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[0], 0, lines(QStringLiteral("a"), 0, 3)).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[0], 3, lines(QStringLiteral("a"), 3, 2)).has_value());
        auto retry = RunHolder(*m_db, s.runId, s.fence).addAttempt(s.taskRuns[0]);
        QVERIFY(retry.has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(*retry, 0, lines(QStringLiteral("r"), 0, 1)).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[1], 0, lines(QStringLiteral("b"), 0, 2)).has_value());

        Outcome o = ctl({QStringLiteral("--json"), QStringLiteral("run"), QStringLiteral("logs"), QString::number(s.runId)});
        QCOMPARE(o.exitCode, 0);
        QList<QJsonObject> got = jsonLines(o.out);
        QCOMPARE(got.size(), 8);
        const QList<std::tuple<int, int, int, QString>> expected = {
            {0, 1, 0, QStringLiteral("a line 0")}, {0, 1, 1, QStringLiteral("a line 1")}, {0, 1, 2, QStringLiteral("a line 2")},
            {0, 1, 3, QStringLiteral("a line 3")}, {0, 1, 4, QStringLiteral("a line 4")}, {0, 2, 0, QStringLiteral("r line 0")},
            {1, 1, 0, QStringLiteral("b line 0")}, {1, 1, 1, QStringLiteral("b line 1")},
        };
        for (int i = 0; i < got.size(); ++i) {
            const auto &[seq, attempt, line, text] = expected[i];
            QCOMPARE(got[i][QStringLiteral("seq")].toInt(), seq);
            QCOMPARE(got[i][QStringLiteral("attempt")].toInt(), attempt);
            QCOMPARE(got[i][QStringLiteral("line")].toInt(), line);
            QCOMPARE(got[i][QStringLiteral("text")].toString(), text);
            QCOMPARE(got[i][QStringLiteral("stream")].toString(), line % 2 ? QStringLiteral("stderr") : QStringLiteral("stdout"));
            QCOMPARE(QDateTime::fromString(got[i][QStringLiteral("at")].toString(), Qt::ISODateWithMs).toMSecsSinceEpoch(), lineTime(line));
        }

        o = ctl({QStringLiteral("run"), QStringLiteral("logs"), s.uuid, QStringLiteral("--task"), QStringLiteral("1")});
        QCOMPARE(o.exitCode, 0);
        const QStringList text = QString::fromUtf8(o.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(text.size(), 2);
        auto clock = [](int i) { return QDateTime::fromMSecsSinceEpoch(lineTime(i)).toString(QStringLiteral("HH:mm:ss.zzz")); };
        QCOMPARE(text[0], QStringLiteral("%1 [1 task-1] b line 0").arg(clock(0)));
        QVERIFY2(text[1].startsWith(clock(1)) && text[1].contains(QLatin1String("stderr")) && text[1].endsWith(QLatin1String("b line 1")),
                 qPrintable(text[1]));
        o = ctl({QStringLiteral("run"), QStringLiteral("logs"), s.uuid, QStringLiteral("--task"), QStringLiteral("0")});
        QVERIFY(o.out.contains("[0 task-0 #2] r line 0"));
        QCOMPARE(QString::fromUtf8(o.out).count(QLatin1Char('\n')), 6);

        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("logs"), s.uuid, QStringLiteral("--task"), QStringLiteral("9")}),
                          QStringLiteral("seq 9")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("logs"), QString::number(s.runId + 100)}), QStringLiteral("does not exist")));
    }

    void followFromAnotherProcess()
    {
        RunStore store(*m_db);
        Seeded s = seed(m_pipeline, QStringLiteral("nightly"), 2, true);
        QVERIFY(s.fence > 0);
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).markRunning().has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).startTaskRun(s.taskRuns[0]).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[0], 0, lines(QStringLiteral("a"), 0, 2)).has_value());

        QProcess follower;
        follower.setProcessEnvironment(childEnvironment());
        follower.start(QStringLiteral(SLUICECTL_PATH), {QStringLiteral("--db"), m_url, QStringLiteral("--json"), QStringLiteral("run"),
                                                        QStringLiteral("logs"), QString::number(s.runId), QStringLiteral("--follow")});
        QVERIFY(follower.waitForStarted(10'000));
        QByteArray out;
        auto linesSeen = [&] {
            out += follower.readAllStandardOutput();
            return out.count('\n');
        };
        QTRY_COMPARE_WITH_TIMEOUT(linesSeen(), 2, 15'000);

        // Still following: new chunks appear as they are written, in order.
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[0], 2, lines(QStringLiteral("a"), 2, 3)).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(linesSeen(), 5, 15'000);
        QCOMPARE(follower.state(), QProcess::Running);
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).finishTaskRun(s.taskRuns[0], TaskRunResult{TaskRunStatus::Successful, 0, {}, {}, {}}).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).startTaskRun(s.taskRuns[1]).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[1], 0, lines(QStringLiteral("b"), 0, 1)).has_value());
        QTRY_COMPARE_WITH_TIMEOUT(linesSeen(), 6, 15'000);
        // The last lines and the end of the run land together: the follower prints them, then exits.
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[1], 1, lines(QStringLiteral("b"), 1, 2)).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).finishTaskRun(s.taskRuns[1], TaskRunResult{TaskRunStatus::Successful, 0, {}, {}, {}}).has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).finishRun(RunStatus::Successful).has_value());
        QVERIFY(follower.waitForFinished(15'000));
        QCOMPARE(follower.exitStatus(), QProcess::NormalExit);
        QCOMPARE(follower.exitCode(), 0);
        linesSeen();
        const QList<QJsonObject> got = jsonLines(out);
        QStringList texts;
        for (const QJsonObject &o : got)
            texts.append(QStringLiteral("%1:%2").arg(o[QStringLiteral("seq")].toInt()).arg(o[QStringLiteral("text")].toString()));
        QCOMPARE(texts, (QStringList{QStringLiteral("0:a line 0"), QStringLiteral("0:a line 1"), QStringLiteral("0:a line 2"),
                                     QStringLiteral("0:a line 3"), QStringLiteral("0:a line 4"), QStringLiteral("1:b line 0"),
                                     QStringLiteral("1:b line 1"), QStringLiteral("1:b line 2")}));
    }

    void followEndsWhenTheHolderDies()
    {
        RunStore store(*m_db);
        Seeded s = seed(m_pipeline, QStringLiteral("nightly"), 1, true);
        QVERIFY(s.fence > 0);
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).markRunning().has_value());
        QVERIFY(RunHolder(*m_db, s.runId, s.fence).appendLog(s.taskRuns[0], 0, lines(QStringLiteral("a"), 0, 1)).has_value());
        QProcess follower;
        follower.setProcessEnvironment(childEnvironment());
        follower.start(QStringLiteral(SLUICECTL_PATH), {QStringLiteral("--db"), m_url, QStringLiteral("run"), QStringLiteral("logs"),
                                                        s.uuid, QStringLiteral("--follow")});
        QVERIFY(follower.waitForStarted(10'000));
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += follower.readAllStandardOutput()).contains("a line 0"), 15'000);
        QCOMPARE(follower.state(), QProcess::Running);
        // The holder's last renewal, then silence: the follower sweeps the expired lease, the run ends crashed,
        // following ends.
        QVERIFY(LockStore(*m_db).renew(s.runId, s.fence, 500).has_value());
        QVERIFY(follower.waitForFinished(20'000));
        QCOMPARE(follower.exitCode(), 0);
        QCOMPARE(toSql(store.run(s.runId)->run.status), QStringLiteral("crashed"));
        QCOMPARE(m_db->scalar(QStringLiteral("SELECT COUNT(*) FROM task_lock WHERE run_id IS NOT NULL"))->toLongLong(), 0);
    }

    void cancel()
    {
        RunStore store(*m_db);
        const Seeded queued = seed(m_pipeline, QStringLiteral("nightly"), 1, false);
        Seeded running = seed(m_otherPipeline, QStringLiteral("hourly"), 1, true);
        QVERIFY(RunHolder(*m_db, running.runId, running.fence).markRunning().has_value());

        Outcome o = ctl({QStringLiteral("run"), QStringLiteral("cancel"), queued.uuid, QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QCOMPARE(o.json()[QStringLiteral("cancelled")].toBool(), true);
        auto rec = store.run(queued.runId);
        QCOMPARE(toSql(rec->run.status), QStringLiteral("cancelled"));
        QCOMPARE(rec->cancelRequestedBy, QStringLiteral("carol@cli"));
        QCOMPARE(toSql(rec->tasks[0].status), QStringLiteral("cancelled"));

        o = ctl({QStringLiteral("run"), QStringLiteral("cancel"), QString::number(running.runId)});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.out.contains("Cancel requested"));
        QCOMPARE(toSql(store.run(running.runId)->run.status), QStringLiteral("running"));
        QVERIFY(*store.cancelRequested(running.runId));

        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("cancel"), QString::number(queued.runId)}), QStringLiteral("already cancelled")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("cancel"), QString::number(running.runId + 100)}), QStringLiteral("does not exist")));
        QVERIFY(userError(ctl({QStringLiteral("run"), QStringLiteral("cancel")}), QStringLiteral("usage")));

        // A manual run of one org task has no pipeline; its label is the task's.
        NewRun single;
        single.orgId = m_org;
        single.orgTaskId = addOrgTask();
        single.pipelineName = QStringLiteral("nightly-dbt");
        single.requestedBy = QStringLiteral("alice@laptop");
        auto singleId = store.createRun(single, {{*single.orgTaskId, QStringLiteral("dbt-run"), 0}});
        QVERIFY(singleId.has_value());
        o = ctl({QStringLiteral("run"), QStringLiteral("show"), QString::number(*singleId), QStringLiteral("--json")});
        QCOMPARE(o.exitCode, 0);
        QVERIFY(o.json()[QStringLiteral("pipeline")].isNull());
        QCOMPARE(o.json()[QStringLiteral("label")].toString(), QStringLiteral("nightly-dbt"));
        QCOMPARE(o.json()[QStringLiteral("tasks")].toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_RunCli)
#include "tst_runcli.moc"
