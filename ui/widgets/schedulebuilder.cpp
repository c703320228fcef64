#include "widgets/schedulebuilder.h"

#include "itemmodels/schedulepreviewmodel.h"
#include "schedule/crondescription.h"
#include "schedule/cronschedule.h"
#include "widgets/statustone.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QSpinBox>
#include <QTableView>
#include <QTimeEdit>
#include <QTimeZone>
#include <QVBoxLayout>

namespace sluice {

namespace {

constexpr int kPreviewCount = 5;

// A field with its problem label under it, as one form row.
QWidget *withProblem(QWidget *field, QLabel *problem, QWidget *parent)
{
    auto *box = new QWidget(parent);
    auto *v = new QVBoxLayout(box);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    v->addWidget(field);
    v->addWidget(problem);
    return box;
}

QString machineZone()
{
    const QByteArray id = QTimeZone::systemTimeZoneId();
    // A machine without a named zone (some containers) says "UTC" rather than nothing.
    return id.isEmpty() ? QStringLiteral("UTC") : QString::fromUtf8(id);
}

} // namespace

ScheduleBuilder::ScheduleBuilder(QWidget *parent)
    : QWidget(parent), m_form(new QFormLayout), m_kind(new QComboBox(this)), m_minute(new QSpinBox(this)),
      m_time(new QTimeEdit(this)), m_daysRow(new QWidget(this)), m_dayOfMonth(new QSpinBox(this)), m_dayNote(new QLabel(this)),
      m_cron(new QLineEdit(this)), m_zone(new QComboBox(this)), m_summary(new QLabel(this)), m_preview(new QTableView(this)),
      m_previewModel(new SchedulePreviewModel(this))
{
    m_kind->addItem(tr("Manually only"), int(ScheduleKind::Manual));
    m_kind->addItem(tr("Every hour"), int(ScheduleKind::Hourly));
    m_kind->addItem(tr("Every day"), int(ScheduleKind::Daily));
    m_kind->addItem(tr("Every week"), int(ScheduleKind::Weekly));
    m_kind->addItem(tr("Every month"), int(ScheduleKind::Monthly));
    m_kind->addItem(tr("Custom (cron expression)"), int(ScheduleKind::Custom));
    m_kind->setAccessibleName(tr("Runs"));

    m_minute->setRange(0, 59);
    m_minute->setPrefix(tr("minute "));
    m_minute->setSuffix(tr(" past the hour"));
    m_minute->setAccessibleName(tr("Minute past the hour"));

    m_time->setDisplayFormat(QStringLiteral("HH:mm"));
    m_time->setTime(QTime(3, 0));
    m_time->setAccessibleName(tr("Time of day"));

    // The days in the locale's order (Monday first in most of the world), each a check box named in full.
    auto *daysLayout = new QHBoxLayout(m_daysRow);
    daysLayout->setContentsMargins(0, 0, 0, 0);
    const QLocale locale;
    const int first = int(locale.firstDayOfWeek());
    for (int i = 0; i < 7; ++i) {
        const int qtDay = (first - 1 + i) % 7 + 1;   // 1 = Monday .. 7 = Sunday
        auto *box = new QCheckBox(locale.dayName(qtDay, QLocale::ShortFormat), m_daysRow);
        box->setAccessibleName(locale.dayName(qtDay, QLocale::LongFormat));
        m_days.insert(qtDay % 7, box);
        daysLayout->addWidget(box);
        connect(box, &QCheckBox::toggled, this, &ScheduleBuilder::update);
    }
    daysLayout->addStretch(1);
    m_daysRow->setAccessibleName(tr("Days of the week"));

    m_dayOfMonth->setRange(1, 31);
    m_dayOfMonth->setAccessibleName(tr("Day of the month"));
    m_dayNote->setWordWrap(true);
    m_dayNote->setForegroundRole(QPalette::PlaceholderText);

    m_cron->setPlaceholderText(tr("minute hour day-of-month month day-of-week, e.g. */15 8-18 * * mon-fri"));
    m_cron->setAccessibleName(tr("Cron expression"));
    m_cron->setClearButtonEnabled(true);

    // Every IANA zone Qt knows, typed or picked; the completer finds "Berlin" in "Europe/Berlin".
    m_zone->setEditable(true);
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id));
    m_zone->completer()->setFilterMode(Qt::MatchContains);
    m_zone->completer()->setCaseSensitivity(Qt::CaseInsensitive);
    m_zone->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_zone->setCurrentText(machineZone());
    m_zone->setAccessibleName(tr("Time zone"));
    m_zone->setToolTip(tr("The zone the schedule's times are in (an IANA name such as Europe/Berlin); the machine's by default"));

    m_summary->setWordWrap(true);
    m_summary->setAccessibleName(tr("Schedule in words"));
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    for (const QString &field : {QStringLiteral("days"), QStringLiteral("cron"), QStringLiteral("zone")})
        m_problems.insert(field, problemLabel(this));

    m_form->addRow(tr("&Runs:"), m_kind);
    m_form->addRow(tr("At &minute:"), m_minute);
    m_form->addRow(tr("On &days:"), withProblem(m_daysRow, m_problems.value(QStringLiteral("days")), this));
    auto *dayBox = new QWidget(this);
    auto *dayLayout = new QHBoxLayout(dayBox);
    dayLayout->setContentsMargins(0, 0, 0, 0);
    dayLayout->addWidget(m_dayOfMonth);
    dayLayout->addWidget(m_dayNote, 1);
    m_form->addRow(tr("On day of the &month:"), dayBox);
    m_form->addRow(tr("&At:"), m_time);
    m_form->addRow(tr("&Cron:"), withProblem(m_cron, m_problems.value(QStringLiteral("cron")), this));
    m_form->addRow(tr("Time &zone:"), withProblem(m_zone, m_problems.value(QStringLiteral("zone")), this));
    m_form->addRow(tr("Reads as:"), m_summary);
    // The labels QFormLayout made are the fields' buddies (the mnemonics focus them).
    if (auto *l = qobject_cast<QLabel *>(m_form->labelForField(dayBox)))
        l->setBuddy(m_dayOfMonth);
    if (auto *l = qobject_cast<QLabel *>(m_form->labelForField(m_form->itemAt(2, QFormLayout::FieldRole)->widget())))
        l->setBuddy(m_days.value(int(locale.firstDayOfWeek()) % 7));
    if (auto *l = qobject_cast<QLabel *>(m_form->labelForField(m_form->itemAt(5, QFormLayout::FieldRole)->widget())))
        l->setBuddy(m_cron);
    if (auto *l = qobject_cast<QLabel *>(m_form->labelForField(m_form->itemAt(6, QFormLayout::FieldRole)->widget())))
        l->setBuddy(m_zone);

    m_preview->setModel(m_previewModel);
    m_preview->setItemDelegate(new StatusToneDelegate(SchedulePreviewModel::ToneRole, m_preview));
    m_preview->setAccessibleName(tr("Next runs"));
    m_preview->setSelectionMode(QAbstractItemView::NoSelection);
    m_preview->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_preview->setFocusPolicy(Qt::NoFocus);
    m_preview->verticalHeader()->hide();
    m_preview->horizontalHeader()->setStretchLastSection(true);
    m_preview->setWordWrap(false);
    m_preview->setMinimumHeight(m_preview->verticalHeader()->defaultSectionSize() * (kPreviewCount + 1) + 4);
    auto *previewTitle = new QLabel(tr("Next runs:"), this);
    previewTitle->setBuddy(m_preview);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(m_form);
    layout->addWidget(previewTitle);
    layout->addWidget(m_preview, 1);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ScheduleBuilder::update);
    connect(m_minute, &QSpinBox::valueChanged, this, &ScheduleBuilder::update);
    connect(m_time, &QTimeEdit::timeChanged, this, &ScheduleBuilder::update);
    connect(m_dayOfMonth, &QSpinBox::valueChanged, this, &ScheduleBuilder::update);
    connect(m_cron, &QLineEdit::textChanged, this, &ScheduleBuilder::update);
    connect(m_zone, &QComboBox::currentTextChanged, this, &ScheduleBuilder::update);
    update();
}

