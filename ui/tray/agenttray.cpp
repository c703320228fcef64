#include "agenttray.h"

#include <QAction>
#include <QApplication>
#include <QIcon>
#include <QLocale>
#include <QMenu>
#include <QStyle>
#include <QSystemTrayIcon>

namespace sluice {

namespace {

QString localTime(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms).toLocalTime();
    const bool today = t.date() == QDate::currentDate();
    return QLocale().toString(t, today ? QStringLiteral("HH:mm") : QStringLiteral("ddd d MMM HH:mm"));
}

} // namespace

AgentTray::AgentTray(QObject *parent) : QObject(parent)
{
    m_menu = new QMenu();
    m_icon = new QSystemTrayIcon(this);
    QIcon icon = QIcon::fromTheme(QStringLiteral("sluice"));
    if (icon.isNull())
        icon = qApp->style()->standardIcon(QStyle::SP_BrowserReload);
    m_icon->setIcon(icon);
    m_icon->setContextMenu(m_menu);
    rebuild();
}

AgentTray::~AgentTray()
{
    delete m_menu;
}

bool AgentTray::isAvailable()
{
    return QSystemTrayIcon::isSystemTrayAvailable();
}

void AgentTray::show()
{
    m_icon->show();
}

void AgentTray::setState(const QList<NextRun> &next, const QList<RunningRun> &running, bool paused)
{
    m_next = next;
    m_running = running;
    m_paused = paused;
    rebuild();
}

void AgentTray::setProblem(const QString &problem)
{
    m_problem = problem;
    rebuild();
}

QStringList AgentTray::menuTexts() const
{
    QStringList texts;
    for (const QAction *a : m_menu->actions())
        texts.append(a->isSeparator() ? QStringLiteral("---") : a->text());
    return texts;
}

void AgentTray::rebuild()
{
    m_menu->clear();
    auto heading = [this](const QString &text) {
        QAction *a = m_menu->addAction(text);
        a->setEnabled(false);
    };
    heading(m_paused ? tr("Scheduling paused") : tr("Next runs"));
    if (m_next.isEmpty())
        heading(tr("  (nothing scheduled)"));
    for (const NextRun &n : std::as_const(m_next))
        heading(QStringLiteral("  %1 — %2").arg(n.pipelineName, localTime(n.dueMs)));
    m_menu->addSeparator();
    heading(tr("Running now"));
    if (m_running.isEmpty())
        heading(tr("  (nothing)"));
    for (const RunningRun &r : std::as_const(m_running))
        heading(QStringLiteral("  %1 — since %2").arg(r.pipelineName, localTime(r.startedAtMs)));
    m_menu->addSeparator();
    QAction *pause = m_menu->addAction(m_paused ? tr("Resume scheduling") : tr("Pause scheduling"));
    connect(pause, &QAction::triggered, this, [this] { Q_EMIT pauseRequested(!m_paused); });
    QAction *open = m_menu->addAction(tr("Open Sluice"));
    connect(open, &QAction::triggered, this, &AgentTray::openSluiceRequested);
    QAction *quit = m_menu->addAction(tr("Quit"));
    connect(quit, &QAction::triggered, this, &AgentTray::quitRequested);

    QString tip = m_paused ? tr("Sluice agent — scheduling paused") : tr("Sluice agent");
    if (!m_running.isEmpty())
        tip += tr(" — %n run(s) in progress", nullptr, int(m_running.size()));
    if (!m_problem.isEmpty())
        tip += QLatin1Char('\n') + m_problem;
    m_icon->setToolTip(tip);
}

} // namespace sluice
