#include "airbyteserverstore.h"

#include "core/clock.h"
#include "store/database.h"

namespace sluice {

QJsonObject toJson(const AirbyteServer &s)
{
    return {{QStringLiteral("name"), s.name}, {QStringLiteral("url"), s.url.toString()},
            {QStringLiteral("auth"), toString(s.authKind)}, {QStringLiteral("user"), s.user}};
}

AirbyteServerStore::AirbyteServerStore(Database &db, QString actor) : m_db(db), m_audit(db, std::move(actor)) {}

Result<AirbyteServer> AirbyteServerStore::normalise(AirbyteServer s)
{
    if (!s.url.isValid() || (s.url.scheme() != QLatin1String("http") && s.url.scheme() != QLatin1String("https")) || s.url.host().isEmpty())
        return fail(Error::invalid(QStringLiteral("\"%1\" is not an Airbyte server URL; use http(s)://HOST:PORT, e.g. http://localhost:8000")
                                       .arg(s.url.toString(QUrl::RemoveUserInfo))));
    if (!s.url.userInfo().isEmpty())
        return fail(Error::invalid(QStringLiteral("put no user or password in the Airbyte URL; use --user, and `sluicectl secrets set airbyte/SERVER` for the secret")));
    s.url.setQuery(QString());
    s.url.setFragment(QString());
    QString path = s.url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    for (const QLatin1String suffix : {QLatin1String("/v1"), QLatin1String("/api")}) {
        if (path.endsWith(suffix))
            path.chop(suffix.size());
    }
    s.url.setPath(path);
    if (s.name.isEmpty())
        s.name = s.url.port() > 0 ? QStringLiteral("%1:%2").arg(s.url.host()).arg(s.url.port()) : s.url.host();
    if (s.authKind != AirbyteAuthKind::None && s.user.isEmpty())
        s.user = s.authKind == AirbyteAuthKind::Basic ? QStringLiteral("airbyte") : QString();
    if (s.authKind == AirbyteAuthKind::ClientCredentials && s.user.isEmpty())
        return fail(Error::invalid(QStringLiteral("client-credentials auth needs the client id: add --user CLIENT_ID")));
    if (s.authKind == AirbyteAuthKind::None)
        s.user.clear();
    return s;
}

Result<AirbyteServer> AirbyteServerStore::set(const AirbyteServer &input)
{
    auto s = normalise(input);
    if (!s)
        return s;
    return m_db.write([&]() -> Result<AirbyteServer> {
        auto before = find(s->name);
        if (!before && before.error().kind != Error::Kind::NotFound)
            return before;
        auto q = m_db.exec(QStringLiteral("INSERT INTO airbyte_server (name, base_url, auth_kind, username, updated_at) VALUES (?, ?, ?, ?, ?) "
                                          "ON CONFLICT (name) DO UPDATE SET base_url = excluded.base_url, auth_kind = excluded.auth_kind, "
                                          "username = excluded.username, updated_at = excluded.updated_at"),
                           {s->name, s->url.toString(), toString(s->authKind),
                            s->user.isEmpty() ? QVariant() : QVariant(s->user), nowMs()});
        if (!q)
            return fail(q.error());
        auto saved = find(s->name);
        if (!saved)
            return saved;
        const auto previous = before ? std::optional<QJsonObject>(toJson(*before)) : std::nullopt;
        if (auto a = m_audit.saved(0, QStringLiteral("airbyte_server"), s->name, previous, toJson(*saved)); !a)
            return fail(a.error());
        return saved;
    });
}

Result<QList<AirbyteServer>> AirbyteServerStore::list()
{
    auto q = m_db.exec(QStringLiteral("SELECT id, name, base_url, auth_kind, username FROM airbyte_server ORDER BY name"));
    if (!q)
        return fail(q.error());
    QList<AirbyteServer> out;
    while (q->next()) {
        out.append({q->value(0).toLongLong(), q->value(1).toString(), QUrl(q->value(2).toString()),
                    airbyteAuthKindFromString(q->value(3).toString()).value_or(AirbyteAuthKind::None), q->value(4).toString()});
    }
    return out;
}

Result<AirbyteServer> AirbyteServerStore::find(const QString &name)
{
    auto all = list();
    if (!all)
        return fail(all.error());
    if (name.isEmpty()) {
        if (all->size() == 1)
            return all->first();
        if (all->isEmpty())
            return fail(Error::notFound(QStringLiteral("no Airbyte server is set up; add one with `sluicectl airbyte server set --url URL`")));
        QStringList names;
        for (const AirbyteServer &s : *all)
            names.append(s.name);
        return fail(Error::invalid(QStringLiteral("several Airbyte servers are set up (%1); choose one with --server NAME").arg(names.join(QStringLiteral(", ")))));
    }
    for (const AirbyteServer &s : *all) {
        if (s.name == name)
            return s;
    }
    return fail(Error::notFound(QStringLiteral("no Airbyte server named \"%1\"; see `sluicectl airbyte server list`").arg(name)));
}

} // namespace sluice
