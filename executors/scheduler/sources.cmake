# scheduler: the wall-clock timer the agent sleeps on, and logind's suspend/resume over D-Bus.
target_sources(sluice_executors PRIVATE
    scheduler/walltimer.h scheduler/walltimer.cpp
    scheduler/sleepwatcher.h scheduler/sleepwatcher.cpp
)
find_package(Qt6 REQUIRED COMPONENTS DBus)
target_link_libraries(sluice_executors PUBLIC Qt6::DBus)
