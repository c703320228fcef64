// The spec-driven form: every connector spec in the fixtures renders, a configuration that fits the
// spec round-trips through the widgets unchanged, defaults fill the fields, choices switch their
// fields, constructs the form cannot draw become JSON editors, and problems land at their field.
#include "airbyte/connectorspec.h"
#include "airbyte/specform.h"
#include "widgets/specformwidget.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QTest>

using namespace sluice;

namespace {

const QString specDir = QStringLiteral(SLUICE_SOURCE_DIR "/tests/fixtures/airbyte/connector-specs/");

QJsonObject schemaOf(const QString &file)
{
    auto spec = ConnectorSpec::fromFile(specDir + file);
    if (!spec)
        qFatal("%s", qPrintable(spec.error().message));
    return spec->schema;
}

// Values for the JSON-edited fields of the fixtures, by path (the form cannot make them up).
const QHash<QString, QJsonValue> rawSamples{
    {QStringLiteral("custom_reports"), QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("weekly")},
                                                              {QStringLiteral("dimensions"), QJsonArray{QStringLiteral("date")}}}}},
    {QStringLiteral("either"), 12},
    {QStringLiteral("headers"), QJsonObject{{QStringLiteral("X-Team"), QStringLiteral("data")}}},
    {QStringLiteral("window"), QJsonObject{{QStringLiteral("days"), 3}}},
    {QStringLiteral("limit"), QStringLiteral("all")},
};

// A configuration that fills every field the form shows, the last choice of each oneOf (the one
// with the most fields in the fixtures).
QJsonObject sampleOf(const QList<SpecField> &fields);

QJsonValue sampleOf(const SpecField &f)
{
    using K = SpecField::Kind;
    switch (f.kind) {
    case K::Text: return f.examples.isEmpty() ? QJsonValue(QStringLiteral("text %1").arg(f.key)) : f.examples.first();
    case K::Secret: return QStringLiteral("secret-%1").arg(f.key);
    case K::Integer: return qint64(f.hasMinimum ? f.minimum + 1 : 7);
    case K::Number: return f.hasMinimum ? f.minimum + 0.25 : 2.5;
    case K::Boolean: return true;
    case K::Enum: return f.options.last();
    case K::List: {
        if (!f.options.isEmpty())
            return QJsonArray{f.options.first()};
        return f.itemType == u"string" ? QJsonValue(QJsonArray{QStringLiteral("one"), QStringLiteral("two")}) : QJsonValue(QJsonArray{1, 2});
    }
    case K::Object: return sampleOf(f.children);
    case K::OneOf: {
        const SpecField::Branch &b = f.branches.last();
        QJsonObject o = sampleOf(b.fields);
        o.insert(b.discriminatorKey, b.discriminatorValue);
        return o;
    }
    case K::Raw: return rawSamples.value(f.path, QJsonValue(QJsonValue::Undefined));
    }
    return {};
}

QJsonObject sampleOf(const QList<SpecField> &fields)
{
    QJsonObject o;
    for (const SpecField &f : fields) {
        if (f.hidden)
            continue;
        const QJsonValue v = sampleOf(f);
        if (!v.isUndefined())
            o.insert(f.key, v);
    }
    return o;
}

QJsonObject sampleOf(const SpecForm &form)
{
    QJsonObject o;
    for (const SpecGroup &g : form.groups) {
        const QJsonObject part = sampleOf(g.fields);
        for (auto it = part.begin(); it != part.end(); ++it)
            o.insert(it.key(), it.value());
    }
    return o;
}

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

} // namespace

