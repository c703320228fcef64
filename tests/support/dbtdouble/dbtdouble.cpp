// dbt double: replays real dbt 1.8.9 recordings (../shared/fixtures/dbt/recorded-1.8.9) by scenario.
//
// Environment:
//   SLUICE_DBT_DOUBLE_SCENARIO    ok | broken_sql | broken_jinja | failing_test | bad_conn | cli (default ok)
//   SLUICE_DBT_DOUBLE_RECORDINGS  the recorded-1.8.9 directory (default: compiled in)
//   SLUICE_DBT_DOUBLE_LINE_DELAY_MS  pause before each stdout line (to test progress and cancel)
//   SLUICE_DBT_DOUBLE_ARGV_FILE   if set, the argv received is appended to this file (one line, \x1f-separated)
//   SLUICE_DBT_DOUBLE_CHECK_PROFILE=1  check the profile as dbt would need it: <profiles-dir>/profiles.yml
//                                 exists, is 0600 in a 0700 directory, and every env_var('NAME') it
//                                 references is set (real dbt fails on a missing one)
//
// The command is matched on the dbt subcommand and its arguments, ignoring --log-format,
// --no-use-colors/--use-colors, --project-dir, --profiles-dir, --target/-t, --profile and their values.
// On a match it writes the recorded stdout (json recordings with --log-format json, text otherwise) and
// stderr byte for byte, copies the recorded target/ artifacts into <project-dir>/target/, and exits with
// the recorded code. No match: the recorded CLI-misuse answer (exit 2, dbt's usage error on stderr).
// It never writes text of its own except a diagnostic for its own misconfiguration (exit 97).
//
// `docs generate` also does what dbt does beside its recorded output (the recordings keep target/'s JSON
// files only): on success it writes target/index.html — a small stand-in for dbt-docs's page that, like
// it, fetches manifest.json and catalog.json and holds dbt's two inline-data markers — and with
// `--static` (dbt 1.7+; the double is 1.8.9) target/static_index.html, that page with the markers
// replaced by the manifest and the catalog, as dbt's GenerateTask writes it.

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

#include <cstdio>
#include <sys/stat.h>
#include <unistd.h>

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n <= 0)
            return;
        done += n;
    }
}

[[noreturn]] void die(const QString &message)
{
    writeAll(2, ("dbt double: " + message + "\n").toUtf8());
    std::_Exit(97);
}

struct Command {
    QStringList words;   // subcommand and its own arguments
    QString logFormat;   // value of --log-format, if any
    QString projectDir;
    QString profilesDir;
};

Command normalise(const QStringList &argv)
{
    static const QStringList valued = {QStringLiteral("--log-format"), QStringLiteral("--project-dir"),
                                       QStringLiteral("--profiles-dir"), QStringLiteral("--target"),
                                       QStringLiteral("-t"), QStringLiteral("--profile"),
                                       QStringLiteral("--log-format-file")};
    static const QStringList switches = {QStringLiteral("--no-use-colors"), QStringLiteral("--use-colors")};
    Command c;
    for (qsizetype i = 0; i < argv.size(); ++i) {
        QString word = argv.at(i);
        QString value;
        const qsizetype eq = word.indexOf(QLatin1Char('='));
        if (word.startsWith(QLatin1String("--")) && eq > 0 && valued.contains(word.left(eq))) {
            value = word.mid(eq + 1);
            word = word.left(eq);
        } else if (valued.contains(word)) {
            value = argv.value(++i);
        } else if (switches.contains(word)) {
            continue;
        } else {
            c.words.append(word);
            continue;
        }
        if (word == QLatin1String("--log-format"))
            c.logFormat = value;
        else if (word == QLatin1String("--project-dir"))
            c.projectDir = value;
        else if (word == QLatin1String("--profiles-dir"))
            c.profilesDir = value;
    }
    return c;
}

// A recorded .cmd file ("dbt --log-format json run --select customers") → the normalised words.
QStringList recordedWords(const QString &cmdFile)
{
    QStringList words = QString::fromUtf8(readFile(cmdFile)).simplified().split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (!words.isEmpty() && words.first() == QLatin1String("dbt"))
        words.removeFirst();
    return normalise(words).words;
}

void copyArtifacts(const QString &from, const QString &projectDir)
{
    if (!QFileInfo(from).isDir())
        return;
    const QString target = QDir(projectDir).absoluteFilePath(QStringLiteral("target"));
    if (!QDir().mkpath(target))
        die(QStringLiteral("cannot create ") + target);
    const QStringList files = QDir(from).entryList(QDir::Files);
    for (const QString &name : files) {
        const QString dest = target + QLatin1Char('/') + name;
        QFile out(dest);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            die(QStringLiteral("cannot write ") + dest);
        out.write(readFile(from + QLatin1Char('/') + name));
    }
}

void checkProfile(const QString &profilesDir)
{
    const QString file = profilesDir + QStringLiteral("/profiles.yml");
    struct stat st {};
    if (profilesDir.isEmpty() || ::stat(QFile::encodeName(file).constData(), &st) != 0)
        die(QStringLiteral("no profiles.yml in --profiles-dir \"%1\"").arg(profilesDir));
    if ((st.st_mode & 0777) != 0600)
        die(QStringLiteral("%1 has mode %2, not 0600").arg(file).arg(st.st_mode & 0777, 0, 8));
    if (::stat(QFile::encodeName(profilesDir).constData(), &st) != 0 || (st.st_mode & 0777) != 0700)
        die(QStringLiteral("%1 is not a 0700 directory").arg(profilesDir));
    static const QRegularExpression ref(QStringLiteral("env_var\\('([^']+)'\\)"));
    auto it = ref.globalMatch(QString::fromUtf8(readFile(file)));
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (qEnvironmentVariable(name.toUtf8().constData()).isEmpty())
            die(QStringLiteral("profiles.yml references env_var('%1'), which is not set").arg(name));
    }
}

