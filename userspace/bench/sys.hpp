// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The raw system calls the benchmarks compare: evobj's ioctls, futex,
// eventfd, pipe, epoll and timerfd, each as a thin checked wrapper.
//
// Both sides of every comparison go through the same kind of wrapper (one
// syscall, errno turned into std::system_error, EINTR retried), so that
// the figures measure the kernel paths and nothing else. The evobj side
// uses the uapi directly rather than the C++ library for the same reason.
#pragma once

#include <linux/evobj.h>

#include <evobj/unique_fd.hpp>

#include <cerrno>
#include <cstdint>
#include <span>
#include <system_error>
#include <utility>

namespace evobj::bench {

[[noreturn]] void throw_errno(const char* what);

/// Runs `call` again while a signal interrupts it; throws on any other
/// error. Returns its non-negative result.
template <class F>
long checked(const char* what, F&& call)
{
    for (;;) {
        const long ret = call();
        if (ret >= 0)
            return ret;
        if (errno != EINTR)
            throw_errno(what);
    }
}

/// Throws std::runtime_error(what) unless `ok`: a figure measured a wrong result.
void expect(bool ok, const char* what);

/// The library's fd owner, header-only (the benchmarks do not link libevobj).
using evobj::unique_fd;

/// CLOCK_MONOTONIC in nanoseconds: the clock of evobj timeouts and timers.
[[nodiscard]] std::uint64_t now_ns() noexcept;

// evobj.
[[nodiscard]] unique_fd evobj_open_device();
[[nodiscard]] unique_fd evobj_create(int dev, std::uint32_t type, std::uint32_t flags = 0);
void evobj_set(int ev);
/// EVOBJ_IOC_SET asking for the previous state, as the library does.
bool evobj_set_prev(int ev);
void evobj_reset(int ev);
/// EVOBJ_IOC_READ: true if signaled.
bool evobj_read_state(int ev);
/// EVOBJ_IOC_WAIT_ANY with no timeout; sets `signal` first unless -1.
/// Returns the winning index.
std::uint32_t evobj_wait_any(int dev, std::span<const std::int32_t> fds, int signal = -1);
/// EVOBJ_IOC_WAIT on the event fd itself, with no timeout; sets `signal`
/// first unless -1.
void evobj_wait_fd(int ev, int signal = -1);
/// EVOBJ_IOC_WAIT_ALL with no timeout.
void evobj_wait_all(int dev, std::span<const std::int32_t> fds);
/// EVOBJ_IOC_WAITSET over `fds`.
[[nodiscard]] unique_fd evobj_waitset_create(int dev, std::span<const std::int32_t> fds);
/// EVOBJ_IOC_WAITSET_ANY with no timeout. Returns the winning index.
std::uint32_t evobj_waitset_any(int set);
/// EVOBJ_IOC_CREATE_SEMAPHORE.
[[nodiscard]] unique_fd evobj_semaphore_create(int dev, std::uint32_t count, std::uint32_t max);
/// EVOBJ_IOC_RELEASE of `n` units; returns the previous count.
std::uint32_t evobj_release(int sem, std::uint32_t n = 1);
/// EVOBJ_IOC_CREATE_MUTEX, unowned.
[[nodiscard]] unique_fd evobj_mutex_create(int dev);
/// EVOBJ_IOC_WAIT on the mutex fd for `owner`, with no timeout.
void evobj_mutex_wait(int mutex, std::uint32_t owner);
/// EVOBJ_IOC_UNLOCK by `owner`; returns the previous count.
std::uint32_t evobj_mutex_unlock(int mutex, std::uint32_t owner);
/// Arms the event's hardirq timer to fire once at `expires` (CLOCK_MONOTONIC ns).
void evobj_arm_timer(int ev, std::uint64_t expires);

// futex, private to the process.
void futex_wait(const std::uint32_t* word, std::uint32_t expected);
void futex_wake(const std::uint32_t* word, int count);

// eventfd, pipe, epoll, timerfd.
[[nodiscard]] unique_fd make_eventfd(int flags = 0);
void eventfd_add(int fd, std::uint64_t value = 1);
std::uint64_t eventfd_take(int fd);
/// Returns {read end, write end}.
[[nodiscard]] std::pair<unique_fd, unique_fd> make_pipe();
void write_byte(int fd);
void read_byte(int fd);
[[nodiscard]] unique_fd make_timerfd();
void timerfd_arm(int fd, std::uint64_t expires);

/// Pins the calling thread to `cpu` if the machine has more than one.
void pin_to_cpu(int cpu);
/// How many CPUs this process may run on.
[[nodiscard]] int online_cpus() noexcept;
/// The calling thread's kernel id.
[[nodiscard]] int thread_id() noexcept;

} // namespace evobj::bench
