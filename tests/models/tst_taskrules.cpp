// The org task and pipeline rules (DESIGN.md §1): what an org task may carry, which automatic tasks a
// pipeline gets, and the order a pipeline's tasks run in.
#include "rules/taskrules.h"

#include <QTest>

#include "testhelpers.h"

#include <algorithm>

using namespace sluice;
using sluice::test::verifyMentions;

namespace {

const TaskCatalog &catalog() { return TaskCatalog::builtin(); }

// "uuid:slug" or "uuid:slug@org"; the type comes from the catalog, as the store fills it in.
OrgTask orgTask(const QString &spec)
{
    OrgTask t;
    QString rest = spec;
    t.orgId = 1;
    if (const qsizetype at = rest.indexOf(QLatin1Char('@')); at >= 0) {
        t.orgId = rest.mid(at + 1).toLongLong();
        rest = rest.left(at);
    }
    const qsizetype colon = rest.indexOf(QLatin1Char(':'));
    t.uuid = rest.left(colon);
    t.slug = rest.mid(colon + 1);
    if (const CatalogTask *c = catalog().find(t.slug))
        t.type = c->type;
    return t;
}

QList<OrgTask> orgTasks(const QStringList &specs)
{
    QList<OrgTask> out;
    for (const QString &s : specs)
        out << orgTask(s);
    return out;
}

// Tasks named by slug only (uuid = slug), for missingAutomaticSlugs.
QList<OrgTask> userTasks(const QStringList &slugs)
{
    QList<OrgTask> out;
    for (const QString &s : slugs)
        out << orgTask(s + QLatin1Char(':') + s);
    return out;
}

QStringList uuidsOf(const QList<OrgTask> &tasks)
{
    QStringList out;
    for (const OrgTask &t : tasks)
        out << t.uuid;
    return out;
}

// "key=value" items, split at the first '='.
QList<std::pair<QString, QString>> optionPairs(const QStringList &items)
{
    QList<std::pair<QString, QString>> out;
    for (const QString &kv : items) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        out.append({kv.left(eq), kv.mid(eq + 1)});
    }
    return out;
}

OrgTaskDraft draft(const QString &slug, const QStringList &flags, const QStringList &options, const QString &connection,
                   const QString &command)
{
    OrgTaskDraft d;
    d.slug = slug;
    d.flags = flags;
    d.options = optionPairs(options);
    d.connectionId = connection;
    d.command = command;
    return d;
}


} // namespace

