#pragma once

#include "schedule/schedulechoice.h"

#include <QDateTime>
#include <QHash>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTableView;
class QTimeEdit;

namespace sluice {

class SchedulePreviewModel;

// The schedule builder (DESIGN.md §1 "Schedules"): how often (manually only, every hour at a minute,
// every day at HH:MM, every week on chosen days at HH:MM, every month on a day at HH:MM, or a custom cron
// expression), the time zone (an IANA id; the machine's by default), the schedule in words, and a live
// preview of its next five fire times in local time and UTC, the ones a change of the clocks moves or
// repeats marked with why. Only the fields of the chosen kind are shown. A problem (no day chosen, a cron
// expression that does not parse, an unknown zone) is marked at its field with the reason; problem() is
// then non-empty and whoever saves must not. What was typed in the other kinds' fields is kept while the
// user switches between them. Used by the pipeline editor and the setup wizard.
class ScheduleBuilder : public QWidget
{
    Q_OBJECT
public:
    explicit ScheduleBuilder(QWidget *parent = nullptr);

    // Shows a saved schedule: the builder's shape when the expression has one, else custom with its text.
    // An empty cron is manual; an empty zone is the machine's.
    void setSchedule(const QString &cron, const QString &timezone);
    // The schedule as it would be saved: the cron expression (empty: manual) and its zone (empty when manual).
    [[nodiscard]] QString cron() const;
    [[nodiscard]] QString timezone() const;
    // The first problem, worded for people ("Choose at least one day."); empty when the schedule can be saved.
    [[nodiscard]] QString problem() const;
    // The problem shown at "days", "cron" or "zone" (empty: none).
    [[nodiscard]] QString problemAt(const QString &field) const;

    // The preview counts from this instant instead of now (tests; an invalid QDateTime goes back to now).
    void setPreviewStart(const QDateTime &from);

    // For tests and the accessibility tree.
    [[nodiscard]] QComboBox *kindBox() const { return m_kind; }
    [[nodiscard]] QSpinBox *minuteField() const { return m_minute; }
    [[nodiscard]] QTimeEdit *timeField() const { return m_time; }
    // cronDay: 0 = Sunday .. 6 = Saturday.
    [[nodiscard]] QCheckBox *dayBox(int cronDay) const { return m_days.value(cronDay); }
    [[nodiscard]] QSpinBox *dayOfMonthField() const { return m_dayOfMonth; }
    [[nodiscard]] QLineEdit *cronField() const { return m_cron; }
    [[nodiscard]] QComboBox *zoneBox() const { return m_zone; }
    [[nodiscard]] QLabel *summary() const { return m_summary; }
    [[nodiscard]] QTableView *previewTable() const { return m_preview; }
    [[nodiscard]] SchedulePreviewModel *previewModel() const { return m_previewModel; }

Q_SIGNALS:
    // Anything changed; read cron(), timezone() and problem().
    void changed();

private:
    [[nodiscard]] ScheduleChoice choice() const;
    void showChoice(const ScheduleChoice &choice);
    void update();
    void mark(const QString &field, const QString &problem);

    QFormLayout *m_form;
    QComboBox *m_kind;
    QSpinBox *m_minute;
    QTimeEdit *m_time;
    QWidget *m_daysRow;
    QHash<int, QCheckBox *> m_days;      // cron day → its box
    QSpinBox *m_dayOfMonth;
    QLabel *m_dayNote;
    QLineEdit *m_cron;
    QComboBox *m_zone;
    QLabel *m_summary;
    QTableView *m_preview;
    SchedulePreviewModel *m_previewModel;
    QHash<QString, QLabel *> m_problems;  // "days", "cron", "zone" → the label under the field
    QDateTime m_previewStart;
    bool m_filling = false;
};

} // namespace sluice
