#pragma once
// Small helpers shared by the double's translation units.

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace sluice::test::airbytedouble {

inline QString newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

inline qint64 nowSecs()
{
    return QDateTime::currentSecsSinceEpoch();
}

inline QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline QByteArray knownException(const QString &message, const QString &exceptionClass)
{
    return json({{QStringLiteral("message"), message}, {QStringLiteral("exceptionClassName"), exceptionClass},
                 {QStringLiteral("exceptionStack"), QJsonArray()}});
}

} // namespace sluice::test::airbytedouble
