target_sources(sluice_executors PRIVATE
    process/outcome.h process/outcome.cpp
    process/processjob.h process/processjob.cpp
    process/shelloperation.h process/shelloperation.cpp
)