class tst_TaskRules : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(catalog().tasks().size() > 0); }

    // ---- validateOrgTask -----------------------------------------------------------------------

    void refusedOrgTasks_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("connection");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("mentions");

        const QStringList none;

        QTest::newRow("unknown slug") << "dbt-frobnicate" << none << none << "" << ""
                                      << QStringList{"unknown task", "\"dbt-frobnicate\"", "dbt-run", "airbyte-sync", "shell"};
        QTest::newRow("empty slug") << "" << none << none << "" << "" << QStringList{"unknown task", "dbt-run"};
        QTest::newRow("slug in the wrong case") << "DBT-RUN" << none << none << "" << "" << QStringList{"unknown task", "\"DBT-RUN\""};

        // Flags.
        QTest::newRow("flag of another task") << "dbt-run" << QStringList{"upgrade"} << none << "" << ""
                                              << QStringList{"dbt-run does not take the flag --upgrade", "allowed: full-refresh"};
        QTest::newRow("flag on a task with none") << "dbt-test" << QStringList{"full-refresh"} << none << "" << ""
                                                  << QStringList{"dbt-test does not take the flag --full-refresh", "allowed: none"};
        QTest::newRow("flag on git-pull") << "git-pull" << QStringList{"rebase"} << none << "" << ""
                                          << QStringList{"--rebase", "allowed: none"};
        QTest::newRow("flag on shell") << "shell" << QStringList{"verbose"} << none << "" << "echo hi"
                                       << QStringList{"shell does not take the flag --verbose", "allowed: none"};
        QTest::newRow("flag on airbyte") << "airbyte-sync" << QStringList{"full-refresh"} << none << "conn-1" << ""
                                         << QStringList{"airbyte-sync does not take the flag --full-refresh", "allowed: none"};
        QTest::newRow("an option given as a flag") << "dbt-run" << QStringList{"select"} << none << "" << ""
                                                   << QStringList{"--select", "allowed: full-refresh"};
        QTest::newRow("flag with dashes") << "dbt-run" << QStringList{"--full-refresh"} << none << "" << ""
                                          << QStringList{"--full-refresh", "allowed: full-refresh"};
        QTest::newRow("repeated flag") << "dbt-run" << QStringList{"full-refresh", "full-refresh"} << none << "" << ""
                                       << QStringList{"--full-refresh", "twice"};
        QTest::newRow("repeated flag (dbt-deps)") << "dbt-deps" << QStringList{"upgrade", "upgrade"} << none << "" << ""
                                                  << QStringList{"--upgrade", "twice"};

        // Options.
        QTest::newRow("option of another task") << "dbt-seed" << none << QStringList{"exclude=tag:x"} << "" << ""
                                                << QStringList{"dbt-seed does not take the option --exclude", "allowed: select"};
        QTest::newRow("unknown dbt-run option") << "dbt-run" << none << QStringList{"threads=4"} << "" << ""
                                                << QStringList{"--threads", "allowed: select, exclude, vars, target"};
        QTest::newRow("option on a task with none") << "dbt-docs-generate" << none << QStringList{"select=x"} << "" << ""
                                                    << QStringList{"dbt-docs-generate does not take the option --select", "allowed: none"};
        QTest::newRow("shell option") << "shell" << none << QStringList{"env=A=1"} << "" << "true"
                                      << QStringList{"--env", "allowed: working-dir"};
        QTest::newRow("a flag given as an option") << "dbt-run" << none << QStringList{"full-refresh=yes"} << "" << ""
                                                   << QStringList{"--full-refresh", "allowed: select, exclude, vars, target"};
        QTest::newRow("repeated option") << "dbt-run" << none << QStringList{"select=a", "select=b"} << "" << ""
                                         << QStringList{"--select", "twice"};
        QTest::newRow("repeated option, same value") << "dbt-test" << none << QStringList{"exclude=a", "exclude=a"} << "" << ""
                                                     << QStringList{"--exclude", "twice"};
        QTest::newRow("empty option value") << "dbt-run" << none << QStringList{"select="} << "" << ""
                                            << QStringList{"--select", "empty value"};
        QTest::newRow("blank option value") << "dbt-run" << none << QStringList{"target=   "} << "" << ""
                                            << QStringList{"--target", "empty value"};
        QTest::newRow("empty shell working dir") << "shell" << none << QStringList{"working-dir="} << "" << "ls"
                                                 << QStringList{"--working-dir", "empty value"};

        // dbt --vars must be a YAML mapping.
        QTest::newRow("vars: a list") << "dbt-run" << none << QStringList{"vars=[1, 2]"} << "" << ""
                                      << QStringList{"vars", "dictionary", "[1, 2]"};
        QTest::newRow("vars: a number") << "dbt-run" << none << QStringList{"vars=42"} << "" << "" << QStringList{"vars", "dictionary", "42"};
        QTest::newRow("vars: plain text") << "dbt-run" << none << QStringList{"vars=just text"} << "" << ""
                                          << QStringList{"vars", "dictionary"};
        QTest::newRow("vars: a quoted JSON string") << "dbt-run" << none << QStringList{"vars=\"{a: 1}\""} << "" << ""
                                                    << QStringList{"vars", "dictionary"};
        QTest::newRow("vars: unclosed mapping") << "dbt-run" << none << QStringList{"vars={\"a\": 1"} << "" << ""
                                                << QStringList{"vars", "not valid YAML", "dictionary"};
        QTest::newRow("vars: unclosed list inside") << "dbt-run" << none << QStringList{"vars={a: [1, 2}"} << "" << ""
                                                    << QStringList{"vars", "not valid YAML"};

        // --select / --exclude as dbt's grammar reads them.
        QTest::newRow("select: unknown method") << "dbt-run" << none << QStringList{"select=colour:red"} << "" << ""
                                                << QStringList{"--select", "colour"};
        QTest::newRow("select: @ with a trailing +") << "dbt-build" << none << QStringList{"select=@orders+"} << "" << ""
                                                     << QStringList{"--select", "@orders+"};
        QTest::newRow("exclude: unknown method") << "dbt-test" << none << QStringList{"exclude=bogus:x"} << "" << ""
                                                 << QStringList{"--exclude", "bogus"};
        QTest::newRow("relative shell working dir") << "shell" << none << QStringList{"working-dir=jobs/daily"} << "" << "ls"
                                                    << QStringList{"absolute path", "jobs/daily"};

        // Connections.
        QTest::newRow("airbyte-sync without connection") << "airbyte-sync" << none << none << "" << ""
                                                         << QStringList{"airbyte-sync needs an Airbyte connection id"};
        QTest::newRow("airbyte-sync with a blank connection") << "airbyte-sync" << none << none << "   " << ""
                                                              << QStringList{"airbyte-sync needs an Airbyte connection id"};
        QTest::newRow("airbyte-reset without connection") << "airbyte-reset" << none << none << "" << ""
                                                          << QStringList{"airbyte-reset needs an Airbyte connection id"};
        QTest::newRow("airbyte-clear without connection") << "airbyte-clear" << none << none << "" << ""
                                                          << QStringList{"airbyte-clear needs an Airbyte connection id"};
        QTest::newRow("airbyte-clear streams not JSON") << "airbyte-clear" << none << QStringList{"streams=users,orders"} << "conn-1" << ""
                                                        << QStringList{"option streams is not JSON", "[{\"name\": \"users\""};
        QTest::newRow("airbyte-reset streams not a list") << "airbyte-reset" << none << QStringList{R"(streams={"name":"users"})"} << "conn-1" << ""
                                                          << QStringList{"option streams must be a JSON list"};
        QTest::newRow("airbyte-clear no streams listed") << "airbyte-clear" << none << QStringList{"streams=[]"} << "conn-1" << ""
                                                         << QStringList{"lists no stream", "leave the option out"};
        QTest::newRow("airbyte-clear stream without name") << "airbyte-clear" << none << QStringList{R"(streams=[{"namespace":"public"}])"} << "conn-1" << ""
                                                           << QStringList{"item 1 has no stream name"};
        QTest::newRow("airbyte-clear stream twice") << "airbyte-clear" << none
                                                    << QStringList{R"(streams=[{"name":"u","namespace":"p"},{"namespace":"p","name":"u"}])"} << "conn-1" << ""
                                                    << QStringList{"names p.u twice"};
        QTest::newRow("airbyte-sync takes no streams") << "airbyte-sync" << none << QStringList{R"(streams=["users"])"} << "conn-1" << ""
                                                       << QStringList{"airbyte-sync does not take the option --streams"};
        QTest::newRow("dbt-run with a connection") << "dbt-run" << none << none << "conn-1" << ""
                                                   << QStringList{"dbt-run takes no connection id", "Airbyte"};
        QTest::newRow("git-pull with a connection") << "git-pull" << none << none << "conn-1" << ""
                                                    << QStringList{"git-pull takes no connection id"};
        QTest::newRow("shell with a connection") << "shell" << none << none << "conn-1" << "ls"
                                                 << QStringList{"shell takes no connection id"};

        // Commands.
        QTest::newRow("shell without command") << "shell" << none << none << "" << "" << QStringList{"shell task needs a command", "empty"};
        QTest::newRow("shell with a blank command") << "shell" << none << QStringList{"working-dir=/tmp"} << "" << " \t\n"
                                                    << QStringList{"shell task needs a command"};
        QTest::newRow("dbt-run with a command") << "dbt-run" << none << none << "" << "rm -rf /"
                                                << QStringList{"dbt-run takes no command", "shell"};
        QTest::newRow("dbt-run with a blank command") << "dbt-run" << none << none << "" << " "
                                                      << QStringList{"dbt-run takes no command"};
        QTest::newRow("airbyte with a command") << "airbyte-sync" << none << none << "conn-1" << "echo"
                                                << QStringList{"airbyte-sync takes no command"};
    }

    void refusedOrgTasks()
    {
        QFETCH(QString, slug);
        QFETCH(QStringList, flags);
        QFETCH(QStringList, options);
        QFETCH(QString, connection);
        QFETCH(QString, command);
        QFETCH(QStringList, mentions);

        const auto result = validateOrgTask(catalog(), draft(slug, flags, options, connection, command));
        QVERIFY2(!result, "the draft was accepted");
        QCOMPARE(int(result.error().kind), int(Error::Kind::Invalid));
        verifyMentions(result.error().message, mentions);
    }

    void acceptedOrgTasks_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("connection");
        QTest::addColumn<QString>("command");

        const QStringList none;
        QTest::newRow("dbt-run, nothing") << "dbt-run" << none << none << "" << "";
        QTest::newRow("dbt-run, everything") << "dbt-run" << QStringList{"full-refresh"}
                                             << QStringList{"select=tag:daily", "exclude=staging.*", "vars={\"key\": \"value\"}", "target=prod"}
                                             << "" << "";
        QTest::newRow("dbt-run, vars in block style") << "dbt-run" << none << QStringList{"vars=start_date: 2024-01-01\nlimit: 5"} << "" << "";
        QTest::newRow("dbt-run, empty vars mapping") << "dbt-run" << none << QStringList{"vars={}"} << "" << "";
        QTest::newRow("dbt-run, option value with spaces") << "dbt-run" << none << QStringList{"select=model_a model_b"} << "" << "";
        QTest::newRow("dbt-deps, flag and option") << "dbt-deps" << QStringList{"upgrade"} << QStringList{"add-package=dbt-labs/dbt_utils@1.1.1"}
                                                   << "" << "";
        QTest::newRow("dbt-seed") << "dbt-seed" << QStringList{"full-refresh"} << QStringList{"select=countries"} << "" << "";
        QTest::newRow("dbt-snapshot") << "dbt-snapshot" << none << QStringList{"select=a", "exclude=b"} << "" << "";
        QTest::newRow("dbt-test") << "dbt-test" << none << QStringList{"exclude=tag:slow"} << "" << "";
        QTest::newRow("dbt-build") << "dbt-build" << QStringList{"full-refresh"} << QStringList{"select=+orders"} << "" << "";
        QTest::newRow("dbt-docs-generate") << "dbt-docs-generate" << none << none << "" << "";
        QTest::newRow("dbt-compile") << "dbt-compile" << none << none << "" << "";
        QTest::newRow("git-pull") << "git-pull" << none << none << "" << "";
        QTest::newRow("dbt-clean") << "dbt-clean" << none << none << "" << "";
        QTest::newRow("airbyte-sync") << "airbyte-sync" << none << none << "6c1b6a2e-0000-4000-8000-000000000001" << "";
        QTest::newRow("airbyte-reset") << "airbyte-reset" << none << none << "conn-2" << "";
        QTest::newRow("airbyte-clear") << "airbyte-clear" << none << none << "conn-3" << "";
        QTest::newRow("airbyte-clear of streams") << "airbyte-clear" << none
                                                  << QStringList{R"(streams=[{"name":"users","namespace":"public"},"events"])"} << "conn-3" << "";
        QTest::newRow("airbyte-reset of a stream") << "airbyte-reset" << none << QStringList{R"(streams=[{"name":"orders"}])"} << "conn-2" << "";
        QTest::newRow("shell") << "shell" << none << none << "" << "python3 -m sluice_job --date today";
        QTest::newRow("shell with working dir") << "shell" << none << QStringList{"working-dir=/srv/jobs"} << "" << "make all; echo done";
    }

    void acceptedOrgTasks()
    {
        QFETCH(QString, slug);
        QFETCH(QStringList, flags);
        QFETCH(QStringList, options);
        QFETCH(QString, connection);
        QFETCH(QString, command);

        const auto result = validateOrgTask(catalog(), draft(slug, flags, options, connection, command));
        QVERIFY2(result, qPrintable(result ? QString() : result.error().message));

        TaskParameters expected;
        expected.flags = flags;
        for (const auto &[key, value] : optionPairs(options))
            expected.options.insert(key, value);
        expected.command = command;
        QCOMPARE(result->flags, expected.flags);
        QCOMPARE(result->options, expected.options);
        QCOMPARE(result->command, expected.command);
        QVERIFY(*result == expected);
    }

    // Environment variables: shell tasks only, proper names, never SLUICE_* nor a secret's name; each
    // problem names the "env" field.
    void environmentRules_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<QStringList>("env");
        QTest::addColumn<QStringList>("mentions");   // empty: accepted

        QTest::newRow("shell, two variables") << "shell" << QStringList{"REGION=eu-west-1", "DEBUG=1"} << QStringList{};
        QTest::newRow("shell, an empty value") << "shell" << QStringList{"EMPTY="} << QStringList{};
        QTest::newRow("shell, a value with =") << "shell" << QStringList{"QUERY=a=b"} << QStringList{};
        QTest::newRow("dbt-run") << "dbt-run" << QStringList{"A=1"} << QStringList{"dbt-run takes no environment", "shell"};
        QTest::newRow("name with a dash") << "shell" << QStringList{"MY-VAR=1"} << QStringList{"\"MY-VAR\"", "not a variable name"};
        QTest::newRow("name starting with a digit") << "shell" << QStringList{"1X=1"} << QStringList{"\"1X\"", "not a variable name"};
        QTest::newRow("empty name") << "shell" << QStringList{"=1"} << QStringList{"not a variable name"};
        QTest::newRow("reserved") << "shell" << QStringList{"SLUICE_RUN_ID=7"} << QStringList{"SLUICE_RUN_ID", "set by Sluice"};
        QTest::newRow("a password") << "shell" << QStringList{"PGPASSWORD=hunter2"} << QStringList{"PGPASSWORD", "keychain"};
        QTest::newRow("a token") << "shell" << QStringList{"github_token=x"} << QStringList{"github_token", "keychain"};
        QTest::newRow("an API key") << "shell" << QStringList{"OPENAI_API_KEY=x"} << QStringList{"OPENAI_API_KEY", "keychain"};
        QTest::newRow("repeated") << "shell" << QStringList{"A=1", "A=2"} << QStringList{"A", "twice"};
    }

    void environmentRules()
    {
        QFETCH(QString, slug);
        QFETCH(QStringList, env);
        QFETCH(QStringList, mentions);
        OrgTaskDraft d = draft(slug, {}, {}, {}, slug == QLatin1String("shell") ? QStringLiteral("env") : QString());
        d.env = optionPairs(env);
        const QList<TaskProblem> problems = checkOrgTask(catalog(), d);
        const auto result = validateOrgTask(catalog(), d);
        if (mentions.isEmpty()) {
            QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0).message));
            QVERIFY(result);
            QCOMPARE(result->env.size(), env.size());
            for (const auto &[name, value] : d.env)
                QCOMPARE(result->env.value(name), value);
            // Stored and read back as JSON.
            QCOMPARE(TaskParameters::fromJsonText(result->toJsonText()), *result);
            return;
        }
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().field, QStringLiteral("env"));
        verifyMentions(problems.first().message, mentions);
        QVERIFY(!result);
        QCOMPARE(result.error().message, problems.first().message);
    }

    // Every problem of a request comes back, each naming its field, in the request's order.
    void everyProblemNamesItsField()
    {
        OrgTaskDraft d = draft(QStringLiteral("dbt-run"), {QStringLiteral("upgrade"), QStringLiteral("full-refresh")},
                               {QStringLiteral("vars=[1]"), QStringLiteral("select=+orders"), QStringLiteral("exclude=nope:x")},
                               QStringLiteral("conn-1"), QStringLiteral("ls"));
        const QList<TaskProblem> problems = checkOrgTask(catalog(), d);
        QStringList fields;
        for (const TaskProblem &p : problems)
            fields << p.field;
        QCOMPARE(fields, (QStringList{QStringLiteral("flag:upgrade"), QStringLiteral("option:vars"), QStringLiteral("option:exclude"),
                                      QStringLiteral("connection"), QStringLiteral("command")}));
        QCOMPARE(checkOrgTask(catalog(), draft(QStringLiteral("nope"), {}, {}, {}, {})).value(0).field, QStringLiteral("slug"));
    }

    // draftOf() gives back what the task was made from, so an edit that changes nothing stores the same.
    void draftOfReproducesTheTask()
    {
        OrgTaskDraft d = draft(QStringLiteral("shell"), {}, {QStringLiteral("working-dir=/srv/jobs")}, {}, QStringLiteral("make all"));
        d.env = {{QStringLiteral("A"), QStringLiteral("1")}};
        d.label = QStringLiteral("Nightly make");
        auto params = validateOrgTask(catalog(), d);
        QVERIFY(params);
        OrgTask t;
        t.slug = d.slug;
        t.parameters = *params;
        t.label = d.label;
        const OrgTaskDraft again = draftOf(t);
        QCOMPARE(again.slug, d.slug);
        QCOMPARE(again.options, d.options);
        QCOMPARE(again.env, d.env);
        QCOMPARE(again.command, d.command);
        QCOMPARE(again.label, d.label);
        QCOMPARE(validateOrgTask(catalog(), again).value(), *params);
    }

    // ---- missingAutomaticSlugs -----------------------------------------------------------------

    void missingAutomaticSlugs_data()
    {
        QTest::addColumn<QStringList>("userSlugs");
        QTest::addColumn<bool>("autoDeps");
        QTest::addColumn<QStringList>("expected");

        const QStringList chain{"git-pull", "dbt-clean", "dbt-deps"};
        QTest::newRow("dbt-run") << QStringList{"dbt-run"} << true << chain;
        QTest::newRow("dbt-run, auto deps off") << QStringList{"dbt-run"} << false << QStringList{};
        QTest::newRow("dbt-test") << QStringList{"dbt-test"} << true << chain;
        QTest::newRow("dbt-compile") << QStringList{"dbt-compile"} << true << chain;
        QTest::newRow("dbt-docs-generate") << QStringList{"dbt-docs-generate"} << true << chain;
        QTest::newRow("dbt-seed") << QStringList{"dbt-seed"} << true << chain;
        QTest::newRow("sync then dbt") << QStringList{"airbyte-sync", "dbt-run", "dbt-test"} << true << chain;
        QTest::newRow("shell and dbt") << QStringList{"shell", "dbt-build"} << true << chain;
        QTest::newRow("no tasks") << QStringList{} << true << QStringList{};
        QTest::newRow("shell only") << QStringList{"shell"} << true << QStringList{};
        QTest::newRow("airbyte only") << QStringList{"airbyte-sync", "airbyte-reset", "airbyte-clear"} << true << QStringList{};
        QTest::newRow("airbyte and shell") << QStringList{"airbyte-sync", "shell"} << true << QStringList{};
        QTest::newRow("only automatic dbt tasks") << QStringList{"dbt-deps", "dbt-clean"} << true << QStringList{};
        QTest::newRow("git-pull only") << QStringList{"git-pull"} << true << QStringList{};
        QTest::newRow("user has dbt-clean") << QStringList{"dbt-run", "dbt-clean"} << true << QStringList{"git-pull", "dbt-deps"};
        QTest::newRow("user has git-pull") << QStringList{"git-pull", "dbt-run"} << true << QStringList{"dbt-clean", "dbt-deps"};
        QTest::newRow("user has dbt-deps") << QStringList{"dbt-deps", "dbt-test"} << true << QStringList{"git-pull", "dbt-clean"};
        QTest::newRow("user has two of them") << QStringList{"dbt-deps", "dbt-run", "git-pull"} << true << QStringList{"dbt-clean"};
        QTest::newRow("user has all of them") << QStringList{"git-pull", "dbt-clean", "dbt-deps", "dbt-run"} << true << QStringList{};
        QTest::newRow("two dbt tasks add the chain once") << QStringList{"dbt-run", "dbt-test", "dbt-run"} << true << chain;
    }

    void missingAutomaticSlugs()
    {
        QFETCH(QStringList, userSlugs);
        QFETCH(bool, autoDeps);
        QFETCH(QStringList, expected);

        QCOMPARE(sluice::missingAutomaticSlugs(catalog(), userTasks(userSlugs), autoDeps), expected);
    }

    // The chain follows transform_order, not the order of the catalog file.
    void missingAutomaticSlugsFollowTransformOrder()
    {
        const auto reversed = TaskCatalog::fromYaml(R"(
tasks:
  - {slug: dbt-deps, type: dbt, command: deps, transform_order: 3, automatic: true, hidden: true}
  - {slug: dbt-run, type: dbt, command: run, transform_order: 6}
  - {slug: dbt-clean, type: dbt, command: clean, transform_order: 2, automatic: true, hidden: true}
  - {slug: git-pull, type: git, command: pull, transform_order: 1, automatic: true, hidden: true}
  - {slug: git-clone, type: git, command: clone, transform_order: 0, automatic: true, hidden: true}
)");
        QVERIFY2(reversed, qPrintable(reversed ? QString() : reversed.error().message));
        QCOMPARE(sluice::missingAutomaticSlugs(*reversed, userTasks({"dbt-run"}), true),
                 (QStringList{"git-pull", "dbt-clean", "dbt-deps"}));
    }

    // ---- orderPipelineTasks --------------------------------------------------------------------

    void orderPipelineTasks_data()
    {
        QTest::addColumn<QStringList>("tasks");      // "uuid:slug"
        QTest::addColumn<QStringList>("expected");   // uuids in run order

        QTest::newRow("empty") << QStringList{} << QStringList{};
        QTest::newRow("one task") << QStringList{"r:dbt-run"} << QStringList{"r"};
        QTest::newRow("syncs first, in user order") << QStringList{"s2:airbyte-sync", "r:dbt-run", "s1:airbyte-sync"}
                                                    << QStringList{"s2", "s1", "r"};
        QTest::newRow("reset and clear are syncs too") << QStringList{"r:dbt-run", "c:airbyte-clear", "x:airbyte-reset", "s:airbyte-sync"}
                                                       << QStringList{"c", "x", "s", "r"};
        QTest::newRow("automatic chain by transform order") << QStringList{"d:dbt-deps", "c:dbt-clean", "p:git-pull"}
                                                            << QStringList{"p", "c", "d"};
        QTest::newRow("full pipeline in reverse") << QStringList{"t:dbt-test", "r:dbt-run", "d:dbt-deps", "c:dbt-clean", "p:git-pull", "s:airbyte-sync"}
                                                  << QStringList{"s", "p", "c", "d", "t", "r"};
        QTest::newRow("git-clone leads the chain") << QStringList{"d:dbt-deps", "p:git-pull", "g:git-clone"} << QStringList{"g", "p", "d"};
        QTest::newRow("dbt tasks keep the user's order") << QStringList{"t:dbt-test", "b:dbt-build", "r:dbt-run", "e:dbt-seed"}
                                                         << QStringList{"t", "b", "r", "e"};
        QTest::newRow("shell and dbt keep the user's order") << QStringList{"r:dbt-run", "sh:shell", "t:dbt-test", "sh2:shell"}
                                                             << QStringList{"r", "sh", "t", "sh2"};
        QTest::newRow("shell before the chain moves after it") << QStringList{"sh:shell", "p:git-pull", "s:airbyte-sync"}
                                                               << QStringList{"s", "p", "sh"};
        QTest::newRow("everything mixed") << QStringList{"sh:shell", "t:dbt-test", "d:dbt-deps", "s1:airbyte-sync", "doc:dbt-docs-generate",
                                                         "p:git-pull", "s2:airbyte-clear", "cmp:dbt-compile", "c:dbt-clean"}
                                          << QStringList{"s1", "s2", "p", "c", "d", "sh", "t", "doc", "cmp"};
        QTest::newRow("two tasks of one non-automatic kind") << QStringList{"r2:dbt-run", "r1:dbt-run"} << QStringList{"r2", "r1"};
    }

    void orderPipelineTasks()
    {
        QFETCH(QStringList, tasks);
        QFETCH(QStringList, expected);

        const QList<OrgTask> input = orgTasks(tasks);
        const auto ordered = sluice::orderPipelineTasks(catalog(), input);
        QVERIFY2(ordered, qPrintable(ordered ? QString() : ordered.error().message));
        QCOMPARE(uuidsOf(*ordered), expected);

        // The tasks come back whole, not just reordered uuids.
        for (const OrgTask &out : *ordered) {
            const auto in = std::ranges::find(input, out.uuid, &OrgTask::uuid);
            QVERIFY(in != input.end());
            QCOMPARE(out.slug, in->slug);
            QCOMPARE(out.orgId, in->orgId);
            QCOMPARE(toString(out.type), toString(in->type));
        }
    }

    void refusedPipelines_data()
    {
        QTest::addColumn<QStringList>("tasks");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QStringList>("mentions");

        const int invalid = int(Error::Kind::Invalid);
        QTest::newRow("same task twice") << QStringList{"a:dbt-run", "b:dbt-test", "a:dbt-run"} << invalid
                                         << QStringList{"task a", "twice"};
        QTest::newRow("same uuid, another slug") << QStringList{"a:airbyte-sync", "a:dbt-run"} << invalid << QStringList{"task a", "twice"};
        QTest::newRow("two dbt-deps") << QStringList{"d1:dbt-deps", "r:dbt-run", "d2:dbt-deps"} << invalid
                                      << QStringList{"two dbt-deps tasks"};
        QTest::newRow("two git-pull") << QStringList{"p1:git-pull", "p2:git-pull"} << invalid << QStringList{"two git-pull tasks"};
        QTest::newRow("two dbt-clean") << QStringList{"c1:dbt-clean", "c2:dbt-clean"} << invalid << QStringList{"two dbt-clean tasks"};
        QTest::newRow("two git-clone") << QStringList{"g1:git-clone", "g2:git-clone"} << invalid << QStringList{"two git-clone tasks"};
        QTest::newRow("task of another org") << QStringList{"a:dbt-run", "b:dbt-test@2"} << invalid << QStringList{"task b", "another org"};
        QTest::newRow("sync of another org") << QStringList{"a:airbyte-sync@7", "b:airbyte-sync@7", "c:airbyte-sync@8"} << invalid
                                             << QStringList{"task c", "another org"};
        QTest::newRow("unknown slug") << QStringList{"a:dbt-run", "x:dbt-frobnicate"} << int(Error::Kind::Internal)
                                      << QStringList{"task x", "dbt-frobnicate"};
    }

    void refusedPipelines()
    {
        QFETCH(QStringList, tasks);
        QFETCH(int, kind);
        QFETCH(QStringList, mentions);

        const auto ordered = sluice::orderPipelineTasks(catalog(), orgTasks(tasks));
        QVERIFY2(!ordered, "the pipeline was accepted");
        QCOMPARE(int(ordered.error().kind), kind);
        verifyMentions(ordered.error().message, mentions);
    }

    // What a pipeline editor does on save: the user's tasks plus the missing automatic ones, ordered.
    void userTasksPlusAutomaticChain()
    {
        QList<OrgTask> tasks = orgTasks({"t:dbt-test", "sh:shell", "s:airbyte-sync", "r:dbt-run"});
        for (const QString &slug : sluice::missingAutomaticSlugs(catalog(), tasks, true))
            tasks << orgTask(QStringLiteral("auto-") + slug + QLatin1Char(':') + slug);
        const auto ordered = sluice::orderPipelineTasks(catalog(), tasks);
        QVERIFY2(ordered, qPrintable(ordered ? QString() : ordered.error().message));
        QCOMPARE(uuidsOf(*ordered), (QStringList{"s", "auto-git-pull", "auto-dbt-clean", "auto-dbt-deps", "t", "sh", "r"}));
    }
};

QTEST_GUILESS_MAIN(tst_TaskRules)
#include "tst_taskrules.moc"
