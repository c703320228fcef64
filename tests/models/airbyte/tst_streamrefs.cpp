// The streams a reset or clear drops: the task option's text read and written back, the selected
// streams of a connection's catalog, and what a person typed resolved against them.
#include "airbyte/streamrefs.h"

#include <QJsonArray>
#include <QTest>

using namespace sluice;

class tst_StreamRefs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheOption_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("names");   // displayName() of each, in order
        QTest::newRow("objects") << R"([{"name":"users","namespace":"public"},{"name":"orders","namespace":"shop"}])"
                                 << QStringList{"public.users", "shop.orders"};
        QTest::newRow("no namespace") << R"([{"name":"events"}])" << QStringList{"events"};
        QTest::newRow("bare string") << R"(["events", {"name":"users","namespace":"public"}])" << QStringList{"events", "public.users"};
        QTest::newRow("dots in the name stay in the name") << R"([{"name":"a.b"}])" << QStringList{"a.b"};
        QTest::newRow("same name, other namespace") << R"([{"name":"u","namespace":"x"},{"name":"u","namespace":"y"}])"
                                                    << QStringList{"x.u", "y.u"};
    }

    void parsesTheOption()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, names);
        const auto parsed = parseStreamRefs(text);
        QVERIFY2(parsed, qPrintable(parsed ? QString() : parsed.error().message));
        QStringList got;
        for (const StreamRef &s : *parsed)
            got.append(s.displayName());
        QCOMPARE(got, names);
        // What is written reads back equal.
        const auto again = parseStreamRefs(streamRefsText(*parsed));
        QVERIFY(again);
        QVERIFY(*again == *parsed);
    }

    void refusesBadText_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("words");
        QTest::newRow("comma list") << "users,orders" << "is not JSON";
        QTest::newRow("object") << R"({"name":"users"})" << "must be a JSON list";
        QTest::newRow("empty list") << "[]" << "lists no stream";
        QTest::newRow("number item") << "[3]" << "item 1 has no stream name";
        QTest::newRow("empty name") << R"([{"name":"a"},{"name":""}])" << "item 2 has no stream name";
        QTest::newRow("twice") << R"(["a","a"])" << "names a twice";
    }

    void refusesBadText()
    {
        QFETCH(QString, text);
        QFETCH(QString, words);
        const auto parsed = parseStreamRefs(text);
        QVERIFY(!parsed);
        QVERIFY2(parsed.error().message.contains(words), qPrintable(parsed.error().message));
        QVERIFY(parsed.error().kind == Error::Kind::Invalid);
    }

    void writesCompactJsonWithoutEmptyNamespace()
    {
        QCOMPARE(streamRefsText({{QStringLiteral("events"), QString()}, {QStringLiteral("users"), QStringLiteral("public")}}),
                 QStringLiteral(R"([{"name":"events"},{"name":"users","namespace":"public"}])"));
        QCOMPARE(streamRefsWords({{QStringLiteral("events"), QString()}, {QStringLiteral("users"), QStringLiteral("public")}}),
                 QStringLiteral("events, public.users"));
    }

    void selectedStreamsOfACatalog()
    {
        QJsonArray streams;
        for (const auto &[name, ns, selected] : {std::tuple{"users", "public", true}, std::tuple{"audit", "public", false}, std::tuple{"events", "", true}}) {
            QJsonObject stream{{QStringLiteral("name"), QLatin1String(name)}};
            if (*ns)
                stream.insert(QStringLiteral("namespace"), QLatin1String(ns));
            streams.append(QJsonObject{{QStringLiteral("stream"), stream}, {QStringLiteral("config"), QJsonObject{{QStringLiteral("selected"), selected}}}});
        }
        const QList<StreamRef> got = selectedStreams(SyncCatalog::fromJson({{QStringLiteral("streams"), streams}}));
        QCOMPARE(streamRefsWords(got), QStringLiteral("public.users, events"));
    }

    void resolvesWhatWasTyped_data()
    {
        QTest::addColumn<QStringList>("words");
        QTest::addColumn<QString>("expected");   // streamRefsWords of the result, or the error's words
        QTest::addColumn<bool>("ok");
        QTest::newRow("full name") << QStringList{"shop.users"} << "shop.users" << true;
        QTest::newRow("unique bare name") << QStringList{"orders"} << "public.orders" << true;
        QTest::newRow("no namespace") << QStringList{"events"} << "events" << true;
        QTest::newRow("repeated word once") << QStringList{"orders", "public.orders"} << "public.orders" << true;
        QTest::newRow("ambiguous bare name") << QStringList{"users"} << "could be public.users, shop.users; give the namespace" << false;
        QTest::newRow("unknown") << QStringList{"payments"} << "syncs no stream \"payments\"; it has public.users, shop.users" << false;
    }

    void resolvesWhatWasTyped()
    {
        QFETCH(QStringList, words);
        QFETCH(QString, expected);
        QFETCH(bool, ok);
        const QList<StreamRef> streams{{QStringLiteral("users"), QStringLiteral("public")},
                                       {QStringLiteral("users"), QStringLiteral("shop")},
                                       {QStringLiteral("orders"), QStringLiteral("public")},
                                       {QStringLiteral("events"), QString()}};
        const auto got = resolveStreams(words, streams);
        QCOMPARE(bool(got), ok);
        if (ok)
            QCOMPARE(streamRefsWords(*got), expected);
        else
            QVERIFY2(got.error().message.contains(expected), qPrintable(got.error().message));
    }
};

QTEST_GUILESS_MAIN(tst_StreamRefs)
#include "tst_streamrefs.moc"
