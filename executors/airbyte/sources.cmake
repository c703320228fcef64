# The Airbyte Config API client, the sync-and-poll flow and the stored server settings.
target_sources(sluice_executors PRIVATE
    airbyte/airbytetypes.h airbyte/airbytetypes.cpp
    airbyte/airbyteclient.h airbyte/airbyteclient.cpp
    airbyte/airbytesync.h airbyte/airbytesync.cpp
    airbyte/airbyteserverstore.h airbyte/airbyteserverstore.cpp
)
