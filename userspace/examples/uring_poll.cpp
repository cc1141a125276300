// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// io_uring waiting for an evobj event: IORING_OP_POLL_ADD on the event fd
// completes with POLLIN when the event becomes signaled. Woken twice:
// once by set() from another thread, once by the event's hardirq timer.
// Exits 0 if both arrive.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <thread>

#include <poll.h>

#include <liburing.h>

#include <evobj/evobj.hpp>

using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

constexpr auto delay = 50ms;

// Queues a poll for POLLIN on `ev`, runs `trigger`, and reaps the
// completion (5 s at most); consumes the event. True if woken in time.
template <class Trigger>
bool wake_once(io_uring& ring, const char* how, const evobj::event& ev, Trigger trigger)
{
    io_uring_sqe* sqe = io_uring_get_sqe(&ring);
    io_uring_prep_poll_add(sqe, ev.native_handle(), POLLIN);
    if (const int ret = io_uring_submit(&ring); ret != 1) {
        std::printf("%s: io_uring_submit: %s\n", how, std::strerror(-ret));
        return false;
    }
    const auto start = steady_clock::now();
    trigger();

    __kernel_timespec watchdog{.tv_sec = 5, .tv_nsec = 0};
    io_uring_cqe* cqe = nullptr;
    if (const int ret = io_uring_wait_cqe_timeout(&ring, &cqe, &watchdog); ret < 0) {
        std::printf("%s: FAILED, io_uring_wait_cqe: %s\n", how, std::strerror(-ret));
        return false;
    }
    const int res = cqe->res;
    io_uring_cqe_seen(&ring, cqe);
    const auto took = steady_clock::now() - start;
    // The poll does not consume the event; we take it here.
    const bool woke = res > 0 && (res & POLLIN) && ev.try_wait();
    std::printf("%s: %s (res %#x) after %.1f ms\n", how, woke ? "woke" : "FAILED", res,
                std::chrono::duration<double, std::milli>(took).count());
    return woke && took >= delay;
}

int run()
{
    io_uring ring{};
    if (const int ret = io_uring_queue_init(4, &ring, 0); ret < 0) {
        std::printf("io_uring_queue_init: %s\n", std::strerror(-ret));
        return 1;
    }
    const evobj::event ev = evobj::event::create(evobj::kind::synchronization);

    std::thread setter;
    const bool by_thread = wake_once(ring, "set() from a thread", ev, [&] {
        setter = std::thread([&] {
            std::this_thread::sleep_for(delay);
            ev.set();
        });
    });
    setter.join();

    const bool by_timer = wake_once(ring, "hardirq timer", ev,
                                    [&] { ev.arm_timer(steady_clock::now() + delay); });
    io_uring_queue_exit(&ring);
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
