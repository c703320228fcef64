#include "cronexpression.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <vector>

namespace sluice {

namespace {

struct FieldSpec
{
    const char *name;
    int low;
    int high;
    QStringList names;   // names[i] stands for low + i
};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day-of-month", 1, 31, {}},
    {"month", 1, 12, {QStringLiteral("jan"), QStringLiteral("feb"), QStringLiteral("mar"), QStringLiteral("apr"),
                      QStringLiteral("may"), QStringLiteral("jun"), QStringLiteral("jul"), QStringLiteral("aug"),
                      QStringLiteral("sep"), QStringLiteral("oct"), QStringLiteral("nov"), QStringLiteral("dec")}},
    {"day-of-week", 0, 7, {QStringLiteral("sun"), QStringLiteral("mon"), QStringLiteral("tue"), QStringLiteral("wed"),
                           QStringLiteral("thu"), QStringLiteral("fri"), QStringLiteral("sat")}},
};

// Only plain digits, as cronie reads them: QString::toInt would also take "+5".
bool isDigits(const QString &s)
{
    return !s.isEmpty() && std::ranges::all_of(s, [](QChar c) { return c >= QLatin1Char('0') && c <= QLatin1Char('9'); });
}

Result<int> parseValue(const FieldSpec &spec, const QString &token, const QString &field)
{
    const QString range = QStringLiteral("%1-%2").arg(spec.low).arg(spec.high);
    int value = 0;
    if (isDigits(token)) {
        bool ok = false;
        value = token.toInt(&ok);
        if (!ok)   // more digits than an int holds
            return fail(Error::invalid(QStringLiteral("%1 is out of range for the %2 field (%3)")
                                           .arg(token, QLatin1String(spec.name), range)));
    } else {
        const qsizetype i = spec.names.indexOf(token.toLower());
        if (i < 0)
            return fail(Error::invalid(QStringLiteral("\"%1\" in the %2 field \"%3\" is not a number%4")
                                           .arg(token, QLatin1String(spec.name), field,
                                                spec.names.isEmpty() ? QString()
                                                                     : QStringLiteral(" or a name (%1)").arg(spec.names.join(QLatin1Char(' '))))));
        value = spec.low + int(i);
    }
    if (value < spec.low || value > spec.high)
        return fail(Error::invalid(QStringLiteral("%1 is out of range for the %2 field (%3)")
                                       .arg(QString::number(value), QLatin1String(spec.name), range)));
    return value;
}

// Parses one field into `bits` (indexed by value). Returns whether the field starts with '*'.
Result<bool> parseField(const FieldSpec &spec, const QString &field, std::vector<bool> &bits)
{
    bits.assign(size_t(spec.high + 1), false);
    if (field.isEmpty())
        return fail(Error::invalid(QStringLiteral("the %1 field is empty").arg(QLatin1String(spec.name))));
    for (const QString &item : field.split(QLatin1Char(','))) {
        if (item.isEmpty())
            return fail(Error::invalid(QStringLiteral("the %1 field \"%2\" has an empty list item").arg(QLatin1String(spec.name), field)));
        QString range = item;
        int step = 1;
        if (const qsizetype slash = item.indexOf(QLatin1Char('/')); slash >= 0) {
            range = item.left(slash);
            bool ok = false;
            const QString stepText = item.mid(slash + 1);
            step = isDigits(stepText) ? stepText.toInt(&ok) : 0;
            if (!ok || step <= 0)
                return fail(Error::invalid(QStringLiteral("the step in \"%1\" (%2 field) must be a whole number of 1 or more")
                                               .arg(item, QLatin1String(spec.name))));
        }
        int from = spec.low;
        int to = spec.high;
        if (range != QLatin1String("*")) {
            const qsizetype dash = range.indexOf(QLatin1Char('-'));
            if (dash < 0) {
                if (step != 1 || item.contains(QLatin1Char('/')))
                    return fail(Error::invalid(QStringLiteral("\"%1\" (%2 field): a step needs a range or *, e.g. %3-%4/%5 or */%5")
                                                   .arg(item, QLatin1String(spec.name), range).arg(spec.high).arg(step)));
                auto v = parseValue(spec, range, field);
                if (!v)
                    return fail(v.error());
                from = to = *v;
            } else {
                auto a = parseValue(spec, range.left(dash), field);
                if (!a)
                    return fail(a.error());
                auto b = parseValue(spec, range.mid(dash + 1), field);
                if (!b)
                    return fail(b.error());
                if (*a > *b)
                    return fail(Error::invalid(QStringLiteral("the range \"%1\" (%2 field) runs backwards; write it low-high")
                                                   .arg(range, QLatin1String(spec.name))));
                from = *a;
                to = *b;
            }
        }
        for (int v = from; v <= to; v += step)
            bits[size_t(v)] = true;
    }
    return field.startsWith(QLatin1Char('*'));
}

QString expandMacro(const QString &text)
{
    static const QList<std::pair<QString, QString>> macros = {
        {QStringLiteral("@hourly"), QStringLiteral("0 * * * *")},
        {QStringLiteral("@daily"), QStringLiteral("0 0 * * *")},
        {QStringLiteral("@midnight"), QStringLiteral("0 0 * * *")},
        {QStringLiteral("@weekly"), QStringLiteral("0 0 * * 0")},
        {QStringLiteral("@monthly"), QStringLiteral("0 0 1 * *")},
        {QStringLiteral("@yearly"), QStringLiteral("0 0 1 1 *")},
        {QStringLiteral("@annually"), QStringLiteral("0 0 1 1 *")},
    };
    for (const auto &[name, fields] : macros)
        if (text == name)
            return fields;
    return {};
}

} // namespace

