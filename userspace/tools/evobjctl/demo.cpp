// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl demo: a guided tour of evobj events that checks, as it goes,
// that each step behaves as the contract (Documentation/evobj.rst) says,
// and exits non-zero if one does not. It is run by the tests, so it must
// be able to fail: every claim it prints is compared against what happened.
//
// Waiting threads are confirmed to be queued in the kernel before the
// event is touched, through the "waiters:" line of the event's fdinfo,
// and every wait also names a notification "stop" event as its alert, so
// that a step that fails never leaves a thread blocked behind it.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <evobj/evobj.hpp>

#include "evobjctl.hpp"

namespace evobjctl {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;

constexpr const char* demo_usage = R"(Usage: evobjctl demo

A guided tour of evobj events, in five steps: a notification event, a
synchronization event, pulse, wait-all, and the hardirq timer. Each step
shows what it does and checks that the kernel did exactly that; the exit
status is 0 only if every check passed. Needs /dev/evobj.
)";

// Long enough for anything this demo waits for, even in an emulated VM;
// reaching it means a check failed, never that the machine was slow.
constexpr auto patience = 20s;
// How long to watch for something that must not happen.
constexpr auto settle = 200ms;

// Prints the tour and counts failed checks.
class tour {
public:
    void step(const char* title, const char* explanation)
    {
        std::printf("\nStep %d/5: %s\n", ++step_, title);
        std::printf("  %s\n", explanation);
    }
    void say(const std::string& text) { std::printf("  %s\n", text.c_str()); }

    // Reports one claim; `detail` says what was seen when it is false.
    bool check(bool ok, const std::string& claim, const std::string& detail = {})
    {
        std::printf("  %s %s%s\n", ok ? "[ok]  " : "[FAIL]", claim.c_str(),
                    ok || detail.empty() ? "" : (" (" + detail + ")").c_str());
        failures_ += !ok;
        std::fflush(stdout);
        return ok;
    }
    template <class T>
    bool check_eq(const T& seen, const T& expected, const std::string& claim)
    {
        return check(seen == expected, claim,
                     "expected " + std::to_string(expected) + ", got " + std::to_string(seen));
    }

    [[nodiscard]] int failures() const noexcept { return failures_; }

private:
    int step_ = 0;
    int failures_ = 0;
};

// The number of waits queued on the event, from its fdinfo.
std::optional<unsigned> queued_waiters(const evobj::event& ev)
{
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(ev.native_handle()));
    std::string key;
    unsigned value;
    while (in >> key) {
        if (key == "waiters:" && in >> value)
            return value;
    }
    return std::nullopt;
}

