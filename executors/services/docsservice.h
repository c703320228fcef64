#pragma once

#include "domain/docsview.h"
#include "store/dburl.h"

#include <QHash>
#include <QObject>
#include <QUrl>

#include <memory>

namespace sluice {

class Database;
class DocsServer;

// The chosen org's dbt docs site (issue 11 §2.7), for the Transform page. It lives on the Transform
// page's service thread beside the TransformService, with a connection of its own: the two share no
// state (the docs need the workspace and one task, nothing of the manifest or the change feed), and the
// docs servers it starts must run off the GUI thread and stop with the desktop's services — which that
// thread's end already does (this object and its servers are deleted there). Every slot is meant to be
// invoked through a queued connection; every answer is a signal carrying the org it is about.
// - showOrg(orgId) / refresh(): docsShown(state) — whether Generate can run (a dbt project with a
//   checkout and a dbt executable; else why not, with the fix), whether there is anything to open (else
//   "generate first"), and which way it will be generated and opened.
// - generate(): finds the org's dbt-docs-generate task whose flags are what its dbt needs — --static
//   when DbtWorkspace::dbtVersion is 1.7 or newer, none otherwise or when the version is unknown — or
//   creates one (OrgTaskStore: validated, audited; label "Docs site"); docsTaskReady(orgId, uuid). The
//   caller runs it as any task is executed (RunService::requestTaskRun, through the page, so its log
//   shows there). docsRefused(orgId, why) when it cannot.
// - open(): docsReady(orgId, url): target/static_index.html as a file:// URL when it is current (see
//   locateDocs), else http://127.0.0.1:PORT/index.html from a DocsServer over target/ — one per folder,
//   started on first use and kept for the next Open; docsRefused(orgId, why) when there is nothing yet.
class DocsService : public QObject
{
    Q_OBJECT
public:
    DocsService(DbUrl url, QString actor, QObject *parent = nullptr);
    ~DocsService() override;

    // The servers started so far (for tests): one per target folder.
    [[nodiscard]] int serverCount() const { return int(m_servers.size()); }

public Q_SLOTS:
    void start();
    void showOrg(qint64 orgId);
    void refresh();
    void generate();
    void open();

Q_SIGNALS:
    void docsShown(const sluice::DocsState &state);
    void docsTaskReady(qint64 orgId, const QString &orgTaskUuid);
    void docsReady(qint64 orgId, const QUrl &url);
    void docsRefused(qint64 orgId, const QString &message);
    void problem(const QString &message);

private:
    struct Reading
    {
        DocsState state;
        QString targetDir;
        QString dbtVersion;
    };
    [[nodiscard]] std::optional<Reading> read();
    // read() for generate() and open(): docsRefused while the store is not open or no org is chosen.
    [[nodiscard]] std::optional<Reading> readForRequest();
    DocsServer *serverFor(const QString &targetDir);

    DbUrl m_url;
    QString m_actor;
    std::unique_ptr<Database> m_db;
    qint64 m_orgId = 0;
    QHash<QString, DocsServer *> m_servers;   // canonical target folder -> its server (children of this)
};

} // namespace sluice
