// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// An epoll loop woken by an evobj event: an event fd is readable while
// the event is signaled, so it sits in an epoll set like an eventfd.
// Woken twice: once by set() from another thread, once by the event's
// own high-resolution timer, which sets it from hardirq context.
// Exits 0 if both wake-ups arrive, 1 otherwise.
#include <chrono>
#include <cstdio>
#include <exception>
#include <thread>

#include <sys/epoll.h>
#include <unistd.h>

#include <evobj/evobj.hpp>

using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

constexpr auto delay = 50ms;          // how late the wake-up is scheduled
constexpr int watchdog_ms = 5000;     // give up after this

// Blocks in epoll_wait until `ev` is signaled, then consumes it.
// Returns the time it took, or a negative duration on failure.
steady_clock::duration wait_in_loop(int ep, const evobj::event& ev, steady_clock::time_point start)
{
    epoll_event out{};
    const int n = ::epoll_wait(ep, &out, 1, watchdog_ms);
    if (n != 1 || out.data.fd != ev.native_handle() || !(out.events & EPOLLIN)) {
        std::printf("epoll_wait: %d events, expected the event fd to be readable\n", n);
        return -1ns;
    }
    const auto took = steady_clock::now() - start;
    // Readiness does not consume: the loop takes the signal itself, as a
    // reader of an eventfd would. A synchronization event is reset by it.
    if (!ev.try_wait()) {
        std::printf("readable but not signaled\n");
        return -1ns;
    }
    return took;
}

bool report(const char* how, steady_clock::duration took)
{
    if (took < delay) { // negative (failed) or too early
        std::printf("%s: FAILED\n", how);
        return false;
    }
    std::printf("%s: woke after %.1f ms\n", how,
                std::chrono::duration<double, std::milli>(took).count());
    return true;
}

int run()
{
    const evobj::event ev = evobj::event::create(evobj::kind::synchronization);
    const int ep = ::epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) {
        std::perror("epoll_create1");
        return 1;
    }
    epoll_event in{};
    in.events = EPOLLIN;
    in.data.fd = ev.native_handle();
    if (::epoll_ctl(ep, EPOLL_CTL_ADD, ev.native_handle(), &in) < 0) {
        std::perror("epoll_ctl");
        return 1;
    }

    // 1. Another thread sets the event.
    auto start = steady_clock::now();
    std::thread setter([&] {
        std::this_thread::sleep_for(delay);
        ev.set();
    });
    const bool by_thread = report("set() from a thread", wait_in_loop(ep, ev, start));
    setter.join();

    // 2. The kernel's hrtimer sets it, in hardirq context.
    start = steady_clock::now();
    ev.arm_timer(start + delay);
    const bool by_timer = report("hardirq timer", wait_in_loop(ep, ev, start));

    ::close(ep);
    return by_thread && by_timer ? 0 : 1;
}

} // namespace

int main()
{
    try {
        return run();
    } catch (const std::exception& e) {
        std::printf("error: %s\n", e.what());
        return 1;
    }
}
