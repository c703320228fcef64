#include "pages/ingest/warehousetab.h"

#include "airbyte/specform.h"
#include "dbt/profileswriter.h"
#include "widgets/emptystate.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QStackedLayout>
#include <QVBoxLayout>

namespace sluice {

namespace {

// What a person calls each profile setting; a key not listed is shown as its words ("Query tag").
QString labelFor(const QString &type, const QString &key)
{
    static const QHash<QString, const char *> labels = {
        {QStringLiteral("host"), QT_TRANSLATE_NOOP("WarehouseTab", "Host")},
        {QStringLiteral("port"), QT_TRANSLATE_NOOP("WarehouseTab", "Port")},
        {QStringLiteral("user"), QT_TRANSLATE_NOOP("WarehouseTab", "User")},
        {QStringLiteral("dbname"), QT_TRANSLATE_NOOP("WarehouseTab", "Database")},
        {QStringLiteral("database"), QT_TRANSLATE_NOOP("WarehouseTab", "Database")},
        {QStringLiteral("schema"), QT_TRANSLATE_NOOP("WarehouseTab", "Schema")},
        {QStringLiteral("threads"), QT_TRANSLATE_NOOP("WarehouseTab", "Threads")},
        {QStringLiteral("keepalives_idle"), QT_TRANSLATE_NOOP("WarehouseTab", "Keepalives idle (s)")},
        {QStringLiteral("connect_timeout"), QT_TRANSLATE_NOOP("WarehouseTab", "Connect timeout (s)")},
        {QStringLiteral("retries"), QT_TRANSLATE_NOOP("WarehouseTab", "Retries")},
        {QStringLiteral("connect_retries"), QT_TRANSLATE_NOOP("WarehouseTab", "Connect retries")},
        {QStringLiteral("search_path"), QT_TRANSLATE_NOOP("WarehouseTab", "Search path")},
        {QStringLiteral("role"), QT_TRANSLATE_NOOP("WarehouseTab", "Role")},
        {QStringLiteral("sslmode"), QT_TRANSLATE_NOOP("WarehouseTab", "SSL mode")},
        {QStringLiteral("sslcert"), QT_TRANSLATE_NOOP("WarehouseTab", "Client certificate file")},
        {QStringLiteral("sslkey"), QT_TRANSLATE_NOOP("WarehouseTab", "Client key file")},
        {QStringLiteral("sslrootcert"), QT_TRANSLATE_NOOP("WarehouseTab", "Root certificate file")},
        {QStringLiteral("account"), QT_TRANSLATE_NOOP("WarehouseTab", "Account")},
        {QStringLiteral("warehouse"), QT_TRANSLATE_NOOP("WarehouseTab", "Compute warehouse")},
        {QStringLiteral("project"), QT_TRANSLATE_NOOP("WarehouseTab", "Project")},
        {QStringLiteral("dataset"), QT_TRANSLATE_NOOP("WarehouseTab", "Dataset")},
        {QStringLiteral("location"), QT_TRANSLATE_NOOP("WarehouseTab", "Location")},
        {QStringLiteral("priority"), QT_TRANSLATE_NOOP("WarehouseTab", "Priority")},
        {QStringLiteral("http_path"), QT_TRANSLATE_NOOP("WarehouseTab", "HTTP path")},
        {QStringLiteral("catalog"), QT_TRANSLATE_NOOP("WarehouseTab", "Catalog")},
        {QStringLiteral("path"), QT_TRANSLATE_NOOP("WarehouseTab", "Database file")},
        {QStringLiteral("method"), QT_TRANSLATE_NOOP("WarehouseTab", "Authentication method")},
        {QStringLiteral("private_key_path"), QT_TRANSLATE_NOOP("WarehouseTab", "Private key file (key-pair sign-in)")},
    };
    if (type == QLatin1String("duckdb") && key == QLatin1String("schema"))
        return QCoreApplication::translate("WarehouseTab", "Schema");
    if (const char *l = labels.value(key))
        return QCoreApplication::translate("WarehouseTab", l);
    return humanisedKey(key);
}

QString typeTitle(const QString &type)
{
    static const QHash<QString, QString> titles = {
        {QStringLiteral("postgres"), QStringLiteral("PostgreSQL")}, {QStringLiteral("bigquery"), QStringLiteral("BigQuery")},
        {QStringLiteral("snowflake"), QStringLiteral("Snowflake")}, {QStringLiteral("redshift"), QStringLiteral("Redshift")},
        {QStringLiteral("duckdb"), QStringLiteral("DuckDB")}, {QStringLiteral("databricks"), QStringLiteral("Databricks")}};
    return titles.value(type, type);
}

bool isFileKey(const QString &type, const QString &key)
{
    return key == QLatin1String("sslcert") || key == QLatin1String("sslkey") || key == QLatin1String("sslrootcert")
        || key == QLatin1String("private_key_path") || (type == QLatin1String("duckdb") && key == QLatin1String("path"));
}

// The choices of a text setting that has a fixed set (empty: free text).
QStringList choicesFor(const QString &type, const QString &key)
{
    if (key == QLatin1String("sslmode"))
        return {QString(), QStringLiteral("disable"), QStringLiteral("allow"), QStringLiteral("prefer"), QStringLiteral("require"),
                QStringLiteral("verify-ca"), QStringLiteral("verify-full")};
    if (key == QLatin1String("priority"))
        return {QString(), QStringLiteral("interactive"), QStringLiteral("batch")};
    if (type == QLatin1String("redshift") && key == QLatin1String("method"))
        return {QString(), QStringLiteral("database"), QStringLiteral("iam")};
    return {};
}

// Number settings that can pass an int (bytes): typed as digits rather than in a spin box.
bool isLarge(const QString &key) { return key.contains(QLatin1String("bytes")); }

// Settings a person sets up first; the others go under "More settings".
bool isMain(const ProfileField &f)
{
    static const QStringList common = {QStringLiteral("port"), QStringLiteral("role"), QStringLiteral("location"),
                                       QStringLiteral("catalog"), QStringLiteral("sslmode"), QStringLiteral("private_key_path")};
    return f.required || common.contains(f.key);
}

} // namespace

WarehouseTab::WarehouseTab(QWidget *parent) : QWidget(parent)
{
    m_empty = new EmptyState(tr("Choose an org"), tr("The warehouse of the org chosen above is set up here."), this);

    auto *form = new QWidget(this);
    m_type = new QComboBox(form);
    for (const QString &t : WarehouseStore::types())
        m_type->addItem(typeTitle(t), t);
    m_type->setAccessibleName(tr("Warehouse type"));
    auto *typeLabel = new QLabel(tr("&Type:"), form);
    typeLabel->setBuddy(m_type);

    auto *mainBox = new QGroupBox(tr("Connection"), form);
    m_main = new QFormLayout(mainBox);
    auto *showAdvanced = new QCheckBox(tr("Show &more settings (timeouts, retries, threads, …)"), form);
    showAdvanced->setToolTip(tr("The other settings dbt's adapter takes"));
    m_advancedBox = new QGroupBox(tr("More settings"), form);
    m_advanced = new QFormLayout(m_advancedBox);
    m_advancedBox->setVisible(false);
    connect(showAdvanced, &QCheckBox::toggled, m_advancedBox, &QWidget::setVisible);

    auto *secretBox = new QGroupBox(tr("Secret (kept only in the system keychain)"), form);
    auto *secretForm = new QFormLayout(secretBox);
    m_secret = new QLineEdit(secretBox);
    m_secret->setEchoMode(QLineEdit::Password);
    m_secretLabel = new QLabel(tr("&Password:"), secretBox);
    m_secretLabel->setBuddy(m_secret);
    secretForm->addRow(m_secretLabel, m_secret);
    auto *keyRow = new QWidget(secretBox);
    m_key = new QPlainTextEdit(keyRow);
    m_key->setAccessibleName(tr("Service-account key (JSON)"));
    m_key->setPlaceholderText(tr("Paste the service account's JSON key, or choose the file"));
    m_key->setTabChangesFocus(true);
    m_key->setMaximumHeight(m_key->fontMetrics().lineSpacing() * 6);
    m_chooseKey = new QPushButton(tr("C&hoose key file…"), keyRow);
    auto *keyLayout = new QHBoxLayout(keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    keyLayout->addWidget(m_key, 1);
    keyLayout->addWidget(m_chooseKey, 0, Qt::AlignTop);
    auto *keyLabel = new QLabel(tr("Service-account &key:"), secretBox);
    keyLabel->setBuddy(m_key);
    secretForm->addRow(keyLabel, keyRow);
    m_noSecret = new QCheckBox(tr("Reached &without a secret"), secretBox);
    secretForm->addRow(QString(), m_noSecret);

    m_test = new QPushButton(tr("&Test"), form);
    m_test->setToolTip(tr("Run dbt debug against what is typed here, through the workspace's dbt (Ctrl+T)"));
    m_test->setShortcut(QKeySequence(tr("Ctrl+T")));
    m_save = new QPushButton(tr("&Save"), form);
    m_save->setToolTip(tr("Store the warehouse (its secret in the keychain) and make its Airbyte destination match (Ctrl+S)"));
    m_save->setShortcut(QKeySequence::Save);
    m_revert = new QPushButton(tr("&Revert"), form);
    m_revert->setToolTip(tr("Forget what was typed and show the saved warehouse"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_test);
    buttons->addWidget(m_save);
    buttons->addWidget(m_revert);
    buttons->addStretch(1);

    m_status = new QLabel(form);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setAccessibleName(tr("Warehouse status"));
    m_result = new QLabel(form);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_result->setAccessibleName(tr("Test result"));
    m_output = new QPlainTextEdit(form);
    m_output->setReadOnly(true);
    m_output->setAccessibleName(tr("dbt debug output"));
    m_output->setVisible(false);
    m_output->setMinimumHeight(m_output->fontMetrics().lineSpacing() * 8);

    auto *typeRow = new QHBoxLayout;
    typeRow->addWidget(typeLabel);
    typeRow->addWidget(m_type);
    typeRow->addStretch(1);
    form->setMaximumWidth(820);   // a form to read, not a line across a wide screen
    auto *column = new QVBoxLayout(form);
    column->addLayout(typeRow);
    column->addWidget(mainBox);
    column->addWidget(showAdvanced);
    column->addWidget(m_advancedBox);
    column->addWidget(secretBox);
    column->addLayout(buttons);
    column->addWidget(m_status);
    column->addWidget(m_result);
    column->addWidget(m_output, 1);
    column->addStretch(0);

    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto *holder = new QWidget(scroll);
    auto *centre = new QHBoxLayout(holder);
    centre->setContentsMargins(0, 0, 0, 0);
    centre->addWidget(form, 1);
    centre->addStretch(0);
    scroll->setWidget(holder);
    m_stack = new QStackedLayout(this);
    m_stack->addWidget(m_empty);
    m_stack->addWidget(scroll);

    connect(m_type, &QComboBox::currentIndexChanged, this, [this] {
        if (m_building)
            return;
        remember();
        rebuildForm();
        markDirty();
    });
    connect(m_secret, &QLineEdit::textEdited, this, &WarehouseTab::markDirty);
    connect(m_key, &QPlainTextEdit::textChanged, this, [this] {
        if (!m_building)
            markDirty();
    });
    connect(m_noSecret, &QCheckBox::toggled, this, [this] {
        updateSecretField();
        if (!m_building)
            markDirty();
    });
    connect(m_chooseKey, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Choose the service account's key file"), QString(),
                                                          tr("JSON key files (*.json);;All files (*)"));
        if (path.isEmpty())
            return;
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            m_result->setText(tr("Cannot read %1: %2").arg(path, f.errorString()));
            return;
        }
        m_key->setPlainText(QString::fromUtf8(f.readAll()));
    });
    connect(m_test, &QPushButton::clicked, this, [this] {
        if (const QString p = problemBeforeSending(); !p.isEmpty()) {
            m_result->setText(p);
            return;
        }
        setBusy(tr("Testing: dbt debug is running against what is typed here…"));
        m_output->clear();
        Q_EMIT testRequested(draft(), typedSecret());
    });
    connect(m_save, &QPushButton::clicked, this, [this] {
        if (const QString p = problemBeforeSending(); !p.isEmpty()) {
            m_result->setText(p);
            return;
        }
        setBusy(tr("Saving…"));
        Q_EMIT saveRequested(draft(), typedSecret());
    });
    connect(m_revert, &QPushButton::clicked, this, [this] {
        m_dirty = false;
        const IngestWarehouseView view = m_view;
        showWarehouse(view);
        m_result->clear();
    });
    setOrg(0);
}

