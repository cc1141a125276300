// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::wait_set against the real module: the same waits as on a list,
// the set keeping its events, poll on it, and its errors.
#include <chrono>
#include <optional>
#include <thread>
#include <vector>

#include <poll.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj::kind;
using evobj_test::short_timeout;
using evobj_test::slack;
using evobj_test::throws_errno;

class WaitSet : public evobj_test::Device {};

std::vector<evobj::event> make(std::size_t n, kind k)
{
    std::vector<evobj::event> v;
    for (std::size_t i = 0; i < n; ++i)
        v.push_back(evobj::event::create(k));
    return v;
}

TEST_F(WaitSet, AnyLowestIndexWinsAgainAndAgain)
{
    const auto evs = make(4, kind::synchronization);
    const evobj::wait_set set(evs);
    EXPECT_EQ(4U, set.size());
    for (int round = 0; round < 3; ++round) {
        evs[3].set();
        evs[2].set();
        EXPECT_EQ(std::optional<std::size_t>(2), set.wait_any(evobj::deadline::immediate()));
        EXPECT_EQ(std::optional<std::size_t>(3), set.wait_any(evobj::deadline::immediate()));
        EXPECT_EQ(std::nullopt, set.wait_any(evobj::deadline::after(short_timeout)));
    }
}

TEST_F(WaitSet, AllIsAtomicAndBlocks)
{
    const auto evs = make(2, kind::synchronization);
    const evobj::wait_set set(evobj::device::instance(), evs);
    evs[0].set();
    EXPECT_FALSE(set.wait_all(evobj::deadline::immediate()));
    EXPECT_TRUE(evs[0].is_set());
    std::jthread setter([&] {
        std::this_thread::sleep_for(short_timeout);
        evs[1].set();
    });
    EXPECT_TRUE(set.wait_all(evobj::deadline::after(slack)));
    EXPECT_FALSE(evs[0].is_set());
    EXPECT_FALSE(evs[1].is_set());
}

TEST_F(WaitSet, AlertAndSignal)
{
    const auto evs = make(2, kind::synchronization);
    const auto stop = evobj::event::create(kind::notification, true);
    const auto done = evobj::event::create(kind::notification);
    const evobj::wait_set set(evs);
    const evobj::wait_result r = set.wait_any(evobj::deadline::immediate(), {.alert = stop, .signal = done});
    EXPECT_TRUE(r.alerted());
    EXPECT_EQ(2U, r.index());
    EXPECT_TRUE(done.is_set());
    evs[1].set();
    EXPECT_EQ(evobj::wait_result(evobj::wait_status::signaled, 1),
              set.wait_any(evobj::deadline::immediate(), {.alert = {}, .signal = {}}));
}

TEST_F(WaitSet, KeepsEventsWhoseFdsAreGone)
{
    std::optional<evobj::wait_set> set;
    {
        const auto evs = make(2, kind::notification);
        evs[1].set();
        set.emplace(evs);
    }
    EXPECT_EQ(std::optional<std::size_t>(1), set->wait_any(evobj::deadline::immediate()));
}

TEST_F(WaitSet, PollReadableWhileAMemberIsSignaled)
{
    const auto evs = make(3, kind::synchronization);
    const evobj::wait_set set(evs);
    pollfd p{.fd = set.native_handle(), .events = POLLIN, .revents = 0};
    EXPECT_EQ(0, ::poll(&p, 1, 0));
    evs[2].set();
    EXPECT_EQ(1, ::poll(&p, 1, 0));
    EXPECT_EQ(std::optional<std::size_t>(2), set.wait_any(evobj::deadline::immediate()));
    EXPECT_EQ(0, ::poll(&p, 1, 0));
}

TEST_F(WaitSet, Errors)
{
    const auto evs = make(1, kind::notification);
    EXPECT_TRUE(throws_errno([] { evobj::wait_set{std::vector<evobj::event>{}}; }, EINVAL, "EVOBJ_IOC_WAITSET"));
    const std::vector<evobj::event_ref> twice{evs[0], evs[0]};
    const evobj::wait_set set(twice);
    EXPECT_TRUE(throws_errno([&] { (void)set.wait_all(evobj::deadline::immediate()); }, EINVAL,
                             "EVOBJ_IOC_WAITSET_ALL"));
    std::vector<evobj::event> many = make(evobj::max_wait + 1, kind::notification);
    EXPECT_TRUE(throws_errno([&] { evobj::wait_set{many}; }, EINVAL, "EVOBJ_IOC_WAITSET"));
}

} // namespace
