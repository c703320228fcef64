#pragma once

#include <QString>

namespace sluice {

// A schedule in the words the schedule editor uses: "Hourly at :15", "Daily at 02:00",
// "Weekly on Mon, Wed at 06:30", "Monthly on day 1 at 00:00", "Every 10 minutes".
// Anything else (and anything invalid) comes back as the cron text itself, "Custom: <cron>".
[[nodiscard]] QString describeCron(const QString &cron);

} // namespace sluice
