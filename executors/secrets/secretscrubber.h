#pragma once

#include <QAtomicInteger>
#include <QReadWriteLock>
#include <QString>

#include <memory>

namespace sluice {

// Replaces every known secret value with `****` in a line before it is stored or shown.
//
// For each value added it masks, wherever they occur (overlapping or adjacent occurrences of one or
// several values become a single `****`; the mask never reveals a value's length):
// - the value itself;
// - the value URL-encoded, fully or partly, with upper- or lower-case hex, `+` for a space (a
//   password in a connection URL or a form body);
// - the value base64- and base64url-encoded at any byte alignment, so it is caught inside a longer
//   encoded string such as the `user:password` of an HTTP basic-auth header (the one or two
//   characters at either edge that also depend on the neighbouring bytes stay visible; they cannot
//   reveal the value);
// - the value JSON-escaped (quotes, backslashes, control characters, non-ASCII as \uXXXX), as tools
//   that log JSON print it;
// - for a multi-line value (a service-account JSON, a private key), each of its lines, since the log
//   is scrubbed one line at a time.
//
// Values (and derived line pieces) shorter than kMinimumLength characters are ignored: masking every
// `abc` would destroy the logs while protecting nothing a guesser could not find anyway. A real
// credential is far longer; add() reports when a value was ignored.
//
// Thread safety: scrub() may be called from any number of threads at once, also while another thread
// calls add() or clear() (a scrub sees the values from before or after the change, never a mix).
// Cost: with no values, scrub() is one atomic load; with values, a line that holds none of them
// costs one hashed look-up per character (each form has a literal "anchor" that any match contains);
// only lines with an anchor go through the regexes. A value without four consecutive ASCII letters
// or digits has no anchor in its plain form, and then every line goes through the regexes.
class SecretScrubber
{
public:
    static constexpr qsizetype kMinimumLength = 4;

    SecretScrubber();
    ~SecretScrubber();
    SecretScrubber(const SecretScrubber &) = delete;
    SecretScrubber &operator=(const SecretScrubber &) = delete;

    // Adds a value to mask. Returns false if it was ignored (shorter than kMinimumLength).
    // Adding a value twice is harmless.
    bool add(const QString &value);
    // Forgets every value.
    void clear();

    [[nodiscard]] bool isEmpty() const { return m_count.loadAcquire() == 0; }
    // `line` with every occurrence of every known value (in every form above) replaced by mask().
    [[nodiscard]] QString scrub(const QString &line) const;

    [[nodiscard]] static QString mask() { return QStringLiteral("****"); }

private:
    struct Patterns;

    mutable QReadWriteLock m_lock;
    std::shared_ptr<const Patterns> m_patterns;   // immutable once published; replaced under m_lock
    QAtomicInteger<int> m_count = 0;              // number of values; 0 = fast path
};

} // namespace sluice
