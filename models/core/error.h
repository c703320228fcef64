#pragma once

#include <QString>

#include <expected>

namespace sluice {

// What went wrong, in words a person can act on. `message` names the problem and, where there is
// one, the fix. Kinds let callers (the CLI's exit code, the GUI's dialog) react without parsing text.
struct Error
{
    enum class Kind {
        Invalid,        // the user's input breaks a rule (bad URL, unknown flag, invalid cron)
        NotFound,       // a named thing does not exist
        Conflict,       // the input is valid but clashes with what is stored (duplicate slug, in use)
        LeaseLost,      // a run's holder no longer holds its locks (the lease expired or was taken over):
                        // it must stop and write nothing more for that run
        Database,       // the database could not be reached or a statement failed
        Schema,         // the database's schema is missing, older or newer than this build
        Internal,       // a bug or an unexpected state
    };

    Kind kind = Kind::Internal;
    QString message;

    [[nodiscard]] bool isUserError() const
    {
        return kind == Kind::Invalid || kind == Kind::NotFound || kind == Kind::Conflict;
    }

    static Error invalid(QString m) { return {Kind::Invalid, std::move(m)}; }
    static Error notFound(QString m) { return {Kind::NotFound, std::move(m)}; }
    static Error conflict(QString m) { return {Kind::Conflict, std::move(m)}; }
    static Error leaseLost(QString m) { return {Kind::LeaseLost, std::move(m)}; }
    static Error database(QString m) { return {Kind::Database, std::move(m)}; }
    static Error schema(QString m) { return {Kind::Schema, std::move(m)}; }
    static Error internal(QString m) { return {Kind::Internal, std::move(m)}; }
};

template<class T>
using Result = std::expected<T, Error>;

// Shorthand for returning an error from a function that returns Result<T>.
inline std::unexpected<Error> fail(Error e) { return std::unexpected<Error>(std::move(e)); }

} // namespace sluice
