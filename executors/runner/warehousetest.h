#pragma once

#include "dbt/dbtdebug.h"
#include "runner/orgsetup.h"

#include <QCoro/QCoroTask>

#include <optional>

namespace sluice {

// `dbt debug` against an org's warehouse, through the org's workspace's dbt and project, with a profile
// written for `warehouse` (saved or only typed) into a private folder removed afterwards. The secret is
// `secret` when given and not empty, else the keychain's (through `secrets`).
struct WarehouseTestResult {
    // dbt could not be prepared (no workspace, no checkout, a setting the profile cannot take, the secret
    // missing): the reason and its fix; dbt did not run and `report` is empty.
    QString setupProblem;
    Error::Kind setupKind = Error::Kind::NotFound;   // of setupProblem: NotFound (something missing) or Invalid (a setting)
    DbtDebugReport report;
    QStringList log;          // what dbt printed, secrets masked
    [[nodiscard]] bool passed() const { return setupProblem.isEmpty() && report.failure == DbtDebugReport::Failure::None; }
    // setupProblem, else the report's summary.
    [[nodiscard]] QString summary() const { return setupProblem.isEmpty() ? report.summary() : setupProblem; }
};

[[nodiscard]] QCoro::Task<WarehouseTestResult> testWarehouse(Database &db, QString actor, Org org, Warehouse warehouse,
                                                              std::optional<QString> secret, SecretLookup secrets);

} // namespace sluice