void ScheduleBuilder::setSchedule(const QString &cron, const QString &timezone)
{
    m_filling = true;
    m_zone->setCurrentText(timezone.isEmpty() ? machineZone() : timezone);
    showChoice(choiceFor(cron));
    m_filling = false;
    update();
}

void ScheduleBuilder::showChoice(const ScheduleChoice &c)
{
    m_kind->setCurrentIndex(m_kind->findData(int(c.kind)));
    switch (c.kind) {
    case ScheduleKind::Manual:
        break;
    case ScheduleKind::Hourly:
        m_minute->setValue(c.minute);
        break;
    case ScheduleKind::Weekly:
        for (auto it = m_days.cbegin(); it != m_days.cend(); ++it)
            it.value()->setChecked(c.weekdays.contains(it.key()));
        m_time->setTime(QTime(c.hour, c.minute));
        break;
    case ScheduleKind::Monthly:
        m_dayOfMonth->setValue(c.dayOfMonth);
        m_time->setTime(QTime(c.hour, c.minute));
        break;
    case ScheduleKind::Daily:
        m_time->setTime(QTime(c.hour, c.minute));
        break;
    case ScheduleKind::Custom:
        m_cron->setText(c.cron);
        break;
    }
}

ScheduleChoice ScheduleBuilder::choice() const
{
    ScheduleChoice c;
    c.kind = ScheduleKind(m_kind->currentData().toInt());
    if (c.kind == ScheduleKind::Hourly) {
        c.minute = m_minute->value();
    } else {
        c.minute = m_time->time().minute();
        c.hour = m_time->time().hour();
    }
    for (auto it = m_days.cbegin(); it != m_days.cend(); ++it)
        if (it.value()->isChecked())
            c.weekdays.append(it.key());
    c.dayOfMonth = m_dayOfMonth->value();
    c.cron = m_cron->text();
    return c;
}

