// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The one error-code layer over evobj's ioctls, shared by the library's
// own throwing API (through syscall.hpp), the Win32 layer and the pevents
// drop-in. Every call is noexcept and returns 0 or a positive errno; each
// caller turns that into its own way of failing (std::system_error, a
// Win32 last error, pevents' errno return).
//
// Private: not installed, and header-only so that it needs no exported
// symbol. libevobj is built with -fvisibility=hidden and exports only
// what EVOBJ_API marks; the sibling libraries (libevobj-win32,
// libevobj-pevents) link to it as a shared library too, so anything
// out of line here would be out of their reach, or part of the ABI.
// Inline, each library gets its own (hidden) copy of a few instructions.
//
// errno is left as the failed call set it; callers use the returned code.
#pragma once

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <ctime>
#include <limits>
#include <system_error>

#include <sys/ioctl.h>

#include <linux/evobj.h>

#include <evobj/device.hpp>

// Hidden in whichever library includes it, whatever its own settings:
// the layer is never part of any library's ABI.
#pragma GCC visibility push(hidden)

namespace evobj::sys {

/// 0 if an ioctl succeeded, else the errno it failed with.
inline int result(int ret) noexcept
{
    return ret < 0 ? errno : 0;
}

/// The process-wide /dev/evobj fd (evobj::device::instance()) in `dev`;
/// the errno of the failed open, or ENOMEM, otherwise.
inline int device_fd(int& dev) noexcept
{
    try {
        dev = device::instance().native_handle();
        return 0;
    } catch (const std::system_error& e) {
        return e.code().value();
    } catch (...) {
        return ENOMEM;
    }
}

/// steady_clock::now() + `ms` milliseconds, as the kernel's absolute
/// CLOCK_MONOTONIC nanoseconds, for APIs that take relative timeouts:
/// taken once, so that a wait restarted after a signal keeps its deadline.
/// 0 stays 0 (already past: a test, never a wait); a deadline beyond
/// KTIME_MAX is EVOBJ_TIMEOUT_INFINITE (never). Each API maps its own
/// "infinite" sentinel before calling this.
inline std::uint64_t deadline_after_ms(std::uint64_t ms) noexcept
{
    if (ms == 0)
        return 0;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const std::uint64_t now_ns =
        static_cast<std::uint64_t>(now.tv_sec) * 1000000000U + static_cast<std::uint64_t>(now.tv_nsec);
    constexpr auto max_ns = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    if (ms > (max_ns - now_ns) / 1000000U)
        return EVOBJ_TIMEOUT_INFINITE; // beyond what the kernel can count: never
    return now_ns + ms * 1000000U;
}

/// EVOBJ_IOC_CREATE: the new event's fd in `fd`.
inline int create(int dev, std::uint32_t type, std::uint32_t flags, int& fd) noexcept
{
    evobj_create args{};
    args.type = type;
    args.flags = flags;
    fd = ::ioctl(dev, EVOBJ_IOC_CREATE, &args);
    return result(fd);
}

/// EVOBJ_IOC_CREATE_SEMAPHORE: the new semaphore's fd in `fd`.
inline int create_semaphore(int dev, std::uint32_t count, std::uint32_t max, std::uint32_t flags,
                            int& fd) noexcept
{
    evobj_semaphore args{};
    args.count = count;
    args.max = max;
    args.flags = flags;
    fd = ::ioctl(dev, EVOBJ_IOC_CREATE_SEMAPHORE, &args);
    return result(fd);
}

/// EVOBJ_IOC_CREATE_MUTEX: the new mutex's fd in `fd` (owner 0 and count
/// 0: unowned).
inline int create_mutex(int dev, std::uint32_t owner, std::uint32_t count, std::uint32_t flags,
                        int& fd) noexcept
{
    evobj_mutex args{};
    args.owner = owner;
    args.count = count;
    args.flags = flags;
    fd = ::ioctl(dev, EVOBJ_IOC_CREATE_MUTEX, &args);
    return result(fd);
}

/// EVOBJ_IOC_OPEN: the event's, semaphore's or mutex's fd in `fd`, args.result filled in.
inline int open(int dev, evobj_open& args, int& fd) noexcept
{
    fd = ::ioctl(dev, EVOBJ_IOC_OPEN, &args);
    return result(fd);
}

// The state changes, none of which sleeps (so no EINTR): the previous
// state in *prev, unless prev is nullptr (the kernel then writes none).
inline int set(int fd, std::uint32_t* prev = nullptr) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_SET, prev));
}

inline int reset(int fd, std::uint32_t* prev = nullptr) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_RESET, prev));
}

inline int pulse(int fd, std::uint32_t* prev = nullptr) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_PULSE, prev));
}

/// EVOBJ_IOC_READ.
inline int read(int fd, evobj_state& state) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_READ, &state));
}

/// EVOBJ_IOC_RELEASE: releases `n` units of a semaphore (none sleeps, so
/// no EINTR); the count before in *prev unless prev is nullptr. EOVERFLOW
/// past the maximum (nothing changed), EINVAL for n 0 or an event.
inline int release(int fd, std::uint32_t n, std::uint32_t* prev = nullptr) noexcept
{
    std::uint32_t inout = n; // n in, the previous count out
    if (::ioctl(fd, EVOBJ_IOC_RELEASE, &inout) != 0)
        return errno;
    if (prev)
        *prev = inout;
    return 0;
}

