// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj-pevents against what pevents' own test programs check (written
// anew here), plus what pevents cannot do: an atomic wait-all, a real
// pulse. Written as a pevents user writes it: WFMO and PULSE defined,
// <pevents.h>, neosmart:: names.
#define WFMO
#define PULSE
#include <pevents.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <poll.h>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj_test::Device;
using neosmart::neosmart_event_t;
using neosmart::WAIT_INFINITE;

class Pevents : public Device {};

// Destroys its events at the end of a test.
struct events {
    std::vector<neosmart_event_t> ev;
    events(int n, bool manual, bool set)
    {
        for (int i = 0; i < n; ++i)
            ev.push_back(neosmart::CreateEvent(manual, set));
    }
    ~events()
    {
        for (auto e : ev)
            neosmart::DestroyEvent(e);
    }
    neosmart_event_t operator[](std::size_t i) const { return ev[i]; }
    int size() const { return static_cast<int>(ev.size()); }
};

TEST_F(Pevents, Signature)
{
    // The declarations pevents programs are compiled against.
    static_assert(neosmart::WAIT_INFINITE == ~std::uint64_t{0});
    static_assert(WAIT_TIMEOUT == ETIMEDOUT);
    neosmart_event_t (*create)(bool, bool) = neosmart::CreateEvent;
    int (*wfme)(neosmart_event_t*, int, bool, uint64_t, int&) = neosmart::WaitForMultipleEvents;
    (void)create;
    (void)wfme;
    neosmart_event_t e = neosmart::CreateEvent(); // defaults: auto-reset, not set
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(neosmart::WaitForEvent(e, 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::SetEvent(e), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e), 0); // default: WAIT_INFINITE
    EXPECT_EQ(neosmart::DestroyEvent(e), 0);
}

TEST_F(Pevents, AutoResetBasics)
{
    events e(1, false, false);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::SetEvent(e[0]), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::SetEvent(e[0]), 0);
    EXPECT_EQ(neosmart::ResetEvent(e[0]), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 10), WAIT_TIMEOUT);
}

TEST_F(Pevents, AutoResetInitialState)
{
    events e(1, false, true);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT);
}

TEST_F(Pevents, ManualResetBasics)
{
    events e(1, true, false);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::SetEvent(e[0]), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0);
    EXPECT_EQ(neosmart::ResetEvent(e[0]), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT);
}

TEST_F(Pevents, ManualResetInitialState)
{
    events e(1, true, true);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], WAIT_INFINITE), 0);
}

TEST_F(Pevents, WaitOneOfMany)
{
    events e(4, false, false);
    neosmart::SetEvent(e[2]);
    neosmart::SetEvent(e[3]);
    int index = -7;
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 4, false, 0, index), 0);
    EXPECT_EQ(index, 2); // the lowest signaled index
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 4, false, WAIT_INFINITE, index), 0);
    EXPECT_EQ(index, 3);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 4, false, 10, index), WAIT_TIMEOUT);
    EXPECT_EQ(index, -1);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 4, false, 0), WAIT_TIMEOUT);
}

TEST_F(Pevents, WaitAllAlreadySignaledWithZeroTimeout)
{
    // All 63 set before the call: a zero-timeout wait-all succeeds.
    events e(63, false, true);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), e.size(), true, 0), 0);
}

TEST_F(Pevents, AtomicWaitAll)
{
    // pevents' own test marks the two middle checks "FAILS": its wait-all
    // consumes auto-reset events one by one. evobj's does not.
    events e(3, false, false);
    neosmart::SetEvent(e[0]);
    neosmart::SetEvent(e[2]);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 3, true, 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 3, true, 20), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0); // still set: nothing consumed
    EXPECT_EQ(neosmart::WaitForEvent(e[1], 0), WAIT_TIMEOUT);
    EXPECT_EQ(neosmart::WaitForEvent(e[2], 0), 0);

    for (auto ev : e.ev)
        neosmart::SetEvent(ev);
    int index = -7;
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 3, true, 0, index), 0);
    EXPECT_EQ(index, 0);
    for (auto ev : e.ev)
        EXPECT_EQ(neosmart::WaitForEvent(ev, 0), WAIT_TIMEOUT); // all consumed together
}

TEST_F(Pevents, BlockedWaitAllHoldsNothingBack)
{
    events e(2, false, false);
    std::atomic<int> result{-1};
    std::thread all([&] { result = neosmart::WaitForMultipleEvents(e.ev.data(), 2, true, 10000); });
    std::this_thread::sleep_for(30ms);
    neosmart::SetEvent(e[0]);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), 0); // the blocked wait-all took nothing
    neosmart::SetEvent(e[0]);
    neosmart::SetEvent(e[1]);
    all.join();
    EXPECT_EQ(result.load(), 0);
}