void WarehouseTab::setOrg(qint64 orgId)
{
    if (orgId == m_orgId && orgId)
        return;
    m_orgId = orgId;
    m_view = {};
    m_values.clear();
    m_dirty = false;
    m_empty->setText(orgId ? tr("Loading the warehouse…") : tr("Choose an org"),
                     orgId ? tr("Reading the org's warehouse from the store.") : tr("The warehouse of the org chosen above is set up here."));
    m_stack->setCurrentWidget(m_empty);
}

void WarehouseTab::showWarehouse(const IngestWarehouseView &view)
{
    if (view.orgId != m_orgId)
        return;
    m_view = view;
    QString status;
    if (!view.exists) {
        status = tr("No warehouse yet: choose its type, fill in the connection, Test, then Save.");
    } else {
        const QString word = profileSecretWord(view.warehouse.type, view.warehouse.settings);
        QString secret;
        if (!view.keychainProblem.isEmpty())
            secret = view.keychainProblem;
        else if (!word.isEmpty() && view.warehouse.usesSecret && view.secretStored)
            secret = *view.secretStored ? tr("The %1 is in the keychain (%2); leave the field empty to keep it.").arg(word, view.secretKey)
                                        : tr("No %1 in the keychain yet (%2): type it and save.").arg(word, view.secretKey);
        const QString destination = !view.destinationName.isEmpty()
            ? tr("Airbyte destination: %1.").arg(view.destinationName)
            : !view.destinationProblem.isEmpty() ? view.destinationProblem
            : tr("No Airbyte destination is made from it yet: save to make one.");
        status = QStringList{secret, destination}.join(QLatin1Char(' ')).trimmed();
    }
    m_status->setText(status);
    m_stack->setCurrentIndex(1);
    if (m_dirty) {   // what was typed wins over what the store holds; Revert shows the store's
        m_status->setText(status + QLatin1Char(' ') + tr("(Unsaved changes here: Revert shows what is saved.)"));
        return;
    }
    m_building = true;
    m_values.clear();
    const Warehouse &w = view.warehouse;
    for (auto it = w.settings.begin(); it != w.settings.end(); ++it)
        m_values.insert(it.key(), it.value().toVariant().toString());
    const int index = m_type->findData(view.exists ? w.type : QStringLiteral("postgres"));
    m_type->setCurrentIndex(index < 0 ? 0 : index);
    m_secret->clear();
    m_key->clear();
    m_building = false;
    rebuildForm();
    {
        // Set once the form is the stored one: whether "without a secret" is offered depends on its fields
        // (a Snowflake key file), so an earlier form must not untick it.
        const QSignalBlocker block(m_noSecret);
        m_noSecret->setChecked(view.exists && !w.usesSecret);
    }
    updateSecretField();
    m_dirty = false;
}