int replay(const QString &base, const QString &artifacts, const QString &projectDir)
{
    const QByteArray out = readFile(base + QStringLiteral(".stdout"));
    const QByteArray err = readFile(base + QStringLiteral(".stderr"));
    bool ok = false;
    const int rc = readFile(base + QStringLiteral(".rc")).trimmed().toInt(&ok);
    if (!ok)
        die(QStringLiteral("no exit code recorded at ") + base + QStringLiteral(".rc"));
    const int delayMs = qEnvironmentVariableIntValue("SLUICE_DBT_DOUBLE_LINE_DELAY_MS");
    qsizetype pos = 0;
    while (pos < out.size()) {
        qsizetype end = out.indexOf('\n', pos);
        end = end < 0 ? out.size() : end + 1;
        if (delayMs > 0)
            QThread::msleep(ulong(delayMs));
        writeAll(1, out.mid(pos, end - pos));
        pos = end;
    }
    writeAll(2, err);
    if (!artifacts.isEmpty())
        copyArtifacts(artifacts, projectDir);
    return rc;
}

// dbt-docs's index.html fetches these two files, or, in static_index.html, has them inline.
const QByteArray kDocsIndex = QByteArrayLiteral(
    "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>dbt Docs</title></head>\n"
    "<body><div id=\"app\">dbt Docs (stand-in written by the dbt double)</div>\n<script>\n"
    "var inlined = {manifest: \"MANIFEST.JSON INLINE DATA\", catalog: \"CATALOG.JSON INLINE DATA\"};\n"
    "function load(name, file) { return typeof inlined[name] === 'object' ? Promise.resolve(inlined[name])\n"
    "                                   : fetch(file).then(function (r) { return r.json(); }); }\n"
    "Promise.all([load('manifest', 'manifest.json'), load('catalog', 'catalog.json')]);\n"
    "</script></body></html>\n");

void writeDocs(const QString &projectDir, bool staticSite)
{
    const QString target = QDir(projectDir).absoluteFilePath(QStringLiteral("target"));
    QFile index(target + QStringLiteral("/index.html"));
    if (!index.open(QIODevice::WriteOnly | QIODevice::Truncate))
        die(QStringLiteral("cannot write ") + index.fileName());
    index.write(kDocsIndex);
    index.close();
    if (!staticSite)
        return;
    QByteArray page = kDocsIndex;
    page.replace("\"MANIFEST.JSON INLINE DATA\"", readFile(target + QStringLiteral("/manifest.json")));
    page.replace("\"CATALOG.JSON INLINE DATA\"", readFile(target + QStringLiteral("/catalog.json")));
    QFile out(target + QStringLiteral("/static_index.html"));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
        die(QStringLiteral("cannot write ") + out.fileName());
    out.write(page);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QStringList args = app.arguments();
    args.removeFirst();

    if (const QString argvFile = qEnvironmentVariable("SLUICE_DBT_DOUBLE_ARGV_FILE"); !argvFile.isEmpty()) {
        QFile f(argvFile);
        if (f.open(QIODevice::Append))
            f.write(args.join(QChar(0x1f)).toUtf8() + '\n');
    }

    const QString recordings = qEnvironmentVariable("SLUICE_DBT_DOUBLE_RECORDINGS", QStringLiteral(SLUICE_DBT_RECORDINGS));
    const QString scenario = qEnvironmentVariable("SLUICE_DBT_DOUBLE_SCENARIO", QStringLiteral("ok"));
    const QString fixtures = recordings + QStringLiteral("/fixtures/");
    if (!QFileInfo(fixtures + scenario).isDir())
        die(QStringLiteral("no recorded scenario \"%1\" in %2").arg(scenario, fixtures));

    Command command = normalise(args);
    const bool docs = command.words.mid(0, 2) == QStringList{QStringLiteral("docs"), QStringLiteral("generate")};
    const bool staticDocs = docs && command.words.removeAll(QStringLiteral("--static")) > 0;
    if (qEnvironmentVariable("SLUICE_DBT_DOUBLE_CHECK_PROFILE") == QLatin1String("1"))
        checkProfile(command.profilesDir);
    const QString projectDir = command.projectDir.isEmpty() ? QDir::currentPath() : command.projectDir;
    const QString cli = fixtures + QStringLiteral("cli/");

    // The recorded CLI answers that do not depend on a scenario's project.
    if (command.words == QStringList{QStringLiteral("--version")})
        return replay(cli + QStringLiteral("version"), {}, projectDir);
    if (scenario == QLatin1String("cli") && command.words == QStringList{QStringLiteral("run"), QStringLiteral("--select"), QStringLiteral("does_not_exist")})
        return replay(cli + QStringLiteral("select_nothing"), {}, projectDir);

    const QString format = command.logFormat == QLatin1String("json") ? QStringLiteral("json") : QStringLiteral("text");
    QDirIterator it(fixtures + scenario + QLatin1Char('/') + format, {QStringLiteral("*.cmd")}, QDir::Files);
    while (it.hasNext()) {
        const QString cmdFile = it.next();
        if (recordedWords(cmdFile) != command.words)
            continue;
        const QString name = QFileInfo(cmdFile).completeBaseName();
        const QString artifacts = recordings + QStringLiteral("/artifacts/%1/json/%2").arg(scenario, name);
        const int rc = replay(cmdFile.chopped(4), artifacts, projectDir);
        if (docs && rc == 0)
            writeDocs(projectDir, staticDocs);
        return rc;
    }
    return replay(cli + QStringLiteral("badcmd"), {}, projectDir);
}
