// sluicectl warehouse set | show | test
//
// Only the warehouse type and its non-secret settings are stored here; the secret part (password,
// service-account JSON, token) goes into the keychain with `sluicectl secrets set org/SLUG/warehouse`.
// `--no-secret` says the warehouse is reached without one (trust or peer authentication, a password in
// ~/.pgpass or PGPASSWORD): dbt then runs without asking the keychain. `--secret` undoes that.
#include "cli.h"

#include "runner/warehousetest.h"
#include "secrets/secretstore.h"
#include "store/warehousestore.h"

#include <QCoro/QCoroTask>
#include <QJsonArray>
#include <QJsonObject>

namespace sluice::cli {

namespace {

QString settingsText(const QJsonObject &settings)
{
    QStringList parts;
    for (auto it = settings.begin(); it != settings.end(); ++it)
        parts.append(it.key() + QLatin1Char('=') + (it.value().isString() ? it.value().toString() : QString::number(it.value().toDouble())));
    return parts.isEmpty() ? QStringLiteral("(none)") : parts.join(QStringLiteral(", "));
}

} // namespace

CommandResult runWarehouse(Context &ctx, const QString &verb, const QStringList &words)
{
    const QString command = QStringLiteral("warehouse ") + verb;
    if (verb == QLatin1String("set")) {
        auto cmd = forOrg(ctx, words, {{QStringLiteral("type"), QStringLiteral("setting")}, {QStringLiteral("no-secret"), QStringLiteral("secret")}},
                          command,
                          QStringLiteral("usage: sluicectl warehouse set --org SLUG --type TYPE [--setting KEY=VALUE]... [--no-secret | --secret]"));
        if (!cmd)
            return fail(cmd.error());
        const Args *args = &cmd->args;
        if (args->has(QStringLiteral("no-secret")) && args->has(QStringLiteral("secret")))
            return fail(Error::invalid(QStringLiteral("--no-secret and --secret contradict each other; give one")));
        const QString &slug = cmd->org.slug;
        Database *db = cmd->db;
        const Org &org = cmd->org;
        WarehouseStore store(*db, ctx.actor());
        auto current = store.get(org.id);
        if (!current && current.error().kind != Error::Kind::NotFound)
            return fail(current.error());

        Warehouse w = current ? *current : Warehouse{};
        w.orgId = org.id;
        if (args->has(QStringLiteral("type"))) {
            const QString type = args->value(QStringLiteral("type"));
            if (type != w.type)
                w.settings = {}; // another warehouse: the old settings do not apply
            w.type = type;
        }
        if (w.type.isEmpty())
            return fail(Error::invalid(QStringLiteral("the org has no warehouse yet: give its type with --type (%1)")
                                           .arg(WarehouseStore::types().join(QStringLiteral(", ")))));
        // KEY=VALUE sets a setting, KEY= removes it; later ones win.
        for (const QString &kv : args->values(QStringLiteral("setting"))) {
            const qsizetype eq = kv.indexOf(QLatin1Char('='));
            if (eq <= 0)
                return fail(Error::invalid(QStringLiteral("--setting needs KEY=VALUE, not \"%1\"").arg(kv)));
            const QString key = kv.left(eq).trimmed();
            const QString value = kv.mid(eq + 1);
            if (value.isEmpty())
                w.settings.remove(key);
            else
                w.settings.insert(key, value);
        }
        if (args->has(QStringLiteral("no-secret")))
            w.usesSecret = false;
        else if (args->has(QStringLiteral("secret")))
            w.usesSecret = true;
        auto saved = store.set(org.id, w);
        if (!saved)
            return fail(saved.error());
        if (ctx.json()) {
            ctx.print(toJson(*saved));
        } else {
            ctx.out() << "Warehouse of " << slug << ": " << saved->type << " (" << settingsText(saved->settings) << ").\n";
            if (saved->type == QLatin1String("duckdb"))
                ctx.out() << "A duckdb file needs no secret.\n";
            else if (!saved->usesSecret)
                ctx.out() << "dbt reaches it without a secret (trust or peer authentication, ~/.pgpass or PGPASSWORD).\n";
            else
                ctx.out() << "Store its secret with `sluicectl secrets set " << SecretStore::warehouseKey(slug) << "` (read from stdin), "
                          << "or say it needs none with --no-secret.\n";
        }
        return {};
    }
    if (verb == QLatin1String("show")) {
        auto cmd = forOrg(ctx, words, {}, command, QStringLiteral("usage: sluicectl warehouse show --org SLUG"));
        if (!cmd)
            return fail(cmd.error());
        const QString &slug = cmd->org.slug;
        Database *db = cmd->db;
        const Org &org = cmd->org;
        auto w = WarehouseStore(*db, ctx.actor()).get(org.id);
        if (!w)
            return fail(w.error());
        if (ctx.json()) {
            ctx.print(toJson(*w));
        } else {
            ctx.out() << "type:      " << w->type << '\n'
                      << "settings:  " << settingsText(w->settings) << '\n'
                      << "secret:    "
                      << (w->type == QLatin1String("duckdb") ? QStringLiteral("none (a duckdb file)")
                          : w->usesSecret ? QStringLiteral("in the keychain under %1").arg(SecretStore::warehouseKey(slug))
                                          : QStringLiteral("none (trust or peer authentication, ~/.pgpass or PGPASSWORD)"))
                      << '\n';
        }
        return {};
    }
    if (verb == QLatin1String("test")) {
        // dbt debug against the saved warehouse, through the workspace's dbt: exit 0 when every check passed.
        auto cmd = forOrg(ctx, words, {}, command, QStringLiteral("usage: sluicectl warehouse test --org SLUG [--json]"));
        if (!cmd)
            return fail(cmd.error());
        auto w = WarehouseStore(*cmd->db, ctx.actor()).get(cmd->org.id);
        if (!w) {
            if (w.error().kind == Error::Kind::NotFound)
                return fail(Error::notFound(QStringLiteral("org %1 has no warehouse; set it with `sluicectl warehouse set --org %1`").arg(cmd->org.slug)));
            return fail(w.error());
        }
        const WarehouseTestResult r = QCoro::waitFor(testWarehouse(*cmd->db, ctx.actor(), cmd->org, *w, std::nullopt, keychainSecrets()));
        if (ctx.json()) {
            QJsonArray checks;
            for (const DbtDebugCheck &c : r.report.checks)
                checks.append(QJsonObject{{QStringLiteral("name"), c.name}, {QStringLiteral("ok"), c.ok}, {QStringLiteral("detail"), c.detail}});
            QJsonObject o{{QStringLiteral("passed"), r.passed()}, {QStringLiteral("summary"), r.summary()}, {QStringLiteral("checks"), checks}};
            if (!r.setupProblem.isEmpty())
                o.insert(QStringLiteral("setup_problem"), r.setupProblem);
            if (!r.passed() && r.setupProblem.isEmpty()) {
                o.insert(QStringLiteral("failed_check"), r.report.failedCheck);
                o.insert(QStringLiteral("failure"), DbtDebugReport::failureName(r.report.failure));
                o.insert(QStringLiteral("error"), r.report.errorText);
            }
            ctx.print(o);
        } else {
            for (const DbtDebugCheck &c : r.report.checks)
                ctx.out() << (c.ok ? "  ok      " : "  FAILED  ") << c.name << (c.detail.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(c.detail)) << '\n';
            if (r.passed())
                ctx.out() << r.summary() << '\n';
            ctx.out().flush();
        }
        if (r.passed())
            return {};
        if (!r.setupProblem.isEmpty())
            return fail(Error{r.setupKind, r.setupProblem});
        // The connection failures' summary names the failure; dbt's own words follow. The others hold them already.
        using F = DbtDebugReport::Failure;
        const F f = r.report.failure;
        const bool withText = f == F::ConnectionRefused || f == F::HostNotFound || f == F::Timeout || f == F::AuthenticationFailed
            || f == F::UnknownDatabase || f == F::Ssl;
        return fail(Error::invalid(r.summary() + (withText && !r.report.errorText.isEmpty() ? QStringLiteral("\n") + r.report.errorText : QString())));
    }
    return fail(Error::invalid(QStringLiteral("unknown command `warehouse %1`; use warehouse set, show or test").arg(verb)));
}

} // namespace sluice::cli
