// SPDX-License-Identifier: LGPL-2.1-or-later
//
// Wake-all: N threads are asleep on one object; the figure is the time
// from the call that releases them to the moment the last one has
// returned from its wait. evobj sets a notification event (the waiters
// are in EVOBJ_IOC_WAIT_ANY); the baselines are FUTEX_WAKE with INT_MAX
// and an eventfd written while the threads sit in poll().
//
// Each round starts only once every waiter is really asleep, as the
// kernel reports it in /proc/self/task/<tid>/stat: otherwise the figure
// would include threads that never blocked.

#include <poll.h>
#include <time.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// A variant has block() for the waiters, release() to wake them all, and
// rearm() to make block() block again once every waiter has returned.

class evobj_notification {
public:
    void block() { evobj_wait_any(dev_.get(), {&fd_, 1}); }
    void release() { evobj_set(fd_); }
    void rearm() { evobj_reset(fd_); }

private:
    unique_fd dev_ = evobj_open_device();
    unique_fd ev_ = evobj_create(dev_.get(), EVOBJ_NOTIFICATION);
    std::int32_t fd_ = ev_.get();
};

class futex_broadcast {
public:
    void block()
    {
        while (std::atomic_ref<std::uint32_t>(word_).load(std::memory_order_acquire) == 0)
            futex_wait(&word_, 0);
    }
    void release()
    {
        std::atomic_ref<std::uint32_t>(word_).store(1, std::memory_order_release);
        futex_wake(&word_, INT_MAX);
    }
    void rearm() { std::atomic_ref<std::uint32_t>(word_).store(0, std::memory_order_relaxed); }

private:
    alignas(64) std::uint32_t word_ = 0;
};

class eventfd_pollers {
public:
    void block()
    {
        pollfd p{.fd = efd_.get(), .events = POLLIN, .revents = 0};
        while (!(p.revents & POLLIN))
            if (::poll(&p, 1, -1) < 0 && errno != EINTR)
                throw_errno("poll");
    }
    void release() { eventfd_add(efd_.get()); }
    void rearm() { eventfd_take(efd_.get()); }

private:
    unique_fd efd_ = make_eventfd();
};

bool asleep(int tid)
{
    std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
    const std::string line{std::istreambuf_iterator<char>(stat), std::istreambuf_iterator<char>()};
    // "tid (comm) S ...": the state follows the last ')', comm may hold any.
    const auto paren = line.rfind(')');
    return paren != std::string::npos && paren + 2 < line.size() && line[paren + 2] == 'S';
}

void wait_until_asleep(const std::vector<int>& tids)
{
    const std::uint64_t give_up = now_ns() + 30'000'000'000u;
    for (const int tid : tids) {
        while (!asleep(tid)) {
            if (now_ns() > give_up)
                throw std::runtime_error("wake-all: a waiter never went to sleep");
            const timespec pause{0, 100'000};
            nanosleep(&pause, nullptr);
        }
    }
}

// Per-round state shared between the releasing thread and the waiters.
struct rounds_state {
    std::atomic<std::uint32_t> generation{0};  // bumped to start a round; ~0 stops
    std::atomic<int> ready{0};                  // waiters about to block
    std::atomic<int> remaining{0};              // waiters not yet returned
    std::atomic<std::uint32_t> finished{0};     // generation whose last waiter returned
    std::uint64_t last_return = 0;              // written by that last waiter
};

constexpr std::uint32_t stop = ~std::uint32_t{0};

template <class Variant>
void waiter(Variant& v, rounds_state& st, std::vector<int>& tids, std::size_t slot)
{
    tids[slot] = thread_id();
    st.ready.fetch_add(1);
    for (std::uint32_t gen = 1;; gen++) {
        st.generation.wait(gen - 1);
        if (st.generation.load() == stop)
            return;
        st.ready.fetch_add(1);
        v.block();
        if (st.remaining.fetch_sub(1) == 1) {
            st.last_return = now_ns();
            st.finished.store(gen, std::memory_order_release);
            st.finished.notify_one();
        }
    }
}

// Runs `rounds_per_trial` rounds for each trial with n waiters; returns
// each trial's mean release-to-last-return time.
template <class Variant>
std::vector<double> trials(context& ctx, int n, int rounds_per_trial)
{
    Variant v;
    rounds_state st;
    std::vector<int> tids(std::size_t(n), 0);
    std::vector<std::jthread> threads;
    for (int i = 0; i < n; i++)
        threads.emplace_back([&, i] { waiter(v, st, tids, std::size_t(i)); });
    // Declared after the threads, so it runs before they are joined, on
    // every way out: stops the waiters and wakes any still blocked.
    struct stopper {
        rounds_state& st;
        Variant& v;
        ~stopper()
        {
            st.generation.store(stop);
            st.generation.notify_all();
            try {
                v.release();
            } catch (...) {
                // Already failing: the exception in flight says why.
            }
        }
    } stop_waiters{st, v};
    // Each has registered its tid once ready reaches n.
    while (st.ready.load() < n)
        std::this_thread::yield();

    std::vector<double> result;
    std::uint32_t gen = 0;
    for (int t = 0; t < ctx.trials(); t++) {
        double sum = 0;
        for (int r = 0; r < rounds_per_trial; r++) {
            st.ready.store(0);
            st.remaining.store(n);
            st.generation.store(++gen);
            st.generation.notify_all();
            while (st.ready.load() < n)
                std::this_thread::yield();
            wait_until_asleep(tids);

            const std::uint64_t start = now_ns();
            v.release();
            for (std::uint32_t f = st.finished.load(std::memory_order_acquire); f != gen;
                 f = st.finished.load(std::memory_order_acquire))
                st.finished.wait(f);
            sum += double(st.last_return - start);
            v.rearm();
        }
        result.push_back(sum / rounds_per_trial);
    }
    return result;
}

template <class Variant>
void variant(context& ctx, const char* name, int n, bool baseline)
{
    ctx.prog.start(strprintf("wake-all: %s, %d waiters", name, n));
    // Bigger rounds are slower and steadier: fewer of them.
    const int rounds = (n >= 256 ? 2 : n >= 16 ? 6 : 20) * (ctx.opts.quick ? 1 : 2);
    const double t = median(trials<Variant>(ctx, n, rounds));
    ctx.out.add({"wake-all", name, std::to_string(n), "all-returned", t, "ns", baseline});
    ctx.prog.done(format_value(t, "ns"));
}

} // namespace

void bench_wake_all(context& ctx)
{
    for (const int n : {1, 16, 256}) {
        variant<futex_broadcast>(ctx, "futex FUTEX_WAKE INT_MAX", n, true);
        variant<evobj_notification>(ctx, "evobj notification SET", n, false);
        variant<eventfd_pollers>(ctx, "eventfd write, poll() waiters", n, false);
    }
}

} // namespace evobj::bench