// Polls fdinfo until exactly n waits are queued on ev.
bool await_waiters(const evobj::event& ev, unsigned n)
{
    const auto give_up = steady_clock::now() + patience;
    while (queued_waiters(ev) != n) {
        if (steady_clock::now() > give_up)
            return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// Threads that wait once each and record how and when their wait ended.
// Every wait has the crowd's stop event as its alert; the destructor sets
// it, so that whatever a step did, all threads return and are joined.
class crowd {
public:
    crowd() : stop_(evobj::event::create(evobj::kind::notification)) {}
    crowd(const crowd&) = delete;
    crowd& operator=(const crowd&) = delete;
    ~crowd()
    {
        try {
            stop_.set();
        } catch (...) {
            // Nothing better to do; the threads time out after `patience`.
        }
        threads_.clear();  // joins
    }

    // Starts a thread waiting for any of `events` (or all, if `all`).
    void wait(std::vector<const evobj::event*> events, bool all = false)
    {
        const int id = int(threads_.size());
        threads_.emplace_back([this, id, events = std::move(events), all] {
            std::vector<evobj::event_ref> refs;
            for (const evobj::event* e : events)
                refs.emplace_back(*e);
            const evobj::deadline until = evobj::deadline::after(patience);
            const evobj::wait_options opts{.alert = stop_, .signal = {}};
            const evobj::wait_result r =
                all ? evobj::wait_all(refs, until, opts) : evobj::wait_any(refs, until, opts);
            const auto when = steady_clock::now();
            const std::lock_guard lock(mutex_);
            if (r.signaled())
                released_.push_back({id, when});
            cv_.notify_all();
        });
    }

    // Waits until at least n waits were released (not alerted).
    bool await_released(std::size_t n)
    {
        std::unique_lock lock(mutex_);
        return cv_.wait_for(lock, patience, [&] { return released_.size() >= n; });
    }
    [[nodiscard]] std::size_t released() const
    {
        const std::lock_guard lock(mutex_);
        return released_.size();
    }
    // The ids of the released threads (in start order), in release order.
    [[nodiscard]] std::vector<int> release_order() const
    {
        const std::lock_guard lock(mutex_);
        std::vector<int> ids;
        for (const auto& r : released_)
            ids.push_back(r.id);
        return ids;
    }
    [[nodiscard]] steady_clock::time_point released_at(std::size_t i) const
    {
        const std::lock_guard lock(mutex_);
        return released_.at(i).when;
    }

private:
    struct release {
        int id;
        steady_clock::time_point when;
    };

    evobj::event stop_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::vector<release> released_;
    std::vector<std::jthread> threads_;  // last: joined before the rest goes
};

std::string order_string(const std::vector<int>& ids)
{
    std::string s;
    for (const int id : ids)
        s += (s.empty() ? "" : ", ") + std::to_string(id + 1);
    return s.empty() ? "none" : s;
}

// Starts n waiters on ev one after the other, each queued before the
// next starts, so that their queue order is their start order.
bool queue_waiters(tour& t, crowd& c, const evobj::event& ev, unsigned n)
{
    for (unsigned i = 1; i <= n; i++) {
        c.wait({&ev});
        if (!await_waiters(ev, i))
            return t.check(false, std::to_string(n) + " threads wait on it",
                           "only " + std::to_string(queued_waiters(ev).value_or(0)) + " queued");
    }
    return t.check(true, std::to_string(n) + " threads wait on it, one after the other (fdinfo: waiters: " +
                             std::to_string(n) + ")");
}

void notification_step(tour& t)
{
    t.step("a notification event (manual-reset)",
           "Like a door: set() opens it for everyone waiting, and it stays open until reset().");
    const auto ev = evobj::event::create(evobj::kind::notification);
    crowd c;
    if (!queue_waiters(t, c, ev, 4))
        return;
    t.check(!ev.set(), "set() returns the previous state: not signaled");
    t.check(c.await_released(4), "all 4 waiters are released", std::to_string(c.released()) + " released");
    t.check(ev.is_set(), "the event stays signaled");
    t.check(ev.try_wait(), "a late waiter passes at once");
    t.check(ev.reset(), "reset() closes it again (previous state: signaled)");
    t.check(!ev.is_set(), "now the event is not signaled");
}

void synchronization_step(tour& t)
{
    t.step("a synchronization event (auto-reset)",
           "Like a turnstile: each set() lets exactly one waiter through, the longest-waiting first.");
    const auto ev = evobj::event::create(evobj::kind::synchronization);
    crowd c;
    if (!queue_waiters(t, c, ev, 4))
        return;
    ev.set();
    const bool one = c.await_released(1);
    std::this_thread::sleep_for(settle);
    t.check_eq(c.released(), std::size_t{1}, "set() releases exactly one waiter");
    t.check(one && !ev.is_set(), "the release consumed the signal: the event is not signaled");
    t.check_eq(queued_waiters(ev).value_or(0), 3u, "the other 3 are still queued");
    for (std::size_t n = 2; n <= 4; n++) {
        ev.set();
        c.await_released(n);
    }
    const std::vector<int> order = c.release_order();
    t.check(order == std::vector<int>{0, 1, 2, 3}, "3 more set() calls release the others in arrival order",
            "order " + order_string(order));
    t.say("Order of release: threads " + order_string(order) + ".");
    t.check(!ev.set(), "a set() with nobody waiting...");
    t.check(ev.is_set(), "...leaves it signaled for the next waiter");
    t.check(ev.try_wait() && !ev.is_set(), "who passes at once and consumes it");
}

void pulse_step(tour& t)
{
    t.step("pulse", "pulse() releases whoever a set() would release right now, then leaves the event "
                    "not signaled: a waiter who comes later finds it closed.");
    {
        const auto ev = evobj::event::create(evobj::kind::notification);
        crowd c;
        if (!queue_waiters(t, c, ev, 3))
            return;
        ev.pulse();
        t.check(c.await_released(3), "pulse() on a notification event releases all 3 waiters",
                std::to_string(c.released()) + " released");
        t.check(!ev.is_set(), "and the event ends not signaled");
    }
    {
        const auto ev = evobj::event::create(evobj::kind::synchronization);
        crowd c;
        if (!queue_waiters(t, c, ev, 2))
            return;
        ev.pulse();
        c.await_released(1);
        std::this_thread::sleep_for(settle);
        t.check_eq(c.released(), std::size_t{1}, "pulse() on a synchronization event releases exactly one of 2");
        t.check(!ev.is_set(), "and the event ends not signaled");
    }
    const auto ev = evobj::event::create(evobj::kind::notification);
    t.check(!ev.pulse() && !ev.is_set(), "pulse() with nobody waiting changes nothing");
}

void wait_all_step(tour& t)
{
    t.step("wait-all", "A wait-all on several events completes only when all of them are signaled at "
                       "once, and then consumes all the synchronization events together.");
    const auto a = evobj::event::create(evobj::kind::synchronization);
    const auto b = evobj::event::create(evobj::kind::synchronization);
    const auto d = evobj::event::create(evobj::kind::synchronization);
    crowd c;
    c.wait({&a, &b, &d}, true);
    if (!t.check(await_waiters(a, 1) && await_waiters(b, 1) && await_waiters(d, 1),
                 "a thread waits for all of A, B and C"))
        return;
    a.set();
    b.set();
    std::this_thread::sleep_for(settle);
    t.check_eq(c.released(), std::size_t{0}, "A and B set: the thread keeps waiting");
    t.check(a.is_set() && b.is_set(), "and A and B stay signaled: nothing is consumed yet");
    d.set();
    t.check(c.await_released(1), "C set too: the wait completes");
    t.check(!a.is_set() && !b.is_set() && !d.is_set(), "A, B and C were all consumed together");
}

void timer_step(tour& t)
{
    t.step("the hardirq timer",
           "EVOBJ_IOC_TIMER sets the event from a hardware-interrupt timer; a blocked thread wakes up.");
    const auto ev = evobj::event::create(evobj::kind::synchronization);
    constexpr int rounds = 5;
    std::vector<double> latencies_us;
    int blocked = 0, woken = 0, on_time = 0;
    for (int i = 0; i < rounds; i++) {
        crowd c;
        c.wait({&ev});
        if (!await_waiters(ev, 1))
            continue;
        blocked++;
        const auto expiry = steady_clock::now() + 20ms;
        ev.arm_timer(expiry);
        if (!c.await_released(1))
            continue;
        woken++;
        const auto late = c.released_at(0) - expiry;
        on_time += late >= 0ns;
        latencies_us.push_back(std::chrono::duration<double, std::micro>(late).count());
    }
    const std::string of = " of " + std::to_string(rounds);
    t.check(blocked == rounds, "a thread blocks on the event, " + std::to_string(rounds) + " times",
            std::to_string(blocked) + of);
    t.check(woken == rounds, "the timer, armed 20 ms ahead, releases it every time", std::to_string(woken) + of);
    t.check(on_time == woken, "never before the expiry time", std::to_string(woken - on_time) + " early");
    t.check(!ev.is_set(), "each wake consumed the event");
    if (latencies_us.empty())
        return;
    std::string list;
    for (const double us : latencies_us)
        list += (list.empty() ? "" : ", ") + std::to_string(long(us)) + " us";
    std::sort(latencies_us.begin(), latencies_us.end());
    t.say("Wake latency, timer expiry to the thread running: " + list + "; median " +
          std::to_string(long(latencies_us[latencies_us.size() / 2])) + " us.");
}

} // namespace

int demo_main(std::span<char* const> args)
{
    for (const char* arg : args) {
        if (is_help(arg)) {
            std::cout << demo_usage;
            return exit_ok;
        }
        std::cerr << "evobjctl: demo: unknown argument '" << arg << "'\nTry 'evobjctl demo --help'.\n";
        return exit_usage;
    }
    if (!device_usable())
        return exit_failure;

    std::cout << "evobj demo: NT-style event objects on Linux, through /dev/evobj.\n"
                 "Every [ok] below is checked against what the kernel did.\n"
              << std::flush;
    tour t;
    notification_step(t);
    synchronization_step(t);
    pulse_step(t);
    wait_all_step(t);
    timer_step(t);

    if (t.failures()) {
        std::printf("\nevobj demo: %d check%s FAILED.\n", t.failures(), t.failures() > 1 ? "s" : "");
        return exit_failure;
    }
    std::printf("\nevobj demo: all checks passed.\n");
    return exit_ok;
}

} // namespace evobjctl
