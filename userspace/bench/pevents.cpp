// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// pevents' API timed through whichever pevents it is linked with: built
// as evobj-pevents-bench against the drop-in (libevobj-pevents), and, if
// EVOBJ_PEVENTS_SOURCE names a checkout of neosmart pevents, also as
// evobj-pevents-bench-neosmart against that source. The two cannot share
// one binary (the same names in the same namespace), so they are run in
// turn in one VM and compared there (README, "Against neosmart pevents").
//
// Each figure is ns per operation, the median of --trials trials:
//   set            SetEvent on an auto-reset event nobody waits on
//   set+take       SetEvent, then WaitForEvent(0) taking it
//   test           WaitForEvent(0) on an unsignaled event: WAIT_TIMEOUT
//   reset          ResetEvent on a manual-reset event
//   ping-pong      a round trip between two threads, each SetEvent on the
//                  other's auto-reset event, then WaitForEvent on its own
// Output: one "pevents,FIGURE,NS" line per figure.

#include <pevents.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <thread>
#include <vector>

namespace {

using neosmart::neosmart_event_t;

[[noreturn]] void fail(const char* what)
{
    std::fprintf(stderr, "evobj-pevents-bench: %s failed\n", what);
    std::exit(1);
}

neosmart_event_t create(bool manual)
{
    neosmart_event_t e = neosmart::CreateEvent(manual, false);
    if (!e)
        fail("CreateEvent");
    return e;
}

void check(int ret, const char* what, int expected = 0)
{
    if (ret != expected)
        fail(what);
}

// ns per call of `op`, `n` calls, median of `trials` runs.
double measure(int trials, std::uint64_t n, const std::function<void(std::uint64_t)>& run)
{
    std::vector<double> t;
    for (int i = 0; i < trials; i++) {
        const auto start = std::chrono::steady_clock::now();
        run(n);
        const std::chrono::duration<double, std::nano> d = std::chrono::steady_clock::now() - start;
        t.push_back(d.count() / double(n));
    }
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

void ping_pong(std::uint64_t n)
{
    neosmart_event_t ev[2] = {create(false), create(false)};
    std::thread echo([&] {
        for (std::uint64_t i = 0; i < n; i++) {
            check(neosmart::WaitForEvent(ev[1]), "WaitForEvent");
            check(neosmart::SetEvent(ev[0]), "SetEvent");
        }
    });
    for (std::uint64_t i = 0; i < n; i++) {
        check(neosmart::SetEvent(ev[1]), "SetEvent");
        check(neosmart::WaitForEvent(ev[0]), "WaitForEvent");
    }
    echo.join();
    neosmart::DestroyEvent(ev[0]);
    neosmart::DestroyEvent(ev[1]);
}

} // namespace

int main(int argc, char** argv)
{
    int trials = 7;
    for (int i = 1; i + 1 < argc; i++)
        if (!std::strcmp(argv[i], "--trials"))
            trials = std::max(1, std::atoi(argv[i + 1]));

    constexpr std::uint64_t calls = 100000, round_trips = 5000;
    neosmart_event_t autoreset = create(false), manual = create(true), idle = create(false);

    const double set = measure(trials, calls, [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; i++)
            check(neosmart::SetEvent(autoreset), "SetEvent");
    });
    check(neosmart::WaitForEvent(autoreset, 0), "WaitForEvent(0)");
    const double set_take = measure(trials, calls, [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; i++) {
            check(neosmart::SetEvent(autoreset), "SetEvent");
            check(neosmart::WaitForEvent(autoreset, 0), "WaitForEvent(0)");
        }
    });
    const double test = measure(trials, calls, [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; i++)
            check(neosmart::WaitForEvent(idle, 0), "WaitForEvent(0) timing out", WAIT_TIMEOUT);
    });
    const double reset = measure(trials, calls, [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; i++)
            check(neosmart::ResetEvent(manual), "ResetEvent");
    });
    const double pp = measure(trials, round_trips, ping_pong);

    std::printf("pevents,set,%.1f\npevents,set+take,%.1f\npevents,test,%.1f\npevents,reset,%.1f\n"
                "pevents,ping-pong,%.1f\n",
                set, set_take, test, reset, pp);
    neosmart::DestroyEvent(autoreset);
    neosmart::DestroyEvent(manual);
    neosmart::DestroyEvent(idle);
    return 0;
}
