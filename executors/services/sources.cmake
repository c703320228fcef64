# services: what the desktop app asks of the store and the executors, each service on a thread of its
# own with its own connection; the window talks to them through queued signals only.
target_sources(sluice_executors PRIVATE
    services/catalogservice.cpp services/catalogservice.h
    services/dbtfinder.cpp services/dbtfinder.h
    services/ingestservice.cpp services/ingestservice_sources.cpp services/ingestservice_connections.cpp
    services/ingestservice_warehouse.cpp services/ingestservice_server.cpp services/ingestservice.h
    services/docsservice.cpp services/docsservice.h
    services/lineagelayoutservice.cpp services/lineagelayoutservice.h
    services/runservice.cpp services/runservice.h
    services/transformservice.cpp services/transformservice.h
    services/transformworkspace.cpp)
