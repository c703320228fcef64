#pragma once
// Private to executors/git: small RAII values over libgit2 handles and the error capture.
// Never included from a public header (libgit2 is a private dependency of sluice_executors).

#include "gittypes.h"

#include <git2.h>

#include <utility>

namespace sluice::git {

// Owns one libgit2 handle; move-only; frees it with the matching git_*_free.
template<class T, void (*Free)(T *)>
class Handle
{
public:
    Handle() = default;
    explicit Handle(T *p) : m_p(p) {}
    Handle(Handle &&o) noexcept : m_p(std::exchange(o.m_p, nullptr)) {}
    Handle &operator=(Handle &&o) noexcept
    {
        if (this != &o) {
            reset();
            m_p = std::exchange(o.m_p, nullptr);
        }
        return *this;
    }
    Handle(const Handle &) = delete;
    Handle &operator=(const Handle &) = delete;
    ~Handle() { reset(); }

    [[nodiscard]] T *get() const { return m_p; }
    // For libgit2's out-parameters: frees what is held and hands out the empty slot.
    [[nodiscard]] T **out()
    {
        reset();
        return &m_p;
    }
    void reset()
    {
        if (m_p)
            Free(m_p);
        m_p = nullptr;
    }
    explicit operator bool() const { return m_p != nullptr; }

private:
    T *m_p = nullptr;
};

using Repository = Handle<git_repository, git_repository_free>;
using Remote = Handle<git_remote, git_remote_free>;
using Reference = Handle<git_reference, git_reference_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Object = Handle<git_object, git_object_free>;
using StatusList = Handle<git_status_list, git_status_list_free>;

// The error libgit2 recorded for this thread, captured at once, as "<what>: <libgit2's message>".
[[nodiscard]] GitError lastError(int code, const QString &what);

} // namespace sluice::git
