# executors/git: the dbt project's git checkout through libgit2 (clone, fetch, fast-forward pull).
target_sources(sluice_executors PRIVATE
    git/gittypes.h git/githandles.h
    git/gitworkspace.h git/gitworkspace.cpp
    git/gitjob.h git/gitjob.cpp)