Result<CronExpression> CronExpression::parse(const QString &text)
{
    const QString trimmed = text.simplified();
    if (trimmed.isEmpty())
        return fail(Error::invalid(QStringLiteral("the cron expression is empty")));

    QString fieldsText = trimmed;
    if (trimmed.startsWith(QLatin1Char('@'))) {
        fieldsText = expandMacro(trimmed);
        if (fieldsText.isEmpty())
            return fail(Error::invalid(QStringLiteral("\"%1\" is not a schedule macro Sluice knows "
                                                      "(@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually)")
                                           .arg(trimmed)));
    }
    const QStringList fields = fieldsText.split(QLatin1Char(' '));
    if (fields.size() != 5)
        return fail(Error::invalid(QStringLiteral("\"%1\" has %2 fields; a cron expression has 5: minute hour day-of-month month day-of-week")
                                       .arg(trimmed).arg(fields.size())));

    CronExpression e;
    e.m_text = trimmed;
    std::vector<bool> bits;
    bool star[5] = {};
    for (int f = 0; f < 5; ++f) {
        auto s = parseField(kFields[f], fields[f], bits);
        if (!s)
            return fail(Error::invalid(QStringLiteral("invalid cron \"%1\": %2").arg(trimmed, s.error().message)));
        star[f] = *s;
        for (size_t v = 0; v < bits.size(); ++v) {
            if (!bits[v])
                continue;
            switch (f) {
            case 0: e.m_minutes.set(v); break;
            case 1: e.m_hours.set(v); break;
            case 2: e.m_daysOfMonth.set(v); break;
            case 3: e.m_months.set(v); break;
            case 4: e.m_daysOfWeek.set(v == 7 ? 0 : v); break;
            }
        }
    }
    e.m_minuteStar = star[0];
    e.m_hourStar = star[1];
    e.m_domStar = star[2];
    e.m_dowStar = star[4];
    return e;
}

bool CronExpression::dayMatches(int dayOfMonth, int dayOfWeek) const
{
    const bool dom = m_daysOfMonth.test(size_t(dayOfMonth));
    const bool dow = m_daysOfWeek.test(size_t(dayOfWeek));
    if (m_domStar || m_dowStar)
        return dom && dow;
    return dom || dow;
}

} // namespace sluice
