// bench_manifest: parses generated manifests of 500, 5,000 and 20,000 models (manifestgenerator.h,
// shaped like a real dbt 1.11 manifest) and the largest shared real manifest with readManifest(), beside
// `python3 -c 'import json; json.load(open(F))'` on the same file in the same run; prints time and
// peak memory (getrusage ru_maxrss of a fresh process per measurement).
//
// Usage: bench_manifest [MODELS...]          (default 500 5000 20000)
//        bench_manifest --generate MODELS FILE   (only write a generated manifest)
//        bench_manifest --measure FILE       (internal: one measurement in a fresh process)
#include "dbt/dbtartifacts.h"
#include "manifestgenerator.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>

#include <sys/resource.h>

#include <cstdio>

using namespace sluice;

namespace {

constexpr int kRepeats = 3;

long maxRssKb()
{
    struct rusage ru {};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_maxrss;
}

// In a fresh process: parse FILE kRepeats times; print "best_ms first_ms maxrss_kb models nodes".
int measure(const QString &file)
{
    double best = 1e300, first = 0;
    qsizetype models = 0, nodes = 0;
    for (int i = 0; i < kRepeats; ++i) {
        QElapsedTimer t;
        t.start();
        auto m = readManifest(file);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (!m) {
            std::fprintf(stderr, "%s\n", qPrintable(m.error().message));
            return 1;
        }
        models = m->models().size();
        nodes = m->nodes.size();
        if (i == 0)
            first = ms;
        best = std::min(best, ms);
    }
    std::printf("%.3f %.3f %ld %lld %lld\n", best, first, maxRssKb(), static_cast<long long>(models), static_cast<long long>(nodes));
    return 0;
}

struct Measured { double bestMs = -1, firstMs = -1; long rssKb = 0; qint64 models = 0, nodes = 0; bool ok = false; };

QStringList runAndRead(const QString &program, const QStringList &args, double *wallMs)
{
    QProcess p;
    QElapsedTimer t;
    t.start();
    p.start(program, args);
    if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        std::fprintf(stderr, "%s failed: %s\n", qPrintable(program), p.readAllStandardError().constData());
        return {};
    }
    if (wallMs)
        *wallMs = double(t.nsecsElapsed()) / 1e6;
    return QString::fromUtf8(p.readAllStandardOutput()).simplified().split(QLatin1Char(' '));
}

Measured ours(const QString &file)
{
    const QStringList f = runAndRead(QCoreApplication::applicationFilePath(), {QStringLiteral("--measure"), file}, nullptr);
    Measured m;
    if (f.size() != 5)
        return m;
    m = {f[0].toDouble(), f[1].toDouble(), f[2].toLong(), f[3].toLongLong(), f[4].toLongLong(), true};
    return m;
}

// Python's json.load on the same file, timed inside Python (best of kRepeats, first), its peak RSS,
// and the wall time of the plain one-liner `python3 -c 'import json; json.load(open(F))'`.
Measured python(const QString &file, double *oneLinerWallMs)
{
    Measured m;
    runAndRead(QStringLiteral("python3"), {QStringLiteral("-c"), QStringLiteral("import json; json.load(open(%1))").arg(QStringLiteral("'") + file + QStringLiteral("'"))}, oneLinerWallMs);
    const QString script = QStringLiteral(
        "import json, sys, time, resource\n"
        "best = 1e300; first = None\n"
        "for i in range(%1):\n"
        "    t = time.perf_counter(); d = json.load(open(sys.argv[1])); ms = (time.perf_counter() - t) * 1000\n"
        "    first = ms if first is None else first; best = min(best, ms); del d\n"
        "print('%.3f %.3f %d' % (best, first, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))\n").arg(kRepeats);
    const QStringList f = runAndRead(QStringLiteral("python3"), {QStringLiteral("-c"), script, file}, nullptr);
    if (f.size() != 3)
        return m;
    m.bestMs = f[0].toDouble();
    m.firstMs = f[1].toDouble();
    m.rssKb = f[2].toLong();
    m.ok = true;
    return m;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments().mid(1);
    if (args.size() == 2 && args.first() == QLatin1String("--measure"))
        return measure(args.at(1));
    const QString templ = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/public-fivetran-hubspot/manifest.json");
    if (args.size() == 3 && args.first() == QLatin1String("--generate")) {
        QString error;
        if (bench::generateManifest(templ, args.at(1).toInt(), args.at(2), &error) < 0) {
            std::fprintf(stderr, "generator: %s\n", qPrintable(error));
            return 1;
        }
        return 0;
    }

    QList<int> sizes;
    for (const QString &a : args)
        sizes.append(a.toInt());
    if (sizes.isEmpty())
        sizes = {500, 5000, 20000};

    const QString fixtures = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt");
    QString largest;
    QDirIterator it(fixtures, {QStringLiteral("manifest.json")}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        if (largest.isEmpty() || QFileInfo(f).size() > QFileInfo(largest).size())
            largest = f;
    }

    QTemporaryDir dir;
    struct Input { QString label, path; };
    QList<Input> inputs;
    for (int n : std::as_const(sizes)) {
        const QString path = dir.filePath(QStringLiteral("manifest_%1.json").arg(n));
        QString error;
        QElapsedTimer t;
        t.start();
        if (bench::generateManifest(templ, n, path, &error) < 0) {
            std::fprintf(stderr, "generator: %s\n", qPrintable(error));
            return 1;
        }
        std::fprintf(stderr, "generated %d models in %.1f s\n", n, double(t.elapsed()) / 1000.0);
        inputs.append({QStringLiteral("generated %1 models").arg(n), path});
    }
    inputs.append({QStringLiteral("largest shared: ") + QFileInfo(largest).dir().dirName(), largest});

    std::printf("bench_manifest: readManifest() (simdjson On-Demand) vs python3 json.load, best of %d, each in a fresh process\n\n", kRepeats);
    std::printf("%-46s %9s %7s %7s | %9s %9s %8s | %9s %9s %8s %11s | %7s %9s\n", "manifest", "MB", "models", "nodes",
                "ours ms", "1st ms", "RSS MB", "py ms", "1st ms", "RSS MB", "py-c wall", "x py", "x py-c");
    bool allFast = true;
    for (const Input &in : std::as_const(inputs)) {
        const Measured o = ours(in.path);
        double wall = 0;
        const Measured p = python(in.path, &wall);
        if (!o.ok || !p.ok) {
            std::printf("%-46s measurement failed\n", qPrintable(in.label));
            allFast = false;
            continue;
        }
        const double ratio = p.bestMs / o.bestMs;
        allFast = allFast && ratio >= 5.0;
        std::printf("%-46s %9.1f %7lld %7lld | %9.1f %9.1f %8.1f | %9.1f %9.1f %8.1f %11.1f | %7.1f %9.1f\n", qPrintable(in.label),
                    double(QFileInfo(in.path).size()) / 1e6, static_cast<long long>(o.models), static_cast<long long>(o.nodes),
                    o.bestMs, o.firstMs, double(o.rssKb) / 1024.0, p.bestMs, p.firstMs, double(p.rssKb) / 1024.0, wall, ratio, wall / o.firstMs);
    }
    std::printf("\nx py = python json.load best / ours best (target >= 5); x py-c = wall time of the python3 -c one-liner / our first parse.\n"
                "RSS = peak resident set of the measuring process (includes the runtime: Qt for ours, the interpreter for Python).\n");
    std::printf("target (>= 5x faster than Python on every manifest): %s\n", allFast ? "met" : "NOT met");
    return 0;
}
