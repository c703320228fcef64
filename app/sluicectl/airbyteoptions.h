#pragma once

#include "airbyte/airbyteclient.h"
#include "cli.h"

namespace sluice::cli {

// The client for the stored Airbyte server `name` (empty: the only one), with its secret from the keychain.
[[nodiscard]] Result<AirbyteClientOptions> airbyteClientOptions(Context &ctx, const QString &name);

} // namespace sluice::cli
