// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Ping-pong: two threads on two CPUs hand a token back and forth; the
// figure is the round trip. evobj does each half in one call,
// EVOBJ_IOC_WAIT_ANY with .signal naming the peer's event (NT's
// SignalObjectAndWait); the baselines need a wake and a wait.

#include <atomic>
#include <cstdint>
#include <string_view>

#include "harness.hpp"
#include "pingpong.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// A channel has two sides; post(s) hands the token to side s, wait(s)
// blocks until side s holds it, post_and_wait(p, w) does both.

// Two synchronization events. OneCall: signal-and-wait, on /dev/evobj
// (WAIT_ANY) or, with OnEvent, on the waited event's own fd (WAIT).
template <bool OneCall, bool OnEvent = false>
class evobj_channel {
public:
    evobj_channel()
        : dev_(evobj_open_device()),
          ev_{evobj_create(dev_.get(), EVOBJ_SYNCHRONIZATION), evobj_create(dev_.get(), EVOBJ_SYNCHRONIZATION)},
          fd_{ev_[0].get(), ev_[1].get()}
    {
    }

    void post(int side) { evobj_set(fd_[side]); }
    void wait(int side) { evobj_wait_any(dev_.get(), {&fd_[side], 1}); }
    void post_and_wait(int p, int w)
    {
        if constexpr (OneCall && OnEvent) {
            evobj_wait_fd(fd_[w], fd_[p]);
        } else if constexpr (OneCall) {
            evobj_wait_any(dev_.get(), {&fd_[w], 1}, fd_[p]);
        } else {
            post(p);
            wait(w);
        }
    }

private:
    unique_fd dev_;
    unique_fd ev_[2];
    std::int32_t fd_[2];
};

// The same two events through write() and read(), as an eventfd would be
// used: the same VFS path as the eventfd baseline, without the ioctl.
class evobj_rw_channel {
public:
    evobj_rw_channel()
        : dev_(evobj_open_device()),
          ev_{evobj_create(dev_.get(), EVOBJ_SYNCHRONIZATION), evobj_create(dev_.get(), EVOBJ_SYNCHRONIZATION)}
    {
    }

    void post(int side) { eventfd_add(ev_[side].get()); }
    void wait(int side) { eventfd_take(ev_[side].get()); }
    void post_and_wait(int p, int w)
    {
        post(p);
        wait(w);
    }

private:
    unique_fd dev_;
    unique_fd ev_[2];
};

// A binary semaphore per side on a futex word: 0 empty, 1 posted, 2 empty
// with the (single) waiter asleep. Posting skips FUTEX_WAKE when nobody
// sleeps and waiting skips FUTEX_WAIT when already posted: the usual
// fast paths, so the baseline makes no system call it could avoid.
class futex_channel {
public:
    void post(int side)
    {
        if (ref(side).exchange(1, std::memory_order_release) == 2)
            futex_wake(&word_[side].value, 1);
    }

    void wait(int side)
    {
        std::atomic_ref<std::uint32_t> w = ref(side);
        for (;;) {
            std::uint32_t seen = 1;
            if (w.compare_exchange_strong(seen, 0, std::memory_order_acquire))
                return;
            // Announce the sleep; if a post slipped in, take it instead.
            if (seen == 0 && !w.compare_exchange_strong(seen, 2, std::memory_order_relaxed))
                continue;
            futex_wait(&word_[side].value, 2);
        }
    }

    void post_and_wait(int p, int w)
    {
        post(p);
        wait(w);
    }

private:
    std::atomic_ref<std::uint32_t> ref(int side) { return std::atomic_ref<std::uint32_t>(word_[side].value); }

    // One cache line each, so the two sides do not false-share.
    struct alignas(64) padded {
        std::uint32_t value = 0;
    };
    padded word_[2];
};

class eventfd_channel {
public:
    void post(int side) { eventfd_add(efd_[side].get()); }
    void wait(int side) { eventfd_take(efd_[side].get()); }
    void post_and_wait(int p, int w)
    {
        post(p);
        wait(w);
    }

private:
    unique_fd efd_[2] = {make_eventfd(), make_eventfd()};
};

class pipe_channel {
public:
    pipe_channel() : pipe_{make_pipe(), make_pipe()} {}

    void post(int side) { write_byte(pipe_[side].second.get()); }
    void wait(int side) { read_byte(pipe_[side].first.get()); }
    void post_and_wait(int p, int w)
    {
        post(p);
        wait(w);
    }

private:
    std::pair<unique_fd, unique_fd> pipe_[2];
};

} // namespace

void bench_pingpong(context& ctx)
{
    futex_channel futex;
    evobj_channel<true> evobj;
    evobj_channel<true, true> evobj_on_event;
    eventfd_channel eventfd;
    pipe_channel pipe;
    evobj_channel<false> evobj_2calls;
    evobj_rw_channel evobj_rw;
    // Across CPUs, each hand-over is a cross-CPU wake-up (an IPI to an idle
    // CPU); on one CPU it is a context switch, and measures the system
    // call paths themselves.
    for (const char* where : {pingpong_cross_cpu, pingpong_same_cpu}) {
        const int cpu = std::string_view(where) == pingpong_same_cpu ? 0 : 1;
        measure_group(ctx, "ping-pong", where, "round-trip",
                      {make_variant(futex, "futex", cpu, true),
                       make_variant(evobj, "evobj signal-and-wait", cpu),
                       make_variant(evobj_on_event, "evobj signal-and-wait on the event fd", cpu),
                       make_variant(eventfd, "eventfd", cpu),
                       make_variant(pipe, "pipe", cpu),
                       make_variant(evobj_2calls, "evobj set + wait (2 calls)", cpu),
                       make_variant(evobj_rw, "evobj write + read", cpu)});
    }
}

} // namespace evobj::bench