class TestSpecForm : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A value set, then a field of the first group edited: value() has the edit, though every later
    // group keeps a copy of what was set (a regression: the copy won).
    void editsAfterSetValueWinInEveryGroup()
    {
        SpecFormWidget form;
        form.setSpec(schemaOf(QStringLiteral("source-warehouse-db.json")));
        form.setValue({{QStringLiteral("host"), QStringLiteral("old.internal")}, {QStringLiteral("port"), 5432},
                       {QStringLiteral("database"), QStringLiteral("shop")}, {QStringLiteral("username"), QStringLiteral("loader")},
                       {QStringLiteral("password"), QStringLiteral("**********")}});
        auto *host = qobject_cast<QLineEdit *>(form.editorAt(QStringLiteral("host")));
        QVERIFY(host);
        host->setText(QStringLiteral("new.internal"));
        auto *user = qobject_cast<QLineEdit *>(form.editorAt(QStringLiteral("username")));
        QVERIFY(user);
        user->setText(QStringLiteral("reader"));
        const QJsonObject v = form.value();
        QCOMPARE(v.value(u"host").toString(), QStringLiteral("new.internal"));
        QCOMPARE(v.value(u"username").toString(), QStringLiteral("reader"));
        QCOMPARE(v.value(u"password").toString(), QStringLiteral("**********"));
        user->clear();
        QVERIFY(!form.value().contains(u"username"));   // emptied: left out, not the old value
    }

    // A large group is built across turns of the event loop, field by field: a value set before the build
    // reaches the fields built after it, an edit is kept, and a key no field shows is sent back.
    void valueSetWhileBuildingAcrossTurns()
    {
        QJsonObject properties;
        QJsonObject config{{QStringLiteral("not_in_spec"), QStringLiteral("kept")}};
        for (int i = 0; i < 150; ++i) {
            const QString key = QStringLiteral("f%1").arg(i, 3, 10, QLatin1Char('0'));
            properties.insert(key, QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("order"), i}});
            config.insert(key, QStringLiteral("v%1").arg(i));
        }
        SpecFormWidget form;
        form.show();
        form.setSpec({{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}});
        const auto lines = [&form] { return form.findChildren<QLineEdit *>().size(); };
        QVERIFY2(lines() < 150, "the first turn builds only part of the form");
        form.setValue(config);
        QTRY_COMPARE_WITH_TIMEOUT(lines(), 150, 10'000);   // the rest came on later turns, no accessor asked for it
        auto *late = form.findChild<QLineEdit *>(QStringLiteral("f149"));
        QVERIFY(late);
        QCOMPARE(late->text(), QStringLiteral("v149"));
        late->setText(QStringLiteral("edited"));
        const QJsonObject v = form.value();
        QCOMPARE(v.value(u"f000").toString(), QStringLiteral("v0"));
        QCOMPARE(v.value(u"f100").toString(), QStringLiteral("v100"));
        QCOMPARE(v.value(u"f149").toString(), QStringLiteral("edited"));
        QCOMPARE(v.value(u"not_in_spec").toString(), QStringLiteral("kept"));
    }

    // A large group is shown a chunk of rows at a time (part of it shows while the rest is built), and
    // once built, all editors of the group start at the same x — one label column, however the rows were
    // chunked — with room for the longest label.
    void largeGroupShowsInAlignedChunks()
    {
        QJsonObject properties;
        for (int i = 0; i < 60; ++i) {
            const QString key = QStringLiteral("f%1").arg(i, 2, 10, QLatin1Char('0'));
            const QString title = i == 47 ? QStringLiteral("A rather long title for the forty-seventh field") : QStringLiteral("F%1").arg(i);
            properties.insert(key, QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}, {QStringLiteral("order"), i},
                                               {QStringLiteral("title"), title}});
        }
        SpecFormWidget form;
        form.resize(900, 600);
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        form.setSpec({{QStringLiteral("type"), QStringLiteral("object")}, {QStringLiteral("properties"), properties}});
        // Watched turn by turn: part of the group shows before the rest is built.
        bool sawPart = false;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 10'000) {
            QCoreApplication::processEvents();
            int shown = 0;
            for (QLineEdit *e : form.findChildren<QLineEdit *>())
                shown += e->isVisibleTo(&form);
            sawPart = sawPart || (shown > 0 && shown < 60);
            if (shown == 60)
                break;
        }
        QVERIFY2(sawPart, "the group was shown in parts, not all at once");
        QTRY_VERIFY(form.findChild<QLineEdit *>(QStringLiteral("f59")) && form.findChild<QLineEdit *>(QStringLiteral("f59"))->isVisibleTo(&form));
        QTest::qWait(50);
        const int x = form.findChild<QLineEdit *>(QStringLiteral("f00"))->mapTo(&form, QPoint(0, 0)).x();
        for (QLineEdit *e : form.findChildren<QLineEdit *>())
            QCOMPARE(e->mapTo(&form, QPoint(0, 0)).x(), x);
        QLabel *longest = nullptr;
        for (QLabel *l : form.findChildren<QLabel *>())
            if (l->text().startsWith(QLatin1String("A rather long title")))
                longest = l;
        QVERIFY(longest);
        QVERIFY2(longest->mapTo(&form, QPoint(0, 0)).x() + longest->fontMetrics().horizontalAdvance(longest->text()) <= x,
                 "the long label fits left of the editors");
    }

    // Groups without a title follow one another unframed, so they share one label column: the fixture's
    // "db" and "auth" groups line their editors up.
    void untitledGroupsShareOneLabelColumn()
    {
        SpecFormWidget form;
        form.resize(700, 500);
        form.show();
        QVERIFY(QTest::qWaitForWindowExposed(&form));
        form.setSpec(schemaOf(QStringLiteral("source-warehouse-db.json")));
        QWidget *host = form.editorAt(QStringLiteral("host"));
        QWidget *user = form.editorAt(QStringLiteral("username"));
        QVERIFY(host && user);
        QTRY_VERIFY(host->isVisibleTo(&form) && user->isVisibleTo(&form));
        QTest::qWait(50);
        QCOMPARE(user->mapTo(&form, QPoint(0, 0)).x(), host->mapTo(&form, QPoint(0, 0)).x());
    }

    void roundTripsEveryFixture_data()
    {
        QTest::addColumn<QString>("file");
        const QStringList files = QDir(specDir).entryList({QStringLiteral("*.json"), QStringLiteral("*.yaml")}, QDir::Files, QDir::Name);
        QVERIFY(files.size() >= 6);
        for (const QString &f : files)
            QTest::newRow(qPrintable(f)) << f;
    }

    void roundTripsEveryFixture()
    {
        QFETCH(QString, file);
        const QJsonObject schema = schemaOf(file);
        SpecFormWidget form;
        form.setSpec(schema);
        const QJsonObject sample = sampleOf(form.form());
        QVERIFY(!sample.isEmpty());
        auto problems = validateConfig(schema, sample);
        QVERIFY2(problems && problems->isEmpty(), problems ? qPrintable(problems->value(0).toString()) : "validation failed");

        form.setValue(sample);
        QCOMPARE(compact(form.value()), compact(sample));
        QCOMPARE(form.localProblems().size(), 0);

        // Every editor of every field shown has a name a screen reader reads, and a label or its own text.
        for (const SpecField *f : form.form().allFields()) {
            QWidget *editor = form.editorAt(f->path);
            if (f->hidden || !editor)
                continue;   // a branch not chosen
            QVERIFY2(!editor->accessibleName().isEmpty(), qPrintable(f->path));
        }
    }

    void defaultsFillTheFields()
    {
        SpecFormWidget form;
        form.setSpec(schemaOf(QStringLiteral("source-warehouse-db.json")));
        const QJsonObject v = form.value();
        QCOMPARE(v.value(u"port"), QJsonValue(5432));
        QCOMPARE(v.value(u"schemas"), QJsonValue(QJsonArray{QStringLiteral("public")}));
        QCOMPARE(v.value(u"ssl_mode").toObject().value(u"mode"), QJsonValue(QStringLiteral("disable")));
        QVERIFY(!v.contains(u"host"));   // empty fields are left out
        auto *port = qobject_cast<QLineEdit *>(form.editorAt(QStringLiteral("port")));
        QVERIFY(port);
        QCOMPARE(port->text(), QStringLiteral("5432"));
        auto *password = qobject_cast<QLineEdit *>(form.editorAt(QStringLiteral("password")));
        QVERIFY(password);
        QCOMPARE(password->echoMode(), QLineEdit::Password);
    }

    void groupsAndOrderAreHonoured()
    {
        const SpecForm form = SpecForm::read(schemaOf(QStringLiteral("source-warehouse-db.json")));
        QStringList titles;
        for (const SpecGroup &g : form.groups)
            titles << g.id + u'=' + g.title;
        QCOMPARE(titles, (QStringList{"db=", "auth=", "security=Security", "advanced=Advanced"}));
        QStringList keys;
        for (const SpecField &f : form.groups.first().fields)
            keys << f.key;
        QCOMPARE(keys, (QStringList{"host", "port", "database", "schemas"}));
        QCOMPARE(form.groups[2].fields.first().key, QStringLiteral("ssl_mode"));
    }

    void choosingABranchSwitchesItsFields()
    {
        SpecFormWidget form;
        form.setSpec(schemaOf(QStringLiteral("source-warehouse-db.json")));
        auto *choice = qobject_cast<QComboBox *>(form.editorAt(QStringLiteral("ssl_mode")));
        QVERIFY(choice);
        QCOMPARE(choice->count(), 3);
        QVERIFY(!form.editorAt(QStringLiteral("ssl_mode.ca_certificate")));
        choice->setCurrentIndex(2);   // verify-ca
        auto *ca = qobject_cast<QPlainTextEdit *>(form.editorAt(QStringLiteral("ssl_mode.ca_certificate")));
        QVERIFY(ca);
        ca->setPlainText(QStringLiteral("-----BEGIN CERTIFICATE-----"));
        const QJsonObject ssl = form.value().value(u"ssl_mode").toObject();
        QCOMPARE(ssl.value(u"mode"), QJsonValue(QStringLiteral("verify-ca")));
        QCOMPARE(ssl.value(u"ca_certificate"), QJsonValue(QStringLiteral("-----BEGIN CERTIFICATE-----")));
    }

    void unrenderableConstructsBecomeJsonEditors()
    {
        SpecFormWidget form;
        form.setSpec(schemaOf(QStringLiteral("unrenderable.json")));
        QCOMPARE(form.form().rawFieldCount(), 4);   // anyOf, patternProperties, $ref, a list of types
        auto *headers = qobject_cast<QPlainTextEdit *>(form.editorAt(QStringLiteral("headers")));
        QVERIFY(headers);
        QVERIFY2(headers->accessibleDescription().contains(QLatin1String("patternProperties")), qPrintable(headers->accessibleDescription()));
        headers->setPlainText(QStringLiteral("{\"X-a\": "));
        const QList<SpecProblem> local = form.localProblems();
        QCOMPARE(local.size(), 1);
        QCOMPARE(local.first().toString(), QStringLiteral("headers: is not valid JSON"));
        QVERIFY(!form.value().contains(u"headers"));
    }

    void problemsLandAtTheirField()
    {
        const QJsonObject schema = schemaOf(QStringLiteral("source-warehouse-db.json"));
        SpecFormWidget form;
        form.setSpec(schema);
        form.show();
        auto *choice = qobject_cast<QComboBox *>(form.editorAt(QStringLiteral("ssl_mode")));
        choice->setCurrentIndex(2);
        auto problems = validateConfig(schema, form.value());
        QVERIFY(problems);
        form.showProblems(*problems);
        QCOMPARE(form.problemAt(QStringLiteral("host")), QStringLiteral("required"));
        QCOMPARE(form.problemAt(QStringLiteral("ssl_mode.ca_certificate")), QStringLiteral("required"));
        QCOMPARE(form.problemAt(QStringLiteral("port")), QString());
        form.showProblems({SpecProblem{QStringLiteral("nowhere"), QStringLiteral("unknown field")}});
        const auto banners = form.findChildren<QLabel *>();
        const bool bannerShown = std::any_of(banners.begin(), banners.end(), [](QLabel *l) {
            return l->isVisible() && l->text().contains(QLatin1String("nowhere: unknown field"));
        });
        QVERIFY(bannerShown);
        QCOMPARE(form.problemAt(QStringLiteral("host")), QString());   // the earlier marks went
    }

    void keysTheFormDoesNotShowAreKept()
    {
        SpecFormWidget form;
        form.setSpec(schemaOf(QStringLiteral("source-rest-api.yaml")));
        QJsonObject v{{QStringLiteral("api_key"), QStringLiteral("**********")}, {QStringLiteral("start_date"), QStringLiteral("2024-01-01")},
                      {QStringLiteral("added_by_a_newer_connector"), QStringLiteral("keep me")}};
        form.setValue(v);
        const QJsonObject out = form.value();
        QCOMPARE(out.value(u"added_by_a_newer_connector"), QJsonValue(QStringLiteral("keep me")));
        QCOMPARE(out.value(u"api_key"), QJsonValue(QStringLiteral("**********")));   // the server's mask goes back as it came
    }
};

QTEST_MAIN(TestSpecForm)
#include "tst_specform.moc"
