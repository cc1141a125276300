// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Against Linux's ntsync (6.14+), where /dev/ntsync exists: the same three
// operations on both, in one run: an uncontended set (EVENT_SET against
// EVOBJ_IOC_SET), a wait-any over 64 manual-reset events of which only the
// last is signaled, and a wait-all over 8 signaled manual-reset events
// (both complete at once, consuming nothing). evobj's wait set of the 64
// is shown beside its list. Semaphores: an uncontended release and take,
// and a ping-pong on two semaphores, with two calls a hop on both sides
// (ntsync has no signal-and-wait) and evobj's one-call hop beside them.
// Mutexes: an uncontended lock and unlock, and two owners handing one
// mutex back and forth.
// Where the kernel has no ntsync (Debian's 6.1 and 6.12), /dev/ntsync is
// evobj's own (its module parameter ntsync), and the ntsync rows time
// evobj behind ntsync's ABI: scripts/bench-ntsync.sh runs this under
// the real driver and under evobj's in turn. Without /dev/ntsync the
// benchmark says so and measures nothing.
//
// The ntsync ABI is declared here from its documentation, not included:
// the uapi header is missing below 6.14. Only the fields both of its
// published layouts share are set; the rest stay zero.

#include <fcntl.h>
#include <sys/ioctl.h>

#include <array>
#include <cstdint>
#include <iostream>
#include <string_view>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "pingpong.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

struct nt_event_args {
    std::uint32_t manual;
    std::uint32_t signaled;
};

struct nt_sem_args {
    std::uint32_t count;
    std::uint32_t max;
};

struct nt_mutex_args {
    std::uint32_t owner;
    std::uint32_t count;
};

struct nt_wait_args {
    std::uint64_t timeout; // absolute ns; ~0 never expires
    std::uint64_t objs;    // user address of __u32 fds[count]
    std::uint32_t count;
    std::uint32_t index;   // out
    std::uint32_t flags;
    std::uint32_t owner;
    std::uint32_t reserved[2]; // alert and padding in 6.14; zero
};
static_assert(sizeof(nt_wait_args) == 40);

constexpr unsigned long nt_create_event = _IOW('N', 0x87, nt_event_args);
constexpr unsigned long nt_wait_any = _IOWR('N', 0x82, nt_wait_args);
constexpr unsigned long nt_wait_all = _IOWR('N', 0x83, nt_wait_args);
constexpr unsigned long nt_event_set = _IOR('N', 0x88, std::uint32_t);
constexpr unsigned long nt_create_sem = _IOW('N', 0x80, nt_sem_args);
constexpr unsigned long nt_sem_release = _IOWR('N', 0x81, std::uint32_t);
constexpr unsigned long nt_create_mutex = _IOW('N', 0x84, nt_mutex_args);
constexpr unsigned long nt_mutex_unlock = _IOWR('N', 0x85, nt_mutex_args);

constexpr std::size_t many = 64, all = 8;

unique_fd nt_event(int dev, bool manual, bool signaled)
{
    nt_event_args args{.manual = manual, .signaled = signaled};
    return unique_fd(int(checked("NTSYNC_IOC_CREATE_EVENT", [&] { return ::ioctl(dev, nt_create_event, &args); })));
}

unique_fd nt_semaphore(int dev, std::uint32_t count, std::uint32_t max)
{
    nt_sem_args args{.count = count, .max = max};
    return unique_fd(int(checked("NTSYNC_IOC_CREATE_SEM", [&] { return ::ioctl(dev, nt_create_sem, &args); })));
}

std::uint32_t nt_release(int sem)
{
    std::uint32_t n = 1;
    checked("NTSYNC_IOC_SEM_RELEASE", [&] { return ::ioctl(sem, nt_sem_release, &n); });
    return n;
}

unique_fd nt_mutex(int dev)
{
    nt_mutex_args args{.owner = 0, .count = 0};
    return unique_fd(int(checked("NTSYNC_IOC_CREATE_MUTEX", [&] { return ::ioctl(dev, nt_create_mutex, &args); })));
}

void nt_unlock(int mutex, std::uint32_t owner)
{
    nt_mutex_args args{.owner = owner, .count = 0};
    checked("NTSYNC_IOC_MUTEX_UNLOCK", [&] { return ::ioctl(mutex, nt_mutex_unlock, &args); });
}

