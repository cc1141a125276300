// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Standalone asio waiting for an evobj event: the event fd is wrapped in
// a posix::stream_descriptor and async_wait(wait_read) completes when
// the event becomes signaled. Woken twice: once by set() from another
// thread, once by the event's hardirq timer. Exits 0 if both arrive.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <system_error>
#include <thread>

#include <unistd.h>

#include <asio.hpp>

#include <evobj/evobj.hpp>

using namespace std::chrono_literals;
using std::chrono::steady_clock;

namespace {

constexpr auto delay = 50ms;
constexpr auto watchdog = 5s;

// Runs the io_context until `ev` is signaled (then consumes it) or the
// watchdog fires. `trigger` starts whatever will set the event, after
// the wait has been queued. Returns true if woken in time.
template <class Trigger>
bool wake_once(const char* how, const evobj::event& ev, Trigger trigger)
{
    asio::io_context io;
    // The descriptor closes its fd on destruction, and the event owns
    // its own: asio gets a duplicate, the same kernel object.
    const int fd = ::dup(ev.native_handle());
    if (fd < 0)
        throw std::system_error(errno, std::system_category(), "dup");
    asio::posix::stream_descriptor sd(io, fd);
    asio::steady_timer dog(io, watchdog);
    bool woke = false;
    const auto start = steady_clock::now();

    sd.async_wait(asio::posix::stream_descriptor::wait_read, [&](const asio::error_code& ec) {
        if (ec)
            return;
        // Readiness never consumes; we do, once signaled.
        woke = ev.try_wait();
        dog.cancel();
    });
    dog.async_wait([&](const asio::error_code& ec) {
        if (!ec)
            sd.cancel(); // timed out
    });
    trigger();
    io.run();

    const auto took = steady_clock::now() - start;
    std::printf("%s: %s after %.1f ms\n", how, woke ? "woke" : "FAILED, nothing",
                std::chrono::duration<double, std::milli>(took).count());
    return woke && took >= delay;
}

int run()
{
    const evobj::event ev = evobj::event::create(evobj::kind::synchronization);

    std::thread setter;
    const bool by_thread = wake_once("set() from a thread", ev, [&] {
        setter = std::thread([&] {
            std::this_thread::sleep_for(delay);
            ev.set();
        });
    });
    setter.join();

    const bool by_timer = wake_once("hardirq timer", ev,
                                    [&] { ev.arm_timer(steady_clock::now() + delay); });
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
