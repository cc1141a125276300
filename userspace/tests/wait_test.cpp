// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The multi-object waits against the real module: wait-any, wait-all,
// alert, signal-and-wait, both clocks, EINTR, and the errors.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <optional>
#include <string_view>
#include <stop_token>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj::kind;
using evobj_test::short_timeout;
using evobj_test::slack;
using evobj_test::throws_errno;
using std::chrono::steady_clock;
using std::chrono::system_clock;

class Wait : public evobj_test::Device {};

std::vector<evobj::event> make(std::size_t n, kind k, bool signaled = false)
{
    std::vector<evobj::event> v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(evobj::event::create(k, signaled));
    return v;
}

TEST_F(Wait, AnyLowestSignaledIndexWinsAndOnlyItIsConsumed)
{
    const auto evs = make(4, kind::synchronization);
    evs[3].set();
    evs[1].set();
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any(evs, evobj::deadline::immediate()));
    EXPECT_FALSE(evs[1].is_set());
    EXPECT_TRUE(evs[3].is_set());
    EXPECT_EQ(std::optional<std::size_t>(3), evobj::wait_any(evs, evobj::deadline::immediate()));
    EXPECT_EQ(std::nullopt, evobj::wait_any(evs, evobj::deadline::immediate()));
}

TEST_F(Wait, AnyNotificationIsNotConsumed)
{
    const auto evs = make(2, kind::notification);
    evs[1].set();
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any(evs, evobj::deadline::immediate()));
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any(evs, evobj::deadline::immediate()));
    EXPECT_TRUE(evs[1].is_set());
}

TEST_F(Wait, AnyAllowsDuplicates)
{
    const evobj::event a = evobj::event::create(kind::synchronization);
    const evobj::event b = evobj::event::create(kind::synchronization, true);
    EXPECT_EQ(std::optional<std::size_t>(1), evobj::wait_any({a, b, b}, evobj::deadline::immediate()));
    EXPECT_FALSE(b.is_set());
}

TEST_F(Wait, AnyTimesOutAsValueOnBothClocks)
{
    const auto evs = make(3, kind::notification);
    const auto steady_deadline = steady_clock::now() + short_timeout;
    EXPECT_EQ(std::nullopt, evobj::wait_any(evs, steady_deadline));
    EXPECT_GE(steady_clock::now(), steady_deadline);
    const auto system_deadline = system_clock::now() + short_timeout;
    EXPECT_EQ(std::nullopt, evobj::wait_any(evs, system_deadline));
    EXPECT_GE(system_clock::now(), system_deadline);
}

TEST_F(Wait, AnyWokenFromAnotherThread)
{
    const auto evs = make(3, kind::synchronization);
    std::jthread setter([&] {
        std::this_thread::sleep_for(short_timeout);
        evs[2].set();
    });
    EXPECT_EQ(std::optional<std::size_t>(2), evobj::wait_any(evs, system_clock::now() + slack));
    setter.join();
    EXPECT_FALSE(evs[2].is_set());
}

TEST_F(Wait, AllNeedsEveryEvent)
{
    const auto evs = make(3, kind::synchronization);
    evs[0].set();
    evs[2].set();
    EXPECT_FALSE(evobj::wait_all(evs, evobj::deadline::immediate()));
    // A wait-all that cannot complete consumes nothing.
    EXPECT_TRUE(evs[0].is_set());
    EXPECT_TRUE(evs[2].is_set());
    evs[1].set();
    EXPECT_TRUE(evobj::wait_all(evs, evobj::deadline::immediate()));
    for (const auto& e : evs)
        EXPECT_FALSE(e.is_set());
}

TEST_F(Wait, AllMixedKindsConsumesOnlySynchronization)
{
    const evobj::event n = evobj::event::create(kind::notification, true);
    const evobj::event s = evobj::event::create(kind::synchronization, true);
    EXPECT_TRUE(evobj::wait_all({n, s}, evobj::deadline::immediate()));
    EXPECT_TRUE(n.is_set());
    EXPECT_FALSE(s.is_set());
}

TEST_F(Wait, AllWokenFromAnotherThread)
{
    const auto evs = make(2, kind::notification);
    std::jthread setter([&] {
        evs[0].set();
        std::this_thread::sleep_for(short_timeout);
        evs[1].set();
    });
    EXPECT_TRUE(evobj::wait_all(evs, steady_clock::now() + slack));
    setter.join();
}

