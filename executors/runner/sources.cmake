# runner: the pipeline runner (runs, task runs, logs, leases) over the executors.
target_sources(sluice_executors PRIVATE
    runner/commandpreview.cpp runner/commandpreview.h
    runner/execution.cpp runner/execution.h
    runner/keychainmemo.cpp runner/keychainmemo.h
    runner/leasekeeper.cpp runner/leasekeeper.h
    runner/logwriter.cpp runner/logwriter.h
    runner/orgsetup.cpp runner/orgsetup.h
    runner/pipelinerunner.cpp runner/pipelinerunner.h
    runner/retryadvice.cpp runner/retryadvice.h
    runner/sleep.cpp runner/sleep.h
    runner/taskexecution.cpp runner/taskexecution.h
    runner/taskjob.cpp runner/taskjob.h
    runner/warehousetest.cpp runner/warehousetest.h)
