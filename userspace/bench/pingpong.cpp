// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Ping-pong: two threads on two CPUs hand a token back and forth; the
// figure is the round trip. evobj does each half in one call,
// EVOBJ_IOC_WAIT_ANY with .signal naming the peer's event (NT's
// SignalObjectAndWait); the baselines need a wake and a wait.

#include <atomic>
#include <cstdint>
#include <thread>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// A channel has two sides; post(s) hands the token to side s, wait(s)
// blocks until side s holds it, post_and_wait(p, w) does both.

// Two synchronization events.
template <bool OneCall>
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
        if constexpr (OneCall) {
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

// n round trips between a thread on CPU 0 (side 0) and one on CPU 1
// (side 1); returns the elapsed ns as side 0 sees it.
template <class Channel>
std::uint64_t round_trips(Channel& ch, std::uint64_t n)
{
    std::uint64_t elapsed = 0;
    {
        std::jthread echo([&] {
            pin_to_cpu(1);
            ch.wait(1);
            for (std::uint64_t i = 1; i < n; i++)
                ch.post_and_wait(0, 1);
            ch.post(0);
        });
        std::jthread side0([&] {
            pin_to_cpu(0);
            const std::uint64_t start = now_ns();
            for (std::uint64_t i = 0; i < n; i++)
                ch.post_and_wait(1, 0);
            elapsed = now_ns() - start;
        });
    } // Both joined here.
    return elapsed;
}

template <class Channel>
void variant(context& ctx, const char* name, bool baseline)
{
    ctx.prog.start(strprintf("ping-pong: %s", name));
    Channel ch;
    const double rt = median(per_op_trials(ctx, [&](std::uint64_t n) { return round_trips(ch, n); }));
    ctx.out.add({"ping-pong", name, "-", "round-trip", rt, "ns", baseline});
    ctx.prog.done(format_value(rt, "ns"));
}

} // namespace

void bench_pingpong(context& ctx)
{
    variant<futex_channel>(ctx, "futex", true);
    variant<evobj_channel<true>>(ctx, "evobj signal-and-wait", false);
    variant<eventfd_channel>(ctx, "eventfd", false);
    variant<pipe_channel>(ctx, "pipe", false);
    variant<evobj_channel<false>>(ctx, "evobj set + wait (2 calls)", false);
    variant<evobj_rw_channel>(ctx, "evobj write + read", false);
}

} // namespace evobj::bench
