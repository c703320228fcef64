#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace sluice {

// The agent's tray icon and its menu: next runs (pipeline and local time), runs executing now,
// Pause/Resume scheduling, Open Sluice, Quit. It only shows what it is given and emits intents; the
// agent's composition root wires both (no store, no agent in here).
class AgentTray : public QObject
{
    Q_OBJECT
public:
    struct NextRun
    {
        QString pipelineName;
        qint64 dueMs = 0;       // UTC epoch ms, shown in local time
    };
    struct RunningRun
    {
        QString pipelineName;
        qint64 startedAtMs = 0;
    };

    explicit AgentTray(QObject *parent = nullptr);
    ~AgentTray() override;

    // Whether the desktop offers a system tray at all.
    [[nodiscard]] static bool isAvailable();

    void show();
    void setState(const QList<NextRun> &next, const QList<RunningRun> &running, bool paused);
    // A short message in the tooltip (e.g. the database is unreachable); empty clears it.
    void setProblem(const QString &problem);

    // What the menu shows now, one entry per line (for tests and accessibility).
    [[nodiscard]] QStringList menuTexts() const;
    // The context menu (its actions trigger the intents below).
    [[nodiscard]] QMenu *menu() const { return m_menu; }

Q_SIGNALS:
    void pauseRequested(bool paused);
    void openSluiceRequested();
    void quitRequested();

private:
    void rebuild();

    QSystemTrayIcon *m_icon = nullptr;
    QMenu *m_menu = nullptr;
    QList<NextRun> m_next;
    QList<RunningRun> m_running;
    QString m_problem;
    bool m_paused = false;
};

} // namespace sluice
