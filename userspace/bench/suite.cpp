// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The suite: every benchmark in one run, then the table, the project's
// targets against what was measured, and the CSV.

#include <fstream>
#include <iterator>
#include <string_view>
#include <iostream>
#include <stdexcept>

#include "harness.hpp"
#include "sys.hpp"

namespace evobj::bench {
namespace {

// A target of issue #4: evobj's figure over a baseline's, at most `limit`.
struct target {
    const char* what;
    const char* benchmark;
    const char* param;
    const char* variant;
    const char* baseline;
    const char* metric;
    double limit;
};

// The cheapest one-call hop, the one the libraries make (issue 16's targets).
constexpr const char* pingpong_one_call = "evobj signal-and-wait on the event fd";

constexpr target targets[] = {
    {"ping-pong vs futex, 2 CPUs", "ping-pong", pingpong_cross_cpu, pingpong_one_call, "futex", "round-trip", 1.00},
    {"ping-pong vs eventfd, 2 CPUs", "ping-pong", pingpong_cross_cpu, pingpong_one_call, "eventfd", "round-trip", 0.85},
    {"ping-pong vs futex, 1 CPU", "ping-pong", pingpong_same_cpu, pingpong_one_call, "futex", "round-trip", 1.00},
    {"ping-pong vs eventfd, 1 CPU", "ping-pong", pingpong_same_cpu, pingpong_one_call, "eventfd", "round-trip", 0.85},
    {"uncontended set vs eventfd write", "set", "-", "evobj SET ioctl", "eventfd write", "set", 1.00},
    {"repeated wait-any on 64 vs epoll_wait", "wait-many", "64", "evobj WAITSET_ANY on 64 events",
     "epoll_wait on 64 eventfds", "call", 2.00},
    {"uncontended SetEvent vs a pevents-style event", "fast-path", "-", "evobj mapped word",
     "mutex/condvar event (pevents' design)", "set", 2.00},
    {"SetEvent + WaitForEvent(0) vs pevents-style", "fast-path", "-", "evobj mapped word",
     "mutex/condvar event (pevents' design)", "set+take", 2.00},
    {"uncontended set vs ntsync EVENT_SET", "ntsync", "-", "evobj SET ioctl", "ntsync EVENT_SET", "set", 1.00},
    {"wait-any over 64 vs ntsync", "ntsync", "64", "evobj WAIT_ANY on 64, last ready",
     "ntsync WAIT_ANY on 64, last ready", "wait-any", 1.00},
    {"wait-all over 8 vs ntsync", "ntsync", "8", "evobj WAIT_ALL on 8 signaled", "ntsync WAIT_ALL on 8 signaled",
     "wait-all", 1.00},
    {"semaphore release + take vs ntsync", "ntsync-semaphore", "-", "evobj RELEASE + WAIT",
     "ntsync SEM_RELEASE + WAIT_ANY", "release+take", 1.00},
    {"semaphore ping-pong vs ntsync, 2 CPUs", "ntsync-semaphore", pingpong_cross_cpu,
     "evobj WAIT releasing the peer's", "ntsync SEM_RELEASE + WAIT_ANY", "round-trip", 1.00},
    {"semaphore ping-pong vs ntsync, 1 CPU", "ntsync-semaphore", pingpong_same_cpu,
     "evobj WAIT releasing the peer's", "ntsync SEM_RELEASE + WAIT_ANY", "round-trip", 1.00},
    {"timer wake latency p50 vs timerfd", "timer", "-", "evobj TIMER + WAIT_ANY", "timerfd read()", "latency-p50",
     1.10},
};

void print_targets(const report& r, std::ostream& os)
{
    os << "\nTargets (evobj / baseline, lower is better):\n";
    for (const target& t : targets) {
        const figure* ev = r.find(t.benchmark, t.variant, t.param, t.metric);
        const figure* base = r.find(t.benchmark, t.baseline, t.param, t.metric);
        if (!ev || !base || base->value == 0) {
            os << strprintf("  %-36s not measured\n", t.what);
            continue;
        }
        const double ratio = ev->value / base->value;
        os << strprintf("  %-36s target <= %.2fx  measured %.2fx  %s\n", t.what, t.limit, ratio,
                        ratio <= t.limit ? "met"
                                         : strprintf("MISSED by %.0f%%", (ratio / t.limit - 1) * 100).c_str());
    }
}

} // namespace

bool selected(std::string_view only, std::string_view name)
{
    if (only.empty())
        return true;
    while (!only.empty()) {
        const auto comma = only.find(',');
        if (only.substr(0, comma) == name)
            return true;
        only = comma == std::string_view::npos ? std::string_view{} : only.substr(comma + 1);
    }
    return false;
}

int run(const options& opts)
{
    if (opts.trials < 1)
        throw std::invalid_argument("the number of trials must be at least 1");
    report out;
    progress prog;
    context ctx{opts, out, prog};

    std::cerr << strprintf("evobj benchmarks: %d trials per figure, %s trials, %d CPUs\n", opts.trials,
                           opts.quick ? "quick" : "full", online_cpus());
    using bench_fn = void (*)(context&);
    constexpr bench_fn benches[] = {bench_pingpong, bench_set,     bench_wake_all, bench_wait_many,
                                    bench_timer,    bench_scaling, bench_named,    bench_fast,
                                    bench_ntsync};
    static_assert(std::size(benches) == std::size(benchmark_names));
    for (std::size_t i = 0; i < std::size(benches); i++)
        if (selected(opts.only, benchmark_names[i]))
            benches[i](ctx);

    out.print_table(std::cout);
    print_targets(out, std::cout);
    std::cout << std::flush;

    if (!opts.csv_path.empty()) {
        std::ofstream csv(opts.csv_path);
        out.write_csv(csv);
        csv.close();
        if (!csv)
            throw std::runtime_error("cannot write " + opts.csv_path);
    }
    return 0;
}

} // namespace evobj::bench
