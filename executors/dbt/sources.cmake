# dbt: structured-log events, target/ artifacts, profiles.yml, the dbt operation.
target_sources(sluice_executors PRIVATE
    dbt/simdjsonutil.h
    dbt/dbtevent.h dbt/dbtevent.cpp
    dbt/artifactsupport.h
    dbt/dbtartifacts.h dbt/dbtartifacts.cpp dbt/dbtmanifest.cpp
    dbt/profileswriter.h dbt/profileswriter.cpp
    dbt/dbtoperation.h dbt/dbtoperation.cpp
)
target_sources(sluice_executors PRIVATE dbt/dbtinstaller.h dbt/dbtinstaller.cpp)
# The docs site: --static by version, which file to open, and the loopback server over target/.
target_sources(sluice_executors PRIVATE dbt/dbtdocs.h dbt/dbtdocs.cpp dbt/docsserver.h dbt/docsserver.cpp)
