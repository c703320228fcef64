# target_sources(sluice_executors PRIVATE airbyte/...)
