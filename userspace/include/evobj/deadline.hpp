// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::deadline: the absolute timeout every evobj wait takes.
//
// The kernel takes absolute nanoseconds on CLOCK_MONOTONIC, or on
// CLOCK_REALTIME with EVOBJ_WAIT_REALTIME. Keeping the deadline absolute
// end to end is what lets a wait interrupted by a signal be restarted
// without drifting, so relative timeouts are turned into absolute ones
// once, at the call site, and never again.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <ratio>

#include <evobj/export.hpp>

namespace evobj {

/// An absolute point in time on CLOCK_MONOTONIC or CLOCK_REALTIME.
///
/// Implicitly constructible from any std::chrono::time_point:
///  - steady_clock (CLOCK_MONOTONIC in libstdc++ and libc++) maps 1:1;
///  - system_clock (CLOCK_REALTIME) maps 1:1 and the wait follows
///    settimeofday/NTP steps, as the kernel implements it;
///  - any other clock is converted once to steady_clock through the
///    distance between the two clocks' now().
/// Time points are rounded up to whole nanoseconds, so a wait never
/// times out before its deadline; time_point::max(), and anything the
/// kernel cannot represent (beyond KTIME_MAX, 2^63 - 1 ns, some 292 years
/// after the clock's epoch), means "never"; anything at or before the
/// epoch means "do not block".
class deadline {
public:
    /// A deadline that never expires.
    constexpr deadline() noexcept = default;

    template <class Duration>
    constexpr deadline(std::chrono::time_point<std::chrono::steady_clock, Duration> tp) noexcept
        : ns_(to_ns(tp))
    {
    }

    template <class Duration>
    constexpr deadline(std::chrono::time_point<std::chrono::system_clock, Duration> tp) noexcept
        : ns_(to_ns(tp)), realtime_(true)
    {
    }

    template <class Clock, class Duration>
    deadline(std::chrono::time_point<Clock, Duration> tp)
        : deadline(tp == std::chrono::time_point<Clock, Duration>::max()
                       ? deadline()
                       : after(tp - Clock::now()))
    {
    }

    [[nodiscard]] static constexpr deadline infinite() noexcept { return {}; }

    /// A deadline already past: the wait only polls.
    [[nodiscard]] static constexpr deadline immediate() noexcept
    {
        deadline d;
        d.ns_ = 0;
        return d;
    }

    /// steady_clock::now() + d, saturating to infinite().
    template <class Rep, class Period>
    [[nodiscard]] static deadline after(std::chrono::duration<Rep, Period> d) noexcept
    {
        if (d <= d.zero())
            return immediate();
        const std::uint64_t now = to_ns(std::chrono::steady_clock::now().time_since_epoch());
        const std::uint64_t rel = to_ns(d);
        deadline r;
        // Both are at most max_ns, so the sum cannot wrap.
        r.ns_ = rel == infinite_ns || now + rel > max_ns ? infinite_ns : now + rel;
        return r;
    }

    /// Absolute nanoseconds on the clock realtime() names, or
    /// EVOBJ_TIMEOUT_INFINITE.
    [[nodiscard]] constexpr std::uint64_t nanoseconds() const noexcept { return ns_; }
    /// True if nanoseconds() counts on CLOCK_REALTIME, not CLOCK_MONOTONIC.
    [[nodiscard]] constexpr bool realtime() const noexcept { return realtime_; }
    [[nodiscard]] constexpr bool is_infinite() const noexcept { return ns_ == infinite_ns; }

    friend constexpr bool operator==(const deadline&, const deadline&) noexcept = default;

private:
    static constexpr std::uint64_t infinite_ns = ~std::uint64_t{0}; // EVOBJ_TIMEOUT_INFINITE
    static constexpr std::uint64_t max_ns = 
        static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()); // KTIME_MAX

    template <class Clock, class Duration>
    static constexpr std::uint64_t to_ns(std::chrono::time_point<Clock, Duration> tp) noexcept
    {
        return tp == tp.max() ? infinite_ns : to_ns(tp.time_since_epoch());
    }

    // Saturating, rounding-up conversion to nanoseconds: 0 for anything
    // not positive, infinite_ns past KTIME_MAX. The range check is done in
    // floating point so that neither coarse (hours) nor fine (picoseconds)
    // nor floating-point durations can overflow on the way.
    template <class Rep, class Period>
    static constexpr std::uint64_t to_ns(std::chrono::duration<Rep, Period> d) noexcept
    {
        if (d <= d.zero())
            return 0;
        if (std::chrono::duration<long double, std::nano>(d).count() >= 0x1p63L)
            return infinite_ns;
        const auto ns = static_cast<std::uint64_t>(std::chrono::ceil<std::chrono::nanoseconds>(d).count());
        return ns > max_ns ? infinite_ns : ns;
    }

    std::uint64_t ns_ = infinite_ns;
    bool realtime_ = false;
};

} // namespace evobj