TEST_F(Wait, AllTimesOutAsValue)
{
    const auto evs = make(2, kind::notification);
    evs[0].set();
    const auto deadline = system_clock::now() + short_timeout;
    EXPECT_FALSE(evobj::wait_all(evs, deadline));
    EXPECT_GE(system_clock::now(), deadline);
}

TEST_F(Wait, AllDuplicateIsEinval)
{
    const evobj::event a = evobj::event::create(kind::notification, true);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_all({a, a}, evobj::deadline::immediate())); },
                             EINVAL, "EVOBJ_IOC_WAIT_ALL"));
}

TEST_F(Wait, CountLimits)
{
    const auto evs = make(evobj::max_wait + 1, kind::notification, true);
    const std::span<const evobj::event> all(evs);
    EXPECT_EQ(std::optional<std::size_t>(0),
              evobj::wait_any(all.first(evobj::max_wait), evobj::deadline::immediate()));
    EXPECT_TRUE(evobj::wait_all(all.first(evobj::max_wait), evobj::deadline::immediate()));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_any(all, {})); }, EINVAL,
                             "EVOBJ_IOC_WAIT_ANY"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_all(all, {})); }, EINVAL,
                             "EVOBJ_IOC_WAIT_ALL"));
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_any(all.first(0), {})); }, EINVAL,
                             "EVOBJ_IOC_WAIT_ANY"));
}

TEST_F(Wait, BadFdsInTheList)
{
    // Not an event: EINVAL. Not open at all: EBADF.
    const evobj::event e = evobj::event::create(kind::notification);
    const auto not_event = evobj::event_ref::from_native(STDIN_FILENO);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_any({e, not_event}, {})); }, EINVAL,
                             "EVOBJ_IOC_WAIT_ANY"));
    int fds[2];
    ASSERT_EQ(0, ::pipe(fds));
    ::close(fds[0]);
    ::close(fds[1]);
    const auto closed = evobj::event_ref::from_native(fds[0]);
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(evobj::wait_all({e, closed}, {})); }, EBADF,
                             "EVOBJ_IOC_WAIT_ALL"));
    const evobj::event empty;
    EXPECT_TRUE(throws_errno([&] { static_cast<void>(empty.wait_for(0s)); }, EBADF,
                             "EVOBJ_IOC_WAIT_ANY"));
}

TEST_F(Wait, AlertWinsAnyWithIndexCount)
{
    const auto evs = make(2, kind::notification);
    const evobj::event alert = evobj::event::create(kind::synchronization, true);
    const evobj::wait_result r = evobj::wait_any(evs, steady_clock::now() + slack, alert);
    EXPECT_TRUE(r.alerted());
    EXPECT_EQ(evobj::wait_status::alerted, r.status());
    EXPECT_EQ(2U, r.index());
    EXPECT_FALSE(alert.is_set()); // consumed
}

TEST_F(Wait, AlertWinsAllFromAnotherThread)
{
    const auto evs = make(2, kind::notification);
    evs[0].set();
    const evobj::event alert = evobj::event::create(kind::notification);
    std::jthread alerter([&] {
        std::this_thread::sleep_for(short_timeout);
        alert.set();
    });
    const evobj::wait_result r = evobj::wait_all(evs, system_clock::now() + slack, alert);
    alerter.join();
    EXPECT_TRUE(r.alerted());
    EXPECT_TRUE(alert.is_set()); // a notification alert is not consumed
}

TEST_F(Wait, AlertedWaitsStillReportSignaledAndTimeout)
{
    const auto evs = make(2, kind::synchronization);
    const evobj::event alert = evobj::event::create(kind::synchronization);
    evs[1].set();
    EXPECT_EQ(evobj::wait_result(evobj::wait_status::signaled, 1),
              evobj::wait_any(evs, evobj::deadline::immediate(), alert));
    EXPECT_TRUE(evobj::wait_any(evs, evobj::deadline::immediate(), alert).timed_out());
    evs[0].set();
    evs[1].set();
    EXPECT_TRUE(evobj::wait_all(evs, evobj::deadline::immediate(), alert).signaled());
    EXPECT_TRUE(evobj::wait_all(evs, evobj::deadline::immediate(), alert).timed_out());
}

