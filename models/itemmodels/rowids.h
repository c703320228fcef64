#pragma once

#include <QList>

#include <algorithm>

namespace sluice {

// For item models whose rows are records with an `id`: whether a new list holds the same records in the
// same order (then a model updates those rows in place rather than resetting, and views keep their
// selection), and the row of an id (-1 when absent).
template <typename T>
[[nodiscard]] bool sameRowIds(const QList<T> &a, const QList<T> &b)
{
    return a.size() == b.size() && std::equal(a.cbegin(), a.cend(), b.cbegin(), [](const T &x, const T &y) { return x.id == y.id; });
}

template <typename T>
[[nodiscard]] int rowOfId(const QList<T> &rows, qint64 id)
{
    const auto it = std::find_if(rows.cbegin(), rows.cend(), [id](const T &r) { return r.id == id; });
    return it == rows.cend() ? -1 : int(it - rows.cbegin());
}

} // namespace sluice
