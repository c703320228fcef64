// bench_dbt_events: parses 1,000,000 real dbt event lines (the JSON stdout lines of every dbt 1.8.9
// recording, repeated) and compares with a bare line-splitting loop over the same bytes.
//
// Usage: bench_dbt_events [LINES]   (default 1000000)
#include "dbt/dbtevent.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>

#include <cstdio>
#include <cstring>

using namespace sluice;

namespace {

constexpr int kBlockLines = 10000; // the lines are cycled into a block this big (~6 MB), parsed repeatedly

struct Row {
    const char *name;
    double seconds;
    qint64 lines;
};

} // namespace

int main(int argc, char **argv)
{
    const qint64 totalLines = argc > 1 ? std::atoll(argv[1]) : 1000000;
    const QString recordings = QStringLiteral(SLUICE_SOURCE_DIR "/../shared/fixtures/dbt/recorded-1.8.9/fixtures");
    QList<QByteArray> real;
    QDirIterator it(recordings, {QStringLiteral("*.stdout")}, QDir::Files, QDirIterator::Subdirectories);
    QStringList files;
    while (it.hasNext()) {
        const QString f = it.next();
        if (f.contains(QLatin1String("/json/")))
            files.append(f);
    }
    files.sort();
    for (const QString &f : std::as_const(files)) {
        QFile file(f);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &line : file.readAll().split('\n'))
            if (!line.isEmpty())
                real.append(line);
    }
    if (real.isEmpty()) {
        std::fprintf(stderr, "no recordings under %s\n", qPrintable(recordings));
        return 1;
    }

    QByteArray block;
    QList<QString> blockStrings; // the same lines as ProcessJob delivers them (QString)
    for (int i = 0; i < kBlockLines; ++i) {
        block += real.at(i % real.size());
        block += '\n';
        blockStrings.append(QString::fromUtf8(real.at(i % real.size())));
    }
    const qint64 passes = (totalLines + kBlockLines - 1) / kBlockLines;
    const qint64 lines = passes * kBlockLines;
    std::printf("bench_dbt_events: %lld lines (%d real lines from %lld recordings, cycled), %.1f MB of JSON\n\n",
                static_cast<long long>(lines), int(real.size()), static_cast<long long>(files.size()),
                double(block.size()) * double(passes) / 1e6);

    QList<Row> rows;
    volatile qint64 sink = 0;

    // 1. The floor: find each line and touch its length, nothing more.
    {
        QElapsedTimer t;
        t.start();
        qint64 n = 0, bytes = 0;
        for (qint64 p = 0; p < passes; ++p) {
            const char *s = block.constData();
            const char *end = s + block.size();
            while (s < end) {
                const char *nl = static_cast<const char *>(std::memchr(s, '\n', size_t(end - s)));
                if (!nl)
                    nl = end;
                bytes += nl - s;
                ++n;
                s = nl + 1;
            }
        }
        sink = sink + bytes + n;
        rows.append({"bare line splitting (memchr)", double(t.nsecsElapsed()) / 1e9, n});
    }

    // 2. Split and parse every line into a DbtEvent, feeding live progress.
    int kinds[16] = {};
    {
        DbtEventParser parser;
        DbtProgress progress;
        QElapsedTimer t;
        t.start();
        qint64 n = 0;
        for (qint64 p = 0; p < passes; ++p) {
            const char *s = block.constData();
            const char *end = s + block.size();
            while (s < end) {
                const char *nl = static_cast<const char *>(std::memchr(s, '\n', size_t(end - s)));
                if (!nl)
                    nl = end;
                const DbtEvent e = parser.parse(QByteArrayView(s, nl - s));
                progress.add(e);
                ++kinds[int(e.kind)];
                ++n;
                s = nl + 1;
            }
        }
        sink = sink + progress.finishedNodes();
        rows.append({"split + parse (UTF-8 bytes)", double(t.nsecsElapsed()) / 1e9, n});
    }

    // 3. As the dbt operation does it: each line arrives as a QString from the process job.
    {
        DbtEventParser parser;
        DbtProgress progress;
        QElapsedTimer t;
        t.start();
        qint64 n = 0;
        for (qint64 p = 0; p < passes; ++p)
            for (const QString &line : std::as_const(blockStrings)) {
                progress.add(parser.parse(line));
                ++n;
            }
        sink = sink + progress.finishedNodes();
        rows.append({"parse from QString (as DbtOperation)", double(t.nsecsElapsed()) / 1e9, n});
    }

    const double mb = double(block.size()) * double(passes) / 1e6;
    const double floor = rows.first().seconds;
    std::printf("%-40s %12s %10s %14s %10s %12s\n", "method", "lines", "seconds", "lines/s", "MB/s", "x bare loop");
    for (const Row &r : std::as_const(rows))
        std::printf("%-40s %12lld %10.3f %14.0f %10.1f %12.1f\n", r.name, static_cast<long long>(r.lines), r.seconds,
                    double(r.lines) / r.seconds, mb / r.seconds, r.seconds / floor);

    std::printf("\nevents by kind (parse pass):");
    for (int k = 0; k <= int(DbtEventKind::MainEncounteredError); ++k)
        if (kinds[k])
            std::printf(" %s=%d", qPrintable(toString(DbtEventKind(k))), kinds[k]);
    std::printf("\n");
    if (kinds[int(DbtEventKind::Plain)] != 0) {
        std::fprintf(stderr, "error: %d real event lines parsed as plain lines\n", kinds[int(DbtEventKind::Plain)]);
        return 1;
    }
    return sink == 0 ? 1 : 0;
}
