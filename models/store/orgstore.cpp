#include "orgstore.h"

#include "core/clock.h"
#include "store/database.h"

#include <QRegularExpression>

namespace sluice {

namespace {

const QString kColumns = QStringLiteral("id, slug, name, airbyte_workspace_id, created_at, updated_at");

Org readOrg(const QSqlQuery &q)
{
    return {q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(), q.value(3).toString(),
            q.value(4).toLongLong(), q.value(5).toLongLong()};
}

} // namespace

QJsonObject toJson(const Org &org)
{
    return {{QStringLiteral("slug"), org.slug},
            {QStringLiteral("name"), org.name},
            {QStringLiteral("airbyte_workspace_id"), org.airbyteWorkspaceId.isEmpty() ? QJsonValue() : QJsonValue(org.airbyteWorkspaceId)}};
}

OrgStore::OrgStore(Database &db, QString actor) : m_db(db), m_audit(db, std::move(actor)) {}

Result<OrgContents> OrgStore::contents(qint64 orgId)
{
    auto row = m_db.fetch(QStringLiteral("SELECT (SELECT COUNT(*) FROM org_task WHERE org_id = ?), "
                                         "(SELECT COUNT(*) FROM pipeline WHERE org_id = ?)"),
                          {orgId, orgId});
    if (!row)
        return fail(row.error());
    if (row->isEmpty())
        return OrgContents{};
    return OrgContents{row->first().value(0).toInt(), row->first().value(1).toInt()};
}

Result<void> OrgStore::validateSlug(const QString &slug)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,63}$"));
    if (!pattern.match(slug).hasMatch())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a valid slug: use 1-64 lowercase letters, digits and dashes, "
                                                  "starting with a letter or digit").arg(slug)));
    return {};
}

Result<Org> OrgStore::create(const QString &slug, const QString &name)
{
    if (auto ok = validateSlug(slug); !ok)
        return fail(ok.error());
    if (name.trimmed().isEmpty())
        return fail(Error::invalid(QStringLiteral("an org needs a name (--name NAME)")));
    return m_db.write([&]() -> Result<Org> {
        auto existing = m_db.scalar(QStringLiteral("SELECT COUNT(*) FROM org WHERE slug = ?"), {slug});
        if (!existing)
            return fail(existing.error());
        if (existing->toInt() > 0)
            return fail(Error::conflict(QStringLiteral("an org with slug \"%1\" already exists").arg(slug)));
        const qint64 now = nowMs();
        auto q = m_db.exec(QStringLiteral("INSERT INTO org (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING ") + kColumns,
                           {slug, name.trimmed(), now, now});
        if (!q)
            return fail(q.error());
        if (!q->next())
            return fail(Error::internal(QStringLiteral("creating org %1 returned no row").arg(slug)));
        Org org = readOrg(*q);
        if (auto a = m_audit.created(org.id, QStringLiteral("org"), org.slug, toJson(org)); !a)
            return fail(a.error());
        return org;
    });
}

Result<QList<Org>> OrgStore::list()
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM org ORDER BY slug"));
    if (!q)
        return fail(q.error());
    QList<Org> orgs;
    while (q->next())
        orgs.append(readOrg(*q));
    return orgs;
}

Result<Org> OrgStore::find(const QString &slug)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM org WHERE slug = ?"), {slug});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no org with slug \"%1\"; see `sluicectl org list`").arg(slug)));
    return readOrg(*q);
}

Result<Org> OrgStore::findById(qint64 id)
{
    auto q = m_db.exec(QStringLiteral("SELECT ") + kColumns + QStringLiteral(" FROM org WHERE id = ?"), {id});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("no org with id %1").arg(id)));
    return readOrg(*q);
}

Result<Org> OrgStore::setAirbyteWorkspace(const QString &slug, const QString &workspaceId)
{
    return m_db.write([&]() -> Result<Org> {
        auto before = find(slug);
        if (!before)
            return fail(before.error());
        Org after = *before;
        after.airbyteWorkspaceId = workspaceId.trimmed();
        after.updatedAt = nowMs();
        auto q = m_db.exec(QStringLiteral("UPDATE org SET airbyte_workspace_id = ?, updated_at = ? WHERE id = ?"),
                           {after.airbyteWorkspaceId.isEmpty() ? QVariant() : QVariant(after.airbyteWorkspaceId), after.updatedAt, after.id});
        if (!q)
            return fail(q.error());
        if (auto a = m_audit.changed(after.id, QStringLiteral("org"), slug, toJson(*before), toJson(after)); !a)
            return fail(a.error());
        return after;
    });
}

} // namespace sluice
