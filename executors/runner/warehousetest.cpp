#include "runner/warehousetest.h"

#include "secrets/secretscrubber.h"

#include <QCoro/QCoroSignal>
#include <QTemporaryDir>

#include <memory>

namespace sluice {

QCoro::Task<WarehouseTestResult> testWarehouse(Database &db, QString actor, Org org, Warehouse warehouse, std::optional<QString> secret,
                                               SecretLookup secrets)
{
    WarehouseTestResult out;
    QTemporaryDir privateDir;   // 0700, removed with the profile when the test ends
    if (!privateDir.isValid()) {
        out.setupProblem = QStringLiteral("cannot create a private folder for the dbt profile: %1").arg(privateDir.errorString());
        co_return out;
    }
    // (g++ 12: no braced lists or QStringLiteral among a co_await's arguments.)
    const QStringList arguments{QStringLiteral("debug")};
    const QString profilesDir = privateDir.filePath(QStringLiteral("profiles"));
    auto prepared = co_await prepareDbtFor(db, actor, org, warehouse, secret, arguments, profilesDir, secrets);
    if (!prepared) {
        out.setupProblem = prepared.error().message;
        out.setupKind = prepared.error().kind;
        co_return out;
    }
    SecretScrubber scrubber;
    for (const QString &s : std::as_const(prepared->secretValues))
        scrubber.add(s);
    DbtSpec spec = prepared->spec;
    spec.timeout = std::chrono::minutes(2);
    auto op = std::make_unique<DbtOperation>(spec);
    QStringList lines;
    QObject::connect(op.get(), &DbtOperation::logLine, op.get(), [&lines, &scrubber](const OutputLine &line) {
        lines << scrubber.scrub(line.text);
    });
    op->start();
    const DbtResult result = co_await qCoro(op.get(), &DbtOperation::finished);
    out.log = lines;
    out.report = parseDbtDebug(lines, result.exitCode);
    if (out.report.failure == DbtDebugReport::Failure::DidNotRun)
        out.report.errorText = scrubber.scrub(result.errorText.isEmpty() ? result.status() : result.errorText);
    co_return out;
}

} // namespace sluice
