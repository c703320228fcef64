#include "secretscrubber.h"

#include <QList>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <cstring>
#include <vector>
#include <utility>

namespace sluice {

struct SecretScrubber::Patterns
{
    static constexpr int kFilterBits = 16;

    QStringList values;                 // as added, to recognise a repeat
    QSet<QString> sources;              // every form's pattern, to skip duplicates
    QList<QRegularExpression> forms;    // one per form; run only on a line `any` matched
    QRegularExpression any;             // every form at once: a line it does not match is clean

    // The cheap first look. Every form holds an anchor: kMinimumLength characters that appear
    // verbatim in any text the form matches. A line in which no anchor occurs cannot hold a secret;
    // `filter` (one bit per hashed anchor) and `anchors` find that out in one pass over the line.
    QSet<quint64> anchors;
    std::vector<quint64> filter = std::vector<quint64>((1u << kFilterBits) / 64);
    bool unanchored = false;            // some form has no anchor: every line goes to the regexes

    static quint64 pack(const QChar *window)
    {
        quint64 key = 0;
        std::memcpy(&key, window, sizeof key);
        return key;
    }
    static quint32 slot(quint64 key) { return quint32((key * 0x9E3779B97F4A7C15ull) >> (64 - kFilterBits)); }

    void addAnchor(QStringView anchor)
    {
        const quint64 key = pack(anchor.data());
        anchors.insert(key);
        filter[slot(key) / 64] |= quint64(1) << (slot(key) % 64);
    }
    [[nodiscard]] bool mayHoldSecret(const QString &line) const
    {
        if (unanchored)
            return true;
        const QChar *data = line.constData();
        for (qsizetype i = 0; i + SecretScrubber::kMinimumLength <= line.size(); ++i) {
            const quint64 key = pack(data + i);
            if ((filter[slot(key) / 64] >> (slot(key) % 64)) & 1u && anchors.contains(key))
                return true;
        }
        return false;
    }
};
static_assert(SecretScrubber::kMinimumLength * sizeof(QChar) == sizeof(quint64), "an anchor is packed into 64 bits");

namespace {

QString hexClass(char digit)
{
    if (digit >= '0' && digit <= '9')
        return QString(QLatin1Char(digit));
    return QStringLiteral("[") + QLatin1Char(digit) + QLatin1Char(char(digit - 'A' + 'a')) + QLatin1Char(']');
}

// A pattern for `text` in which each character may also appear percent-encoded (any hex case, each
// character independently, so fully and partly encoded URLs both match) and a space may be `+`.
// Letters and digits are never encoded by anyone, so they stay literal.
QString urlFlexiblePattern(QStringView text)
{
    QString pattern;
    for (qsizetype i = 0; i < text.size(); ++i) {
        qsizetype length = 1;
        if (text[i].isHighSurrogate() && i + 1 < text.size() && text[i + 1].isLowSurrogate())
            length = 2;
        const QStringView ch = text.mid(i, length);
        i += length - 1;
        const bool alnum = length == 1 && ch[0].unicode() < 0x80 && ch[0].isLetterOrNumber();
        if (alnum) {
            pattern += ch;
            continue;
        }
        pattern += QStringLiteral("(?:") + QRegularExpression::escape(ch);
        pattern += QLatin1Char('|');
        const QByteArray bytes = ch.toUtf8().toHex().toUpper();
        for (qsizetype b = 0; b < bytes.size(); b += 2)
            pattern += QLatin1Char('%') + hexClass(bytes[b]) + hexClass(bytes[b + 1]);
        if (ch == QLatin1String(" "))
            pattern += QStringLiteral("|\\+");
        pattern += QLatin1Char(')');
    }
    return pattern;
}

// JSON string escaping as JSON loggers print it; `asciiOnly` also escapes non-ASCII (Python's default).
QString jsonEscaped(const QString &value, bool asciiOnly)
{
    QString out;
    for (const QChar c : value) {
        switch (c.unicode()) {
        case '"': out += QStringLiteral("\\\""); break;
        case '\\': out += QStringLiteral("\\\\"); break;
        case '\n': out += QStringLiteral("\\n"); break;
        case '\r': out += QStringLiteral("\\r"); break;
        case '\t': out += QStringLiteral("\\t"); break;
        case '\b': out += QStringLiteral("\\b"); break;
        case '\f': out += QStringLiteral("\\f"); break;
        default:
            if (c.unicode() < 0x20 || (asciiOnly && c.unicode() > 0x7e))
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            else
                out += c;
        }
    }
    return out;
}

// The parts of base64(prefix + value) that depend only on the value's bytes, for a prefix of
// `offset` bytes: the characters whose six bits all fall inside the value (the value is followed by
// more data), and those plus the last character up to the padding (the value ends the data, so the
// bits after it are zero: the password of a basic-auth header), with and without `=` padding.
QStringList base64Cores(const QByteArray &bytes, int offset, QByteArray::Base64Options options)
{
    const QByteArray encoded = (QByteArray(offset, '\0') + bytes).toBase64(options | QByteArray::OmitTrailingEquals);
    const qsizetype first = (8 * offset + 5) / 6;
    const qsizetype end = (8 * (offset + bytes.size())) / 6;
    QStringList cores;
    if (end > first)
        cores.append(QString::fromLatin1(encoded.mid(first, end - first)));
    if (encoded.size() > end && encoded.size() > first)
        cores.append(QString::fromLatin1(encoded.mid(first)));
    const QByteArray padded = (QByteArray(offset, '\0') + bytes).toBase64(options);
    if (padded.size() > encoded.size() && padded.size() > first)
        cores.append(QString::fromLatin1(padded.mid(first)));
    return cores;
}

bool isLiteralInPattern(QChar c)
{
    return c.unicode() < 0x80 && c.isLetterOrNumber(); // as urlFlexiblePattern() keeps them
}

struct Form
{
    QString source;   // the regex
    QString anchor;   // kMinimumLength characters every match holds verbatim; empty if there are none
};

// Every form of `value`.
QList<Form> formsOf(const QString &value)
{
    QStringList texts{value, jsonEscaped(value, false), jsonEscaped(value, true)};
    if (value.contains(QLatin1Char('\n'))) {
        for (QString line : value.split(QLatin1Char('\n'))) {
            if (line.endsWith(QLatin1Char('\r')))
                line.chop(1);
            texts.append(line.trimmed());
        }
    }
    QList<Form> forms;
    for (const QString &text : std::as_const(texts)) {
        if (text.size() < SecretScrubber::kMinimumLength)
            continue;
        Form form{urlFlexiblePattern(text), {}};
        // The first run of kMinimumLength characters that no encoding touches.
        for (qsizetype i = 0, run = 0; i < text.size(); ++i) {
            run = isLiteralInPattern(text[i]) ? run + 1 : 0;
            if (run == SecretScrubber::kMinimumLength) {
                form.anchor = text.mid(i + 1 - run, run);
                break;
            }
        }
        forms.append(form);
    }
    const QByteArray bytes = value.toUtf8();
    for (int offset = 0; offset < 3; ++offset) {
        for (auto options : {QByteArray::Base64Encoding, QByteArray::Base64UrlEncoding}) {
            for (const QString &core : base64Cores(bytes, offset, options))
                if (core.size() >= SecretScrubber::kMinimumLength)
                    forms.append({QRegularExpression::escape(core), core.left(SecretScrubber::kMinimumLength)});
        }
    }
    return forms;
}

} // namespace

SecretScrubber::SecretScrubber() = default;
SecretScrubber::~SecretScrubber() = default;

bool SecretScrubber::add(const QString &value)
{
    if (value.size() < kMinimumLength)
        return false;
    QWriteLocker locker(&m_lock);
    if (m_patterns && m_patterns->values.contains(value))
        return true;
    auto next = m_patterns ? std::make_shared<Patterns>(*m_patterns) : std::make_shared<Patterns>();
    next->values.append(value);
    for (const Form &form : formsOf(value)) {
        if (next->sources.contains(form.source))
            continue;
        next->sources.insert(form.source);
        QRegularExpression re(form.source);
        re.optimize();
        next->forms.append(re);
        if (form.anchor.isEmpty())
            next->unanchored = true;
        else
            next->addAnchor(form.anchor);
    }
    // Longest first: where forms start at one place, the prefilter reports the longest.
    QStringList all(next->sources.cbegin(), next->sources.cend());
    std::sort(all.begin(), all.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    next->any = QRegularExpression(QStringLiteral("(?:") + all.join(QStringLiteral(")|(?:")) + QLatin1Char(')'));
    next->any.optimize();
    m_patterns = std::move(next);
    m_count.storeRelease(int(m_patterns->values.size()));
    return true;
}

void SecretScrubber::clear()
{
    QWriteLocker locker(&m_lock);
    m_patterns.reset();
    m_count.storeRelease(0);
}

QString SecretScrubber::scrub(const QString &line) const
{
    if (m_count.loadAcquire() == 0)
        return line;
    std::shared_ptr<const Patterns> patterns;
    {
        QReadLocker locker(&m_lock);
        patterns = m_patterns;
    }
    if (!patterns || !patterns->mayHoldSecret(line))
        return line;
    const QRegularExpressionMatch first = patterns->any.match(line);
    if (!first.hasMatch())
        return line;

    // Every occurrence of every form, overlapping ones included, then their union.
    QList<std::pair<qsizetype, qsizetype>> spans;
    for (const QRegularExpression &form : patterns->forms) {
        for (qsizetype from = first.capturedStart(); from < line.size();) {
            const QRegularExpressionMatch m = form.match(line, from);
            if (!m.hasMatch())
                break;
            if (m.capturedLength() > 0)
                spans.append({m.capturedStart(), m.capturedEnd()});
            from = m.capturedStart() + 1;
        }
    }
    std::sort(spans.begin(), spans.end());
    QString out;
    out.reserve(line.size());
    qsizetype done = 0;
    for (qsizetype i = 0; i < spans.size();) {
        const qsizetype start = spans[i].first;
        qsizetype end = spans[i].second;
        for (++i; i < spans.size() && spans[i].first <= end; ++i)
            end = std::max(end, spans[i].second);
        out += QStringView(line).mid(done, start - done);
        out += mask();
        done = end;
    }
    out += QStringView(line).mid(done);
    return out;
}

} // namespace sluice
