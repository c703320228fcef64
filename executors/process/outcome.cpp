#include "outcome.h"

namespace sluice {

QString toString(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Success: return QStringLiteral("success");
    case Outcome::Failed: return QStringLiteral("failed");
    case Outcome::Crashed: return QStringLiteral("crashed");
    case Outcome::TimedOut: return QStringLiteral("timed out");
    case Outcome::Canceled: return QStringLiteral("canceled");
    case Outcome::FailedToStart: return QStringLiteral("failed to start");
    }
    return {};
}

} // namespace sluice
