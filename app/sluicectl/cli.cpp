#include "cli.h"

#include "core/clock.h"
#include "store/orgstore.h"
#include "store/migrator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <QFile>

#include <cstdio>
#include <string>

#include <termios.h>
#include <unistd.h>

namespace sluice::cli {

namespace {

const char *kUsage =
    "usage: sluicectl [--db URL] [--json] COMMAND ...\n"
    "\n"
    "  db init | upgrade | status\n"
    "  org create SLUG --name NAME | org list | org show SLUG | org set SLUG --airbyte-workspace ID\n"
    "  task catalog\n"
    "  task create --org SLUG --slug SLUG [--flag F]... [--option K=V]... [--connection ID] [--command CMD]\n"
    "              [--working-dir DIR] [--env NAME=VALUE]... [--label L]\n"
    "  task edit UUID [--flag F]... [--no-flag F]... [--option K=V]... [--unset-option K]... [--connection ID]\n"
    "            [--command CMD] [--working-dir DIR] [--env NAME=VALUE]... [--unset-env NAME]... [--label L]\n"
    "  task list --org SLUG | task delete UUID\n"
    "  pipeline create --org SLUG --name NAME [--task UUID]... [--cron EXPR --tz ZONE] [--no-auto-deps]\n"
    "                  [--continue-on-sync-failure] [--inactive] [--agent-tag T] [--retry-policy JSON]\n"
    "                  [--notify-on failure,warning,success|none]\n"
    "  pipeline list --org SLUG | show UUID|NAME | edit UUID ... | delete | enable | disable UUID|NAME\n"
    "  pipeline edit UUID|NAME [--agent-tag T | --no-agent-tag] [--retry-policy JSON] [create's options]\n"
    "  pipeline next UUID|NAME [--count N] [--from ISO-8601]\n"    "  pipeline duplicate UUID|NAME [--name NEW] [--active]\n"
    "  pipeline run UUID|NAME [--wait] [--follow] [--queue] | task run UUID [--wait]\n"
    "  run list [--org SLUG] [--pipeline P] [--status S] [--trigger T] [--since WHEN] [--until WHEN] [--limit N]\n"
    "  run show ID | run cancel ID | run retry ID [--from-failure] [--queue] [--wait] [--follow]\n"
    "  run logs ID [--task SEQ] [--follow]\n"
    "  lock list [--org SLUG]\n"
    "  agent run [--headless] [--tag T]... [--once]\n"
    "  notify add --org SLUG --name N --kind slack|teams|webhook|desktop [--on failure,warning,success]\n"
    "  notify list --org SLUG | notify test --org SLUG --name N\n"
    "  notify delete --org SLUG --name N | notify set --org SLUG --name N --on LEVELS\n"
    "  secrets set KEY (value on stdin) | secrets check KEY (exit 1: not set) | secrets delete KEY\n"
    "  warehouse set --org SLUG --type TYPE [--setting KEY=VALUE]... [--no-secret | --secret] | warehouse show|test --org SLUG\n"
    "  workspace set --org SLUG --git-url URL --branch B [--project-dir D] [--dbt PATH] [--checkout PATH]\n"
    "  workspace show | clone | pull --org SLUG\n"
    "  dbt exec --org SLUG -- DBT-ARGS... | dbt models (--org SLUG | --manifest PATH)\n"
    "  dbt select (--org SLUG | --manifest PATH) [--select EXPR]... [--exclude EXPR]... [--resource-type T]...\n"
    "  dbt install --org SLUG --version V --adapter A [--venv DIR] [--find-links DIR] [--no-index]\n"
    "             [--command ls|run|test|build|seed|snapshot|compile|docs-generate] [--indirect-selection MODE]\n"
    "  airbyte server set --url URL [--auth none|basic|client] [--user U] | airbyte server list\n"
    "  airbyte health | airbyte connections --org SLUG | airbyte sync CONNECTION_ID [--wait]\n"
    "  airbyte definitions --org SLUG [--kind source|destination]\n"
    "  airbyte sources list|show ID|create --definition ID --name N --config FILE [--secrets-stdin]|check ID|delete ID --org SLUG\n"
    "  airbyte config-check --spec SPEC.json|spec.yaml --config CONFIG.json\n"
    "\n"
    "The database is --db, else $SLUICE_DB, else a SQLite file in the user's data folder.\n"
    "URLs: sqlite:///abs/path.db or postgresql://user@host:port/dbname (password from PGPASSWORD or ~/.pgpass).\n"
    "Secrets (keys org/SLUG/warehouse, org/SLUG/git-token, airbyte/HOST) live only in the system keychain.\n";

} // namespace

Context::Context(QString dbUrl, bool json)
    : m_dbUrl(std::move(dbUrl)), m_json(json), m_actor(currentActor()), m_out(stdout)
{
}

Result<std::pair<Database *, Org>> Context::openOrg(const QString &slug)
{
    auto db = open();
    if (!db)
        return fail(db.error());
    auto org = OrgStore(**db, m_actor).find(slug);
    if (!org)
        return fail(org.error());
    return std::pair{*db, *org};
}

Result<OrgCommand> forOrg(Context &ctx, const QStringList &words, Args::Spec spec, const QString &command, const QString &usage,
                          qsizetype positionals)
{
    if (!spec.valued.contains(QStringLiteral("org")))
        spec.valued.append(QStringLiteral("org"));
    auto args = Args::parse(words, spec, command);
    if (!args)
        return fail(args.error());
    if (!args->has(QStringLiteral("org")) || (positionals >= 0 && args->positionals().size() != positionals))
        return fail(Error::invalid(usage));
    auto opened = ctx.openOrg(args->value(QStringLiteral("org")));
    if (!opened)
        return fail(opened.error());
    return OrgCommand{std::move(*args), opened->first, opened->second};
}

Result<Database *> Context::open(Access access)
{
    const bool forInit = access == Access::Initialise;
    if (m_db)
        return m_db.get();
    auto resolved = resolveDbUrl(m_dbUrl);
    if (!resolved)
        return fail(resolved.error());
    Database::Options options;
    options.createParentDir = forInit && resolved->isDefault;
    options.createIfMissing = forInit;
    auto db = Database::open(resolved->url, options);
    if (!db)
        return fail(db.error());
    if (access == Access::Use) {
        if (auto ok = Migrator(**db).requireCurrent(); !ok)
            return fail(ok.error());
    }
    m_db = std::move(*db);
    return m_db.get();
}

void Context::print(const QJsonValue &value)
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    m_out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    m_out.flush();
}

