// The task catalog: the built-in one matches DESIGN.md §1 entry by entry, and fromYaml refuses broken
// catalogs with a message that names the entry and the key.
#include "catalog/taskcatalog.h"

#include <QSet>
#include <QTest>

#include "testhelpers.h"

using namespace sluice;
using sluice::test::verifyMentions;

class tst_TaskCatalog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void builtinHasExactlyTheDesignedSlugs()
    {
        const QStringList designed{"git-clone",    "git-pull",  "dbt-clean",         "dbt-deps",    "dbt-seed",
                                   "dbt-snapshot", "dbt-run",   "dbt-test",          "dbt-build",   "dbt-docs-generate",
                                   "dbt-compile",  "airbyte-sync", "airbyte-reset", "airbyte-clear", "shell"};
        QStringList actual;
        for (const CatalogTask &t : TaskCatalog::builtin().tasks())
            actual << t.slug;
        QCOMPARE(actual.size(), 15);
        QCOMPARE(QSet<QString>(actual.cbegin(), actual.cend()).size(), 15);   // no slug twice
        QStringList sorted = actual;
        QStringList expected = designed;
        sorted.sort();
        expected.sort();
        QCOMPARE(sorted, expected);
    }

    void builtinEntries_data()
    {
        QTest::addColumn<QString>("slug");
        QTest::addColumn<TaskType>("type");
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("transformOrder");   // -1: not in the transform chain
        QTest::addColumn<bool>("automatic");
        QTest::addColumn<bool>("hidden");
        QTest::addColumn<bool>("longRunning");
        QTest::addColumn<bool>("isDefault");
        QTest::addColumn<bool>("needsConnection");
        QTest::addColumn<bool>("requiresCommand");
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QStringList>("options");

        const QStringList none;
        //                                 slug                 type              command         order auto   hidden long   default conn   cmd
        QTest::newRow("git-clone")         << "git-clone"         << TaskType::Git     << "clone"         << 0  << true  << true  << false << false << false << false << none << none;
        QTest::newRow("git-pull")          << "git-pull"          << TaskType::Git     << "pull"          << 1  << true  << true  << false << false << false << false << none << none;
        QTest::newRow("dbt-clean")         << "dbt-clean"         << TaskType::Dbt     << "clean"         << 2  << true  << true  << false << false << false << false << none << none;
        QTest::newRow("dbt-deps")          << "dbt-deps"          << TaskType::Dbt     << "deps"          << 3  << true  << true  << false << false << false << false
                                           << QStringList{"upgrade"} << QStringList{"add-package"};
        QTest::newRow("dbt-seed")          << "dbt-seed"          << TaskType::Dbt     << "seed"          << 4  << false << false << true  << false << false << false
                                           << QStringList{"full-refresh"} << QStringList{"select"};
        QTest::newRow("dbt-snapshot")      << "dbt-snapshot"      << TaskType::Dbt     << "snapshot"      << 5  << false << false << false << false << false << false
                                           << none << QStringList{"select", "exclude"};
        QTest::newRow("dbt-run")           << "dbt-run"           << TaskType::Dbt     << "run"           << 6  << false << false << true  << true  << false << false
                                           << QStringList{"full-refresh"} << QStringList{"select", "exclude", "vars", "target"};
        QTest::newRow("dbt-test")          << "dbt-test"          << TaskType::Dbt     << "test"          << 7  << false << false << true  << true  << false << false
                                           << none << QStringList{"select", "exclude"};
        QTest::newRow("dbt-build")         << "dbt-build"         << TaskType::Dbt     << "build"         << 8  << false << false << false << false << false << false
                                           << QStringList{"full-refresh"} << QStringList{"select", "exclude"};
        QTest::newRow("dbt-docs-generate") << "dbt-docs-generate" << TaskType::Dbt     << "docs generate" << 9  << false << false << false << false << false << false
                                           << QStringList{"static"} << none;
        QTest::newRow("dbt-compile")       << "dbt-compile"       << TaskType::Dbt     << "compile"       << -1 << false << false << false << false << false << false << none << none;
        QTest::newRow("airbyte-sync")      << "airbyte-sync"      << TaskType::Airbyte << "sync"          << -1 << false << false << false << false << true  << false << none << none;
        QTest::newRow("airbyte-reset")     << "airbyte-reset"     << TaskType::Airbyte << "reset"         << -1 << false << false << false << false << true  << false << none
                                           << QStringList{"streams"};
        QTest::newRow("airbyte-clear")     << "airbyte-clear"     << TaskType::Airbyte << "clear"         << -1 << false << false << false << false << true  << false << none
                                           << QStringList{"streams"};
        QTest::newRow("shell")             << "shell"             << TaskType::Shell   << ""              << -1 << false << false << false << false << false << true
                                           << none << QStringList{"working-dir"};
    }

    void builtinEntries()
    {
        QFETCH(QString, slug);
        QFETCH(TaskType, type);
        QFETCH(QString, command);
        QFETCH(int, transformOrder);
        QFETCH(bool, automatic);
        QFETCH(bool, hidden);
        QFETCH(bool, longRunning);
        QFETCH(bool, isDefault);
        QFETCH(bool, needsConnection);
        QFETCH(bool, requiresCommand);
        QFETCH(QStringList, flags);
        QFETCH(QStringList, options);

        const CatalogTask *t = TaskCatalog::builtin().find(slug);
        QVERIFY2(t, qPrintable(slug + QStringLiteral(" is not in the catalog")));
        QCOMPARE(t->slug, slug);
        QCOMPARE(toString(t->type), toString(type));
        QCOMPARE(t->command, command);
        QCOMPARE(t->transformOrder.has_value(), transformOrder >= 0);
        if (transformOrder >= 0)
            QCOMPARE(*t->transformOrder, transformOrder);
        QCOMPARE(t->automatic, automatic);
        QCOMPARE(t->hidden, hidden);
        QCOMPARE(t->longRunning, longRunning);
        QCOMPARE(t->isDefault, isDefault);
        QCOMPARE(t->needsConnection, needsConnection);
        QCOMPARE(t->requiresCommand, requiresCommand);
        QCOMPARE(t->flags, flags);
        QCOMPARE(t->options, options);
        QVERIFY2(!t->description.isEmpty(), "every catalog task has a description");
    }

    void findUnknownSlug()
    {
        QCOMPARE(TaskCatalog::builtin().find(QStringLiteral("dbt-frobnicate")), nullptr);
        QCOMPARE(TaskCatalog::builtin().find(QString()), nullptr);
        QCOMPARE(TaskCatalog::builtin().find(QStringLiteral("DBT-RUN")), nullptr);
    }

    void taskTypeNames()
    {
        for (const auto &[type, name] : {std::pair{TaskType::Git, "git"}, std::pair{TaskType::Dbt, "dbt"},
                                         std::pair{TaskType::Airbyte, "airbyte"}, std::pair{TaskType::Shell, "shell"}}) {
            QCOMPARE(toString(type), QLatin1String(name));
            const auto parsed = taskTypeFromString(QLatin1String(name));
            QVERIFY(parsed.has_value());
            QCOMPARE(toString(*parsed), toString(type));
        }
        QVERIFY(!taskTypeFromString(QStringLiteral("python")));
        QVERIFY(!taskTypeFromString(QStringLiteral("DBT")));
        QVERIFY(!taskTypeFromString(QString()));
    }

    // A minimal entry takes every default; a full one reads every key.
    void fromYamlReadsEveryKey()
    {
        const auto parsed = TaskCatalog::fromYaml(R"(
version: 1
tasks:
  - slug: minimal
    type: shell
  - slug: full
    type: dbt
    command: docs generate
    transform_order: 12
    automatic: true
    hidden: true
    long_running: true
    default: true
    needs_connection: true
    requires_command: true
    flags: [a, b]
    options: [c]
    description: Everything set
)");
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QCOMPARE(parsed->tasks().size(), 2);

        const CatalogTask &m = parsed->tasks().at(0);
        QCOMPARE(m.slug, QStringLiteral("minimal"));
        QCOMPARE(toString(m.type), toString(TaskType::Shell));
        QCOMPARE(m.command, QString());
        QVERIFY(!m.transformOrder);
        QVERIFY(!m.automatic && !m.hidden && !m.longRunning && !m.isDefault && !m.needsConnection && !m.requiresCommand);
        QVERIFY(m.flags.isEmpty() && m.options.isEmpty() && m.description.isEmpty());

        const CatalogTask &f = parsed->tasks().at(1);
        QCOMPARE(f.slug, QStringLiteral("full"));
        QCOMPARE(toString(f.type), toString(TaskType::Dbt));
        QCOMPARE(f.command, QStringLiteral("docs generate"));
        QVERIFY(f.transformOrder.has_value());
        QCOMPARE(*f.transformOrder, 12);
        QVERIFY(f.automatic && f.hidden && f.longRunning && f.isDefault && f.needsConnection && f.requiresCommand);
        QCOMPARE(f.flags, (QStringList{"a", "b"}));
        QCOMPARE(f.options, (QStringList{"c"}));
        QCOMPARE(f.description, QStringLiteral("Everything set"));
        QCOMPARE(parsed->find(QStringLiteral("full")), &f);
    }

    void fromYamlEmptyList()
    {
        const auto parsed = TaskCatalog::fromYaml("tasks: []\n");
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QVERIFY(parsed->tasks().isEmpty());
    }

    void fromYamlRefuses_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QStringList>("mentions");

        QTest::newRow("malformed flow") << QByteArray("tasks: [ {slug: a") << QStringList{"not valid YAML"};
        QTest::newRow("tab indentation") << QByteArray("tasks:\n\t- slug: a\n") << QStringList{"not valid YAML"};
        QTest::newRow("unclosed list") << QByteArray("tasks: [{slug: a, type: git}\n") << QStringList{"not valid YAML"};
        QTest::newRow("unclosed mapping") << QByteArray("tasks:\n  - {slug: a, type: git\n") << QStringList{"not valid YAML"};

        QTest::newRow("empty document") << QByteArray("") << QStringList{"no `tasks` list"};
        QTest::newRow("no tasks key") << QByteArray("version: 1\n") << QStringList{"no `tasks` list"};
        QTest::newRow("misspelt tasks key") << QByteArray("task:\n  - slug: a\n    type: git\n") << QStringList{"no `tasks` list"};
        QTest::newRow("tasks is a mapping") << QByteArray("tasks:\n  a: {type: git}\n") << QStringList{"no `tasks` list"};
        QTest::newRow("tasks is a scalar") << QByteArray("tasks: 5\n") << QStringList{"no `tasks` list"};
        QTest::newRow("tasks is empty") << QByteArray("tasks:\n") << QStringList{"no `tasks` list"};
        QTest::newRow("root is a list") << QByteArray("- slug: a\n  type: git\n") << QStringList{"no `tasks` list"};

        QTest::newRow("duplicate slug") << QByteArray("tasks:\n  - {slug: a, type: git}\n  - {slug: b, type: dbt}\n  - {slug: a, type: shell}\n")
                                        << QStringList{"\"a\"", "repeated"};
        QTest::newRow("empty slug") << QByteArray("tasks:\n  - {slug: '', type: git}\n") << QStringList{"slug", "empty"};

        QTest::newRow("unknown type") << QByteArray("tasks:\n  - {slug: a, type: git}\n  - {slug: b, type: python}\n")
                                      << QStringList{"\"b\"", "unknown type"};
        QTest::newRow("type in capitals") << QByteArray("tasks:\n  - {slug: a, type: DBT}\n") << QStringList{"\"a\"", "unknown type"};

        // The message names the entry at fault and the key, not the entry before it.
        QTest::newRow("second entry has no slug") << QByteArray("tasks:\n  - {slug: a, type: git}\n  - {type: dbt}\n")
                                                  << QStringList{"entry 2", "slug"};
        QTest::newRow("no type") << QByteArray("tasks:\n  - {slug: a, type: git}\n  - {slug: b}\n") << QStringList{"\"b\"", "type"};
        QTest::newRow("entry is not a mapping") << QByteArray("tasks:\n  - {slug: a, type: git}\n  - 5\n") << QStringList{"entry 2"};
        QTest::newRow("slug is a list") << QByteArray("tasks:\n  - {slug: [a], type: git}\n") << QStringList{"entry 1", "slug"};
        QTest::newRow("bad boolean") << QByteArray("tasks:\n  - {slug: a, type: git, automatic: maybe}\n") << QStringList{"\"a\"", "automatic"};
        QTest::newRow("bad transform order") << QByteArray("tasks:\n  - {slug: a, type: git, transform_order: first}\n")
                                             << QStringList{"\"a\"", "transform_order"};
        QTest::newRow("flags not a list") << QByteArray("tasks:\n  - {slug: a, type: dbt, flags: upgrade}\n") << QStringList{"\"a\"", "flags"};
        QTest::newRow("options hold a list") << QByteArray("tasks:\n  - {slug: a, type: dbt, options: [[x]]}\n") << QStringList{"\"a\"", "options"};
    }

    void fromYamlRefuses()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QStringList, mentions);

        const auto parsed = TaskCatalog::fromYaml(yaml);
        QVERIFY2(!parsed, "the catalog was accepted");
        QCOMPARE(int(parsed.error().kind), int(Error::Kind::Invalid));
        verifyMentions(parsed.error().message, mentions);
    }
};

QTEST_GUILESS_MAIN(tst_TaskCatalog)
#include "tst_taskcatalog.moc"
