#pragma once

#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <coroutine>

namespace sluice {

// A one-way gate coroutines can co_await: open() resumes every waiter, each from the event loop (never
// inside the caller of open()), and later co_awaits pass at once until close(). Waiters whose context
// object is gone are dropped. (QCoro's signal awaiter is not used for repeating signals: a signal
// emitted twice before its queued delivery resumes a destroyed awaiter.)
class Latch
{
public:
    explicit Latch(QObject *context) : m_context(context) {}

    void open()
    {
        m_open = true;
        const QList<std::coroutine_handle<>> waiters = std::exchange(m_waiters, {});
        for (std::coroutine_handle<> h : waiters)
            QMetaObject::invokeMethod(m_context, [h] { h.resume(); }, Qt::QueuedConnection);
    }
    void close() { m_open = false; }
    [[nodiscard]] bool isOpen() const { return m_open; }

    auto operator co_await() noexcept
    {
        struct Awaiter
        {
            Latch &latch;
            bool await_ready() const noexcept { return latch.m_open; }
            void await_suspend(std::coroutine_handle<> h) { latch.m_waiters.append(h); }
            void await_resume() const noexcept {}
        };
        return Awaiter{*this};
    }

private:
    QPointer<QObject> m_context;
    QList<std::coroutine_handle<>> m_waiters;
    bool m_open = false;
};

} // namespace sluice
