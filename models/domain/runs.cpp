#include "runs.h"

#include <algorithm>

namespace sluice {

QList<TaskRunRecord> RunRecord::latestAttempts() const
{
    QList<TaskRunRecord> latest;
    for (const TaskRunRecord &t : tasks) {
        auto it = std::find_if(latest.begin(), latest.end(), [&t](const TaskRunRecord &l) { return l.seq == t.seq; });
        if (it == latest.end())
            latest.append(t);
        else if (t.attempt > it->attempt)
            *it = t;
    }
    std::stable_sort(latest.begin(), latest.end(), [](const TaskRunRecord &a, const TaskRunRecord &b) { return a.seq < b.seq; });
    return latest;
}

} // namespace sluice
