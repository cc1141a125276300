// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The evobj benchmark suite, as `evobjctl bench` runs it: evobj against
// futex, eventfd, pipe, epoll and timerfd on the same machine, side by
// side, reported as medians of repeated trials and ratios to a baseline.
#pragma once

#include <string>
#include <string_view>

namespace evobj::bench {

struct options {
    bool quick = false;    // shorter trials, fewer of them
    int trials = 7;        // per figure; the figure is their median
    std::string csv_path;  // empty: no CSV
    std::string only;      // comma-separated benchmark names; empty: all
};

/// The benchmarks' names, in the order run() runs them.
inline constexpr const char* benchmark_names[] = {"ping-pong", "set",     "wake-all", "wait-many",
                                                  "timer",     "scaling", "named",    "fast-path", "ntsync"};

/// Whether benchmark `name` is in the comma-separated list `only` (empty: all).
[[nodiscard]] bool selected(std::string_view only, std::string_view name);

/// Runs every benchmark, prints progress on stderr and the table on
/// stdout, writes the CSV if asked. Returns the process exit status.
int run(const options& opts);

} // namespace evobj::bench
