// The run views' item models (models/itemmodels): well-behaved models, rows updated in place when the
// runs are the same ones, words for statuses, durations and task summaries.
#include "itemmodels/runlistmodel.h"
#include "itemmodels/taskrunlistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

using namespace sluice;

namespace {

RunSummary run(qint64 id, const QString &status, qint64 startedAt = 0, qint64 finishedAt = 0)
{
    RunSummary r;
    r.id = id;
    r.pipelineName = QStringLiteral("Nightly");
    r.trigger = QStringLiteral("manual");
    r.status = runStatusFromSql(status).value_or(RunStatus::Crashed);
    r.queuedAt = 1'000;
    r.startedAt = startedAt;
    r.finishedAt = finishedAt;
    return r;
}

} // namespace

class tst_RunModels : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void runListIsWellBehavedAndUpdatesInPlace()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
        model.setRuns({run(2, QStringLiteral("running"), 10'000), run(1, QStringLiteral("failed"), 5'000, 7'500)}, 75'000);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, RunListModel::Status).data().toString(), QStringLiteral("Running"));
        QCOMPARE(model.index(0, RunListModel::Duration).data().toString(), QStringLiteral("1 min 05 s"));   // against "now"
        QCOMPARE(model.index(1, RunListModel::Duration).data().toString(), QStringLiteral("2.5 s"));
        QCOMPARE(model.index(1, RunListModel::Number).data(RunListModel::RunIdRole).toLongLong(), 1);
        // The same runs again, one finished: updated in place (a view keeps its selection).
        model.setRuns({run(2, QStringLiteral("partial_success"), 10'000, 20'000), run(1, QStringLiteral("failed"), 5'000, 7'500)}, 90'000);
        QCOMPARE(resets.size(), 1);
        QCOMPARE(changes.size(), 1);
        QCOMPARE(model.index(0, RunListModel::Status).data().toString(), QStringLiteral("Partial success"));
        QCOMPARE(model.index(0, RunListModel::Duration).data().toString(), QStringLiteral("10.0 s"));
        // A new run on top: the rows are others now.
        model.setRuns({run(3, QStringLiteral("queued")), run(2, QStringLiteral("successful"), 10'000, 20'000)}, 90'000);
        QCOMPARE(resets.size(), 2);
        QCOMPARE(model.rowOf(3), 0);
        QCOMPARE(model.rowOf(1), -1);
        QCOMPARE(model.index(0, RunListModel::Duration).data().toString(), QString());   // never started
        QVERIFY(model.index(0, RunListModel::Status).data(Qt::ToolTipRole).toString().contains(QStringLiteral("agent")));
        model.setRuns({}, 0);
        QCOMPARE(model.rowCount(), 0);
    }

    void statusesHaveWordsAndTones()
    {
        // One spelling in SQL, one in words; every status round-trips and has a tone of its own kind.
        QCOMPARE(toWords(RunStatus::PartialSuccess), QStringLiteral("Partial success"));
        for (const QString &word : runStatusWords())
            QCOMPARE(toSql(*runStatusFromSql(word)), word);
        QVERIFY(!runStatusFromSql(u"nonsense"));
        QVERIFY(toneOf(RunStatus::Successful) != toneOf(RunStatus::Failed));
        QVERIFY(toneOf(TaskRunStatus::Warning) != toneOf(TaskRunStatus::Successful));
        QCOMPARE(toneOf(RunStatus::Crashed), toneOf(RunStatus::Failed));
        QCOMPARE(toneOf(TaskRunStatus::Warning), toneOf(RunStatus::PartialSuccess));
        QCOMPARE(taskErrorKindFromSql(u"exit-code"), TaskErrorKind::ExitCode);
        QCOMPARE(taskErrorKindFromSql(u""), TaskErrorKind::None);
        QCOMPARE(taskErrorKindFromSql(u"something new"), TaskErrorKind::Failed);
        // The models give the tone as a role, never a colour (the view maps it to the palette).
        RunListModel model;
        model.setRuns({run(1, QStringLiteral("failed"))}, 0);
        QCOMPARE(model.index(0, RunListModel::Status).data(RunListModel::ToneRole).toInt(), int(StatusTone::Bad));
        QVERIFY(!model.index(0, RunListModel::Status).data(Qt::ForegroundRole).isValid());
    }

    void durations_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("words");
        QTest::newRow("ms") << qint64(250) << QStringLiteral("250 ms");
        QTest::newRow("seconds") << qint64(12'345) << QStringLiteral("12.3 s");
        QTest::newRow("minutes") << qint64(125'000) << QStringLiteral("2 min 05 s");
        QTest::newRow("hours") << qint64(3'600'000 * 2 + 60'000 * 7) << QStringLiteral("2 h 07 min");
        QTest::newRow("negative") << qint64(-5) << QString();
    }
    void durations()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, words);
        QCOMPARE(durationLabel(ms), words);
    }

    void taskRunsAreWellBehavedAndSummarised()
    {
        TaskRunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        TaskRunRecord dbt;
        dbt.id = 11;
        dbt.slug = QStringLiteral("dbt-test");
        dbt.seq = 1;
        dbt.status = TaskRunStatus::Warning;
        dbt.exitCode = 1;
        dbt.summary = QJsonObject{{QStringLiteral("pass"), 7}, {QStringLiteral("warn"), 1}, {QStringLiteral("error"), 2}, {QStringLiteral("skip"), 0}};
        TaskRunRecord git;
        git.id = 10;
        git.slug = QStringLiteral("git-pull");
        git.status = TaskRunStatus::Successful;
        git.summary = QJsonObject{{QStringLiteral("old_commit"), QStringLiteral("a1b2c3d4e5f6")}, {QStringLiteral("new_commit"), QStringLiteral("0f9e8d7c6b5a")}};
        TaskRunRecord sync;
        sync.id = 12;
        sync.slug = QStringLiteral("airbyte-sync");
        sync.seq = 2;
        sync.attempt = 2;
        sync.status = TaskRunStatus::Failed;
        sync.summary = QJsonObject{{QStringLiteral("job_id"), 42}, {QStringLiteral("records_synced"), 1200}};
        sync.errorKind = TaskErrorKind::Airbyte;
        sync.errorDetail = QStringLiteral("the job failed");
        model.setTaskRuns({git, dbt, sync}, 0);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, TaskRunListModel::Summary).data().toString(), QStringLiteral("a1b2c3d → 0f9e8d7"));
        QCOMPARE(model.index(1, TaskRunListModel::Summary).data().toString(), QStringLiteral("7 pass, 1 warn, 2 error, 0 skip"));
        QCOMPARE(model.index(1, TaskRunListModel::ExitCode).data().toInt(), 1);
        const QString syncText = model.index(2, TaskRunListModel::Summary).data().toString();
        QVERIFY2(syncText.contains(QStringLiteral("job 42")) && syncText.endsWith(QStringLiteral("the job failed")), qPrintable(syncText));
        QCOMPARE(model.index(2, TaskRunListModel::Attempt).data().toInt(), 2);
        QCOMPARE(model.rowOf(12), 2);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        sync.status = TaskRunStatus::Successful;
        model.setTaskRuns({git, dbt, sync}, 0);
        QCOMPARE(resets.size(), 0);
        QCOMPARE(model.index(2, TaskRunListModel::Status).data().toString(), QStringLiteral("Successful"));
        git.summary = QJsonObject{{QStringLiteral("old_commit"), QStringLiteral("a1b2c3d")}, {QStringLiteral("new_commit"), QStringLiteral("a1b2c3d")}};
        QCOMPARE(taskRunSummaryText(git), QStringLiteral("at a1b2c3d"));
    }
};

QTEST_GUILESS_MAIN(tst_RunModels)
#include "tst_runmodels.moc"
