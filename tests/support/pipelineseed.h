#pragma once

#include "domain/entities.h"
#include "store/orgtaskstore.h"
#include "store/pipelinestore.h"

#include <QDebug>

namespace sluice::test {

// Test data through the real stores: a shell org task running `command` (as argv, no shell unless it
// asks for one), and a pipeline of the given tasks in that order without automatic dependencies. An
// entity that could not be made is logged and comes back empty (uuid empty), for the test to refuse.
inline OrgTask seedShellTask(Database &db, qint64 orgId, const QString &command, const QString &actor)
{
    OrgTaskDraft d;
    d.slug = QStringLiteral("shell");
    d.command = command;
    auto t = OrgTaskStore(db, actor).create(orgId, d);
    if (!t)
        qWarning() << "org task:" << t.error().message;
    return t.value_or(OrgTask{});
}

inline Pipeline seedPipeline(Database &db, qint64 orgId, const QString &name, const QList<OrgTask> &tasks, const QString &actor)
{
    PipelineDraft d;
    d.name = name;
    QStringList uuids;
    for (const OrgTask &t : tasks)
        uuids.append(t.uuid);
    d.taskUuids = uuids;
    d.autoDeps = false;
    auto p = PipelineStore(db, actor).create(orgId, d);
    if (!p)
        qWarning() << "pipeline:" << p.error().message;
    return p.value_or(Pipeline{});
}

} // namespace sluice::test