/// EVOBJ_IOC_READ_SEMAPHORE.
inline int read_semaphore(int fd, evobj_semaphore_state& state) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_READ_SEMAPHORE, &state));
}

/// EVOBJ_IOC_UNLOCK: gives one count of a mutex back for `owner` (none
/// sleeps, so no EINTR); the count before in *prev unless prev is
/// nullptr. EPERM if `owner` does not own it (nothing changed).
inline int unlock(int fd, std::uint32_t owner, std::uint32_t* prev = nullptr) noexcept
{
    evobj_mutex_unlock args{};
    args.owner = owner;
    if (::ioctl(fd, EVOBJ_IOC_UNLOCK, &args) != 0)
        return errno;
    if (prev)
        *prev = args.count;
    return 0;
}

/// EVOBJ_IOC_KILL: abandons a mutex that `owner` holds; EPERM otherwise.
inline int kill(int fd, std::uint32_t owner) noexcept
{
    std::uint32_t o = owner;
    return result(::ioctl(fd, EVOBJ_IOC_KILL, &o));
}

/// EVOBJ_IOC_READ_MUTEX.
inline int read_mutex(int fd, evobj_mutex_state& state) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_READ_MUTEX, &state));
}

/// EVOBJ_IOC_TIMER (expires 0 and period 0: disarm).
inline int timer(int fd, evobj_timer& args) noexcept
{
    return result(::ioctl(fd, EVOBJ_IOC_TIMER, &args));
}

/// EVOBJ_IOC_WAIT_ALL or EVOBJ_IOC_WAIT_ANY on the list, restarted after
/// EINTR with the same struct, hence the same absolute deadline: 0
/// (args.index says which object, or args.count for the alert),
/// EOWNERDEAD (the same, having acquired an abandoned mutex), ETIMEDOUT,
/// or the errno it failed with. The signal event was set
/// before the wait began and must not be set a second time (a waiter may
/// have consumed it in between): the kernel writes -1 into args.signal
/// when it is interrupted, and so does this loop, for the same struct to
/// be right to pass again.
inline int wait_list(int dev, bool all, evobj_wait& args) noexcept
{
    const unsigned long request = all ? EVOBJ_IOC_WAIT_ALL : EVOBJ_IOC_WAIT_ANY;
    while (::ioctl(dev, request, &args) != 0) {
        if (errno != EINTR)
            return errno;
        args.signal = -1;
    }
    return 0;
}

/// A wait on the objects that `fd` holds, a wait set's or an event fd's
/// own (EVOBJ_IOC_WAITSET_ANY, _ALL, EVOBJ_IOC_WAIT: struct
/// evobj_waitset_wait), restarted after EINTR as wait_list() is, for the
/// same reasons.
inline int held_wait(int fd, unsigned long request, evobj_waitset_wait& args) noexcept
{
    while (::ioctl(fd, request, &args) != 0) {
        if (errno != EINTR)
            return errno;
        args.signal = -1;
    }
    return 0;
}

/// wait_list(), but a wait-any on one object is EVOBJ_IOC_WAIT on that
/// object's own fd, which reads no list and looks up no fd: the commonest
/// wait, 17% cheaper on a signaled event. ENOTTY from it means that the
/// fd is no event (the list wait then says how, EINVAL or EBADF) or that
/// the module predates the ioctl; once a list wait has then succeeded,
/// the module is known to predate it, and the process stops trying.
inline int wait(int dev, bool all, evobj_wait& args) noexcept
{
    static constinit std::atomic<bool> one_wait{true};

    if (all || args.count != 1 || !one_wait.load(std::memory_order_relaxed))
        return wait_list(dev, all, args);
    evobj_waitset_wait one{
        .timeout = args.timeout,
        .flags = args.flags,
        .index = 0,
        .alert = args.alert,
        .signal = args.signal,
        .owner = args.owner,
        .pad = 0,
    };
    const int fd = *reinterpret_cast<const std::int32_t*>(static_cast<std::uintptr_t>(args.fds));
    const int ret = held_wait(fd, EVOBJ_IOC_WAIT, one);
    args.signal = one.signal;
    if (ret != ENOTTY) {
        args.index = one.index; // 1, the list's count, if the alert won
        return ret;
    }
    const int err = wait_list(dev, all, args);
    if (err == 0)
        one_wait.store(false, std::memory_order_relaxed);
    return err;
}

/// EVOBJ_IOC_WAITSET: the new wait set's fd in `fd`.
inline int waitset(int dev, evobj_waitset& args, int& fd) noexcept
{
    fd = ::ioctl(dev, EVOBJ_IOC_WAITSET, &args);
    return result(fd);
}

/// EVOBJ_IOC_WAITSET_ALL or _ANY on wait set `set`.
inline int waitset_wait(int set, bool all, evobj_waitset_wait& args) noexcept
{
    return held_wait(set, all ? EVOBJ_IOC_WAITSET_ALL : EVOBJ_IOC_WAITSET_ANY, args);
}

} // namespace evobj::sys

#pragma GCC visibility pop
