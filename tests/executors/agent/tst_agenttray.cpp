// The agent's tray menu (ui/tray/agenttray.h): what it shows and the intents it emits.
#include "tray/agenttray.h"

#include <QAction>
#include <QApplication>
#include <QLocale>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace sluice;

class tst_AgentTray : public QObject
{
    Q_OBJECT

    static QAction *action(const AgentTray &tray, const QString &text)
    {
        for (QAction *a : tray.menu()->actions())
            if (a->text() == text)
                return a;
        return nullptr;
    }

private Q_SLOTS:
    void showsNextAndRunningRuns()
    {
        AgentTray tray;
        QStringList texts = tray.menuTexts();
        QVERIFY(texts.contains(QStringLiteral("Next runs")));
        QVERIFY(texts.contains(QStringLiteral("  (nothing scheduled)")));
        QVERIFY(texts.contains(QStringLiteral("Pause scheduling")));

        const QDateTime due = QDateTime::currentDateTime().addSecs(3600);
        tray.setState({{QStringLiteral("nightly"), due.toMSecsSinceEpoch()}},
                      {{QStringLiteral("hourly"), QDateTime::currentMSecsSinceEpoch()}}, false);
        texts = tray.menuTexts();
        const QString when = QLocale().toString(due, due.date() == QDate::currentDate() ? QStringLiteral("HH:mm")
                                                                                        : QStringLiteral("ddd d MMM HH:mm"));
        QVERIFY2(texts.contains(QStringLiteral("  nightly — %1").arg(when)), qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(std::any_of(texts.cbegin(), texts.cend(), [](const QString &t) { return t.startsWith(QStringLiteral("  hourly — since ")); }));
        QVERIFY(!texts.contains(QStringLiteral("  (nothing)")));
    }

    void emitsIntents()
    {
        AgentTray tray;
        QSignalSpy pause(&tray, &AgentTray::pauseRequested);
        QSignalSpy open(&tray, &AgentTray::openSluiceRequested);
        QSignalSpy quit(&tray, &AgentTray::quitRequested);
        QAction *p = action(tray, QStringLiteral("Pause scheduling"));
        QVERIFY(p);
        p->trigger();
        QCOMPARE(pause.size(), 1);
        QCOMPARE(pause.first().first().toBool(), true);

        tray.setState({}, {}, true);
        QVERIFY(tray.menuTexts().contains(QStringLiteral("Scheduling paused")));
        QAction *r = action(tray, QStringLiteral("Resume scheduling"));
        QVERIFY(r);
        r->trigger();
        QCOMPARE(pause.size(), 2);
        QCOMPARE(pause.last().first().toBool(), false);

        action(tray, QStringLiteral("Open Sluice"))->trigger();
        action(tray, QStringLiteral("Quit"))->trigger();
        QCOMPARE(open.size(), 1);
        QCOMPARE(quit.size(), 1);
    }
};

QTEST_MAIN(tst_AgentTray)
#include "tst_agenttray.moc"