void WarehouseTab::showTested(const WarehouseTestResult &result)
{
    setBusy(QString());
    QStringList lines;
    for (const DbtDebugCheck &c : result.report.checks)
        lines << (c.ok ? tr("✓ %1").arg(c.name) : tr("✗ %1").arg(c.name)) + (c.detail.isEmpty() ? QString() : QStringLiteral(" — ") + c.detail);
    lines << result.summary();
    m_result->setText(lines.join(QLatin1Char('\n')));
    m_output->setPlainText(result.log.join(QLatin1Char('\n')));
    m_output->setVisible(!result.log.isEmpty());
}

void WarehouseTab::showSaved(const QString &message)
{
    setBusy(QString());
    m_building = true;   // emptying the secret fields is not an edit
    m_secret->clear();
    m_key->clear();
    m_building = false;
    m_dirty = false;
    m_result->setText(message);
}

void WarehouseTab::showRefused(const QString &message)
{
    setBusy(QString());
    m_result->setText(tr("Not saved: %1").arg(message));
}

QString WarehouseTab::currentType() const { return m_type->currentData().toString(); }

void WarehouseTab::remember() const
{
    for (auto it = m_editors.begin(); it != m_editors.end(); ++it) {
        QString text;
        if (auto *spin = qobject_cast<QSpinBox *>(it.value()))
            text = spin->value() == spin->minimum() ? QString() : QString::number(spin->value());
        else if (auto *combo = qobject_cast<QComboBox *>(it.value()))
            text = combo->currentData().toString();
        else if (auto *edit = qobject_cast<QLineEdit *>(it.value()))
            text = edit->text();
        else if (auto *check = qobject_cast<QCheckBox *>(it.value()))
            text = check->isChecked() ? QStringLiteral("true") : QString();
        m_values.insert(it.key(), text.trimmed());
    }
}