TEST_F(Wait, SignalAndWaitSetsFirst)
{
    const evobj::event to_set = evobj::event::create(kind::notification);
    const evobj::event to_wait = evobj::event::create(kind::synchronization);
    EXPECT_FALSE(evobj::signal_and_wait(to_set, to_wait, steady_clock::now() + short_timeout));
    EXPECT_TRUE(to_set.is_set()); // set even though the wait timed out
    // Waiting on the event we set completes at once.
    EXPECT_TRUE(evobj::signal_and_wait(to_wait, to_wait, evobj::deadline::immediate()));
    EXPECT_FALSE(to_wait.is_set());
}

TEST_F(Wait, SignalAndWaitPingPong)
{
    // Two threads hand a token back and forth, each setting the other's
    // event and waiting on its own in one call: no wakeup can be lost.
    const evobj::event ping = evobj::event::create(kind::synchronization);
    const evobj::event pong = evobj::event::create(kind::synchronization);
    constexpr int rounds = 200;
    std::atomic<int> served{0};
    std::jthread server([&] {
        ASSERT_TRUE(ping.wait_for(slack));
        for (int i = 1; i < rounds; ++i) {
            ASSERT_TRUE(evobj::signal_and_wait(pong, ping, steady_clock::now() + slack));
            ++served;
        }
        pong.set();
    });
    for (int i = 0; i < rounds; ++i)
        ASSERT_TRUE(evobj::signal_and_wait(ping, pong, steady_clock::now() + slack)) << i;
    server.join();
    EXPECT_EQ(rounds - 1, served);
}

TEST_F(Wait, SignalAndWaitAnyAndAll)
{
    const evobj::event to_set = evobj::event::create(kind::synchronization);
    const auto evs = make(2, kind::notification);
    evs[1].set();
    EXPECT_EQ(std::optional<std::size_t>(1),
              evobj::signal_and_wait_any(to_set, evs, evobj::deadline::immediate()));
    EXPECT_TRUE(to_set.is_set());
    EXPECT_FALSE(evobj::signal_and_wait_all(to_set, evs, evobj::deadline::immediate()));
    // The set event itself can complete the wait-all it is part of.
    EXPECT_TRUE(evobj::signal_and_wait_all(evs[0], evs, evobj::deadline::immediate()));
}

TEST_F(Wait, OptionsWithDesignatedInitializers)
{
    const evobj::event stop = evobj::event::create(kind::notification, true);
    const evobj::event done = evobj::event::create(kind::notification);
    const auto evs = make(1, kind::notification);
    const evobj::wait_result r =
        evobj::wait_any(evs, evobj::deadline::immediate(), {.alert = stop, .signal = done});
    EXPECT_TRUE(r.alerted());
    EXPECT_TRUE(done.is_set());
}

TEST_F(Wait, ExplicitDeviceWorksLikeTheInstance)
{
    const evobj::device dev = evobj::device::open();
    ASSERT_TRUE(dev.valid());
    const evobj::event e = dev.create(kind::synchronization, true);
    EXPECT_EQ(std::optional<std::size_t>(0), dev.wait_any({e}, evobj::deadline::immediate()));
    EXPECT_FALSE(dev.wait_all({e}, evobj::deadline::immediate()));
    // And the instance is opened once: the same fd every time.
    EXPECT_EQ(evobj::device::instance().native_handle(), evobj::device::instance().native_handle());
}

// The fds of this process that are open on /dev/evobj.
int device_fds()
{
    int n = 0;
    for (int fd = 0; fd < 1024; ++fd) {
        char link[64];
        char target[64] = {};
        std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
        if (::readlink(link, target, sizeof(target) - 1) > 0 && std::string_view(target) == "/dev/evobj")
            ++n;
    }
    return n;
}

TEST_F(Wait, InstanceIsOpenedOncePerProcess)
{
    // Many threads racing to be first (if this test runs first) or not:
    // either way one fd on the device serves them all.
    std::vector<std::jthread> threads;
    std::atomic<int> created{0};
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            const evobj::event e = evobj::event::create(kind::notification);
            EXPECT_EQ(std::optional<std::size_t>(), evobj::wait_any({e}, evobj::deadline::immediate()));
            ++created;
        });
    threads.clear(); // joins
    EXPECT_EQ(8, created);
    EXPECT_EQ(1, device_fds());
    EXPECT_EQ(FD_CLOEXEC, ::fcntl(evobj::device::instance().native_handle(), F_GETFD));
}

// ---- EINTR: a handler without SA_RESTART interrupts the ioctl ----------

std::atomic<int> signals_caught{0};

extern "C" void count_signal(int)
{
    signals_caught.fetch_add(1, std::memory_order_relaxed);
}

