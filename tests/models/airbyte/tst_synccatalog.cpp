// A connection's catalog: read from what the server sends (both spellings of the schema), written back
// with the fields Sluice does not know kept, sync modes limited to what a stream supports, the problems
// that keep a configuration from being saved, and a refreshed schema compared and merged.
#include "airbyte/synccatalog.h"
#include "itemmodels/streamlistmodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace sluice;

namespace {

QJsonObject stream(const QString &name, const QJsonObject &properties, const QStringList &modes, const QJsonObject &config = {},
                   const QJsonObject &extra = {})
{
    QJsonObject s{{QStringLiteral("name"), name}, {QStringLiteral("namespace"), QStringLiteral("public")},
                  {QStringLiteral("jsonSchema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}}},
                  {QStringLiteral("supportedSyncModes"), QJsonArray::fromStringList(modes)}};
    for (auto it = extra.begin(); it != extra.end(); ++it)
        s.insert(it.key(), it.value());
    return {{QStringLiteral("stream"), s}, {QStringLiteral("config"), config}};
}

QJsonObject type(const QString &t) { return {{QStringLiteral("type"), t}}; }

SyncCatalog catalogOf(const QJsonArray &streams) { return SyncCatalog::fromJson({{QStringLiteral("streams"), streams}}); }

} // namespace

class tst_SyncCatalog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void readsAndWritesKeepingUnknownFields()
    {
        const QJsonObject config{{QStringLiteral("selected"), true}, {QStringLiteral("syncMode"), QStringLiteral("incremental")},
                                 {QStringLiteral("destinationSyncMode"), QStringLiteral("append_dedup")},
                                 {QStringLiteral("cursorField"), QJsonArray{QStringLiteral("updated_at")}},
                                 {QStringLiteral("primaryKey"), QJsonArray{QJsonArray{QStringLiteral("id")}}},
                                 {QStringLiteral("mappers"), QJsonArray{QJsonObject{{QStringLiteral("type"), QStringLiteral("hashing")}}}}};
        const SyncCatalog c = catalogOf({stream(QStringLiteral("orders"), {{QStringLiteral("id"), type(QStringLiteral("integer"))},
                                                                         {QStringLiteral("updated_at"), type(QStringLiteral("string"))}},
                                                {QStringLiteral("full_refresh"), QStringLiteral("incremental")}, config)});
        QCOMPARE(c.streams.size(), 1);
        const CatalogStream &s = c.streams.first();
        QCOMPARE(s.displayName(), QStringLiteral("public.orders"));
        QCOMPARE(s.mode(), QStringLiteral("incremental_append_dedup"));
        QCOMPARE(s.cursorField, QStringList{QStringLiteral("updated_at")});
        QCOMPARE(s.problem(), QString());
        const QJsonObject back = c.toJson().value(u"streams").toArray().first().toObject();
        QCOMPARE(back.value(u"config").toObject().value(u"mappers"), config.value(u"mappers"));
        QCOMPARE(back.value(u"config").toObject(), config);
        // Old servers spell the schema json_schema.
        QJsonObject old = stream(QStringLiteral("a"), {}, {});
        QJsonObject inner = old.value(u"stream").toObject();
        inner.remove(QStringLiteral("jsonSchema"));
        inner.insert(QStringLiteral("json_schema"), QJsonObject{{QStringLiteral("properties"), QJsonObject{{QStringLiteral("x"), type(QStringLiteral("number"))}}}});
        old.insert(QStringLiteral("stream"), inner);
        QCOMPARE(catalogOf({old}).streams.first().fields().size(), 1);
    }

    void modesFollowWhatTheStreamSupports()
    {
        SyncCatalog c = catalogOf({stream(QStringLiteral("events"), {{QStringLiteral("id"), type(QStringLiteral("integer"))}}, {QStringLiteral("full_refresh")})});
        CatalogStream &s = c.streams.first();
        QCOMPARE(s.supportedModes(), (QStringList{QStringLiteral("full_refresh_overwrite"), QStringLiteral("full_refresh_append")}));
        QVERIFY(!s.setMode(QStringLiteral("incremental_append")));
        QVERIFY(s.setMode(QStringLiteral("full_refresh_append")));
        QCOMPARE(s.destinationSyncMode, QStringLiteral("append"));
    }

    void problemsNameWhatIsMissing()
    {
        SyncCatalog c = catalogOf({stream(QStringLiteral("orders"), {{QStringLiteral("id"), type(QStringLiteral("integer"))},
                                                                   {QStringLiteral("updated_at"), type(QStringLiteral("string"))}},
                                          {QStringLiteral("full_refresh"), QStringLiteral("incremental")}, {{QStringLiteral("selected"), true}})});
        CatalogStream &s = c.streams.first();
        QVERIFY(s.setMode(QStringLiteral("incremental_append_dedup")));
        QCOMPARE(s.problem(), QStringLiteral("incremental needs a cursor field"));
        s.cursorField = {QStringLiteral("nope")};
        QCOMPARE(s.problem(), QStringLiteral("the cursor field nope is not a field of the stream"));
        s.cursorField = {QStringLiteral("updated_at")};
        QCOMPARE(s.problem(), QStringLiteral("deduplication needs a primary key"));
        s.primaryKey = {{QStringLiteral("id")}};
        QCOMPARE(s.problem(), QString());
        s.selected = false;
        s.cursorField.clear();
        QCOMPARE(s.problem(), QString());   // a stream not synced needs nothing
        // A source-defined cursor and key need nothing from the user; the defaults fill in.
        SyncCatalog d = catalogOf({stream(QStringLiteral("users"), {{QStringLiteral("id"), type(QStringLiteral("integer"))}},
                                          {QStringLiteral("incremental")}, {{QStringLiteral("selected"), true}},
                                          {{QStringLiteral("sourceDefinedCursor"), true},
                                           {QStringLiteral("sourceDefinedPrimaryKey"), QJsonArray{QJsonArray{QStringLiteral("id")}}}})});
        QVERIFY(d.streams.first().setMode(QStringLiteral("incremental_append_dedup")));
        QCOMPARE(d.streams.first().problem(), QString());
    }

    void refreshedSchemaIsComparedAndMerged()
    {
        const QStringList both{QStringLiteral("full_refresh"), QStringLiteral("incremental")};
        const QJsonObject chosen{{QStringLiteral("selected"), true}, {QStringLiteral("syncMode"), QStringLiteral("incremental")},
                                 {QStringLiteral("destinationSyncMode"), QStringLiteral("append")},
                                 {QStringLiteral("cursorField"), QJsonArray{QStringLiteral("updated_at")}}};
        const SyncCatalog current = catalogOf({stream(QStringLiteral("orders"), {{QStringLiteral("id"), type(QStringLiteral("integer"))},
                                                                               {QStringLiteral("total"), type(QStringLiteral("integer"))},
                                                                               {QStringLiteral("updated_at"), type(QStringLiteral("string"))},
                                                                               {QStringLiteral("legacy"), type(QStringLiteral("string"))}},
                                                      both, chosen),
                                               stream(QStringLiteral("old_table"), {}, both, {{QStringLiteral("selected"), true}})});
        const SyncCatalog discovered = catalogOf({stream(QStringLiteral("orders"), {{QStringLiteral("id"), type(QStringLiteral("integer"))},
                                                                                  {QStringLiteral("total"), type(QStringLiteral("number"))},
                                                                                  {QStringLiteral("updated_at"), type(QStringLiteral("string"))},
                                                                                  {QStringLiteral("discount"), type(QStringLiteral("number"))}},
                                                         both),
                                                  stream(QStringLiteral("refunds"), {{QStringLiteral("id"), type(QStringLiteral("integer"))}}, both)});
        const QList<SchemaChange> changes = diffCatalogs(current, discovered);
        QStringList words;
        for (const SchemaChange &c : changes)
            words.append(c.toString());
        QCOMPARE(words, (QStringList{QStringLiteral("public.orders: field discount added (number)"),
                                     QStringLiteral("public.orders: field total changed type from integer to number"),
                                     QStringLiteral("public.orders: field legacy removed"), QStringLiteral("stream public.refunds added"),
                                     QStringLiteral("stream public.old_table removed")}));
        QVERIFY(diffCatalogs(current, current).isEmpty());

        const SyncCatalog merged = mergeDiscovered(current, discovered);
        QCOMPARE(merged.streams.size(), 2);
        QCOMPARE(merged.streams.at(0).mode(), QStringLiteral("incremental_append"));   // kept
        QCOMPARE(merged.streams.at(0).cursorField, QStringList{QStringLiteral("updated_at")});
        QVERIFY(merged.streams.at(0).selected);
        QVERIFY(!merged.streams.at(1).selected);   // new streams come unselected
    }

    void streamModelEditsTheCatalog()
    {
        StreamListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setCatalog(catalogOf({stream(QStringLiteral("orders"), {{QStringLiteral("id"), type(QStringLiteral("integer"))},
                                                                    {QStringLiteral("updated_at"), type(QStringLiteral("string"))}},
                                           {QStringLiteral("full_refresh"), QStringLiteral("incremental")}),
                                    stream(QStringLiteral("events"), {}, {QStringLiteral("full_refresh")})}));
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.headerData(StreamListModel::Mode, Qt::Horizontal).toString(), QStringLiteral("Sync mode"));
        QVERIFY(model.setData(model.index(0, StreamListModel::Sync), Qt::Checked, Qt::CheckStateRole));
        QVERIFY(model.setData(model.index(0, StreamListModel::Mode), QStringLiteral("incremental_append")));
        QCOMPARE(model.index(0, StreamListModel::Mode).data().toString(), QStringLiteral("Incremental | Append"));
        QCOMPARE(model.firstProblem(), QStringLiteral("public.orders: incremental needs a cursor field"));
        QVERIFY(model.flags(model.index(0, StreamListModel::Cursor)) & Qt::ItemIsEditable);
        QCOMPARE(model.index(0, StreamListModel::Cursor).data(StreamListModel::FieldsRole).toStringList(),
                 (QStringList{QStringLiteral("id"), QStringLiteral("updated_at")}));
        QVERIFY(model.setData(model.index(0, StreamListModel::Cursor), QStringLiteral("updated_at")));
        QCOMPARE(model.firstProblem(), QString());
        QVERIFY(!model.setData(model.index(1, StreamListModel::Mode), QStringLiteral("incremental_append")));
        QCOMPARE(model.index(1, StreamListModel::Mode).data(StreamListModel::ModesRole).toStringList(),
                 (QStringList{QStringLiteral("full_refresh_overwrite"), QStringLiteral("full_refresh_append")}));
        QVERIFY(!(model.flags(model.index(1, StreamListModel::Cursor)) & Qt::ItemIsEditable));   // full refresh needs no cursor
        model.setAllSelected(true);
        QCOMPARE(model.catalog().selectedCount(), 2);
        const QJsonObject config = model.catalog().toJson().value(u"streams").toArray().first().toObject().value(u"config").toObject();
        QCOMPARE(config.value(u"cursorField").toArray(), QJsonArray{QStringLiteral("updated_at")});
        QCOMPARE(config.value(u"syncMode").toString(), QStringLiteral("incremental"));
    }
};

QTEST_MAIN(tst_SyncCatalog)
#include "tst_synccatalog.moc"
