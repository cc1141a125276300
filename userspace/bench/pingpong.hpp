// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The ping-pong measurement, shared by every benchmark that hands a token
// between two threads (pingpong.cpp, ntsync.cpp). A channel has two
// sides; post(s) hands the token to side s, wait(s) blocks until side s
// holds it, post_and_wait(p, w) does both.
#pragma once

#include <cstdint>
#include <thread>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {

// n round trips between side 0 on CPU 0 and side 1 on `echo_cpu`;
// returns the elapsed ns as side 0 sees it. A system call failing in
// either thread ends the process (std::terminate, with the error): the
// other side would otherwise wait for it forever.
template <class Channel>
std::uint64_t round_trips(Channel& ch, std::uint64_t n, int echo_cpu)
{
    std::uint64_t elapsed = 0;
    {
        std::jthread echo([&] {
            pin_to_cpu(echo_cpu);
            ch.wait(1);
            for (std::uint64_t i = 1; i < n; i++)
                ch.post_and_wait(0, 1);
            ch.post(0);
        });
        std::jthread side0([&] {
            pin_to_cpu(0);
            const std::uint64_t start = now_ns();
            for (std::uint64_t i = 0; i < n; i++)
                ch.post_and_wait(1, 0);
            elapsed = now_ns() - start;
        });
    } // Both joined here.
    return elapsed;
}

template <class Channel>
variant make_variant(Channel& ch, const char* name, int echo_cpu, bool baseline = false)
{
    return {name, baseline, [&ch, echo_cpu](std::uint64_t n) { return round_trips(ch, n, echo_cpu); }};
}

} // namespace evobj::bench
