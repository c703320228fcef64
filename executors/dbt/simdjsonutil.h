#pragma once

// Private to executors/dbt: lenient accessors over simdjson's DOM. A missing key, a null or a value of
// another type reads as the default, so that fields dbt added, dropped or nulled across versions never
// make a parse fail.

#include <QString>
#include <QStringList>

#include <simdjson.h>

namespace sluice::json {

inline QString qstr(const simdjson::dom::element &obj, std::string_view key)
{
    std::string_view s;
    if (obj[key].get(s) != simdjson::SUCCESS)
        return {};
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

inline double toNumber(const simdjson::dom::element &v, bool *ok = nullptr)
{
    double d = 0;
    int64_t i = 0;
    uint64_t u = 0;
    bool good = true;
    if (v.get(d) == simdjson::SUCCESS) {
    } else if (v.get(i) == simdjson::SUCCESS) {
        d = double(i);
    } else if (v.get(u) == simdjson::SUCCESS) {
        d = double(u);
    } else {
        good = false;
    }
    if (ok)
        *ok = good;
    return d;
}

inline double qnum(const simdjson::dom::element &obj, std::string_view key, bool *ok = nullptr)
{
    simdjson::dom::element v;
    if (obj[key].get(v) != simdjson::SUCCESS) {
        if (ok)
            *ok = false;
        return 0;
    }
    return toNumber(v, ok);
}

inline int qint(const simdjson::dom::element &obj, std::string_view key, bool *ok = nullptr)
{
    return int(qnum(obj, key, ok));
}

inline QStringList qstrings(const simdjson::dom::element &obj, std::string_view key)
{
    QStringList out;
    simdjson::dom::array a;
    if (obj[key].get(a) != simdjson::SUCCESS)
        return out;
    for (simdjson::dom::element v : a) {
        std::string_view s;
        if (v.get(s) == simdjson::SUCCESS)
            out.append(QString::fromUtf8(s.data(), qsizetype(s.size())));
    }
    return out;
}

} // namespace sluice::json
