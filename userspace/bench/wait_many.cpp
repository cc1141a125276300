// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Wait on many: one call that finds which of 64 objects is ready when the
// last one is. evobj's EVOBJ_IOC_WAIT_ANY over 64 notification events
// and EVOBJ_IOC_WAITSET_ANY on a wait set of the same 64, against
// epoll_wait() on an epoll set of 64 eventfds (level-triggered), the
// usual Linux idiom; for information, poll() over the same eventfds
// (which, like evobj, takes the whole list on every call) and evobj with
// the first event signaled (the wait stops queueing at the first ready
// object).

#include <poll.h>
#include <sys/epoll.h>

#include <array>
#include <cstdint>
#include <vector>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

constexpr std::size_t count = 64;

} // namespace

void bench_wait_many(context& ctx)
{
    const unique_fd dev = evobj_open_device();
    std::vector<unique_fd> events, eventfds;
    std::array<std::int32_t, count> ev_fds;
    std::array<pollfd, count> poll_fds;
    const unique_fd ep(::epoll_create1(EPOLL_CLOEXEC));
    if (ep.get() < 0)
        throw_errno("epoll_create1");
    for (std::size_t i = 0; i < count; i++) {
        events.push_back(evobj_create(dev.get(), EVOBJ_NOTIFICATION));
        ev_fds[i] = events.back().get();
        eventfds.push_back(make_eventfd());
        poll_fds[i] = {.fd = eventfds.back().get(), .events = POLLIN, .revents = 0};
        epoll_event e{.events = EPOLLIN, .data = {.u64 = i}};
        if (::epoll_ctl(ep.get(), EPOLL_CTL_ADD, eventfds.back().get(), &e) < 0)
            throw_errno("epoll_ctl");
    }
    // Only the last one is ready; notification events and level-triggered
    // eventfds stay so, and nothing consumes them.
    evobj_set(ev_fds[count - 1]);
    eventfd_add(eventfds.back().get());

    const auto epoll = [&] {
        std::array<epoll_event, count> ready;
        const int n = ::epoll_wait(ep.get(), ready.data(), int(ready.size()), -1);
        expect(n == 1 && ready[0].data.u64 == count - 1, "epoll_wait: not the last eventfd");
    };
    const auto evobj_last = [&] {
        expect(evobj_wait_any(dev.get(), ev_fds) == count - 1, "WAIT_ANY: not the last index");
    };
    // The same 64 named once, in a wait set: no list to copy, no fd to look up.
    const unique_fd set = evobj_waitset_create(dev.get(), ev_fds);
    const auto evobj_set = [&] {
        expect(evobj_waitset_any(set.get()) == count - 1, "WAITSET_ANY: not the last index");
    };
    const auto poll_all = [&] {
        const int n = ::poll(poll_fds.data(), poll_fds.size(), -1);
        expect(n == 1 && poll_fds[count - 1].revents == POLLIN, "poll: not the last eventfd");
    };
    // Another 64 with only the first signaled: the wait stops queueing at
    // the first ready object.
    std::array<std::int32_t, count> first_fds;
    std::vector<unique_fd> first_events;
    for (std::size_t i = 0; i < count; i++) {
        first_events.push_back(evobj_create(dev.get(), EVOBJ_NOTIFICATION, i == 0 ? EVOBJ_SIGNALED : 0));
        first_fds[i] = first_events.back().get();
    }
    const auto evobj_first = [&] {
        expect(evobj_wait_any(dev.get(), first_fds) == 0, "WAIT_ANY: not the first index");
    };

    measure_group(ctx, "wait-many", std::to_string(count), "call",
                  {{"epoll_wait on 64 eventfds", true, loop(epoll)},
                   {"evobj WAIT_ANY on 64 events", false, loop(evobj_last)},
                   {"evobj WAITSET_ANY on 64 events", false, loop(evobj_set)},
                   {"poll() on 64 eventfds", false, loop(poll_all)},
                   {"evobj WAIT_ANY first ready", false, loop(evobj_first)}});
}

} // namespace evobj::bench