std::uint32_t nt_wait(int dev, bool wait_all, std::span<const std::int32_t> fds, std::uint32_t owner = 0)
{
    nt_wait_args args{};
    args.timeout = ~std::uint64_t{0};
    args.objs = reinterpret_cast<std::uintptr_t>(fds.data());
    args.count = std::uint32_t(fds.size());
    args.owner = owner;
    checked(wait_all ? "NTSYNC_IOC_WAIT_ALL" : "NTSYNC_IOC_WAIT_ANY",
            [&] { return ::ioctl(dev, wait_all ? nt_wait_all : nt_wait_any, &args); });
    return args.index;
}

// Two semaphores of one unit at most, one per side.
class nt_sem_channel {
public:
    explicit nt_sem_channel(int dev) : dev_(dev), sem_{nt_semaphore(dev, 0, 1), nt_semaphore(dev, 0, 1)}
    {
        fd_[0] = sem_[0].get();
        fd_[1] = sem_[1].get();
    }

    void post(int side) { nt_release(fd_[side]); }
    void wait(int side) { (void)nt_wait(dev_, false, {&fd_[side], 1}); }
    void post_and_wait(int p, int w)
    {
        post(p);
        wait(w);
    }

private:
    int dev_;
    unique_fd sem_[2];
    std::int32_t fd_[2];
};

// The same on evobj; OneCall releases the peer's as the wait's signal.
template <bool OneCall>
class evobj_sem_channel {
public:
    explicit evobj_sem_channel(int dev) : sem_{evobj_semaphore_create(dev, 0, 1), evobj_semaphore_create(dev, 0, 1)}
    {
    }

    void post(int side) { evobj_release(sem_[side].get()); }
    void wait(int side) { evobj_wait_fd(sem_[side].get()); }
    void post_and_wait(int p, int w)
    {
        if constexpr (OneCall) {
            evobj_wait_fd(sem_[w].get(), sem_[p].get());
        } else {
            post(p);
            wait(w);
        }
    }

private:
    unique_fd sem_[2];
};

void bench_semaphores(context& ctx, int n, int d)
{
    const unique_fd nt_sem = nt_semaphore(n, 0, 1);
    const unique_fd ev_sem = evobj_semaphore_create(d, 0, 1);
    const std::int32_t ns = nt_sem.get();
    const int es = ev_sem.get();
    measure_group(ctx, "ntsync-semaphore", "-", "release+take",
                  {{"ntsync SEM_RELEASE + WAIT_ANY", true, loop([&] {
                        nt_release(ns);
                        (void)nt_wait(n, false, {&ns, 1});
                    })},
                   {"evobj RELEASE + WAIT", false, loop([es] {
                        evobj_release(es);
                        evobj_wait_fd(es);
                    })}});

    nt_sem_channel nt(n);
    evobj_sem_channel<false> ev2(d);
    evobj_sem_channel<true> ev1(d);
    for (const char* where : {pingpong_cross_cpu, pingpong_same_cpu}) {
        const int cpu = std::string_view(where) == pingpong_same_cpu ? 0 : 1;
        measure_group(ctx, "ntsync-semaphore", where, "round-trip",
                      {make_variant(nt, "ntsync SEM_RELEASE + WAIT_ANY", cpu, true),
                       make_variant(ev2, "evobj RELEASE + WAIT", cpu),
                       make_variant(ev1, "evobj WAIT releasing the peer's", cpu)});
    }
}

// Two threads, owners 1 and 2, each taking one mutex and unlocking it n
// times. An unlock with the other queued hands the mutex over (FIFO), so
// once both run the owners alternate: each hop is an unlock that
// completes the other's wait, and a wait that blocks.
template <class Lock, class Unlock>
run_fn handoff(int echo_cpu, Lock lock, Unlock unlock)
{
    return [=](std::uint64_t n) {
        std::uint64_t elapsed = 0;
        {
            std::jthread other([&] {
                pin_to_cpu(echo_cpu);
                for (std::uint64_t i = 0; i < n; i++) {
                    lock(2);
                    unlock(2);
                }
            });
            std::jthread first([&] {
                pin_to_cpu(0);
                const std::uint64_t start = now_ns();
                for (std::uint64_t i = 0; i < n; i++) {
                    lock(1);
                    unlock(1);
                }
                other.join();
                elapsed = now_ns() - start;
            });
        } // Both joined here.
        return elapsed;
    };
}

