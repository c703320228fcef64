#include "dbt/dbtdebug.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace sluice {

namespace {

QString plain(QString line)
{
    static const QRegularExpression ansi(QStringLiteral("\x1b\\[[0-9;]*[A-Za-z]"));
    static const QRegularExpression stamp(QStringLiteral("^\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?  "));
    line.remove(ansi);
    line.remove(stamp);
    return line;
}

struct Rule {
    DbtDebugReport::Failure failure;
    QRegularExpression pattern;
};

// Adapter error texts (psycopg2/libpq for postgres and redshift, the Snowflake connector, google-auth
// and BigQuery, databricks-sql, DuckDB), most specific first: "role does not exist" is the user, not
// the database; an unresolvable host is not a refused connection.
const QList<Rule> &rules()
{
    using F = DbtDebugReport::Failure;
    const auto ci = QRegularExpression::CaseInsensitiveOption;
    static const QList<Rule> list = {
        {F::HostNotFound, QRegularExpression(QStringLiteral("could not translate host name|name or service not known|nodename nor servname|"
                                                            "temporary failure in name resolution|no address associated with hostname|"
                                                            "getaddrinfo failed|could not resolve host"), ci)},
        {F::AuthenticationFailed, QRegularExpression(QStringLiteral("password authentication failed|authentication failed|"
                                                                    "incorrect username or password|invalid username or password|"
                                                                    "role \"[^\"]*\" does not exist|invalid_grant|invalid jwt|"
                                                                    "invalid access token|invalid credentials|unauthori[sz]ed|"
                                                                    "no pg_hba\\.conf entry|\\b401\\b|permission denied for database|"
                                                                    "role '[^']*' specified in the connect string does not exist or not authorized|"
                                                                    "user (temporarily )?locked"), ci)},
        {F::UnknownDatabase, QRegularExpression(QStringLiteral("database \"[^\"]*\" does not exist|database '[^']*' does not exist|"
                                                               "unknown database|not found: (project|dataset)|catalog '[^']*' not found|"
                                                               "no such catalog|cannot open (database )?file|does not exist or not authorized"), ci)},
        {F::Ssl, QRegularExpression(QStringLiteral("\\bssl\\b|certificate verify failed|\\btls\\b"), ci)},
        {F::Timeout, QRegularExpression(QStringLiteral("timeout expired|timed out|time-out"), ci)},
        {F::ConnectionRefused, QRegularExpression(QStringLiteral("connection refused|could not connect to server|"
                                                                 "server closed the connection|connection reset|network is unreachable|"
                                                                 "no route to host"), ci)},
    };
    return list;
}

DbtDebugReport::Failure classify(const QString &check, const QString &text)
{
    using F = DbtDebugReport::Failure;
    const QString c = check.toLower();
    if (c.startsWith(QLatin1String("profiles.yml")))
        return F::Profile;
    if (c.startsWith(QLatin1String("dbt_project.yml")))
        return F::Project;
    if (c == QLatin1String("git"))
        return F::Git;
    for (const Rule &r : rules()) {
        if (r.pattern.match(text).hasMatch())
            return r.failure;
    }
    return F::Other;
}

} // namespace

QString DbtDebugReport::failureName(Failure f)
{
    switch (f) {
    case Failure::None: return QCoreApplication::translate("DbtDebug", "all checks passed");
    case Failure::ConnectionRefused: return QCoreApplication::translate("DbtDebug", "connection refused");
    case Failure::HostNotFound: return QCoreApplication::translate("DbtDebug", "host not found");
    case Failure::Timeout: return QCoreApplication::translate("DbtDebug", "timed out");
    case Failure::AuthenticationFailed: return QCoreApplication::translate("DbtDebug", "authentication failed");
    case Failure::UnknownDatabase: return QCoreApplication::translate("DbtDebug", "unknown database");
    case Failure::Ssl: return QCoreApplication::translate("DbtDebug", "SSL refused");
    case Failure::Profile: return QCoreApplication::translate("DbtDebug", "profile refused");
    case Failure::Project: return QCoreApplication::translate("DbtDebug", "dbt project invalid");
    case Failure::Git: return QCoreApplication::translate("DbtDebug", "git missing");
    case Failure::Other: return QCoreApplication::translate("DbtDebug", "check failed");
    case Failure::DidNotRun: return QCoreApplication::translate("DbtDebug", "dbt debug did not run");
    }
    return {};
}

