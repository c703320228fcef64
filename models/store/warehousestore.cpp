#include "warehousestore.h"

#include "core/clock.h"
#include "store/database.h"

#include <QJsonDocument>

namespace sluice {

QJsonObject toJson(const Warehouse &w)
{
    return {{QStringLiteral("type"), w.type},
            {QStringLiteral("settings"), w.settings},
            {QStringLiteral("airbyte_destination_id"), w.airbyteDestinationId.isEmpty() ? QJsonValue() : QJsonValue(w.airbyteDestinationId)},
            {QStringLiteral("uses_secret"), w.usesSecret}};
}

WarehouseStore::WarehouseStore(Database &db, QString actor) : m_db(db), m_audit(db, std::move(actor)) {}

QStringList WarehouseStore::types()
{
    return {QStringLiteral("postgres"), QStringLiteral("bigquery"), QStringLiteral("snowflake"),
            QStringLiteral("redshift"), QStringLiteral("duckdb"), QStringLiteral("databricks")};
}

bool WarehouseStore::isSecretSettingName(const QString &key)
{
    static const QStringList words = {QStringLiteral("password"), QStringLiteral("passwd"), QStringLiteral("secret"),
                                      QStringLiteral("token"), QStringLiteral("private_key"), QStringLiteral("keyfile_json"),
                                      QStringLiteral("credentials"), QStringLiteral("passphrase")};
    const QString k = key.toLower();
    if (k.endsWith(QLatin1String("_path")))   // where a key file is (Snowflake's private_key_path), not the key
        return false;
    for (const QString &w : words)
        if (k.contains(w))
            return true;
    return false;
}

Result<Warehouse> WarehouseStore::get(qint64 orgId)
{
    auto q = m_db.exec(QStringLiteral("SELECT type, settings, airbyte_destination_id, uses_secret FROM warehouse WHERE org_id = ?"), {orgId});
    if (!q)
        return fail(q.error());
    if (!q->next())
        return fail(Error::notFound(QStringLiteral("the org has no warehouse yet; set one with `sluicectl warehouse set`")));
    return Warehouse{orgId, q->value(0).toString(), QJsonDocument::fromJson(q->value(1).toString().toUtf8()).object(),
                     q->value(2).toString(), q->value(3).toBool()};
}

Result<Warehouse> WarehouseStore::set(qint64 orgId, const Warehouse &w)
{
    if (!types().contains(w.type))
        return fail(Error::invalid(QStringLiteral("\"%1\" is not a warehouse type Sluice knows (%2)").arg(w.type, types().join(QStringLiteral(", ")))));
    for (auto it = w.settings.begin(); it != w.settings.end(); ++it) {
        const QString text = it.value().toString();
        if (it.key().endsWith(QLatin1String("_path")) && (text.contains(QLatin1String("-----BEGIN")) || text.contains(QLatin1Char('\n'))))
            return fail(Error::invalid(QStringLiteral("the setting \"%1\" holds a key, not a file's path; give the path of the key file "
                                                      "(the key itself never goes in the database)").arg(it.key())));
        if (isSecretSettingName(it.key()))
            return fail(Error::invalid(QStringLiteral("the setting \"%1\" looks like a secret; secrets go in the keychain "
                                                      "(`sluicectl secrets set org/SLUG/warehouse`), never in the database").arg(it.key())));
    }
    return m_db.write([&]() -> Result<Warehouse> {
        auto before = get(orgId);
        if (!before && before.error().kind != Error::Kind::NotFound)
            return before;
        const QString settings = QString::fromUtf8(QJsonDocument(w.settings).toJson(QJsonDocument::Compact));
        auto q = m_db.exec(QStringLiteral("INSERT INTO warehouse (org_id, type, settings, airbyte_destination_id, uses_secret, updated_at) "
                                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (org_id) DO UPDATE SET type = excluded.type, "
                                          "settings = excluded.settings, airbyte_destination_id = excluded.airbyte_destination_id, "
                                          "uses_secret = excluded.uses_secret, updated_at = excluded.updated_at"),
                           {orgId, w.type, settings, w.airbyteDestinationId.isEmpty() ? QVariant() : QVariant(w.airbyteDestinationId),
                            w.usesSecret, nowMs()});
        if (!q)
            return fail(q.error());
        Warehouse saved = w;
        saved.orgId = orgId;
        const auto previous = before ? std::optional<QJsonObject>(toJson(*before)) : std::nullopt;
        if (auto a = m_audit.saved(orgId, QStringLiteral("warehouse"), QString::number(orgId), previous, toJson(saved)); !a)
            return fail(a.error());
        return saved;
    });
}

} // namespace sluice