QString ScheduleBuilder::cron() const
{
    return cronFor(choice());
}

QString ScheduleBuilder::timezone() const
{
    return choice().kind == ScheduleKind::Manual ? QString() : m_zone->currentText().trimmed();
}

QString ScheduleBuilder::problem() const
{
    for (const QString &field : {QStringLiteral("days"), QStringLiteral("cron"), QStringLiteral("zone")})
        if (const QString p = problemAt(field); !p.isEmpty())
            return p;
    return {};
}

QString ScheduleBuilder::problemAt(const QString &field) const
{
    const QLabel *l = m_problems.value(field);
    return l && !l->isHidden() ? l->text() : QString();
}

void ScheduleBuilder::setPreviewStart(const QDateTime &from)
{
    m_previewStart = from;
    update();
}

void ScheduleBuilder::mark(const QString &field, const QString &problem)
{
    QLabel *l = m_problems.value(field);
    l->setText(problem);
    l->setVisible(!problem.isEmpty());
}

void ScheduleBuilder::update()
{
    if (m_filling)
        return;
    const ScheduleChoice c = choice();
    const ScheduleKind kind = c.kind;
    const bool timed = kind == ScheduleKind::Daily || kind == ScheduleKind::Weekly || kind == ScheduleKind::Monthly;
    m_form->setRowVisible(1, kind == ScheduleKind::Hourly);
    m_form->setRowVisible(2, kind == ScheduleKind::Weekly);
    m_form->setRowVisible(3, kind == ScheduleKind::Monthly);
    m_form->setRowVisible(4, timed);
    m_form->setRowVisible(5, kind == ScheduleKind::Custom);
    m_form->setRowVisible(6, kind != ScheduleKind::Manual);
    m_dayNote->setText(c.dayOfMonth > 28 ? tr("Months without day %1 are skipped.").arg(c.dayOfMonth) : QString());

    mark(QStringLiteral("days"), kind == ScheduleKind::Weekly && c.weekdays.isEmpty() ? tr("Choose at least one day.") : QString());
    const QString zone = m_zone->currentText().trimmed();
    const bool zoneOk = QTimeZone::isTimeZoneIdAvailable(zone.toUtf8());
    mark(QStringLiteral("zone"), kind == ScheduleKind::Manual || zoneOk
                                     ? QString()
                                     : zone.isEmpty() ? tr("Choose a time zone, such as Europe/Berlin.")
                                                      : tr("“%1” is not a time zone this machine knows: pick one from the list "
                                                           "(IANA names such as Europe/Berlin or America/New_York).")
                                                            .arg(zone));
    QString cronProblem;
    std::optional<CronSchedule> schedule;
    const QString expression = cronFor(c);
    if (kind == ScheduleKind::Custom && expression.isEmpty()) {
        cronProblem = tr("Type a cron expression: five fields, minute hour day-of-month month day-of-week.");
    } else if (kind != ScheduleKind::Manual) {
        auto parsed = CronSchedule::parse(expression, zoneOk ? zone : QStringLiteral("UTC"));
        if (!parsed) {
            if (kind == ScheduleKind::Custom)
                cronProblem = parsed.error().message;
        } else {
            schedule = std::move(*parsed);
        }
    }
    mark(QStringLiteral("cron"), cronProblem);

    if (kind == ScheduleKind::Manual) {
        m_summary->setText(tr("Runs only when someone starts it (Run now, sluicectl, or an agent's queue)."));
    } else if (schedule && zoneOk) {
        m_summary->setText(tr("%1 %2 (cron: %3)").arg(describeCron(expression), zone, expression));
    } else {
        m_summary->setText(tr("—"));
    }
    const QDateTime from = m_previewStart.isValid() ? m_previewStart : QDateTime::currentDateTimeUtc();
    QList<PreviewFire> fires;
    if (schedule && zoneOk) {
        fires = previewFires(*schedule, from, kPreviewCount);
        if (fires.isEmpty())
            mark(QStringLiteral("cron"), tr("This expression never fires (no such date in the next %n year(s)).", nullptr,
                                            CronSchedule::kHorizonYears));
    }
    m_previewModel->setFires(fires);
    m_preview->resizeColumnsToContents();
    m_preview->setEnabled(!fires.isEmpty());
    Q_EMIT changed();
}

} // namespace sluice
