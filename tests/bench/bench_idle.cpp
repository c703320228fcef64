// bench_idle: what an idle agent costs the machine. A SQLite store with N scheduled pipelines (1,000 by
// default), none of them due during the measurement (each fires daily at a wall time 12 h away), and a
// real `sluice-agent --headless` on it. After the agent has started and made its first pass (a
// settle period), the program reads the kernel's counters of the agent process for `--seconds` (120 by
// default): wake-ups = voluntary context switches of all its threads (each return from a blocking wait),
// CPU = utime + stime. The same counters of an idle `sleep` process over the same window are the
// baseline. Target: <= 3 wake-ups in 120 s (the agent sleeps up to 60 s between passes; no polling).

#include "domain/entities.h"
#include "store/catalogstore.h"
#include "store/database.h"
#include "store/orgstore.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include "benchsupport.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QThread>

#include <unistd.h>

using namespace sluice;
using namespace sluice::bench;

namespace {

struct Counters
{
    qint64 wakeUps = 0;     // voluntary context switches, all threads
    qint64 involuntary = 0;
    double cpuMs = 0;       // utime + stime
    int threads = 0;
};

Counters read(qint64 pid)
{
    Counters c;
    const QDir tasks(QStringLiteral("/proc/%1/task").arg(pid));
    for (const QString &tid : tasks.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile status(tasks.filePath(tid + QStringLiteral("/status")));
        if (!status.open(QIODevice::ReadOnly))
            continue;
        ++c.threads;
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("voluntary_ctxt_switches:"))
                c.wakeUps += line.mid(24).trimmed().toLongLong();
            else if (line.startsWith("nonvoluntary_ctxt_switches:"))
                c.involuntary += line.mid(27).trimmed().toLongLong();
        }
    }
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        throw Fatal{QStringLiteral("process %1 is gone").arg(pid)};
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');   // fields from 3 on
    const double tick = double(::sysconf(_SC_CLK_TCK));
    c.cpuMs = (fields.value(11).toDouble() + fields.value(12).toDouble()) * 1000.0 / tick;   // utime, stime
    return c;
}

Counters operator-(const Counters &a, const Counters &b)
{
    return {a.wakeUps - b.wakeUps, a.involuntary - b.involuntary, a.cpuMs - b.cpuMs, a.threads};
}

void fill(Database &db, int pipelines)
{
    orDie(initialiseDatabase(db, false), QStringLiteral("initialising the database"));
    const Org org = orDie(OrgStore(db, QStringLiteral("bench")).create(QStringLiteral("bench"), QStringLiteral("Bench")),
                          QStringLiteral("creating the org"));
    OrgTaskDraft task;
    task.slug = QStringLiteral("shell");
    task.command = QStringLiteral("true");
    const OrgTask t = orDie(OrgTaskStore(db, QStringLiteral("bench")).create(org.id, task), QStringLiteral("creating the task"));
    const QDateTime away = QDateTime::currentDateTimeUtc().addSecs(12 * 3600);
    const QString cron = QStringLiteral("%1 %2 * * *").arg(away.time().minute()).arg(away.time().hour());
    PipelineStore store(db, QStringLiteral("bench"));
    orDie(db.write([&]() -> Result<void> {
              for (int i = 0; i < pipelines; ++i) {
                  PipelineDraft d;
                  d.name = QStringLiteral("idle %1").arg(i);
                  d.taskUuids = QStringList{t.uuid};
                  d.autoDeps = false;
                  d.cron = cron;
                  d.timezone = QStringLiteral("UTC");
                  if (auto p = store.create(org.id, d); !p)
                      return fail(p.error());
              }
              return {};
          }),
          QStringLiteral("creating the pipelines"));
}