void Context::table(const QStringList &header, const QList<QStringList> &rows)
{
    QList<qsizetype> widths;
    for (const QString &h : header)
        widths << h.size();
    for (const QStringList &row : rows)
        for (qsizetype i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], row[i].size());
    auto line = [&](const QStringList &cells) {
        QString s;
        for (qsizetype i = 0; i < cells.size(); ++i)
            s += i + 1 < cells.size() ? cells[i].leftJustified(widths[i] + 2) : cells[i];
        m_out << s.trimmed() << '\n';
    };
    line(header);
    for (const QStringList &row : rows)
        line(row);
    m_out.flush();
}

int run(const QStringList &arguments)
{
    QTextStream err(stderr);
    QStringList words = arguments.mid(1);
    QString db;
    bool json = false;
    // Global options may stand anywhere before a `--`.
    for (qsizetype i = 0; i < words.size();) {
        const QString &w = words[i];
        if (w == QLatin1String("--"))
            break;
        if (w == QLatin1String("--json")) {
            json = true;
            words.removeAt(i);
        } else if (w == QLatin1String("--db")) {
            if (i + 1 >= words.size()) {
                err << "sluicectl: error: --db needs a URL\n";
                return 1;
            }
            db = words[i + 1];
            words.remove(i, 2);
        } else if (w.startsWith(QLatin1String("--db="))) {
            db = w.mid(5);
            words.removeAt(i);
        } else {
            ++i;
        }
    }
    if (words.isEmpty() || words.first() == QLatin1String("help") || words.first() == QLatin1String("--help")) {
        std::fputs(kUsage, words.isEmpty() ? stderr : stdout);
        return words.isEmpty() ? 1 : 0;
    }
    if (words.first() == QLatin1String("--version")) {
        std::puts("sluicectl " SLUICE_VERSION);
        return 0;
    }

    const QString group = words.takeFirst();
    const QString verb = words.isEmpty() ? QString() : words.takeFirst();
    Context ctx(db, json);
    using Runner = CommandResult (*)(Context &, const QString &, const QStringList &);
    static const QMap<QString, Runner> groups = {
        {QStringLiteral("db"), runDb},
        {QStringLiteral("org"), runOrg},
        {QStringLiteral("task"), runTask},
        {QStringLiteral("pipeline"), runPipeline},
        {QStringLiteral("secrets"), runSecrets},
        {QStringLiteral("warehouse"), runWarehouse},
        {QStringLiteral("workspace"), runWorkspace},
        {QStringLiteral("dbt"), runDbt},
        {QStringLiteral("airbyte"), runAirbyte},
        {QStringLiteral("lock"), runLock},
        {QStringLiteral("run"), runRun},
        {QStringLiteral("notify"), runNotify},
        {QStringLiteral("agent"), runAgent},
    };
    const Runner runner = groups.value(group);
    const CommandResult result = runner ? runner(ctx, verb, words)
                                        : fail(Error::invalid(QStringLiteral("unknown command \"%1\"; run `sluicectl help`").arg(group)));
    if (result)
        return 0;
    if (result.error().message.isEmpty())
        return 1;   // a "no" answer (quietNo()): the command said everything on stdout
    err << "sluicectl: error: " << result.error().message << '\n';
    return result.error().isUserError() ? 1 : 2;
}

Result<QByteArray> readHiddenInput(const QString &prompt, const QString &what)
{
    QByteArray bytes;
    if (::isatty(STDIN_FILENO)) {
        std::fputs(qPrintable(prompt), stderr);
        std::fflush(stderr);
        termios saved{};
        const bool haveTerm = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (haveTerm) {
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        std::string line;
        for (int c = std::getchar(); c != EOF && c != '\n'; c = std::getchar())
            line.push_back(char(c));
        if (haveTerm)
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        std::fputc('\n', stderr);
        return QByteArray::fromStdString(line);
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return fail(Error::internal(QStringLiteral("could not read %1 from standard input: %2").arg(what, in.errorString())));
    bytes = in.readAll();
    if (bytes.endsWith("\r\n"))
        bytes.chop(2);
    else if (bytes.endsWith('\n'))
        bytes.chop(1);
    return bytes;
}

} // namespace sluice::cli