QString DbtDebugReport::summary() const
{
    const auto tr = [](const char *s) { return QCoreApplication::translate("DbtDebug", s); };
    switch (failure) {
    case Failure::None:
        return tr("All checks passed: dbt reached the warehouse.");
    case Failure::ConnectionRefused:
        return tr("%1 failed — connection refused: nothing answers at the host and port. Check them, and that the server "
                  "runs and accepts connections from this machine.").arg(failedCheck);
    case Failure::HostNotFound:
        return tr("%1 failed — host not found: the host name does not resolve. Check its spelling.").arg(failedCheck);
    case Failure::Timeout:
        return tr("%1 failed — timed out: the server did not answer. Check the host, the port and any firewall.").arg(failedCheck);
    case Failure::AuthenticationFailed:
        return tr("%1 failed — authentication failed: the warehouse refused the user or its secret. Check the user and "
                  "type the password (or token, or key) again.").arg(failedCheck);
    case Failure::UnknownDatabase:
        return tr("%1 failed — unknown database: the warehouse has no such database (or the user may not use it). "
                  "Check its name.").arg(failedCheck);
    case Failure::Ssl:
        return tr("%1 failed — SSL refused: the server and the SSL settings disagree. Check the SSL mode and certificates.").arg(failedCheck);
    case Failure::Profile:
        return tr("dbt refused the profile Sluice wrote for these settings: %1").arg(errorText);
    case Failure::Project:
        return tr("dbt cannot read the project's dbt_project.yml: check the workspace's project folder. %1").arg(errorText);
    case Failure::Git:
        return tr("dbt needs git and cannot find it: install git.");
    case Failure::Other:
        return failedCheck.isEmpty() ? tr("dbt debug failed: %1").arg(errorText)
                                     : tr("%1 failed: %2").arg(failedCheck, errorText);
    case Failure::DidNotRun:
        return tr("dbt debug printed no checks: %1").arg(errorText.isEmpty() ? tr("it did not run") : errorText);
    }
    return {};
}

DbtDebugReport parseDbtDebug(const QStringList &lines, int exitCode)
{
    // "  Connection test: [OK connection ok]", " - git [OK found]", "  profiles.yml file [ERROR invalid]"
    static const QRegularExpression checkLine(QStringLiteral("^\\s*(?:-\\s+)?(.+?):?\\s*\\[(OK|ERROR|WARNING|WARN)\\s*([^\\]]*)\\]\\s*$"));
    static const QRegularExpression failedLine(QStringLiteral("^\\s*\\d+ checks? failed:?\\s*$"));
    DbtDebugReport r;
    QStringList explanation;
    bool inExplanation = false;
    for (const QString &raw : lines) {
        for (const QString &part : raw.split(QLatin1Char('\n'))) {
            const QString line = plain(part);
            if (inExplanation) {
                explanation << line;
                continue;
            }
            if (line.trimmed().startsWith(QLatin1String("All checks passed"))) {
                r.allPassed = true;
                continue;
            }
            if (failedLine.match(line).hasMatch()) {
                inExplanation = true;
                continue;
            }
            const auto m = checkLine.match(line);
            if (!m.hasMatch())
                continue;
            DbtDebugCheck c;
            c.name = m.captured(1).trimmed();
            c.ok = m.captured(2) != QLatin1String("ERROR");
            c.detail = m.captured(3).trimmed();
            if (!c.ok && r.failedCheck.isEmpty())
                r.failedCheck = c.name;
            r.checks << c;
        }
    }
    while (!explanation.isEmpty() && explanation.last().trimmed().isEmpty())
        explanation.removeLast();
    while (!explanation.isEmpty() && explanation.first().trimmed().isEmpty())
        explanation.removeFirst();
    r.errorText = explanation.join(QLatin1Char('\n'));
    // The connection is what a person tests: when it failed, it is the check named (a missing git beside it
    // is listed among the checks).
    for (const DbtDebugCheck &c : std::as_const(r.checks))
        if (!c.ok && c.name.startsWith(QLatin1String("Connection test")))
            r.failedCheck = c.name;
    if (exitCode == 0 && r.failedCheck.isEmpty() && (r.allPassed || !r.checks.isEmpty())) {
        r.failure = DbtDebugReport::Failure::None;
        return r;
    }
    if (r.checks.isEmpty() && r.failedCheck.isEmpty() && !inExplanation) {
        r.failure = DbtDebugReport::Failure::DidNotRun;
        return r;
    }
    r.failure = classify(r.failedCheck, r.errorText);
    return r;
}

} // namespace sluice