void stop(QProcess &p)
{
    if (p.state() == QProcess::NotRunning)
        return;
    p.terminate();
    if (!p.waitForFinished(30'000)) {
        p.kill();
        p.waitForFinished(5'000);
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Counts an idle agent's wake-ups and CPU time.\n"
                                                    "Exit status: 0 when the target (<= 3 wake-ups in 120 s, scaled) is met, 3 when missed."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("pipelines"), QStringLiteral("Scheduled pipelines (default 1000)."), QStringLiteral("n"), QStringLiteral("1000")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("Measured window (default 120)."), QStringLiteral("s"), QStringLiteral("120")});
    parser.addOption({QStringLiteral("settle"), QStringLiteral("Seconds to wait after the start before measuring (default 10)."),
                      QStringLiteral("s"), QStringLiteral("10")});
    parser.addOption({QStringLiteral("agent"), QStringLiteral("The sluice-agent binary."), QStringLiteral("path"), QStringLiteral(SLUICE_AGENT_PATH)});
    parser.process(app);
    bool ok[3] = {};
    const int pipelines = parser.value(QStringLiteral("pipelines")).toInt(&ok[0]);
    const int seconds = parser.value(QStringLiteral("seconds")).toInt(&ok[1]);
    const int settle = parser.value(QStringLiteral("settle")).toInt(&ok[2]);
    if (!ok[0] || !ok[1] || !ok[2] || pipelines < 1 || seconds < 1 || settle < 0) {
        say(QStringLiteral("bench_idle: --pipelines, --seconds and --settle take whole numbers"));
        return 2;
    }

    try {
        Store store(DbUrl::Backend::Sqlite, {});
        const DbUrl url = store.create(QStringLiteral("idle"));
        {
            auto db = orDie(Database::open(url), QStringLiteral("opening the database"));
            fill(*db, pipelines);
        }
        QTemporaryDir lockDir;
        QProcess agent, baseline;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SLUICE_AGENT_LOCK_DIR"), lockDir.path());
        env.remove(QStringLiteral("DISPLAY"));
        agent.setProcessEnvironment(env);
        agent.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        agent.setStandardOutputFile(QProcess::nullDevice());
        agent.start(parser.value(QStringLiteral("agent")), {QStringLiteral("--headless"), QStringLiteral("--db"), url.toString()});
        baseline.start(QStringLiteral("sleep"), {QString::number(settle + seconds + 60)});
        if (!agent.waitForStarted(10'000) || !baseline.waitForStarted(10'000))
            throw Fatal{QStringLiteral("could not start %1: %2").arg(parser.value(QStringLiteral("agent")), agent.errorString())};
        say(QStringLiteral("bench_idle: %1 pipelines, none due; agent pid %2; settling %3 s, then measuring %4 s")
                .arg(pipelines).arg(agent.processId()).arg(settle).arg(seconds));
        QThread::sleep(settle);
        if (agent.state() != QProcess::Running)
            throw Fatal{QStringLiteral("the agent exited during the settle period (exit code %1)").arg(agent.exitCode())};
        const Counters a0 = read(agent.processId()), b0 = read(baseline.processId());
        QThread::sleep(seconds);
        const Counters a = read(agent.processId()) - a0, b = read(baseline.processId()) - b0;
        stop(agent);
        stop(baseline);

        const double target = 3.0 * seconds / 120.0;
        const bool met = double(a.wakeUps) <= target;
        say(QLatin1Char('\n') + formatTable({QStringLiteral("process"), QStringLiteral("threads"), QStringLiteral("wake-ups"),
                                             QStringLiteral("involuntary"), QStringLiteral("CPU ms")},
                                            {{QStringLiteral("sluice-agent --headless"), QString::number(a.threads), QString::number(a.wakeUps),
                                              QString::number(a.involuntary), QString::number(a.cpuMs, 'f', 0)},
                                             {QStringLiteral("sleep (baseline)"), QString::number(b.threads), QString::number(b.wakeUps),
                                              QString::number(b.involuntary), QString::number(b.cpuMs, 'f', 0)}}));
        say(QStringLiteral("\n%1 wake-ups in %2 s (target <= %3): %4")
                .arg(a.wakeUps).arg(seconds).arg(target, 0, 'f', 1).arg(met ? QStringLiteral("met") : QStringLiteral("MISSED")));
        return met ? 0 : 3;
    } catch (const Fatal &f) {
        say(QStringLiteral("bench_idle: ") + f.message);
        return 1;
    }
}