// Keeps sending SIGUSR1 to `target` until asked to stop.
void pester(std::stop_token stop, pthread_t target)
{
    while (!stop.stop_requested()) {
        ::pthread_kill(target, SIGUSR1);
        std::this_thread::sleep_for(5ms);
    }
}

// Installs the no-op SIGUSR1 handler for one test: without SA_RESTART
// the ioctl fails with EINTR and the library retries it; with it (the
// Restarted tests) the kernel restarts it by itself.
class Interrupted : public Wait {
protected:
    void SetUp() override
    {
        Wait::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        struct sigaction sa{};
        sa.sa_handler = count_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = sa_flags();
        ASSERT_EQ(0, ::sigaction(SIGUSR1, &sa, &old_));
        signals_caught = 0;
    }
    virtual int sa_flags() const { return 0; }
    void TearDown() override { ::sigaction(SIGUSR1, &old_, nullptr); }

    struct sigaction old_{};
};

class Restarted : public Interrupted {
protected:
    int sa_flags() const override { return SA_RESTART; }
};

// Threads are jthreads, stopped and joined however the test ends; the
// pesterer is declared after the thread it targets, so that it stops
// first: a thread's id is valid only until it is joined.

void times_out_at_deadline()
{
    const evobj::event e = evobj::event::create(kind::synchronization);
    const auto deadline = steady_clock::now() + 4 * short_timeout;
    std::jthread pesterer(pester, ::pthread_self());
    bool woke = true;
    EXPECT_NO_THROW(woke = e.wait_until(deadline));
    const auto returned = steady_clock::now();
    pesterer.request_stop();
    pesterer.join();
    EXPECT_FALSE(woke);
    EXPECT_GE(returned, deadline);
    EXPECT_GT(signals_caught.load(), 0);
}

void completes_on_set()
{
    const auto evs = make(2, kind::synchronization);
    std::atomic<bool> done{false};
    std::optional<std::size_t> got;
    std::jthread waiter([&] {
        EXPECT_NO_THROW(got = evobj::wait_any(evs, system_clock::now() + slack));
        done = true;
    });
    std::jthread pesterer(pester, waiter.native_handle());
    // Let several signals land on the blocked waiter before the set.
    const auto give_up = steady_clock::now() + slack;
    while (signals_caught < 3 && steady_clock::now() < give_up)
        std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(done);
    evs[1].set();
    pesterer.request_stop();
    pesterer.join();
    waiter.join();
    EXPECT_GE(signals_caught.load(), 3);
    EXPECT_EQ(std::optional<std::size_t>(1), got);
    EXPECT_FALSE(evs[1].is_set());
}

void sets_signal_event_once()
{
    // A retry after EINTR, or the kernel's restart under SA_RESTART, must
    // not set the signal event again: the consumer below takes it once,
    // and a second set would be seen.
    const evobj::event to_set = evobj::event::create(kind::synchronization);
    const evobj::event to_wait = evobj::event::create(kind::synchronization);
    std::jthread waiter([&] {
        bool woke = false;
        EXPECT_NO_THROW(woke = evobj::signal_and_wait(to_set, to_wait, steady_clock::now() + slack));
        EXPECT_TRUE(woke);
    });
    std::jthread pesterer(pester, waiter.native_handle());
    EXPECT_TRUE(to_set.wait_for(slack)); // consume the one set
    const auto give_up = steady_clock::now() + slack;
    while (signals_caught < 3 && steady_clock::now() < give_up)
        std::this_thread::sleep_for(1ms);
    EXPECT_FALSE(to_set.is_set()) << "signal event set again after EINTR";
    to_wait.set();
    pesterer.request_stop();
    pesterer.join();
    waiter.join();
    EXPECT_GE(signals_caught.load(), 3);
}

TEST_F(Interrupted, WaitStillTimesOutAtItsDeadline) { times_out_at_deadline(); }
TEST_F(Interrupted, WaitStillCompletesOnSet) { completes_on_set(); }
TEST_F(Interrupted, SignalAndWaitSetsOnlyOnce) { sets_signal_event_once(); }
TEST_F(Restarted, WaitStillTimesOutAtItsDeadline) { times_out_at_deadline(); }
TEST_F(Restarted, WaitStillCompletesOnSet) { completes_on_set(); }
TEST_F(Restarted, SignalAndWaitSetsOnlyOnce) { sets_signal_event_once(); }

} // namespace
