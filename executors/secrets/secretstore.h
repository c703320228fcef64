#pragma once

#include "core/error.h"

#include <QCoro/QCoroTask>
#include <QString>

#include <chrono>
#include <optional>

namespace sluice {

// The system keychain (Secret Service on Linux, through QtKeychain) under the service name `sluice`.
//
// Keys name what a secret is for (see validateKey()):
//   org/<slug>/<item>     e.g. org/acme/warehouse, org/acme/git-token
//   airbyte/<server>      e.g. airbyte/localhost:8000
//   notify/<channel>      e.g. notify/acme-slack or notify/acme/slack
//
// Every operation is a coroutine that never blocks the thread it runs on; the thread needs a running
// event loop. Whichever thread asks, every operation of the process runs on one thread of its own
// (QtKeychain is not made for several threads of one process), one job at a time, so operations
// queue behind each other.
//
// Guarantees:
// - Values live only in the keychain: the insecure plain-file fallback of QtKeychain is switched off
//   for every job, so no value is ever written to a file.
// - "Not found" is a normal answer (std::nullopt / false), never an Error.
// - No value ever appears in an Error message or a log line.
// - When no keychain is reachable (no D-Bus session bus, nothing on it that provides the Secret
//   Service or KWallet), the operation fails with an Error that names the problem and the fix.
//
// Error kinds: Invalid for a malformed key or an empty value, and for access the user refused at a
// keychain prompt; Internal for everything on the keychain's side (unreachable, locked, failing).
// isUnavailable() tells the "no keychain" case apart.
//
// A SecretStore is a cheap value; it may be destroyed while its operations run (they keep copies of
// what they need). Do not destroy a Task while it is suspended.
class SecretStore
{
public:
    static constexpr auto kDefaultTimeout = std::chrono::seconds(60);

    // `service` is `sluice` except in tests that need an isolated namespace.
    explicit SecretStore(QString service = QStringLiteral("sluice"));

    // How long one keychain operation may take before it fails (a locked keychain may be waiting
    // for a password prompt). The default is kDefaultTimeout. A job that timed out is left to end
    // on its own (QtKeychain cannot cancel it), and until it does, later operations in this process
    // queue behind it.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    [[nodiscard]] const QString &service() const { return m_service; }

    // The value stored under `key`, or std::nullopt when there is none.
    [[nodiscard]] QCoro::Task<Result<std::optional<QString>>> get(QString key) const;
    // Stores `value` under `key`, replacing any earlier value. An empty value is refused.
    [[nodiscard]] QCoro::Task<Result<void>> set(QString key, QString value) const;
    // Removes `key`; removing a key that is not set succeeds.
    [[nodiscard]] QCoro::Task<Result<void>> remove(QString key) const;
    // Whether a value is stored under `key`.
    [[nodiscard]] QCoro::Task<Result<bool>> check(QString key) const;
    // Ok when a keychain answers on the session bus; otherwise the "no keychain" Error
    // (isUnavailable()). Reads nothing from the keychain, so it never prompts.
    [[nodiscard]] QCoro::Task<Result<void>> probe() const;

    // Ok when `key` follows the grammar above; otherwise an Invalid error that says what is allowed.
    [[nodiscard]] static Result<void> validateKey(const QString &key);

    // Builders for the keys other parts of Sluice use.
    [[nodiscard]] static QString warehouseKey(const QString &orgSlug);
    [[nodiscard]] static QString gitTokenKey(const QString &orgSlug);
    [[nodiscard]] static QString airbyteKey(const QString &server);
    [[nodiscard]] static QString notifyKey(const QString &channel);

    // Whether `error` came from an unreachable keychain (rather than a bad key or a failing one).
    [[nodiscard]] static bool isUnavailable(const Error &error);

private:
    QString m_service;
    std::chrono::milliseconds m_timeout = kDefaultTimeout;
};

} // namespace sluice
