#pragma once

#include "domain/docsview.h"

#include <QUrl>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;

namespace sluice {

// The Transform page's docs controls, beside its tabs: "Generate docs" (a `dbt docs generate` task run,
// its log shown in the Tasks tab) and "Open docs" (the site in the browser), with what the site is now
// or why a button cannot act (no project, no dbt, never generated). Only intents leave it; the URL to
// open comes from the DocsService. The browser is opened here, on the GUI thread, through the opener
// (QDesktopServices::openUrl unless a test sets another), after urlReady(url).
class DocsBar : public QWidget
{
    Q_OBJECT
public:
    using Opener = std::function<bool(const QUrl &)>;

    explicit DocsBar(QWidget *parent = nullptr);

    [[nodiscard]] QPushButton *generateButton() const { return m_generate; }
    [[nodiscard]] QPushButton *openButton() const { return m_open; }
    // What the site is, or why not (whole; the label may show it elided or as a headline, its tooltip
    // and accessible description whole).
    [[nodiscard]] QString statusText() const { return m_statusText; }
    void setOpener(Opener opener) { m_opener = std::move(opener); }

public Q_SLOTS:
    void showState(const sluice::DocsState &state);
    // Generate was sent and is running (busy: Generate off, "Generating…") / no longer.
    void setGenerating(bool generating);
    // The docs run ended (whatever its outcome; the log says how): not busy, and refreshRequested().
    void generationEnded();
    // A sentence for the user: why Generate or Open did not act (not busy any more).
    void showMessage(const QString &text);
    // The DocsService's answers, dropped when about another org than the state shown.
    void showRefusal(qint64 orgId, const QString &text);
    // Emits urlReady(url), then opens it in the browser.
    void openUrl(qint64 orgId, const QUrl &url);

Q_SIGNALS:
    void generateRequested();
    void openRequested();
    // What the docs are may have changed (a docs run ended): the state is wanted again.
    void refreshRequested();
    // The docs site about to be opened in the browser.
    void urlReady(const QUrl &url);

private:
    // Shows `text` (elided); `detail` (default: the text) is statusText(), the tooltip and description.
    void setStatus(const QString &text, const QString &detail = {});
    void updateButtons();

    QLabel *m_status;
    QPushButton *m_generate, *m_open;
    QString m_statusText;
    DocsState m_state;
    bool m_known = false;       // a state has been shown
    bool m_generating = false;
    Opener m_opener;
};

} // namespace sluice