void WarehouseTab::rebuildForm()
{
    m_building = true;
    while (m_main->rowCount())
        m_main->removeRow(0);
    while (m_advanced->rowCount())
        m_advanced->removeRow(0);
    m_editors.clear();
    const QString type = currentType();
    for (const ProfileField &f : profileFields(type)) {
        if (type == QLatin1String("bigquery") && f.key == QLatin1String("method"))
            continue;   // follows from the secret: a key file, or the machine's credentials
        QString value = m_values.value(f.key);
        if (value.isEmpty() && !f.alias.isEmpty())
            value = m_values.value(f.alias);
        const QString label = labelFor(type, f.key);
        QWidget *editor = nullptr;
        QWidget *row = nullptr;
        const QStringList choices = choicesFor(type, f.key);
        if (f.kind == ProfileField::Kind::Number && isLarge(f.key)) {
            auto *line = new QLineEdit(value, this);
            line->setValidator(new QRegularExpressionValidator(QRegularExpression(QStringLiteral("\\d{0,18}")), line));
            line->setPlaceholderText(f.fallback.isEmpty() ? tr("adapter default") : tr("default: %1").arg(f.fallback));
            connect(line, &QLineEdit::textEdited, this, &WarehouseTab::markDirty);
            editor = line;
        } else if (f.kind == ProfileField::Kind::Number) {
            auto *spin = new QSpinBox(this);
            spin->setRange(-1, f.key == QLatin1String("port") ? 65535 : 1000000000);
            spin->setSpecialValueText(f.fallback.isEmpty() ? tr("(adapter default)") : tr("(default %1)").arg(f.fallback));
            spin->setValue(value.isEmpty() ? -1 : value.toInt());
            connect(spin, &QSpinBox::valueChanged, this, &WarehouseTab::markDirty);
            editor = spin;
        } else if (f.kind == ProfileField::Kind::Bool || !choices.isEmpty()) {
            auto *combo = new QComboBox(this);
            const QStringList options = f.kind == ProfileField::Kind::Bool ? QStringList{QString(), QStringLiteral("true"), QStringLiteral("false")}
                                                                           : choices;
            for (const QString &o : options)
                combo->addItem(o.isEmpty() ? tr("(adapter default)") : o == QLatin1String("true") ? tr("Yes")
                                                                      : o == QLatin1String("false") ? tr("No") : o, o);
            const int i = combo->findData(value);
            combo->setCurrentIndex(i < 0 ? 0 : i);
            connect(combo, &QComboBox::currentIndexChanged, this, &WarehouseTab::markDirty);
            editor = combo;
        } else {
            auto *line = new QLineEdit(value, this);
            line->setAccessibleName(label);
            if (!f.fallback.isEmpty())
                line->setPlaceholderText(tr("default: %1").arg(f.fallback));
            else if (f.required)
                line->setPlaceholderText(tr("required"));
            connect(line, &QLineEdit::textEdited, this, &WarehouseTab::markDirty);
            if (f.key == QLatin1String("private_key_path"))   // a key file asks for its passphrase, not a password
                connect(line, &QLineEdit::textChanged, this, [this] {
                    if (!m_building)
                        updateSecretField();
                });
            editor = line;
            if (isFileKey(type, f.key)) {
                row = new QWidget(this);
                auto *h = new QHBoxLayout(row);
                h->setContentsMargins(0, 0, 0, 0);
                line->setParent(row);
                h->addWidget(line, 1);
                auto *choose = new QPushButton(tr("Choose…"), row);
                choose->setAccessibleName(tr("Choose %1").arg(label));
                const bool save = type == QLatin1String("duckdb");
                connect(choose, &QPushButton::clicked, this, [this, line, label, save] {
                    const QString path = save ? QFileDialog::getSaveFileName(this, label, line->text(), QString(), nullptr,
                                                                             QFileDialog::DontConfirmOverwrite)
                                              : QFileDialog::getOpenFileName(this, label, line->text());
                    if (!path.isEmpty()) {
                        line->setText(path);
                        markDirty();
                    }
                });
                h->addWidget(choose);
            }
        }
        editor->setObjectName(f.key);
        editor->setAccessibleName(label);
        auto *labelWidget = new QLabel(label + (f.required ? QStringLiteral(" *:") : QStringLiteral(":")), this);
        labelWidget->setBuddy(editor);
        (isMain(f) ? m_main : m_advanced)->addRow(labelWidget, row ? row : editor);
        m_editors.insert(f.key, editor);   // the editor itself, also where a row holds it beside a Choose… button
    }
    if (type == QLatin1String("databricks")) {
        // Not dbt's but Airbyte's: its Databricks destination runs only once the driver's terms are agreed to.
        auto *terms = new QCheckBox(tr("I agree to the Databricks JDBC driver terms (databricks.com/jdbc-odbc-driver-license), "
                                       "which Airbyte's Databricks destination needs"),
                                    this);
        terms->setChecked(m_values.value(QStringLiteral("accept_terms")) == QLatin1String("true"));
        terms->setObjectName(QStringLiteral("accept_terms"));
        terms->setAccessibleName(tr("Agree to the Databricks JDBC driver terms"));
        connect(terms, &QCheckBox::toggled, this, &WarehouseTab::markDirty);
        m_main->addRow(QString(), terms);
        m_editors.insert(QStringLiteral("accept_terms"), terms);
    }
    updateSecretField();
    m_building = false;
}

