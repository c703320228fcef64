// A bounded stress run of the multi-agent scenario: four real `sluice-agent --headless` processes share
// one database while a busy loop runs on every core and another connection keeps the database busy.
// Six every-minute pipelines (policy `all`) with the last kMissed minutes due, each locking two of five
// shared tasks, so catch-up runs queue behind each other's locks and locks move between agents. Every
// slot must run exactly once (a ledger outside the app counts what the tasks did), successfully, and
// no run may crash; no agent may meet a deadlock. The figures are printed for the record.
#include "agentprocess.h"
#include "storefixture.h"
#include "testhelpers.h"
#include "pipelineseed.h"

#include "store/lockstore.h"
#include "store/orgstore.h"
#include "store/runstore.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace sluice;
using sluice::test::AgentProcess;
using sluice::test::StoreFixture;
using sluice::test::why;

namespace {

// Long enough that an agent starved by the load beside it (busy loops, other suites) still renews in
// time: a lease that lapses is the design working (its run is crashed; tst_agents_multi tests that), and
// this suite is about duplicates, missed slots and deadlocks. At 3 s, ctest -j4 beside two busy loops
// let one lapse.
constexpr qint64 kLeaseMs = 15000;
constexpr qint64 kMinute = 60'000;
constexpr int kAgents = 4;
constexpr int kPipelines = 6;
constexpr int kTasks = 5;
constexpr int kMissed = 20;

} // namespace

class tst_AgentsStress : public QObject
{
    Q_OBJECT

    StoreFixture m_fixture;
    std::unique_ptr<Database> m_db;
    std::vector<std::unique_ptr<AgentProcess>> m_agents;
    std::vector<std::unique_ptr<QProcess>> m_burners;

    qint64 scalar(const QString &sql, const QVariantList &values = {})
    {
        auto v = m_db->scalar(sql, values);
        return v && !v->isNull() ? v->toLongLong() : -1;
    }

private Q_SLOTS:
    void initTestCase() { SLUICE_REQUIRE_BACKEND(m_fixture); }

