// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
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

// n threads that block in Variant::block() once per round, and the
// rounds that release them.
template <class Variant>
class pool {
public:
    explicit pool(int n) : n_(n), tids_(std::size_t(n), 0)
    {
        for (int i = 0; i < n; i++)
            threads_.emplace_back([this, i] { waiter(std::size_t(i)); });
        // Each has registered its tid once ready reaches n.
        while (st_.ready.load() < n)
            std::this_thread::yield();
    }

    pool(const pool&) = delete;
    pool& operator=(const pool&) = delete;

    // Stops the waiters, waking any still blocked (a round that threw).
    ~pool()
    {
        st_.generation.store(stop);
        st_.generation.notify_all();
        try {
            v_.release();
        } catch (...) {
            // Already failing: the exception in flight says why.
        }
        threads_.clear();  // joins
    }

    // Runs `rounds` rounds; returns their mean release-to-last-return ns.
    double mean_round(int rounds)
    {
        double sum = 0;
        for (int r = 0; r < rounds; r++) {
            const std::uint32_t gen = ++gen_;
            st_.ready.store(0);
            st_.remaining.store(n_);
            st_.generation.store(gen);
            st_.generation.notify_all();
            while (st_.ready.load() < n_)
                std::this_thread::yield();
            wait_until_asleep(tids_);

            const std::uint64_t start = now_ns();
            v_.release();
            for (std::uint32_t f = st_.finished.load(std::memory_order_acquire); f != gen;
                 f = st_.finished.load(std::memory_order_acquire))
                st_.finished.wait(f);
            sum += double(st_.last_return - start);
            v_.rearm();
        }
        return sum / rounds;
    }

private:
    static constexpr std::uint32_t stop = ~std::uint32_t{0};

    void waiter(std::size_t slot)
    {
        tids_[slot] = thread_id();
        st_.ready.fetch_add(1);
        for (std::uint32_t gen = 1;; gen++) {
            st_.generation.wait(gen - 1);
            if (st_.generation.load() == stop)
                return;
            st_.ready.fetch_add(1);
            v_.block();
            if (st_.remaining.fetch_sub(1) == 1) {
                st_.last_return = now_ns();
                st_.finished.store(gen, std::memory_order_release);
                st_.finished.notify_one();
            }
        }
    }

    const int n_;
    Variant v_;
    rounds_state st_;
    std::uint32_t gen_ = 0;
    std::vector<int> tids_;
    std::vector<std::jthread> threads_;  // last: joined before the rest goes
};

} // namespace

void bench_wake_all(context& ctx)
{
    for (const int n : {1, 16, 256}) {
        ctx.prog.start(strprintf("wake-all %d", n));
        // Bigger rounds are slower and steadier: fewer of them.
        const int rounds = (n >= 256 ? 2 : n >= 16 ? 6 : 20) * (ctx.opts.quick ? 1 : 2);
        pool<futex_broadcast> futex(n);
        pool<evobj_notification> evobj(n);
        pool<eventfd_pollers> eventfd(n);
        std::vector<double> trials[3];
        // Interleaved, as interleaved_trials() does.
        for (int t = 0; t < ctx.trials(); t++) {
            trials[0].push_back(futex.mean_round(rounds));
            trials[1].push_back(evobj.mean_round(rounds));
            trials[2].push_back(eventfd.mean_round(rounds));
        }
        const char* names[] = {"futex FUTEX_WAKE INT_MAX", "evobj notification SET",
                               "eventfd write + poll() waiters"};
        std::string summary;
        for (std::size_t i = 0; i < 3; i++) {
            const double t = median(trials[i]);
            ctx.out.add({"wake-all", names[i], std::to_string(n), "all-returned", t, "ns", i == 0});
            summary += (i ? ", " : "") + std::string(names[i]) + " " + format_value(t, "ns");
        }
        ctx.prog.done(summary);
    }
}

} // namespace evobj::bench
