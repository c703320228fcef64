#include "docsbar.h"

#include <QDesktopServices>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>

namespace sluice {

namespace {
constexpr int kStatusWidth = 360;   // the status is elided to this; the tab bar beside it keeps its room
}

DocsBar::DocsBar(QWidget *parent)
    : QWidget(parent), m_status(new QLabel(this)), m_generate(new QPushButton(tr("Gene&rate docs"), this)),
      m_open(new QPushButton(tr("Open do&cs"), this)), m_opener([](const QUrl &url) { return QDesktopServices::openUrl(url); })
{
    m_status->setAccessibleName(tr("Docs status"));
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_generate->setAccessibleName(tr("Generate docs"));
    m_open->setAccessibleName(tr("Open docs"));
    auto *row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_status);
    row->addWidget(m_generate);
    row->addWidget(m_open);
    setAccessibleName(tr("dbt docs"));
    connect(m_generate, &QPushButton::clicked, this, [this] {
        if (!m_generate->isEnabled())
            return;
        setGenerating(true);
        Q_EMIT generateRequested();
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (m_open->isEnabled())
            Q_EMIT openRequested();
    });
    setStatus(tr("Docs: loading…"));
    updateButtons();
}

void DocsBar::showState(const DocsState &state)
{
    m_state = state;
    m_known = true;
    if (m_generating)
        return; // "Generating…" stays until the run ends
    if (!state.generateProblem.isEmpty() && !state.openProblem.isEmpty())
        // The project card above already says what is missing (no project, checkout or dbt) with the
        // fix: here a headline, the reason whole in the tooltip and the accessible description.
        setStatus(tr("No docs yet: set up the project above first"), state.generateProblem);
    else if (!state.openProblem.isEmpty())
        setStatus(state.openProblem);
    else
        setStatus(state.opensStatic ? tr("Docs of %1 (one static file)").arg(QLocale().toString(state.generatedAt, QLocale::ShortFormat))
                                    : tr("Docs of %1 (served on 127.0.0.1)").arg(QLocale().toString(state.generatedAt, QLocale::ShortFormat)));
    updateButtons();
}

void DocsBar::setGenerating(bool generating)
{
    m_generating = generating;
    if (generating)
        setStatus(m_state.staticSite ? tr("Generating docs (--static)…") : tr("Generating docs…"));
    else if (m_known)
        showState(m_state);
    updateButtons();
}

void DocsBar::generationEnded()
{
    setGenerating(false);
    Q_EMIT refreshRequested();
}

void DocsBar::showRefusal(qint64 orgId, const QString &text)
{
    if (orgId == m_state.orgId)
        showMessage(text);
}

void DocsBar::showMessage(const QString &text)
{
    m_generating = false;
    setStatus(text);
    updateButtons();
}

void DocsBar::openUrl(qint64 orgId, const QUrl &url)
{
    if (orgId != m_state.orgId)
        return;
    Q_EMIT urlReady(url);
    if (m_opener && !m_opener(url))
        setStatus(tr("Could not start a browser; open %1 yourself.").arg(url.toString()));
}

void DocsBar::setStatus(const QString &text, const QString &detail)
{
    m_statusText = detail.isEmpty() ? text : detail;
    m_status->setText(m_status->fontMetrics().elidedText(text, Qt::ElideRight, kStatusWidth));
    m_status->setToolTip(m_statusText);
    m_status->setAccessibleDescription(m_statusText);
}

void DocsBar::updateButtons()
{
    m_generate->setEnabled(m_known && !m_generating && m_state.generateProblem.isEmpty());
    m_open->setEnabled(m_known && m_state.openProblem.isEmpty());
    m_generate->setToolTip(m_state.generateProblem.isEmpty()
                               ? (m_state.staticSite ? tr("Run dbt docs generate --static for this org's project (Alt+R); its log shows in the Tasks tab")
                                                     : tr("Run dbt docs generate for this org's project (Alt+R); its log shows in the Tasks tab"))
                               : m_state.generateProblem);
    m_open->setToolTip(m_state.openProblem.isEmpty() ? tr("Open the project's docs site in the browser (Alt+C)") : m_state.openProblem);
}

} // namespace sluice
