// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Thin checked wrappers of the system calls under comparison.

#include "sys.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <stdexcept>

namespace evobj::bench {

void throw_errno(const char* what)
{
    throw std::system_error(errno, std::system_category(), what);
}

std::uint64_t now_ns() noexcept
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return std::uint64_t(ts.tv_sec) * 1'000'000'000u + std::uint64_t(ts.tv_nsec);
}

void expect(bool ok, const char* what)
{
    if (!ok)
        throw std::runtime_error(what);
}

unique_fd evobj_open_device()
{
    return unique_fd(int(checked("open /dev/evobj", [] { return ::open("/dev/evobj", O_RDWR | O_CLOEXEC); })));
}

unique_fd evobj_create(int dev, std::uint32_t type, std::uint32_t flags)
{
    struct evobj_create args{.type = type, .flags = flags | EVOBJ_CLOEXEC};
    return unique_fd(int(checked("EVOBJ_IOC_CREATE", [&] { return ::ioctl(dev, EVOBJ_IOC_CREATE, &args); })));
}

// The benchmarks discard the previous state, so they do not ask for it
// (a null argument), as eventfd's write() reports nothing either.
void evobj_set(int ev)
{
    checked("EVOBJ_IOC_SET", [&] { return ::ioctl(ev, EVOBJ_IOC_SET, nullptr); });
}

bool evobj_set_prev(int ev)
{
    std::uint32_t prev = 0;
    checked("EVOBJ_IOC_SET", [&] { return ::ioctl(ev, EVOBJ_IOC_SET, &prev); });
    return prev != 0;
}

void evobj_reset(int ev)
{
    checked("EVOBJ_IOC_RESET", [&] { return ::ioctl(ev, EVOBJ_IOC_RESET, nullptr); });
}

bool evobj_read_state(int ev)
{
    evobj_state state;
    checked("EVOBJ_IOC_READ", [&] { return ::ioctl(ev, EVOBJ_IOC_READ, &state); });
    return state.signaled != 0;
}

std::uint32_t evobj_wait_any(int dev, std::span<const std::int32_t> fds, int signal)
{
    evobj_wait args{
        .timeout = EVOBJ_TIMEOUT_INFINITE,
        .fds = reinterpret_cast<std::uintptr_t>(fds.data()),
        .count = std::uint32_t(fds.size()),
        .index = 0,
        .flags = 0,
        .alert = -1,
        .signal = signal,
        .owner = 0,
    };
    // Retried with the same struct after EINTR: the kernel has reset its
    // .signal to -1 by then, so the retry does not set the event twice.
    checked("EVOBJ_IOC_WAIT_ANY", [&] { return ::ioctl(dev, EVOBJ_IOC_WAIT_ANY, &args); });
    return args.index;
}

void evobj_wait_all(int dev, std::span<const std::int32_t> fds)
{
    evobj_wait args{
        .timeout = EVOBJ_TIMEOUT_INFINITE,
        .fds = reinterpret_cast<std::uintptr_t>(fds.data()),
        .count = std::uint32_t(fds.size()),
        .index = 0,
        .flags = 0,
        .alert = -1,
        .signal = -1,
        .owner = 0,
    };
    checked("EVOBJ_IOC_WAIT_ALL", [&] { return ::ioctl(dev, EVOBJ_IOC_WAIT_ALL, &args); });
}

unique_fd evobj_waitset_create(int dev, std::span<const std::int32_t> fds)
{
    const evobj_waitset args{
        .fds = reinterpret_cast<std::uintptr_t>(fds.data()),
        .count = std::uint32_t(fds.size()),
        .flags = EVOBJ_CLOEXEC,
    };
    return unique_fd(int(checked("EVOBJ_IOC_WAITSET", [&] { return ::ioctl(dev, EVOBJ_IOC_WAITSET, &args); })));
}

namespace {

// A wait-set wait's argument (EVOBJ_IOC_WAITSET_ANY, EVOBJ_IOC_WAIT) with
// no timeout or alert; returns the index.
std::uint32_t infinite_waitset_wait(int fd, unsigned long request, const char* name, int signal,
                                    std::uint32_t owner = 0)
{
    evobj_waitset_wait args{
        .timeout = EVOBJ_TIMEOUT_INFINITE,
        .flags = 0,
        .index = 0,
        .alert = -1,
        .signal = signal,
        .owner = owner,
        .pad = 0,
    };
    checked(name, [&] { return ::ioctl(fd, request, &args); });
    return args.index;
}

} // namespace

void evobj_wait_fd(int ev, int signal)
{
    (void)infinite_waitset_wait(ev, EVOBJ_IOC_WAIT, "EVOBJ_IOC_WAIT", signal);
}

std::uint32_t evobj_waitset_any(int set)
{
    return infinite_waitset_wait(set, EVOBJ_IOC_WAITSET_ANY, "EVOBJ_IOC_WAITSET_ANY", -1);
}