void WarehouseTab::updateSecretField()
{
    const QString type = currentType();
    // Snowflake with a private key file: the secret is the key's passphrase (none for an unencrypted key).
    const auto *keyPath = qobject_cast<QLineEdit *>(m_editors.value(QStringLiteral("private_key_path")));
    const bool keyPair = type == QLatin1String("snowflake") && keyPath && !keyPath->text().trimmed().isEmpty();
    const QString word = keyPair ? profileSecretWord(type, {{QStringLiteral("private_key_path"), keyPath->text()}}) : profileSecretWord(type);
    const bool bigquery = type == QLatin1String("bigquery");
    const bool none = word.isEmpty();
    auto *form = qobject_cast<QFormLayout *>(m_secret->parentWidget()->layout());
    form->setRowVisible(m_secret, !none && !bigquery);
    form->setRowVisible(m_key->parentWidget(), bigquery);
    const bool offered = !none && (keyPair || (type != QLatin1String("snowflake") && type != QLatin1String("databricks")));
    form->setRowVisible(m_noSecret, offered);
    if (!offered && m_noSecret->isChecked()) {   // a choice the type does not offer is not kept hidden
        const QSignalBlocker block(m_noSecret);
        m_noSecret->setChecked(false);
    }
    m_noSecret->setText(bigquery  ? tr("Use this machine's application-default credentials (no key file)")
                        : keyPair ? tr("The key has &no passphrase (it is not encrypted)")
                                  : tr("Reached &without a secret (trust or peer authentication, ~/.pgpass or PGPASSWORD)"));
    m_secret->parentWidget()->setVisible(!none);
    const bool without = m_noSecret->isChecked();
    m_secret->setEnabled(!without);
    m_key->setEnabled(!without);
    m_chooseKey->setEnabled(!without);
    m_secretLabel->setText(keyPair ? tr("Key &passphrase:") : type == QLatin1String("databricks") ? tr("Access &token:") : tr("&Password:"));
    m_secret->setAccessibleName(keyPair ? tr("Private key passphrase") : type == QLatin1String("databricks") ? tr("Access token") : tr("Password"));
    const bool stored = m_view.exists && m_view.warehouse.type == type && m_view.secretStored.value_or(false)
                     && usesKeyPair(type, m_view.warehouse.settings) == keyPair;
    m_secret->setPlaceholderText(stored ? tr("stored in the keychain — leave empty to keep it") : tr("not stored yet"));
    if (stored)
        m_key->setPlaceholderText(tr("A key is stored in the keychain — leave empty to keep it, or paste or choose another"));
    else
        m_key->setPlaceholderText(tr("Paste the service account's JSON key, or choose the file"));
}

