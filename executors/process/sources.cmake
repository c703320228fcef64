target_sources(sluice_executors PRIVATE
    process/outcome.h process/outcome.cpp
)