unique_fd evobj_semaphore_create(int dev, std::uint32_t count, std::uint32_t max)
{
    struct evobj_semaphore args{.count = count, .max = max, .flags = EVOBJ_CLOEXEC, .pad = 0};
    return unique_fd(
        int(checked("EVOBJ_IOC_CREATE_SEMAPHORE", [&] { return ::ioctl(dev, EVOBJ_IOC_CREATE_SEMAPHORE, &args); })));
}

std::uint32_t evobj_release(int sem, std::uint32_t n)
{
    checked("EVOBJ_IOC_RELEASE", [&] { return ::ioctl(sem, EVOBJ_IOC_RELEASE, &n); });
    return n;
}

unique_fd evobj_mutex_create(int dev)
{
    evobj_mutex args{.owner = 0, .count = 0, .flags = EVOBJ_CLOEXEC, .pad = 0};
    return unique_fd(int(checked("EVOBJ_IOC_CREATE_MUTEX", [&] { return ::ioctl(dev, EVOBJ_IOC_CREATE_MUTEX, &args); })));
}

void evobj_mutex_wait(int mutex, std::uint32_t owner)
{
    (void)infinite_waitset_wait(mutex, EVOBJ_IOC_WAIT, "EVOBJ_IOC_WAIT", -1, owner);
}

std::uint32_t evobj_mutex_unlock(int mutex, std::uint32_t owner)
{
    struct evobj_mutex_unlock args{.owner = owner, .count = 0};
    checked("EVOBJ_IOC_UNLOCK", [&] { return ::ioctl(mutex, EVOBJ_IOC_UNLOCK, &args); });
    return args.count;
}

void evobj_arm_timer(int ev, std::uint64_t expires)
{
    evobj_timer args{.expires = expires, .period = 0, .flags = 0, .pad = 0};
    checked("EVOBJ_IOC_TIMER", [&] { return ::ioctl(ev, EVOBJ_IOC_TIMER, &args); });
}

void futex_wait(const std::uint32_t* word, std::uint32_t expected)
{
    // EAGAIN (the word already changed) and EINTR both mean "look again",
    // which every caller does in its loop.
    if (::syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, expected, nullptr, nullptr, 0) < 0 &&
        errno != EAGAIN && errno != EINTR)
        throw_errno("FUTEX_WAIT");
}

void futex_wake(const std::uint32_t* word, int count)
{
    checked("FUTEX_WAKE", [&] { return ::syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, count, nullptr, nullptr, 0); });
}

unique_fd make_eventfd(int flags)
{
    return unique_fd(int(checked("eventfd", [&] { return ::eventfd(0, flags | EFD_CLOEXEC); })));
}

void eventfd_add(int fd, std::uint64_t value)
{
    checked("eventfd write", [&] { return ::write(fd, &value, sizeof(value)); });
}

std::uint64_t eventfd_take(int fd)
{
    std::uint64_t value;
    checked("eventfd read", [&] { return ::read(fd, &value, sizeof(value)); });
    return value;
}

std::pair<unique_fd, unique_fd> make_pipe()
{
    int fds[2];
    checked("pipe2", [&] { return ::pipe2(fds, O_CLOEXEC); });
    return {unique_fd(fds[0]), unique_fd(fds[1])};
}

void write_byte(int fd)
{
    const char byte = 1;
    checked("pipe write", [&] { return ::write(fd, &byte, 1); });
}

void read_byte(int fd)
{
    char byte;
    if (checked("pipe read", [&] { return ::read(fd, &byte, 1); }) != 1)
        throw std::system_error(EPIPE, std::system_category(), "pipe read: end of file");
}

unique_fd make_timerfd()
{
    return unique_fd(int(checked("timerfd_create", [] { return ::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC); })));
}

void timerfd_arm(int fd, std::uint64_t expires)
{
    itimerspec spec{};
    spec.it_value.tv_sec = time_t(expires / 1'000'000'000u);
    spec.it_value.tv_nsec = long(expires % 1'000'000'000u);
    checked("timerfd_settime", [&] { return ::timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, nullptr); });
}

namespace {

// The CPUs the process started with, before any thread pinned itself.
const cpu_set_t& initial_cpus() noexcept
{
    static const cpu_set_t set = [] {
        cpu_set_t s;
        CPU_ZERO(&s);
        if (sched_getaffinity(0, sizeof(s), &s) != 0)
            CPU_SET(0, &s);
        return s;
    }();
    return set;
}

} // namespace

void pin_to_cpu(int cpu)
{
    const int n = online_cpus();
    if (n < 2)
        return;
    // The (cpu mod n)-th CPU of the initial set.
    int k = cpu % n;
    for (int id = 0; id < CPU_SETSIZE; id++) {
        if (!CPU_ISSET(id, &initial_cpus()) || k-- > 0)
            continue;
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(id, &set);
        if (const int err = pthread_setaffinity_np(pthread_self(), sizeof(set), &set))
            throw std::system_error(err, std::system_category(), "pthread_setaffinity_np");
        return;
    }
}

int online_cpus() noexcept
{
    return CPU_COUNT(&initial_cpus());
}

int thread_id() noexcept
{
    return int(::syscall(SYS_gettid));
}

} // namespace evobj::bench