Warehouse WarehouseTab::draft() const
{
    remember();
    Warehouse w;
    w.orgId = m_orgId;
    w.type = currentType();
    w.airbyteDestinationId = m_view.warehouse.airbyteDestinationId;
    w.usesSecret = !m_noSecret->isChecked();
    for (const ProfileField &f : profileFields(w.type)) {
        const QString v = m_values.value(f.key);
        if (v.isEmpty())
            continue;
        if (f.kind == ProfileField::Kind::Number)
            w.settings.insert(f.key, v.toLongLong());
        else if (f.kind == ProfileField::Kind::Bool)
            w.settings.insert(f.key, v == QLatin1String("true"));
        else
            w.settings.insert(f.key, v);
    }
    if (w.type == QLatin1String("bigquery"))
        w.settings.insert(QStringLiteral("method"), w.usesSecret ? QStringLiteral("service-account-json") : QStringLiteral("oauth"));
    if (w.type == QLatin1String("databricks") && m_values.value(QStringLiteral("accept_terms")) == QLatin1String("true"))
        w.settings.insert(QStringLiteral("accept_terms"), true);
    return w;
}

QString WarehouseTab::typedSecret() const
{
    if (m_noSecret->isChecked())
        return {};
    return currentType() == QLatin1String("bigquery") ? m_key->toPlainText().trimmed() : m_secret->text();
}

