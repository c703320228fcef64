# The scheduling agent (sluice-agent, sluicectl agent run): one agent per host and database, slot
# planning and claiming, overlap policies, execution through the pipeline runner.
target_sources(sluice_executors PRIVATE
    agent/hostlock.h agent/hostlock.cpp agent/latch.h
    agent/agent.h agent/agent.cpp agent/agentpass.cpp
    agent/agentservice.h agent/agentservice.cpp
    agent/agenthost.h agent/agenthost.cpp
    agent/agentcommandline.h agent/agentcommandline.cpp
)
