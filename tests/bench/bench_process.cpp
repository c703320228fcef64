// bench_process: the cost of running a process through ProcessJob against a bare posix_spawn.
// Spawns COUNT `true` processes one after another (each awaited before the next) both ways and
// prints count, total time, time per spawn and the ratio ProcessJob / posix_spawn (target <= 1.3).
// Usage: bench_process [COUNT=1000] [ROUNDS=5]
// Rounds interleave the methods, so that background load hits each alike; the table shows the best
// round (the least disturbed) and the median, plus the CPU time the parent itself spent per spawn
// (what ProcessJob adds on top of the kernel's fork/exec work, which the child pays).

#include "process/processjob.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

using namespace sluice;

namespace {

qint64 selfCpuNs()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (qint64(u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1000000 + u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1000;
}

// Returns elapsed nanoseconds, or -1 if a run did not succeed.
qint64 runBare(int count)
{
    char arg0[] = "true";
    char *argv[] = {arg0, nullptr};
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i) {
        pid_t pid = 0;
        if (posix_spawn(&pid, "/bin/true", nullptr, nullptr, argv, environ) != 0)
            return -1;
        int status = 0;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return -1;
    }
    return t.nsecsElapsed();
}

qint64 runJobs(int count, const QString &program)
{
    ProcessSpec spec;
    spec.program = program;
    QEventLoop loop;
    int done = 0;
    bool ok = true;
    QElapsedTimer t;
    std::function<void()> next = [&] {
        auto *job = new ProcessJob(spec);
        QObject::connect(job, &ProcessJob::finished, job, [&, job](const ProcessResult &r) {
            job->deleteLater();
            if (r.outcome != Outcome::Success) {
                std::fprintf(stderr, "run %d: %s\n", done, qPrintable(r.errorText));
                ok = false;
                loop.quit();
                return;
            }
            if (++done == count)
                loop.quit();
            else
                next();
        });
        job->start();
    };
    t.start();
    next();
    loop.exec();
    const qint64 ns = t.nsecsElapsed();
    return ok ? ns : -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const int count = args.size() > 1 ? args.at(1).toInt() : 1000;
    const int rounds = args.size() > 2 ? args.at(2).toInt() : 5;
    if (count <= 0 || rounds <= 0) {
        std::fprintf(stderr, "usage: bench_process [COUNT] [ROUNDS]\n");
        return 1;
    }

    struct Method {
        const char *name;
        std::function<qint64()> run;
        std::vector<qint64> wall; // ns per round
        qint64 cpu = 0;           // parent CPU ns over all rounds
        qint64 best() const { return *std::min_element(wall.begin(), wall.end()); }
        qint64 median() const
        {
            std::vector<qint64> w = wall;
            std::nth_element(w.begin(), w.begin() + qsizetype(w.size() / 2), w.end());
            return w[w.size() / 2];
        }
    };
    Method methods[] = {
        {"posix_spawn + waitpid /bin/true", [count] { return runBare(count); }, {}},
        {"ProcessJob /bin/true", [count] { return runJobs(count, QStringLiteral("/bin/true")); }, {}},
        {"ProcessJob true (PATH lookup)", [count] { return runJobs(count, QStringLiteral("true")); }, {}},
    };
    runBare(50); // warm up the page cache and the allocator
    runJobs(50, QStringLiteral("/bin/true"));
    for (int r = 0; r < rounds; ++r) {
        for (Method &m : methods) {
            const qint64 cpu0 = selfCpuNs();
            const qint64 ns = m.run();
            m.cpu += selfCpuNs() - cpu0;
            if (ns < 0) {
                std::fprintf(stderr, "%s: a run failed\n", m.name);
                return 2;
            }
            m.wall.push_back(ns);
        }
    }

    const double base = double(methods[0].best());
    std::printf("bench_process: %d sequential spawns per round, %d rounds\n\n", count, rounds);
    std::printf("| %-31s | %5s | %13s | %15s | %17s | %15s | %5s |\n", "method", "count", "best total ms",
                "best us/spawn", "median us/spawn", "parent CPU us/spawn", "ratio");
    std::printf("|%s|%s|%s|%s|%s|%s|%s|\n", "---------------------------------", "-------", "---------------",
                "-----------------", "-------------------", "---------------------", "-------");
    for (const Method &m : methods)
        std::printf("| %-31s | %5d | %13.1f | %15.1f | %17.1f | %19.1f | %5.2f |\n", m.name, count,
                    double(m.best()) / 1e6, double(m.best()) / 1e3 / count, double(m.median()) / 1e3 / count,
                    double(m.cpu) / 1e3 / count / rounds, double(m.best()) / base);
    const double ratio = double(methods[1].best()) / base;
    std::printf("\nratio ProcessJob / posix_spawn (best rounds) = %.2f (target <= 1.30): %s\n", ratio,
                ratio <= 1.3 ? "met" : "NOT met");
    return 0;
}
