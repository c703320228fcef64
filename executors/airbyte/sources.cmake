# The Airbyte Config API client and the sync-and-poll flow (the stored server settings: models/store/airbyteserverstore).
target_sources(sluice_executors PRIVATE
    airbyte/airbytetypes.h airbyte/airbytetypes.cpp
    airbyte/airbyteclient.h airbyte/airbyteclient.cpp
    airbyte/airbyteactors.cpp
    airbyte/airbytesync.h airbyte/airbytesync.cpp
    airbyte/airbyteprobe.h airbyte/airbyteprobe.cpp
)