QString WarehouseTab::problemBeforeSending() const
{
    const Warehouse w = draft();
    QStringList missing;
    for (const ProfileField &f : profileFields(w.type))
        if (f.required && !w.settings.contains(f.key) && (f.alias.isEmpty() || !w.settings.contains(f.alias)))
            missing << labelFor(w.type, f.key);
    if (!missing.isEmpty())
        return tr("Fill in %1.").arg(missing.join(QStringLiteral(", ")));
    const QString key = typedSecret();
    if (w.type == QLatin1String("bigquery") && !key.isEmpty()) {
        QJsonParseError e;
        const QJsonDocument doc = QJsonDocument::fromJson(key.toUtf8(), &e);
        if (!doc.isObject())
            return tr("The service-account key is not JSON (%1): paste the whole key file, or choose it.").arg(e.errorString());
        if (!doc.object().contains(QLatin1String("private_key")) || !doc.object().contains(QLatin1String("client_email")))
            return tr("The service-account key has no private_key or client_email: it is not a key file.");
    }
    return {};
}

void WarehouseTab::setBusy(const QString &what)
{
    const bool busy = !what.isEmpty();
    m_test->setEnabled(!busy);
    m_save->setEnabled(!busy);
    m_revert->setEnabled(!busy);
    m_type->setEnabled(!busy);
    if (busy)
        m_result->setText(what);
}

void WarehouseTab::markDirty()
{
    if (!m_building)
        m_dirty = true;
}

} // namespace sluice