void bench_mutexes(context& ctx, int n, int d)
{
    const unique_fd nt_mx = nt_mutex(n);
    const unique_fd ev_mx = evobj_mutex_create(d);
    const std::int32_t nm = nt_mx.get();
    const int em = ev_mx.get();
    measure_group(ctx, "ntsync-mutex", "-", "lock+unlock",
                  {{"ntsync WAIT_ANY + MUTEX_UNLOCK", true, loop([&] {
                        (void)nt_wait(n, false, {&nm, 1}, 1);
                        nt_unlock(nm, 1);
                    })},
                   {"evobj WAIT + UNLOCK", false, loop([em] {
                        evobj_mutex_wait(em, 1);
                        evobj_mutex_unlock(em, 1);
                    })}});
    for (const char* where : {pingpong_cross_cpu, pingpong_same_cpu}) {
        const int cpu = std::string_view(where) == pingpong_same_cpu ? 0 : 1;
        measure_group(ctx, "ntsync-mutex", where, "lock+unlock, two owners",
                      {{"ntsync WAIT_ANY + MUTEX_UNLOCK", true,
                        handoff(cpu, [n, nm](std::uint32_t o) { (void)nt_wait(n, false, {&nm, 1}, o); },
                                [nm](std::uint32_t o) { nt_unlock(nm, o); })},
                       {"evobj WAIT + UNLOCK", false,
                        handoff(cpu, [em](std::uint32_t o) { evobj_mutex_wait(em, o); },
                                [em](std::uint32_t o) { (void)evobj_mutex_unlock(em, o); })}});
    }
}

} // namespace

void bench_ntsync(context& ctx)
{
    const unique_fd nt(::open("/dev/ntsync", O_RDWR | O_CLOEXEC));
    if (nt.get() < 0) {
        std::cerr << "ntsync: /dev/ntsync is absent (Linux 6.14+, one built out of tree, or evobj's): skipped\n";
        return;
    }
    const unique_fd dev = evobj_open_device();
    const int n = nt.get(), d = dev.get();

    const unique_fd nt_set_ev = nt_event(n, false, false);
    const unique_fd ev_set_ev = evobj_create(d, EVOBJ_SYNCHRONIZATION);
    const int ns = nt_set_ev.get(), es = ev_set_ev.get();
    measure_group(ctx, "ntsync", "-", "set",
                  {{"ntsync EVENT_SET", true, loop([ns] {
                        std::uint32_t prev;
                        checked("NTSYNC_IOC_EVENT_SET", [&] { return ::ioctl(ns, nt_event_set, &prev); });
                    })},
                   {"evobj SET ioctl", false, loop([es] { evobj_set(es); })}});

    std::vector<unique_fd> owned;
    std::array<std::int32_t, many> nt_many, ev_many;
    for (std::size_t i = 0; i < many; i++) {
        owned.push_back(nt_event(n, true, i == many - 1));
        nt_many[i] = owned.back().get();
        owned.push_back(evobj_create(d, EVOBJ_NOTIFICATION, i == many - 1 ? EVOBJ_SIGNALED : 0));
        ev_many[i] = owned.back().get();
    }
    const unique_fd set = evobj_waitset_create(d, ev_many);
    const int s = set.get();
    measure_group(ctx, "ntsync", "64", "wait-any",
                  {{"ntsync WAIT_ANY on 64, last ready", true,
                    loop([&] { expect(nt_wait(n, false, nt_many) == many - 1, "ntsync: not the last"); })},
                   {"evobj WAIT_ANY on 64, last ready", false,
                    loop([&] { expect(evobj_wait_any(d, ev_many) == many - 1, "evobj: not the last"); })},
                   {"evobj WAITSET_ANY on a set of the 64", false,
                    loop([&] { expect(evobj_waitset_any(s) == many - 1, "evobj set: not the last"); })}});

    std::array<std::int32_t, all> nt_all, ev_all;
    for (std::size_t i = 0; i < all; i++) {
        owned.push_back(nt_event(n, true, true));
        nt_all[i] = owned.back().get();
        owned.push_back(evobj_create(d, EVOBJ_NOTIFICATION, EVOBJ_SIGNALED));
        ev_all[i] = owned.back().get();
    }
    measure_group(ctx, "ntsync", "8", "wait-all",
                  {{"ntsync WAIT_ALL on 8 signaled", true, loop([&] { (void)nt_wait(n, true, nt_all); })},
                   {"evobj WAIT_ALL on 8 signaled", false, loop([&] { evobj_wait_all(d, ev_all); })}});

    bench_semaphores(ctx, n, d);
    bench_mutexes(ctx, n, d);
}

} // namespace evobj::bench
