# notify (being written)
target_sources(sluice_executors PRIVATE)