TEST_F(Pevents, PulseReleasesWaitersAndLeavesReset)
{
    events e(1, true, false);
    std::atomic<int> woken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] {
            if (neosmart::WaitForEvent(e[0], 10000) == 0)
                ++woken;
        });
    // No waiter count in pevents' API: give the threads time to block,
    // then pulse until all are through (a pulse with none blocked is lost).
    const auto until = std::chrono::steady_clock::now() + evobj_test::slack;
    while (woken < 3 && std::chrono::steady_clock::now() < until) {
        std::this_thread::sleep_for(20ms);
        EXPECT_EQ(neosmart::PulseEvent(e[0]), 0);
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(woken.load(), 3);
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 0), WAIT_TIMEOUT); // pevents: set then reset; here atomic
}

TEST_F(Pevents, ContentionNeverTimesOutASignaledEvent)
{
    // Many setters on an always-available auto-reset event: a zero-timeout
    // wait on it never reports a spurious timeout.
    events e(1, false, true);
    std::atomic<bool> stop{false};
    std::vector<std::thread> setters;
    for (int i = 0; i < 4; ++i)
        setters.emplace_back([&] {
            while (!stop)
                neosmart::SetEvent(e[0]);
        });
    int spurious = 0;
    for (int i = 0; i < 20000; ++i) {
        if (neosmart::WaitForEvent(e[0], 0) != 0)
            ++spurious;
        neosmart::SetEvent(e[0]);
    }
    stop = true;
    for (auto& t : setters)
        t.join();
    EXPECT_EQ(spurious, 0);
}

TEST_F(Pevents, Stress)
{
    // A producer and consumers on one auto-reset event: every signal that
    // is consumed is consumed once.
    events e(1, false, false);
    events done(1, true, false);
    std::atomic<int> consumed{0};
    std::vector<std::thread> consumers;
    for (int i = 0; i < 3; ++i)
        consumers.emplace_back([&] {
            neosmart_event_t both[] = {e[0], done[0]};
            int index = -1;
            while (neosmart::WaitForMultipleEvents(both, 2, false, WAIT_INFINITE, index) == 0 && index == 0)
                ++consumed;
        });
    int produced = 0;
    for (int i = 0; i < 2000; ++i) {
        neosmart::SetEvent(e[0]);
        ++produced;
        if (i % 64 == 0)
            std::this_thread::yield();
    }
    std::this_thread::sleep_for(50ms);
    neosmart::SetEvent(done[0]);
    for (auto& t : consumers)
        t.join();
    // Sets on a set event do not count (events are not semaphores).
    EXPECT_GT(consumed.load(), 0);
    EXPECT_LE(consumed.load(), produced);
}

TEST_F(Pevents, TimeoutsAreMonotonicMilliseconds)
{
    events e(1, false, false);
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(neosmart::WaitForEvent(e[0], 40), WAIT_TIMEOUT);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 40ms);
    // Huge finite timeouts do not overflow into "already expired".
    std::thread setter([&] {
        std::this_thread::sleep_for(30ms);
        neosmart::SetEvent(e[0]);
    });
    EXPECT_EQ(neosmart::WaitForEvent(e[0], ~std::uint64_t{0} - 1), 0);
    setter.join();
}

TEST_F(Pevents, Misuse)
{
    events e(65, false, true);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 0, false, 0), EINVAL);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(e.ev.data(), 65, false, 0), EINVAL);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(nullptr, 1, false, 0), EINVAL);
    neosmart_event_t twice[] = {e[0], e[0]};
    EXPECT_EQ(neosmart::WaitForMultipleEvents(twice, 2, true, 0), EINVAL);
    EXPECT_EQ(neosmart::WaitForMultipleEvents(twice, 2, false, 0), 0); // wait-any: allowed
    EXPECT_EQ(neosmart::SetEvent(nullptr), EINVAL);
    EXPECT_EQ(neosmart::ResetEvent(nullptr), EINVAL);
    EXPECT_EQ(neosmart::PulseEvent(nullptr), EINVAL);
    EXPECT_EQ(neosmart::WaitForEvent(nullptr, 0), EINVAL);
    EXPECT_EQ(neosmart::DestroyEvent(nullptr), EINVAL);
}

TEST_F(Pevents, EventsAreFds)
{
    events e(1, true, false);
    pollfd p{neosmart::GetEventFd(e[0]), POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    neosmart::SetEvent(e[0]);
    EXPECT_EQ(::poll(&p, 1, 0), 1);
    EXPECT_EQ(neosmart::GetEventFd(nullptr), -1);
}

} // namespace
