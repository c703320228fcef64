# target_sources(sluice_executors PRIVATE git/...)