    void cleanup()
    {
        for (auto &b : m_burners)
            b->kill();
        for (auto &b : m_burners)
            b->waitForFinished(5000);
        m_burners.clear();
        for (auto &a : m_agents) {
            if (a->process->state() == QProcess::NotRunning)
                continue;
            a->signal(SIGTERM);
            a->signal(SIGTERM);
        }
        for (auto &a : m_agents)
            QTRY_VERIFY_WITH_TIMEOUT(a->process->state() == QProcess::NotRunning, 20'000);
        if (QTest::currentTestFailed())
            for (auto &a : m_agents)
                qWarning().noquote() << "agent" << a->pid() << "said:\n" << a->output.right(20'000);
        m_agents.clear();
        m_db.reset();
    }

    void everySlotOnceUnderLoad()
    {
        auto db = m_fixture.openFresh();
        QVERIFY2(db.has_value(), qPrintable(why(db)));
        m_db = std::move(*db);
        const QString url = m_db->url().toString();
        const QString actor = QStringLiteral("tester");
        auto org = OrgStore(*m_db, actor).create(QStringLiteral("acme"), QStringLiteral("Acme"));
        QVERIFY2(org.has_value(), qPrintable(why(org)));

        // Each step appends "pipeline slot seq" to the ledger: what was done, counted outside the store.
        const QString ledger = m_fixture.tempDir().filePath(QStringLiteral("ledger"));
        QList<OrgTask> tasks;
        for (int i = 0; i < kTasks; ++i) {
            tasks.append(test::seedShellTask(*m_db, org->id,
                                             QStringLiteral("sh -c 'echo \"$SLUICE_PIPELINE $SLUICE_SCHEDULED_FOR $SLUICE_TASK_SEQ\" >> %1; sleep 0.05'")
                                                 .arg(ledger),
                                             actor));
            QVERIFY(!tasks.last().uuid.isEmpty());
        }
        const qint64 seed = QDateTime::currentMSecsSinceEpoch() / kMinute * kMinute - kMissed * kMinute;
        QList<qint64> pipelineIds;
        for (int i = 0; i < kPipelines; ++i) {
            PipelineDraft d;
            d.name = QStringLiteral("stress-%1").arg(i);
            d.taskUuids = QStringList{tasks[i % kTasks].uuid, tasks[(i + 1) % kTasks].uuid};
            d.cron = QStringLiteral("* * * * *");
            d.timezone = QStringLiteral("UTC");
            d.autoDeps = false;
            d.missedPolicy = MissedPolicy::All;
            auto p = PipelineStore(*m_db, actor).create(org->id, d);
            QVERIFY2(p.has_value(), qPrintable(why(p)));
            QVERIFY(RunStore(*m_db).recordSkippedSlot(org->id, p->id, p->name, seed, QStringLiteral("seeded by the test"), actor));
            pipelineIds.append(p->id);
        }

        // CPU load: a busy loop per core. Database load: a connection reading what the GUI reads and
        // writing beside the agents, without pause.
        for (int i = 0; i < QThread::idealThreadCount(); ++i) {
            auto burner = std::make_unique<QProcess>();
            burner->start(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("while :; do :; done")});
            QVERIFY(burner->waitForStarted());
            m_burners.push_back(std::move(burner));
        }
        std::atomic<bool> loading{true};
        std::atomic<qint64> loadStatements{0};
        std::atomic<int> loadFailures{0};
        std::thread load([&] {
            auto own = Database::open(m_db->url());
            if (!own) {
                ++loadFailures;
                return;
            }
            Database &d = **own;
            while (loading) {
                RunFilter all;
                all.limit = 200;
                bool ok = RunStore(d).list(all).has_value() && LockStore(d).status().has_value();
                ok = ok && d.write([&]() -> Result<void> {
                    if (auto q = d.exec(QStringLiteral("UPDATE org SET name = name WHERE id = ?"), {org->id}); !q)
                        return fail(q.error());
                    return {};
                }).has_value();
                loadStatements += 3;
                if (!ok)
                    ++loadFailures;
            }
        });

        QElapsedTimer elapsed;
        elapsed.start();
        for (int i = 0; i < kAgents; ++i) {
            auto agent = std::make_unique<AgentProcess>();
            agent->start(QStringLiteral(SLUICE_AGENT_PATH), url, m_fixture.tempDir().filePath(QStringLiteral("lock-%1").arg(i)), {}, kLeaseMs);
            m_agents.push_back(std::move(agent));
        }
        const QString pending = QStringLiteral("SELECT COUNT(*) FROM run WHERE status IN ('queued', 'running')");
        const QString done = QStringLiteral("SELECT COUNT(*) FROM run WHERE pipeline_id = ? AND scheduled_for > ? AND status = 'successful'");
        // The agents go on scheduling while the test checks: the next minute's slots are not part of the
        // check. `lastSlot` is read first, so a slot that comes due during the check is either after it
        // or still pending (and the check tries again).
        QHash<qint64, qint64> lastSlot;
        const auto allDone = [&] {
            for (qint64 id : std::as_const(pipelineIds))
                lastSlot[id] = scalar(QStringLiteral("SELECT MAX(scheduled_for) FROM run WHERE pipeline_id = ?"), {id});
            for (qint64 id : std::as_const(pipelineIds))
                if (scalar(done, {id, seed}) < kMissed)
                    return false;
            return scalar(pending) == 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(allDone(), 240'000);
        const qint64 took = elapsed.elapsed();
        loading = false;
        load.join();
        QCOMPARE(loadFailures.load(), 0);

        // Exactly one run per slot, every one successful; no run crashed, nothing left running.
        qint64 runs = 0;
        for (qint64 id : std::as_const(pipelineIds)) {
            const qint64 last = lastSlot.value(id);
            const qint64 slots = (last - seed) / kMinute;
            const QVariantList window{id, seed, last};
            QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE pipeline_id = ? AND scheduled_for > ? AND scheduled_for <= ?"), window), slots);
            QCOMPARE(scalar(QStringLiteral("SELECT COUNT(DISTINCT scheduled_for) FROM run WHERE pipeline_id = ? AND scheduled_for > ? AND scheduled_for <= ?"), window),
                     slots);
            const qint64 successful = scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE pipeline_id = ? AND scheduled_for > ? AND scheduled_for <= ? AND status = 'successful'"), window);
            if (successful != slots) { // say which runs were not successful, and why
                auto q = m_db->exec(QStringLiteral("SELECT id, scheduled_for, status, status_reason FROM run WHERE pipeline_id = ? AND scheduled_for > ? AND scheduled_for <= ? AND status <> 'successful'"), window);
                while (q && q->next())
                    qWarning().noquote() << "run" << q->value(0).toLongLong() << "slot" << (q->value(1).toLongLong() - seed) / kMinute << q->value(2).toString() << q->value(3).toString();
            }
            QCOMPARE(successful, slots);
            runs += slots;
        }
        QCOMPARE(scalar(QStringLiteral("SELECT COUNT(*) FROM run WHERE status = 'crashed'")), 0);

        // ...each step done exactly once.
        QFile f(ledger);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QHash<QByteArray, int> seen;
        // Slots the check covers (a later slot's steps may be in the ledger too; they are not counted).
        QHash<QString, qint64> lastByName;
        for (int i = 0; i < kPipelines; ++i)
            lastByName.insert(QStringLiteral("stress-%1").arg(i), lastSlot.value(pipelineIds.at(i)));
        int lines = 0;
        for (const QByteArray &line : f.readAll().split('\n')) {
            if (line.isEmpty())
                continue;
            ++seen[line];
            const QList<QByteArray> words = line.split(' ');
            const qint64 at = words.size() >= 2 ? QDateTime::fromString(QString::fromUtf8(words.at(1)), Qt::ISODate).toMSecsSinceEpoch() : 0;
            if (words.size() >= 2 && at <= lastByName.value(QString::fromUtf8(words.at(0)), 0))
                ++lines;
        }
        for (auto it = seen.cbegin(); it != seen.cend(); ++it)
            QVERIFY2(it.value() == 1, qPrintable(QStringLiteral("done %1 times: %2").arg(it.value()).arg(QString::fromUtf8(it.key()))));
        QCOMPARE(lines, int(runs * 2));

        // No agent met a deadlock, so none had to run a transaction again.
        QStringList perAgent;
        for (auto &a : m_agents) {
            QVERIFY2(!a->output.contains(QLatin1String("deadlock")), qPrintable(a->output.right(4000)));
            perAgent.append(QString::number(scalar(QStringLiteral("SELECT COUNT(*) FROM run r JOIN agent g ON g.id = r.agent_id "
                                                                  "WHERE g.pid = ? AND r.status = 'successful'"),
                                                   {a->pid()})));
        }
        qInfo().noquote() << QStringLiteral("%1 runs (%2 slots x 2 steps in the ledger) by %3 agents (%4) in %5 s, %6 busy loops, "
                                            "%7 load statements beside; 0 crashed, 0 duplicates, 0 missed, 0 deadlocks")
                                 .arg(runs)
                                 .arg(runs)
                                 .arg(kAgents)
                                 .arg(perAgent.join(QLatin1Char('/')))
                                 .arg(double(took) / 1000.0, 0, 'f', 1)
                                 .arg(m_burners.size())
                                 .arg(loadStatements.load());
    }
};

QTEST_GUILESS_MAIN(tst_AgentsStress)
#include "tst_agents_stress.moc"
