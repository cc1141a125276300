// SPDX-License-Identifier: LGPL-2.1-or-later
//
// The evobj benchmark suite, as `evobjctl bench` runs it: evobj against
// futex, eventfd, pipe, epoll and timerfd on the same machine, side by
// side, reported as medians of repeated trials and ratios to a baseline.
#pragma once

#include <string>

namespace evobj::bench {

struct options {
    bool quick = false;    // shorter trials, fewer of them
    int trials = 7;        // per figure; the figure is their median
    std::string csv_path;  // empty: no CSV
};

/// Runs every benchmark, prints progress on stderr and the table on
/// stdout, writes the CSV if asked. Returns the process exit status.
int run(const options& opts);

} // namespace evobj::bench
