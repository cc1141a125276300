// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::event against the real module: both kinds, every operation,
// single-object waits on both clocks, ownership and the hardirq timer.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <poll.h>
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

class Event : public evobj_test::Device,
              public ::testing::WithParamInterface<kind> {};

INSTANTIATE_TEST_SUITE_P(Kinds, Event,
                         ::testing::Values(kind::notification, kind::synchronization),
                         [](const auto& info) {
                             return info.param == kind::notification ? "notification"
                                                                     : "synchronization";
                         });

// Polls the fd without consuming: the kernel's view of the state.
bool readable(const evobj::event& e)
{
    pollfd p{e.native_handle(), POLLIN, 0};
    return ::poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST_P(Event, CreateNonSignaled)
{
    const evobj::event e = evobj::event::create(GetParam());
    ASSERT_TRUE(e.valid());
    EXPECT_EQ(GetParam(), e.type());
    EXPECT_FALSE(e.is_set());
    EXPECT_EQ((evobj::event_state{GetParam(), false}), e.query());
    // O_CLOEXEC, so that events do not leak into exec'd programs.
    EXPECT_EQ(FD_CLOEXEC, ::fcntl(e.native_handle(), F_GETFD));
}

TEST_P(Event, CreateSignaled)
{
    const evobj::event e = evobj::event::create(GetParam(), true);
    EXPECT_TRUE(e.is_set());
    EXPECT_TRUE(readable(e));
}

TEST_P(Event, SetResetReturnPreviousState)
{
    const evobj::event e = evobj::event::create(GetParam());
    EXPECT_FALSE(e.set());
    EXPECT_TRUE(e.is_set());
    EXPECT_TRUE(e.set()); // events do not count
    EXPECT_TRUE(e.is_set());
    EXPECT_TRUE(e.reset());
    EXPECT_FALSE(e.is_set());
    EXPECT_FALSE(e.reset());
    EXPECT_FALSE(e.is_set());
}

TEST_P(Event, PulseLeavesNonSignaled)
{
    const evobj::event e = evobj::event::create(GetParam());
    EXPECT_FALSE(e.pulse());
    EXPECT_FALSE(e.is_set());
    EXPECT_FALSE(e.set());
    EXPECT_TRUE(e.pulse());
    EXPECT_FALSE(e.is_set());
}

TEST_P(Event, PulseReleasesAWaiter)
{
    const evobj::event e = evobj::event::create(GetParam());
    std::atomic<bool> woke{false};
    std::jthread waiter([&] { woke = e.wait_for(slack); });
    // The pulse releases only waiters already queued: keep pulsing until
    // the waiter has been caught (it cannot be released any other way).
    const auto give_up = steady_clock::now() + slack;
    while (!woke && steady_clock::now() < give_up) {
        static_cast<void>(e.pulse());
        std::this_thread::sleep_for(1ms);
    }
    waiter.join();
    EXPECT_TRUE(woke);
    EXPECT_FALSE(e.is_set());
}

TEST_P(Event, WaitOnSignaledReturnsAtOnce)
{
    const evobj::event e = evobj::event::create(GetParam(), true);
    EXPECT_TRUE(e.wait_for(0s));
    // A synchronization event is consumed by the wait, a notification one is not.
    EXPECT_EQ(GetParam() == kind::notification, e.is_set());
}

TEST_P(Event, TryWait)
{
    const evobj::event e = evobj::event::create(GetParam());
    EXPECT_FALSE(e.try_wait());
    e.set();
    EXPECT_TRUE(e.try_wait());
    EXPECT_EQ(GetParam() == kind::notification, e.try_wait());
}

TEST_P(Event, WaitForTimesOutAsValue)
{
    const evobj::event e = evobj::event::create(GetParam());
    const auto start = steady_clock::now();
    EXPECT_FALSE(e.wait_for(short_timeout));
    const auto elapsed = steady_clock::now() - start;
    EXPECT_GE(elapsed, short_timeout);
    EXPECT_LT(elapsed, short_timeout + slack);
}

TEST_P(Event, WaitUntilSteadyTimesOutAtDeadline)
{
    const evobj::event e = evobj::event::create(GetParam());
    const auto deadline = steady_clock::now() + short_timeout;
    EXPECT_FALSE(e.wait_until(deadline));
    EXPECT_GE(steady_clock::now(), deadline);
}

TEST_P(Event, WaitUntilSystemClockTimesOutAtDeadline)
{
    const evobj::event e = evobj::event::create(GetParam());
    const auto deadline = system_clock::now() + short_timeout;
    EXPECT_FALSE(e.wait_until(deadline));
    EXPECT_GE(system_clock::now(), deadline);
}

TEST_P(Event, SystemClockDeadlineIsOnRealtime)
{
    // A system_clock time whose count is a monotonic time 10 s ahead is
    // decades in the past on CLOCK_REALTIME: the wait must not block.
    // (Read as monotonic, as without EVOBJ_WAIT_REALTIME, it would.)
    const evobj::event e = evobj::event::create(GetParam());
    const auto start = steady_clock::now();
    const system_clock::time_point past(
        std::chrono::duration_cast<system_clock::duration>(start.time_since_epoch() + 10s));
    EXPECT_FALSE(e.wait_until(past));
    EXPECT_LT(steady_clock::now() - start, 5s);
}

TEST_P(Event, PastDeadlinesDoNotBlock)
{
    const evobj::event e = evobj::event::create(GetParam());
    EXPECT_FALSE(e.wait_until(steady_clock::now() - 1s));
    EXPECT_FALSE(e.wait_until(system_clock::time_point{}));
    EXPECT_FALSE(e.wait_for(-1s));
}

TEST_P(Event, WaitWokenBySetFromAnotherThread)
{
    const evobj::event e = evobj::event::create(GetParam());
    std::jthread setter([&] {
        std::this_thread::sleep_for(short_timeout);
        e.set();
    });
    e.wait(); // infinite: only the set can end it
    setter.join();
    EXPECT_EQ(GetParam() == kind::notification, e.is_set());
}

TEST_P(Event, WaitUntilSystemClockWokenBySet)
{
    const evobj::event e = evobj::event::create(GetParam());
    std::jthread setter([&] {
        std::this_thread::sleep_for(short_timeout);
        e.set();
    });
    EXPECT_TRUE(e.wait_until(system_clock::now() + slack));
    setter.join();
}

TEST_P(Event, ReadAndWriteLikeEventfd)
{
    // The fd protocol the examples rely on: write 1 sets, read consumes a
    // synchronization event.
    const evobj::event e = evobj::event::create(GetParam());
    const std::uint64_t one = 1;
    ASSERT_EQ(static_cast<ssize_t>(sizeof(one)), ::write(e.native_handle(), &one, sizeof(one)));
    EXPECT_TRUE(e.is_set());
    EXPECT_TRUE(readable(e));
    std::uint64_t value = 0;
    ASSERT_EQ(static_cast<ssize_t>(sizeof(value)), ::read(e.native_handle(), &value, sizeof(value)));
    EXPECT_EQ(1U, value);
    EXPECT_EQ(GetParam() == kind::notification, e.is_set());
}

TEST_P(Event, MoveKeepsTheKernelObject)
{
    evobj::event a = evobj::event::create(GetParam());
    const int fd = a.native_handle();
    evobj::event b = std::move(a);
    EXPECT_FALSE(a.valid()); // NOLINT(bugprone-use-after-move): specified
    EXPECT_EQ(fd, b.native_handle());
    EXPECT_FALSE(b.set());
    EXPECT_TRUE(throws_errno([&] { a.set(); }, EBADF, "EVOBJ_IOC_SET"));
    evobj::event c = evobj::event::create(GetParam());
    c = std::move(b);
    EXPECT_EQ(fd, c.native_handle());
    EXPECT_TRUE(c.is_set());
}

TEST_P(Event, ReleaseAndAdopt)
{
    evobj::event a = evobj::event::create(GetParam(), true);
    const int fd = a.release();
    EXPECT_FALSE(a.valid());
    ASSERT_GE(fd, 0);
    const evobj::event b = evobj::event::adopt(fd);
    EXPECT_TRUE(b.is_set());
    EXPECT_EQ(GetParam(), b.type());
}

TEST_P(Event, DestructorClosesTheFd)
{
    int fd = -1;
    {
        const evobj::event e = evobj::event::create(GetParam());
        fd = e.native_handle();
        errno = ERANGE;
    }
    EXPECT_EQ(ERANGE, errno);
    EXPECT_EQ(-1, ::fcntl(fd, F_GETFD));
    EXPECT_EQ(EBADF, errno);
}

TEST_P(Event, TimerOneShotSetsTheEvent)
{
    const evobj::event e = evobj::event::create(GetParam());
    const auto fire = steady_clock::now() + short_timeout;
    e.arm_timer(fire);
    EXPECT_TRUE(e.wait_until(fire + slack));
    EXPECT_GE(steady_clock::now(), fire);
    // One shot: nothing more comes.
    EXPECT_EQ(GetParam() == kind::notification, e.reset());
    EXPECT_FALSE(e.wait_for(short_timeout));
}

TEST_P(Event, TimerInThePastFiresAtOnce)
{
    const evobj::event e = evobj::event::create(GetParam());
    e.arm_timer(steady_clock::time_point{}); // the epoch: not "disarm"
    EXPECT_TRUE(e.wait_for(slack));
}

TEST_P(Event, TimerPeriodicKeepsFiring)
{
    const evobj::event e = evobj::event::create(GetParam());
    e.arm_timer(steady_clock::now(), 5ms);
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(e.wait_for(slack)) << "expiry " << i;
        e.reset();
    }
    e.disarm_timer();
}

