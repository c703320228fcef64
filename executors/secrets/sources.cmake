# The keychain (QtKeychain over the Secret Service) and the scrubber that keeps secret values out of logs.
# secretstore.cpp talks to the D-Bus session bus itself (to tell "no keychain" apart from other failures).
find_package(Qt6 REQUIRED COMPONENTS DBus)
target_link_libraries(sluice_executors PRIVATE Qt6::DBus)
target_sources(sluice_executors PRIVATE
    secrets/secretstore.h secrets/secretstore.cpp
    secrets/secretscrubber.h secrets/secretscrubber.cpp
)
