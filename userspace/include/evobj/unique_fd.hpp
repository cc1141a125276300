// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::unique_fd: a move-only owner of one file descriptor, the one
// piece of fd-owning code that event, device and the benchmarks share.
// Header-only, so that code using only the raw ioctls can have it too.
#pragma once

#include <cerrno>
#include <utility>

#include <unistd.h>

#include <evobj/export.hpp>

namespace evobj {

class unique_fd {
public:
    constexpr unique_fd() noexcept = default;
    /// Takes ownership of `fd` (or of nothing, if negative).
    constexpr explicit unique_fd(int fd) noexcept : fd_(fd) {}
    unique_fd(const unique_fd&) = delete;
    unique_fd& operator=(const unique_fd&) = delete;
    constexpr unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    unique_fd& operator=(unique_fd&& other) noexcept
    {
        // Right for a self-move too: other's fd is taken before ours closes.
        reset(std::exchange(other.fd_, -1));
        return *this;
    }
    /// Closes the fd; never throws, and leaves errno as it found it.
    ~unique_fd() { close_fd(fd_); }

    [[nodiscard]] constexpr int get() const noexcept { return fd_; }
    [[nodiscard]] constexpr bool valid() const noexcept { return fd_ >= 0; }
    constexpr explicit operator bool() const noexcept { return valid(); }

    /// Gives up ownership: returns the fd and leaves this object empty.
    [[nodiscard]] constexpr int release() noexcept { return std::exchange(fd_, -1); }
    /// Closes the fd owned so far, if any, and takes ownership of `fd`.
    void reset(int fd = -1) noexcept
    {
        const int old = std::exchange(fd_, fd);
        if (old != fd)
            close_fd(old);
    }

    friend constexpr void swap(unique_fd& a, unique_fd& b) noexcept { std::swap(a.fd_, b.fd_); }

private:
    static void close_fd(int fd) noexcept
    {
        if (fd < 0)
            return;
        // close(2) errors cannot be acted on here (the fd is gone either
        // way, even on EINTR), and callers checking errno after a scope
        // exit must not see them.
        const int saved = errno;
        ::close(fd);
        errno = saved;
    }

    int fd_ = -1;
};

} // namespace evobj