TEST_P(Event, DisarmedTimerDoesNotFire)
{
    const evobj::event e = evobj::event::create(GetParam());
    e.arm_timer(steady_clock::now() + short_timeout);
    e.disarm_timer();
    EXPECT_FALSE(e.wait_for(2 * short_timeout));
    EXPECT_FALSE(e.is_set());
}

TEST_P(Event, RearmReplacesTheSchedule)
{
    const evobj::event e = evobj::event::create(GetParam());
    e.arm_timer(steady_clock::now() + 1h);
    const auto fire = steady_clock::now() + short_timeout;
    e.arm_timer(fire);
    EXPECT_TRUE(e.wait_until(fire + slack));
}

TEST_P(Event, TimerRejectsBadPeriods)
{
    const evobj::event e = evobj::event::create(GetParam());
    const auto later = steady_clock::now() + 1h;
    EXPECT_TRUE(throws_errno([&] { e.arm_timer(later, 99999ns); }, EINVAL, "EVOBJ_IOC_TIMER"));
    EXPECT_TRUE(throws_errno([&] { e.arm_timer(later, 1ns); }, EINVAL, "EVOBJ_IOC_TIMER"));
    EXPECT_TRUE(throws_errno([&] { e.arm_timer(later, -1ms); }, EINVAL, "EVOBJ_IOC_TIMER"));
    // The minimum itself is fine.
    EXPECT_NO_THROW(e.arm_timer(later, 100us));
    e.disarm_timer();
    EXPECT_FALSE(e.is_set());
}

} // namespace
